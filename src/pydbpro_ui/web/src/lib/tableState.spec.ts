import { describe, expect, it } from 'vitest'
import {
  dataParams, describeKey, equalityQuery, readLanding, readTableState, rowQuery, selectionKey, selectionParams,
  toggleSort, withSelection, withTab, writeTableState, type TableViewState,
} from './tableState'

const base: TableViewState = {
  page: 1, pageSize: null, sort: [], filters: [], match: 'all', q: '', columns: [], tab: 'data', rowKey: [],
  schema: null,
  grouping: null,
}

describe('reading the URL', () => {
  it('gives defaults for an empty or invalid query', () => {
    expect(readTableState({})).toEqual(base)
    expect(readTableState({ page: '0', page_size: '-5', tab: 'nope', match: 'x' })).toEqual(base)
    expect(readTableState({ page: 'abc', page_size: '1.5' })).toEqual(base)
  })

  it('reads every part of the state', () => {
    const state = readTableState(
      {
        page: '3', page_size: '50', sort: 'a,b', order: 'desc,asc', filter_a_contains: 'x',
        filter_b: ['1', '2'], match: 'any', q: 'hi', columns: 'b,a', tab: 'structure', schema: 'sales',
      },
      ['a', 'b'],
    )
    expect(state).toEqual({
      page: 3,
      pageSize: 50,
      sort: [{ column: 'a', order: 'desc' }, { column: 'b', order: 'asc' }],
      filters: [
        { column: 'a', op: 'contains', value: 'x' },
        { column: 'b', op: 'eq', value: '1' },
        { column: 'b', op: 'eq', value: '2' },
      ],
      match: 'any',
      q: 'hi',
      columns: ['b', 'a'],
      tab: 'structure',
      rowKey: [],
      schema: 'sales',
      grouping: null,
    })
  })

  it('reads the row tab with its key, and ignores key_ parameters on other tabs', () => {
    const query = { tab: 'row', key_order_id: '3', key_line_no: '2', filter_a: '1' }
    expect(readTableState(query, ['a'])).toMatchObject({
      tab: 'row',
      rowKey: [{ column: 'order_id', value: '3' }, { column: 'line_no', value: '2' }],
      filters: [{ column: 'a', op: 'eq', value: '1' }],
    })
    expect(readTableState({ key_id: '3' }).rowKey).toEqual([])
  })

  it('reads landing hints, accepting 1ClickDBPro\'s panel names', () => {
    expect(readLanding({})).toEqual({ panel: null, column: null })
    for (const panel of ['filters', 'filter', 'search', 'Search']) {
      expect(readLanding({ panel, column: 'city' })).toEqual({ panel: 'filters', column: 'city' })
    }
    expect(readLanding({ panel: 'other', column: 'city' })).toEqual({ panel: null, column: 'city' })
  })

  it('uses the last order for extra sort columns, asc when none is given', () => {
    expect(readTableState({ sort: 'a,b,c', order: 'desc' }).sort.map((s) => s.order)).toEqual(['desc', 'desc', 'desc'])
    expect(readTableState({ sort: 'a' }).sort).toEqual([{ column: 'a', order: 'asc' }])
  })
})

describe('writing the URL', () => {
  it('leaves defaults out', () => {
    expect(writeTableState(base)).toEqual({})
  })

  it('round-trips a full state', () => {
    const state: TableViewState = {
      page: 4,
      pageSize: 100,
      sort: [{ column: 'freight', order: 'desc' }, { column: 'id', order: 'asc' }],
      filters: [
        { column: 'status', op: 'contains', value: 'del' },
        { column: 'freight', op: 'between', value: '10,50' },
        { column: 'shipped_date', op: 'isnull', value: '' },
      ],
      match: 'any',
      q: 'Zürich',
      columns: ['status', 'freight'],
      tab: 'row',
      rowKey: [{ column: 'id', value: '7' }],
      schema: 'public',
      grouping: null,
    }
    expect(readTableState(writeTableState(state), ['status', 'freight', 'shipped_date'])).toEqual(state)
  })

  it('keeps the row key on the row tab only, and drops landing hints on any change', () => {
    const onRow = withTab(base, 'row', [{ column: 'id', value: '5' }])
    expect(writeTableState(onRow)).toEqual({ tab: 'row', key_id: '5' })
    expect(writeTableState(withTab(onRow, 'data'))).toEqual({})
    expect(writeTableState(readTableState({ panel: 'filters', column: 'city', q: 'x' }))).toEqual({ q: 'x' })
  })

  it('drops match=any when fewer than two filters make it meaningless', () => {
    expect(writeTableState({ ...base, match: 'any' })).toEqual({})
  })
})

describe('API parameters', () => {
  const state: TableViewState = {
    ...base,
    page: 2,
    pageSize: 50,
    sort: [{ column: 'a', order: 'desc' }],
    filters: [{ column: 'b', op: 'gt', value: '3' }],
    q: 'x',
    columns: ['b', 'a'],
    tab: 'structure',
  }

  it('sends the selection, chosen columns included, without paging or the tab for exports', () => {
    expect(selectionParams(state).toString()).toBe('sort=a&order=desc&filter_b_gt=3&q=x&columns=b%2Ca')
  })

  it('sends page and page size for data, or a cursor instead of the page', () => {
    expect(dataParams(state).toString()).toBe('sort=a&order=desc&filter_b_gt=3&q=x&columns=b%2Ca&page_size=50&page=2')
    expect(dataParams(state, 'CUR').toString()).toBe('sort=a&order=desc&filter_b_gt=3&q=x&columns=b%2Ca&page_size=50&cursor=CUR')
  })

  it('keys cursors by selection and page size, not page or tab', () => {
    const key = selectionKey('t', state)
    expect(selectionKey('t', { ...state, page: 9, tab: 'data' })).toBe(key)
    expect(selectionKey('t', { ...state, pageSize: 20 })).not.toBe(key)
    expect(selectionKey('t', { ...state, q: 'y' })).not.toBe(key)
    expect(selectionKey('t', { ...state, columns: [] })).not.toBe(key)
    expect(selectionKey('u', state)).not.toBe(key)
  })

  it('starts again at page 1 when the selection changes', () => {
    expect(withSelection({ ...state, page: 7 }, { q: 'z' })).toMatchObject({ page: 1, q: 'z', tab: 'structure' })
  })

  it('builds foreign-key links as equality filters', () => {
    expect(equalityQuery([{ column: 'id', value: '17' }], null)).toEqual({ filter_id: '17' })
    expect(equalityQuery([{ column: 'a', value: '1' }, { column: 'b', value: 'x' }], 'sales')).toEqual({
      schema: 'sales', filter_a: '1', filter_b: 'x',
    })
  })

  it('builds row links and describes row keys', () => {
    const key = [{ column: 'order_id', value: '3' }, { column: 'line no', value: '2' }]
    expect(rowQuery(key, null)).toEqual({ tab: 'row', key_order_id: '3', 'key_line no': '2' })
    expect(rowQuery([{ column: 'id', value: '1' }], 'sales')).toEqual({ schema: 'sales', tab: 'row', key_id: '1' })
    expect(describeKey(key)).toBe('order_id = 3, line no = 2')
  })
})

describe('toggleSort', () => {
  it('cycles asc, desc, off with plain clicks', () => {
    let sort = toggleSort([], 'a', false)
    expect(sort).toEqual([{ column: 'a', order: 'asc' }])
    sort = toggleSort(sort, 'a', false)
    expect(sort).toEqual([{ column: 'a', order: 'desc' }])
    expect(toggleSort(sort, 'a', false)).toEqual([])
  })

  it('replaces the sort when another column is clicked', () => {
    expect(toggleSort([{ column: 'a', order: 'desc' }], 'b', false)).toEqual([{ column: 'b', order: 'asc' }])
    expect(toggleSort([{ column: 'a', order: 'asc' }, { column: 'b', order: 'asc' }], 'b', false)).toEqual([
      { column: 'b', order: 'asc' },
    ])
  })

  it('adds, flips and removes secondary keys with shift', () => {
    let sort = toggleSort([{ column: 'a', order: 'asc' }], 'b', true)
    expect(sort).toEqual([{ column: 'a', order: 'asc' }, { column: 'b', order: 'asc' }])
    sort = toggleSort(sort, 'b', true)
    expect(sort).toEqual([{ column: 'a', order: 'asc' }, { column: 'b', order: 'desc' }])
    expect(toggleSort(sort, 'b', true)).toEqual([{ column: 'a', order: 'asc' }])
  })
})

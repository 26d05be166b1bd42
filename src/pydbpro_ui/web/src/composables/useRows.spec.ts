import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { useRows } from './useRows'
import { readTableState, type TableViewState } from '@/lib/tableState'
import type { ColumnInfo, DataPage } from '@/api/types'

const COLUMNS: ColumnInfo[] = [{ name: 'id', type: 'INTEGER', kind: 'integer' }]

function dataPage(ids: number[]): DataPage {
  return {
    table: 't', schema: 'main', columns: COLUMNS, rows: ids.map((id) => [id]), page: 1, page_size: 20,
    total: ids.length, total_is_estimate: false, next_cursor: null, prev_cursor: null, has_more: false,
    sort: [], filters: [],
  }
}

/** The server as the browser sees it: `filter_id=abc` is refused, anything else answers rows. */
function serve(): void {
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    const [status, body] = url.includes('filter_id=abc')
      ? [400, { error: "'abc' is not a valid integer for column 'id'", code: 'BAD_VALUE', request_id: 'r1' }]
      : url.includes('unreadable')
        ? [409, { error: 'no such table: main.gone', code: 'OBJECT_NOT_READABLE', request_id: 'r2' }]
        : [200, dataPage(url.includes('filter_id=2') ? [2] : [1, 2, 3])]
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }))
}

function mountRows(table = 't') {
  const name = ref(table)
  const state = ref<TableViewState>(readTableState({}, ['id']))
  const scope = effectScope()
  const rows = scope.run(() => useRows(name, state, ref(true)))!
  return { rows, name, state, scope }
}

const ids = (page: DataPage | null) => page?.rows.map((row) => row[0]) ?? null

afterEach(() => vi.unstubAllGlobals())

describe('useRows', () => {
  it('shows no rows of an earlier query once a page fails, and rows again once it is fixed', async () => {
    serve()
    const { rows, state, scope } = mountRows()
    await flushPromises()
    expect(ids(rows.data.value)).toEqual([1, 2, 3])

    state.value = readTableState({ filter_id: 'abc' }, ['id'])
    await nextTick()
    await flushPromises()
    expect(rows.error.value?.code).toBe('BAD_VALUE')
    expect(rows.data.value).toBeNull()
    // The grid keeps this table's columns (and so its filter row) to fix the filter in.
    expect(rows.columns.value).toEqual(COLUMNS)

    state.value = readTableState({ filter_id: '2' }, ['id'])
    await nextTick()
    await flushPromises()
    expect(rows.error.value).toBeNull()
    expect(ids(rows.data.value)).toEqual([2])
    scope.stop()
  })

  it('forgets the columns of another table', async () => {
    serve()
    const { rows, name, scope } = mountRows()
    await flushPromises()
    expect(rows.columns.value).toEqual(COLUMNS)
    name.value = 'unreadable'
    await nextTick()
    await flushPromises()
    expect(rows.error.value?.code).toBe('OBJECT_NOT_READABLE')
    expect(rows.data.value).toBeNull()
    expect(rows.columns.value).toBeNull()
    scope.stop()
  })
})

import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import PrimeVue from 'primevue/config'
import ToastService from 'primevue/toastservice'
import DataGrid from './DataGrid.vue'
import { valueFilter } from './gridRows'
import FilterCell from './FilterCell.vue'
import type { ColumnInfo } from '@/api/types'
import { useConfigStore } from '@/stores/config'
import { useServerConfig } from '@/testing/serverConfig'

const columns: ColumnInfo[] = [
  { name: 'id', type: 'INTEGER', kind: 'integer' },
  { name: 'note', type: 'TEXT', kind: 'text' },
  { name: 'data', type: 'BLOB', kind: 'binary' },
]

const router = () => createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }] })

function mountGrid(rows: unknown[][], extra: Record<string, unknown> = {}, attachTo?: HTMLElement) {
  return mount(DataGrid, {
    props: { columns, rows, caption: 'rows', sort: [], filters: [], ...extra },
    global: { plugins: [router(), PrimeVue, ToastService], stubs: { ContextMenu: true } },
    attachTo,
  })
}

beforeEach(useServerConfig)

describe('DataGrid', () => {
  it('shows NULL apart from the empty string and never renders markup', () => {
    const grid = mountGrid([[1, null, null], [2, '', null], [3, '<b>x</b>', { $binary: 'ff00', length: 2 }]])
    const cells = grid.findAll('tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(cells).toEqual([
      ['1', 'NULL', 'NULL'],
      ['2', '', 'NULL'],
      ['3', '<b>x</b>', 'binary, 2 B'],
    ])
    expect(grid.find('tbody b').exists()).toBe(false)
    expect(grid.findAll('.null-value')).toHaveLength(3)
  })

  it('emits sort with the shift key as "additive" and marks the sorted column', async () => {
    const grid = mountGrid([])
    await grid.findAll('thead th button')[1]?.trigger('click', { shiftKey: true })
    expect(grid.emitted('sort')).toEqual([['note', true]])
    await grid.setProps({ sort: [{ column: 'note', order: 'desc' }] })
    expect(grid.findAll('thead tr.heads th')[1]?.attributes('aria-sort')).toBe('descending')
  })

  it('links each row to its row view without changing the first cell\'s text', async () => {
    const rowLink = (row: readonly unknown[]) => (row[0] === 2 ? null : { href: `/browse/t?tab=row&key_id=${String(row[0])}`, key: String(row[0]) })
    const grid = mountGrid([[1, 'a', null], [2, 'b', null]], { rowLink })
    const links = grid.findAll('a.row-open')
    expect(links.map((a) => [a.attributes('aria-label'), a.attributes('href')])).toEqual([
      ['Open row 1', '/browse/t?tab=row&key_id=1'],
    ])
    expect(grid.findAll('tbody td:first-child').map((td) => td.text())).toEqual(['1', '2'])
  })

  it('focuses the filter of a named column, or the first one', () => {
    const grid = mountGrid([], {}, document.body)
    grid.vm.focusFilter('note')
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Filter value for note')
    grid.vm.focusFilter('nope')
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Filter value for id')
    grid.vm.focusFilter('data') // binary: only null tests, so the operator menu
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Filter operator for data')
    grid.unmount()
  })

  it('aligns, sorts and filters a view\'s columns by their kind when they declare no type', () => {
    // A SQLite view's computed columns have no declared type; the server still names a kind.
    const viewColumns: ColumnInfo[] = [
      { name: 'n', type: '', kind: 'integer' },
      { name: 'amount', type: '', kind: 'decimal' },
      { name: 'ratio', type: '', kind: 'float' },
      { name: 'label', type: '', kind: 'text' },
    ]
    const grid = mountGrid([[1, '2.50', 0.5, 'x']], { columns: viewColumns })
    expect(grid.findAll('tbody td').map((td) => td.classes('num'))).toEqual([true, true, true, false])
    expect(grid.findAll('thead tr.heads th button')).toHaveLength(4)
    expect(grid.findAll('thead tr.heads th .type').map((el) => el.text())).toEqual(['integer', 'decimal', 'float', 'text'])
    const ops = grid.findAll('thead tr.filters th').map((th) => th.findAll('option').map((o) => o.element.value))
    for (const numeric of ops.slice(0, 3)) expect(numeric).toEqual(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'in', 'isnull', 'notnull'])
    expect(ops[3]?.[0]).toBe('contains')
  })

  it('opens long values in the panel', async () => {
    const grid = mountGrid([[1, { $truncated: true, value: 'abc', length: 9000 }, null]])
    await grid.find('button.open').trigger('click')
    const [cell] = grid.emitted('open')?.[0] as [{ column: ColumnInfo; display: unknown }]
    expect(cell.column.name).toBe('note')
    expect(cell.display).toEqual({ type: 'truncated', text: 'abc', length: 9000 })
  })
})

describe('DataGrid cells', () => {
  // jsdom lays nothing out, so it has no scrollIntoView.
  Element.prototype.scrollIntoView = () => undefined
  const many = Array.from({ length: 5000 }, (_, i) => [i + 1, `row ${i + 1}`, null])

  it('renders a window of a long result, with the full count for assistive technology', () => {
    const grid = mountGrid(many)
    expect(grid.findAll('tbody tr').length).toBeLessThan(100)
    expect(grid.find('table').attributes('aria-rowcount')).toBe('5002')
    expect(grid.find('tbody tr').attributes('aria-rowindex')).toBe('3')
  })

  it('is one tab stop whose keys move the active cell named by aria-activedescendant', async () => {
    const grid = mountGrid(many.slice(0, 5), {}, document.body)
    const table = grid.find('table')
    expect(table.attributes('tabindex')).toBe('0')
    expect(grid.findAll('tbody a, tbody button').every((el) => el.attributes('tabindex') === '-1')).toBe(true)
    await grid.find('tbody tr td').trigger('mousedown', { button: 0 })
    await table.trigger('keydown', { key: 'ArrowDown' })
    await table.trigger('keydown', { key: 'ArrowRight', shiftKey: true })
    const active = grid.find(`#${table.attributes('aria-activedescendant')}`)
    expect(active.text()).toBe('row 2')
    expect(grid.findAll('td[aria-selected=true]').map((td) => td.text())).toEqual(['2', 'row 2'])
    grid.unmount()
  })
})

describe('valueFilter', () => {
  it('filters by equality, NULL by IS NULL, and not by a value no filter can hold', () => {
    const rules = useConfigStore().config.column_kinds
    expect(valueFilter(columns[1]!, 'Berlin', rules)).toEqual({ column: 'note', op: 'eq', value: 'Berlin' })
    expect(valueFilter(columns[0]!, 7, rules)).toEqual({ column: 'id', op: 'eq', value: '7' })
    expect(valueFilter(columns[1]!, null, rules)).toEqual({ column: 'note', op: 'isnull', value: '' })
    expect(valueFilter(columns[2]!, { $binary: 'ff', length: 1 }, rules)).toBeNull()
  })
})

describe('FilterCell', () => {
  const mountCell = (column: ColumnInfo, filter = null) =>
    mount(FilterCell, { props: { column, filter }, attachTo: document.createElement('tr') })

  it('applies a value on Enter with the chosen operator', async () => {
    const cell = mountCell(columns[1]!)
    await cell.find('select').setValue('startswith')
    await cell.find('input').setValue('Ab')
    await cell.find('input').trigger('keydown', { key: 'Enter' })
    expect(cell.emitted('change')).toEqual([[null, { column: 'note', op: 'startswith', value: 'Ab' }]])
  })

  it('applies null tests at once and offers only them for binary columns', async () => {
    const cell = mountCell(columns[2]!)
    const options = cell.findAll('option').map((o) => o.element.value)
    expect(options).toEqual(['', 'isnull', 'notnull'])
    await cell.find('select').setValue('notnull')
    expect(cell.emitted('change')).toEqual([[null, { column: 'data', op: 'notnull', value: '' }]])
  })

  it('offers what the server accepts for the kind, in its order, and only NULL tests before it says', async () => {
    const column: ColumnInfo = { name: 'u', type: 'UUID', kind: 'uuid' }
    const store = useConfigStore()
    const listed = store.config.column_kinds.uuid?.operators
    const cell = mountCell(column)
    expect(listed?.length).toBeGreaterThan(2)
    expect(cell.findAll('option').map((o) => o.element.value)).toEqual(listed)
    store.config.column_kinds = {}
    await nextTick()
    expect(cell.findAll('option').map((o) => o.element.value)).toEqual(['', 'isnull', 'notnull'])
  })

  it('offers comparisons for numbers', () => {
    const cell = mountCell(columns[0]!)
    expect(cell.findAll('option').map((o) => o.element.value)).toContain('between')
  })

  it('offers "is one of" with a comma hint, and sends the list without spaces', async () => {
    const cell = mountCell(columns[1]!)
    await cell.find('select').setValue('in')
    expect(cell.find('input').attributes('placeholder')).toBe('a,b,c')
    await cell.find('input').setValue('Berlin, Paris ,')
    await cell.find('input').trigger('keydown', { key: 'Enter' })
    expect(cell.emitted('change')).toEqual([[null, { column: 'note', op: 'in', value: 'Berlin,Paris' }]])
  })
})

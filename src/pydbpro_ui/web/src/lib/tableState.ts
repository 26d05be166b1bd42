/**
 * The table view's state lives in the URL query string, in the API's own parameter names
 * (`page`, `page_size`, `sort`, `order`, `filter_*`, `match`, `q`, `columns`, `schema`) plus
 * `tab` and, on the row tab, `key_<column>`, so a link reproduces the view, Back/Forward work,
 * and the export asks for exactly what is shown. Group mode adds its own (`lib/aggregate.ts`). `panel` and `column` are landing hints (what
 * to focus when a link opens the view) and are dropped by the first change.
 */
import type { SortKey, SortOrder } from '@/api/types'
import { appendFilterParams, filterParamName, parseFilterParams, type Filter } from './filters'
import { appendGrouping, readGrouping, type Grouping } from './aggregate'

export type TableTab = 'data' | 'structure' | 'row'
export type MatchMode = 'all' | 'any'

/** One column's value: a row key, or an equality filter. */
export interface ColumnValue {
  column: string
  value: string
}

const TABS: readonly TableTab[] = ['data', 'structure', 'row']
const KEY_PREFIX = 'key_'

export interface TableViewState {
  page: number
  /** null: the server's PAGE_SIZE_DEFAULT */
  pageSize: number | null
  sort: SortKey[]
  filters: Filter[]
  match: MatchMode
  q: string
  /** the columns shown, in order; empty: all of them */
  columns: string[]
  tab: TableTab
  /** the row tab's primary key (`key_<column>`); empty on the other tabs */
  rowKey: ColumnValue[]
  /** null: the default schema */
  schema: string | null
  /** group mode's grouping (`group=`, `measure=`); null: the view lists rows */
  grouping: Grouping | null
}

/** Where a link asks the view to put the focus when it opens (1ClickDBPro's filter forms). */
export interface Landing {
  panel: 'filters' | null
  column: string | null
}

const FILTER_PANELS: ReadonlySet<string> = new Set(['filters', 'filter', 'search'])

/** A vue-router `LocationQuery` (or anything shaped like it). */
export type RouteQuery = Record<string, string | null | (string | null)[] | undefined>

export function queryToParams(query: RouteQuery): URLSearchParams {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value]
    for (const item of values) if (item !== null && item !== undefined) params.append(key, item)
  }
  return params
}

export function paramsToQuery(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  for (const [key, value] of params) {
    const existing = query[key]
    if (existing === undefined) query[key] = value
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return query
}

function positiveInt(text: string | null): number | null {
  if (text === null || !/^\d+$/.test(text.trim())) return null
  const value = Number(text)
  return value >= 1 && Number.isSafeInteger(value) ? value : null
}

export function parseSort(sort: string | null, order: string | null): SortKey[] {
  if (!sort) return []
  const orders = (order ?? '').split(',')
  return sort
    .split(',')
    .filter((column) => column !== '')
    .map((column, i) => ({
      column,
      order: (orders[i] ?? orders[orders.length - 1]) === 'desc' ? 'desc' : 'asc',
    }))
}

/** `a,b,c` → ['a', 'b', 'c'], as the API splits `columns` and `sort`. */
export function splitList(text: string | null): string[] {
  return (text ?? '').split(',').filter((item) => item !== '')
}

function readRowKey(params: URLSearchParams): ColumnValue[] {
  const key: ColumnValue[] = []
  for (const [name, value] of params) {
    if (name.startsWith(KEY_PREFIX) && name.length > KEY_PREFIX.length) {
      key.push({ column: name.slice(KEY_PREFIX.length), value })
    }
  }
  return key
}

/** Reads the view state; `columns` (when known) disambiguates `filter_<col>_<op>` names. */
export function readTableState(query: RouteQuery, columns: readonly string[] = []): TableViewState {
  const params = queryToParams(query)
  const tab = TABS.find((name) => name === params.get('tab')) ?? 'data'
  return {
    page: positiveInt(params.get('page')) ?? 1,
    pageSize: positiveInt(params.get('page_size')),
    sort: parseSort(params.get('sort'), params.get('order')),
    filters: parseFilterParams(params, columns),
    match: params.get('match') === 'any' ? 'any' : 'all',
    q: params.get('q') ?? '',
    columns: splitList(params.get('columns')),
    tab,
    rowKey: tab === 'row' ? readRowKey(params) : [],
    schema: params.get('schema') || null,
    grouping: readGrouping(params),
  }
}

/** `panel=filters` (or 1ClickDBPro's `filter`/`search`) and the `column` to focus. */
export function readLanding(query: RouteQuery): Landing {
  const params = queryToParams(query)
  const panel = params.get('panel')
  return {
    panel: panel !== null && FILTER_PANELS.has(panel.toLowerCase()) ? 'filters' : null,
    column: params.get('column') || null,
  }
}

/** The parameters that select rows (no paging): what an export of the view sends. */
export function selectionParams(state: TableViewState): URLSearchParams {
  const params = new URLSearchParams()
  if (state.schema) params.set('schema', state.schema)
  if (state.sort.length) {
    params.set('sort', state.sort.map((s) => s.column).join(','))
    params.set('order', state.sort.map((s) => s.order).join(','))
  }
  appendFilterParams(params, state.filters)
  if (state.filters.length > 1 && state.match === 'any') params.set('match', 'any')
  if (state.q) params.set('q', state.q)
  if (state.columns.length) params.set('columns', state.columns.join(','))
  return params
}

/** The data request for one page; a cursor (keyset paging) replaces the page number. */
export function dataParams(state: TableViewState, cursor: string | null = null): URLSearchParams {
  const params = selectionParams(state)
  if (state.pageSize) params.set('page_size', String(state.pageSize))
  if (cursor) params.set('cursor', cursor)
  else if (state.page > 1) params.set('page', String(state.page))
  return params
}

/** The URL query for a state, leaving defaults out so links stay short. */
export function writeTableState(state: TableViewState): Record<string, string | string[]> {
  const params = selectionParams(state)
  if (state.page > 1) params.set('page', String(state.page))
  if (state.pageSize) params.set('page_size', String(state.pageSize))
  if (state.grouping) appendGrouping(params, state.grouping)
  if (state.tab !== 'data') params.set('tab', state.tab)
  if (state.tab === 'row') for (const { column, value } of state.rowKey) params.append(KEY_PREFIX + column, value)
  return paramsToQuery(params)
}

/** The state after switching tabs: only the row tab keeps a row key. */
export function withTab(state: TableViewState, tab: TableTab, rowKey: ColumnValue[] = state.rowKey): TableViewState {
  return { ...state, tab, rowKey: tab === 'row' ? rowKey : [] }
}

/** The query that opens one row of a table on its row tab. */
export function rowQuery(key: readonly ColumnValue[], schema: string | null): Record<string, string> {
  const query: Record<string, string> = {}
  if (schema) query.schema = schema
  query.tab = 'row'
  for (const { column, value } of key) query[KEY_PREFIX + column] = value
  return query
}

/** "id = 5", "order_id = 3, line_no = 2": a row key in words. */
export function describeKey(key: readonly ColumnValue[]): string {
  return key.map(({ column, value }) => `${column} = ${value}`).join(', ')
}

/**
 * Identifies the rows a cursor belongs to: same table, sort, filters and page size. Keyset
 * cursors learned for one selection are never replayed on another.
 */
export function selectionKey(table: string, state: TableViewState): string {
  const params = selectionParams(state)
  params.set('page_size', String(state.pageSize ?? ''))
  return `${table}?${params.toString()}`
}

/**
 * Header click: a plain click sorts by that column alone (asc, then desc, then unsorted);
 * an additive (shift) click adds it as the next sort key or cycles it in place.
 */
export function toggleSort(sort: readonly SortKey[], column: string, additive: boolean): SortKey[] {
  const current = sort.find((s) => s.column === column)
  const next: SortOrder | null = !current ? 'asc' : current.order === 'asc' ? 'desc' : null
  if (!additive) {
    if (current && sort.length > 1) return [{ column, order: 'asc' }]
    return next ? [{ column, order: next }] : []
  }
  if (!current) return [...sort, { column, order: 'asc' }]
  return next
    ? sort.map((s) => (s.column === column ? { column, order: next } : s))
    : sort.filter((s) => s.column !== column)
}

/** Changing what is selected starts again at page 1. */
export function withSelection(
  state: TableViewState,
  change: Partial<Pick<TableViewState, 'sort' | 'filters' | 'match' | 'q' | 'pageSize' | 'columns'>>,
): TableViewState {
  return { ...state, ...change, page: 1 }
}

/** The query that opens `table` filtered on equality of each column: for foreign-key links. */
export function equalityQuery(
  pairs: readonly ColumnValue[],
  schema: string | null,
): Record<string, string> {
  const query: Record<string, string> = {}
  if (schema) query.schema = schema
  for (const { column, value } of pairs) query[filterParamName({ column, op: 'eq' })] = value
  return query
}

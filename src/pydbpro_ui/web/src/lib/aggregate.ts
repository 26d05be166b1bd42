/**
 * Group mode of the table view (`GET /api/tables/<t>/aggregate`): the grouping in the page URL,
 * the measures and which column kinds each function takes, the API request, and the filters
 * a drill-down makes. In the page URL: `group=<column>` (or `<column>:<unit>`, a date or
 * timestamp column by calendar day, week, month or year) and
 * `measure=<spec>` repeated, `group_sort=[-]<output name>` repeated (the table's own `sort` /
 * `order` keep the rows' sort for "Back to rows"); paging shares the table's `page` and
 * `page_size`. None of these names is a table-page or 1ClickDBPro parameter.
 */
import type { ColumnInfo, ColumnKind, ColumnKindRules, SortKey } from '@/api/types'
import { bucketFilters, valueFilter, withFacetFilters } from './facets'
import { appendFilterParams, type Filter, type KindRules } from './filters'
import type { TableViewState } from './tableState'

/** The server's limits: group columns and measures per request. */
export const MAX_GROUPS = 3
export const MAX_MEASURES = 6

export type AggFunction = 'count' | 'distinct' | 'sum' | 'avg' | 'min' | 'max'
/** The functions in the order the panel offers them. */
export const FUNCTIONS: readonly AggFunction[] = ['count', 'distinct', 'sum', 'avg', 'min', 'max']

/** One measure: `count` (rows: no column), `count:c` (non-NULL values), `sum:c`... */
export interface Measure {
  fn: AggFunction
  column: string | null
}

/** A calendar unit a date or timestamp column may be grouped by (`group=<column>:<unit>`). */
export type GroupUnit = ColumnKindRules['group_units'][number]

/** One group spec: a column's values, or (with a unit) its calendar buckets. */
export interface Group {
  column: string
  unit: GroupUnit | null
}

/** The grouping of the view: null in the state when the view lists rows. */
export interface Grouping {
  groups: string[]
  /** measure specs as the API takes them (`count`, `sum:total`) */
  measures: string[]
  /** by output name: a group column's name or a measure's spec */
  sort: SortKey[]
}

const PARAM_GROUP = 'group'
const PARAM_MEASURE = 'measure'
const PARAM_SORT = 'group_sort'

/** `sum:total` → {sum, total}; `count` → {count, null}; null for what is not a spec. */
export function parseMeasure(spec: string): Measure | null {
  const at = spec.indexOf(':')
  const name = at < 0 ? spec : spec.slice(0, at)
  const column = at < 0 ? null : spec.slice(at + 1)
  const fn = FUNCTIONS.find((f) => f === name)
  if (!fn || column === '' || (column === null && fn !== 'count')) return null
  return { fn, column }
}

export function measureSpec(measure: Measure): string {
  return measure.column === null ? measure.fn : `${measure.fn}:${measure.column}`
}

/**
 * Whether a function takes a column of this kind, and whether a column can be grouped on: the
 * server's own table (`GET /api/config`'s `column_kinds[kind].aggregates`), so the panel
 * offers exactly what the aggregate accepts.
 */
export function acceptsKind(fn: AggFunction, kind: ColumnKind, rules: KindRules): boolean {
  return rules[kind]?.aggregates.includes(fn) ?? false
}

export function isGroupable(kind: ColumnKind, rules: KindRules): boolean {
  return rules[kind]?.aggregates.includes('group') ?? false
}

/** The calendar units a column of this kind may be grouped by (the server's table). */
export function groupUnits(kind: ColumnKind, rules: KindRules): readonly GroupUnit[] {
  return rules[kind]?.group_units ?? []
}

/** The unit a column gets when chosen in the panel: a timestamp by month (one group per
 * instant is never wanted), a date by its own values (its days) like any other column. */
export function defaultUnit(kind: ColumnKind, rules: KindRules): GroupUnit | null {
  return kind === 'datetime' && groupUnits(kind, rules).includes('month') ? 'month' : null
}

const UNITS: readonly GroupUnit[] = ['day', 'week', 'month', 'year']

/** `ordered_at:month` → {ordered_at, month}; a spec naming a column (even one with a colon
 * in its name, when `columns` are known) is that column's values, as the server reads it. */
export function parseGroup(spec: string, columns: readonly Pick<ColumnInfo, 'name'>[] = []): Group {
  const at = spec.lastIndexOf(':')
  const unit = UNITS.find((u) => u === spec.slice(at + 1))
  if (at < 0 || !unit || columns.some((c) => c.name === spec)) return { column: spec, unit: null }
  return { column: spec.slice(0, at), unit }
}

export function groupSpec(group: Group): string {
  return group.unit ? `${group.column}:${group.unit}` : group.column
}

/** The first day of the bucket after the one starting on `start` (ISO dates), or null
 * beyond what a filter can write (years 1 to 9999). */
export function nextBucketStart(start: string, unit: GroupUnit): string | null {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start)
  if (!parts) return null
  const day = new Date(0)
  day.setUTCFullYear(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]))
  if (unit === 'year') day.setUTCFullYear(day.getUTCFullYear() + 1)
  else if (unit === 'month') day.setUTCMonth(day.getUTCMonth() + 1)
  else day.setUTCDate(day.getUTCDate() + (unit === 'week' ? 7 : 1))
  const year = day.getUTCFullYear()
  if (year > 9999) return null
  return `${String(year).padStart(4, '0')}-${day.toISOString().slice(5, 10)}`
}

function readSort(texts: readonly string[]): SortKey[] {
  return texts
    .filter((text) => text !== '' && text !== '-')
    .map((text) => (text.startsWith('-') ? { column: text.slice(1), order: 'desc' } : { column: text, order: 'asc' }))
}

/** The grouping in the page URL; null when there is none (no `group` nor `measure`). A
 * grouping without measures counts rows. */
export function readGrouping(params: URLSearchParams): Grouping | null {
  const groups = params.getAll(PARAM_GROUP).filter((g) => g !== '')
  const measures = params.getAll(PARAM_MEASURE).filter((m) => m !== '')
  if (!groups.length && !measures.length) return null
  return { groups, measures: measures.length ? measures : ['count'], sort: readSort(params.getAll(PARAM_SORT)) }
}

/** The grouping's page-URL parameters (also the API's, but `sort` for `group_sort`). */
export function appendGrouping(params: URLSearchParams, grouping: Grouping, sortName = PARAM_SORT): void {
  for (const group of grouping.groups) params.append(PARAM_GROUP, group)
  for (const measure of grouping.measures) params.append(PARAM_MEASURE, measure)
  for (const { column, order } of grouping.sort) params.append(sortName, order === 'desc' ? `-${column}` : column)
}

/** The aggregate of the view's selection (filters, match, search, schema), without paging:
 * what the export sends. */
export function aggregateSelection(state: TableViewState, grouping: Grouping): URLSearchParams {
  const params = new URLSearchParams()
  if (state.schema) params.set('schema', state.schema)
  appendFilterParams(params, state.filters)
  if (state.filters.length > 1 && state.match === 'any') params.set('match', 'any')
  if (state.q) params.set('q', state.q)
  appendGrouping(params, grouping, 'sort')
  return params
}

/** One page of the aggregate. */
export function aggregateParams(state: TableViewState, grouping: Grouping): URLSearchParams {
  const params = aggregateSelection(state, grouping)
  if (state.pageSize) params.set('page_size', String(state.pageSize))
  if (state.page > 1) params.set('page', String(state.page))
  return params
}

/**
 * The filters that select one group's rows: per group column equality, or `is null` for
 * NULL; a calendar bucket `>=` its first day and `<` the next bucket's (as a facet's
 * histogram bucket); null when a value cannot be written as filter text (a long text cut
 * short, a date outside years 1 to 9999).
 */
export function drillFilters(
  groups: readonly string[], row: readonly unknown[], columns: readonly Pick<ColumnInfo, 'name'>[] = [],
): Filter[] | null {
  const filters: Filter[] = []
  for (const [i, spec] of groups.entries()) {
    const { column, unit } = parseGroup(spec, columns)
    const value = row[i] ?? null
    if (unit && value !== null) {
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) return null
      filters.push(...bucketFilters(column, { start: value, end: nextBucketStart(value, unit) }))
      continue
    }
    const filter = valueFilter(column, value)
    if (!filter) return null
    filters.push(filter)
  }
  return filters
}

/** The view after a drill-down: rows, filtered to the group (a column's own filters give
 * way to the group's), first page. */
export function drillState(state: TableViewState, filters: readonly Filter[]): TableViewState {
  return { ...state, grouping: null, filters: withFacetFilters(state.filters, filters), page: 1 }
}

const SIGNS: Partial<Record<Filter['op'], string>> = { isnull: '', ge: '≥', lt: '<' }

/** "country = FR, city is NULL, day ≥ 2024-03-01, day < 2024-04-01": a group in words, for
 * the drill-down link's name. */
export function describeGroup(filters: readonly Filter[], nullWord: string): string {
  return filters
    .map((f) => (f.op === 'isnull' ? `${f.column} ${nullWord}` : `${f.column} ${SIGNS[f.op] ?? '='} ${f.value}`))
    .join(', ')
}

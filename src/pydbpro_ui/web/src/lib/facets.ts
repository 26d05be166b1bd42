/**
 * Facets of the table view (`GET /api/tables/<t>/facets`): which columns, the request for
 * the view's selection, and the filters a click on a value or a histogram bucket makes. The
 * filters are the filter row's own (`filter_<column>`, `_isnull`, `_ge`/`_lt`), written to
 * the URL like any other, so a facet click is bookmarkable.
 */
import type { ColumnFacet, ColumnKind } from '@/api/types'
import { filterText } from './format'
import type { Filter, KindRules } from './filters'
import { appendFilterParams } from './filters'
import type { TableViewState } from './tableState'

/** The server's limit on columns a request (`MAX_COLUMNS`). */
export const MAX_FACETS = 5

export interface FacetBucketLike {
  start: string
  /** null: no upper bound (the last bucket of an integer column at its type's maximum) */
  end: string | null
}

/** What a facet panel lists: a value or a bucket, its count, and the filters it makes
 * (null: a value that cannot be written as filter text). */
export interface FacetChoice {
  key: string
  label: string
  count: number
  filters: Filter[] | null
}

/** How NULL and the empty string are shown (the i18n texts). */
export interface ValueWords {
  nullValue: string
  emptyValue: string
}

/** A facet's buttons: its histogram's buckets where it has one, else its values. */
export function facetChoices(facet: ColumnFacet, words: ValueWords): FacetChoice[] {
  if (facet.histogram) {
    return facet.histogram.map((bucket) => ({
      key: bucket.start,
      label: bucketLabel(bucket, facet.unit),
      count: bucket.count,
      filters: bucketFilters(facet.column, bucket),
    }))
  }
  return facet.values.map(({ value, count }, i) => {
    const picked = valueFilter(facet.column, value)
    return { key: String(i), label: valueLabel(value, words), count, filters: picked && [picked] }
  })
}

/** A value as a facet shows it: a text cut short ends in an ellipsis. */
export function valueLabel(value: unknown, words: ValueWords): string {
  if (value === null) return words.nullValue
  if (value === '') return words.emptyValue
  if (typeof value === 'object') return `${String((value as { value?: unknown }).value ?? '')}…`
  return String(value)
}

/** Whether a column can have a facet: its values can be picked (an equality filter applies). */
export function isFacetable(kind: ColumnKind, rules: KindRules): boolean {
  return rules[kind]?.operators.includes('eq') ?? false
}

/** The request for `columns` over the rows the view selects (no paging, no sort). */
export function facetParams(state: TableViewState, columns: readonly string[]): URLSearchParams {
  const params = new URLSearchParams()
  if (state.schema) params.set('schema', state.schema)
  appendFilterParams(params, state.filters)
  if (state.filters.length > 1 && state.match === 'any') params.set('match', 'any')
  if (state.q) params.set('q', state.q)
  for (const column of columns) params.append('column', column)
  return params
}

/** The filter a value's click makes: equality, or `is null` for NULL; null when the value
 * cannot be written as filter text (a long text cut short, a JSON document). */
export function valueFilter(column: string, value: unknown): Filter | null {
  if (value === null) return { column, op: 'isnull', value: '' }
  const text = filterText(value)
  return text === null ? null : { column, op: 'eq', value: text }
}

/** A histogram bucket as the two filters that select exactly its rows. */
export function bucketFilters(column: string, bucket: FacetBucketLike): Filter[] {
  const from: Filter = { column, op: 'ge', value: bucket.start }
  return bucket.end === null ? [from] : [from, { column, op: 'lt', value: bucket.end }]
}

/** The view's filters with those of a facet click: the column's own filters give way to
 * them (a second click narrows to another value instead of matching nothing). */
export function withFacetFilters(filters: readonly Filter[], added: readonly Filter[]): Filter[] {
  const columns = new Set(added.map((f) => f.column))
  return [...filters.filter((f) => !columns.has(f.column)), ...added]
}

/** The columns shown: those chosen, else the suggested ones, at most MAX_FACETS. */
export function shownFacets(chosen: readonly string[] | null, suggested: readonly string[]): string[] {
  return [...(chosen ?? suggested)].slice(0, MAX_FACETS)
}

/** A bucket's name: "2021", "2021–2022", "2021-03", "2021-03-04", "from 2021-03-01" (a
 * week), or "1000 – 1500" for numbers. */
export function bucketLabel(bucket: FacetBucketLike, unit: string | null): string {
  const start = bucket.start.slice(0, 10)
  switch (unit) {
    case 'year': {
      const from = Number(start.slice(0, 4))
      const to = Number((bucket.end ?? start).slice(0, 4)) - 1
      return to > from ? `${from}–${to}` : String(from)
    }
    case 'month':
      return start.slice(0, 7)
    case 'week':
      return `${start} +7d`
    case 'day':
      return start
    default:
      return bucket.end === null ? `≥ ${bucket.start}` : `${bucket.start} – ${bucket.end}`
  }
}

/** A bar's width in percent of the largest count (never 0 for a count above 0). */
export function barPercent(count: number, largest: number): number {
  if (count <= 0 || largest <= 0) return 0
  return Math.max(2, Math.round((count / largest) * 100))
}

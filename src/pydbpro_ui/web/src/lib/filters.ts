/**
 * Column filters as the API spells them: `filter_<column>` (equals) or
 * `filter_<column>_<op>`. The browser URL uses the very same parameters, so a link to a
 * filtered view and the export of that view share one encoding.
 */
import type { ColumnKind, ColumnKindRules, FilterOp } from '@/api/types'

export type { FilterOp }
/** What `GET /api/config` says about each column kind (`column_kinds`). */
export type KindRules = Partial<Record<ColumnKind, ColumnKindRules>>

/** Every operator the API has (its `Op`): a Record, so the build fails when the two differ. */
const EVERY_OP: Record<FilterOp, true> = {
  eq: true, ne: true, lt: true, le: true, gt: true, ge: true, contains: true, startswith: true,
  endswith: true, in: true, between: true, isnull: true, notnull: true,
}
export const FILTER_OPS = Object.keys(EVERY_OP) as FilterOp[]

export interface Filter {
  column: string
  op: FilterOp
  /** The raw text typed by the user; `a,b` for between, `a,b,c` for in; '' for isnull/notnull. */
  value: string
}

const NULL_OPS: readonly FilterOp[] = ['isnull', 'notnull']

/**
 * The operators the filter row offers for a column kind: exactly those the server accepts, in
 * its order (`rules` is the config's `column_kinds`). A kind it does not describe is only
 * tested for NULL, which every column allows.
 */
export function opsForKind(kind: ColumnKind, rules: KindRules): FilterOp[] {
  return [...(rules[kind]?.operators ?? NULL_OPS)]
}

/** The operator a new filter starts with: the server's first. */
export function defaultOp(kind: ColumnKind, rules: KindRules): FilterOp {
  return opsForKind(kind, rules)[0] ?? 'isnull'
}

/** Whether the server sorts on columns of this kind (json, arrays, network types... not). */
export function isSortable(kind: ColumnKind, rules: KindRules): boolean {
  return rules[kind]?.sortable ?? false
}

/** isnull / notnull take no value. */
export function isValueless(op: FilterOp): boolean {
  return NULL_OPS.includes(op)
}

/** Equality is written without a suffix so a column literally named `x_eq` stays unambiguous. */
export function filterParamName(filter: Pick<Filter, 'column' | 'op'>): string {
  return filter.op === 'eq' ? `filter_${filter.column}` : `filter_${filter.column}_${filter.op}`
}

export function filterParamValue(filter: Filter): string {
  return isValueless(filter.op) ? '1' : filter.value
}

/**
 * Reads the `filter_*` parameters of a query string. As on the server, an exact column name wins
 * over an operator suffix; a name matching no column is kept as an equality filter on that
 * name so the server can say what is wrong with it.
 */
export function parseFilterParams(
  params: URLSearchParams,
  columns: readonly string[],
): Filter[] {
  const known = new Set(columns)
  const filters: Filter[] = []
  for (const [key, value] of params) {
    if (!key.startsWith('filter_')) continue
    const rest = key.slice('filter_'.length)
    if (known.has(rest) || columns.length === 0) {
      filters.push({ column: rest, op: 'eq', value })
      continue
    }
    const cut = rest.lastIndexOf('_')
    const op = rest.slice(cut + 1) as FilterOp
    const column = rest.slice(0, cut)
    if (cut > 0 && FILTER_OPS.includes(op) && known.has(column)) {
      filters.push({ column, op, value: isValueless(op) ? '' : value })
    } else {
      filters.push({ column: rest, op: 'eq', value })
    }
  }
  return filters
}

/** Appends the filters to `params` in the API's (and the URL's) spelling. */
export function appendFilterParams(params: URLSearchParams, filters: readonly Filter[]): void {
  for (const filter of filters) params.append(filterParamName(filter), filterParamValue(filter))
}

/** The values of an `in` filter: the server splits on commas and keeps spaces, so trim here. */
export function listValues(value: string): string[] {
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '')
}

/** The value as sent: an `in` list without the spaces typed after its commas. */
export function normalizeValue(op: FilterOp, value: string): string {
  return op === 'in' ? listValues(value).join(',') : value
}

/** A filter the user finished typing: the value is present where the operator needs one. */
export function isComplete(filter: Filter): boolean {
  if (isValueless(filter.op)) return true
  if (filter.op === 'between') {
    const parts = filter.value.split(',')
    return parts.length === 2 && parts.every((part) => part.trim() !== '')
  }
  if (filter.op === 'in') return listValues(filter.value).length > 0
  return filter.value !== ''
}

/**
 * Swaps `current` (one of `filters`, or null) for `next` (or drops it when next is null),
 * keeping the order and every other filter, including others on the same column.
 */
export function replaceFilter(
  filters: readonly Filter[],
  current: Filter | null,
  next: Filter | null,
): Filter[] {
  const index = current ? filters.findIndex((f) => sameFilter(f, current)) : -1
  if (index < 0) return next ? [...filters, next] : [...filters]
  const result = [...filters]
  if (next) result.splice(index, 1, next)
  else result.splice(index, 1)
  return result
}

export function sameFilter(a: Filter, b: Filter): boolean {
  return a.column === b.column && a.op === b.op && a.value === b.value
}

/** "status contains del", "freight between 10 – 50", "city is one of Berlin, Paris". */
export function describeFilter(filter: Filter, opNames: Record<string, string>): string {
  const op = opNames[filter.op] ?? filter.op
  if (isValueless(filter.op)) return `${filter.column} ${op}`
  if (filter.op === 'between') {
    const [from = '', to = ''] = filter.value.split(',')
    return `${filter.column} ${op} ${from} – ${to}`
  }
  if (filter.op === 'in') return `${filter.column} ${op} ${listValues(filter.value).join(', ')}`
  return `${filter.column} ${op} ${filter.value}`
}

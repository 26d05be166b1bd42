/**
 * Links between rows: a grid row to its row view, a row to its parents (their row views) and
 * to its children (the child table filtered on the foreign key). Locations are plain
 * `{ path, query }` objects so they work as RouterLink targets and as hrefs alike.
 */
import type { ColumnInfo, RowChildren, RowParent } from '@/api/types'
import { filterText } from './format'
import { queryToParams, rowQuery, type ColumnValue } from './tableState'

export interface Location {
  path: string
  query: Record<string, string | string[]>
}

export const tablePath = (table: string): string => `/browse/${encodeURIComponent(table)}`

export function href(location: Location): string {
  const search = queryToParams(location.query).toString()
  return search ? `${location.path}?${search}` : location.path
}

/** The primary key of one grid row, or null when a key column is missing or not a scalar. */
export function rowKeyOf(
  row: readonly unknown[],
  columns: readonly ColumnInfo[],
  primaryKey: readonly string[],
): ColumnValue[] | null {
  if (!primaryKey.length) return null
  const key: ColumnValue[] = []
  for (const column of primaryKey) {
    const value = filterText(row[columns.findIndex((c) => c.name === column)])
    if (value === null) return null
    key.push({ column, value })
  }
  return key
}

export function rowLocation(table: string, key: readonly ColumnValue[], schema: string | null): Location {
  return { path: tablePath(table), query: rowQuery(key, schema) }
}

/** A key value as URL text: the API sends scalars (dates as ISO text). */
const text = (value: unknown): string => String(value)

/** The parent's key in this row's terms, or null when this row's foreign key is NULL. */
export function parentKey(parent: RowParent): ColumnValue[] | null {
  if (!parent.key) return null
  return Object.entries(parent.key).map(([column, value]) => ({ column, value: text(value) }))
}

/** The parent row's view; a parent keyed by other columns than its primary key falls back
 * to its table filtered on them (the row view does that redirect). */
export function parentLocation(parent: RowParent, schema: string | null): Location | null {
  const key = parentKey(parent)
  return key ? rowLocation(parent.table, key, schema) : null
}

/** The child table filtered to the rows that point at this one; null when this row's
 * referenced value is NULL (no row can point at it). */
export function childrenLocation(children: RowChildren, schema: string | null): Location | null {
  const query: Record<string, string> = {}
  if (schema) query.schema = schema
  for (const [name, value] of Object.entries(children.filter)) {
    if (value === null) return null
    query[name] = text(value)
  }
  return { path: tablePath(children.table), query }
}

/** this row's foreign-key column → its parent, for links on the field values. */
export function parentsByColumn(parents: readonly RowParent[]): Map<string, RowParent> {
  const map = new Map<string, RowParent>()
  for (const parent of parents) {
    const [column] = parent.columns
    if (parent.columns.length === 1 && column !== undefined && !map.has(column)) map.set(column, parent)
  }
  return map
}

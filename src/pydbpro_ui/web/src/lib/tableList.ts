/**
 * The sidebar's rows: tables and views filtered by name, grouped by schema when there are
 * several (PostgreSQL) or else by type, flattened into one list so it can be virtualised.
 */
import type { TableInfo } from '@/api/types'

export type ListRow =
  | { kind: 'group'; key: string; label: string; count: number; collapsed: boolean }
  | { kind: 'table'; key: string; table: TableInfo }

export interface ListOptions {
  filter: string
  bySchema: boolean
  collapsed: ReadonlySet<string>
  typeLabels: { tables: string; views: string }
}

function matches(table: TableInfo, needle: string): boolean {
  if (!needle) return true
  return table.name.toLowerCase().includes(needle) || `${table.schema}.${table.name}`.toLowerCase().includes(needle)
}

export function buildTableList(tables: readonly TableInfo[], options: ListOptions): ListRow[] {
  const needle = options.filter.trim().toLowerCase()
  const groups = new Map<string, { label: string; tables: TableInfo[] }>()
  for (const table of tables) {
    if (!matches(table, needle)) continue
    const isTable = table.type === 'table'
    const key = options.bySchema ? `schema:${table.schema}` : isTable ? 'type:table' : 'type:view'
    const label = options.bySchema ? table.schema : isTable ? options.typeLabels.tables : options.typeLabels.views
    const group = groups.get(key) ?? { label, tables: [] }
    group.tables.push(table)
    groups.set(key, group)
  }
  const keys = [...groups.keys()].sort((a, b) => (options.bySchema ? a.localeCompare(b) : a === 'type:table' ? -1 : 1))
  const rows: ListRow[] = []
  for (const key of keys) {
    const group = groups.get(key)
    if (!group) continue
    // While filtering, groups are always open so every match is visible.
    const collapsed = !needle && options.collapsed.has(key)
    rows.push({ kind: 'group', key, label: group.label, count: group.tables.length, collapsed })
    if (collapsed) continue
    for (const table of group.tables) {
      rows.push({ kind: 'table', key: `${table.schema}\u0000${table.name}`, table })
    }
  }
  return rows
}

/** `/browse?type=…`: the table index narrowed to one kind of object (Schema.asp?show=…). */
export type IndexFilter = 'all' | 'tables' | 'views' | 'system'
export const INDEX_FILTERS: readonly IndexFilter[] = ['all', 'tables', 'views', 'system']

export function readIndexFilter(value: unknown): IndexFilter {
  return INDEX_FILTERS.find((filter) => filter === value) ?? 'all'
}

export function filterIndex(tables: readonly TableInfo[], filter: IndexFilter): TableInfo[] {
  switch (filter) {
    case 'tables':
      return tables.filter((table) => table.type === 'table' && !table.system)
    case 'views':
      return tables.filter((table) => table.type !== 'table')
    case 'system':
      return tables.filter((table) => table.system)
    default:
      return [...tables]
  }
}

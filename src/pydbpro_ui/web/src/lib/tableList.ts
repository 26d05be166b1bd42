/**
 * The sidebar's rows: tables and views filtered by name, grouped by schema when there are
 * several (PostgreSQL) or else by type, flattened into one list so it can be virtualised.
 */
import type { RoutineInfo, TableInfo } from '@/api/types'

export type ListRow =
  | { kind: 'group'; key: string; label: string; count: number; collapsed: boolean }
  | { kind: 'table'; key: string; table: TableInfo }
  | { kind: 'routine'; key: string; routine: RoutineInfo }

export interface ListOptions {
  filter: string
  bySchema: boolean
  collapsed: ReadonlySet<string>
  typeLabels: { tables: string; views: string }
  /** Functions and sequences (SHOW_ROUTINES), each schema's in a group after its tables. */
  routines?: readonly RoutineInfo[]
  /** The heading of a schema's routines (`bySchema`: named after it). */
  routinesLabel?: (schema: string) => string
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
  const routines = routineGroups(options.routines ?? [], needle)
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
  for (const [schema, list] of [...routines].sort(([a], [b]) => a.localeCompare(b))) {
    const key = `routines:${schema}`
    const collapsed = !needle && options.collapsed.has(key)
    const label = options.routinesLabel ? options.routinesLabel(schema) : schema
    rows.push({ kind: 'group', key, label, count: list.length, collapsed })
    if (collapsed) continue
    for (const routine of list) {
      rows.push({ kind: 'routine', key: `${key}\u0000${routine.kind}\u0000${routine.name}${routine.signature}`, routine })
    }
  }
  return rows
}

function routineGroups(routines: readonly RoutineInfo[], needle: string): Map<string, RoutineInfo[]> {
  const groups = new Map<string, RoutineInfo[]>()
  for (const routine of routines) {
    const name = routine.name.toLowerCase()
    if (needle && !name.includes(needle) && !`${routine.schema}.${name}`.toLowerCase().includes(needle)) continue
    groups.set(routine.schema, [...(groups.get(routine.schema) ?? []), routine])
  }
  return groups
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

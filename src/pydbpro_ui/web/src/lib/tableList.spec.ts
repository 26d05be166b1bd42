import { describe, expect, it } from 'vitest'
import { filterIndex, isSystemTable, readIndexFilter } from './tableList'
import type { TableInfo } from '@/api/types'

const table = (name: string, schema = 'public', type: TableInfo['type'] = 'table'): TableInfo => ({
  name, schema, type, estimated_rows: null,
})

describe('the table index by type', () => {
  const tables = [
    table('customers'), table('summary', 'public', 'view'), table('totals', 'public', 'materialized_view'),
    table('pg_class', 'pg_catalog'), table('columns', 'information_schema', 'view'),
  ]
  const names = (list: TableInfo[]) => list.map((t) => t.name)

  it('reads ?type=, defaulting to everything', () => {
    expect(readIndexFilter('views')).toBe('views')
    expect(readIndexFilter('system')).toBe('system')
    expect(readIndexFilter('procs')).toBe('all')
    expect(readIndexFilter(undefined)).toBe('all')
  })

  it('keeps views (materialized too), system objects or plain tables', () => {
    expect(names(filterIndex(tables, 'views', 'postgresql'))).toEqual(['summary', 'totals', 'columns'])
    expect(names(filterIndex(tables, 'system', 'postgresql'))).toEqual(['pg_class', 'columns'])
    expect(names(filterIndex(tables, 'tables', 'postgresql'))).toEqual(['customers'])
    expect(filterIndex(tables, 'all', 'postgresql')).toHaveLength(5)
  })

  it('knows each dialect\'s system objects as the server does', () => {
    expect(isSystemTable(table('user', 'mysql'), 'mysql')).toBe(true)
    expect(isSystemTable(table('sqlite_stat1', 'main'), 'sqlite')).toBe(true)
    expect(isSystemTable(table('sqlite_stat1', 'main'), 'postgresql')).toBe(false)
    expect(isSystemTable(table('orders', 'main'), 'sqlite')).toBe(false)
    expect(isSystemTable(table('x', 'pg_temp_3'), null)).toBe(true)
  })
})

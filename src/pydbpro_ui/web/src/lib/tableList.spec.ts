import { describe, expect, it } from 'vitest'
import { filterIndex, readIndexFilter } from './tableList'
import type { TableInfo } from '@/api/types'

const table = (name: string, schema = 'public', type: TableInfo['type'] = 'table', system = false): TableInfo => ({
  name, schema, type, estimated_rows: null, system, rows_exact: false,
})

describe('the table index by type', () => {
  const tables = [
    table('customers'), table('summary', 'public', 'view'), table('totals', 'public', 'materialized_view'),
    table('pg_class', 'pg_catalog', 'table', true), table('columns', 'information_schema', 'view', true),
  ]
  const names = (list: TableInfo[]) => list.map((t) => t.name)

  it('reads ?type=, defaulting to everything', () => {
    expect(readIndexFilter('views')).toBe('views')
    expect(readIndexFilter('system')).toBe('system')
    expect(readIndexFilter('procs')).toBe('all')
    expect(readIndexFilter(undefined)).toBe('all')
  })

  it('keeps views (materialized too), system objects (as the server flags them) or plain tables', () => {
    expect(names(filterIndex(tables, 'views'))).toEqual(['summary', 'totals', 'columns'])
    expect(names(filterIndex(tables, 'system'))).toEqual(['pg_class', 'columns'])
    expect(names(filterIndex(tables, 'tables'))).toEqual(['customers'])
    expect(filterIndex(tables, 'all')).toHaveLength(5)
  })
})

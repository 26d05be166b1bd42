import { describe, expect, it } from 'vitest'
import { buildTableList } from './tableList'
import type { RoutineInfo, TableInfo } from '@/api/types'

const table = (name: string, schema = 'public'): TableInfo => ({
  name, schema, type: 'table', estimated_rows: null, system: false, rows_exact: false,
})
const routine = (name: string, kind = 'function', schema = 'public'): RoutineInfo => ({
  name, schema, kind, signature: kind === 'sequence' ? '' : '() → integer',
})
const labels = { tables: 'Tables', views: 'Views' }

describe('functions and sequences in the table list', () => {
  const routines = [routine('add_one'), routine('orders_id_seq', 'sequence'), routine('f', 'function', 'sales')]

  it('come after the tables, one group per schema', () => {
    const rows = buildTableList([table('a'), table('b', 'sales')], {
      filter: '', bySchema: true, collapsed: new Set(), typeLabels: labels, routines, routinesLabel: (s) => `R ${s}`,
    })
    expect(rows.map((row) => (row.kind === 'group' ? `#${row.label}` : row.kind === 'table' ? row.table.name : row.routine.name)))
      .toEqual(['#public', 'a', '#sales', 'b', '#R public', 'add_one', 'orders_id_seq', '#R sales', 'f'])
  })

  it('are filtered by name and can be collapsed', () => {
    const filtered = buildTableList([], { filter: 'seq', bySchema: true, collapsed: new Set(), typeLabels: labels, routines })
    expect(filtered.filter((row) => row.kind === 'routine')).toHaveLength(1)
    const closed = buildTableList([], {
      filter: '', bySchema: true, collapsed: new Set(['routines:public']), typeLabels: labels, routines,
    })
    expect(closed.map((row) => row.kind)).toEqual(['group', 'group', 'routine'])
  })

  it('are absent without SHOW_ROUTINES', () => {
    const rows = buildTableList([table('a')], { filter: '', bySchema: false, collapsed: new Set(), typeLabels: labels })
    expect(rows.every((row) => row.kind !== 'routine')).toBe(true)
  })
})

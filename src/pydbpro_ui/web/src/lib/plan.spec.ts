import { describe, expect, it } from 'vitest'
import { planTree } from './plan'

describe('planTree', () => {
  it('reads PostgreSQL JSON plans', () => {
    const plan = [{
      Plan: {
        'Node Type': 'Hash Join', 'Join Type': 'Left', 'Startup Cost': 1.5, 'Total Cost': 20.25, 'Plan Rows': 40,
        'Hash Cond': '(o.customer_id = c.id)',
        Plans: [
          { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', Alias: 'o', 'Startup Cost': 0, 'Total Cost': 12, 'Plan Rows': 40, Filter: "(status = 'x')" },
          { 'Node Type': 'Index Scan', 'Relation Name': 'customers', Alias: 'customers', 'Index Name': 'customers_pkey', 'Startup Cost': 0, 'Total Cost': 4, 'Plan Rows': 1 },
        ],
      },
    }]
    expect(planTree(plan)).toEqual([{
      label: 'Hash Join (Left)',
      details: ['cost 1.5..20.25', 'rows 40', 'hash cond: (o.customer_id = c.id)'],
      children: [
        { label: 'Seq Scan on orders o', details: ['cost 0..12', 'rows 40', "filter: (status = 'x')"], children: [] },
        { label: 'Index Scan on customers using customers_pkey', details: ['cost 0..4', 'rows 1'], children: [] },
      ],
    }])
  })

  it('reads SQLite plan steps into a tree', () => {
    const plan = [
      { id: 2, parent: 0, detail: 'SCAN o' },
      { id: 5, parent: 0, detail: 'SEARCH c USING INTEGER PRIMARY KEY (rowid=?)' },
      { id: 9, parent: 5, detail: 'USE TEMP B-TREE' },
    ]
    expect(planTree(plan)?.map((n) => [n.label, n.children.map((c) => c.label)])).toEqual([
      ['SCAN o', []],
      ['SEARCH c USING INTEGER PRIMARY KEY (rowid=?)', ['USE TEMP B-TREE']],
    ])
  })

  it('reads MySQL and MariaDB JSON plans, tables with their access and rows', () => {
    const plan = {
      query_block: {
        select_id: 1,
        cost_info: { query_cost: '5.10' },
        nested_loop: [
          { table: { table_name: 'o', access_type: 'ALL', rows_examined_per_scan: 40, filtered: '10.00', attached_condition: "o.status = 'x'" } },
          { table: { table_name: 'c', access_type: 'eq_ref', key: 'PRIMARY', rows: 1, used_key_parts: ['id'] } },
        ],
      },
    }
    const [root] = planTree(plan) ?? []
    expect(root?.label).toBe('query block')
    expect(root?.details).toEqual(['cost 5.10', 'select id: 1'])
    expect(root?.children).toEqual([
      { label: 'o', details: ['access: ALL', 'rows: 40', 'filtered %: 10.00', "condition: o.status = 'x'"], children: [] },
      { label: 'c', details: ['access: eq_ref', 'key: PRIMARY', 'rows: 1'], children: [] },
    ])
  })

  it('gives null for a shape it does not know', () => {
    expect(planTree('Seq Scan on t')).toBeNull()
    expect(planTree([])).toBeNull()
    expect(planTree({ plan: 1 })).toBeNull()
  })
})

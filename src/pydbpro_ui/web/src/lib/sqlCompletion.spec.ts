import { describe, expect, it } from 'vitest'
import { completeSql, tablesInScope } from './sqlCompletion'

const schema = {
  customers: ['id', 'name', 'city'],
  orders: ['id', 'customer_id', 'total'],
  'Order Lines': ['order_id', 'qty'],
}

/** Completes where `|` is in `text`. */
function at(text: string) {
  const pos = text.indexOf('|')
  return completeSql(text.replace('|', ''), pos, schema)
}

const labels = (text: string) => at(text)?.options.map((o) => o.label)

describe('tablesInScope', () => {
  it('reads FROM lists, joins, schemas, AS and quoted names', () => {
    expect(tablesInScope('SELECT * FROM customers c JOIN public.orders AS o ON o.customer_id = c.id')).toEqual([
      { table: 'customers', alias: 'c' },
      { table: 'orders', alias: 'o' },
    ])
    expect(tablesInScope('select 1 from customers, "Order Lines" l where 1 = 1')).toEqual([
      { table: 'customers', alias: null },
      { table: 'Order Lines', alias: 'l' },
    ])
    expect(tablesInScope("SELECT 'from x y' FROM orders LEFT JOIN customers ON true -- from z w")).toEqual([
      { table: 'orders', alias: null },
      { table: 'customers', alias: null },
    ])
  })
})

describe('completeSql', () => {
  it("offers an alias's columns after `alias.`, even before FROM in the text", () => {
    const found = at('SELECT c.| FROM customers c')
    expect(found?.from).toBe('SELECT c.'.length)
    expect(found?.options).toEqual([
      { label: 'id', type: 'column', detail: 'customers' },
      { label: 'name', type: 'column', detail: 'customers' },
      { label: 'city', type: 'column', detail: 'customers' },
    ])
    expect(labels('SELECT c.id, o.to| FROM customers c JOIN orders o ON o.customer_id = c.id')).toEqual(
      ['id', 'customer_id', 'total'],
    )
    expect(at('SELECT c.id, o.to| FROM customers c')).toBeNull() // o names nothing
    expect(labels('SELECT orders.| FROM orders')).toEqual(['id', 'customer_id', 'total'])
    expect(labels('SELECT l.| FROM "Order Lines" l')).toEqual(['order_id', 'qty'])
  })

  it('offers the columns of the tables in FROM/JOIN, then aliases and tables, in the select list', () => {
    const found = at('SELECT na| FROM customers c JOIN orders o ON true')
    expect(found?.from).toBe('SELECT '.length)
    expect(found?.options.filter((o) => o.type === 'column').map((o) => `${o.detail}.${o.label}`)).toEqual([
      'customers.id', 'customers.name', 'customers.city', 'orders.id', 'orders.customer_id', 'orders.total',
    ])
    expect(found?.options.filter((o) => o.type !== 'column').map((o) => o.label)).toEqual(
      ['c', 'o', 'customers', 'orders', 'Order Lines'],
    )
  })

  it('looks only at the statement under the cursor, and not inside strings or comments', () => {
    expect(labels('SELECT * FROM orders;\nSELECT | FROM customers')?.slice(0, 3)).toEqual(['id', 'name', 'city'])
    expect(at("SELECT 'c.| FROM customers c")).toBeNull()
    expect(at('SELECT 1 -- c.| FROM customers c')).toBeNull()
    expect(labels("SELECT 'x', c.| FROM customers c")).toEqual(['id', 'name', 'city'])
  })
})

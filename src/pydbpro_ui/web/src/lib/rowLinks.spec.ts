import { describe, expect, it } from 'vitest'
import {
  childrenLocation, href, parentLocation, parentsByColumn, rowKeyOf, rowLocation,
} from './rowLinks'
import type { ColumnInfo, RowChildren, RowParent } from '@/api/types'

const columns: ColumnInfo[] = [
  { name: 'order_id', type: 'INTEGER', kind: 'integer' },
  { name: 'line no', type: 'INTEGER', kind: 'integer' },
  { name: 'note', type: 'TEXT', kind: 'text' },
]

describe('row keys', () => {
  it('reads the primary key of a grid row, in key order', () => {
    expect(rowKeyOf([3, 2, 'x'], columns, ['line no', 'order_id'])).toEqual([
      { column: 'line no', value: '2' },
      { column: 'order_id', value: '3' },
    ])
  })

  it('gives no key without a primary key, or when a key column is missing or NULL', () => {
    expect(rowKeyOf([3, 2, 'x'], columns, [])).toBeNull()
    expect(rowKeyOf([3, 2, 'x'], columns, ['id'])).toBeNull()
    expect(rowKeyOf([null, 2, 'x'], columns, ['order_id'])).toBeNull()
  })

  it('links a row to its row tab', () => {
    const location = rowLocation('Order Details', [{ column: 'line no', value: '2' }], 'sales')
    expect(href(location)).toBe('/browse/Order%20Details?schema=sales&tab=row&key_line+no=2')
  })
})

describe('related rows', () => {
  const parent: RowParent = { table: 'customers', schema: 'main', columns: ['customer_id'], key: { id: 6 } }
  const children: RowChildren = {
    table: 'order_items', schema: 'main', columns: ['order_id'], filter: { filter_order_id: 5 }, count: 3,
  }

  it('links a parent to its row view, or nowhere when the foreign key is NULL', () => {
    expect(parentLocation(parent, null)).toEqual({ path: '/browse/customers', query: { tab: 'row', key_id: '6' } })
    expect(parentLocation({ ...parent, key: null }, null)).toBeNull()
  })

  it('links children to the child table filtered on the foreign key', () => {
    expect(childrenLocation(children, 'shop')).toEqual({
      path: '/browse/order_items', query: { schema: 'shop', filter_order_id: '5' },
    })
    expect(childrenLocation({ ...children, filter: { filter_order_id: null } }, null)).toBeNull()
  })

  it('maps single-column foreign keys to their parent', () => {
    const composite: RowParent = { table: 'x', schema: 'main', columns: ['a', 'b'], key: { a: 1, b: 2 } }
    const map = parentsByColumn([parent, composite])
    expect([...map.keys()]).toEqual(['customer_id'])
  })
})

import { describe, expect, it } from 'vitest'
import { labelQuery } from './parentLabels'

const columns = [{ name: 'id' }, { name: 'customer_id' }, { name: 'note' }]

describe('labelQuery', () => {
  it('asks once per distinct value of each foreign key shown', () => {
    const rows = [[1, 7, 'a'], [2, 9, 'b'], [3, 7, null], [4, null, 'c']]
    const query = labelQuery(columns, rows, new Set(['customer_id']), null)
    expect(query?.toString()).toBe('value_customer_id=7&value_customer_id=9')
  })

  it('keeps big integers exact and names the schema', () => {
    const query = labelQuery(columns, [[1, '9007199254740993', 'x']], new Set(['customer_id']), 'sales')
    expect(query?.toString()).toBe('schema=sales&value_customer_id=9007199254740993')
  })

  it('asks nothing for a page without foreign-key values', () => {
    expect(labelQuery(columns, [[1, null, 'x']], new Set(['customer_id']), null)).toBeNull()
    expect(labelQuery(columns, [[1, 7, 'x']], new Set(), null)).toBeNull()
  })
})

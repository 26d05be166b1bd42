import { describe, expect, it } from 'vitest'
import {
  appendFilterParams, defaultOp, describeFilter, filterParamName, isComplete, isSortable, normalizeValue, opsForKind,
  parseFilterParams, replaceFilter, type Filter, type KindRules,
} from './filters'

/** A part of `GET /api/config`'s `column_kinds`, as the server answers it. */
const rules: KindRules = {
  integer: { operators: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'in', 'isnull', 'notnull'], sortable: true,
    aggregates: ['group', 'count', 'distinct', 'sum', 'avg', 'min', 'max'], group_units: [] },
  text: { operators: ['contains', 'startswith', 'endswith', 'eq', 'ne', 'in', 'isnull', 'notnull'], sortable: true,
    aggregates: ['group', 'count', 'distinct', 'min', 'max'], group_units: [] },
  other: { operators: ['eq', 'ne', 'in', 'isnull', 'notnull'], sortable: false, aggregates: ['group', 'count', 'distinct'],
    group_units: [] },
  binary: { operators: ['isnull', 'notnull'], sortable: true, aggregates: [], group_units: [] },
}

describe('the server\'s rules per column kind', () => {
  it('offers exactly the operators the server lists, in its order, the first as the default', () => {
    expect(opsForKind('text', rules)).toEqual(['contains', 'startswith', 'endswith', 'eq', 'ne', 'in', 'isnull', 'notnull'])
    expect(defaultOp('text', rules)).toBe('contains')
    expect(opsForKind('other', rules)).toEqual(['eq', 'ne', 'in', 'isnull', 'notnull'])
    expect(defaultOp('integer', rules)).toBe('eq')
    expect(opsForKind('binary', rules)).toEqual(['isnull', 'notnull'])
  })

  it('sorts where the server sorts', () => {
    expect(isSortable('integer', rules)).toBe(true)
    expect(isSortable('binary', rules)).toBe(true)
    expect(isSortable('other', rules)).toBe(false)
  })

  it('offers only the NULL tests, and no sorting, for a kind the server has not described', () => {
    expect(opsForKind('json', rules)).toEqual(['isnull', 'notnull'])
    expect(defaultOp('json', {})).toBe('isnull')
    expect(isSortable('json', rules)).toBe(false)
  })

  it('hands out copies: the server\'s list stays as it came', () => {
    opsForKind('text', rules).pop()
    expect(rules.text?.operators).toHaveLength(8)
  })
})

describe('filter parameters', () => {
  it('writes equality without a suffix and other operators with one', () => {
    expect(filterParamName({ column: 'status', op: 'eq' })).toBe('filter_status')
    expect(filterParamName({ column: 'status', op: 'contains' })).toBe('filter_status_contains')
  })

  it('writes null tests with a placeholder value and between as from,to', () => {
    const params = new URLSearchParams()
    appendFilterParams(params, [
      { column: 'shipped', op: 'isnull', value: '' },
      { column: 'freight', op: 'between', value: '10,50' },
    ])
    expect(params.toString()).toBe('filter_shipped_isnull=1&filter_freight_between=10%2C50')
  })

  it('reads operators, letting an exact column name win over a suffix', () => {
    const params = new URLSearchParams(
      'filter_status_contains=del&filter_x_eq=1&filter_x=2&filter_total_ge=5&filter_a_isnull=1&page=3',
    )
    expect(parseFilterParams(params, ['status', 'x', 'x_eq', 'total', 'a'])).toEqual([
      { column: 'status', op: 'contains', value: 'del' },
      { column: 'x_eq', op: 'eq', value: '1' },
      { column: 'x', op: 'eq', value: '2' },
      { column: 'total', op: 'ge', value: '5' },
      { column: 'a', op: 'isnull', value: '' },
    ])
  })

  it('reads and writes "is one of" lists', () => {
    const params = new URLSearchParams('filter_city_in=Berlin%2CParis&filter_id_in=1,2,3')
    const filters = parseFilterParams(params, ['city', 'id'])
    expect(filters).toEqual([
      { column: 'city', op: 'in', value: 'Berlin,Paris' },
      { column: 'id', op: 'in', value: '1,2,3' },
    ])
    const out = new URLSearchParams()
    appendFilterParams(out, filters)
    expect(out.toString()).toBe('filter_city_in=Berlin%2CParis&filter_id_in=1%2C2%2C3')
  })

  it('keeps unknown names as they are so the request round-trips unchanged', () => {
    const params = new URLSearchParams('filter_status_contains=del&filter_nope_gt=1')
    const filters = parseFilterParams(params, [])
    const out = new URLSearchParams()
    appendFilterParams(out, filters)
    expect(out.toString()).toBe(params.toString())
    expect(parseFilterParams(new URLSearchParams('filter_nope_gt=1'), ['status'])).toEqual([
      { column: 'nope_gt', op: 'eq', value: '1' },
    ])
  })

  it('keeps column names with underscores, spaces and unicode', () => {
    const filters: Filter[] = [{ column: 'user id', op: 'startswith', value: 'a&b=c' }, { column: 'ümlaut_col', op: 'eq', value: '' }]
    const params = new URLSearchParams()
    appendFilterParams(params, filters)
    expect(parseFilterParams(new URLSearchParams(params.toString()), ['user id', 'ümlaut_col'])).toEqual(filters)
  })
})

describe('editing filters', () => {
  const a: Filter = { column: 'a', op: 'ge', value: '1' }
  const b: Filter = { column: 'a', op: 'le', value: '9' }

  it('replaces one filter in place and keeps the others on the same column', () => {
    const c: Filter = { column: 'a', op: 'ge', value: '2' }
    expect(replaceFilter([a, b], a, c)).toEqual([c, b])
    expect(replaceFilter([a, b], b, null)).toEqual([a])
    expect(replaceFilter([a], null, b)).toEqual([a, b])
  })

  it('knows when a value is missing', () => {
    expect(isComplete({ column: 'a', op: 'eq', value: '' })).toBe(false)
    expect(isComplete({ column: 'a', op: 'isnull', value: '' })).toBe(true)
    expect(isComplete({ column: 'a', op: 'between', value: '1,' })).toBe(false)
    expect(isComplete({ column: 'a', op: 'between', value: '1,2' })).toBe(true)
    expect(isComplete({ column: 'a', op: 'in', value: ' , ' })).toBe(false)
    expect(isComplete({ column: 'a', op: 'in', value: 'x' })).toBe(true)
  })

  it('sends an "in" list without the spaces typed after commas or empty items', () => {
    expect(normalizeValue('in', ' Berlin, Paris ,,Oslo ')).toBe('Berlin,Paris,Oslo')
    expect(normalizeValue('contains', ' a, b ')).toBe(' a, b ')
  })

  it('describes filters in words for the chips', () => {
    const names = { contains: 'contains', between: 'between', isnull: 'is null', in: 'is one of' }
    expect(describeFilter({ column: 'status', op: 'contains', value: 'del' }, names)).toBe('status contains del')
    expect(describeFilter({ column: 'f', op: 'between', value: '1,5' }, names)).toBe('f between 1 – 5')
    expect(describeFilter({ column: 'd', op: 'isnull', value: '' }, names)).toBe('d is null')
    expect(describeFilter({ column: 'city', op: 'in', value: 'Berlin,Paris' }, names)).toBe('city is one of Berlin, Paris')
  })
})

import { describe, expect, it } from 'vitest'
import {
  appendFilterParams, describeFilter, filterParamName, isComplete, isSortable, normalizeValue, opsForKind,
  parseFilterParams, replaceFilter, type Filter,
} from './filters'

describe('isSortable', () => {
  it('sorts scalar kinds only, as the server does (json, arrays and other types have no dependable order)', () => {
    for (const kind of ['integer', 'text', 'date', 'binary', 'interval', 'uuid'] as const) expect(isSortable(kind)).toBe(true)
    for (const kind of ['json', 'array', 'other'] as const) expect(isSortable(kind)).toBe(false)
  })
})

describe('opsForKind', () => {
  it('offers text operators for text and enum columns', () => {
    expect(opsForKind('text')).toEqual(['contains', 'startswith', 'endswith', 'eq', 'ne', 'in', 'isnull', 'notnull'])
    expect(opsForKind('enum')).toContain('startswith')
  })

  it('offers comparisons and between for numbers and dates', () => {
    for (const kind of ['integer', 'bigint', 'decimal', 'float', 'date', 'datetime', 'time'] as const) {
      expect(opsForKind(kind)).toEqual(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between', 'in', 'isnull', 'notnull'])
    }
  })

  it('offers only equality for booleans and uuids, only null tests for the rest', () => {
    expect(opsForKind('boolean')).toEqual(['eq', 'ne', 'isnull', 'notnull'])
    expect(opsForKind('uuid')).toEqual(['eq', 'ne', 'isnull', 'notnull'])
    for (const kind of ['json', 'binary', 'array', 'interval', 'other'] as const) {
      expect(opsForKind(kind)).toEqual(['isnull', 'notnull'])
    }
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

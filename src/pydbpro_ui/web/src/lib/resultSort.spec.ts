import { describe, expect, it } from 'vitest'
import type { ColumnInfo, ColumnKind } from '@/api/types'
import { byNumber, durationKey, momentKey, sortRows } from './resultSort'

const col = (name: string, kind: ColumnKind): ColumnInfo => ({ name, type: kind, kind })

function firstColumn(kind: ColumnKind, values: unknown[], order: 'asc' | 'desc' = 'asc'): unknown[] {
  return sortRows(values.map((v) => [v]), [col('v', kind)], [{ column: 'v', order }]).map((r) => r[0])
}

describe('sortRows', () => {
  it('orders integers by value, not as text, with NULL last both ways', () => {
    expect(firstColumn('integer', [10, null, 9, -1, 100])).toEqual([-1, 9, 10, 100, null])
    expect(firstColumn('integer', [10, null, 9, -1, 100], 'desc')).toEqual([100, 10, 9, -1, null])
  })

  it('orders bigint and decimal strings exactly', () => {
    const big = ['9007199254740993', '9007199254740992', '-12', '0', '123']
    expect(firstColumn('bigint', big)).toEqual(['-12', '0', '123', '9007199254740992', '9007199254740993'])
    const money = ['10.5', '9.99', '-0.01', '10.50001', '-3', 'NaN', 'Infinity', '-Infinity', '0.0']
    expect(firstColumn('decimal', money)).toEqual(
      ['-Infinity', '-3', '-0.01', '0.0', '9.99', '10.5', '10.50001', 'Infinity', 'NaN'],
    )
  })

  it('orders floats, including the encoded NaN and infinities', () => {
    expect(firstColumn('float', [2.5, 'NaN', -1e10, 'Infinity', 0.1])).toEqual([-1e10, 0.1, 2.5, 'Infinity', 'NaN'])
  })

  it('orders dates and date-times by the moment, BC first and offsets applied', () => {
    const dates = ['2025-01-02', '0044-03-15 BC', 'infinity', '1999-12-31', '-infinity', '0001-01-01']
    expect(firstColumn('date', dates)).toEqual(
      ['-infinity', '0044-03-15 BC', '0001-01-01', '1999-12-31', '2025-01-02', 'infinity'],
    )
    const stamps = ['2025-01-01T10:00:00+02:00', '2025-01-01T09:30:00Z', '2025-01-01T08:59:59.5Z']
    expect(firstColumn('datetime', stamps)).toEqual(
      ['2025-01-01T10:00:00+02:00', '2025-01-01T08:59:59.5Z', '2025-01-01T09:30:00Z'], // 08:00Z first
    )
  })

  it('orders intervals by length and text naturally', () => {
    expect(firstColumn('interval', ['P1M', 'PT1H', 'P-1D', 'P1Y'])).toEqual(['P-1D', 'PT1H', 'P1M', 'P1Y'])
    expect(firstColumn('text', ['b', 'a10', 'a9', null, 'A'])).toEqual(['a9', 'a10', 'A', 'b', null].sort((x, y) =>
      x === null ? 1 : y === null ? -1 : new Intl.Collator(undefined, { numeric: true }).compare(x, y)))
    expect(firstColumn('boolean', [true, false, null, true])).toEqual([false, true, true, null])
  })

  it('sorts by several keys and keeps ties in their order', () => {
    const columns = [col('city', 'text'), col('n', 'integer'), col('id', 'integer')]
    const rows = [['Oslo', 2, 1], ['Bergen', 1, 2], ['Oslo', 1, 3], ['Oslo', 2, 4]]
    const sorted = sortRows(rows, columns, [{ column: 'city', order: 'desc' }, { column: 'n', order: 'asc' }])
    expect(sorted.map((r) => r[2])).toEqual([3, 1, 4, 2])
    expect(sortRows(rows, columns, [])).toEqual(rows)
    expect(sortRows(rows, columns, [{ column: 'gone', order: 'asc' }])).toEqual(rows)
  })
})

describe('keys', () => {
  it('reads moments and durations', () => {
    expect(momentKey('1970-01-01T00:00:01Z')).toBe(1000)
    expect(momentKey('1970-01-01 01:00:00+01')).toBe(0)
    expect(momentKey('not a date')).toBeNaN()
    expect(durationKey('PT1M30S')).toBe(90)
    expect(durationKey('nope')).toBeNaN()
    expect(byNumber('1e3', '999')).toBeGreaterThan(0)
  })
})

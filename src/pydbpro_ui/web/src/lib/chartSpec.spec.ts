import { describe, expect, it } from 'vitest'
import type { ColumnInfo, ColumnKind } from '@/api/types'
import { type ChartChoice, chartOptions, plotNumber, restoreChoice, suggestChart } from './chartSpec'

const col = (name: string, kind: ColumnKind): ColumnInfo => ({ name, kind, type: kind })
const light = { dark: false }

type Series = { type: string; name: string; data: unknown[]; stack?: string; areaStyle?: object; sampling?: string }
type Options = { series: Series[]; xAxis?: { type: string; data?: unknown[] } }
const options = (choice: ChartChoice, columns: ColumnInfo[], rows: unknown[][]) =>
  chartOptions(choice, columns, rows, light) as unknown as Options

describe('suggestChart', () => {
  it('offers a line over a date x', () => {
    const columns = [col('day', 'date'), col('sales', 'decimal'), col('orders', 'integer')]
    expect(suggestChart(columns, [['2026-01-01', '1.5', 2]])).toEqual({ type: 'line', x: 'day', y: ['sales', 'orders'], stacked: false })
  })

  it('offers a pie for one label and one number over a few rows, else bars', () => {
    const columns = [col('genre', 'text'), col('tracks', 'bigint')]
    const rows = [['Rock', '10'], ['Jazz', '3']]
    expect(suggestChart(columns, rows)?.type).toBe('pie')
    const many = Array.from({ length: 12 }, (_, i) => [`g${i}`, i])
    expect(suggestChart(columns, many)).toEqual({ type: 'bar', x: 'genre', y: ['tracks'], stacked: false })
  })

  it('offers bars for a text x with few values, a line for many', () => {
    const columns = [col('country', 'text'), col('city', 'text'), col('n', 'integer')]
    expect(suggestChart(columns, [['FR', 'Paris', 1], ['DE', 'Berlin', 2]])?.type).toBe('bar')
    const rows = Array.from({ length: 40 }, (_, i) => [`c${i}`, 'x', i])
    expect(suggestChart(columns, rows)?.type).toBe('line')
  })

  it('leaves keys out of the y columns while another number remains', () => {
    const columns = [col('id', 'integer'), col('ordered_at', 'datetime'), col('customer_id', 'integer'), col('total', 'decimal')]
    expect(suggestChart(columns, [])).toEqual({ type: 'line', x: 'ordered_at', y: ['total'], stacked: false })
    expect(suggestChart([col('name', 'text'), col('id', 'integer')], [['a', 1]])?.y).toEqual(['id'])
  })

  it('offers a scatter of two numbers, nothing without a number', () => {
    expect(suggestChart([col('w', 'float'), col('h', 'float')], [[1, 2]])).toEqual({ type: 'scatter', x: 'w', y: ['h'], stacked: false })
    expect(suggestChart([col('name', 'text')], [['a']])).toBeNull()
  })
})

describe('restoreChoice', () => {
  const columns = [col('name', 'text'), col('a', 'integer'), col('b', 'integer')]
  it('keeps a saved choice whose columns are there, dropping y columns that are not', () => {
    const saved: ChartChoice = { type: 'area', x: 'name', y: ['b', 'gone'], stacked: true }
    expect(restoreChoice(saved, columns, [])).toEqual({ ...saved, y: ['b'] })
  })
  it('falls back to the suggestion', () => {
    expect(restoreChoice({ type: 'pie', x: 'gone', y: ['a'], stacked: false }, columns, [['x', 1, 2]])?.type).toBe('bar')
    expect(restoreChoice(null, columns, [['x', 1, 2]])?.x).toBe('name')
  })
})

describe('chartOptions', () => {
  it('plots numbers sent as strings and leaves NULLs as gaps', () => {
    expect(plotNumber('12345678901234567890')).toBeCloseTo(1.2345678901234567e19)
    expect(plotNumber('1.50')).toBe(1.5)
    expect(plotNumber(null)).toBeNull()
    expect(plotNumber('n/a')).toBeNull()
    expect(plotNumber('')).toBeNull()
    const columns = [col('name', 'text'), col('amount', 'decimal')]
    const built = options({ type: 'bar', x: 'name', y: ['amount'], stacked: false }, columns, [['a', '1.25'], [null, null]])
    expect(built.xAxis?.data).toEqual(['a', 'NULL'])
    expect(built.series[0]?.data).toEqual([1.25, null])
  })

  it('stacks bars and areas on request, one series per y column', () => {
    const columns = [col('k', 'text'), col('a', 'integer'), col('b', 'integer')]
    const rows = [['x', 1, 2]]
    const grouped = options({ type: 'bar', x: 'k', y: ['a', 'b'], stacked: false }, columns, rows)
    expect(grouped.series.map((s) => [s.type, s.name, s.stack])).toEqual([['bar', 'a', undefined], ['bar', 'b', undefined]])
    const stacked = options({ type: 'bar', x: 'k', y: ['a', 'b'], stacked: true }, columns, rows)
    expect(stacked.series.every((s) => s.stack === 'total')).toBe(true)
    const area = options({ type: 'area', x: 'k', y: ['a'], stacked: false }, columns, rows)
    expect(area.series[0]).toMatchObject({ type: 'line', areaStyle: {} })
    const line = options({ type: 'line', x: 'k', y: ['a'], stacked: true }, columns, rows)
    expect(line.series[0]?.stack).toBeUndefined()
  })

  it('puts dates on a time axis as pairs, dropping rows without an x, and thins long lines', () => {
    const columns = [col('at', 'datetime'), col('v', 'float')]
    const rows: unknown[][] = [['2026-01-01T00:00:00', 1], [null, 2], ['2026-01-02T00:00:00', null]]
    const built = options({ type: 'line', x: 'at', y: ['v'], stacked: false }, columns, rows)
    expect(built.xAxis?.type).toBe('time')
    expect(built.series[0]?.data).toEqual([['2026-01-01T00:00:00', 1], ['2026-01-02T00:00:00', null]])
    const unsorted = options({ type: 'line', x: 'at', y: ['v'], stacked: false }, columns, [rows[2]!, rows[0]!])
    expect(unsorted.series[0]?.data).toEqual(built.series[0]?.data)
    const long = Array.from({ length: 10_000 }, (_, i) => [`2026-01-01T00:00:${i}`, i])
    expect(options({ type: 'line', x: 'at', y: ['v'], stacked: false }, columns, long).series[0]?.sampling).toBe('lttb')
  })

  it('makes a pie of the first y column, skipping NULL slices', () => {
    const columns = [col('genre', 'text'), col('n', 'bigint')]
    const built = options({ type: 'pie', x: 'genre', y: ['n'], stacked: false }, columns, [['Rock', '9007199254740993'], ['Jazz', null]])
    expect(built.series).toEqual([expect.objectContaining({ type: 'pie', data: [{ name: 'Rock', value: 9007199254740992 }] })])
  })
})

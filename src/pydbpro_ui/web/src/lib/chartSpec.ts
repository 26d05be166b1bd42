/**
 * Charts drawn from rows already fetched: which chart to offer first for a result's columns,
 * and the chart library's (ECharts) options for a choice. Pure, so the view only renders.
 *
 * Values come in the data API's JSON encoding: decimals and big integers are strings (exact
 * there), converted to numbers here for plotting only; a NULL, or a value that is no number,
 * is a gap, never a zero.
 */
import type { EChartsCoreOption } from 'echarts/core'
import type { ColumnInfo, ColumnKind } from '@/api/types'
import { isNumericKind } from './format'

export const CHART_TYPES = ['line', 'bar', 'area', 'scatter', 'pie'] as const
export type ChartType = (typeof CHART_TYPES)[number]

/** What the user picked (and what a saved query keeps): columns by name. */
export interface ChartChoice {
  type: ChartType
  x: string
  y: string[]
  stacked: boolean
}

/** At most this many distinct x values make a bar chart the first offer; more, a line. */
export const FEW_CATEGORIES = 30
/** At most this many rows (slices) make a pie the first offer. */
export const FEW_SLICES = 8
/** The first offer plots at most this many y columns. */
const FIRST_Y_COLUMNS = 3
/** From this many points on, lines are drawn without markers and thinned to the pixels
 * (LTTB sampling), and bars in the library's large mode. */
const MANY_POINTS = 1000

const TEMPORAL: ReadonlySet<ColumnKind> = new Set(['date', 'datetime'])

export function isTemporalKind(kind: ColumnKind): boolean {
  return TEMPORAL.has(kind)
}

/** The columns that can be plotted as y: the numeric ones. */
export function numericColumns(columns: readonly ColumnInfo[]): ColumnInfo[] {
  return columns.filter((column) => isNumericKind(column.kind))
}

/** Keys (`id`, `customer_id`) are numbers nobody wants plotted: the first offer leaves them
 * out while another number remains. */
function measures(numeric: ColumnInfo[]): ColumnInfo[] {
  const kept = numeric.filter((column) => !/(^|_)id$/i.test(column.name))
  return kept.length ? kept : numeric
}

/** A value as a number to plot, or null (a gap): numbers as they are, numeric strings
 * (decimals, big integers) converted, anything else null. */
export function plotNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value)
    return Number.isFinite(number) ? number : null
  }
  if (typeof value === 'boolean') return value ? 1 : 0
  return null
}

function distinctCount(rows: readonly unknown[][], index: number, stopAt: number): number {
  const seen = new Set<unknown>()
  for (const row of rows) {
    seen.add(row[index])
    if (seen.size > stopAt) break
  }
  return seen.size
}

/**
 * The first chart offered for a result: a date or time x with numbers → line; one text and
 * one number over a few rows → pie; a text x with few distinct values → bar; only numbers
 * → scatter of the first two; otherwise a line over the first column. Keys are left out of
 * the y columns while another number remains. Null when nothing is numeric (there is
 * nothing to plot).
 */
export function suggestChart(columns: readonly ColumnInfo[], rows: readonly unknown[][]): ChartChoice | null {
  const numeric = measures(numericColumns(columns))
  if (!numeric.length) return null
  const choice = (type: ChartType, x: ColumnInfo, ys: ColumnInfo[]): ChartChoice => ({
    type, x: x.name, y: ys.slice(0, FIRST_Y_COLUMNS).map((c) => c.name), stacked: false,
  })
  const temporal = columns.find((column) => isTemporalKind(column.kind))
  if (temporal) return choice('line', temporal, numeric)
  const labels = columns.filter((column) => !isNumericKind(column.kind))
  const label = labels[0]
  if (label) {
    if (labels.length === 1 && numeric.length === 1 && rows.length > 0 && rows.length <= FEW_SLICES) {
      return choice('pie', label, numeric)
    }
    const index = columns.indexOf(label)
    if (distinctCount(rows, index, FEW_CATEGORIES) <= FEW_CATEGORIES) return choice('bar', label, numeric)
    return choice('line', label, numeric)
  }
  const [x, ...ys] = numeric
  if (x && ys.length) return choice('scatter', x, ys)
  return x ? choice('line', x, [x]) : null
}

/** A saved or earlier choice kept where the columns it names are in the result (the y
 * columns it lost dropped), else the suggestion. */
export function restoreChoice(
  wanted: ChartChoice | null | undefined, columns: readonly ColumnInfo[], rows: readonly unknown[][],
): ChartChoice | null {
  const names = new Set(columns.map((column) => column.name))
  const plottable = new Set(numericColumns(columns).map((column) => column.name))
  const y = wanted?.y.filter((name) => plottable.has(name)) ?? []
  if (wanted && names.has(wanted.x) && y.length) return { ...wanted, y }
  return suggestChart(columns, rows)
}

/** Whether the type draws stacked or side by side (bars and areas). */
export function canStack(type: ChartType): boolean {
  return type === 'bar' || type === 'area'
}

type AxisType = 'time' | 'value' | 'category'

function xAxisType(type: ChartType, kind: ColumnKind): AxisType {
  if (isTemporalKind(kind) && type !== 'bar') return 'time'
  if (isNumericKind(kind) && (type === 'scatter' || type === 'line' || type === 'area')) return 'value'
  return 'category'
}

/** An x value as the axis takes it: numbers for a value axis, ISO text for a time axis,
 * text for categories (NULL shown as such). */
function xValue(value: unknown, axis: AxisType): string | number | null {
  if (axis === 'value') return plotNumber(value)
  if (value === null || value === undefined) return axis === 'time' ? null : 'NULL'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** Rows in x order for a line or area over times or numbers (a page sorted by its key
 * would zigzag); categories and scatters keep the result's order. */
function inXOrder(rows: readonly unknown[][], xAt: number, axis: AxisType, type: ChartType): readonly unknown[][] {
  if (axis === 'category' || type === 'scatter') return rows
  const key = (row: readonly unknown[]) => (axis === 'time' ? Date.parse(String(row[xAt])) : plotNumber(row[xAt]) ?? 0)
  return rows.map((row) => ({ row, at: key(row) })).sort((a, b) => a.at - b.at).map(({ row }) => row)
}

/** Categories on the axis: every label, slanted when there are more than a few, and
 * those that would still overlap hidden (the library otherwise skips every other one). */
function categoryAxis(axis: AxisType, xs: unknown[]): Record<string, unknown> {
  if (axis !== 'category') return {}
  return { data: xs, axisLabel: { interval: 0, rotate: xs.length > 6 ? 30 : 0, hideOverlap: true } }
}

export interface ChartTheme {
  dark: boolean
}

function columnIndex(columns: readonly ColumnInfo[], name: string): number {
  return columns.findIndex((column) => column.name === name)
}

function pieOptions(choice: ChartChoice, columns: readonly ColumnInfo[], rows: readonly unknown[][]): EChartsCoreOption {
  const xAt = columnIndex(columns, choice.x)
  const yAt = columnIndex(columns, choice.y[0] ?? '')
  const data = rows.flatMap((row) => {
    const value = plotNumber(row[yAt])
    return value === null ? [] : [{ name: String(xValue(row[xAt], 'category')), value }]
  })
  return {
    tooltip: { trigger: 'item' },
    legend: { type: 'scroll', bottom: 0 },
    series: [{ type: 'pie', name: choice.y[0], radius: ['0%', '65%'], data }],
  }
}

function seriesFor(choice: ChartChoice, name: string, data: unknown[], many: boolean): Record<string, unknown> {
  const stack = choice.stacked && canStack(choice.type) ? 'total' : undefined
  const base = { name, data, stack, emphasis: { focus: 'series' } }
  if (choice.type === 'bar') return { ...base, type: 'bar', large: many }
  if (choice.type === 'scatter') return { ...base, type: 'scatter', symbolSize: many ? 3 : 7, large: many }
  const line = { ...base, type: 'line', showSymbol: !many, sampling: many ? 'lttb' : undefined }
  return choice.type === 'area' ? { ...line, areaStyle: {} } : line
}

/**
 * The library's options for rows and a choice: one series per y column, x from its column
 * (a time axis for dates, a value axis for numbers on lines and scatters, else categories).
 * Rows whose x cannot be placed on a time or value axis are left out; a y that is NULL is a
 * gap in its line.
 */
export function chartOptions(
  choice: ChartChoice, columns: readonly ColumnInfo[], rows: readonly unknown[][], theme: ChartTheme,
): EChartsCoreOption {
  const common = { animation: rows.length < MANY_POINTS, backgroundColor: 'transparent', darkMode: theme.dark }
  if (choice.type === 'pie') return { ...common, ...pieOptions(choice, columns, rows) }
  const xAt = columnIndex(columns, choice.x)
  const axis = xAxisType(choice.type, columns[xAt]?.kind ?? 'text')
  const many = rows.length >= MANY_POINTS
  const placed = inXOrder(rows.filter((row) => axis === 'category' || xValue(row[xAt], axis) !== null), xAt, axis, choice.type)
  const xs = placed.map((row) => xValue(row[xAt], axis))
  const series = choice.y.map((name) => {
    const yAt = columnIndex(columns, name)
    const ys = placed.map((row) => plotNumber(row[yAt]))
    const data = axis === 'category' ? ys : ys.map((y, i) => [xs[i], y])
    return seriesFor(choice, name, data, many)
  })
  return {
    ...common,
    tooltip: { trigger: choice.type === 'scatter' ? 'item' : 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 16, right: 24, top: 40, bottom: 40 },
    xAxis: { type: axis, name: choice.x, nameLocation: 'middle', nameGap: 28, scale: axis === 'value', ...categoryAxis(axis, xs) },
    yAxis: { type: 'value', scale: choice.type === 'scatter' },
    series,
  }
}

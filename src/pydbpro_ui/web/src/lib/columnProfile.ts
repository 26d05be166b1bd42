/**
 * A column profile (`GET /api/tables/<t>/profile?column=<c>`) as lines to show: each figure
 * with its text and whether it is exact, the most common values with their share of the rows.
 * Values are cells of the column's kind (`describeCell`); counts are grouped digits, and an
 * estimated count reads "≈ 1,234" so it never passes for a counted one.
 */
import type { ColumnKind, ColumnProfile } from '@/api/types'
import { cellPreview, describeCell, formatCount, type CellDisplay } from './format'
import { t } from '@/i18n/en'

type Figure = ColumnProfile['rows']

export interface ProfileLine {
  key: 'rows' | 'distinct' | 'nulls' | 'min' | 'max' | 'avg'
  label: string
  text: string
  exact: boolean
  /** min and max are cells of the column (shown like the grid shows them); others are numbers */
  display?: CellDisplay
}

export interface CommonLine {
  display: CellDisplay
  count: string
  /** 0-100, of all rows (what the bar shows); null when the rows are unknown */
  percent: number | null
}

/** A count, "≈"-marked when estimated; "unknown" when the database keeps none. */
export function countText(value: unknown, exact: boolean): string {
  if (typeof value !== 'number') return t.profile.unknown
  return exact ? formatCount(value) : `≈ ${formatCount(value)}`
}

/** An average: up to 4 decimals, more only for numbers below 1. */
export function averageText(value: unknown, exact: boolean): string {
  if (typeof value !== 'number') return typeof value === 'string' ? value : t.profile.unknown
  const digits = Math.abs(value) < 1 && value !== 0 ? 6 : 4
  const text = new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(value)
  return exact ? text : `≈ ${text}`
}

function percentOf(part: number, whole: unknown): number | null {
  return typeof whole === 'number' && whole > 0 ? Math.min(100, (part / whole) * 100) : null
}

/** The figures in the order a reader wants them; min, max and avg only where the kind has them. */
export function profileLines(profile: ColumnProfile): ProfileLine[] {
  const kind = profile.column.kind
  const lines: ProfileLine[] = [
    { key: 'rows', label: t.profile.rows, text: countText(profile.rows.value, profile.rows.exact), exact: profile.rows.exact },
    { key: 'distinct', label: t.profile.distinct, text: countText(profile.distinct.value, profile.distinct.exact), exact: profile.distinct.exact },
    { key: 'nulls', label: t.profile.nulls, text: nullsText(profile.nulls, profile.rows.value), exact: profile.nulls.exact },
  ]
  for (const [key, figure] of [['min', profile.min], ['max', profile.max]] as const) {
    if (figure) lines.push(valueLine(key, t.profile[key], figure, kind))
  }
  if (profile.avg) {
    lines.push({ key: 'avg', label: t.profile.avg, text: averageText(profile.avg.value, profile.avg.exact), exact: profile.avg.exact })
  }
  return lines
}

function nullsText(nulls: Figure, rows: unknown): string {
  const count = countText(nulls.value, nulls.exact)
  const percent = typeof nulls.value === 'number' ? percentOf(nulls.value, rows) : null
  return percent === null ? count : `${count} (${percentText(percent)})`
}

function valueLine(key: 'min' | 'max', label: string, figure: Figure, kind: ColumnKind): ProfileLine {
  const display = describeCell(figure.value, kind)
  const text = figure.value === null || figure.value === undefined ? t.profile.unknown : cellPreview(display)
  return { key, label, text: figure.exact ? text : `≈ ${text}`, exact: figure.exact, display }
}

/** "12.5 %", "< 0.1 %" for a share too small to round to one decimal. */
export function percentText(percent: number): string {
  if (percent > 0 && percent < 0.1) return '< 0.1 %'
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(percent)} %`
}

export function commonLines(profile: ColumnProfile): CommonLine[] {
  const { exact, values } = profile.most_common
  return values.map((v) => ({
    display: describeCell(v.value, profile.column.kind),
    count: countText(v.count, exact),
    percent: percentOf(v.count, profile.rows.value),
  }))
}

/** What the estimated figures are, in a sentence; null when every figure is exact. */
export function sourceNote(profile: ColumnProfile): string | null {
  if (profile.source === 'exact') return null
  const from = profile.source === 'sample'
    ? t.profile.fromSample(formatCount(profile.sample_rows ?? 0))
    : t.profile.fromPlanner
  return profile.reason ? `${from} ${t.profile.because(profile.reason)}` : from
}

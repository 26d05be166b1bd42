/**
 * Cell values as the API encodes them (README "How values are encoded in JSON"), turned into
 * something to show. Everything here produces plain text: the grid renders it with text
 * interpolation, never as HTML.
 */
import type { ColumnKind } from '@/api/types'
import { t } from '@/i18n/en'

/** How many characters a cell shows before cutting with an ellipsis and offering the panel. */
export const CELL_PREVIEW_CHARS = 120

export type CellDisplay =
  | { type: 'null' }
  | { type: 'empty' }
  | { type: 'text'; text: string }
  | { type: 'number'; text: string }
  | { type: 'boolean'; value: boolean; text: string }
  | { type: 'temporal'; kind: TemporalKind; text: string }
  | { type: 'truncated'; text: string; length: number }
  | { type: 'binary'; hex: string; length: number }
  | { type: 'json'; text: string }

export type TemporalKind = 'date' | 'datetime' | 'time'
const TEMPORAL: ReadonlySet<ColumnKind> = new Set(['date', 'datetime', 'time'])

interface TruncatedText { $truncated: true; value: string; length: number }
interface BinaryValue { $binary: string; length: number }

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isTruncated(value: unknown): value is TruncatedText {
  return isObject(value) && value.$truncated === true && typeof value.value === 'string'
}

export function isBinary(value: unknown): value is BinaryValue {
  return isObject(value) && typeof value.$binary === 'string' && typeof value.length === 'number'
}

const NUMERIC: ReadonlySet<ColumnKind> = new Set(['integer', 'bigint', 'decimal', 'float'])

export function isNumericKind(kind: ColumnKind): boolean {
  return NUMERIC.has(kind)
}

/**
 * Classifies one value by its column kind. The `$truncated` / `$binary` wrappers are only
 * believed where the kind can produce them, so a JSON document that happens to contain a
 * `$binary` key is still shown as JSON.
 */
export function describeCell(value: unknown, kind: ColumnKind): CellDisplay {
  if (value === null || value === undefined) return { type: 'null' }
  if (kind === 'binary' && isBinary(value)) {
    return { type: 'binary', hex: value.$binary, length: value.length }
  }
  if (kind !== 'json' && kind !== 'array' && isTruncated(value)) {
    return { type: 'truncated', text: value.value, length: value.length }
  }
  if (kind === 'json' || kind === 'array' || typeof value === 'object') {
    return { type: 'json', text: JSON.stringify(value) }
  }
  if (typeof value === 'boolean') return { type: 'boolean', value, text: String(value) }
  if (typeof value === 'number' || NUMERIC.has(kind)) {
    return { type: 'number', text: String(value) }
  }
  const text = String(value)
  if (text === '') return { type: 'empty' }
  if (TEMPORAL.has(kind)) return { type: 'temporal', kind: kind as TemporalKind, text }
  return { type: 'text', text }
}

/** The short text a grid cell shows; `grouped: false` keeps identifiers' digits together. */
export function cellPreview(display: CellDisplay, max = CELL_PREVIEW_CHARS, grouped = true): string {
  switch (display.type) {
    case 'null':
      return 'NULL'
    case 'empty':
      return ''
    case 'binary':
      return binaryPreview(display.hex, display.length)
    case 'truncated':
      return `${display.text.slice(0, max)}…`
    case 'boolean':
      return display.value ? '✓' : '✗'
    case 'number':
      return grouped ? groupDigits(display.text) : display.text
    case 'temporal':
      return readableTemporal(display.kind, display.text)
    default:
      return display.text.length > max ? `${display.text.slice(0, max)}…` : display.text
  }
}

/** The tooltip of a cell whose display differs from its value: the exact ISO 8601 text of a
 * date or time, the start of a binary value in hex; nothing for the rest. */
export function cellTitle(display: CellDisplay): string | undefined {
  if (display.type === 'temporal') return display.text
  if (display.type === 'binary') return `0x${display.hex}${display.length > display.hex.length / 2 ? '…' : ''}`
  if (display.type === 'boolean') return display.text
  return undefined
}

/** Whether the cell is cut in the grid and worth opening in the side panel. */
export function needsPanel(display: CellDisplay, max = CELL_PREVIEW_CHARS): boolean {
  switch (display.type) {
    case 'truncated':
    case 'binary':
      return true
    case 'temporal':
      return false
    case 'json':
      return display.text.length > 40 || display.text.startsWith('{') || display.text.startsWith('[')
    case 'text':
      return display.text.length > max || display.text.includes('\n')
    default:
      return false
  }
}

/** JSON text pretty-printed for the side panel (left as it is when it does not parse). */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/** A classic hex dump (offset, 16 bytes in hex, printable ASCII) of a hex string. */
export function hexDump(hex: string): string {
  const bytes = (hex.match(/[0-9a-fA-F]{2}/g) ?? []).map((pair) => parseInt(pair, 16))
  const lines: string[] = []
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const chunk = bytes.slice(offset, offset + 16)
    const hexPart = chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47, ' ')
    const ascii = chunk.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hexPart}  ${ascii}`)
  }
  return lines.join('\n')
}

/** 1234567 → "1,234,567" in the browser's locale. */
export function formatCount(n: number): string {
  return new Intl.NumberFormat().format(n)
}

/** Byte sizes for progress text: 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

/** Estimated row counts in the sidebar: 60722 → "61K". */
export function compactCount(n: number): string {
  return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n)
}

/** The value as it would be typed into a filter box (foreign-key links use it). */
export function filterText(value: unknown): string | null {
  if (value === null || value === undefined || typeof value === 'object') return null
  return String(value)
}

// Readable values (display only: filters, copies and exports keep the exact value) ---------

interface Separators { group: string; decimal: string }
let separators: Separators | null = null

function localeSeparators(): Separators {
  if (!separators) {
    const parts = new Intl.NumberFormat().formatToParts(11111.5)
    separators = {
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    }
  }
  return separators
}

/** "1234567.50" → "1,234,567.50" in the browser's locale, digit for digit: big integers and
 * decimals arrive as strings and are never turned into (rounding) JavaScript numbers.
 * Anything that is not a plain decimal numeral (NaN, 1e+21) stays as it is. */
export function groupDigits(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text)
  if (!match) return text
  const [, sign, whole = '', fraction] = match
  const { group, decimal } = localeSeparators()
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group)
  return `${sign}${grouped}${fraction === undefined ? '' : decimal + fraction}`
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/

const formats = new Map<string, Intl.DateTimeFormat>()
function dateFormat(kind: TemporalKind, fraction: boolean): Intl.DateTimeFormat {
  const key = `${kind}${fraction ? '.' : ''}`
  let format = formats.get(key)
  if (!format) {
    const time = { hour: 'numeric', minute: '2-digit', second: '2-digit', ...(fraction ? { fractionalSecondDigits: 3 } : {}) } as const
    const options: Intl.DateTimeFormatOptions =
      kind === 'date' ? { dateStyle: 'medium' }
      : kind === 'time' ? time
      : { year: 'numeric', month: 'short', day: 'numeric', ...time }
    format = new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' })
    formats.set(key, format)
  }
  return format
}

/** A wall-clock moment as written (never moved to the browser's zone: the value's own
 * offset, when it has one, is shown after it). Out-of-range parts make it null. */
function wallClock(y: string, mo: string, d: string, h = '00', mi = '00', s = '00', f = ''): Date | null {
  const date = new Date(0)
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d))
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(f.slice(0, 3).padEnd(3, '0')))
  const exact = date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(mo) - 1
    && date.getUTCDate() === Number(d) && date.getUTCHours() === Number(h)
  return exact ? date : null
}

function offsetText(offset: string | undefined): string {
  return offset === undefined ? '' : ` ${offset === 'Z' ? 'UTC' : offset}`
}

/** ISO 8601 dates and times in the browser's locale ("2025-12-31T19:59:35" → "Dec 31, 2025,
 * 7:59:35 PM"); the database's own text for values no ISO form holds (infinity, BC dates,
 * 24:00:00, MySQL's 0000-00-00) stays as it is. */
export function readableTemporal(kind: TemporalKind, text: string): string {
  if (kind === 'date') {
    const m = ISO_DATE.exec(text)
    const date = m && wallClock(m[1] ?? '', m[2] ?? '', m[3] ?? '')
    return date ? dateFormat('date', false).format(date) : text
  }
  if (kind === 'time') {
    const m = ISO_TIME.exec(text)
    const date = m && wallClock('2000', '01', '01', m[1], m[2], m[3], m[4] ?? '')
    return date && m ? dateFormat('time', !!m[4]).format(date) + offsetText(m[5]) : text
  }
  const m = ISO_DATETIME.exec(text)
  const date = m && wallClock(m[1] ?? '', m[2] ?? '', m[3] ?? '', m[4], m[5], m[6], m[7] ?? '')
  return date && m ? dateFormat('datetime', !!m[7]).format(date) + offsetText(m[8]) : text
}

const IMAGE_MAGIC: readonly { type: string; test: (hex: string) => boolean }[] = [
  { type: 'PNG', test: (hex) => hex.startsWith('89504e470d0a1a0a') },
  { type: 'JPEG', test: (hex) => hex.startsWith('ffd8ff') },
  { type: 'GIF', test: (hex) => hex.startsWith('474946383761') || hex.startsWith('474946383961') },
  { type: 'WebP', test: (hex) => hex.startsWith('52494646') && hex.slice(16, 24) === '57454250' },
]

/** The image format a binary value's first bytes announce (PNG, JPEG, GIF, WebP), or null. */
export function imageType(hex: string): string | null {
  const lower = hex.toLowerCase()
  return IMAGE_MAGIC.find((magic) => magic.test(lower))?.type ?? null
}

/** "PNG image, 4.0 KB" or "binary, 12 B": a binary value by what it is and its size. */
export function binaryPreview(hex: string, length: number): string {
  const image = imageType(hex)
  return image ? t.display.image(image, formatBytes(length)) : t.display.binary(formatBytes(length))
}

/** Where the value panel gets a whole image: `GET /api/tables/<t>/image` by the row's key. */
export function imageUrl(
  table: string,
  column: string,
  key: readonly { column: string; value: string }[] | null,
  schema: string | null,
): string | null {
  if (!key?.length) return null
  const params = new URLSearchParams({ column })
  if (schema) params.set('schema', schema)
  for (const part of key) params.set(part.column, part.value)
  return `/api/tables/${encodeURIComponent(table)}/image?${params.toString()}`
}

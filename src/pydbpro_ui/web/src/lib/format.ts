/**
 * Cell values as the API encodes them (README "How values are encoded in JSON"), turned into
 * something to show. Everything here produces plain text: the grid renders it with text
 * interpolation, never as HTML.
 */
import type { ColumnKind } from '@/api/types'

/** How many characters a cell shows before cutting with an ellipsis and offering the panel. */
export const CELL_PREVIEW_CHARS = 120

export type CellDisplay =
  | { type: 'null' }
  | { type: 'empty' }
  | { type: 'text'; text: string }
  | { type: 'number'; text: string }
  | { type: 'boolean'; value: boolean; text: string }
  | { type: 'truncated'; text: string; length: number }
  | { type: 'binary'; hex: string; length: number }
  | { type: 'json'; text: string }

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
  return text === '' ? { type: 'empty' } : { type: 'text', text }
}

/** The short text a grid cell shows. */
export function cellPreview(display: CellDisplay, max = CELL_PREVIEW_CHARS): string {
  switch (display.type) {
    case 'null':
      return 'NULL'
    case 'empty':
      return ''
    case 'binary':
      return `0x${display.hex.slice(0, 16)}${display.length > 8 ? '…' : ''}`
    case 'truncated':
      return `${display.text.slice(0, max)}…`
    case 'boolean':
      return display.text
    default:
      return display.text.length > max ? `${display.text.slice(0, max)}…` : display.text
  }
}

/** Whether the cell is cut in the grid and worth opening in the side panel. */
export function needsPanel(display: CellDisplay, max = CELL_PREVIEW_CHARS): boolean {
  switch (display.type) {
    case 'truncated':
    case 'binary':
      return true
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

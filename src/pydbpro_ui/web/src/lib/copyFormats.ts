/**
 * A block of grid cells as text for the clipboard: TSV (what spreadsheets paste), CSV, JSON,
 * a Markdown table and an SQL `IN (...)` list. Values arrive as the API encodes them (README
 * "How values are encoded in JSON"); a cut value copies the part the page holds.
 */
import type { ColumnKind } from '@/api/types'
import { isBinary, isNumericKind, isTruncated } from './format'

export interface CopyColumn {
  name: string
  kind: ColumnKind
}

/** The selected block: its columns and, per row, the values of those columns. */
export interface CopyBlock {
  columns: readonly CopyColumn[]
  rows: readonly (readonly unknown[])[]
}

export type CopyFormat = 'tsv' | 'csv' | 'json' | 'markdown' | 'sql'

/** One value as plain text; null for NULL (each format spells it its own way). */
export function plainText(value: unknown, kind: ColumnKind): string | null {
  if (value === null || value === undefined) return null
  if (kind === 'binary' && isBinary(value)) return `0x${value.$binary}`
  if (kind !== 'json' && kind !== 'array' && isTruncated(value)) return value.value
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** Whether the value can be written without quotes (SQL) or as a JSON number without loss. */
function isPlainNumber(value: unknown, kind: ColumnKind): boolean {
  if (typeof value === 'number') return Number.isFinite(value)
  return isNumericKind(kind) && typeof value === 'string' && NUMBER.test(value)
}

/** Spreadsheets' own rule: a field with a tab, line break or quote is quoted, quotes doubled. */
function quoteWhen(text: string, special: RegExp): string {
  return special.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function toTsv(block: CopyBlock): string {
  return block.rows
    .map((row) => block.columns.map((c, i) => quoteWhen(plainText(row[i], c.kind) ?? '', /[\t\r\n"]/)).join('\t'))
    .join('\n')
}

/** RFC 4180, with a header line; NULL is an empty field, the empty string a quoted one. */
export function toCsv(block: CopyBlock): string {
  const field = (text: string | null): string => (text === null ? '' : text === '' ? '""' : quoteWhen(text, /[,\r\n"]/))
  const lines = [block.columns.map((c) => field(c.name))]
  for (const row of block.rows) lines.push(block.columns.map((c, i) => field(plainText(row[i], c.kind))))
  return lines.map((l) => l.join(',')).join('\r\n')
}

/** A JSON value that keeps the type: numbers, booleans, null and JSON documents as such; big
 * or exact numbers the API sends as strings stay strings, so no digit is lost. */
function jsonValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'number' || typeof value === 'boolean') return value
  if ((kind === 'json' || kind === 'array') && !isTruncated(value)) return value
  return plainText(value, kind)
}

export function toJson(block: CopyBlock): string {
  const objects = block.rows.map((row) => Object.fromEntries(block.columns.map((c, i) => [c.name, jsonValue(row[i], c.kind)])))
  return JSON.stringify(objects, null, 2)
}

export function toMarkdown(block: CopyBlock): string {
  const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  const lines = [
    line(block.columns.map((c) => cell(c.name))),
    line(block.columns.map((c) => (isNumericKind(c.kind) ? '---:' : '---'))),
    ...block.rows.map((row) => line(block.columns.map((c, i) => cell(plainText(row[i], c.kind) ?? 'NULL')))),
  ]
  return lines.join('\n')
}

/** Every distinct value of the block, row by row, as an SQL list: numbers bare, text quoted
 * with quotes doubled, NULL as the keyword (which `IN` never matches, so it is listed once). */
export function toSqlIn(block: CopyBlock): string {
  const seen = new Set<string>()
  for (const row of block.rows) {
    block.columns.forEach((c, i) => {
      const value = row[i]
      const text = plainText(value, c.kind)
      if (text === null) seen.add('NULL')
      else if (isPlainNumber(value, c.kind)) seen.add(text)
      else if (typeof value === 'boolean') seen.add(value ? 'TRUE' : 'FALSE')
      else seen.add(`'${text.replace(/'/g, "''")}'`)
    })
  }
  return `IN (${[...seen].join(', ')})`
}

export const COPY_FORMATS: Record<CopyFormat, (block: CopyBlock) => string> = {
  tsv: toTsv,
  csv: toCsv,
  json: toJson,
  markdown: toMarkdown,
  sql: toSqlIn,
}

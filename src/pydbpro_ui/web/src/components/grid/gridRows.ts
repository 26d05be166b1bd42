/**
 * What the grid renders for one row: each value described once (NULL, empty, number, cut text,
 * link). Only the rows in view are built, so a 10,000-row result costs a window of rows.
 */
import type { ColumnInfo } from '@/api/types'
import { CELL_PREVIEW_CHARS, cellPreview, cellTitle, describeCell, filterText, needsPanel, type CellDisplay } from '@/lib/format'
import { opsForKind, type Filter, type KindRules } from '@/lib/filters'

export interface RowLink {
  href: string
  /** the row's key in words, for the link's accessible name */
  key: string
  /** the link's accessible name when it is not "Open row <key>" (group mode's drill-down) */
  label?: string
  /** its PrimeIcons name when not the row view's `pi-id-card` */
  icon?: string
}

export interface GridCell {
  display: CellDisplay
  text: string
  long: boolean
  link: string | null
  /** the exact value, where the cell shows it in a readable form (dates, binary) */
  title: string | undefined
  /** the referenced row's label, shown beside a foreign-key value */
  label: string | null
}

export interface GridRowModel {
  cells: GridCell[]
  link: RowLink | null
}

export type LinkFor = (row: readonly unknown[], column: string) => string | null
export type RowLinkFor = (row: readonly unknown[]) => RowLink | null
export type LabelFor = (row: readonly unknown[], column: string) => string | null

/** How a result's rows are built: its links and labels, and which columns hold identifiers
 * (keys: 1042, never grouped as "1,042"). */
export interface RowBuilder {
  linkFor?: LinkFor
  rowLink?: RowLinkFor
  labelFor?: LabelFor
  identifiers?: readonly boolean[]
}

export function buildRow(row: readonly unknown[], columns: readonly ColumnInfo[], how: RowBuilder = {}): GridRowModel {
  const { linkFor, rowLink, labelFor, identifiers } = how
  return {
    link: rowLink ? rowLink(row) : null,
    cells: columns.map((column, i) => {
      const display = describeCell(row[i], column.kind)
      const isNull = display.type === 'null'
      return {
        display,
        text: cellPreview(display, CELL_PREVIEW_CHARS, !identifiers?.[i]),
        long: needsPanel(display),
        link: isNull || !linkFor ? null : linkFor(row, column.name),
        title: cellTitle(display),
        label: isNull || !labelFor ? null : labelFor(row, column.name),
      }
    }),
  }
}

/** The text each cell shows, for the find box. */
export function shownTexts(rows: readonly (readonly unknown[])[], columns: readonly ColumnInfo[]): string[][] {
  return rows.map((row) => columns.map((column, i) => cellPreview(describeCell(row[i], column.kind))))
}

/** The DOM id of a rendered cell (the grid's aria-activedescendant points at it). */
export function cellId(uid: string, row: number, col: number): string {
  return `${uid}-r${row}-c${col}`
}

/** "Filter by this value": equality (IS NULL for NULL) on the value's column, or null where
 * the value cannot be typed into a filter (JSON, binary) or the column's kind has no such test. */
export function valueFilter(column: ColumnInfo, raw: unknown, rules: KindRules): Filter | null {
  const value = filterText(raw)
  const op = raw === null || raw === undefined ? 'isnull' : value === null ? null : 'eq'
  if (!op || !opsForKind(column.kind, rules).includes(op)) return null
  return { column: column.name, op, value: value ?? '' }
}

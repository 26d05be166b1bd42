/**
 * What the grid renders for one row: each value described once (NULL, empty, number, cut text,
 * link). Only the rows in view are built, so a 10,000-row result costs a window of rows.
 */
import type { ColumnInfo } from '@/api/types'
import { cellPreview, describeCell, needsPanel, type CellDisplay } from '@/lib/format'

export interface RowLink {
  href: string
  /** the row's key in words, for the link's accessible name */
  key: string
}

export interface GridCell {
  display: CellDisplay
  text: string
  long: boolean
  link: string | null
}

export interface GridRowModel {
  cells: GridCell[]
  link: RowLink | null
}

export type LinkFor = (row: readonly unknown[], column: string) => string | null
export type RowLinkFor = (row: readonly unknown[]) => RowLink | null

export function buildRow(row: readonly unknown[], columns: readonly ColumnInfo[], linkFor?: LinkFor, rowLink?: RowLinkFor): GridRowModel {
  return {
    link: rowLink ? rowLink(row) : null,
    cells: columns.map((column, i) => {
      const display = describeCell(row[i], column.kind)
      return {
        display,
        text: cellPreview(display),
        long: needsPanel(display),
        link: display.type === 'null' || !linkFor ? null : linkFor(row, column.name),
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

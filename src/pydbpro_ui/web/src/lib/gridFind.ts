/**
 * The grid's find box: which loaded cells contain a text. The browser's own Ctrl+F cannot see
 * rows a virtual grid has not rendered, so the grid searches its rows itself.
 */
import type { CellPos } from './cellSelection'

/** Every cell whose shown text contains `needle` (case-insensitive), row by row. */
export function findCells(texts: readonly (readonly string[])[], needle: string): CellPos[] {
  const wanted = needle.toLocaleLowerCase()
  if (!wanted) return []
  const found: CellPos[] = []
  texts.forEach((row, r) => {
    row.forEach((text, c) => {
      if (text.toLocaleLowerCase().includes(wanted)) found.push({ row: r, col: c })
    })
  })
  return found
}

/** The next (or previous) match, wrapping around; -1 when there is none. */
export function stepMatch(current: number, count: number, back: boolean): number {
  if (count === 0) return -1
  if (current < 0) return back ? count - 1 : 0
  return (current + (back ? count - 1 : 1)) % count
}

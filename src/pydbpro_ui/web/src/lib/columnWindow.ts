/**
 * Virtual columns for wide results: which columns of a row to render, given each column's
 * width and the horizontal scroll. A 300-column table then costs the dozen columns in view
 * per row, not 300 cells. The first column is always rendered (it is sticky); the columns
 * left out on either side are kept as one spacer cell each, whose width the table's fixed
 * layout takes from the `<col>`s it spans.
 */

/** Results with more columns than this render only the columns in view. */
export const VIRTUAL_COLUMNS_FROM = 40
/** Pixels rendered beyond each edge of the view, so a quick sideways scroll shows no gap. */
export const OVERSCAN_PX = 240
/** Bounds of an estimated width: a heading stays readable; a cell is cut at 28rem anyway. */
export const MIN_ESTIMATE = 72
export const MAX_ESTIMATE = 448
/** A cell's padding and borders beside its text (grid.css: 0.7rem each side). */
const CELL_PADDING = 24
/** The heading's key marker and sort arrow beside its name. */
const HEADING_EXTRA = 40

export interface ColumnWindow {
  /** the first and one past the last column rendered after the first column (start ≥ 1) */
  start: number
  end: number
}

/** Each column's left edge, and the table's width as the last entry. */
export function columnOffsets(widths: readonly number[]): number[] {
  const offsets = [0]
  for (const w of widths) offsets.push(offsets[offsets.length - 1]! + w)
  return offsets
}

/** The first index whose offset is past x (`strict`) or at least x; offsets ascend. */
function firstIndex(offsets: readonly number[], x: number, strict: boolean): number {
  let lo = 0
  let hi = offsets.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const o = offsets[mid]!
    if (strict ? o <= x : o < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The columns (after the sticky first one) that reach into the view widened by the overscan. */
export function columnWindow(offsets: readonly number[], scrollLeft: number, viewWidth: number, overscan = OVERSCAN_PX): ColumnWindow {
  const count = offsets.length - 1
  if (count <= 1) return { start: 1, end: Math.max(1, count) }
  const left = scrollLeft + offsets[1]! - overscan
  const right = scrollLeft + viewWidth + overscan
  // A column is in view when its right edge is past `left` and its left edge before `right`.
  const start = Math.min(count - 1, Math.max(1, firstIndex(offsets, left, true) - 1))
  const end = Math.min(count, Math.max(start + 1, firstIndex(offsets, right, false)))
  return { start, end }
}

/** The scroll position that brings column `col` into view beside the sticky first column,
 * moving as little as possible (the same one when it is in view already). The first column is
 * always in view; going to it goes back to the table's start, as Home does in a spreadsheet. */
export function scrollLeftFor(col: number, offsets: readonly number[], scrollLeft: number, viewWidth: number): number {
  if (col <= 0) return 0
  if (col >= offsets.length - 1) return scrollLeft
  const stuck = offsets[1]!
  const left = offsets[col]! - stuck
  const right = offsets[col + 1]! - viewWidth
  if (left < scrollLeft) return Math.max(0, left)
  if (right > scrollLeft) return Math.min(left, right)
  return scrollLeft
}

/** A column's width from its heading and a sample of its shown values, as `measure` sizes
 * text, kept between MIN_ESTIMATE and MAX_ESTIMATE. */
export function estimateWidth(heading: readonly string[], values: readonly string[], measure: (text: string) => number): number {
  let widest = 0
  for (const text of heading) widest = Math.max(widest, measure(text) + HEADING_EXTRA)
  for (const text of values) widest = Math.max(widest, measure(text) + CELL_PADDING)
  return Math.round(Math.min(MAX_ESTIMATE, Math.max(MIN_ESTIMATE, widest)))
}

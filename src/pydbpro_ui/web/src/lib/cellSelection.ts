/**
 * The grid's cell selection as a spreadsheet has it: an anchor (where the click or the
 * Shift-range started) and a focus (the active cell, which the keys move). Pure functions;
 * the grid keeps the state.
 */

export interface CellPos {
  row: number
  col: number
}

export interface CellSelection {
  anchor: CellPos
  focus: CellPos
}

export interface CellRange {
  top: number
  left: number
  bottom: number
  right: number
}

/** The grid's size, and how many rows a PageUp/PageDown moves. */
export interface GridSize {
  rows: number
  cols: number
  pageRows: number
}

export function single(pos: CellPos): CellSelection {
  return { anchor: pos, focus: pos }
}

export function rangeOf(selection: CellSelection): CellRange {
  const { anchor: a, focus: f } = selection
  return {
    top: Math.min(a.row, f.row),
    bottom: Math.max(a.row, f.row),
    left: Math.min(a.col, f.col),
    right: Math.max(a.col, f.col),
  }
}

export function inRange(range: CellRange, row: number, col: number): boolean {
  return row >= range.top && row <= range.bottom && col >= range.left && col <= range.right
}

const clamp = (n: number, max: number): number => Math.max(0, Math.min(n, max))

/**
 * Where a key moves the active cell, or null when the key is not a move. Ctrl with an arrow
 * goes to the edge; Home/End to the row's first/last cell (with Ctrl: the grid's).
 */
export function moveFocus(pos: CellPos, key: string, size: GridSize, ctrl = false): CellPos | null {
  const lastRow = size.rows - 1
  const lastCol = size.cols - 1
  if (lastRow < 0 || lastCol < 0) return null
  const page = Math.max(1, size.pageRows)
  switch (key) {
    case 'ArrowUp':
      return { row: ctrl ? 0 : clamp(pos.row - 1, lastRow), col: pos.col }
    case 'ArrowDown':
      return { row: ctrl ? lastRow : clamp(pos.row + 1, lastRow), col: pos.col }
    case 'ArrowLeft':
      return { row: pos.row, col: ctrl ? 0 : clamp(pos.col - 1, lastCol) }
    case 'ArrowRight':
      return { row: pos.row, col: ctrl ? lastCol : clamp(pos.col + 1, lastCol) }
    case 'Home':
      return { row: ctrl ? 0 : pos.row, col: 0 }
    case 'End':
      return { row: ctrl ? lastRow : pos.row, col: lastCol }
    case 'PageUp':
      return { row: clamp(pos.row - page, lastRow), col: pos.col }
    case 'PageDown':
      return { row: clamp(pos.row + page, lastRow), col: pos.col }
    default:
      return null
  }
}

/** The selection after a key: Shift keeps the anchor and extends to the new active cell. */
export function applyKey(selection: CellSelection, key: string, size: GridSize, mods: { shift: boolean; ctrl: boolean }): CellSelection | null {
  const next = moveFocus(selection.focus, key, size, mods.ctrl)
  if (!next) return null
  return mods.shift ? { anchor: selection.anchor, focus: next } : single(next)
}

/** The selection kept within a grid that has shrunk (a new page, fewer columns), or null. */
export function clampSelection(selection: CellSelection | null, size: Pick<GridSize, 'rows' | 'cols'>): CellSelection | null {
  if (!selection || size.rows === 0 || size.cols === 0) return null
  const fit = (p: CellPos): CellPos => ({ row: clamp(p.row, size.rows - 1), col: clamp(p.col, size.cols - 1) })
  return { anchor: fit(selection.anchor), focus: fit(selection.focus) }
}

/** The block of values under a range, row by row, for the copy formats. */
export function valuesIn(rows: readonly (readonly unknown[])[], range: CellRange): unknown[][] {
  return rows.slice(range.top, range.bottom + 1).map((row) => row.slice(range.left, range.right + 1))
}

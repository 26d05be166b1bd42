/**
 * A table's column layout: which columns are shown, in which order (the URL's `columns=`, so
 * a link reproduces it and exports follow it), and how wide each is. Both are also kept in
 * localStorage per table, so opening the table again without `columns=` finds them.
 */

export interface ColumnLayout {
  /** the columns shown, in order; empty: all of them, in the table's order */
  columns: string[]
  /** column → width in pixels; absent: as wide as its content */
  widths: Record<string, number>
}

export const MIN_WIDTH = 48
export const MAX_FIT_WIDTH = 640
const PREFIX = 'pydbpro.columns:'

export function layoutKey(table: string, schema: string | null): string {
  return `${PREFIX}${schema ?? ''}\u0000${table}`
}

function isWidths(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.values(value).every((w) => typeof w === 'number' && Number.isFinite(w))
}

/** The stored layout; an unreadable or foreign entry counts as none. */
export function readLayout(storage: Storage | null, key: string): ColumnLayout {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(key) ?? 'null')
    if (typeof raw !== 'object' || raw === null) return { columns: [], widths: {} }
    const { columns, widths } = raw as Record<string, unknown>
    return {
      columns: Array.isArray(columns) ? columns.filter((c): c is string => typeof c === 'string') : [],
      widths: isWidths(widths) ? widths : {},
    }
  } catch {
    return { columns: [], widths: {} }
  }
}

export function writeLayout(storage: Storage | null, key: string, layout: ColumnLayout): void {
  try {
    if (!layout.columns.length && !Object.keys(layout.widths).length) storage?.removeItem(key)
    else storage?.setItem(key, JSON.stringify(layout))
  } catch {
    // Storage full or refused (private mode): the layout still lives in the URL.
  }
}

/** The columns shown, in order: the choice, or every column when there is none. */
export function shownColumns(chosen: readonly string[], all: readonly string[]): string[] {
  return chosen.length ? chosen.filter((c) => all.includes(c)) : [...all]
}

/** A choice that is every column in the table's order is no choice: `columns=` is left out. */
export function normalise(shown: readonly string[], all: readonly string[]): string[] {
  const same = shown.length === all.length && shown.every((c, i) => c === all[i])
  return same ? [] : [...shown]
}

/** A stored choice that still fits the table (a dropped column makes it void). */
export function usableChoice(chosen: readonly string[], all: readonly string[]): string[] {
  return chosen.length && chosen.every((c) => all.includes(c)) ? normalise(chosen, all) : []
}

/** Shows or hides one column; the last shown column stays. A column shown again goes just
 * after the shown column that precedes it in the table. */
export function toggleColumn(chosen: readonly string[], all: readonly string[], column: string): string[] {
  const shown = shownColumns(chosen, all)
  if (shown.includes(column)) {
    return shown.length > 1 ? normalise(shown.filter((c) => c !== column), all) : normalise(shown, all)
  }
  // After the shown column that precedes it most closely in the table's order.
  const at = all.indexOf(column)
  let after = -1
  shown.forEach((c, i) => {
    const index = all.indexOf(c)
    if (index < at && (after < 0 || index > all.indexOf(shown[after] ?? ''))) after = i
  })
  const result = [...shown]
  result.splice(after + 1, 0, column)
  return normalise(result, all)
}

/** `column` moved to just before `before` (dropped on its heading); when it came from the
 * left of `before`, it lands just after it instead, so a drag one place right works. */
export function moveColumn(chosen: readonly string[], all: readonly string[], column: string, before: string): string[] {
  const shown = shownColumns(chosen, all)
  const from = shown.indexOf(column)
  const to = shown.indexOf(before)
  if (from < 0 || to < 0 || from === to) return normalise(shown, all)
  const result = shown.filter((c) => c !== column)
  result.splice(to, 0, column)
  return normalise(result, all)
}

/** One step left (-1) or right (+1), for the keyboard (the column menu). */
export function stepColumn(chosen: readonly string[], all: readonly string[], column: string, step: -1 | 1): string[] {
  const shown = shownColumns(chosen, all)
  const from = shown.indexOf(column)
  const to = from + step
  if (from < 0 || to < 0 || to >= shown.length) return normalise(shown, all)
  const result = [...shown]
  result.splice(from, 1)
  result.splice(to, 0, column)
  return normalise(result, all)
}

/** A dragged width, never narrower than a usable column. */
export function clampWidth(width: number): number {
  return Math.max(MIN_WIDTH, Math.round(width))
}

/** "Fit to content": the widest cell (heading included), within reason. */
export function fitWidth(contentWidths: readonly number[]): number {
  return Math.min(MAX_FIT_WIDTH, clampWidth(Math.max(MIN_WIDTH, ...contentWidths) + 2))
}

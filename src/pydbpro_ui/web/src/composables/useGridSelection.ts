/**
 * The grid's cells under mouse and keyboard: click selects a cell, Shift+click or a drag a
 * range, the keys of lib/cellSelection move it, Ctrl+C copies it as TSV, Ctrl+A takes all.
 * The grid is one tab stop (the table), its active cell named by aria-activedescendant.
 */
import { computed, nextTick, ref, watch, type Ref } from 'vue'
import type { ColumnInfo } from '@/api/types'
import {
  applyKey, clampSelection, rangeOf, single, valuesIn, type CellPos, type CellSelection,
} from '@/lib/cellSelection'
import { COPY_FORMATS, type CopyFormat } from '@/lib/copyFormats'
import { cellId } from '@/components/grid/gridRows'

export interface GridSelectionOptions {
  table: Ref<HTMLElement | null>
  rows: () => readonly (readonly unknown[])[]
  columns: () => readonly ColumnInfo[]
  uid: string
  pageRows: Ref<number>
  scrollToRow: (index: number) => void
  /** scrolls a wide result sideways to a column (rendering it) */
  scrollToCol: (col: number) => void
  /** Enter on the active cell */
  activate: (pos: CellPos) => void
  /** after a copy, with the number of cells */
  copied: (cells: number) => void
  /** ArrowUp on the top row: focus the column's header control; false when there is none */
  leaveUp: (col: number) => boolean
}

const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, [tabindex]'

/** The first element after `el` (not inside it) that Tab would reach, if any. */
function nextTabStop(el: HTMLElement): HTMLElement | null {
  for (const candidate of document.querySelectorAll<HTMLElement>(TABBABLE)) {
    if (el.contains(candidate) || !(el.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING)) continue
    if (candidate.tabIndex >= 0 && candidate.getClientRects().length > 0) return candidate
  }
  return null
}

/** The cell (row index, column) an event happened in, if it is a body cell. */
export function cellAt(target: EventTarget | null): CellPos | null {
  const td = target instanceof Element ? target.closest('tbody td') : null
  const tr = td?.parentElement
  const col = td?.getAttribute('aria-colindex')
  if (!(td instanceof HTMLTableCellElement) || !tr?.dataset.row || !col) return null
  return { row: Number(tr.dataset.row), col: Number(col) - 1 }
}

export function useGridSelection(o: GridSelectionOptions) {
  const selection = ref<CellSelection | null>(null)
  const range = computed(() => (selection.value ? rangeOf(selection.value) : null))
  const activeId = computed(() => (selection.value ? cellId(o.uid, selection.value.focus.row, selection.value.focus.col) : undefined))
  const size = () => ({ rows: o.rows().length, cols: o.columns().length, pageRows: o.pageRows.value })
  watch([() => o.rows(), () => o.columns()], () => (selection.value = clampSelection(selection.value, size())))

  /** Scrolls a cell into view: its row and column first (they may not be rendered yet), then
   * the cell itself (a column as laid out by the browser). */
  async function reveal(pos: CellPos): Promise<void> {
    o.scrollToRow(pos.row)
    o.scrollToCol(pos.col)
    await nextTick()
    document.getElementById(cellId(o.uid, pos.row, pos.col))?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  }

  /** Makes `pos` the active cell and brings it into view. */
  function select(pos: CellPos): Promise<void> {
    selection.value = single(pos)
    return reveal(pos)
  }

  let dragging = false
  const stopDrag = (): void => {
    dragging = false
    window.removeEventListener('mouseup', stopDrag)
  }

  function onMouseDown(event: MouseEvent): void {
    const pos = cellAt(event.target)
    if (!pos || event.button !== 0) return
    // No text selection: the grid selects cells (and copies them with Ctrl+C).
    event.preventDefault()
    o.table.value?.focus({ preventScroll: true })
    selection.value = event.shiftKey && selection.value ? { anchor: selection.value.anchor, focus: pos } : single(pos)
    dragging = true
    window.addEventListener('mouseup', stopDrag)
  }

  function onMouseOver(event: MouseEvent): void {
    if (!dragging || !selection.value) return
    const pos = cellAt(event.target)
    if (pos) selection.value = { anchor: selection.value.anchor, focus: pos }
  }

  /** A right click outside the selection selects that cell first, as spreadsheets do. */
  function onContextMenu(event: MouseEvent): CellPos | null {
    const pos = cellAt(event.target)
    if (!pos) return null
    const r = range.value
    if (!r || pos.row < r.top || pos.row > r.bottom || pos.col < r.left || pos.col > r.right) selection.value = single(pos)
    o.table.value?.focus({ preventScroll: true })
    return pos
  }

  function onFocus(event: FocusEvent): void {
    if (event.target === o.table.value && !selection.value && o.rows().length && o.columns().length) {
      selection.value = single({ row: 0, col: 0 })
    }
  }

  async function copy(format: CopyFormat): Promise<void> {
    const r = range.value
    if (!r) return
    const block = { columns: o.columns().slice(r.left, r.right + 1), rows: valuesIn(o.rows(), r) }
    try {
      await navigator.clipboard.writeText(COPY_FORMATS[format](block))
      o.copied((r.bottom - r.top + 1) * (r.right - r.left + 1))
    } catch {
      // The browser refused the clipboard (an insecure origin): nothing to copy into.
    }
  }

  function onKeyDown(event: KeyboardEvent): void {
    // Keys typed into the header's sort buttons and filter row are theirs.
    if (event.target instanceof Element && event.target.closest('thead')) return
    const current = selection.value
    const ctrl = event.ctrlKey || event.metaKey
    if (event.key === 'Tab' && !event.shiftKey && o.table.value) {
      // One tab stop: Tab goes on past the header's controls (ArrowUp reaches those).
      const next = nextTabStop(o.table.value)
      if (next) {
        event.preventDefault()
        next.focus()
      }
    } else if (event.key === 'ArrowUp' && current?.focus.row === 0 && !event.shiftKey && !ctrl) {
      if (o.leaveUp(current.focus.col)) event.preventDefault()
    } else if (ctrl && event.key.toLowerCase() === 'c' && current) {
      event.preventDefault()
      void copy('tsv')
    } else if (ctrl && event.key.toLowerCase() === 'a' && o.rows().length) {
      event.preventDefault()
      selection.value = { anchor: { row: 0, col: 0 }, focus: { row: o.rows().length - 1, col: o.columns().length - 1 } }
    } else if (event.key === 'Enter' && current) {
      event.preventDefault()
      o.activate(current.focus)
    } else if (current) {
      const next = applyKey(current, event.key, size(), { shift: event.shiftKey, ctrl })
      if (!next) return
      event.preventDefault()
      selection.value = next
      void reveal(next.focus)
    }
  }

  return { selection, range, activeId, select, copy, onMouseDown, onMouseOver, onContextMenu, onFocus, onKeyDown }
}

/**
 * The grid's context menu: opened by a right-click on a cell, or by the menu key / Shift+F10
 * on the grid (beside the active cell); "filter by this value" is an equality filter (IS NULL
 * for NULL) on that cell's column, where the table browser filters and the column's kind
 * allows it. When the menu closes the focus goes back to the grid, unless the user clicked
 * elsewhere.
 */
import { computed, ref, type Ref } from 'vue'
import type { ColumnInfo } from '@/api/types'
import type { CellPos } from '@/lib/cellSelection'
import type { Filter, KindRules } from '@/lib/filters'
import { cellId, valueFilter } from '@/components/grid/gridRows'

interface MenuHost {
  show: (event: MouseEvent) => void
}

interface GridMenuOptions {
  table: Ref<HTMLElement | null>
  uid: string
  rows: () => readonly (readonly unknown[])[]
  columns: () => readonly ColumnInfo[]
  rules: () => KindRules
  /** the cell a right-click landed on (and selected), or null outside the cells */
  cellAt: (event: MouseEvent) => CellPos | null
  active: () => CellPos | null
}

export function useGridMenu(options: GridMenuOptions) {
  const menu = ref<MenuHost | null>(null)
  const cell = ref<CellPos | null>(null)
  const byValue = computed<Filter | null>(() => {
    const pos = cell.value
    const column = pos && options.columns()[pos.col]
    return column ? valueFilter(column, options.rows()[pos.row]?.[pos.col], options.rules()) : null
  })

  function onContextMenu(event: MouseEvent): void {
    cell.value = options.cellAt(event)
    if (!cell.value) return
    event.preventDefault()
    menu.value?.show(event)
  }

  function onKeyContextMenu(event: MouseEvent): void {
    const pos = options.active()
    const td = pos && document.getElementById(cellId(options.uid, pos.row, pos.col))
    if (event.target !== options.table.value || !pos || !td) return
    event.preventDefault()
    cell.value = pos
    const box = td.getBoundingClientRect()
    menu.value?.show(new MouseEvent('contextmenu', { clientX: box.left + 8, clientY: box.bottom }))
  }

  function refocus(): void {
    const focused = document.activeElement
    if (!focused || focused === document.body || focused.closest('.p-contextmenu')) {
      options.table.value?.focus({ preventScroll: true })
    }
  }

  return { menu, byValue, onContextMenu, onKeyContextMenu, refocus }
}

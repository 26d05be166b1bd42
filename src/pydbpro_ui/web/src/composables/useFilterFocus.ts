/**
 * Focus on one column's filter: a link that lands on the filter row (1ClickDBPro's search and
 * filter forms) and ArrowUp from the grid's top row put the focus there. A wide result renders
 * that column's filter once it is scrolled into view (useVirtualColumns).
 */
import { nextTick, type Ref } from 'vue'
import type { ColumnInfo } from '@/api/types'

export function useFilterFocus(root: Ref<HTMLElement | null>, columns: () => readonly ColumnInfo[], scrollToCol: (col: number) => void) {
  /** The column's filter cell, or the first one (an unknown column, or none named). */
  function cellOf(column: string | null): HTMLElement | undefined {
    const cells = [...(root.value?.querySelectorAll<HTMLElement>('th.filter-cell') ?? [])]
    return (column === null ? undefined : cells.find((th) => th.dataset.column === column)) ?? cells[0]
  }

  function focus(cell: HTMLElement | undefined): boolean {
    const control = cell?.querySelector<HTMLElement>('input') ?? cell?.querySelector<HTMLElement>('select')
    control?.focus()
    return !!control
  }

  /** Focuses the column's filter value (its operator where it takes none); false when the
   * grid has no filter row. */
  return function focusFilter(column: string | null): boolean {
    const index = columns().findIndex((c) => c.name === column)
    const cell = cellOf(column)
    if (index < 0 || cell?.dataset.column === column) return focus(cell)
    scrollToCol(index)
    void nextTick(() => focus(cellOf(column)))
    return true
  }
}

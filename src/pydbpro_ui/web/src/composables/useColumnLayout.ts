/**
 * The table browser's column layout (`lib/columnLayout.ts`): which columns, in which order —
 * the URL's `columns=`, restored from localStorage when a table opens without it — and their
 * widths, dragged on the headings' edges and kept in localStorage.
 *
 * Widths need every column's width at once: the grid switches to a fixed table layout (in the
 * automatic one a column never gets narrower than its content). So the first resize measures
 * the headings as the browser laid them out and keeps all of them.
 */
import { computed, nextTick, ref, watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { ColumnInfo } from '@/api/types'
import {
  clampWidth, fitWidth, layoutKey, moveColumn, readLayout, stepColumn, toggleColumn, usableChoice, writeLayout,
} from '@/lib/columnLayout'
import { writeTableState, type TableViewState } from '@/lib/tableState'

function storage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

/** The heading's own padding and resize handle beside its text. */
const HEADING_PADDING = 30

function textWidth(element: Element): number {
  const range = document.createRange()
  range.selectNodeContents(element)
  return range.getBoundingClientRect().width
}

function cellWidth(cell: HTMLElement): number {
  const style = getComputedStyle(cell)
  return textWidth(cell) + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)
}

export function useColumnLayout(options: {
  table: Ref<string>
  state: Ref<TableViewState>
  /** every column of the table, in its order ([] until the structure is known) */
  all: Ref<readonly string[]>
  /** the grid's columns as shown */
  shown: Ref<readonly ColumnInfo[] | null>
  /** the grid's root element, to measure */
  element: () => HTMLElement | null
  setColumns: (columns: string[]) => void
}) {
  const { table, state, all, shown } = options
  const route = useRoute()
  const router = useRouter()
  const key = computed(() => layoutKey(table.value, state.value.schema))
  const widths = ref<Record<string, number>>({})

  function save(columns = state.value.columns): void {
    writeLayout(storage(), key.value, { columns, widths: widths.value })
  }

  // A table opened without `columns=` gets its stored choice (replacing the URL: the
  // restored view is where the user is, not a step back in history).
  watch([key, all], ([current, names]) => {
    const stored = readLayout(storage(), current)
    widths.value = stored.widths
    const choice = usableChoice(stored.columns, names)
    if (names.length && !state.value.columns.length && choice.length && !route.query.columns) {
      void router.replace({ query: writeTableState({ ...state.value, columns: choice }) })
    }
  }, { immediate: true })

  function choose(columns: string[]): void {
    save(columns)
    options.setColumns(columns)
  }

  const names = computed(() => (all.value.length ? all.value : (shown.value ?? []).map((c) => c.name)))
  const toggle = (column: string) => choose(toggleColumn(state.value.columns, names.value, column))
  const move = (column: string, before: string) => choose(moveColumn(state.value.columns, names.value, column, before))
  const step = (column: string, by: -1 | 1) => choose(stepColumn(state.value.columns, names.value, column, by))
  const showAll = () => choose([])

  /** The grid's widths, one per shown column; null where the content decides. */
  const gridWidths = computed(() => (shown.value ?? []).map((c) => widths.value[c.name] ?? null))

  /** The rendered headings by column (a wide result renders those in view). */
  function headings(): Map<string, HTMLElement> {
    const cells = options.element()?.querySelectorAll<HTMLElement>('thead tr.heads > th[data-column]') ?? []
    return new Map([...cells].map((th) => [th.dataset.column ?? '', th]))
  }

  /** Every rendered column's width as laid out now, kept for those that have none yet. */
  function freeze(): void {
    const cells = headings()
    const next = { ...widths.value }
    for (const c of shown.value ?? []) {
      const th = cells.get(c.name)
      if (next[c.name] === undefined && th) next[c.name] = clampWidth(th.getBoundingClientRect().width)
    }
    widths.value = next
  }

  // Columns shown later than a resize get their natural width measured (the layout is the
  // automatic one while a width is missing), so the layout is fixed again with every width.
  watch(shown, async () => {
    if (!Object.keys(widths.value).length) return
    await nextTick()
    if (gridWidths.value.some((w) => w === null)) freeze()
  })

  function startResize(column: string, event: PointerEvent): void {
    freeze()
    const startX = event.clientX
    const startWidth = widths.value[column] ?? 100
    const move = (e: PointerEvent): void => {
      widths.value = { ...widths.value, [column]: clampWidth(startWidth + e.clientX - startX) }
    }
    const stop = (): void => {
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', stop)
      save()
    }
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', stop)
  }

  /** Double-click on the edge: as wide as the widest value of the column on this page (its
   * text, measured apart from the cell: a cell is never narrower than its column). */
  function fit(column: string): void {
    freeze()
    const index = (shown.value ?? []).findIndex((c) => c.name === column)
    const root = options.element()
    const th = headings().get(column)
    if (index < 0 || !root || !th) return
    const cells = [...root.querySelectorAll<HTMLElement>(`tbody tr > td[aria-colindex="${index + 1}"]`)]
    const heading = [...th.querySelectorAll<HTMLElement>('.name-line, .type')].map((part) => textWidth(part) + HEADING_PADDING)
    widths.value = { ...widths.value, [column]: fitWidth([...heading, ...cells.map(cellWidth)]) }
    save()
  }

  return { gridWidths, toggle, move, step, showAll, startResize, fit, names }
}

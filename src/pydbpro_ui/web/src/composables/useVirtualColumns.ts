/**
 * Which columns of a wide result to render (lib/columnWindow): past VIRTUAL_COLUMNS_FROM
 * columns, each column needs a known width, so the grid takes a fixed layout with the user's
 * widths (useColumnLayout) and, for the rest, widths estimated from the heading and the first
 * rows' shown text. Narrower results render every column as laid out by the browser.
 */
import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import type { ColumnInfo } from '@/api/types'
import { cellPreview, describeCell } from '@/lib/format'
import { columnOffsets, columnWindow, estimateWidth, scrollLeftFor, VIRTUAL_COLUMNS_FROM } from '@/lib/columnWindow'

/** Rows whose text sizes the estimated widths: the first screenful or two. */
const SAMPLE_ROWS = 50

export interface VirtualColumnsOptions {
  scroller: Ref<HTMLElement | null>
  columns: () => readonly ColumnInfo[]
  rows: () => readonly (readonly unknown[])[]
  /** the user's widths, one per column; null where none was set */
  widths: () => readonly (number | null)[] | undefined
}

/** Text widths in the grid's own font, measured on a canvas (no layout involved). */
function textMeasurer(element: HTMLElement | null): (text: string) => number {
  const context = document.createElement('canvas').getContext('2d')
  if (!context) return (text) => text.length * 8
  if (element) context.font = getComputedStyle(element).font
  return (text) => context.measureText(text).width
}

export function useVirtualColumns(o: VirtualColumnsOptions) {
  const scrollLeft = ref(0)
  const viewWidth = ref(1200)
  const count = computed(() => o.columns().length)
  const enabled = computed(() => count.value > VIRTUAL_COLUMNS_FROM)

  const estimates = computed(() => {
    if (!enabled.value) return []
    const measure = textMeasurer(o.scroller.value)
    const sample = o.rows().slice(0, SAMPLE_ROWS)
    return o.columns().map((column, i) => estimateWidth(
      [column.name, column.type || column.kind],
      sample.map((row) => cellPreview(describeCell(row[i], column.kind))),
      measure,
    ))
  })
  /** Every column's width in pixels (null when columns are not virtual). */
  const widths = computed<number[] | null>(() => {
    if (!enabled.value) return null
    const given = o.widths() ?? []
    return estimates.value.map((estimate, i) => given[i] ?? estimate)
  })
  const offsets = computed(() => columnOffsets(widths.value ?? []))
  const span = computed(() => (enabled.value
    ? columnWindow(offsets.value, scrollLeft.value, viewWidth.value)
    : { start: 1, end: count.value }))

  /** The column indices to render, the sticky first column first. */
  const shown = computed<number[]>(() => {
    if (!count.value) return []
    const { start, end } = span.value
    return [0, ...Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k)]
  })
  /** Columns left out before and after the rendered ones (each kept as one spacer cell). */
  const before = computed(() => (enabled.value ? span.value.start - 1 : 0))
  const after = computed(() => (enabled.value ? Math.max(0, count.value - span.value.end) : 0))

  const onScroll = (): void => {
    const el = o.scroller.value
    if (el) scrollLeft.value = el.scrollLeft
  }
  const measure = (): void => {
    const el = o.scroller.value
    if (el) viewWidth.value = el.clientWidth
  }

  /** Scrolls sideways just enough that column `col` is in view (and so rendered). */
  function scrollToCol(col: number): void {
    const el = o.scroller.value
    if (!el || !enabled.value) return
    el.scrollLeft = scrollLeftFor(col, offsets.value, el.scrollLeft, el.clientWidth)
    onScroll()
  }

  let observer: ResizeObserver | null = null
  onMounted(() => {
    measure()
    onScroll()
    o.scroller.value?.addEventListener('scroll', onScroll, { passive: true })
    if (typeof ResizeObserver !== 'undefined' && o.scroller.value) {
      observer = new ResizeObserver(measure)
      observer.observe(o.scroller.value)
    }
  })
  onBeforeUnmount(() => {
    o.scroller.value?.removeEventListener('scroll', onScroll)
    observer?.disconnect()
  })

  return { enabled, widths, shown, before, after, scrollToCol }
}

/**
 * Which rows of a long grid to render: those in view plus an overscan, with the height of the
 * rows left out above and below (the grid keeps that room with spacers, so the scroll bar and
 * the header stay true). Rows have one fixed height, measured from a rendered row; 10,000 rows
 * then cost ~60 rows of DOM instead of 90,000 nodes.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'

/** Rows rendered beyond each edge of the view, so a fast wheel never shows a blank. */
const OVERSCAN = 12
/** The height assumed until a row is measured (a one-line cell at the default font). */
const DEFAULT_ROW_PX = 33

export function useVirtualRows(scroller: Ref<HTMLElement | null>, count: Ref<number>) {
  const scrollTop = ref(0)
  const viewHeight = ref(800)
  const rowHeight = ref(DEFAULT_ROW_PX)
  /** The height of the sticky header above the rows (it covers the first rows in view). */
  const headHeight = ref(0)

  const start = computed(() => Math.max(0, Math.floor((scrollTop.value - headHeight.value) / rowHeight.value) - OVERSCAN))
  const end = computed(() => Math.min(count.value, Math.ceil((scrollTop.value + viewHeight.value) / rowHeight.value) + OVERSCAN))
  const padTop = computed(() => start.value * rowHeight.value)
  const padBottom = computed(() => Math.max(0, count.value - end.value) * rowHeight.value)
  /** Rows a PageUp/PageDown moves: those that fit under the header. */
  const pageRows = computed(() => Math.max(1, Math.floor((viewHeight.value - headHeight.value) / rowHeight.value) - 1))

  function measure(): void {
    const el = scroller.value
    if (!el) return
    viewHeight.value = el.clientHeight
    headHeight.value = el.querySelector('thead')?.getBoundingClientRect().height ?? 0
    const row = el.querySelector<HTMLElement>('tbody tr')
    const h = row?.getBoundingClientRect().height
    if (h && h > 4) rowHeight.value = h
  }

  const onScroll = (): void => {
    if (scroller.value) scrollTop.value = scroller.value.scrollTop
  }

  /** Scrolls just enough that row `index` is in view below the header. */
  function scrollToRow(index: number): void {
    const el = scroller.value
    if (!el) return
    const top = index * rowHeight.value
    const visibleTop = el.scrollTop
    const visibleBottom = el.scrollTop + el.clientHeight - headHeight.value
    if (top < visibleTop) el.scrollTop = top
    else if (top + rowHeight.value > visibleBottom) el.scrollTop = top + rowHeight.value - (el.clientHeight - headHeight.value)
    onScroll()
  }

  let observer: ResizeObserver | null = null
  onMounted(() => {
    measure()
    onScroll()
    scroller.value?.addEventListener('scroll', onScroll, { passive: true })
    if (typeof ResizeObserver !== 'undefined' && scroller.value) {
      observer = new ResizeObserver(measure)
      observer.observe(scroller.value)
    }
  })
  onBeforeUnmount(() => {
    scroller.value?.removeEventListener('scroll', onScroll)
    observer?.disconnect()
  })
  // A new result may have another header height (a filter row) or row height (fonts).
  watch(count, () => requestAnimationFrame(measure), { flush: 'post' })

  return { start, end, padTop, padBottom, pageRows, scrollToRow, measure }
}

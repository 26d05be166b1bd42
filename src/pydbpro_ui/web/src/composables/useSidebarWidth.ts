/**
 * The sidebar's edge, dragged with the mouse (or moved with the arrow keys): the width goes
 * into the layout's `--app-sidebar-width` and into local settings, read back at start.
 */
import { onMounted, ref } from 'vue'
import { SIDEBAR_KEY_STEP, SIDEBAR_WIDTH_KEY, clampWidth, readWidth } from '@/lib/sidebarWidth'

export function useSidebarWidth(panel: () => HTMLElement | null) {
  const width = ref<number | null>(null)
  /** The width shown (stored, dragged, or the stylesheet's default as laid out): the
   * separator's aria-valuenow, which a focusable separator must have. */
  const shown = ref(0)
  const dragging = ref(false)

  function apply(next: number, save: boolean): void {
    width.value = clampWidth(next, window.innerWidth)
    shown.value = width.value
    document.documentElement.style.setProperty('--app-sidebar-width', `${width.value}px`)
    if (save) localStorage.setItem(SIDEBAR_WIDTH_KEY, String(width.value))
  }

  onMounted(() => {
    const stored = readWidth(localStorage.getItem(SIDEBAR_WIDTH_KEY), window.innerWidth)
    if (stored !== null) apply(stored, false)
    else shown.value = Math.round(panel()?.getBoundingClientRect().width ?? 0)
  })

  function start(event: PointerEvent): void {
    const left = panel()?.getBoundingClientRect().left ?? 0
    const handle = event.currentTarget as HTMLElement
    handle.setPointerCapture(event.pointerId)
    dragging.value = true
    const move = (e: PointerEvent) => apply(e.clientX - left, false)
    const stop = () => {
      dragging.value = false
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', stop)
      handle.removeEventListener('pointercancel', stop)
      if (width.value !== null) apply(width.value, true)
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', stop)
    handle.addEventListener('pointercancel', stop)
    event.preventDefault()
  }

  function key(event: KeyboardEvent): void {
    const step = event.key === 'ArrowLeft' ? -SIDEBAR_KEY_STEP : event.key === 'ArrowRight' ? SIDEBAR_KEY_STEP : 0
    if (!step) return
    apply((width.value ?? panel()?.getBoundingClientRect().width ?? 0) + step, true)
    event.preventDefault()
  }

  return { width, shown, dragging, start, key }
}

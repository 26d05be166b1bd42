/**
 * The grid's find box: Ctrl+F while the grid (or nothing) has the focus opens it instead of
 * the browser's, which cannot see the rows a virtual grid leaves out. Matches are the cells
 * whose shown text contains the needle; stepping to one makes it the active cell.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import type { ColumnInfo } from '@/api/types'
import type { CellPos } from '@/lib/cellSelection'
import { findCells, stepMatch } from '@/lib/gridFind'
import { shownTexts } from '@/components/grid/gridRows'

export function useGridFind(frame: Ref<HTMLElement | null>, rows: () => readonly (readonly unknown[])[], columns: () => readonly ColumnInfo[], select: (pos: CellPos) => unknown) {
  const open = ref(false)
  /** counts Ctrl+F presses, so a second one puts the focus back in the box */
  const asked = ref(0)
  const needle = ref('')
  const current = ref(-1)
  // Only built while the box is open: 10,000 rows of text are not free.
  const texts = computed(() => (open.value ? shownTexts(rows(), columns()) : []))
  const matches = computed(() => findCells(texts.value, needle.value))
  /** row → matching columns, for the rows to mark their cells */
  const byRow = computed(() => {
    const map = new Map<number, Set<number>>()
    for (const m of matches.value) (map.get(m.row) ?? map.set(m.row, new Set()).get(m.row)!).add(m.col)
    return map
  })
  const currentPos = computed<CellPos | null>(() => matches.value[current.value] ?? null)

  function step(back: boolean): void {
    current.value = stepMatch(current.value, matches.value.length, back)
    if (currentPos.value) select(currentPos.value)
  }
  watch(matches, () => {
    current.value = -1
    step(false)
  })

  function onWindowKey(event: KeyboardEvent): void {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'f' || event.shiftKey || event.altKey) return
    const active = document.activeElement
    if (active && active !== document.body && !frame.value?.contains(active)) return
    event.preventDefault()
    open.value = true
    asked.value += 1
  }
  onMounted(() => window.addEventListener('keydown', onWindowKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onWindowKey))

  function close(): void {
    open.value = false
    needle.value = ''
  }

  return { open, asked, needle, current, matches, byRow, currentPos, step, close }
}

/**
 * The seconds a console statement has been running, ticking while `busy` is true, for the
 * Cancel button's label and the "cancelled after" notice.
 */
import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'

export function seconds(ms: number): string {
  return (Math.max(ms, 0) / 1000).toFixed(1)
}

export function useRunClock(busy: Ref<boolean>) {
  const startedAt = ref<number | null>(null)
  const clock = ref(0)
  let ticker: number | undefined

  watch(busy, (running) => {
    window.clearInterval(ticker)
    startedAt.value = running ? Date.now() : null
    clock.value = Date.now()
    if (running) ticker = window.setInterval(() => (clock.value = Date.now()), 100)
  })
  onBeforeUnmount(() => window.clearInterval(ticker))

  const runningFor = computed(() => (startedAt.value === null ? '0.0' : seconds(clock.value - startedAt.value)))
  /** Seconds since the running statement started, now. */
  const elapsed = (): string => seconds(Date.now() - (startedAt.value ?? Date.now()))
  return { runningFor, elapsed }
}

/**
 * What the console's buttons and keys do with the editor's text: run statements (each result
 * a tab), explain, format, cancel (the button or Esc). While a statement runs the clock
 * ticks; the server stops a statement whose client went away. Where the server says a
 * statement failed (`details.position`, 1-based in that statement) is underlined in the editor.
 */
import { computed, onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { useToast } from 'primevue/usetoast'
import { toApiError, useAsync } from './useAsync'
import { useResultTabs } from './useResultTabs'
import { useRunClock } from './useRunClock'
import { api } from '@/api/endpoints'
import type { ApiError } from '@/api/client'
import { paramsFor, type ParamValue } from '@/lib/savedQueries'
import { splitStatements, type StatementRange } from '@/lib/statements'
import { t } from '@/i18n/en'

/** What the editor offers the runs (SqlEditor's exposed methods). */
export interface ErrorMarks {
  markError: (offset: number, message: string) => void
  clearError: () => void
}

type Params = Record<string, ParamValue>
export type Showing = 'result' | 'plan' | 'error' | 'cancelled'

export function useConsoleRuns(sqlText: Ref<string>, paramValues: Record<string, string>, editor: Ref<ErrorMarks | null>) {
  const toast = useToast()
  const query = useAsync((signal, text: string, params: Params) => api.query(text, params, signal))
  const explain = useAsync((signal, text: string, params: Params) => api.explain(text, params, signal))
  const results = useResultTabs()
  /** What shows under the tab strip: the chosen result, a plan, an error or a cancelled run. */
  const showing = ref<Showing>('result')
  const error = computed<ApiError | null>(() => (showing.value === 'error' ? explain.error.value ?? query.error.value : null))
  const plan = computed(() => explain.data.value?.plan ?? null)
  const loading = computed(() => query.loading.value || explain.loading.value)
  const clock = useRunClock(loading)
  /** Seconds the last statement ran before it was cancelled; null when it was not. */
  const cancelledAfter = ref<string | null>(null)
  const formatting = ref(false)

  function cancel(): void {
    if (!loading.value) return
    cancelledAfter.value = clock.elapsed()
    showing.value = 'cancelled'
    query.abort()
    explain.abort()
  }

  function start(): void {
    cancelledAfter.value = null
    query.abort()
    explain.abort()
    explain.error.value = null
    query.error.value = null
    editor.value?.clearError()
  }

  /** Runs `chosen` (a selection or one statement), else every statement in turn, stopping
   * at the first that fails; each result opens a tab. */
  async function run(chosen?: StatementRange): Promise<void> {
    if (!sqlText.value.trim() || loading.value) return
    start()
    const statements = chosen ? [chosen] : splitStatements(sqlText.value)
    for (const statement of statements) {
      const params = paramsFor(statement.text, paramValues)
      const done = await query.run(statement.text, params)
      if (cancelledAfter.value !== null) return
      if (!done) {
        showing.value = 'error'
        markPosition(statement.from, query.error.value)
        return
      }
      results.add(statement.text, params, done)
      showing.value = 'result'
    }
  }

  function markPosition(from: number, failure: ApiError | null): void {
    const details = failure?.details as { position?: unknown } | null | undefined
    if (failure && typeof details?.position === 'number') editor.value?.markError(from + details.position - 1, failure.message)
  }

  async function runExplain(): Promise<void> {
    const text = sqlText.value.trim()
    if (!text || loading.value) return
    start()
    const done = await explain.run(text, paramsFor(text, paramValues))
    if (cancelledAfter.value === null) showing.value = done ? 'plan' : 'error'
  }

  /** The server lays the SQL out (sqlglot, in the connection's dialect); what does not parse
   * is underlined where the parse stopped. */
  async function format(): Promise<void> {
    const text = sqlText.value
    if (!text.trim() || formatting.value) return
    formatting.value = true
    editor.value?.clearError()
    try {
      const formatted = await api.formatSql(text)
      if (sqlText.value === text) sqlText.value = formatted.sql
    } catch (thrown) {
      const failure = toApiError(thrown)
      markPosition(0, failure)
      if (!failure.handled) toast.add({ severity: 'error', summary: t.consoleResults.formatFailed, detail: failure.message, life: 6000 })
    } finally {
      formatting.value = false
    }
  }

  function selectTab(id: number): void {
    results.select(id)
    showing.value = 'result'
  }

  function onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && loading.value) cancel()
  }
  onMounted(() => document.addEventListener('keydown', onKey))
  onBeforeUnmount(() => document.removeEventListener('keydown', onKey))

  return { results, showing, error, plan, loading, clock, cancelledAfter, formatting, cancel, run, runExplain, format, selectTab }
}

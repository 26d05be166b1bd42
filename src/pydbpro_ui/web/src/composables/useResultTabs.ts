/**
 * The console's recent results, each in a tab: the statement that produced it (with its
 * parameter values, so an export runs exactly that), its rows and how they are sorted here.
 * The newest few are kept; older ones drop off as new runs arrive, and any can be closed.
 */
import { computed, shallowRef } from 'vue'
import type { QueryResult, SortKey } from '@/api/types'
import type { ChartChoice } from '@/lib/chartSpec'
import type { ParamValue } from '@/lib/savedQueries'
import { sortRows } from '@/lib/resultSort'
import { toggleSort } from '@/lib/tableState'

export interface ResultTab {
  id: number
  /** 1, 2, 3...: what its tab is called (stays with it when older tabs close). */
  number: number
  sql: string
  params: Record<string, ParamValue>
  result: QueryResult
  sort: SortKey[]
  /** The rows in `sort`'s order (the result's own order when unsorted). */
  rows: unknown[][]
  /** Whether the chart shows instead of the rows, and what it plots (null: the suggestion). */
  charted: boolean
  chart: ChartChoice | null
}

export const KEPT_RESULTS = 5

export function useResultTabs(kept = KEPT_RESULTS) {
  const tabs = shallowRef<ResultTab[]>([])
  const activeId = shallowRef<number | null>(null)
  let counter = 0
  const active = computed(() => tabs.value.find((tab) => tab.id === activeId.value) ?? null)

  function add(sql: string, params: Record<string, ParamValue>, result: QueryResult): void {
    counter += 1
    const tab: ResultTab = { id: counter, number: counter, sql, params, result, sort: [], rows: result.rows, charted: false, chart: null }
    tabs.value = [...tabs.value, tab].slice(-kept)
    activeId.value = tab.id
  }

  function close(id: number): void {
    const at = tabs.value.findIndex((tab) => tab.id === id)
    if (at < 0) return
    const rest = tabs.value.filter((tab) => tab.id !== id)
    tabs.value = rest
    if (activeId.value === id) activeId.value = (rest[at] ?? rest[at - 1] ?? null)?.id ?? null
  }

  function select(id: number): void {
    if (tabs.value.some((tab) => tab.id === id)) activeId.value = id
  }

  function change(id: number, how: (tab: ResultTab) => Partial<ResultTab>): void {
    tabs.value = tabs.value.map((tab) => (tab.id === id ? { ...tab, ...how(tab) } : tab))
  }

  function sortBy(id: number, column: string, additive: boolean): void {
    change(id, (tab) => {
      const sort = toggleSort(tab.sort, column, additive)
      const rows = sort.length ? sortRows(tab.result.rows, tab.result.columns, sort) : tab.result.rows
      return { sort, rows }
    })
  }

  /** Shows the chart (with `chart` as its choice when given) or the rows again. */
  function showChart(id: number, charted: boolean, chart?: ChartChoice | null): void {
    change(id, (tab) => ({ charted, chart: chart === undefined ? tab.chart : chart }))
  }

  return { tabs, activeId, active, add, close, select, sortBy, showChart }
}

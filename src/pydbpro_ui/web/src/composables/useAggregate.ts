/**
 * Group mode's result: the aggregate of the view's selection, loaded again whenever the
 * grouping, its sort or page, or the selection (filters, search) changes, while the Data tab
 * shows it. The latest request wins (`useAsync`).
 */
import { computed, watch, type Ref } from 'vue'
import { api } from '@/api/endpoints'
import { aggregateParams } from '@/lib/aggregate'
import type { TableViewState } from '@/lib/tableState'
import { useAsync } from './useAsync'

export function useAggregate(table: Ref<string>, state: Ref<TableViewState>, active: Ref<boolean>) {
  const result = useAsync((signal, name: string, query: URLSearchParams) => api.aggregate(name, query, signal))
  const request = computed(() => {
    const grouping = state.value.grouping
    return grouping ? aggregateParams(state.value, grouping).toString() : null
  })
  let loadedKey: string | null = null

  function reload(): void {
    if (request.value !== null) void result.run(table.value, new URLSearchParams(request.value))
  }

  watch(
    [table, request, active],
    ([name, query, isActive]) => {
      if (query === null) {
        result.abort()
        result.data.value = null
        result.error.value = null
        loadedKey = null
        return
      }
      const key = `${name}\u0000${query}`
      if (!isActive || key === loadedKey) return
      loadedKey = key
      reload()
    },
    { immediate: true },
  )

  return { ...result, reload }
}

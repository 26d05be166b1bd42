/**
 * The facets of the table view while their panels are open: the suggested columns (once per
 * table), then the facets of the shown columns, loaded again whenever the view's selection
 * (filters, search) or the columns change. The latest request wins (`useAsync`).
 */
import { computed, ref, watch, type Ref } from 'vue'
import { api } from '@/api/endpoints'
import { facetParams, shownFacets } from '@/lib/facets'
import type { TableViewState } from '@/lib/tableState'
import { useAsync } from './useAsync'

export function useFacets(table: Ref<string>, state: Ref<TableViewState>) {
  /** The columns the user chose; null: the suggested ones. */
  const chosen = ref<string[] | null>(null)
  const suggestions = useAsync((signal, name: string, schema: string | null) =>
    api.facetSuggestions(name, schema, signal),
  )
  const facets = useAsync((signal, name: string, query: URLSearchParams) => api.facets(name, query, signal))

  const suggested = computed(() => suggestions.data.value?.columns.map((c) => c.column) ?? [])
  const shown = computed(() => shownFacets(chosen.value, suggested.value))
  const ready = computed(() => chosen.value !== null || suggestions.data.value !== null || !!suggestions.error.value)

  watch(
    [table, () => state.value.schema],
    ([name, schema]) => {
      chosen.value = null
      suggestions.data.value = null
      void suggestions.run(name, schema)
    },
    { immediate: true },
  )

  const request = computed(() => facetParams(state.value, shown.value).toString())
  watch(
    [request, ready],
    ([query, isReady]) => {
      if (!isReady) return
      if (shown.value.length === 0) {
        facets.abort()
        facets.data.value = null
        return
      }
      void facets.run(table.value, new URLSearchParams(query))
    },
    { immediate: true },
  )

  return {
    shown,
    facets,
    add: (column: string) => (chosen.value = [...shown.value.filter((c) => c !== column), column]),
    remove: (column: string) => (chosen.value = shown.value.filter((c) => c !== column)),
  }
}

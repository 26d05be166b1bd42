/** The saved queries the signed-in user may see: their own and every shared one. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { api } from '@/api/endpoints'
import type { ApiError } from '@/api/client'
import type { SavedQuery, SavedQueryDraft } from '@/api/types'
import { toApiError } from '@/composables/useAsync'

export const useSavedQueriesStore = defineStore('savedQueries', () => {
  const queries = ref<SavedQuery[]>([])
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      queries.value = (await api.savedQueries()).queries
    } catch (caught) {
      error.value = toApiError(caught)
    } finally {
      loading.value = false
    }
  }

  /** Create, or replace the query `id`; errors (a taken name: 409) are the caller's to show. */
  async function save(draft: SavedQueryDraft, id: number | null): Promise<SavedQuery> {
    const saved = id === null ? await api.saveQuery(draft) : await api.updateSavedQuery(id, draft)
    await load()
    return saved
  }

  async function remove(id: number): Promise<void> {
    await api.deleteSavedQuery(id)
    queries.value = queries.value.filter((query) => query.id !== id)
  }

  function reset(): void {
    queries.value = []
    error.value = null
  }

  return { queries, loading, error, load, save, remove, reset }
})

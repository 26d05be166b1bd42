/**
 * The signed-in user's console history, kept by the server (`/api/history`): every run is
 * recorded there by `POST /api/query`, so this store only reads, pages and clears it. (It used
 * to live in this browser's localStorage, shared by everyone at the browser and kept after a
 * sign-out; what an older version left there is removed.)
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { api } from '@/api/endpoints'
import type { ApiError } from '@/api/client'
import type { HistoryEntry } from '@/api/types'
import { toApiError } from '@/composables/useAsync'

const OLD_STORAGE_KEY = 'pydbpro.queryHistory'
const PAGE = 50

export const useQueryHistoryStore = defineStore('queryHistory', () => {
  const entries = ref<HistoryEntry[]>([])
  const nextCursor = ref<number | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)

  try {
    localStorage.removeItem(OLD_STORAGE_KEY)
  } catch {
    // storage disabled: nothing was kept there either
  }

  async function guarded(work: () => Promise<void>): Promise<void> {
    loading.value = true
    error.value = null
    try {
      await work()
    } catch (caught) {
      error.value = toApiError(caught)
    } finally {
      loading.value = false
    }
  }

  /** The newest page again (after a run, when the menu opens). */
  function load(): Promise<void> {
    return guarded(async () => {
      const page = await api.history(null, PAGE)
      entries.value = page.entries
      nextCursor.value = page.next_cursor
    })
  }

  function more(): Promise<void> {
    const cursor = nextCursor.value
    if (cursor === null) return Promise.resolve()
    return guarded(async () => {
      const page = await api.history(cursor, PAGE)
      entries.value = [...entries.value, ...page.entries]
      nextCursor.value = page.next_cursor
    })
  }

  function clear(): Promise<void> {
    return guarded(async () => {
      await api.clearHistory()
      entries.value = []
      nextCursor.value = null
    })
  }

  function remove(id: number): Promise<void> {
    return guarded(async () => {
      await api.deleteHistoryEntry(id)
      entries.value = entries.value.filter((entry) => entry.id !== id)
    })
  }

  /** Forget what was read (a sign-out: the next user must not see it). */
  function reset(): void {
    entries.value = []
    nextCursor.value = null
    error.value = null
  }

  return { entries, nextCursor, loading, error, load, more, clear, remove, reset }
})

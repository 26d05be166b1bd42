/** The statements this browser ran, newest first, kept in localStorage. */
import { defineStore } from 'pinia'
import { ref } from 'vue'

const STORAGE_KEY = 'pydbpro.queryHistory'
const LIMIT = 50

export interface HistoryEntry {
  sql: string
  at: string
  ok: boolean
  rows: number | null
}

function loadEntries(): HistoryEntry[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]')
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]).filter((e) => typeof e?.sql === 'string') : []
  } catch {
    return []
  }
}

export const useQueryHistoryStore = defineStore('queryHistory', () => {
  const entries = ref<HistoryEntry[]>(loadEntries())

  function save(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(entries.value))
    } catch {
      // storage full or disabled: history lasts for this page only
    }
  }

  function add(entry: HistoryEntry): void {
    entries.value = [entry, ...entries.value.filter((e) => e.sql !== entry.sql)].slice(0, LIMIT)
    save()
  }

  function clear(): void {
    entries.value = []
    save()
  }

  return { entries, add, clear }
})

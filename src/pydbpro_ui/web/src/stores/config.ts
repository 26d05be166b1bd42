/**
 * Branding, feature switches, page sizes and what each column kind accepts (filter operators,
 * sorting) from `GET /api/config` (defaults until it answers).
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '@/api/endpoints'
import { ApiError } from '@/api/client'
import type { UiConfig } from '@/api/types'

/** What the UI assumes when the server has no `/api/config` (older servers answer 404). */
export const DEFAULT_CONFIG: UiConfig = {
  app_name: 'PyDBPro',
  brand_logo_url: null,
  footer_text: '',
  theme: 'auto',
  allow_sql_console: true,
  allow_export: true,
  enable_schema_view: true,
  show_routines: false,
  page_size_options: [10, 20, 50, 100],
  page_size_default: 20,
  max_records_display: 1000,
  database: null,
  /** none known: columns offer only the NULL tests, and no sorting, until the server says */
  column_kinds: {},
}

export const useConfigStore = defineStore('config', () => {
  const config = ref<UiConfig>({ ...DEFAULT_CONFIG })
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  async function fetchConfig(): Promise<void> {
    try {
      config.value = { ...DEFAULT_CONFIG, ...(await api.config()) }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      // 404 (no endpoint yet) or any other failure: keep the defaults; the app still works.
    }
    loaded.value = true
    document.title = config.value.app_name
  }

  /** Loads once; `force` reloads (after login and logout, when `database` changes). */
  function load(force = false): Promise<void> {
    if (force || !pending) pending = fetchConfig()
    return pending
  }

  const pageSizeOptions = computed(() => {
    const options = config.value.page_size_options.filter((n) => n <= config.value.max_records_display)
    return options.length ? options : [config.value.page_size_default]
  })

  return { config, loaded, load, pageSizeOptions }
})

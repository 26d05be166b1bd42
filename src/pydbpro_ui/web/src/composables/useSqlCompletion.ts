/**
 * Names for the SQL editor's completion: every table and view at once, and the columns of the
 * tables a statement mentions, fetched (once each) when they first appear in the text.
 */
import { computed, shallowRef, watch, type Ref } from 'vue'
import { api } from '@/api/endpoints'
import { useCatalogStore } from '@/stores/catalog'
import { useConfigStore } from '@/stores/config'

const MAX_FETCHED = 40

export function useSqlCompletion(sqlText: Ref<string>) {
  const catalog = useCatalogStore()
  const config = useConfigStore()
  const columns = shallowRef<Record<string, readonly string[]>>({})
  const requested = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | null = null

  const completion = computed(() => {
    const names: Record<string, readonly string[]> = {}
    for (const table of catalog.tables) names[table.name] = columns.value[table.name] ?? []
    return names
  })

  async function fetchColumns(name: string): Promise<void> {
    const table = catalog.tables.find((t) => t.name === name)
    if (!table) return
    try {
      const structure = await api.tableSchema(table.name, catalog.schemaParam(table))
      columns.value = { ...columns.value, [name]: structure.columns.map((c) => c.name) }
    } catch {
      // completion is a convenience: without columns the table name still completes
    }
  }

  function scan(): void {
    if (!config.config.enable_schema_view || requested.size >= MAX_FETCHED) return
    const words = new Set(sqlText.value.toLowerCase().match(/[\p{L}\p{N}_$]+/gu) ?? [])
    for (const table of catalog.tables) {
      if (requested.size >= MAX_FETCHED) break
      if (requested.has(table.name) || !words.has(table.name.toLowerCase())) continue
      requested.add(table.name)
      void fetchColumns(table.name)
    }
  }

  watch(sqlText, () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(scan, 400)
  })
  watch(() => catalog.tables, scan)

  return { completion }
}

/** The tables and views the database user may read, loaded once per session. */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api } from '@/api/endpoints'
import type { RoutineInfo, TableInfo } from '@/api/types'
import { useConfigStore } from '@/stores/config'

export const useCatalogStore = defineStore('catalog', () => {
  const tables = shallowRef<TableInfo[]>([])
  /** Functions, procedures and sequences (SHOW_ROUTINES; empty when it is off). */
  const routines = shallowRef<RoutineInfo[]>([])
  const config = useConfigStore()
  const schemas = ref<string[]>([])
  const defaultSchema = ref<string | null>(null)
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  async function fetchAll(): Promise<void> {
    const [schemaList, tableList, routineList] = await Promise.all([
      api.schemas(),
      api.tables(),
      config.config.show_routines ? api.routines() : Promise.resolve({ routines: [] }),
    ])
    routines.value = routineList.routines
    schemas.value = schemaList.schemas
    defaultSchema.value = schemaList.default
    tables.value = [...tableList.tables].sort(
      (a, b) => a.schema.localeCompare(b.schema) || a.name.localeCompare(b.name),
    )
    loaded.value = true
  }

  function load(force = false): Promise<void> {
    if (force || !pending) {
      pending = fetchAll().catch((error: unknown) => {
        pending = null
        throw error
      })
    }
    return pending
  }

  function reset(): void {
    tables.value = []
    routines.value = []
    schemas.value = []
    defaultSchema.value = null
    loaded.value = false
    pending = null
  }

  /** The table as the API resolves it: the given schema, else the default one, else unique. */
  function find(name: string, schema: string | null): TableInfo | undefined {
    const named = tables.value.filter((t) => t.name === name)
    if (schema) return named.find((t) => t.schema === schema)
    return named.find((t) => t.schema === defaultSchema.value) ?? (named.length === 1 ? named[0] : undefined)
  }

  /** `schema` for a link to `table`: omitted for the default schema. */
  function schemaParam(table: Pick<TableInfo, 'schema'>): string | null {
    return table.schema === defaultSchema.value ? null : table.schema
  }

  const multiSchema = computed(() => new Set(tables.value.map((t) => t.schema)).size > 1)

  return { tables, routines, schemas, defaultSchema, loaded, load, reset, find, schemaParam, multiSchema }
})

/**
 * A table's foreign keys in its grid: the link from each value to the parent row (a filter
 * on the parent table) and the parent's label beside the value ("7 · O'Brien"). Labels come
 * in one request per page for every single-column foreign key shown; a page whose labels
 * fail just shows the ids (the links still work).
 */
import { computed, shallowRef, watch, type Ref } from 'vue'
import { api } from '@/api/endpoints'
import type { DataPage, ForeignKey, TableSchema } from '@/api/types'
import { equalityQuery, type ColumnValue } from '@/lib/tableState'
import { href, tablePath } from '@/lib/rowLinks'
import { filterText } from '@/lib/format'
import { labelQuery, type LabelMap } from '@/lib/parentLabels'
import { useCatalogStore } from '@/stores/catalog'

export function useForeignKeys(
  table: Ref<string>,
  schema: Ref<string | null>,
  structure: Ref<TableSchema | null>,
  page: Ref<DataPage | null>,
) {
  const catalog = useCatalogStore()

  const foreignKeys = computed(() => {
    const map = new Map<string, ForeignKey>()
    for (const fk of structure.value?.foreign_keys ?? []) for (const c of fk.columns) if (!map.has(c)) map.set(c, fk)
    return map
  })
  const references = computed(() => new Map([...foreignKeys.value].map(([c, fk]) => [c, fk.references.table])))

  function linkFor(row: readonly unknown[], column: string): string | null {
    const fk = foreignKeys.value.get(column)
    const columns = page.value?.columns
    if (!fk || !columns) return null
    const pairs: ColumnValue[] = []
    for (const [i, own] of fk.columns.entries()) {
      const value = filterText(row[columns.findIndex((c) => c.name === own)])
      const target = fk.references.columns[i]
      if (value === null || target === undefined) return null
      pairs.push({ column: target, value })
    }
    const schemaName = catalog.schemaParam({ schema: fk.references.schema })
    return href({ path: tablePath(fk.references.table), query: equalityQuery(pairs, schemaName) })
  }

  const labels = shallowRef<LabelMap>({})
  let controller: AbortController | null = null
  watch([page, foreignKeys], async ([current]) => {
    controller?.abort()
    labels.value = {}
    const single = new Set([...foreignKeys.value].filter(([, fk]) => fk.columns.length === 1).map(([c]) => c))
    const query = current ? labelQuery(current.columns, current.rows, single, schema.value) : null
    if (!query) return
    const mine = (controller = new AbortController())
    try {
      const found = await api.parentLabels(table.value, query, mine.signal)
      if (controller === mine) labels.value = found.labels
    } catch {
      // No labels (an aborted request, a parent that cannot be read): the ids stay, linked.
    }
  }, { immediate: true })

  function labelFor(row: readonly unknown[], column: string): string | null {
    const values = labels.value[column]
    const columns = page.value?.columns
    if (!values || !columns) return null
    const value = filterText(row[columns.findIndex((c) => c.name === column)])
    return value === null ? null : (values[value] ?? null)
  }

  return { foreignKeys, references, linkFor, labelFor }
}

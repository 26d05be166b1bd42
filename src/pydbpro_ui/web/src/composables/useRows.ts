/**
 * Loads the page the URL asks for. Keyset cursors from earlier answers are remembered per
 * selection and page, so Next/Previous (and Back/Forward over them) use the fast cursor while
 * the URL keeps a plain page number; a deep link to page N uses OFFSET paging.
 *
 * A page that fails leaves no rows behind: the rows, total and pager of the previous answer
 * belong to another query, and showing them under the error reads as if they were its result.
 * Only the table's columns are kept (`columns`), so the grid's filter row stays there to fix
 * the value that was refused.
 */
import { shallowRef, watch, type Ref } from 'vue'
import { api } from '@/api/endpoints'
import { ApiError } from '@/api/client'
import type { ColumnInfo, DataPage } from '@/api/types'
import { useAsync } from './useAsync'
import { dataParams, selectionKey, type TableViewState } from '@/lib/tableState'

export function useRows(table: Ref<string>, state: Ref<TableViewState>, active: Ref<boolean>) {
  const cursors = new Map<string, string>()

  async function fetchPage(signal: AbortSignal, name: string, view: TableViewState): Promise<DataPage> {
    const key = selectionKey(name, view)
    const cursor = cursors.get(`${key}#${view.page}`) ?? null
    let page: DataPage
    try {
      page = await api.tableData(name, dataParams(view, cursor), signal)
    } catch (error) {
      if (!cursor || !(error instanceof ApiError) || error.code !== 'BAD_CURSOR') throw error
      cursors.delete(`${key}#${view.page}`)
      page = await api.tableData(name, dataParams(view), signal)
    }
    if (page.next_cursor) cursors.set(`${key}#${page.page + 1}`, page.next_cursor)
    if (page.prev_cursor) cursors.set(`${key}#${page.page - 1}`, page.prev_cursor)
    return page
  }

  const rows = useAsync(fetchPage)
  /** The columns of this table's last page, for the grid's headings while a page fails. */
  const columns = shallowRef<readonly ColumnInfo[] | null>(null)

  async function reload(): Promise<DataPage | undefined> {
    const page = await rows.run(table.value, state.value)
    if (page) columns.value = page.columns
    else if (rows.error.value) rows.data.value = null
    return page
  }

  // What the rows depend on (not the tab): the table and the data parameters.
  const requestKey = (): string => `${table.value}\u0000${dataParams(state.value).toString()}`
  let loadedKey: string | null = null
  let loadedTable: string | null = null

  watch(
    [requestKey, active],
    ([key, isActive]) => {
      if (!isActive || key === loadedKey) return
      if (loadedTable !== table.value) {
        rows.data.value = null // never show another table's rows
        columns.value = null
      }
      loadedKey = key
      loadedTable = table.value
      void reload()
    },
    { immediate: true },
  )

  return { ...rows, columns, reload }
}

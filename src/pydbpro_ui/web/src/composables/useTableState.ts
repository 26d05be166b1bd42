/**
 * The table view's state, read from and written to the URL (see `lib/tableState.ts`). Every
 * change is a router push, so Back/Forward step through sorts, filters and pages.
 */
import { computed, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { SortKey } from '@/api/types'
import type { Filter } from '@/lib/filters'
import { drillState, type Grouping } from '@/lib/aggregate'
import {
  readLanding, readTableState, toggleSort, withSelection, withTab, writeTableState, type MatchMode,
  type TableTab, type TableViewState,
} from '@/lib/tableState'

export function useTableState(columnNames: Ref<readonly string[]>) {
  const route = useRoute()
  const router = useRouter()
  const state = computed(() => readTableState(route.query, columnNames.value))
  const landing = computed(() => readLanding(route.query))

  function go(next: TableViewState): void {
    void router.push({ query: writeTableState(next) })
  }

  return {
    state,
    landing,
    setPage: (page: number) => go({ ...state.value, page }),
    setPageSize: (pageSize: number) => go(withSelection(state.value, { pageSize })),
    sortBy: (column: string, additive: boolean) =>
      go(withSelection(state.value, { sort: toggleSort(state.value.sort, column, additive) })),
    setSort: (sort: SortKey[]) => go(withSelection(state.value, { sort })),
    setFilters: (filters: Filter[]) => go(withSelection(state.value, { filters })),
    setMatch: (match: MatchMode) => go(withSelection(state.value, { match })),
    setSearch: (q: string) => go(withSelection(state.value, { q: q.trim() })),
    setColumns: (columns: string[]) => go(withSelection(state.value, { columns })),
    setTab: (tab: TableTab) => go(withTab(state.value, tab)),
    /** Group mode on (a grouping) or off (null), from the first page. */
    setGrouping: (grouping: Grouping | null) => go({ ...state.value, grouping, page: 1 }),
    /** A grouped heading's click: the server sorts on that output (`group_sort`). */
    sortGroupsBy: (name: string, additive: boolean) => {
      const grouping = state.value.grouping
      if (grouping) go({ ...state.value, grouping: { ...grouping, sort: toggleSort(grouping.sort, name, additive) }, page: 1 })
    },
    /** Leaves group mode with the rows of one group (`drillFilters`). */
    drillDown: (filters: Filter[]) => go(drillState(state.value, filters)),
  }
}

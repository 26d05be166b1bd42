/** Pager arithmetic, kept pure for tests. */
export interface PageInfo {
  page: number
  pageSize: number
  rowsOnPage: number
  total: number | null
  totalIsEstimate: boolean
  hasMore: boolean
}

export interface PagerView {
  from: number
  to: number
  /** last page, when the total is exact */
  lastPage: number | null
  /** best guess of the page count, for "of ~N" */
  pageCount: number | null
  canPrev: boolean
  canNext: boolean
}

export function pagerView(info: PageInfo): PagerView {
  const from = info.rowsOnPage === 0 ? 0 : (info.page - 1) * info.pageSize + 1
  const to = info.rowsOnPage === 0 ? 0 : from + info.rowsOnPage - 1
  const pageCount = info.total === null ? null : Math.max(1, Math.ceil(info.total / info.pageSize))
  return {
    from,
    to,
    lastPage: info.totalIsEstimate ? null : pageCount,
    pageCount,
    canPrev: info.page > 1,
    canNext: info.hasMore,
  }
}

import { describe, expect, it } from 'vitest'
import { pagerView } from './paging'
import { filenameFromDisposition } from './download'
import { safeNext } from './navigation'
import { buildTableList } from './tableList'
import type { TableInfo } from '@/api/types'

describe('pagerView', () => {
  it('shows the row range and the last page for an exact total', () => {
    expect(pagerView({ page: 3, pageSize: 20, rowsOnPage: 20, total: 95, totalIsEstimate: false, hasMore: true })).toEqual({
      from: 41, to: 60, lastPage: 5, pageCount: 5, canPrev: true, canNext: true,
    })
  })

  it('has no last page for an estimate and nothing for an empty page', () => {
    expect(pagerView({ page: 1, pageSize: 20, rowsOnPage: 20, total: 1000, totalIsEstimate: true, hasMore: true }).lastPage).toBeNull()
    expect(pagerView({ page: 1, pageSize: 20, rowsOnPage: 0, total: 0, totalIsEstimate: false, hasMore: false })).toMatchObject({
      from: 0, to: 0, lastPage: 1, canPrev: false, canNext: false,
    })
  })
})

describe('filenameFromDisposition', () => {
  it('prefers the RFC 5987 name', () => {
    expect(filenameFromDisposition(`attachment; filename="x.csv"; filename*=UTF-8''caf%C3%A9_1.csv`, 'f')).toBe('café_1.csv')
  })

  it('reads quoted and bare names, with a fallback', () => {
    expect(filenameFromDisposition('attachment; filename="orders_20260101.csv"', 'f')).toBe('orders_20260101.csv')
    expect(filenameFromDisposition('attachment; filename=a.pdf', 'f')).toBe('a.pdf')
    expect(filenameFromDisposition(null, 'fallback.csv')).toBe('fallback.csv')
  })
})

describe('safeNext', () => {
  it('only allows paths on this site', () => {
    expect(safeNext('/browse/orders?page=2')).toBe('/browse/orders?page=2')
    expect(safeNext('https://evil.example/')).toBe('/browse')
    expect(safeNext('//evil.example/')).toBe('/browse')
    expect(safeNext('/\\evil.example')).toBe('/browse')
    expect(safeNext('/login?next=/x')).toBe('/browse')
    expect(safeNext(undefined)).toBe('/browse')
    expect(safeNext(['/a'])).toBe('/browse')
  })
})

describe('buildTableList', () => {
  const table = (name: string, schema = 'main', type: TableInfo['type'] = 'table'): TableInfo => ({
    name, schema, type, estimated_rows: 1, system: false, rows_exact: false,
  })
  const labels = { tables: 'Tables', views: 'Views' }

  it('groups by type for one schema and filters by name', () => {
    const rows = buildTableList([table('a'), table('v', 'main', 'view'), table('b')], {
      filter: '', bySchema: false, collapsed: new Set(), typeLabels: labels,
    })
    expect(rows.map((r) => (r.kind === 'group' ? `#${r.label}:${r.count}` : r.kind === 'table' ? r.table.name : ''))).toEqual([
      '#Tables:2', 'a', 'b', '#Views:1', 'v',
    ])
    const filtered = buildTableList([table('apple'), table('banana')], {
      filter: 'AN', bySchema: false, collapsed: new Set(), typeLabels: labels,
    })
    expect(filtered.filter((r) => r.kind === 'table')).toHaveLength(1)
  })

  it('groups by schema, collapses groups, and opens them while filtering', () => {
    const tables = [table('x', 'sales'), table('y', 'hr'), table('z', 'sales')]
    const collapsed = new Set(['schema:sales'])
    const rows = buildTableList(tables, { filter: '', bySchema: true, collapsed, typeLabels: labels })
    expect(rows.map((r) => (r.kind === 'group' ? `#${r.label}` : r.kind === 'table' ? r.table.name : ''))).toEqual(['#hr', 'y', '#sales'])
    const open = buildTableList(tables, { filter: 'sales.z', bySchema: true, collapsed, typeLabels: labels })
    expect(open.map((r) => (r.kind === 'group' ? `#${r.label}` : r.kind === 'table' ? r.table.name : ''))).toEqual(['#sales', 'z'])
  })

  it('stays fast for thousands of tables', () => {
    const many = Array.from({ length: 20000 }, (_, i) => table(`t${i}`, `s${i % 20}`))
    const started = performance.now()
    const rows = buildTableList(many, { filter: 't1', bySchema: true, collapsed: new Set(), typeLabels: labels })
    expect(rows.length).toBeGreaterThan(1000)
    expect(performance.now() - started).toBeLessThan(500)
  })
})

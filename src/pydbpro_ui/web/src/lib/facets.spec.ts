import { describe, expect, it } from 'vitest'
import {
  barPercent, bucketFilters, bucketLabel, facetChoices, facetParams, isFacetable, shownFacets, valueFilter,
  withFacetFilters,
} from './facets'
import { readTableState } from './tableState'

describe('facetParams', () => {
  it('sends the view selection and the columns, never its paging or sort', () => {
    const state = readTableState(
      { filter_status: 'paid', filter_total_ge: '10', match: 'any', q: 'x', page: '3', sort: 'id', schema: 's' },
      ['status', 'total'],
    )
    expect(facetParams(state, ['status', 'total']).toString()).toBe(
      'schema=s&filter_status=paid&filter_total_ge=10&match=any&q=x&column=status&column=total',
    )
  })
})

describe('facet clicks', () => {
  it('filters on a value, NULL as is null, big integers exactly', () => {
    expect(valueFilter('status', 'paid')).toEqual({ column: 'status', op: 'eq', value: 'paid' })
    expect(valueFilter('status', null)).toEqual({ column: 'status', op: 'isnull', value: '' })
    expect(valueFilter('n', '9007199254740993')).toEqual({ column: 'n', op: 'eq', value: '9007199254740993' })
    expect(valueFilter('n', false)).toEqual({ column: 'n', op: 'eq', value: 'false' })
    expect(valueFilter('doc', { $truncated: true, value: 'ab', length: 9 })).toBeNull()
  })

  it('turns a bucket into a range and replaces the column own filters only', () => {
    const range = bucketFilters('total', { start: '0', end: '500' })
    expect(range).toEqual([
      { column: 'total', op: 'ge', value: '0' },
      { column: 'total', op: 'lt', value: '500' },
    ])
    // The last bucket of a column holding the integer type's maximum has no upper bound.
    expect(bucketFilters('big', { start: '8000000000000000000', end: null })).toEqual([
      { column: 'big', op: 'ge', value: '8000000000000000000' },
    ])
    expect(bucketLabel({ start: '8000000000000000000', end: null }, 'number')).toBe('≥ 8000000000000000000')
    const before = [{ column: 'total', op: 'eq' as const, value: '7' }, { column: 'status', op: 'eq' as const, value: 'paid' }]
    expect(withFacetFilters(before, range)).toEqual([before[1], ...range])
  })
})

describe('facet columns and labels', () => {
  it('offers columns whose values can be picked', () => {
    const rules = { text: { operators: ['contains', 'eq'], sortable: true }, json: { operators: ['isnull'], sortable: false } }
    expect(isFacetable('text', rules as never)).toBe(true)
    expect(isFacetable('json', rules as never)).toBe(false)
    expect(isFacetable('binary', rules as never)).toBe(false)
  })

  it('shows the chosen columns, else the suggested, five at most', () => {
    expect(shownFacets(null, ['a', 'b'])).toEqual(['a', 'b'])
    expect(shownFacets([], ['a'])).toEqual([])
    expect(shownFacets(['a', 'b', 'c', 'd', 'e', 'f'], [])).toHaveLength(5)
  })

  it('names buckets by their unit', () => {
    expect(bucketLabel({ start: '2020-01-01T00:00:00', end: '2021-01-01T00:00:00' }, 'year')).toBe('2020')
    expect(bucketLabel({ start: '1970-01-01', end: '1972-01-01' }, 'year')).toBe('1970–1971')
    expect(bucketLabel({ start: '2021-03-01', end: '2021-04-01' }, 'month')).toBe('2021-03')
    expect(bucketLabel({ start: '2021-03-04T00:00:00', end: '2021-03-05T00:00:00' }, 'day')).toBe('2021-03-04')
    expect(bucketLabel({ start: '0', end: '500' }, 'number')).toBe('0 – 500')
  })

  it('draws bars relative to the largest count', () => {
    expect([barPercent(50, 100), barPercent(0, 100), barPercent(1, 1000), barPercent(3, 0)]).toEqual([50, 0, 2, 0])
  })
})

describe('facetChoices', () => {
  const words = { nullValue: '(NULL)', emptyValue: '(empty)' }
  const base = { kind: 'text' as const, truncated: false, timed_out: false, histogram: null, unit: null }

  it('lists values, NULL and empty named, a cut text not clickable', () => {
    const facet = { ...base, column: 's', values: [
      { value: 'paid', count: 3 }, { value: null, count: 2 }, { value: '', count: 1 },
      { value: { $truncated: true, value: 'lo', length: 9 }, count: 1 },
    ] } // prettier-ignore
    const found = facetChoices(facet, words)
    expect(found.map((c) => c.label)).toEqual(['paid', '(NULL)', '(empty)', 'lo…'])
    expect(found.map((c) => c.filters?.[0]?.op ?? null)).toEqual(['eq', 'isnull', 'eq', null])
  })

  it('lists the buckets of a histogram instead of its values', () => {
    const facet = { ...base, kind: 'decimal' as const, column: 'n', unit: 'number' as const,
                    values: [{ value: '1.5', count: 1 }], histogram: [{ start: '0', end: '5', count: 1 }] } // prettier-ignore
    expect(facetChoices(facet, words)).toEqual([
      { key: '0', label: '0 – 5', count: 1, filters: bucketFilters('n', { start: '0', end: '5' }) },
    ])
  })
})

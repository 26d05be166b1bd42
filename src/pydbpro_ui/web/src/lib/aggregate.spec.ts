import { describe, expect, it } from 'vitest'
import openapi from '../../openapi.json'
import {
  acceptsKind, aggregateParams, aggregateSelection, defaultUnit, describeGroup, drillFilters, drillState, groupSpec,
  groupUnits, isGroupable, measureSpec, nextBucketStart, parseGroup, parseMeasure,
} from './aggregate'
import type { KindRules } from './filters'
import { readTableState, writeTableState } from './tableState'

/** The server's own table of what each kind accepts (as `/api/config` gives it). */
const rules = openapi.components.schemas.UiConfig.properties.column_kinds.examples[0] as KindRules

describe('measure specs', () => {
  it('reads and writes the API spec text', () => {
    expect(parseMeasure('count')).toEqual({ fn: 'count', column: null })
    expect(parseMeasure('count:email')).toEqual({ fn: 'count', column: 'email' })
    expect(parseMeasure('sum:a:b')).toEqual({ fn: 'sum', column: 'a:b' })
    expect(measureSpec({ fn: 'avg', column: 'total' })).toBe('avg:total')
    expect(measureSpec({ fn: 'count', column: null })).toBe('count')
  })

  it('refuses what is not a spec', () => {
    for (const bad of ['', 'sum', 'sum:', 'foo:x', 'median:total', 'COUNT']) expect(parseMeasure(bad)).toBeNull()
  })
})

describe('kinds each function takes (the server\'s table)', () => {
  it('sums and averages numbers only', () => {
    for (const fn of ['sum', 'avg'] as const) {
      expect(acceptsKind(fn, 'decimal', rules)).toBe(true)
      expect(acceptsKind(fn, 'integer', rules)).toBe(true)
      expect(acceptsKind(fn, 'text', rules)).toBe(false)
      expect(acceptsKind(fn, 'date', rules)).toBe(false)
    }
  })

  it('takes min and max of numbers, texts and times, not booleans', () => {
    expect(acceptsKind('min', 'text', rules)).toBe(true)
    expect(acceptsKind('max', 'datetime', rules)).toBe(true)
    expect(acceptsKind('max', 'boolean', rules)).toBe(false)
    expect(acceptsKind('min', 'json', rules)).toBe(false)
    expect(acceptsKind('min', 'uuid', rules)).toBe(false)
  })

  it('counts, counts distinct and groups what a filter can pick', () => {
    expect(acceptsKind('distinct', 'text', rules)).toBe(true)
    expect(acceptsKind('count', 'boolean', rules)).toBe(true)
    expect(isGroupable('text', rules)).toBe(true)
    expect(isGroupable('binary', rules)).toBe(false)
  })
})

describe('the grouping in the page URL', () => {
  it('is none without group or measure, a count of rows without measures', () => {
    expect(readTableState({ sort: 'id' }).grouping).toBeNull()
    expect(readTableState({ group: 'status' }).grouping).toEqual({ groups: ['status'], measures: ['count'], sort: [] })
  })

  it('round-trips with the rows view state it sits beside', () => {
    const query = {
      sort: 'id', order: 'desc', filter_total_ge: '10', group: ['status', 'customer_id'],
      measure: ['count', 'sum:total'], group_sort: ['-sum:total', 'status'], page: '2',
    }
    const state = readTableState(query, ['total', 'status'])
    expect(state.grouping).toEqual({
      groups: ['status', 'customer_id'],
      measures: ['count', 'sum:total'],
      sort: [{ column: 'sum:total', order: 'desc' }, { column: 'status', order: 'asc' }],
    })
    expect(state.sort).toEqual([{ column: 'id', order: 'desc' }])
    expect(readTableState(writeTableState(state), ['total', 'status'])).toEqual(state)
  })

  it('asks the API for the selection, the grouping and its page, not the rows sort or columns', () => {
    const state = readTableState(
      { schema: 's', sort: 'id', columns: 'id', filter_status: 'paid', q: 'x', group: 'city', measure: 'avg:total',
        group_sort: '-avg:total', page: '3', page_size: '50' },
      ['status'],
    )
    const grouping = state.grouping!
    expect(aggregateParams(state, grouping).toString()).toBe(
      'schema=s&filter_status=paid&q=x&group=city&measure=avg%3Atotal&sort=-avg%3Atotal&page_size=50&page=3',
    )
    expect(aggregateSelection(state, grouping).toString()).toBe(
      'schema=s&filter_status=paid&q=x&group=city&measure=avg%3Atotal&sort=-avg%3Atotal',
    )
  })
})

describe('drill-down', () => {
  it('filters each group column on its value, NULL as is null', () => {
    const filters = drillFilters(['status', 'city'], ['paid', null, 12])
    expect(filters).toEqual([
      { column: 'status', op: 'eq', value: 'paid' },
      { column: 'city', op: 'isnull', value: '' },
    ])
    expect(describeGroup(filters!, 'is NULL')).toBe('status = paid, city is NULL')
  })

  it('has no link for a value that cannot be filter text', () => {
    expect(drillFilters(['note'], [{ $truncated: true, value: 'abc' }, 3])).toBeNull()
  })

  it('leaves group mode, replaces the column own filters and keeps the others', () => {
    const state = readTableState(
      { filter_status: 'new', filter_total_ge: '5', group: 'status', page: '4', sort: 'id' },
      ['status', 'total'],
    )
    const next = drillState(state, [{ column: 'status', op: 'eq', value: 'paid' }])
    expect(writeTableState(next)).toEqual({ sort: 'id', order: 'asc', filter_total_ge: '5', filter_status: 'paid' })
  })
})

describe('calendar units', () => {
  it('are the server\'s: dates and timestamps take them, other kinds none', () => {
    expect(groupUnits('datetime', rules)).toEqual(['day', 'week', 'month', 'year'])
    expect(groupUnits('date', rules)).toEqual(['day', 'week', 'month', 'year'])
    expect(groupUnits('text', rules)).toEqual([])
    expect(groupUnits('time', rules)).toEqual([])
    expect(defaultUnit('datetime', rules)).toBe('month')
    expect(defaultUnit('date', rules)).toBeNull()
    expect(defaultUnit('integer', rules)).toBeNull()
  })

  it('read and write the group spec, a column named with a colon being itself', () => {
    expect(parseGroup('ordered_at:month')).toEqual({ column: 'ordered_at', unit: 'month' })
    expect(parseGroup('a:b:week')).toEqual({ column: 'a:b', unit: 'week' })
    expect(parseGroup('status')).toEqual({ column: 'status', unit: null })
    expect(parseGroup('ratio:3')).toEqual({ column: 'ratio:3', unit: null })
    expect(parseGroup('x:day', [{ name: 'x:day' }])).toEqual({ column: 'x:day', unit: null })
    expect(groupSpec({ column: 'ordered_at', unit: 'year' })).toBe('ordered_at:year')
    expect(groupSpec({ column: 'status', unit: null })).toBe('status')
  })

  it('give the next bucket start across months, years and leap days', () => {
    expect(nextBucketStart('2024-02-26', 'week')).toBe('2024-03-04')
    expect(nextBucketStart('2024-02-29', 'day')).toBe('2024-03-01')
    expect(nextBucketStart('2024-12-01', 'month')).toBe('2025-01-01')
    expect(nextBucketStart('0099-01-01', 'year')).toBe('0100-01-01')
    expect(nextBucketStart('9999-01-01', 'year')).toBeNull()
    expect(nextBucketStart('infinity', 'day')).toBeNull()
  })

  it('drill down to a bucket as the range a histogram bucket makes, NULL as is null', () => {
    const filters = drillFilters(['ordered_at:month', 'status'], ['2024-03-01', 'paid', 7])
    expect(filters).toEqual([
      { column: 'ordered_at', op: 'ge', value: '2024-03-01' },
      { column: 'ordered_at', op: 'lt', value: '2024-04-01' },
      { column: 'status', op: 'eq', value: 'paid' },
    ])
    expect(describeGroup(filters!, 'is NULL')).toBe('ordered_at ≥ 2024-03-01, ordered_at < 2024-04-01, status = paid')
    expect(drillFilters(['ordered_at:year'], [null, 3])).toEqual([{ column: 'ordered_at', op: 'isnull', value: '' }])
    expect(drillFilters(['d:day'], ['infinity', 1])).toBeNull()
    const state = readTableState({ group: 'ordered_at:month', filter_ordered_at_ge: '2020-01-01' }, ['ordered_at'])
    expect(writeTableState(drillState(state, filters!.slice(0, 2)))).toMatchObject({
      filter_ordered_at_ge: '2024-03-01', filter_ordered_at_lt: '2024-04-01',
    })
  })
})

import { describe, expect, it } from 'vitest'
import type { ColumnProfile } from '@/api/types'
import { averageText, commonLines, countText, percentText, profileLines, sourceNote } from './columnProfile'

function profile(overrides: Partial<ColumnProfile> = {}): ColumnProfile {
  return {
    table: 'orders', schema: 'public',
    column: { name: 'total', type: 'numeric(12,2)', kind: 'decimal' },
    source: 'exact', reason: null, sample_rows: null,
    rows: { value: 1000, exact: true },
    distinct: { value: 998, exact: true },
    nulls: { value: 125, exact: true },
    min: { value: '1.05', exact: true },
    max: { value: '4999.10', exact: true },
    avg: { value: 2512.3456789, exact: true },
    most_common: { values: [{ value: '10.00', count: 2 }], exact: true },
    ...overrides,
  }
}

describe('column profile lines', () => {
  it('shows exact figures plainly and marks estimates with ≈', () => {
    expect(countText(1234567, true)).toBe('1,234,567')
    expect(countText(1234567, false)).toBe('≈ 1,234,567')
    expect(countText(null, false)).toBe('unknown')
    expect(averageText(2512.3456789, true)).toBe('2,512.3457')
    expect(averageText(0.000123456, false)).toBe('≈ 0.000123')
    expect(averageText('NaN', true)).toBe('NaN')
  })

  it('lists the figures the kind has, NULLs with their share', () => {
    const lines = profileLines(profile())
    expect(lines.map((l) => l.key)).toEqual(['rows', 'distinct', 'nulls', 'min', 'max', 'avg'])
    expect(lines.find((l) => l.key === 'nulls')?.text).toBe('125 (12.5 %)')
    expect(lines.find((l) => l.key === 'max')?.text).toBe('4,999.10')
    const json = profileLines(profile({ column: { name: 'doc', type: 'json', kind: 'json' }, min: null, max: null, avg: null }))
    expect(json.map((l) => l.key)).toEqual(['rows', 'distinct', 'nulls'])
  })

  it('marks each estimated figure and says where estimates come from', () => {
    const planner = profile({
      source: 'planner', reason: 'the exact figures took longer than 2 s (PROFILE_TIMEOUT)',
      distinct: { value: 4, exact: false }, min: { value: 'v0', exact: false }, max: { value: null, exact: false },
    })
    const lines = profileLines(planner)
    expect(lines.find((l) => l.key === 'distinct')).toMatchObject({ text: '≈ 4', exact: false })
    expect(lines.find((l) => l.key === 'min')?.text).toBe('≈ v0')
    expect(lines.find((l) => l.key === 'max')?.text).toBe('≈ unknown')
    expect(sourceNote(planner)).toContain('planner')
    expect(sourceNote(planner)).toContain('PROFILE_TIMEOUT')
    expect(sourceNote(profile({ source: 'sample', sample_rows: 10000 }))).toContain('10,000 rows')
    expect(sourceNote(profile())).toBeNull()
  })

  it('gives each common value its share of all rows', () => {
    const status = { name: 'status', type: 'varchar(20)', kind: 'text' as const }
    const values = [{ value: 'paid', count: 250 }, { value: '', count: 1 }]
    const lines = commonLines(profile({ column: status, most_common: { values, exact: false } }))
    expect(lines[0]).toMatchObject({ count: '≈ 250', percent: 25, display: { type: 'text', text: 'paid' } })
    expect(lines[1]).toMatchObject({ count: '≈ 1', percent: 0.1, display: { type: 'empty' } })
    expect(percentText(0.04)).toBe('< 0.1 %')
    expect(percentText(12.345)).toBe('12.3 %')
    expect(commonLines(profile({ rows: { value: null, exact: false } }))[0]?.percent).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import { formatDateTime, formatDateTimeSeconds, localInputToIso } from './time'

describe('formatDateTime', () => {
  it('shows an API time in the given locale and zone, and a dash for none', () => {
    expect(formatDateTime('2026-12-06T09:17:30.123Z', 'en-GB', 'UTC')).toBe('6 Dec 2026, 09:17')
    expect(formatDateTimeSeconds('2026-12-06T09:17:30.123Z', 'en-GB', 'UTC')).toBe('6 Dec 2026, 09:17:30')
    expect(formatDateTime(null)).toBe('—')
    expect(formatDateTime('yesterday')).toBe('yesterday')
  })
})

describe('localInputToIso', () => {
  it('reads a datetime-local value in the browser zone', () => {
    expect(localInputToIso('2026-12-06T09:17')).toBe(new Date(2026, 11, 6, 9, 17).toISOString())
    expect(localInputToIso('')).toBeNull()
    expect(localInputToIso('not a time')).toBeNull()
  })
})

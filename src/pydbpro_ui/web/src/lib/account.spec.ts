import { describe, expect, it } from 'vitest'
import { parseExpiryDays, tokenStatus } from './account'

const now = new Date('2026-12-06T12:00:00Z')

describe('tokenStatus', () => {
  it('is active for a live token, with or without an expiry ahead', () => {
    expect(tokenStatus({ active: true, revoked_at: null, expires_at: null }, now)).toBe('active')
    expect(tokenStatus({ active: true, revoked_at: null, expires_at: '2027-01-01T00:00:00Z' }, now)).toBe('active')
  })

  it('says revoked before expired', () => {
    expect(tokenStatus({ active: false, revoked_at: '2026-12-01T00:00:00Z', expires_at: '2026-12-02T00:00:00Z' }, now)).toBe('revoked')
  })

  it('is expired once the expiry has passed, whatever the server last said', () => {
    expect(tokenStatus({ active: true, revoked_at: null, expires_at: '2026-12-06T11:59:00Z' }, now)).toBe('expired')
    expect(tokenStatus({ active: false, revoked_at: null, expires_at: null }, now)).toBe('expired')
  })
})

describe('parseExpiryDays', () => {
  it('reads empty as never and a whole number of days', () => {
    expect(parseExpiryDays('')).toEqual({ ok: true, days: null })
    expect(parseExpiryDays('  ')).toEqual({ ok: true, days: null })
    expect(parseExpiryDays(' 30 ')).toEqual({ ok: true, days: 30 })
  })

  it('refuses zero, fractions, negatives and words', () => {
    for (const text of ['0', '1.5', '-3', 'soon', '1e3']) expect(parseExpiryDays(text)).toEqual({ ok: false })
  })
})

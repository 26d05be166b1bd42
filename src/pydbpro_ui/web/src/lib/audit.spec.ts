import { describe, expect, it } from 'vitest'
import { auditFilter, eventDetails, EMPTY_AUDIT_FORM } from './audit'
import type { AuditEvent } from '@/api/types'

describe('auditFilter', () => {
  it('leaves empty boxes out and keeps the cursor', () => {
    expect(auditFilter(EMPTY_AUDIT_FORM)).toEqual({ limit: 100 })
    expect(auditFilter({ ...EMPTY_AUDIT_FORM, user: ' bob ', event: 'login' }, 42, 50))
      .toEqual({ user: 'bob', event: 'login', cursor: 42, limit: 50 })
  })

  it('sends the typed local times as UTC', () => {
    const filter = auditFilter({ ...EMPTY_AUDIT_FORM, since: '2026-12-06T09:30', until: 'nonsense' })
    expect(filter.since).toBe(new Date('2026-12-06T09:30').toISOString())
    expect(filter.until).toBeUndefined()
  })
})

describe('eventDetails', () => {
  const event = (extra: Record<string, unknown>): AuditEvent => ({
    id: 7, at: '2026-12-06T09:00:00.000Z', event: 'query_executed', user: 'alice', client: '127.0.0.1',
    request_id: 'r1', ...extra,
  })

  it('lists only the event\'s own fields that say something, in order', () => {
    expect(eventDetails(event({ rows: 3, table: 'orders', sort: null, cached: false, key: { id: 1 }, q: '' })).map((d) => [d.name, d.text]))
      .toEqual([['rows', '3'], ['table', 'orders'], ['cached', 'false'], ['key', '{"id":1}'], ['q', '']])
  })

  it('cuts long values to one line and keeps the whole one', () => {
    const sql = `SELECT *\n  FROM customers WHERE ${'x'.repeat(100)}`
    const [detail] = eventDetails(event({ sql }), 20)
    expect(detail).toEqual({ name: 'sql', text: 'SELECT * FROM custom…', full: sql })
  })
})

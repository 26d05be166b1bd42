/**
 * The activity log page's pure parts: the filter form as `GET /api/audit`'s query, and an
 * event's own fields (beyond time, event, user, client) as short `name=value` pairs.
 */
import type { AuditEvent } from '@/api/types'
import type { AuditFilter } from '@/api/endpoints'
import { localInputToIso } from './time'

/** Events the server records (a hint for the filter box; any name may be typed). */
export const KNOWN_EVENTS = [
  'login', 'login_failed', 'logout', 'session_expired', 'denied', 'token_used',
  'table_viewed', 'table_aggregated', 'row_viewed', 'structure_viewed', 'query_executed',
  'query_explained', 'export', 'history_cleared', 'user_created', 'user_updated', 'password_reset', 'token_created', 'token_revoked',
  'session_ended', 'sessions_ended',
] as const

/** The filter form as typed: free text, and `datetime-local` values in the browser's zone. */
export interface AuditForm {
  user: string
  event: string
  since: string
  until: string
}

export const EMPTY_AUDIT_FORM: AuditForm = { user: '', event: '', since: '', until: '' }

/** The query for a page: empty boxes left out, times sent as UTC. */
export function auditFilter(form: AuditForm, cursor: number | null = null, limit = 100): AuditFilter {
  const filter: AuditFilter = { limit }
  if (form.user.trim()) filter.user = form.user.trim()
  if (form.event.trim()) filter.event = form.event.trim()
  const since = localInputToIso(form.since)
  const until = localInputToIso(form.until)
  if (since) filter.since = since
  if (until) filter.until = until
  if (cursor !== null) filter.cursor = cursor
  return filter
}

/** Fields every event has, shown in their own columns (or not at all). */
const COMMON = new Set(['id', 'at', 'event', 'user', 'client', 'request_id'])

export interface Detail {
  name: string
  text: string
  /** The whole value, when `text` was cut. */
  full: string | null
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value
  return JSON.stringify(value) ?? String(value)
}

/** The event's own fields in the server's order, each cut at `max` characters; empty ones
 * (null: a browse without a sort, a default schema...) are left out, to keep it short. */
export function eventDetails(event: AuditEvent, max = 80): Detail[] {
  const details: Detail[] = []
  for (const [name, value] of Object.entries(event)) {
    if (COMMON.has(name) || value === undefined || value === null) continue
    const text = valueText(value).replace(/\s+/g, ' ')
    details.push(text.length > max
      ? { name, text: `${text.slice(0, max)}…`, full: valueText(value) }
      : { name, text, full: null })
  }
  return details
}

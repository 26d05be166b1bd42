/**
 * The API's times (ISO 8601, UTC) as a person reads them: in the browser's time zone and
 * locale, to the minute; a missing time is a dash.
 */

const DASH = '—'

/** "6 Dec 2026, 09:17" (the browser's locale and zone); a dash for null or an unreadable time. */
export function formatDateTime(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return DASH
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date)
}

/** To the second, for the activity log, where events come in bursts. */
export function formatDateTimeSeconds(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return DASH
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone }).format(date)
}

/**
 * A `<input type="datetime-local">` value ("2026-12-06T09:17", the browser's zone) as the ISO
 * 8601 UTC time the API reads; null when empty or not a time.
 */
export function localInputToIso(value: string): string | null {
  if (!value.trim()) return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

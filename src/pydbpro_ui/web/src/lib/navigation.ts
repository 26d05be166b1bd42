/** Where the login page may send the browser back to: only a path on this site. */
export function safeNext(next: unknown, fallback = '/browse'): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return fallback
  if (next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return fallback
  return next
}

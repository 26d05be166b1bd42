/**
 * What the UI says about a failed API call. Kept apart from the components so the wording
 * rules are tested: which failures are the server's own fault (its message means nothing to
 * a user), and which one is not a failure at all but a fact about the object (a view the
 * database cannot read), told calmly in place of the grid instead of as an error.
 */

/** The parts of an `ApiError` these rules read. */
export interface ErrorLike {
  status: number
  code: string
  message: string
  details?: unknown
}

/** The API's answer for a table or view the database refuses to read (HTTP 409). */
export const NOT_READABLE = 'OBJECT_NOT_READABLE'

/** The database's reason when the object cannot be read (the API's `details.reason`, or its
 * whole message), else null. */
export function unreadableReason(error: ErrorLike | null | undefined): string | null {
  if (error?.code !== NOT_READABLE) return null
  const reason = (error.details as { reason?: unknown } | undefined)?.reason
  return typeof reason === 'string' ? reason : error.message
}

/** Codes of a 5xx whose text says nothing useful: an unexpected failure (a bug, or a proxy's
 * page). The named 5xx (DATABASE_BUSY, QUERY_TIMEOUT, DATABASE_UNAVAILABLE) say what to do. */
function isUnexpectedServerError(error: ErrorLike): boolean {
  return error.status >= 500 && (error.code === 'INTERNAL_ERROR' || error.code.startsWith('HTTP_'))
}

/** Whether the same request may well succeed when sent again: the connection or the server
 * failed, or it was busy. A refused value or an unknown column fails the same way again. */
export function isRetryable(error: ErrorLike): boolean {
  return error.status === 0 || error.status === 429 || error.status >= 500
}

export interface ErrorTexts {
  network: string
  server: string
}

/** The sentence to show for an error: the server's own message, unless there is none worth
 * reading (the network is down, or the server failed in a way it did not expect). */
export function errorText(error: ErrorLike, texts: ErrorTexts): string {
  if (error.status === 0 && error.code === 'NETWORK') return texts.network
  if (isUnexpectedServerError(error)) return texts.server
  return error.message
}

import { describe, expect, it } from 'vitest'
import { errorText, isRetryable, unreadableReason } from './errors'

const texts = { network: 'offline', server: 'the server failed' }
const error = (status: number, code: string, message: string) => ({ status, code, message })

describe('unreadableReason', () => {
  it('is the database\'s reason for an object it cannot read, and null for anything else', () => {
    const reason = 'this materialized view has not been populated'
    expect(unreadableReason(error(409, 'OBJECT_NOT_READABLE', reason))).toBe(reason)
    expect(unreadableReason(error(500, 'INTERNAL_ERROR', 'internal server error'))).toBeNull()
    expect(unreadableReason(error(404, 'TABLE_NOT_FOUND', 'no such table'))).toBeNull()
    expect(unreadableReason(null)).toBeNull()
  })

  it('prefers the database\'s own words to the whole message', () => {
    const failed = { ...error(409, 'OBJECT_NOT_READABLE', 'this view cannot be read: no such function: CONCAT'),
      details: { reason: 'no such function: CONCAT' } }
    expect(unreadableReason(failed)).toBe('no such function: CONCAT')
  })
})

describe('errorText', () => {
  it('keeps the server\'s message where it says what is wrong', () => {
    const bad = "'abc' is not a valid integer for column 'id'"
    expect(errorText(error(400, 'BAD_VALUE', bad), texts)).toBe(bad)
    expect(errorText(error(504, 'QUERY_TIMEOUT', 'the query took too long'), texts)).toBe('the query took too long')
    expect(errorText(error(503, 'DATABASE_BUSY', 'database busy'), texts)).toBe('database busy')
  })

  it('says something useful for an unexpected server failure or a lost connection', () => {
    expect(errorText(error(500, 'INTERNAL_ERROR', 'internal server error'), texts)).toBe('the server failed')
    expect(errorText(error(502, 'HTTP_502', 'Bad Gateway'), texts)).toBe('the server failed')
    expect(errorText(error(0, 'NETWORK', 'The server could not be reached.'), texts)).toBe('offline')
  })
})

describe('isRetryable', () => {
  it('offers a retry where sending the same request again may help, and nowhere else', () => {
    expect(isRetryable(error(504, 'QUERY_TIMEOUT', ''))).toBe(true)
    expect(isRetryable(error(503, 'DATABASE_BUSY', ''))).toBe(true)
    expect(isRetryable(error(500, 'INTERNAL_ERROR', ''))).toBe(true)
    expect(isRetryable(error(0, 'NETWORK', ''))).toBe(true)
    expect(isRetryable(error(429, 'TOO_MANY_REQUESTS', ''))).toBe(true)
    expect(isRetryable(error(400, 'BAD_VALUE', ''))).toBe(false)
    expect(isRetryable(error(409, 'OBJECT_NOT_READABLE', ''))).toBe(false)
  })
})

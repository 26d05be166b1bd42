import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, requestJson, setUnauthorizedHandler } from './client'

function respond(status: number, body: unknown): void {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })))
}

afterEach(() => {
  vi.unstubAllGlobals()
  setUnauthorizedHandler(() => undefined)
})

describe('the API client', () => {
  it('returns JSON bodies and sends JSON with POST', async () => {
    respond(200, { ok: true })
    expect(await requestJson('/api/x', { body: { sql: 'select 1' }, query: { a: '1', b: undefined } })).toEqual({ ok: true })
    const [url, init] = vi.mocked(fetch).mock.calls[0] as [string, RequestInit]
    expect(url).toBe('/api/x?a=1')
    expect(init.method).toBe('POST')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    expect(init.body).toBe('{"sql":"select 1"}')
  })

  it('turns error bodies into ApiError', async () => {
    respond(400, { error: 'no such column: nope', code: 'SQL_ERROR', request_id: 'r1' })
    const error = await requestJson('/api/query').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'SQL_ERROR', message: 'no such column: nope', requestId: 'r1' })
  })

  it('sends an unexpected 401 to the one handler, but not an expected one', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    respond(401, { error: 'authentication required', code: 'UNAUTHORIZED', request_id: 'r' })
    const error = (await requestJson('/api/tables').catch((e: unknown) => e)) as ApiError
    expect(handler).toHaveBeenCalledTimes(1)
    expect(error.handled).toBe(true)
    respond(401, { error: 'invalid username or password', code: 'INVALID_CREDENTIALS' })
    await requestJson('/api/login', { expect401: true }).catch(() => undefined)
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('reports an unreachable server as a NETWORK error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    }))
    await expect(requestJson('/api/me')).rejects.toMatchObject({ status: 0, code: 'NETWORK' })
  })
})

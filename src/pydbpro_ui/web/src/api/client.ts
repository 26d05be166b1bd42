/**
 * The one fetch wrapper: JSON in and out, every failure as an `ApiError` carrying the API's
 * `{error, code, request_id}`, and a 401 handed to one handler (installed by `main.ts`, which
 * sends the browser to the login page) unless the caller expects a 401 (the login form).
 */
import type { ApiErrorBody } from './types'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly requestId: string | null
  /** More about the error where the API gives it (e.g. a database's own reason). */
  readonly details: unknown

  constructor(status: number, body: ApiErrorBody) {
    super(body.error)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.requestId = body.request_id ?? null
    this.details = body.details
  }

  /** A 401 already sent to the login page: callers show nothing for it. */
  get handled(): boolean {
    return this.status === 401 && this.code !== 'INVALID_CREDENTIALS'
  }
}

export type QueryInput = URLSearchParams | Record<string, string | number | undefined | null>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: QueryInput
  body?: unknown
  signal?: AbortSignal
  /** Let a 401 through to the caller instead of redirecting to the login page. */
  expect401?: boolean
}

let unauthorizedHandler: (() => void) | null = null

/** Installed once at start-up; called for every unexpected 401. */
export function setUnauthorizedHandler(handler: () => void): void {
  unauthorizedHandler = handler
}

export function toSearchParams(query: QueryInput | undefined): URLSearchParams {
  if (query instanceof URLSearchParams) return query
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  return params
}

export function apiUrl(path: string, query?: QueryInput): string {
  const search = toSearchParams(query).toString()
  return search ? `${path}?${search}` : path
}

async function errorBody(response: Response): Promise<ApiErrorBody> {
  const fallback: ApiErrorBody = {
    error: response.statusText || `HTTP ${response.status}`,
    code: `HTTP_${response.status}`,
    request_id: response.headers.get('X-Request-ID') ?? undefined,
  }
  if (!(response.headers.get('Content-Type') ?? '').includes('json')) return fallback
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>
    return typeof body.error === 'string' ? { ...fallback, ...body } as ApiErrorBody : fallback
  } catch {
    return fallback
  }
}

/** The raw response of a successful request (downloads read it as a stream). */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: string | undefined
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  let response: Response
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError(0, { error: 'The server could not be reached.', code: 'NETWORK' })
  }
  if (response.ok) return response
  const apiError = new ApiError(response.status, await errorBody(response))
  if (response.status === 401 && !options.expect401) unauthorizedHandler?.()
  throw apiError
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options)
  return (await response.json()) as T
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError'
}

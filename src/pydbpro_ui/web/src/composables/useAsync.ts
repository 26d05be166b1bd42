/**
 * Runs one async API call at a time for a component: `loading`, `error` and `data` refs, the
 * previous call aborted when a new one starts (the latest request wins), and errors the user
 * need not see dropped — aborts, and 401s, which the API client has already turned into a
 * redirect to the login page (the one place that happens: `setUnauthorizedHandler`).
 */
import { onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { ApiError, isAbort } from '@/api/client'
import { t } from '@/i18n/en'

export interface AsyncState<T, A extends unknown[]> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: ShallowRef<ApiError | null>
  /** Resolves to the result, or undefined when the call failed or was superseded. */
  run: (...args: A) => Promise<T | undefined>
  abort: () => void
}

/** Any thrown value as an ApiError the UI can show. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  const message = error instanceof Error && error.message ? error.message : t.errors.generic
  return new ApiError(0, { error: message, code: 'CLIENT_ERROR' })
}

export function useAsync<T, A extends unknown[]>(
  fn: (signal: AbortSignal, ...args: A) => Promise<T>,
): AsyncState<T, A> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let controller: AbortController | null = null

  function abort(): void {
    controller?.abort()
    controller = null
    loading.value = false
  }

  async function run(...args: A): Promise<T | undefined> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    loading.value = true
    error.value = null
    try {
      const result = await fn(mine.signal, ...args)
      if (controller !== mine) return undefined
      data.value = result
      return result
    } catch (caught) {
      if (controller !== mine || isAbort(caught)) return undefined
      const apiError = toApiError(caught)
      if (!apiError.handled) error.value = apiError
      return undefined
    } finally {
      if (controller === mine) {
        loading.value = false
        controller = null
      }
    }
  }

  onScopeDispose(abort)
  return { data, loading, error, run, abort }
}

/**
 * One user action that changes something on the server (create, revoke, end...): `busy` while
 * it runs, the failure as an `ApiError` for an ErrorNotice (the server's own message: 409
 * LAST_ADMIN, 400 for a weak password...), a 401 left to the login redirect. Unlike `useAsync`
 * nothing is aborted: an action, once sent, is seen through.
 */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { ApiError } from '@/api/client'
import { toApiError } from './useAsync'

export interface Action {
  busy: Ref<boolean>
  error: ShallowRef<ApiError | null>
  /** The result, or undefined when it failed (then `error` says why). */
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>
}

export function useAction(): Action {
  const busy = ref(false)
  const error = shallowRef<ApiError | null>(null)

  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    error.value = null
    try {
      return await fn()
    } catch (caught) {
      const apiError = toApiError(caught)
      if (!apiError.handled) error.value = apiError
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { busy, error, run }
}

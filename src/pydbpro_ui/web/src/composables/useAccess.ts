/**
 * What the signed-in user can use here (`lib/access.ts`), kept current: `GET /api/me` gives the
 * permissions, `/api/config` the switches, and either may change on a new sign-in.
 */
import { computed, type ComputedRef } from 'vue'
import { useSessionStore } from '@/stores/session'
import { useConfigStore } from '@/stores/config'
import { accessOf, type Access } from '@/lib/access'

export function useAccess(): ComputedRef<Access> {
  const session = useSessionStore()
  const config = useConfigStore()
  return computed(() => accessOf(session.me?.permissions, config.config))
}

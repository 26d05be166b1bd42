/**
 * Leaving the app: forget the user and what was loaded for them, then show the login page.
 * `signOut` ends the session on the server first ("Sign out"); `signedOut` is for when it is
 * already over (this browser's session ended from the Account page).
 */
import { useRouter } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { useCatalogStore } from '@/stores/catalog'
import { useConfigStore } from '@/stores/config'
import { useQueryHistoryStore } from '@/stores/queryHistory'
import { useSavedQueriesStore } from '@/stores/savedQueries'

export function useSignOut(): { signOut: () => Promise<void>; signedOut: () => Promise<void> } {
  const session = useSessionStore()
  const router = useRouter()

  async function signedOut(): Promise<void> {
    session.forget()
    useCatalogStore().reset()
    useQueryHistoryStore().reset() // the next user at this browser must not see them
    useSavedQueriesStore().reset()
    void useConfigStore().load(true)
    await router.push({ name: 'login', query: { signed_out: '1' } })
  }

  async function signOut(): Promise<void> {
    try {
      await session.logout()
    } finally {
      await signedOut()
    }
  }

  return { signOut, signedOut }
}

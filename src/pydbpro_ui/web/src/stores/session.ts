/** Who is signed in. The cookie is HttpOnly, so `GET /api/me` is the only way to know. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '@/api/endpoints'
import { ApiError } from '@/api/client'
import type { Me } from '@/api/types'

export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null)

  /** The current user, or null when not signed in (never redirects). */
  async function check(): Promise<Me | null> {
    try {
      me.value = await api.me(true)
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error
      me.value = null
    }
    return me.value
  }

  async function login(username: string, password: string): Promise<Me> {
    me.value = await api.login(username, password)
    return me.value
  }

  async function logout(): Promise<void> {
    try {
      await api.logout()
    } finally {
      me.value = null
    }
  }

  /** The server ended the session (expired, or signed out elsewhere). */
  function forget(): void {
    me.value = null
  }

  return { me, check, login, logout, forget }
})

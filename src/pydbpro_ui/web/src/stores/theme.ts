/**
 * Light or dark. The server's THEME is the default ("auto" follows the system); the user's
 * choice is remembered in localStorage and wins from then on.
 */
import { defineStore } from 'pinia'
import { computed, ref, watchEffect } from 'vue'
import type { ThemeSetting } from '@/api/types'

const STORAGE_KEY = 'pydbpro.theme'
export const DARK_CLASS = 'app-dark'

function stored(): 'light' | 'dark' | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return value === 'light' || value === 'dark' ? value : null
  } catch {
    return null
  }
}

function systemPrefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
}

export const useThemeStore = defineStore('theme', () => {
  const serverDefault = ref<ThemeSetting>('auto')
  const choice = ref<'light' | 'dark' | null>(stored())
  const systemDark = ref(systemPrefersDark())

  if (typeof matchMedia === 'function') {
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (event) => {
      systemDark.value = event.matches
    })
  }

  const dark = computed(() => {
    const setting = choice.value ?? serverDefault.value
    return setting === 'auto' ? systemDark.value : setting === 'dark'
  })

  watchEffect(() => {
    document.documentElement.classList.toggle(DARK_CLASS, dark.value)
  })

  function setDefault(setting: ThemeSetting): void {
    serverDefault.value = setting
  }

  function toggle(): void {
    choice.value = dark.value ? 'light' : 'dark'
    try {
      localStorage.setItem(STORAGE_KEY, choice.value)
    } catch {
      // private mode: the choice lasts for this page only
    }
  }

  return { dark, setDefault, toggle }
})

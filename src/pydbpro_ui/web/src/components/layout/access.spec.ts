/** The shell shows each user only what their permissions open (lib/access.ts decides). */
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { createPinia, setActivePinia } from 'pinia'
import PrimeVue from 'primevue/config'
import Tooltip from 'primevue/tooltip'
import ToastService from 'primevue/toastservice'
import AppHeader from './AppHeader.vue'
import AppShell from './AppShell.vue'
import ExportMenu from '@/components/table/ExportMenu.vue'
import { useSessionStore } from '@/stores/session'
import { useConfigStore } from '@/stores/config'
import type { Permission } from '@/api/types'

const ADMIN: Permission[] = ['read', 'query', 'export', 'audit', 'metrics', 'users']
const VIEWER: Permission[] = ['read', 'query', 'export']
const page = (name: string) => ({ name, render: () => h('p', { class: 'page' }, `${name} page`) })

function setup(permissions: Permission[], switches: { allow_sql_console?: boolean; allow_export?: boolean } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().me = { username: 'ann', role: 'x', auth: 'session', permissions }
  Object.assign(useConfigStore().config, switches)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{
      path: '/',
      component: AppShell,
      children: [
        { path: 'browse', name: 'browse', component: page('browse') },
        { path: 'query', name: 'query', component: page('query'), meta: { needs: { all: ['query'] }, denied: 'console' } },
        { path: 'help', name: 'help', component: page('help') },
        { path: 'account', name: 'account', component: page('account') },
        { path: 'admin', name: 'admin', component: page('admin'), meta: { needs: { any: ['users', 'audit'] }, denied: 'admin' } },
      ],
    }],
  })
  const global = {
    plugins: [pinia, router, PrimeVue, ToastService],
    directives: { tooltip: Tooltip },
    stubs: { AppSidebar: true, UserMenu: true },
  }
  return { router, global }
}

async function navLinks(permissions: Permission[], switches = {}): Promise<string[]> {
  const { router, global } = setup(permissions, switches)
  await router.push('/browse')
  const header = mount(AppHeader, { props: { sidebarOpen: true }, global })
  return header.findAll('nav a').map((a) => a.text())
}

describe('the header', () => {
  it('offers an admin the console and Administration', async () => {
    expect(await navLinks(ADMIN)).toEqual(['Browse', 'SQL Query', 'Help', 'Administration'])
  })

  it('offers a viewer no Administration, and no console without "query" or with the switch off', async () => {
    expect(await navLinks(VIEWER)).toEqual(['Browse', 'SQL Query', 'Help'])
    expect(await navLinks(['read', 'export'])).toEqual(['Browse', 'Help'])
    expect(await navLinks(ADMIN, { allow_sql_console: false })).toEqual(['Browse', 'Help', 'Administration'])
  })
})

describe('a page the role may not open', () => {
  async function open(permissions: Permission[], path: string) {
    const { router, global } = setup(permissions)
    await router.push(path)
    const shell = mount({ render: () => h(RouterView) }, { global })
    await flushPromises()
    return shell
  }

  it('is a notice, and the page is never mounted', async () => {
    const admin = await open(VIEWER, '/admin')
    expect(admin.find('.page').exists()).toBe(false)
    expect(admin.text()).toContain('Not allowed')
    const console = await open(['read'], '/query')
    expect(console.find('.page').exists()).toBe(false)
    expect(console.text()).toContain('Your role may not use the SQL console')
  })

  it('opens for a user with the permission', async () => {
    expect((await open(['read', 'audit'], '/admin')).find('.page').text()).toBe('admin page')
    expect((await open(VIEWER, '/query')).find('.page').text()).toBe('query page')
    expect((await open(['read'], '/account')).find('.page').text()).toBe('account page')
  })
})

describe('ExportMenu', () => {
  const source = { request: () => Promise.reject(new Error('unused')), rows: () => ({ count: null, estimate: false }), fallbackName: 'x' }

  it('is there only for a user who may export, where exports are on', () => {
    const shown = (permissions: Permission[], allow_export = true) => {
      const { global } = setup(permissions, { allow_export })
      return mount(ExportMenu, { props: { source }, global }).find('button').exists()
    }
    expect(shown(VIEWER)).toBe(true)
    expect(shown(['read', 'query'])).toBe(false)
    expect(shown(ADMIN, false)).toBe(false)
  })
})

/**
 * History-mode routes matching the server's UI routes (`/login`, `/`, `/browse`,
 * `/browse/<table>`, `/query`, `/help`, `/account`, `/admin`). Everything but the login page
 * needs a session; an unexpected 401 from any API call lands on `/login?next=<here>&expired=1`
 * (see `main.ts`). A page whose `meta.needs` the user's permissions lack is not mounted at all:
 * the shell shows a "not allowed" notice in its place (`AppShell.vue`), so no page is ever
 * fed by 403s.
 */
import { createRouter, createWebHistory, type Router } from 'vue-router'
import { useConfigStore } from '@/stores/config'
import { useSessionStore } from '@/stores/session'
import type { RouteNeeds } from '@/lib/access'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    title?: string
    /** The permissions the page needs (`lib/access.ts: mayOpen`). */
    needs?: RouteNeeds
    /** Which "not allowed" notice to show without them. */
    denied?: 'console' | 'admin'
  }
}

export function makeRouter(): Router {
  const router = createRouter({
    history: createWebHistory('/'),
    routes: [
      { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
      {
        path: '/',
        // Loaded with the first signed-in page: the login page needs none of the shell.
        component: () => import('@/components/layout/AppShell.vue'),
        children: [
          { path: '', redirect: { name: 'browse' } },
          { path: 'browse', name: 'browse', component: () => import('@/views/BrowseView.vue') },
          {
            path: 'browse/:table(.+)',
            name: 'table',
            component: () => import('@/views/TableView.vue'),
            props: true,
          },
          {
            path: 'query',
            name: 'query',
            component: () => import('@/views/QueryView.vue'),
            meta: { needs: { all: ['query'] }, denied: 'console' },
          },
          { path: 'help', name: 'help', component: () => import('@/views/HelpView.vue') },
          { path: 'account', name: 'account', component: () => import('@/views/AccountView.vue') },
          {
            path: 'admin',
            name: 'admin',
            component: () => import('@/views/AdminView.vue'),
            meta: { needs: { any: ['users', 'audit'] }, denied: 'admin' },
          },
          { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue') },
        ],
      },
    ],
    scrollBehavior: (_to, _from, saved) => saved ?? undefined,
  })

  router.beforeEach(async (to) => {
    const config = useConfigStore()
    const session = useSessionStore()
    if (to.meta.public) {
      void config.load()
      return true
    }
    if (!session.me && !(await session.check())) {
      return { name: 'login', query: { next: to.fullPath } }
    }
    await config.load()
    return true
  })

  return router
}

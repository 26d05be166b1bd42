/**
 * What the signed-in user can use, from `GET /api/me`'s `permissions` (the server's decision:
 * role, CONSOLE_ROLES, EXPORT_ROLES) and `/api/config`'s switches (ALLOW_SQL_CONSOLE,
 * ALLOW_EXPORT: a feature off for everyone). The UI only hides what the server would refuse;
 * it never decides by a role name.
 */
import type { Permission, Role } from '@/api/types'

export interface Switches {
  allow_sql_console: boolean
  allow_export: boolean
}

export interface Access {
  /** The console link and page (the switch may still turn it off for everyone). */
  console: boolean
  /** Export menus: the permission and the switch. */
  export: boolean
  /** The Users section of the Administration page. */
  users: boolean
  /** The Activity log section. */
  audit: boolean
  /** The Administration page at all. */
  admin: boolean
}

export function accessOf(permissions: readonly Permission[] | null | undefined, switches: Switches): Access {
  const has = new Set(permissions ?? [])
  const users = has.has('users')
  const audit = has.has('audit')
  return {
    console: has.has('query') && switches.allow_sql_console,
    export: has.has('export') && switches.allow_export,
    users,
    audit,
    admin: users || audit,
  }
}

/** What a route asks for: every permission of `all`, and at least one of `any` (when given). */
export interface RouteNeeds {
  all?: readonly Permission[]
  any?: readonly Permission[]
}

/** Whether a user with `permissions` may open a page that needs `needs` (none: everyone). */
export function mayOpen(permissions: readonly Permission[] | null | undefined, needs: RouteNeeds | undefined): boolean {
  if (!needs) return true
  const has = new Set(permissions ?? [])
  if (needs.all && !needs.all.every((p) => has.has(p))) return false
  if (needs.any && needs.any.length && !needs.any.some((p) => has.has(p))) return false
  return true
}

/** The roles an administrator can give (the server's two; README: Roles). */
export const ROLES: readonly Role[] = ['viewer', 'admin']

import { describe, expect, it } from 'vitest'
import { accessOf, mayOpen } from './access'
import type { Permission } from '@/api/types'

const on = { allow_sql_console: true, allow_export: true }
const ADMIN: Permission[] = ['read', 'query', 'export', 'audit', 'metrics', 'users']

describe('accessOf', () => {
  it('gives an admin everything', () => {
    expect(accessOf(ADMIN, on)).toEqual({ console: true, export: true, users: true, audit: true, admin: true })
  })

  it('hides the console and exports a viewer may not use (CONSOLE_ROLES, EXPORT_ROLES)', () => {
    expect(accessOf(['read'], on)).toEqual({ console: false, export: false, users: false, audit: false, admin: false })
    expect(accessOf(['read', 'query'], on)).toMatchObject({ console: true, export: false })
  })

  it('keeps the server switches: a feature off is off for everyone', () => {
    expect(accessOf(ADMIN, { allow_sql_console: false, allow_export: false })).toMatchObject({ console: false, export: false, admin: true })
  })

  it('opens the Administration page with either "users" or "audit"', () => {
    expect(accessOf(['read', 'audit'], on)).toMatchObject({ admin: true, users: false, audit: true })
    expect(accessOf(['read', 'users'], on)).toMatchObject({ admin: true, users: true, audit: false })
  })

  it('gives nothing to nobody', () => {
    expect(accessOf(null, on).admin).toBe(false)
    expect(accessOf(undefined, on).console).toBe(false)
  })
})

describe('mayOpen', () => {
  it('lets everyone open a page that needs nothing', () => {
    expect(mayOpen(['read'], undefined)).toBe(true)
    expect(mayOpen(null, {})).toBe(true)
  })

  it('needs every permission of "all" and one of "any"', () => {
    expect(mayOpen(['read'], { all: ['query'] })).toBe(false)
    expect(mayOpen(['read', 'query'], { all: ['query'] })).toBe(true)
    expect(mayOpen(['read'], { any: ['users', 'audit'] })).toBe(false)
    expect(mayOpen(['read', 'audit'], { any: ['users', 'audit'] })).toBe(true)
    expect(mayOpen(null, { any: ['users'] })).toBe(false)
  })
})

/**
 * Account rules the UI shows: a token's state in words, and what the "expires in days" box
 * accepts. The server decides; these say it before a round trip, or in a word.
 */
import type { TokenInfo } from '@/api/types'

export type TokenStatus = 'active' | 'revoked' | 'expired'

/** Revoked wins over expired: it is what someone did, the other what time did. */
export function tokenStatus(token: Pick<TokenInfo, 'active' | 'revoked_at' | 'expires_at'>, now: Date = new Date()): TokenStatus {
  if (token.revoked_at) return 'revoked'
  if (token.expires_at && new Date(token.expires_at).getTime() <= now.getTime()) return 'expired'
  return token.active ? 'active' : 'expired'
}

export type ExpiryInput = { ok: true; days: number | null } | { ok: false }

/** The "expires in days" box: empty is "never", else a whole number of days from 1. */
export function parseExpiryDays(text: string): ExpiryInput {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: true, days: null }
  if (!/^\d+$/.test(trimmed)) return { ok: false }
  const days = Number(trimmed)
  return days >= 1 && Number.isSafeInteger(days) ? { ok: true, days } : { ok: false }
}

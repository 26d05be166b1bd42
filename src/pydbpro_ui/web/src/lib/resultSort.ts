/**
 * Sorting a console result in the browser: the rows are all here (up to the row cap), so a
 * header click reorders them without running the statement again. Values compare by what
 * they mean for the column's kind, not as text: numbers by value (bigint and decimal arrive
 * as strings and are compared digit by digit, so no precision is lost), dates and times by
 * the moment they name (BC dates and `±infinity` included), intervals by their length. NULL
 * goes last in either direction, as a reader scanning for values expects.
 */
import type { ColumnInfo, ColumnKind, SortKey } from '@/api/types'
import { isBinary, isTruncated } from './format'

type Compare = (a: unknown, b: unknown) => number

const collator = new Intl.Collator(undefined, { numeric: true })

/** `rows` ordered by `sort` (first key first); ties keep their order. A new array. */
export function sortRows(
  rows: readonly (readonly unknown[])[],
  columns: readonly ColumnInfo[],
  sort: readonly SortKey[],
): unknown[][] {
  const keys = sort
    .map((key) => ({ index: columns.findIndex((c) => c.name === key.column), order: key.order }))
    .filter((key) => key.index >= 0)
    .map((key) => ({ ...key, compare: comparerFor(columns[key.index]!.kind) }))
  const ordered = rows.map((row, at) => ({ row, at }))
  ordered.sort((x, y) => {
    for (const { index, order, compare } of keys) {
      const a = x.row[index] ?? null
      const b = y.row[index] ?? null
      if (a === null || b === null) {
        if (a !== b) return a === null ? 1 : -1 // NULL last, whatever the direction
        continue
      }
      const found = compare(a, b)
      if (found !== 0) return order === 'asc' ? found : -found
    }
    return x.at - y.at
  })
  return ordered.map(({ row }) => [...row])
}

export function comparerFor(kind: ColumnKind): Compare {
  switch (kind) {
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'float':
      return byNumber
    case 'date':
    case 'datetime':
      return by(momentKey)
    case 'interval':
      return by(durationKey)
    case 'boolean':
      return by((v) => (v === true ? 1 : 0))
    default:
      return byText
  }
}

function by(key: (value: unknown) => number): Compare {
  return (a, b) => {
    const x = key(a)
    const y = key(b)
    if (Number.isNaN(x) || Number.isNaN(y)) return byText(a, b)
    return x < y ? -1 : x > y ? 1 : 0
  }
}

function plainText(value: unknown): string {
  if (isTruncated(value)) return value.value
  if (isBinary(value)) return value.$binary
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function byText(a: unknown, b: unknown): number {
  return collator.compare(plainText(a), plainText(b))
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE][+-]?\d+)?$/

/** Numbers by value; strings (bigint, decimal) exactly, digit by digit; `-Infinity` < any
 * number < `Infinity` < `NaN`, as PostgreSQL orders them. */
export function byNumber(a: unknown, b: unknown): number {
  const x = numberRank(a)
  const y = numberRank(b)
  if (x !== y) return x - y
  if (x !== 1) return 0
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const p = DECIMAL.exec(String(a))
  const q = DECIMAL.exec(String(b))
  if (!p || !q || /[eE]/.test(String(a) + String(b))) return Number(a) - Number(b) || byText(a, b)
  return compareDecimal(p, q)
}

/** 0: -Infinity, 1: a finite number, 2: Infinity, 3: NaN (or not a number at all). */
function numberRank(value: unknown): number {
  const text = String(value).trim().toLowerCase()
  if (text === '-infinity') return 0
  if (text === 'infinity' || text === '+infinity') return 2
  if (typeof value === 'number') return Number.isNaN(value) ? 3 : 1
  return DECIMAL.test(text) && /\d/.test(text) ? 1 : 3
}

function compareDecimal(p: RegExpExecArray, q: RegExpExecArray): number {
  const [, signA = '', intA = '', fracA = ''] = p
  const [, signB = '', intB = '', fracB = ''] = q
  const whole = (s: string) => s.replace(/^0+/, '')
  const frac = (s: string) => s.replace(/0+$/, '')
  const zero = (i: string, f: string) => !whole(i) && !frac(f)
  const negA = signA === '-' && !zero(intA, fracA)
  const negB = signB === '-' && !zero(intB, fracB)
  if (negA !== negB) return negA ? -1 : 1
  const magnitude = (() => {
    const i = whole(intA)
    const j = whole(intB)
    if (i.length !== j.length) return i.length - j.length
    if (i !== j) return i < j ? -1 : 1
    const f = frac(fracA)
    const g = frac(fracB)
    const width = Math.max(f.length, g.length)
    const fa = f.padEnd(width, '0')
    const fb = g.padEnd(width, '0')
    return fa < fb ? -1 : fa > fb ? 1 : 0
  })()
  return negA ? -magnitude : magnitude
}

const MOMENT =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?(\s+BC)?$/i

/** Milliseconds since 1970 for ISO 8601 dates and date-times, and for the databases' own
 * text for what ISO cannot hold (`0044-03-15 BC`, `±infinity`); NaN for anything else. */
export function momentKey(value: unknown): number {
  const text = String(value).trim()
  if (/^-infinity$/i.test(text)) return -Infinity
  if (/^\+?infinity$/i.test(text)) return Infinity
  const m = MOMENT.exec(text)
  if (!m) return NaN
  const [, y = '0', mo = '1', d = '1', h = '0', mi = '0', s = '0', zone, bc] = m
  const year = bc ? 1 - Number(y) : Number(y) // 1 BC is year 0 in ISO's count
  const stamp = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), 0, 0))
  stamp.setUTCFullYear(year)
  let ms = stamp.getTime() + Number(s) * 1000
  if (zone && zone.toUpperCase() !== 'Z') {
    const [, sign = '+', zh = '0', zm = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? []
    ms -= (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000
  }
  return ms
}

const DURATION = /^P(?:(-?\d+(?:\.\d+)?)Y)?(?:(-?\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)W)?(?:(-?\d+(?:\.\d+)?)D)?(?:T(?:(-?\d+(?:\.\d+)?)H)?(?:(-?\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/

/** Seconds in an ISO 8601 duration (a month counted as 30 days, as PostgreSQL does when it
 * compares intervals); NaN for anything else. */
export function durationKey(value: unknown): number {
  const m = DURATION.exec(String(value).trim())
  if (!m) return NaN
  const [years, months, weeks, days, hours, minutes, seconds] = m.slice(1).map((part) => Number(part ?? 0))
  const day = 86_400
  return (
    years! * 360 * day + months! * 30 * day + weeks! * 7 * day + days! * day +
    hours! * 3600 + minutes! * 60 + seconds!
  )
}

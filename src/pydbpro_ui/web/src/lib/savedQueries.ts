/**
 * The console's `:name` placeholders as the UI sees them, and the values typed for them.
 *
 * The server decides which `:name` is a placeholder (its lexer knows each dialect; a saved
 * query's parameter that is none is a 400): this finder only offers the fields of the
 * parameter form and the save dialog. It skips what is plainly not code: string literals,
 * quoted names, comments, dollar quotes and PostgreSQL's `::type` casts.
 */

export type ParamValue = string | number | boolean | null

import { skipSpan } from './sqlSpans'

const NAME = /[A-Za-z_]\w*/y

/** The `:name` placeholders written in code, in the order they first appear. */
export function placeholderNames(sql: string): string[] {
  const names: string[] = []
  let i = 0
  while (i < sql.length) {
    const end = skipSpan(sql, i)
    if (end !== -1) {
      i = end
      continue
    }
    if (sql[i] === ':') {
      if (sql[i + 1] === ':') {
        i += 2 // a cast: ::type
        continue
      }
      const before = i > 0 ? sql[i - 1] ?? '' : ''
      NAME.lastIndex = i + 1
      const match = NAME.exec(sql)
      if (match && !/[\w\\]/.test(before)) {
        if (!names.includes(match[0])) names.push(match[0])
        i += 1 + match[0].length
        continue
      }
    }
    i += 1
  }
  return names
}

/**
 * A value as typed in a field: empty is null, a plain number is a number (a database compares
 * `id = '5'` with text rules or refuses it), anything else the text itself.
 */
export function valueFromText(text: string): ParamValue {
  const trimmed = text.trim()
  if (trimmed === '') return null
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(trimmed)) {
    const number = Number(trimmed)
    if (Number.isFinite(number) && (Number.isSafeInteger(number) || trimmed.includes('.'))) return number
  }
  return text
}

/** A stored value as the text of a field. */
export function textFromValue(value: ParamValue | undefined): string {
  return value === null || value === undefined ? '' : String(value)
}

/** The `params` of a run: a value for every placeholder of the statement, from the form. */
export function paramsFor(sql: string, form: Readonly<Record<string, string>>): Record<string, ParamValue> {
  return Object.fromEntries(placeholderNames(sql).map((name) => [name, valueFromText(form[name] ?? '')]))
}

/** The link that opens a saved query in the console. */
export function savedQueryPath(id: number): string {
  return `/query?saved=${id}`
}

/** `?saved=` as an id, or null when it is missing or not a positive whole number. */
export function savedIdFrom(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,17}$/.test(value)) return null
  return Number(value)
}

/**
 * The statements of the console's editor: where each begins and ends, so Ctrl+Enter can run
 * the one under the cursor and "run all" can send them one at a time (the server checks and
 * runs one statement per request).
 *
 * A semicolon ends a statement unless it is inside a string, a quoted name, a comment, a
 * dollar quote (`skipSpan`) or brackets. The server's guard still decides what a statement
 * is; this only chooses which text to send.
 */

import { skipSpan } from './sqlSpans'

export interface StatementRange {
  /** Offsets in the editor's text: `text` is `source.slice(from, to)`, trimmed. */
  from: number
  to: number
  text: string
}

function trimmed(source: string, from: number, to: number): StatementRange | null {
  const text = source.slice(from, to)
  const start = from + (text.length - text.trimStart().length)
  const end = to - (text.length - text.trimEnd().length)
  return end > start ? { from: start, to: end, text: source.slice(start, end) } : null
}

/** Every non-empty statement, in order (the semicolons that end them are left out). */
export function splitStatements(source: string): StatementRange[] {
  const found: StatementRange[] = []
  let start = 0
  let depth = 0
  let index = 0
  while (index < source.length) {
    const char = source[index]
    const end = skipSpan(source, index)
    if (end !== -1) {
      index = end
      continue
    }
    if (char === '(') depth += 1
    else if (char === ')') depth = Math.max(0, depth - 1)
    else if (char === ';' && depth === 0) {
      const range = trimmed(source, start, index)
      if (range && !onlyComments(range.text)) found.push(range)
      start = index + 1
    }
    index += 1
  }
  const last = trimmed(source, start, source.length)
  if (last && !onlyComments(last.text)) found.push(last)
  return found
}

function onlyComments(text: string): boolean {
  let index = 0
  while (index < text.length) {
    const char = text.charAt(index)
    const end = char === '-' || char === '/' || char === '#' ? skipSpan(text, index) : -1
    if (/\s/.test(char)) index += 1
    else if (end !== -1) index = end
    else return false
  }
  return true
}

/**
 * The statement under the cursor at `position`: the one it is in or at the end of (just
 * after its semicolon counts), else the nearest one before it, else the first after it.
 */
export function statementAt(source: string, position: number): StatementRange | null {
  const statements = splitStatements(source)
  let before: StatementRange | null = null
  for (const statement of statements) {
    const end = source[statement.to] === ';' ? statement.to + 1 : statement.to
    if (position >= statement.from && position <= end) return statement
    if (statement.to <= position) before = statement
  }
  return before ?? statements[0] ?? null
}

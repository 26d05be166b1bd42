/**
 * The statements of the console's editor: where each begins and ends, so Ctrl+Enter can run
 * the one under the cursor and "run all" can send them one at a time (the server checks and
 * runs one statement per request).
 *
 * A semicolon ends a statement unless it is inside a string ('…', "…", `…`, PostgreSQL's
 * $tag$…$tag$), a comment (-- … and /* … *\/) or brackets. The server's guard still decides
 * what a statement is; this only chooses which text to send.
 */

export interface StatementRange {
  /** Offsets in the editor's text: `text` is `source.slice(from, to)`, trimmed. */
  from: number
  to: number
  text: string
}

const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/

/** Where the quoted or commented part starting at `at` ends (the offset after it). */
function skipQuoted(source: string, at: number): number {
  const char = source[at]
  if (char === '-' && source[at + 1] === '-') {
    const end = source.indexOf('\n', at)
    return end === -1 ? source.length : end + 1
  }
  if (char === '/' && source[at + 1] === '*') {
    const end = source.indexOf('*/', at + 2)
    return end === -1 ? source.length : end + 2
  }
  if (char === '$') {
    const tag = DOLLAR_TAG.exec(source.slice(at))
    if (!tag) return at + 1
    const end = source.indexOf(tag[0], at + tag[0].length)
    return end === -1 ? source.length : end + tag[0].length
  }
  // '…', "…" and `…`: a doubled quote (or a backslash, as MySQL reads it) stays inside.
  let index = at + 1
  while (index < source.length) {
    if (source[index] === '\\' && char !== '`') index += 2
    else if (source[index] === char && source[index + 1] === char) index += 2
    else if (source[index] === char) return index + 1
    else index += 1
  }
  return source.length
}

function opensQuoted(source: string, at: number): boolean {
  const char = source[at]
  if (char === "'" || char === '"' || char === '`') return true
  if (char === '-' && source[at + 1] === '-') return true
  if (char === '/' && source[at + 1] === '*') return true
  return char === '$' && DOLLAR_TAG.test(source.slice(at, at + 64)) && !/[A-Za-z0-9_]/.test(source[at - 1] ?? '')
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
    if (opensQuoted(source, index)) {
      index = skipQuoted(source, index)
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
    if (/\s/.test(text.charAt(index))) index += 1
    else if (text.startsWith('--', index) || text.startsWith('/*', index)) index = skipQuoted(text, index)
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

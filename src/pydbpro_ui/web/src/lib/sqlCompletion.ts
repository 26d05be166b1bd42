/**
 * What the console's editor offers while typing, from the statement under the cursor:
 * after `alias.` (or `table.`) the columns of the table that alias names (`FROM customers c`
 * makes `c.` offer customers' columns); elsewhere the tables, the aliases in scope and the
 * columns of every table named in the statement's FROM and JOIN clauses, so the select list
 * completes before FROM is reached in the reading order. Keywords come from the SQL language
 * package; this knows nothing of the editor, so it is tested as plain text in, options out.
 */
import { skipSpan } from './sqlSpans'
import { statementAt } from './statements'

/** Table name → its column names (empty while not yet fetched). */
export type Schema = Readonly<Record<string, readonly string[]>>

export interface TableInScope {
  table: string
  alias: string | null
}

export interface SqlOption {
  label: string
  type: 'table' | 'column' | 'alias'
  /** Where a column comes from (its table), shown beside it. */
  detail?: string
}

export interface SqlCompletion {
  /** Where the word being completed starts. */
  from: number
  options: SqlOption[]
}

/** Words that end a table reference: never an alias. */
const STOP = new Set(
  ('where join inner left right full outer cross natural on using group order having limit offset ' +
    'union intersect except window fetch for lateral as select from into values returning qualify ' +
    'straight_join partition tablesample with')
    .split(' '),
)

interface Token {
  text: string
  start: number
}

/** Code tokens of `sql`: words (quoted names unquoted), `.`, `,`, parentheses; strings and
 * comments are left out. */
function tokensOf(sql: string): Token[] {
  const found: Token[] = []
  let i = 0
  while (i < sql.length) {
    const end = skipSpan(sql, i)
    if (end !== -1) {
      const quote = sql[i]
      if (quote === '"' || quote === '`') found.push({ text: sql.slice(i + 1, end - 1), start: i })
      else if (quote === "'") found.push({ text: "'", start: i })
      i = end
      continue
    }
    const word = /[\p{L}\p{N}_$]+/uy
    word.lastIndex = i
    const match = word.exec(sql)
    if (match) {
      found.push({ text: match[0], start: i })
      i += match[0].length
    } else {
      if (!/\s/.test(sql[i] ?? '')) found.push({ text: sql[i] ?? '', start: i })
      i += 1
    }
  }
  return found
}

const isName = (token: Token | undefined, sql: string): boolean =>
  !!token && (/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(token.text) || '"`'.includes(sql[token.start] ?? ''))

/** The tables the statement names after FROM and JOIN (with their aliases), in order. */
export function tablesInScope(statement: string): TableInScope[] {
  const tokens = tokensOf(statement)
  const found: TableInScope[] = []
  for (let i = 0; i < tokens.length; i += 1) {
    const keyword = tokens[i]!.text.toLowerCase()
    if (keyword !== 'from' && keyword !== 'join') continue
    let j = i + 1
    for (;;) {
      if (!isName(tokens[j], statement) || STOP.has(tokens[j]!.text.toLowerCase())) break
      let table = tokens[j]!.text
      j += 1
      while (tokens[j]?.text === '.' && isName(tokens[j + 1], statement)) {
        table = tokens[j + 1]!.text // schema.table: the table's own name
        j += 2
      }
      let alias: string | null = null
      if (tokens[j]?.text.toLowerCase() === 'as') j += 1
      if (isName(tokens[j], statement) && !STOP.has(tokens[j]!.text.toLowerCase())) {
        alias = tokens[j]!.text
        j += 1
      }
      found.push({ table, alias })
      if (keyword !== 'from' || tokens[j]?.text !== ',') break
      j += 1 // FROM a x, b y: the next one
    }
  }
  return found
}

function lookup(schema: Schema, name: string): string | null {
  if (name in schema) return name
  const lower = name.toLowerCase()
  return Object.keys(schema).find((table) => table.toLowerCase() === lower) ?? null
}

/** Inside a string or comment at `pos` (of `sql`)? Nothing is offered there. */
function insideSpan(sql: string, pos: number): boolean {
  let i = 0
  while (i < pos) {
    const end = skipSpan(sql, i)
    if (end === -1) i += 1
    else if (end > pos || (end === pos && skipSpan(`${sql} x`, i) !== end)) return true // still open
    else i = end
  }
  return false
}

/** What to offer at `pos` in the editor's text `doc`; null inside strings and comments. */
export function completeSql(doc: string, pos: number, schema: Schema): SqlCompletion | null {
  const statement = statementAt(doc, pos)
  const start = statement && statement.from <= pos ? statement.from : 0
  const upTo = doc.slice(start, pos)
  if (insideSpan(upTo, upTo.length)) return null
  const end = statement && statement.to >= pos ? statement.to : pos
  const scope = tablesInScope(doc.slice(start, end))
  const word = /[\p{L}\p{N}_$]*$/u.exec(upTo)?.[0] ?? ''
  const from = pos - word.length
  const qualifier = /(?:"([^"]+)"|`([^`]+)`|([\p{L}_$][\p{L}\p{N}_$]*))\.$/u.exec(upTo.slice(0, upTo.length - word.length))
  if (qualifier) {
    const name = qualifier[1] ?? qualifier[2] ?? qualifier[3] ?? ''
    const named = scope.find((s) => s.alias?.toLowerCase() === name.toLowerCase())
    const table = lookup(schema, named ? named.table : name)
    if (!table) return null
    return { from, options: (schema[table] ?? []).map((label) => ({ label, type: 'column', detail: table })) }
  }
  const options: SqlOption[] = []
  const seen = new Set<string>()
  for (const { table, alias } of scope) {
    const known = lookup(schema, table)
    if (alias && !seen.has(`alias:${alias}`)) {
      seen.add(`alias:${alias}`)
      options.push({ label: alias, type: 'alias', detail: known ?? table })
    }
    if (!known || seen.has(`table:${known}`)) continue
    seen.add(`table:${known}`)
    for (const label of schema[known] ?? []) options.push({ label, type: 'column', detail: known })
  }
  for (const table of Object.keys(schema)) options.push({ label: table, type: 'table' })
  return { from, options }
}

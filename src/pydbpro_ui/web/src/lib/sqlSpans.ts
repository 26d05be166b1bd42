/**
 * What in a SQL text is plainly not code: string literals, quoted names, comments (`--`,
 * `/* *\/`, MySQL's `#`) and PostgreSQL's dollar quotes. The console's placeholder finder and
 * its statement splitter both step over them; the server's lexer stays the authority.
 */

/** Where a quoted or commented span that starts at `i` ends (just past it), or -1 if none does. */
export function skipSpan(sql: string, i: number): number {
  const c = sql[i]
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1
    while (j < sql.length) {
      if (sql[j] === '\\' && c !== '`') j += 2
      else if (sql[j] === c) {
        if (sql[j + 1] === c) j += 2
        else return j + 1
      } else j += 1
    }
    return sql.length
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i)
    return end === -1 ? sql.length : end + 1
  }
  if (c === '#' && sql[i + 1] !== '>' && sql[i + 1] !== '-') {
    // MySQL's comment; PostgreSQL's #>, #- operators are code
    const end = sql.indexOf('\n', i)
    return end === -1 ? sql.length : end + 1
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2)
    return end === -1 ? sql.length : end + 2
  }
  if (c === '$') {
    const tag = /\$(?:[A-Za-z_]\w*)?\$/y
    tag.lastIndex = i
    const match = tag.exec(sql)
    if (match && (i === 0 || !/[\w$]/.test(sql[i - 1] ?? ''))) {
      const end = sql.indexOf(match[0], i + match[0].length)
      return end === -1 ? sql.length : end + match[0].length
    }
  }
  return -1
}

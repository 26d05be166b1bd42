import { describe, expect, it } from 'vitest'
import { splitStatements, statementAt } from './statements'

const texts = (source: string) => splitStatements(source).map((s) => s.text)

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    expect(texts('SELECT 1;\n\nSELECT 2 ;; \n')).toEqual(['SELECT 1', 'SELECT 2'])
    expect(texts('  SELECT 1  ')).toEqual(['SELECT 1'])
    expect(texts(' ; ;')).toEqual([])
  })

  it('keeps semicolons inside strings, identifiers, comments and brackets', () => {
    const source = [
      "-- one; two\nSELECT 'a;b', 'it''s;' AS \"x;y\", `m;n` FROM t",
      "SELECT $$ a; b $$, $fn$ c; d $fn$ /* e; f */",
      "SELECT (SELECT 1; ) AS nested",
      "SELECT 'a\\';b'",
    ].join(';\n')
    expect(texts(source)).toEqual([
      "-- one; two\nSELECT 'a;b', 'it''s;' AS \"x;y\", `m;n` FROM t",
      'SELECT $$ a; b $$, $fn$ c; d $fn$ /* e; f */',
      'SELECT (SELECT 1; ) AS nested',
      "SELECT 'a\\';b'",
    ])
  })

  it('ignores a part that is only comments and does not read $1 as a quote', () => {
    expect(texts('-- just a note;\n/* and; this */;SELECT $1, x$y FROM t')).toEqual(['SELECT $1, x$y FROM t'])
  })

  it('gives offsets that point at each statement in the source', () => {
    const source = 'SELECT 1;\n  SELECT 2'
    for (const statement of splitStatements(source)) {
      expect(source.slice(statement.from, statement.to)).toBe(statement.text)
    }
  })
})

describe('statementAt', () => {
  const source = 'SELECT 1;\nSELECT 2;\n\n\nSELECT 3'
  it('is the statement the cursor is in, or just after', () => {
    expect(statementAt(source, 3)?.text).toBe('SELECT 1')
    expect(statementAt(source, 9)?.text).toBe('SELECT 1') // after its semicolon
    expect(statementAt(source, 12)?.text).toBe('SELECT 2')
    expect(statementAt(source, source.length)?.text).toBe('SELECT 3')
  })

  it('is the one before a blank line between statements, and none in an empty editor', () => {
    expect(statementAt(source, 20)?.text).toBe('SELECT 2')
    expect(statementAt('   ', 1)).toBeNull()
    expect(statementAt('\n\nSELECT 9', 0)?.text).toBe('SELECT 9')
  })
})

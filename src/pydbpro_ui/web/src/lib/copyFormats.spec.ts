import { describe, expect, it } from 'vitest'
import { toCsv, toJson, toMarkdown, toSqlIn, toTsv, type CopyBlock } from './copyFormats'

const block: CopyBlock = {
  columns: [
    { name: 'id', kind: 'integer' },
    { name: 'note', kind: 'text' },
    { name: 'amount', kind: 'decimal' },
  ],
  rows: [
    [1, 'tab\there', '2.50'],
    [2, 'line\nbreak "q"', null],
    [3, '', '-1e3'],
  ],
}

describe('copy formats', () => {
  it('TSV quotes fields with tabs, line breaks or quotes, and leaves NULL empty', () => {
    expect(toTsv(block)).toBe('1\t"tab\there"\t2.50\n2\t"line\nbreak ""q"""\t\n3\t\t-1e3')
  })

  it('CSV has a header, quotes commas and quotes, and tells NULL from the empty string', () => {
    const csv = toCsv({ columns: block.columns, rows: [[1, 'a,b', null], [2, '', '3']] })
    expect(csv).toBe('id,note,amount\r\n1,"a,b",\r\n2,"",3')
  })

  it('JSON keeps numbers, booleans, null and documents typed, and exact decimals as text', () => {
    const json = toJson({
      columns: [{ name: 'n', kind: 'integer' }, { name: 'ok', kind: 'boolean' }, { name: 'doc', kind: 'json' }, { name: 'd', kind: 'decimal' }, { name: 'b', kind: 'binary' }],
      rows: [[7, true, { a: [1] }, '2.50', { $binary: 'ff00', length: 2 }], [null, false, null, null, null]],
    })
    expect(JSON.parse(json)).toEqual([
      { n: 7, ok: true, doc: { a: [1] }, d: '2.50', b: '0xff00' },
      { n: null, ok: false, doc: null, d: null, b: null },
    ])
  })

  it('Markdown escapes pipes and backslashes, turns line breaks into <br> and right-aligns numbers', () => {
    const md = toMarkdown({ columns: block.columns, rows: [[1, 'a|b\\c\nd', null]] })
    expect(md).toBe('| id | note | amount |\n| ---: | --- | ---: |\n| 1 | a\\|b\\\\c<br>d | NULL |')
  })

  it('an SQL IN list quotes text (quotes doubled), leaves numbers bare and lists NULL once', () => {
    const sql = toSqlIn({
      columns: [{ name: 'v', kind: 'text' }, { name: 'n', kind: 'bigint' }],
      rows: [["O'Brien", '9007199254740993'], [null, 5], ['5', null], ["O'Brien", 5]],
    })
    expect(sql).toBe("IN ('O''Brien', 9007199254740993, NULL, 5, '5')")
  })

  it('a truncated value copies the part the page holds', () => {
    const tsv = toTsv({ columns: [{ name: 't', kind: 'text' }], rows: [[{ $truncated: true, value: 'abc', length: 9000 }]] })
    expect(tsv).toBe('abc')
  })
})

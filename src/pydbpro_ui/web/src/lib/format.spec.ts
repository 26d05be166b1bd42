import { describe, expect, it } from 'vitest'
import { cellPreview, describeCell, filterText, hexDump, needsPanel, prettyJson } from './format'

describe('describeCell', () => {
  it('tells NULL from the empty string', () => {
    expect(describeCell(null, 'text')).toEqual({ type: 'null' })
    expect(describeCell('', 'text')).toEqual({ type: 'empty' })
    expect(cellPreview(describeCell(null, 'integer'))).toBe('NULL')
    expect(cellPreview(describeCell('', 'text'))).toBe('')
    expect(describeCell('NULL', 'text')).toEqual({ type: 'text', text: 'NULL' })
  })

  it('shows truncated text with an ellipsis and offers the panel', () => {
    const display = describeCell({ $truncated: true, value: 'abc', length: 20000 }, 'text')
    expect(display).toEqual({ type: 'truncated', text: 'abc', length: 20000 })
    expect(cellPreview(display)).toBe('abc…')
    expect(needsPanel(display)).toBe(true)
  })

  it('shows binary values as hex with their length', () => {
    const display = describeCell({ $binary: '89504e470d0a1a0a', length: 4096 }, 'binary')
    expect(display).toEqual({ type: 'binary', hex: '89504e470d0a1a0a', length: 4096 })
    expect(cellPreview(display)).toBe('0x89504e470d0a1a0a…')
    expect(cellPreview(describeCell({ $binary: '0102', length: 2 }, 'binary'))).toBe('0x0102')
    expect(needsPanel(display)).toBe(true)
  })

  it('believes the wrappers only where the column kind can produce them', () => {
    const json = { $binary: 'ff', length: 1 }
    expect(describeCell(json, 'json')).toEqual({ type: 'json', text: '{"$binary":"ff","length":1}' })
    expect(describeCell({ $truncated: true, value: 'x', length: 9 }, 'json').type).toBe('json')
  })

  it('renders JSON, arrays, numbers and booleans as text', () => {
    expect(describeCell({ a: [1, 2] }, 'json')).toEqual({ type: 'json', text: '{"a":[1,2]}' })
    expect(describeCell('a string', 'json')).toEqual({ type: 'json', text: '"a string"' })
    expect(describeCell([1, null], 'array')).toEqual({ type: 'json', text: '[1,null]' })
    expect(describeCell('12345678901234567890', 'bigint')).toEqual({ type: 'number', text: '12345678901234567890' })
    expect(describeCell(1.5, 'float')).toEqual({ type: 'number', text: '1.5' })
    expect(describeCell('NaN', 'float')).toEqual({ type: 'number', text: 'NaN' })
    expect(describeCell(false, 'boolean')).toEqual({ type: 'boolean', value: false, text: 'false' })
  })

  it('never interprets markup', () => {
    const display = describeCell('<img src=x onerror=alert(1)>', 'text')
    expect(cellPreview(display)).toBe('<img src=x onerror=alert(1)>')
  })

  it('cuts long text in the cell and offers the panel for it and for multi-line text', () => {
    const long = 'x'.repeat(500)
    expect(cellPreview(describeCell(long, 'text'))).toHaveLength(121)
    expect(needsPanel(describeCell(long, 'text'))).toBe(true)
    expect(needsPanel(describeCell('a\nb', 'text'))).toBe(true)
    expect(needsPanel(describeCell('short', 'text'))).toBe(false)
  })
})

describe('panel helpers', () => {
  it('pretty-prints JSON and leaves other text alone', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}')
    expect(prettyJson('not json')).toBe('not json')
  })

  it('makes a hex dump with offsets and printable characters', () => {
    expect(hexDump('48656c6c6f00ff')).toBe('00000000  48 65 6c 6c 6f 00 ff' + ' '.repeat(27) + '  Hello..')
    expect(hexDump('00'.repeat(17)).split('\n')).toHaveLength(2)
  })

  it('gives filter text only for plain values', () => {
    expect(filterText(17)).toBe('17')
    expect(filterText('abc')).toBe('abc')
    expect(filterText(null)).toBeNull()
    expect(filterText({ $binary: 'ff', length: 1 })).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import {
  cellPreview, cellTitle, describeCell, filterText, groupDigits, hexDump, imageType, needsPanel, prettyJson,
  imageUrl, readableTemporal,
} from './format'

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

  it('shows binary values by size, naming images by their magic bytes', () => {
    const display = describeCell({ $binary: '89504e470d0a1a0a', length: 4096 }, 'binary')
    expect(display).toEqual({ type: 'binary', hex: '89504e470d0a1a0a', length: 4096 })
    expect(cellPreview(display)).toBe('PNG image, 4.0 KB')
    expect(cellTitle(display)).toBe('0x89504e470d0a1a0a…')
    expect(cellPreview(describeCell({ $binary: '0102', length: 2 }, 'binary'))).toBe('binary, 2 B')
    expect(cellTitle(describeCell({ $binary: '0102', length: 2 }, 'binary'))).toBe('0x0102')
    expect(needsPanel(display)).toBe(true)
  })

  it('recognises PNG, JPEG, GIF and WebP', () => {
    expect(imageType('89504E470D0A1A0A0000')).toBe('PNG')
    expect(imageType('ffd8ffe000104a464946')).toBe('JPEG')
    expect(imageType('474946383961')).toBe('GIF')
    expect(imageType('52494646240000005745425056503820')).toBe('WebP')
    expect(imageType('52494646240000005741564566')).toBeNull()
    expect(imageType('00010203')).toBeNull()
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

  it('shows booleans as check marks, with the value in the tooltip', () => {
    expect(cellPreview(describeCell(true, 'boolean'))).toBe('✓')
    expect(cellPreview(describeCell(false, 'boolean'))).toBe('✗')
    expect(cellTitle(describeCell(false, 'boolean'))).toBe('false')
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

// The test runner's locale is en-US (Node's ICU default in CI and here).
describe('readable values', () => {
  it('groups digits of numbers exactly, big ones included', () => {
    expect(groupDigits('12345678901234567890')).toBe('12,345,678,901,234,567,890')
    expect(groupDigits('-1234567.125')).toBe('-1,234,567.125')
    expect(groupDigits('999')).toBe('999')
    expect(groupDigits('NaN')).toBe('NaN')
    expect(groupDigits('1e+21')).toBe('1e+21')
    expect(cellPreview(describeCell(1234.5, 'float'))).toBe('1,234.5')
    expect(cellPreview(describeCell('98765.40', 'decimal'))).toBe('98,765.40')
    expect(cellPreview(describeCell(1042, 'integer'), 120, false)).toBe('1042')
  })

  it('shows dates and times readably, as written, with the ISO value in the tooltip', () => {
    expect(readableTemporal('date', '2025-12-31')).toBe('Dec 31, 2025')
    expect(readableTemporal('datetime', '2025-12-31T19:59:35')).toBe('Dec 31, 2025, 7:59:35 PM')
    expect(readableTemporal('datetime', '2025-12-31T19:59:35.5+02:00')).toBe('Dec 31, 2025, 7:59:35.500 PM +02:00')
    expect(readableTemporal('time', '08:05:00')).toBe('8:05:00 AM')
    const display = describeCell('0044-03-15', 'date')
    expect(cellPreview(display)).toBe('Mar 15, 44')
    expect(cellTitle(display)).toBe('0044-03-15')
  })

  it('leaves what no ISO value holds as the database wrote it', () => {
    for (const text of ['infinity', '-infinity', '4713-01-01 BC', '0000-00-00', '10000-01-01']) {
      expect(readableTemporal('date', text)).toBe(text)
    }
    expect(readableTemporal('time', '24:00:00')).toBe('24:00:00')
    expect(readableTemporal('datetime', '2025-02-30T10:00:00')).toBe('2025-02-30T10:00:00')
  })
})

describe('imageUrl', () => {
  it('asks for the whole value by the row key, and nothing without one', () => {
    expect(imageUrl('my pics', 'img', [{ column: 'id', value: '7' }], 'sales'))
      .toBe('/api/tables/my%20pics/image?column=img&schema=sales&id=7')
    expect(imageUrl('pics', 'img', null, null)).toBeNull()
  })
})

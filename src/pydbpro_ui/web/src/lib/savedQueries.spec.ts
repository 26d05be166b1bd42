import { describe, expect, it } from 'vitest'
import { paramsFor, placeholderNames, savedIdFrom, savedQueryPath, textFromValue, valueFromText } from './savedQueries'

describe('placeholderNames', () => {
  it('finds each :name in code once, in order', () => {
    expect(placeholderNames('SELECT * FROM t WHERE a = :a AND b > :b_2 OR a = :a')).toEqual(['a', 'b_2'])
  })

  it('skips literals, quoted names, comments, dollar quotes and casts', () => {
    const sql = `SELECT ':no', "x:no", \`y:no\`, $$ :no $$, $t$ :no $t$, a::int, '{"n":true}'::jsonb
      -- :no
      /* :no */ # :no
      FROM t WHERE x = :yes::text AND arr[1:2] = :other`
    expect(placeholderNames(sql)).toEqual(['yes', 'other'])
  })

  it('keeps escaped quotes and doubled quotes inside a literal', () => {
    expect(placeholderNames("SELECT 'it''s :no', 'a\\' :no' WHERE x = :x")).toEqual(['x'])
  })

  it('takes no name that starts with a digit, nor one after a word or backslash', () => {
    expect(placeholderNames('SELECT :1, a:b, \\:c, :_ok')).toEqual(['_ok'])
  })
})

describe('values typed in the parameter form', () => {
  it('reads numbers as numbers, empty as null, the rest as text', () => {
    expect(valueFromText('42')).toBe(42)
    expect(valueFromText('-1.5')).toBe(-1.5)
    expect(valueFromText('007')).toBe('007')
    expect(valueFromText('12345678901234567890')).toBe('12345678901234567890')
    expect(valueFromText('  ')).toBeNull()
    expect(valueFromText('Paris')).toBe('Paris')
    expect(valueFromText('true')).toBe('true')
  })

  it('writes stored values back as text', () => {
    expect(textFromValue(null)).toBe('')
    expect(textFromValue(undefined)).toBe('')
    expect(textFromValue(3)).toBe('3')
    expect(textFromValue(false)).toBe('false')
  })

  it('gives every placeholder of the statement a value and nothing else', () => {
    expect(paramsFor('SELECT :a, :b', { a: '1', stale: 'x' })).toEqual({ a: 1, b: null })
    expect(paramsFor('SELECT 1', { a: '1' })).toEqual({})
  })
})

describe('saved query links', () => {
  it('round-trips an id through ?saved=', () => {
    expect(savedQueryPath(12)).toBe('/query?saved=12')
    expect(savedIdFrom('12')).toBe(12)
    for (const bad of [undefined, '', '0', '-1', '1.5', 'x', ['1']]) expect(savedIdFrom(bad)).toBeNull()
  })
})

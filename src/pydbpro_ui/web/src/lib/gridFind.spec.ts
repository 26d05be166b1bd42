import { describe, expect, it } from 'vitest'
import { findCells, stepMatch } from './gridFind'

describe('grid find', () => {
  it('finds cells case-insensitively, row by row', () => {
    const texts = [['1', 'Zoë Müller'], ['2', 'müller & co'], ['3', 'x']]
    expect(findCells(texts, 'MÜLLER')).toEqual([{ row: 0, col: 1 }, { row: 1, col: 1 }])
    expect(findCells(texts, '')).toEqual([])
  })

  it('steps forward and back, wrapping around', () => {
    expect(stepMatch(-1, 3, false)).toBe(0)
    expect(stepMatch(-1, 3, true)).toBe(2)
    expect(stepMatch(2, 3, false)).toBe(0)
    expect(stepMatch(0, 3, true)).toBe(2)
    expect(stepMatch(0, 0, false)).toBe(-1)
  })
})

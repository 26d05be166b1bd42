import { describe, expect, it } from 'vitest'
import { applyKey, clampSelection, inRange, moveFocus, rangeOf, single, valuesIn } from './cellSelection'

const size = { rows: 100, cols: 5, pageRows: 10 }

describe('cell selection', () => {
  it('moves with arrows and stops at the edges', () => {
    expect(moveFocus({ row: 0, col: 0 }, 'ArrowUp', size)).toEqual({ row: 0, col: 0 })
    expect(moveFocus({ row: 0, col: 0 }, 'ArrowDown', size)).toEqual({ row: 1, col: 0 })
    expect(moveFocus({ row: 3, col: 4 }, 'ArrowRight', size)).toEqual({ row: 3, col: 4 })
    expect(moveFocus({ row: 3, col: 4 }, 'ArrowLeft', size)).toEqual({ row: 3, col: 3 })
    expect(moveFocus({ row: 3, col: 1 }, 'Enter', size)).toBeNull()
  })

  it('Home/End go along the row, with Ctrl to the grid\'s corners; Ctrl+arrow to the edge', () => {
    expect(moveFocus({ row: 7, col: 2 }, 'Home', size)).toEqual({ row: 7, col: 0 })
    expect(moveFocus({ row: 7, col: 2 }, 'End', size)).toEqual({ row: 7, col: 4 })
    expect(moveFocus({ row: 7, col: 2 }, 'Home', size, true)).toEqual({ row: 0, col: 0 })
    expect(moveFocus({ row: 7, col: 2 }, 'End', size, true)).toEqual({ row: 99, col: 4 })
    expect(moveFocus({ row: 7, col: 2 }, 'ArrowDown', size, true)).toEqual({ row: 99, col: 2 })
  })

  it('PageUp/PageDown move by a page and clamp', () => {
    expect(moveFocus({ row: 5, col: 1 }, 'PageDown', size)).toEqual({ row: 15, col: 1 })
    expect(moveFocus({ row: 5, col: 1 }, 'PageUp', size)).toEqual({ row: 0, col: 1 })
    expect(moveFocus({ row: 95, col: 1 }, 'PageDown', size)).toEqual({ row: 99, col: 1 })
  })

  it('Shift extends from the anchor; a plain key collapses the range', () => {
    const start = single({ row: 2, col: 2 })
    const wide = applyKey(applyKey(start, 'ArrowDown', size, { shift: true, ctrl: false })!, 'ArrowLeft', size, { shift: true, ctrl: false })!
    expect(rangeOf(wide)).toEqual({ top: 2, bottom: 3, left: 1, right: 2 })
    expect(inRange(rangeOf(wide), 3, 1)).toBe(true)
    expect(inRange(rangeOf(wide), 4, 1)).toBe(false)
    expect(applyKey(wide, 'ArrowDown', size, { shift: false, ctrl: false })).toEqual(single({ row: 4, col: 1 }))
  })

  it('keeps a selection inside a smaller grid, and drops it on an empty one', () => {
    const sel = { anchor: { row: 1, col: 1 }, focus: { row: 50, col: 4 } }
    expect(clampSelection(sel, { rows: 10, cols: 3 })).toEqual({ anchor: { row: 1, col: 1 }, focus: { row: 9, col: 2 } })
    expect(clampSelection(sel, { rows: 0, cols: 3 })).toBeNull()
  })

  it('takes the values under a range', () => {
    const rows = [[1, 'a', 'x'], [2, 'b', 'y'], [3, 'c', 'z']]
    expect(valuesIn(rows, { top: 1, bottom: 2, left: 1, right: 2 })).toEqual([['b', 'y'], ['c', 'z']])
  })
})

import { describe, expect, it } from 'vitest'
import { columnOffsets, columnWindow, estimateWidth, MAX_ESTIMATE, MIN_ESTIMATE, scrollLeftFor } from './columnWindow'

// 1 sticky column of 100 px, then 199 columns of 100 px: column i spans [100 i, 100 (i + 1)).
const offsets = columnOffsets(Array.from({ length: 200 }, () => 100))

describe('virtual columns', () => {
  it('keeps each left edge and the total width', () => {
    expect(columnOffsets([10, 20, 30])).toEqual([0, 10, 30, 60])
  })

  it('renders the columns in view and the overscan, after the sticky one', () => {
    // View 0..800: columns 1–7 beside the sticky one; no overscan.
    expect(columnWindow(offsets, 0, 800, 0)).toEqual({ start: 1, end: 8 })
    // Scrolled by 1,050: columns whose span meets 1,150..1,850, i.e. 11–18.
    expect(columnWindow(offsets, 1050, 800, 0)).toEqual({ start: 11, end: 19 })
    // The overscan widens it by 2 columns each side.
    expect(columnWindow(offsets, 1050, 800, 200)).toEqual({ start: 9, end: 21 })
  })

  it('stays inside the table at either end', () => {
    expect(columnWindow(offsets, 0, 800, 50000)).toEqual({ start: 1, end: 200 })
    expect(columnWindow(offsets, 19200, 800, 0)).toEqual({ start: 193, end: 200 })
    expect(columnWindow(columnOffsets([50]), 0, 800)).toEqual({ start: 1, end: 1 })
    expect(columnWindow(columnOffsets([50, 60]), 0, 800)).toEqual({ start: 1, end: 2 })
  })

  it('scrolls as little as possible to show a column beside the sticky one', () => {
    expect(scrollLeftFor(3, offsets, 0, 800)).toBe(0) // in view
    expect(scrollLeftFor(12, offsets, 0, 800)).toBe(500) // its right edge at the view's
    expect(scrollLeftFor(5, offsets, 1000, 800)).toBe(400) // its left edge beside column 0
    expect(scrollLeftFor(0, offsets, 1000, 800)).toBe(0) // the first column: back to the start
    // A column wider than the view shows its left edge.
    const wide = columnOffsets([100, 100, 2000, 100])
    expect(scrollLeftFor(2, wide, 0, 800)).toBe(100)
  })

  it('estimates a width from the heading and the values, within bounds', () => {
    const measure = (text: string) => text.length * 10
    expect(estimateWidth(['id'], ['1', '2'], measure)).toBe(MIN_ESTIMATE)
    expect(estimateWidth(['name'], ['a much longer value'], measure)).toBe(19 * 10 + 24)
    expect(estimateWidth(['a_long_column_name'], ['x'], measure)).toBe(18 * 10 + 40)
    expect(estimateWidth(['x'], ['y'.repeat(500)], measure)).toBe(MAX_ESTIMATE)
  })
})

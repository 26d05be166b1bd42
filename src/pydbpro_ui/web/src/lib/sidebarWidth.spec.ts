import { describe, expect, it } from 'vitest'
import { MAX_SIDEBAR_WIDTH, MIN_SIDEBAR_WIDTH, clampWidth, readWidth } from './sidebarWidth'

describe('the sidebar width', () => {
  it('stays between its bounds and within most of the window', () => {
    expect(clampWidth(10, 1600)).toBe(MIN_SIDEBAR_WIDTH)
    expect(clampWidth(5000, 1600)).toBe(MAX_SIDEBAR_WIDTH)
    expect(clampWidth(500, 600)).toBe(420)
    expect(clampWidth(300.6, 1600)).toBe(301)
  })

  it('reads a stored width, ignoring what is not one', () => {
    expect(readWidth('320', 1600)).toBe(320)
    expect(readWidth('99999', 1600)).toBe(MAX_SIDEBAR_WIDTH)
    expect(readWidth(null, 1600)).toBeNull()
    expect(readWidth('wide', 1600)).toBeNull()
    expect(readWidth('-5', 1600)).toBeNull()
  })
})

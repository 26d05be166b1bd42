/** The sidebar's width, dragged by its edge and kept in this browser's local settings. */

export const SIDEBAR_WIDTH_KEY = 'pydbpro.sidebarWidth'
export const MIN_SIDEBAR_WIDTH = 160
export const MAX_SIDEBAR_WIDTH = 640
/** Pixels one arrow key moves the edge. */
export const SIDEBAR_KEY_STEP = 16

/** A width the layout can take: whole pixels between the bounds, and never more than most of the window. */
export function clampWidth(width: number, viewport: number): number {
  const most = Math.max(MIN_SIDEBAR_WIDTH, Math.floor(viewport * 0.7))
  return Math.round(Math.min(Math.max(width, MIN_SIDEBAR_WIDTH), MAX_SIDEBAR_WIDTH, most))
}

/** The stored width, or null when none (or garbage) is stored: the stylesheet's default then. */
export function readWidth(stored: string | null, viewport: number): number | null {
  if (stored === null || !/^\d+$/.test(stored)) return null
  return clampWidth(Number(stored), viewport)
}

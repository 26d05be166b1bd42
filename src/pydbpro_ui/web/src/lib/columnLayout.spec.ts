import { describe, expect, it } from 'vitest'
import {
  clampWidth, fitWidth, layoutKey, moveColumn, normalise, readLayout, stepColumn, toggleColumn, usableChoice,
  writeLayout, MAX_FIT_WIDTH, MIN_WIDTH,
} from './columnLayout'

const all = ['id', 'name', 'email', 'city']

class MemoryStorage implements Storage {
  private items = new Map<string, string>()
  get length(): number { return this.items.size }
  clear(): void { this.items.clear() }
  getItem(key: string): string | null { return this.items.get(key) ?? null }
  key(index: number): string | null { return [...this.items.keys()][index] ?? null }
  removeItem(key: string): void { this.items.delete(key) }
  setItem(key: string, value: string): void { this.items.set(key, value) }
}

describe('column choice', () => {
  it('hides and shows columns, keeping the table order for a column shown again', () => {
    expect(toggleColumn([], all, 'email')).toEqual(['id', 'name', 'city'])
    expect(toggleColumn(['city', 'id'], all, 'name')).toEqual(['city', 'id', 'name'])
    expect(toggleColumn(['id', 'city'], all, 'name')).toEqual(['id', 'name', 'city'])
    expect(toggleColumn(['id', 'name', 'city'], all, 'email')).toEqual([])
  })

  it('never hides the last column', () => {
    expect(toggleColumn(['name'], all, 'name')).toEqual(['name'])
  })

  it('moves a dropped column before the heading it lands on, or after it when dragged right', () => {
    expect(moveColumn([], all, 'city', 'id')).toEqual(['city', 'id', 'name', 'email'])
    expect(moveColumn([], all, 'id', 'name')).toEqual(['name', 'id', 'email', 'city'])
    expect(moveColumn([], all, 'id', 'city')).toEqual(['name', 'email', 'city', 'id'])
    expect(moveColumn([], all, 'id', 'id')).toEqual([])
    expect(moveColumn(['name', 'id', 'email', 'city'], all, 'id', 'name')).toEqual([])
  })

  it('steps a column left and right within bounds', () => {
    expect(stepColumn([], all, 'name', -1)).toEqual(['name', 'id', 'email', 'city'])
    expect(stepColumn([], all, 'city', 1)).toEqual([])
    expect(stepColumn([], all, 'id', -1)).toEqual([])
  })

  it('leaves out a choice that is every column in order, and drops a stale one', () => {
    expect(normalise(all, all)).toEqual([])
    expect(usableChoice(['name', 'id'], all)).toEqual(['name', 'id'])
    expect(usableChoice(['name', 'gone'], all)).toEqual([])
  })
})

describe('widths', () => {
  it('clamps dragged widths and caps fitted ones', () => {
    expect(clampWidth(3)).toBe(MIN_WIDTH)
    expect(clampWidth(120.4)).toBe(120)
    expect(fitWidth([80, 150, 99])).toBe(152)
    expect(fitWidth([5000])).toBe(MAX_FIT_WIDTH)
    expect(fitWidth([])).toBe(MIN_WIDTH + 2)
  })
})

describe('stored layout', () => {
  it('keeps a layout per table and schema', () => {
    const storage = new MemoryStorage()
    const key = layoutKey('customers', null)
    expect(key).not.toBe(layoutKey('customers', 'sales'))
    writeLayout(storage, key, { columns: ['name', 'id'], widths: { name: 200 } })
    expect(readLayout(storage, key)).toEqual({ columns: ['name', 'id'], widths: { name: 200 } })
    writeLayout(storage, key, { columns: [], widths: {} })
    expect(storage.length).toBe(0)
  })

  it('treats a damaged entry as none', () => {
    const storage = new MemoryStorage()
    storage.setItem('k', '{not json')
    expect(readLayout(storage, 'k')).toEqual({ columns: [], widths: {} })
    storage.setItem('k', JSON.stringify({ columns: ['a', 3], widths: { a: 'wide' } }))
    expect(readLayout(storage, 'k')).toEqual({ columns: ['a'], widths: {} })
    expect(readLayout(null, 'k')).toEqual({ columns: [], widths: {} })
  })
})

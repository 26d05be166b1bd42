import { describe, expect, it, beforeEach } from 'vitest'
import { mount } from '@vue/test-utils'
import PrimeVue from 'primevue/config'
import GroupPanel from './GroupPanel.vue'
import type { ColumnInfo } from '@/api/types'
import type { Grouping } from '@/lib/aggregate'
import { useServerConfig } from '@/testing/serverConfig'

const columns: ColumnInfo[] = [
  { name: 'id', type: 'INTEGER', kind: 'integer' },
  { name: 'status', type: 'VARCHAR(20)', kind: 'text' },
  { name: 'total', type: 'NUMERIC(12,2)', kind: 'decimal' },
  { name: 'vip', type: 'BOOLEAN', kind: 'boolean' },
  { name: 'doc', type: 'JSON', kind: 'json' },
  { name: 'ordered_at', type: 'TIMESTAMP', kind: 'datetime' },
  { name: 'due', type: 'DATE', kind: 'date' },
]

function panel(grouping: Grouping | null = null) {
  return mount(GroupPanel, { props: { columns, grouping }, global: { plugins: [PrimeVue] } })
}
const options = (select: { findAll: (s: string) => { text: () => string }[] }) => select.findAll('option').map((o) => o.text())

beforeEach(useServerConfig)

describe('GroupPanel', () => {
  it('offers each function only the columns of kinds the server takes for it', async () => {
    const form = panel()
    expect(options(form.find('select[aria-label="Group column 1"]'))).toEqual(['(none)', 'id', 'status', 'total', 'vip', 'ordered_at', 'due'])
    const fn = form.find('select[aria-label="Function of measure 1"]')
    const column = form.find('select[aria-label="Column of measure 1"]')
    expect(options(column)).toEqual(['(rows)', 'id', 'status', 'total', 'vip', 'ordered_at', 'due'])
    await fn.setValue('sum')
    expect(options(column)).toEqual(['id', 'total'])
    expect((column.element as HTMLSelectElement).value).toBe('id') // the first that fits
    await fn.setValue('max')
    expect(options(column)).toEqual(['id', 'status', 'total', 'ordered_at', 'due'])
  })

  it('applies the chosen grouping, measures once each, keeping the sort of what stays', async () => {
    const form = panel({ groups: ['status'], measures: ['count', 'avg:total'], sort: [{ column: 'avg:total', order: 'desc' }, { column: 'count', order: 'asc' }] })
    await form.find('select[aria-label="Function of measure 1"]').setValue('sum')
    await form.find('select[aria-label="Column of measure 1"]').setValue('total')
    await form.find('select[aria-label="Group column 1"]').setValue('vip')
    await form.find('form').trigger('submit')
    expect(form.emitted('apply')).toEqual([[{ groups: ['vip'], measures: ['sum:total', 'avg:total'], sort: [{ column: 'avg:total', order: 'desc' }] }]])
  })

  it('offers a date or timestamp group column a calendar unit: a timestamp by month at first', async () => {
    const form = panel({ groups: ['due:week'], measures: ['count'], sort: [{ column: 'due:week', order: 'desc' }] })
    const unit1 = () => form.find('select[aria-label="Calendar unit of group column 1"]')
    expect((unit1().element as HTMLSelectElement).selectedOptions[0]?.text).toBe('by week')
    expect(options(unit1())).toEqual(['(each value)', 'by day', 'by week', 'by month', 'by year'])
    await form.find('select[aria-label="Group column 1"]').setValue('status')
    expect(unit1().exists()).toBe(false)
    await form.find('select[aria-label="Group column 1"]').setValue('ordered_at')
    expect((unit1().element as HTMLSelectElement).selectedOptions[0]?.text).toBe('by month')
    await form.find('form').trigger('submit')
    expect(form.emitted('apply')?.[0]?.[0]).toMatchObject({ groups: ['ordered_at:month'], sort: [] })
    const plain = panel({ groups: ['due'], measures: ['count'], sort: [] })
    expect((plain.find('select[aria-label="Calendar unit of group column 1"]').element as HTMLSelectElement).selectedOptions[0]?.text).toBe('(each value)')
  })
})

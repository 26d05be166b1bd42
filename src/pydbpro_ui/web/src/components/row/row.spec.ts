import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createPinia, setActivePinia } from 'pinia'
import { useCatalogStore } from '@/stores/catalog'
import CellValue from '@/components/grid/CellValue.vue'
import RowRelations from './RowRelations.vue'
import PlanView from '@/components/query/PlanView.vue'
import { describeCell } from '@/lib/format'

const router = () =>
  createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }] })

describe('CellValue', () => {
  const show = (value: unknown, kind: 'text' | 'json' = 'text') =>
    mount(CellValue, { props: { display: describeCell(value, kind) }, global: { plugins: [router()] } })

  it('shows NULL and the empty string differently', () => {
    expect(show(null).find('.null-value').text()).toBe('NULL')
    expect(show('').find('.empty-string').exists()).toBe(true)
    expect(show('').find('.null-value').exists()).toBe(false)
  })

  it('offers the value panel for long text and JSON only', async () => {
    expect(show('short').find('button').exists()).toBe(false)
    const json = show({ a: 1 }, 'json')
    expect(json.text()).toContain('{"a":1}')
    await json.find('button').trigger('click')
    expect(json.emitted('open')).toHaveLength(1)
  })
})

describe('RowRelations', () => {
  it('links parents to their rows and children to the filtered table, with counts', () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useCatalogStore().defaultSchema = 'main'
    const wrapper = mount(RowRelations, {
      props: {
        schema: 'main',
        parents: [
          { table: 'customers', schema: 'main', columns: ['customer_id'], key: { id: 6 } },
          { table: 'employees', schema: 'main', columns: ['employee_id'], key: null },
        ],
        children: [{ table: 'order_items', schema: 'main', columns: ['order_id'], filter: { filter_order_id: 5 }, count: 3 }],
      },
      global: { plugins: [router(), pinia] },
    })
    const links = wrapper.findAll('a').map((a) => [a.text(), a.attributes('href')])
    expect(links).toEqual([
      ['customers', '/browse/customers?tab=row&key_id=6'],
      ['order_items', '/browse/order_items?filter_order_id=5'],
    ])
    expect(wrapper.text()).toContain('none: employee_id is NULL')
    expect(wrapper.text()).toContain('3 rows')
  })
})

describe('PlanView', () => {
  it('shows a known plan as steps, with the raw plan folded away', () => {
    const wrapper = mount(PlanView, { props: { plan: [{ id: 2, parent: 0, detail: 'SCAN customers' }] } })
    expect(wrapper.find('.plan-tree').text()).toContain('SCAN customers')
    expect(wrapper.find('details').attributes('open')).toBeUndefined()
    expect(wrapper.find('summary').text()).toBe('Raw plan')
    expect(wrapper.find('pre').text()).toContain('"detail": "SCAN customers"')
  })

  it('opens the raw plan when the shape is unknown', () => {
    const wrapper = mount(PlanView, { props: { plan: { something: 'else' } } })
    expect(wrapper.find('.plan-tree').exists()).toBe(false)
    expect(wrapper.find('details').attributes('open')).toBeDefined()
  })
})

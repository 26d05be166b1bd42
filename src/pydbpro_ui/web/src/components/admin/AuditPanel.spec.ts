import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import PrimeVue from 'primevue/config'
import AuditPanel from './AuditPanel.vue'

const event = (id: number, extra: Record<string, unknown> = {}) => ({
  id, at: `2026-12-06T09:00:0${id}.000Z`, event: 'login', user: 'alice', client: '10.0.0.1', request_id: `r${id}`, ...extra,
})

function answer(...bodies: [number, unknown][]) {
  const fetch = vi.fn()
  for (const [status, body] of bodies) {
    fetch.mockResolvedValueOnce(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
  }
  vi.stubGlobal('fetch', fetch)
  return fetch
}

const urls = (fetch: ReturnType<typeof vi.fn>) => fetch.mock.calls.map(([url]) => String(url))

afterEach(() => vi.unstubAllGlobals())

describe('AuditPanel', () => {
  it('shows events newest first and appends older pages by cursor until the end', async () => {
    const fetch = answer(
      [200, { events: [event(3, { table: 'orders', sort: null }), event(2)], next_cursor: 2 }],
      [200, { events: [event(1)], next_cursor: null }],
    )
    const panel = mount(AuditPanel, { global: { plugins: [PrimeVue] } })
    await flushPromises()
    expect(panel.findAll('tbody tr')).toHaveLength(2)
    expect(panel.find('tbody tr .details').text()).toBe('table=orders')
    await panel.findAll('button').find((b) => b.text() === 'Older events')!.trigger('click')
    await flushPromises()
    expect(panel.findAll('tbody tr').map((tr) => tr.find('td').attributes('title'))).toEqual([
      '2026-12-06T09:00:03.000Z', '2026-12-06T09:00:02.000Z', '2026-12-06T09:00:01.000Z',
    ])
    expect(panel.text()).toContain('No older events.')
    expect(urls(fetch)).toEqual(['/api/audit?limit=100', '/api/audit?limit=100&cursor=2'])
  })

  it('sends the filters, and starts again from the newest', async () => {
    const fetch = answer([200, { events: [], next_cursor: null }], [200, { events: [event(1)], next_cursor: null }])
    const panel = mount(AuditPanel, { global: { plugins: [PrimeVue] } })
    await flushPromises()
    expect(panel.text()).toContain('No events match.')
    await panel.findAll('input')[0]!.setValue('bob')
    await panel.find('form').trigger('submit')
    await flushPromises()
    expect(urls(fetch)[1]).toBe('/api/audit?limit=100&user=bob')
    expect(panel.findAll('tbody tr')).toHaveLength(1)
  })

  it('says how to store the log when the server does not (404 AUDIT_STORE_OFF)', async () => {
    const message = 'the activity log is not stored: enable ENABLE_ACTIVITY_LOG with store in AUDIT_SINKS'
    answer([404, { error: message, code: 'AUDIT_STORE_OFF', request_id: 'r' }])
    const panel = mount(AuditPanel, { global: { plugins: [PrimeVue] } })
    await flushPromises()
    expect(panel.text()).toContain('The activity log is not stored on this server')
    expect(panel.text()).toContain(message)
    expect(panel.find('form').exists()).toBe(false)
    expect(panel.find('table').exists()).toBe(false)
  })
})

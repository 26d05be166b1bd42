import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import PrimeVue from 'primevue/config'
import TokenCreateForm from './TokenCreateForm.vue'

const info = {
  id: 7, name: 'nightly', prefix: 'pdb_abcd', created_at: '2026-12-06T09:00:00Z', expires_at: null,
  revoked_at: null, last_used_at: null, active: true,
}

function answer(status: number, body: unknown) {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

afterEach(() => vi.unstubAllGlobals())

async function submit(name: string, days: string) {
  const form = mount(TokenCreateForm, { global: { plugins: [PrimeVue] } })
  const inputs = form.findAll('form input')
  await inputs[0]!.setValue(name)
  await inputs[1]!.setValue(days)
  await form.find('form').trigger('submit')
  await flushPromises()
  return form
}

describe('TokenCreateForm', () => {
  it('asks for a name and a whole number of days before sending anything', async () => {
    const fetch = answer(201, {})
    expect((await submit('  ', '')).text()).toContain('Give the token a name')
    expect((await submit('nightly', '1.5')).text()).toContain('Enter a whole number of days')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('shows the new token once, with the note, and forgets it on Done', async () => {
    const fetch = answer(201, { token: 'pdb_secret-value', info })
    const form = await submit(' nightly ', '30')
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(JSON.parse(String(init.body))).toEqual({ name: 'nightly', expires_days: 30 })
    expect(form.emitted('created')).toHaveLength(1)
    const secret = form.find('input[readonly]')
    expect((secret.element as HTMLInputElement).value).toBe('pdb_secret-value')
    expect(form.text()).toContain('you will not see it again')
    await form.findAll('button').find((b) => b.text().startsWith('Done'))!.trigger('click')
    expect(form.find('input[readonly]').exists()).toBe(false)
  })

  it('shows the server\'s refusal in its words', async () => {
    answer(403, { error: 'log in with a password to create API tokens', code: 'SESSION_REQUIRED', request_id: 'r1' })
    const form = await submit('ci', '')
    expect(form.text()).toContain('log in with a password to create API tokens')
    expect(form.find('input[readonly]').exists()).toBe(false)
  })
})

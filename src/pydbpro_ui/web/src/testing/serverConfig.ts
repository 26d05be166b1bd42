/**
 * For specs: the server's own `column_kinds` table, read from the OpenAPI document the API
 * types are generated from (`/api/config` gives it as the field's example), so component specs
 * offer what the server really accepts. Not part of the app.
 */
import { createPinia, setActivePinia } from 'pinia'
import openapi from '../../openapi.json'
import type { KindRules } from '@/lib/filters'
import { useConfigStore } from '@/stores/config'

const config = openapi.components.schemas.UiConfig

/** A fresh active Pinia whose config store holds the server's column kinds (as after login). */
export function useServerConfig(): void {
  setActivePinia(createPinia())
  useConfigStore().config.column_kinds = config.properties.column_kinds.examples[0] as KindRules
}

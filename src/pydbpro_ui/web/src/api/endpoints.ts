/** One typed function per API endpoint used by the UI (README "API"). */
import { request, requestJson, type QueryInput } from './client'
import type {
  DataPage, ExplainResult, Me, QueryResult, RowDetail, SchemasResponse, TableSchema, TablesResponse,
  UiConfig,
} from './types'

export type ExportFormat = 'csv' | 'xlsx' | 'pdf'

const tablePath = (table: string): string => `/api/tables/${encodeURIComponent(table)}`

export const api = {
  login: (username: string, password: string) =>
    requestJson<Me>('/api/login', { body: { username, password }, expect401: true }),
  logout: () => request('/api/logout', { method: 'POST', body: {}, expect401: true }),
  me: (expect401 = false) => requestJson<Me>('/api/me', { expect401 }),
  config: () => requestJson<UiConfig>('/api/config', { expect401: true }),
  schemas: () => requestJson<SchemasResponse>('/api/schemas'),
  tables: (schema?: string) => requestJson<TablesResponse>('/api/tables', { query: { schema } }),
  tableSchema: (table: string, schema?: string | null, signal?: AbortSignal) =>
    requestJson<TableSchema>(`${tablePath(table)}/schema`, { query: { schema }, signal }),
  tableData: (table: string, query: QueryInput, signal?: AbortSignal) =>
    requestJson<DataPage>(`${tablePath(table)}/data`, { query, signal }),
  /** The key is `?<column>=<value>` per primary-key column. */
  row: (table: string, key: readonly { column: string; value: string }[], schema: string | null, signal?: AbortSignal) => {
    const query = new URLSearchParams(key.map(({ column, value }) => [column, value]))
    if (schema) query.set('schema', schema)
    return requestJson<RowDetail>(`${tablePath(table)}/row`, { query, signal })
  },
  query: (sql: string, signal?: AbortSignal) =>
    requestJson<QueryResult>('/api/query', { body: { sql }, signal }),
  explain: (sql: string, signal?: AbortSignal) =>
    requestJson<ExplainResult>('/api/query/explain', { body: { sql }, signal }),
  exportTable: (table: string, format: ExportFormat, query: QueryInput, signal?: AbortSignal) =>
    request(`${tablePath(table)}/export/${format}`, { query, signal }),
  exportQuery: (format: ExportFormat, sql: string, signal?: AbortSignal) =>
    request(`/api/query/export/${format}`, { body: { sql }, signal }),
}

/** One typed function per API endpoint used by the UI (README "API"). */
import { request, requestJson, type QueryInput } from './client'
import type {
  AggregatePage, AuditPage, ColumnProfile, DataPage, ExplainResult, FormattedSql, HistoryPage, Me, NewPassword, NewToken, NewUser, ParentLabelMap, QueryResult, TableFacets, FacetSuggestions, Role,
  RoutineList, RowDetail, SavedQuery, SavedQueryDraft, SavedQueryList, SchemasResponse, SessionList, SessionsEnded,
  TableDefinition, TableSchema, TablesResponse, TokenList, TokenRevoked, UiConfig, UserChange, UserInfo, UserList,
} from './types'
import type { ParamValue } from '@/lib/savedQueries'

type Params = Record<string, ParamValue>

export type ExportFormat = 'csv' | 'xlsx' | 'pdf' | 'jsonl' | 'json'

function withParams(sql: string, params: Params | undefined): { sql: string; params?: Params } {
  return params && Object.keys(params).length ? { sql, params } : { sql }
}

const tablePath = (table: string): string => `/api/tables/${encodeURIComponent(table)}`
const userPath = (username: string): string => `/api/users/${encodeURIComponent(username)}`

/** `GET /api/audit`'s filters; empty ones are left out of the query string. */
export interface AuditFilter {
  user?: string
  event?: string
  since?: string
  until?: string
  limit?: number
  cursor?: number
}

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
  tableDefinition: (table: string, schema?: string | null, signal?: AbortSignal) =>
    requestJson<TableDefinition>(`${tablePath(table)}/definition`, { query: { schema }, signal }),
  routines: () => requestJson<RoutineList>('/api/routines'),
  tableData: (table: string, query: QueryInput, signal?: AbortSignal) =>
    requestJson<DataPage>(`${tablePath(table)}/data`, { query, signal }),
  /** The key is `?<column>=<value>` per primary-key column. */
  row: (table: string, key: readonly { column: string; value: string }[], schema: string | null, signal?: AbortSignal) => {
    const query = new URLSearchParams(key.map(({ column, value }) => [column, value]))
    if (schema) query.set('schema', schema)
    return requestJson<RowDetail>(`${tablePath(table)}/row`, { query, signal })
  },
  /** Parent rows' labels of a page's foreign-key values: `value_<column>=<value>`, repeated. */
  parentLabels: (table: string, query: URLSearchParams, signal?: AbortSignal) =>
    requestJson<ParentLabelMap>(`${tablePath(table)}/labels`, { query, signal }),
  /** A column's profile: exact within PROFILE_TIMEOUT, else estimated (each figure says). */
  columnProfile: (table: string, column: string, schema?: string | null, signal?: AbortSignal) =>
    requestJson<ColumnProfile>(`${tablePath(table)}/profile`, { query: { column, schema }, signal }),
  /** Facets of the view's selection (`facetParams`: its filters and `column=`, repeated). */
  facets: (table: string, query: URLSearchParams, signal?: AbortSignal) =>
    requestJson<TableFacets>(`${tablePath(table)}/facets`, { query, signal }),
  facetSuggestions: (table: string, schema: string | null, signal?: AbortSignal) =>
    requestJson<FacetSuggestions>(`${tablePath(table)}/facets/suggest`, { query: { schema }, signal }),
  /** Group mode: one page of the aggregate of the view's selection (`aggregateParams`). */
  aggregate: (table: string, query: URLSearchParams, signal?: AbortSignal) =>
    requestJson<AggregatePage>(`${tablePath(table)}/aggregate`, { query, signal }),
  exportAggregate: (table: string, format: ExportFormat, query: URLSearchParams, signal?: AbortSignal) =>
    request(`${tablePath(table)}/aggregate/export/${format}`, { query, signal }),
  /** `params` only when the statement has placeholders (the server refuses unknown ones). */
  query: (sql: string, params?: Params, signal?: AbortSignal) =>
    requestJson<QueryResult>('/api/query', { body: withParams(sql, params), signal }),
  formatSql: (sql: string, signal?: AbortSignal) =>
    requestJson<FormattedSql>('/api/query/format', { body: { sql }, signal }),
  explain: (sql: string, params?: Params, signal?: AbortSignal) =>
    requestJson<ExplainResult>('/api/query/explain', { body: withParams(sql, params), signal }),
  history: (cursor?: number | null, limit = 50) =>
    requestJson<HistoryPage>('/api/history', { query: { limit, cursor } }),
  clearHistory: () => requestJson<{ deleted: number }>('/api/history', { method: 'DELETE' }),
  deleteHistoryEntry: (id: number) => request(`/api/history/${id}`, { method: 'DELETE' }),
  savedQueries: () => requestJson<SavedQueryList>('/api/saved-queries'),
  savedQuery: (id: number, signal?: AbortSignal) => requestJson<SavedQuery>(`/api/saved-queries/${id}`, { signal }),
  saveQuery: (draft: SavedQueryDraft) => requestJson<SavedQuery>('/api/saved-queries', { body: draft }),
  updateSavedQuery: (id: number, draft: SavedQueryDraft) =>
    requestJson<SavedQuery>(`/api/saved-queries/${id}`, { method: 'PUT', body: draft }),
  deleteSavedQuery: (id: number) => request(`/api/saved-queries/${id}`, { method: 'DELETE' }),
  exportTable: (table: string, format: ExportFormat, query: QueryInput, signal?: AbortSignal) =>
    request(`${tablePath(table)}/export/${format}`, { query, signal }),
  exportQuery: (format: ExportFormat, sql: string, params?: Params, signal?: AbortSignal) =>
    request(`/api/query/export/${format}`, { body: withParams(sql, params), signal }),

  // One's own account: API tokens and signed-in sessions.
  tokens: (signal?: AbortSignal) => requestJson<TokenList>('/api/tokens', { signal }),
  createToken: (name: string, expiresDays: number | null) =>
    requestJson<NewToken>('/api/tokens', { body: { name, expires_days: expiresDays } }),
  revokeToken: (id: number) =>
    requestJson<TokenRevoked>(`/api/tokens/${id}`, { method: 'DELETE' }),
  sessions: (signal?: AbortSignal) => requestJson<SessionList>('/api/sessions', { signal }),
  endSession: (id: string) =>
    requestJson<SessionsEnded>(`/api/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  // Administration (permission "users").
  users: (signal?: AbortSignal) => requestJson<UserList>('/api/users', { signal }),
  createUser: (username: string, role: Role, password: string | null) =>
    requestJson<NewUser>('/api/users', { body: password ? { username, role, password } : { username, role } }),
  updateUser: (username: string, change: UserChange) =>
    requestJson<UserInfo>(userPath(username), { method: 'PATCH', body: change }),
  resetPassword: (username: string, password: string | null) =>
    requestJson<NewPassword>(`${userPath(username)}/password`, { body: password ? { password } : {} }),
  userTokens: (username: string, signal?: AbortSignal) =>
    requestJson<TokenList>(`${userPath(username)}/tokens`, { signal }),
  revokeUserToken: (username: string, id: number) =>
    requestJson<TokenRevoked>(`${userPath(username)}/tokens/${id}`, { method: 'DELETE' }),
  endUserSessions: (username: string) =>
    requestJson<SessionsEnded>(`${userPath(username)}/sessions`, { method: 'DELETE' }),

  /** The stored activity log (permission "audit"), newest first. */
  audit: (filter: AuditFilter, signal?: AbortSignal) =>
    requestJson<AuditPage>('/api/audit', { query: { ...filter }, signal }),
}

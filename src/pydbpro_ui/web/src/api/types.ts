/**
 * The JSON shapes of PyDBPro's API, as the server's OpenAPI document describes them.
 * `schema.d.ts` is generated from that document (`npm run api-types`, before every build, type
 * check and test; `make ui` writes the document with `pydbpro openapi`) and is not in git.
 * The UI uses the names below (`components['schemas']`, the server's model classes), so a
 * model renamed on the server is a one-line change here.
 * Only what the API does not describe is written by hand (`ApiErrorBody`'s optional request id).
 */
import type { components } from './schema'

type Schemas = components['schemas']

/** How a column's values are encoded in JSON (README "How values are encoded in JSON"). */
export type ColumnKind = Schemas['ColumnKind']
/**
 * Every error body: `{error, code, request_id}`, `details` for some. Errors the UI makes itself
 * (no answer, or one that is not the API's JSON) may have no request id.
 */
export type ApiErrorBody = Omit<Schemas['ErrorBody'], 'request_id'> & Partial<Pick<Schemas['ErrorBody'], 'request_id'>>

/** What the signed-in user may do now (roles with CONSOLE_ROLES / EXPORT_ROLES applied). */
export type Permission = 'read' | 'query' | 'export' | 'audit' | 'metrics' | 'users'
// TEMPORARY until the issue-15 backend lands: written from CONTRACT-15.md.
export type Me = Schemas['CurrentUser'] & { permissions: Permission[] }
export type UiConfig = Schemas['UiConfig']
export type ThemeSetting = UiConfig['theme']
export type DatabaseInfo = Schemas['DatabaseInfo']
/** What the server accepts for a column of one kind: filter operators (first = default), sort. */
export type ColumnKindRules = Schemas['ColumnKindRules']
export type FilterOp = Schemas['Op']

export type TableType = Schemas['RelationType']
export type TableInfo = Schemas['TableSummary']
export type TablesResponse = Schemas['TableList']
export type SchemasResponse = Schemas['SchemaList']

export type ColumnInfo = Schemas['ResultColumnInfo']
export type SchemaColumn = Schemas['ColumnDetail']
export type IndexInfo = Schemas['IndexDetail']
export type ForeignKey = Schemas['ForeignKeyDetail']
export type TableSchema = Schemas['TableStructure']

export type SortKey = Schemas['SortItem']
export type SortOrder = SortKey['order']
export type DataPage = Schemas['RowsPage']

/** A row's parent through one of its foreign keys; `key` is null when the key columns are NULL. */
export type RowParent = Schemas['ParentLink']
/** The rows of another table whose foreign key points at this row. */
export type RowChildren = Schemas['ChildLink']
/** `GET /api/tables/<t>/row`: one row by primary key, with its parents and children. */
export type RowDetail = Schemas['RowDetail']

export type QueryResult = Schemas['QueryResult']
export type ExplainResult = Schemas['QueryPlan']

// TEMPORARY until the issue-15 backend lands: written from CONTRACT-15.md.
export interface TokenInfo {
  id: number
  name: string
  prefix: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
  active: boolean
}
export interface TokenList { tokens: TokenInfo[] }
export interface NewToken { token: string; info: TokenInfo }
export interface TokenRevoked { revoked: number }
export interface SessionInfo {
  id: string
  created_at: string
  last_seen_at: string
  client: string | null
  current: boolean
}
export interface SessionList { sessions: SessionInfo[] }
export interface SessionsEnded { ended: number }
export type Role = 'admin' | 'viewer'
export interface UserInfo {
  username: string
  role: Role
  active: boolean
  created_at: string
  password_changed_at: string | null
  sessions: number
  tokens: number
}
export interface UserList { users: UserInfo[] }
export interface NewUser { user: UserInfo; password: string | null }
export interface NewPassword { password: string | null }
export interface UserChange { role?: Role; active?: boolean }

export type AuditEvent = Schemas['AuditEvent']
export type AuditPage = Schemas['AuditPage']

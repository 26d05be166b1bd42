/**
 * The JSON shapes of PyDBPro's API (README "API"). The OpenAPI document carries no component
 * schemas yet, so these are written by hand; keep them in step with `src/pydbpro/api/`.
 */

/** How a column's values are encoded in JSON (README "How values are encoded in JSON"). */
export type ColumnKind =
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'text'
  | 'date'
  | 'datetime'
  | 'time'
  | 'interval'
  | 'json'
  | 'binary'
  | 'uuid'
  | 'array'
  | 'enum'
  | 'other'

/** Every error body: `{error, code, request_id}`. */
export interface ApiErrorBody {
  error: string
  code: string
  request_id?: string
  details?: unknown
}

export interface Me {
  username: string
  role: string
  auth: string
}

export type ThemeSetting = 'light' | 'dark' | 'auto'

export interface DatabaseInfo {
  name: string
  dialect: 'postgresql' | 'mysql' | 'sqlite'
}

export interface UiConfig {
  app_name: string
  brand_logo_url: string | null
  footer_text: string
  theme: ThemeSetting
  allow_sql_console: boolean
  allow_export: boolean
  enable_schema_view: boolean
  page_size_options: number[]
  page_size_default: number
  max_records_display: number
  /** null until logged in */
  database: DatabaseInfo | null
}

export type TableType = 'table' | 'view' | 'materialized_view'

export interface TableInfo {
  name: string
  schema: string
  type: TableType
  estimated_rows: number | null
  /** a system catalog object (listed only with SHOW_SYSTEM_TABLES) */
  system: boolean
}

export interface TablesResponse {
  tables: TableInfo[]
}

export interface SchemasResponse {
  schemas: string[]
  default: string
}

export interface ColumnInfo {
  name: string
  type: string
  kind: ColumnKind
}

export interface SchemaColumn extends ColumnInfo {
  nullable: boolean
  default: string | null
  /** 1-based position in the primary key, or null */
  primary_key: number | null
}

export interface IndexInfo {
  name: string | null
  columns: string[]
  unique: boolean
}

export interface ForeignKey {
  name: string | null
  table: string
  schema: string
  columns: string[]
  references: { table: string; schema: string; columns: string[] }
}

export interface TableSchema extends TableInfo {
  columns: SchemaColumn[]
  primary_key: string[]
  indexes: IndexInfo[]
  foreign_keys: ForeignKey[]
  referenced_by: ForeignKey[]
}

export type SortOrder = 'asc' | 'desc'

export interface SortKey {
  column: string
  order: SortOrder
}

export interface DataPage {
  table: string
  schema: string
  columns: ColumnInfo[]
  rows: unknown[][]
  page: number
  page_size: number
  total: number | null
  total_is_estimate: boolean
  next_cursor: string | null
  prev_cursor: string | null
  has_more: boolean
  sort: SortKey[]
  filters: { column: string; op: string; value: unknown }[]
}

/** A scalar as a filter or key value (dates as ISO text). */
export type KeyValue = string | number | boolean

/** A row's parent through one of its foreign keys; `key` is null when the key columns are NULL. */
export interface RowParent {
  table: string
  schema: string
  /** this row's columns holding the key */
  columns: string[]
  /** the parent's referenced columns and their values */
  key: Record<string, KeyValue> | null
}

/** The rows of another table whose foreign key points at this row. */
export interface RowChildren {
  table: string
  schema: string
  /** the child table's foreign-key columns */
  columns: string[]
  /** `filter_<column>: value`, ready for the child table's URL */
  filter: Record<string, KeyValue | null>
  /** null when counting took too long */
  count: number | null
}

/** `GET /api/tables/<t>/row`: one row by primary key, with its parents and children. */
export interface RowDetail {
  table: string
  schema: string
  columns: ColumnInfo[]
  row: unknown[]
  parents: RowParent[]
  children: RowChildren[]
  table_info: TableInfo
}

export interface QueryResult {
  columns: ColumnInfo[]
  rows: unknown[][]
  row_count: number
  truncated: boolean
  elapsed_ms: number
  statement_type: string
}

export interface ExplainResult {
  plan: unknown
}

/**
 * The JSON shapes of PyDBPro's API, as the server's OpenAPI document describes them.
 * `schema.d.ts` is generated from that document (`npm run api-types`, before every build, type
 * check and test; `make ui` writes the document with `pydbpro openapi`) and is not in git.
 * The UI uses the names below (`components['schemas']`, the server's model classes), so a
 * model renamed on the server is a one-line change here.
 * Only what the API does not describe is written by hand (`ApiErrorBody`'s optional request id).
 */
import type { components, paths } from './schema'

type Schemas = components['schemas']

/** How a column's values are encoded in JSON (README "How values are encoded in JSON"). */
export type ColumnKind = Schemas['ColumnKind']
/**
 * Every error body: `{error, code, request_id}`, `details` for some. Errors the UI makes itself
 * (no answer, or one that is not the API's JSON) may have no request id.
 */
export type ApiErrorBody = Omit<Schemas['ErrorBody'], 'request_id'> & Partial<Pick<Schemas['ErrorBody'], 'request_id'>>

/** What a user may do: `GET /api/me`'s `permissions` (the UI offers only these). */
export type Permission = Schemas['Permission']
export type Me = Schemas['CurrentUser']
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
export type TableDefinition = Schemas['TableDefinition']
export type TriggerInfo = Schemas['TriggerDetail']
export type PartitionInfo = Schemas['PartitionDetail']
export type RoutineInfo = Schemas['RoutineDetail']
export type RoutineList = Schemas['RoutineList']

export type SortKey = Schemas['SortItem']
export type SortOrder = SortKey['order']
export type DataPage = Schemas['RowsPage']

/** A row's parent through one of its foreign keys; `key` is null when the key columns are NULL. */
export type RowParent = Schemas['ParentLink']
/** The rows of another table whose foreign key points at this row. */
export type RowChildren = Schemas['ChildLink']
/** `GET /api/tables/<t>/row`: one row by primary key, with its parents and children. */
export type RowDetail = Schemas['RowDetail']
export type ParentLabelMap = Schemas['ParentLabelMap']
/** `GET /api/tables/<t>/profile?column=<c>`: a column's figures, each exact or estimated. */
export type ColumnProfile = Schemas['ColumnProfileBody']
export type TableFacets = Schemas['TableFacets']
export type ColumnFacet = Schemas['ColumnFacet']
export type FacetSuggestions = Schemas['FacetSuggestions']
/** `GET /api/tables/<t>/aggregate`: one page of groups; each column a group column or a
 * measure (named by its spec), `has_more` instead of a total. */
export type AggregatePage = Schemas['AggregateRows']
export type AggregateColumn = Schemas['AggregateColumn']

export type QueryResult = Schemas['QueryResult']
export type ExplainResult = Schemas['QueryPlan']
export type FormattedSql = Schemas['FormattedSql']

/** One API token of a user (never its value: that is in `NewToken`, once). */
export type TokenInfo = Schemas['TokenInfo']
export type TokenList = Schemas['TokenList']
export type NewToken = Schemas['NewToken']
export type TokenRevoked = Schemas['TokenRevoked']
/** A login session; `current` is the one making the request. */
export type SessionInfo = Schemas['SessionInfo']
export type SessionList = Schemas['SessionList']
export type SessionsEnded = Schemas['SessionsEnded']
export type UserInfo = Schemas['UserInfo']
export type Role = UserInfo['role']
export type UserList = Schemas['UserList']
/** `password` is the generated one (shown once), null when the request gave one. */
export type NewUser = Schemas['NewUser']
export type NewPassword = Schemas['NewPassword']
/** `PATCH /api/users/{username}`: a new role, or disable / enable. */
export type UserChange = NonNullable<paths['/api/users/{username}']['patch']['requestBody']>['content']['application/json']

export type AuditEvent = Schemas['AuditEvent']
export type AuditPage = Schemas['AuditPage']

/** One console run of the caller's history (`GET /api/history`), newest first. */
export type HistoryEntry = Schemas['HistoryEntry']
export type HistoryPage = Schemas['HistoryPage']
export type SavedQuery = Schemas['SavedQueryInfo']
export type SavedQueryList = Schemas['SavedQueryList']
export type SavedQueryParameter = Schemas['ParameterInfo']
/** What `POST /api/saved-queries` and `PUT /api/saved-queries/<id>` take. */
export type SavedQueryDraft = Pick<SavedQuery, 'name' | 'description' | 'sql' | 'parameters' | 'shared' | 'chart'>

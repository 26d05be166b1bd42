/**
 * A query plan as `/api/query/explain` returns it (PostgreSQL's EXPLAIN (FORMAT JSON), MySQL's
 * and MariaDB's EXPLAIN FORMAT=JSON, SQLite's EXPLAIN QUERY PLAN rows) turned into one tree of
 * labelled steps to read. Anything of another shape gives null: the raw plan is shown instead.
 */

export interface PlanNode {
  label: string
  details: string[]
  children: PlanNode[]
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const scalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'

function textOf(value: unknown): string | null {
  if (scalar(value)) return String(value)
  if (Array.isArray(value) && value.every(scalar)) return value.join(', ')
  return null
}

// PostgreSQL ------------------------------------------------------------------------------

const PG_CONDITIONS = [
  'Index Cond', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter', 'Sort Key',
  'Group Key', 'Cache Key',
]

function pgNode(node: Json): PlanNode {
  let label = String(node['Node Type'] ?? '?')
  if (typeof node['Join Type'] === 'string' && node['Join Type'] !== 'Inner') label += ` (${node['Join Type']})`
  if (typeof node['Relation Name'] === 'string') {
    label += ` on ${node['Relation Name']}`
    if (typeof node.Alias === 'string' && node.Alias !== node['Relation Name']) label += ` ${node.Alias}`
  }
  if (typeof node['Index Name'] === 'string') label += ` using ${node['Index Name']}`
  const details: string[] = []
  if (node['Total Cost'] !== undefined) details.push(`cost ${String(node['Startup Cost'])}..${String(node['Total Cost'])}`)
  if (node['Plan Rows'] !== undefined) details.push(`rows ${String(node['Plan Rows'])}`)
  for (const name of PG_CONDITIONS) {
    const text = textOf(node[name])
    if (text !== null) details.push(`${name.toLowerCase()}: ${text}`)
  }
  const children = Array.isArray(node.Plans) ? node.Plans.filter(isObject).map(pgNode) : []
  return { label, details, children }
}

// MySQL / MariaDB ---------------------------------------------------------------------------

/** Wrappers that only group their content. */
const MYSQL_TRANSPARENT = new Set(['nested_loop', 'table', 'query_specifications', 'query_block'])
const MYSQL_TABLE_DETAILS: [string, string][] = [
  ['access_type', 'access'], ['key', 'key'], ['rows', 'rows'], ['rows_examined_per_scan', 'rows'],
  ['filtered', 'filtered %'], ['attached_condition', 'condition'],
]

function mysqlCost(value: unknown): string | null {
  if (!isObject(value)) return null
  const cost = value.query_cost ?? value.prefix_cost ?? value.sort_cost
  return cost === undefined ? null : `cost ${String(cost)}`
}

function mysqlNodes(key: string, value: unknown): PlanNode[] {
  if (Array.isArray(value)) return value.flatMap((item) => mysqlNodes(key, item))
  if (!isObject(value)) return []
  const children: PlanNode[] = []
  const details: string[] = []
  for (const [name, item] of Object.entries(value)) {
    if (name === 'cost_info') {
      const cost = mysqlCost(item)
      if (cost) details.push(cost)
    } else if (isObject(item) || (Array.isArray(item) && !item.every(scalar))) {
      children.push(...mysqlNodes(name, item))
    }
  }
  if (typeof value.table_name === 'string') {
    for (const [name, caption] of MYSQL_TABLE_DETAILS) {
      const text = textOf(value[name])
      if (text !== null) details.push(`${caption}: ${text}`)
    }
    return [{ label: value.table_name, details, children }]
  }
  if (MYSQL_TRANSPARENT.has(key) && !details.length) return children
  for (const [name, item] of Object.entries(value)) {
    const text = textOf(item)
    if (text !== null && details.length < 4) details.push(`${name.replace(/_/g, ' ')}: ${text}`)
  }
  return [{ label: key.replace(/_/g, ' '), details, children }]
}

// SQLite ------------------------------------------------------------------------------------

interface SqliteStep { id: number; parent: number; detail: string }

function isSqliteStep(value: unknown): value is SqliteStep {
  return isObject(value) && typeof value.id === 'number' && typeof value.parent === 'number' && typeof value.detail === 'string'
}

function sqliteTree(steps: readonly SqliteStep[]): PlanNode[] {
  const nodes = new Map(steps.map((step) => [step.id, { label: step.detail, details: [], children: [] } as PlanNode]))
  const roots: PlanNode[] = []
  for (const step of steps) {
    const node = nodes.get(step.id)
    const parent = nodes.get(step.parent)
    if (!node) continue
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

export function planTree(plan: unknown): PlanNode[] | null {
  if (Array.isArray(plan) && plan.length && plan.every(isSqliteStep)) return sqliteTree(plan)
  if (Array.isArray(plan) && plan.length && plan.every((item) => isObject(item) && isObject(item.Plan))) {
    return plan.map((item) => pgNode((item as { Plan: Json }).Plan))
  }
  if (isObject(plan) && isObject(plan.query_block)) {
    const nodes = mysqlNodes('query_block', plan.query_block)
    return nodes.length ? nodes : null
  }
  return null
}

/**
 * The one request for a page's foreign-key labels (`GET /api/tables/<t>/labels`): each
 * distinct value of each single-column foreign key shown, as the filter text the server
 * parses (and answers with).
 */
import { filterText } from './format'

/** column → value (as filter text) → the parent row's label */
export type LabelMap = Record<string, Record<string, string>>

export const LABEL_PREFIX = 'value_'

export function labelQuery(
  columns: readonly { name: string }[],
  rows: readonly (readonly unknown[])[],
  foreignKeys: ReadonlySet<string>,
  schema: string | null,
): URLSearchParams | null {
  const params = new URLSearchParams()
  if (schema) params.set('schema', schema)
  let any = false
  columns.forEach((column, i) => {
    if (!foreignKeys.has(column.name)) return
    const values = new Set<string>()
    for (const row of rows) {
      const value = filterText(row[i])
      if (value !== null) values.add(value)
    }
    for (const value of values) params.append(LABEL_PREFIX + column.name, value)
    any ||= values.size > 0
  })
  return any ? params : null
}

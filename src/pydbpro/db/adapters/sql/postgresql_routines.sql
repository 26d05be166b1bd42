-- Functions, procedures and aggregates, and sequences, of the visible non-system schemas
-- (SHOW_ROUTINES): names and signatures only, nothing runs.
SELECT n.nspname AS schema_name,
       p.proname AS name,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                      WHEN 'w' THEN 'function' ELSE 'function' END AS kind,
       '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
           || CASE WHEN p.prokind = 'p' THEN ''
                   ELSE ' → ' || pg_catalog.pg_get_function_result(p.oid) END AS signature
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE has_schema_privilege(n.oid, 'USAGE')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.objid = p.oid AND d.classid = 'pg_catalog.pg_proc'::regclass
                    AND d.deptype = 'e')
UNION ALL
SELECT n.nspname, c.relname, 'sequence', ''
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND has_schema_privilege(n.oid, 'USAGE')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 3, 2, 4

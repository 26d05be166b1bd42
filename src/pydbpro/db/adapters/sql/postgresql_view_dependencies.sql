-- For each view and materialized view, the relations its rewrite rule reads directly
-- (HIDDEN_TABLES hides a view over a hidden table; the catalog follows view chains).
SELECT DISTINCT vn.nspname AS view_schema, v.relname AS view_name,
       tn.nspname AS source_schema, t.relname AS source_name
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_catalog.pg_depend d
  ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
 AND d.refclassid = 'pg_catalog.pg_class'::regclass
JOIN pg_catalog.pg_class t ON t.oid = d.refobjid AND t.oid <> v.oid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
WHERE v.relkind IN ('v', 'm')
  AND vn.nspname NOT IN ('pg_catalog', 'information_schema')

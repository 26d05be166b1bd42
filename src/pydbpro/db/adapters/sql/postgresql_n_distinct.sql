-- Distinct values per column as ANALYZE estimated them: a negative n_distinct is minus
-- the fraction of the rows (times reltuples); a partitioned parent's rows are inherited.
SELECT s.attname AS name,
       CASE WHEN s.n_distinct >= 0 THEN s.n_distinct
            ELSE -s.n_distinct * GREATEST(c.reltuples, 0) END AS n
FROM pg_catalog.pg_stats AS s
JOIN pg_catalog.pg_namespace AS ns ON ns.nspname = s.schemaname
JOIN pg_catalog.pg_class AS c ON c.relnamespace = ns.oid AND c.relname = s.tablename
WHERE s.schemaname = :schema AND s.tablename = :table
ORDER BY s.inherited

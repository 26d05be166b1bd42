-- Tables, views and materialized views the current user may SELECT from.
-- reltuples is -1 for a table never analysed: reported as unknown, and such a table is
-- "countable" (counted exactly for the list) when it and its partitions fill at most
-- 1024 pages (8 MB): a COUNT over it takes milliseconds. Partitions come too, marked: they
-- are not listed (their parent stands for them) but can be opened from the parent.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       c.relkind::text AS kind,
       CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0
            THEN c.reltuples::bigint END AS estimated_rows,
       pn.nspname AS parent_schema,
       p.relname AS parent_name,
       c.relkind IN ('r', 'p') AND c.reltuples < 0
           AND (SELECT coalesce(sum(pg_catalog.pg_relation_size(t.relid)), 0)
                FROM pg_catalog.pg_partition_tree(c.oid) t)
               <= 1024 * current_setting('block_size')::bigint AS countable
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
LEFT JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND has_schema_privilege(n.oid, 'USAGE')
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname

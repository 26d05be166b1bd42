-- Foreign keys of other tables that reference the given table, columns in key order.
-- A partition or an inheritance child stands for its topmost parent (partitions are not
-- listed; a parent's rows include its children's), so each reference appears once: the
-- copies PostgreSQL makes of a parent's key on every partition (conparentid <> 0) are
-- skipped, and keys declared on each partition separately (as pagila does) are merged.
WITH RECURSIVE up (child, ancestor) AS (
    SELECT inhrelid, inhparent FROM pg_catalog.pg_inherits
    UNION
    SELECT up.child, i.inhparent
    FROM up JOIN pg_catalog.pg_inherits i ON i.inhrelid = up.ancestor
),
top (child, ancestor) AS (
    SELECT DISTINCT ON (child) child, ancestor
    FROM up
    WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = up.ancestor)
    ORDER BY child, ancestor
),
keys AS (
    SELECT con.conname AS name,
           COALESCE(top.ancestor, con.conrelid) AS source,
           array_agg(src_att.attname::text ORDER BY k.ord) AS columns,
           array_agg(ref_att.attname::text ORDER BY k.ord) AS ref_columns
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class ref ON ref.oid = con.confrelid
    JOIN pg_catalog.pg_namespace ref_ns ON ref_ns.oid = ref.relnamespace
    LEFT JOIN top ON top.child = con.conrelid
    CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(src_attnum, ref_attnum, ord)
    JOIN pg_catalog.pg_attribute src_att ON src_att.attrelid = con.conrelid AND src_att.attnum = k.src_attnum
    JOIN pg_catalog.pg_attribute ref_att ON ref_att.attrelid = con.confrelid AND ref_att.attnum = k.ref_attnum
    WHERE con.contype = 'f' AND con.conparentid = 0
      AND ref_ns.nspname = :schema AND ref.relname = :table
    GROUP BY con.oid, con.conname, COALESCE(top.ancestor, con.conrelid)
)
SELECT min(keys.name) AS name,
       src_ns.nspname AS schema_name,
       src.relname AS table_name,
       keys.columns,
       keys.ref_columns
FROM keys
JOIN pg_catalog.pg_class src ON src.oid = keys.source
JOIN pg_catalog.pg_namespace src_ns ON src_ns.oid = src.relnamespace
GROUP BY src_ns.nspname, src.relname, keys.columns, keys.ref_columns
ORDER BY src_ns.nspname, src.relname, min(keys.name)

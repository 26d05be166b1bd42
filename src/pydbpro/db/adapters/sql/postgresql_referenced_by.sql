-- Foreign keys of other tables that reference the given table, columns in key order.
SELECT con.conname AS name,
       src_ns.nspname AS schema_name,
       src.relname AS table_name,
       array_agg(src_att.attname::text ORDER BY k.ord) AS columns,
       array_agg(ref_att.attname::text ORDER BY k.ord) AS ref_columns
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class src ON src.oid = con.conrelid
JOIN pg_catalog.pg_namespace src_ns ON src_ns.oid = src.relnamespace
JOIN pg_catalog.pg_class ref ON ref.oid = con.confrelid
JOIN pg_catalog.pg_namespace ref_ns ON ref_ns.oid = ref.relnamespace
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(src_attnum, ref_attnum, ord)
JOIN pg_catalog.pg_attribute src_att ON src_att.attrelid = con.conrelid AND src_att.attnum = k.src_attnum
JOIN pg_catalog.pg_attribute ref_att ON ref_att.attrelid = con.confrelid AND ref_att.attnum = k.ref_attnum
WHERE con.contype = 'f' AND ref_ns.nspname = :schema AND ref.relname = :table
GROUP BY con.conname, src_ns.nspname, src.relname
ORDER BY src_ns.nspname, src.relname, con.conname

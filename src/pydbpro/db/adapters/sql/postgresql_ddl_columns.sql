-- Columns in order, as CREATE TABLE declares them (inherited ones are flagged).
SELECT quote_ident(a.attname) AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
            THEN (SELECT format('%I', collname) FROM pg_catalog.pg_collation
                  WHERE oid = a.attcollation) END AS collation,
       a.attnotnull AS not_null,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_,
       a.attislocal AS local,
       pg_catalog.col_description(a.attrelid, a.attnum) AS comment,
       quote_literal(pg_catalog.col_description(a.attrelid, a.attnum)) AS comment_literal
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = :oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum

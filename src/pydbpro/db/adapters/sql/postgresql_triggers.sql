-- Triggers of a relation (not the internal ones behind foreign keys). tgtype's bits:
-- 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate, 64 instead of.
SELECT t.tgname AS name,
       CASE WHEN t.tgtype & 64 <> 0 THEN 'INSTEAD OF'
            WHEN t.tgtype & 2 <> 0 THEN 'BEFORE' ELSE 'AFTER' END AS timing,
       array_to_string(ARRAY[
           CASE WHEN t.tgtype & 4 <> 0 THEN 'INSERT' END,
           CASE WHEN t.tgtype & 16 <> 0 THEN 'UPDATE' END,
           CASE WHEN t.tgtype & 8 <> 0 THEN 'DELETE' END,
           CASE WHEN t.tgtype & 32 <> 0 THEN 'TRUNCATE' END], ' OR ') AS event,
       pg_catalog.pg_get_triggerdef(t.oid, true) AS definition
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relname = :name AND NOT t.tgisinternal
ORDER BY t.tgname

-- Tables and views of the connected database; information_schema lists only objects the
-- user has privileges on. table_rows is InnoDB's estimate (NULL for views).
SELECT table_schema AS schema_name,
       table_name AS table_name,
       table_type AS kind,
       table_rows AS estimated_rows
FROM information_schema.tables
WHERE table_schema = DATABASE()
ORDER BY table_name

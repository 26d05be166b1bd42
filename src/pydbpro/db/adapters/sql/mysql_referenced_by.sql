-- Foreign keys of other tables that reference the given table, columns in key order.
SELECT constraint_name AS name,
       table_schema AS schema_name,
       table_name AS table_name,
       column_name AS column_name,
       referenced_column_name AS ref_column
FROM information_schema.key_column_usage
WHERE referenced_table_schema = :schema AND referenced_table_name = :table
ORDER BY table_schema, table_name, constraint_name, ordinal_position

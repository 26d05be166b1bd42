-- MariaDB's engine-independent statistics (ANALYZE TABLE ... PERSISTENT FOR ...): rows
-- per distinct value of any column, indexed or not; readable only with rights on mysql.*.
SELECT s.column_name AS name, t.cardinality / s.avg_frequency AS n
FROM mysql.column_stats AS s
JOIN mysql.table_stats AS t ON t.db_name = s.db_name AND t.table_name = s.table_name
WHERE s.db_name = :schema AND s.table_name = :table AND s.avg_frequency > 0

-- Distinct values of each column that leads an index, as the engine estimated them.
SELECT COLUMN_NAME AS name, MAX(CARDINALITY) AS n
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = :schema AND TABLE_NAME = :table AND SEQ_IN_INDEX = 1
  AND CARDINALITY IS NOT NULL
GROUP BY COLUMN_NAME

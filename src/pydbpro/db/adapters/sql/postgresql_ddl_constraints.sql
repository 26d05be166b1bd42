-- Constraints declared on the relation itself (not copies inherited from a parent):
-- primary key, unique, check, exclusion, then foreign keys.
SELECT format('%I', con.conname) AS name,
       pg_catalog.pg_get_constraintdef(con.oid, true) AS definition
FROM pg_catalog.pg_constraint con
WHERE con.conrelid = :oid AND con.conislocal AND con.contype IN ('p', 'u', 'c', 'x', 'f')
ORDER BY array_position(ARRAY['p', 'u', 'c', 'x', 'f']::"char"[], con.contype), con.conname

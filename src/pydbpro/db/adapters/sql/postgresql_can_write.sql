-- Whether this login could change data, were PyDBPro not read-only: a superuser, the owner
-- of a table, or a holder of INSERT/UPDATE/DELETE/TRUNCATE on one (has_table_privilege
-- counts ownership, superuser and grants through roles).
SELECT
    (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
    OR EXISTS (
        SELECT 1
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_toast%'
          AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
    ) AS can_write

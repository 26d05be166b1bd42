-- Whether this account holds a privilege that changes data, globally, on a database or on
-- a table. information_schema shows an administrator every account's privileges, so the
-- rows are narrowed to CURRENT_USER(), written as GRANTEE writes it: 'user'@'host'.
SELECT EXISTS (
    SELECT 1 FROM (
        SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES
        UNION ALL
        SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES
        UNION ALL
        SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES
    ) AS granted
    WHERE granted.GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                                   SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
      AND granted.PRIVILEGE_TYPE IN ('INSERT', 'UPDATE', 'DELETE', 'DROP', 'ALTER')
) AS can_write

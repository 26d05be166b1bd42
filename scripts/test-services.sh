#!/usr/bin/env bash
# Start the local PostgreSQL, MariaDB and Redis servers the test suite uses, when they are installed
# here but not running. Never fatal outside CI: the tests then skip loudly instead.
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
mysql_up() { mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

wait_for() {  # name, check function
  for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
  echo "warning: $1 did not come up" >&2
  return 1
}

status=0
if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "starting PostgreSQL..." >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  wait_for PostgreSQL pg_up || status=1
fi
if ! mysql_up && [ -x /usr/sbin/mariadbd ]; then
  echo "starting MariaDB..." >&2
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  wait_for MariaDB mysql_up || status=1
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  echo "starting Redis..." >&2
  # A cache and counters for the tests: nothing to persist.
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes \
    >/dev/null || true
  wait_for Redis redis_up || status=1
fi
if [ "${CI:-}" = "true" ]; then exit "$status"; fi
exit 0

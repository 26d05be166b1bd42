#!/usr/bin/env bash
# The Containerfile's steps without a container engine (none runs where PyDBPro is developed):
# each stage in a clean directory of its own, given only what the Containerfile copies into
# it; then the runtime stage's CMD started as an unprivileged user with the image's settings,
# its HEALTHCHECK run, the UI fetched, and the STOPSIGNAL sent. Keep it in step with the
# Containerfile. Usage: scripts/containerfile-steps.sh [EMPTY-WORK-DIR]  (run as root)
#
# What differs from a real image build: the base images are this machine's Node and Python;
# the runtime borrows the dependencies installed in PYTHON's environment (a .pth line) instead
# of installing their wheels from PyPI; the runtime's Python is the system's (RUNTIME_PYTHON);
# the user is `nobody` instead of uid 10001; HOST is 127.0.0.1 instead of 0.0.0.0.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/containerfile-steps.XXXXXX")}
mkdir -p "$work" && chmod 755 "$work"
work=$(cd "$work" && pwd)
step() { printf '\n== %s\n' "$*" >&2; }
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; true' EXIT

step "build context: $repo without what .containerignore lists -> $work/context"
# As rsync filters, anchored at the context's root; "**/x" also matches x at the root.
awk '/^#/ || /^$/ { next } /^\*\*\// { print "/" substr($0, 4) } { print "/" $0 }' \
  "$repo/.containerignore" >"$work/ignore"
rsync -a --exclude-from="$work/ignore" "$repo/" "$work/context/"
ctx=$work/context
left=$(cd "$ctx" && find . -name node_modules -o -name .venv -o -name __pycache__ \
  -o -path ./.git -o -path ./src/pydbpro_ui/dist -o -path ./var -o -path ./dist -o -path ./.env)
[ -z "$left" ] || { echo "the build context still holds: $left (.containerignore)" >&2; exit 1; }
du -sh "$ctx" >&2

step "stage ui: npm ci, then npm run build:only"
ui=$work/ui/src/src/pydbpro_ui/web
mkdir -p "$ui"
cp "$ctx/src/pydbpro_ui/web/package.json" "$ctx/src/pydbpro_ui/web/package-lock.json" "$ui/"
(cd "$ui" && npm ci --no-audit --no-fund --loglevel=error)
cp -a "$ctx/src/pydbpro_ui/web/." "$ui/"
(cd "$ui" && npm run build:only >/dev/null)

step "stage wheel: pip wheel, without Node on PATH"
wheel=$work/wheel/src
mkdir -p "$wheel/src/pydbpro_ui"
cp "$ctx/pyproject.toml" "$ctx/README.md" "$ctx/MANIFEST.in" "$wheel/"
cp -a "$ctx/buildsys" "$wheel/buildsys"
cp -a "$ctx/src/pydbpro" "$wheel/src/pydbpro"
cp "$ctx/src/pydbpro_ui/__init__.py" "$wheel/src/pydbpro_ui/"
cp -a "$work/ui/src/src/pydbpro_ui/dist" "$wheel/src/pydbpro_ui/dist"
(cd "$wheel" && env -u PYTHONPATH PATH="$(dirname "$python")" \
  "$python" -m pip wheel --quiet --no-cache-dir --no-deps --wheel-dir "$work/wheels" .)
ls -l "$work"/wheels/pydbpro-*.whl >&2

step "stage runtime: a fresh environment, the wheel installed offline"
# The system's Python of the same version: the user `nobody` may not reach PYTHON's own.
minor=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
runtime_python=${RUNTIME_PYTHON:-/usr/bin/python$minor}
venv=$work/runtime/venv
"$runtime_python" -m venv --without-pip "$venv"
purelib=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
"$python" -c 'import sys; print(*[p for p in sys.path if p.endswith("site-packages")], sep="\n")' \
  >"$purelib/_borrowed.pth"
env -u PYTHONPATH "$python" -m pip --python "$venv/bin/python" install --quiet --no-deps \
  --no-index "$work"/wheels/pydbpro-*.whl
home=$work/runtime/var/lib/pydbpro
mkdir -p "$home"
"$python" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE t (id INTEGER)")' \
  "$home/explored.sqlite3"
chown -R nobody:nogroup "$home"

image_json() {  # the JSON array after "$1" on a Containerfile line, one word per line
  "$python" -c 'import json, sys
line = next(l for l in open(sys.argv[1]) if l.startswith(sys.argv[2] + " "))
print(*json.loads(line[line.index("["):]), sep="\n")' "$repo/Containerfile" "$1"
}
mapfile -t cmd < <(image_json CMD)
mapfile -t healthcheck < <(image_json HEALTHCHECK)
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The runtime's USER, WORKDIR and ENV (HOST and PORT: see above), exec'd (no subshell), so
# that the signal below reaches the server itself.
as_image=(setpriv --reuid=nobody --regid=nogroup --clear-groups env -i -C "$home"
  PATH="$venv/bin:/usr/local/bin:/usr/bin:/bin" HOME="$home" DATA_DIR="$home"
  HOST=127.0.0.1 PORT="$port" PYTHONUNBUFFERED=1
  DATABASE_URL="sqlite:///$home/explored.sqlite3"
  SECRET_KEY="containerfile-steps-$(date +%s%N)-0123456789abcdefghijkl")

step "CMD ${cmd[*]} (as nobody, port $port)"
"${as_image[@]}" "${cmd[@]}" >"$work/server.log" 2>&1 &
server=$!
for i in $(seq 1 60); do
  if "${as_image[@]}" "${healthcheck[@]}" 2>/dev/null; then break; fi
  [ "$i" = 60 ] && { cat "$work/server.log" >&2; echo "HEALTHCHECK never passed" >&2; exit 1; }
  sleep 1
done
echo "HEALTHCHECK passed after ${i} s; the server runs as $(ps -o user= -p "$server")" >&2

step "the UI: /login and its hashed assets"
"$venv/bin/python" - "$port" <<'EOF'
import re, sys, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
with urllib.request.urlopen(f"{base}/login", timeout=10) as response:
    page = response.read().decode()
    assert response.status == 200 and '<div id="app">' in page, page[:300]
for asset in re.findall(r'(?:src|href)="(/assets/[^"]+)"', page):
    with urllib.request.urlopen(base + asset, timeout=10) as response:
        print(f"  {response.status} {response.headers['Content-Type']:<32} {asset}", file=sys.stderr)
EOF

step "STOPSIGNAL SIGTERM"
started=$(date +%s%N)
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=""
echo "stopped in $(( ($(date +%s%N) - started) / 1000000 )) ms, exit status $status" >&2
if grep -q Traceback "$work/server.log"; then cat "$work/server.log" >&2; exit 1; fi
[ "$status" = 0 ] || { cat "$work/server.log" >&2; exit 1; }
step "done: the image's steps build and serve the UI (work directory: $work)"

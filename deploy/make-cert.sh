#!/bin/sh
# A self-signed TLS certificate for trying compose.yaml: writes certs/pydbpro.crt and
# certs/pydbpro.key beside this script (or in $CERT_DIR). Browsers warn about it; in
# production put a certificate from your CA (or ACME) in the same two files.
#   ./make-cert.sh [HOST-NAME]      (default: localhost)
set -eu
name=${1:-localhost}
dir=${CERT_DIR:-$(dirname "$0")/certs}
if [ -e "$dir/pydbpro.key" ]; then
  echo "$dir/pydbpro.key exists; remove it first to make a new certificate" >&2
  exit 1
fi
san="DNS:localhost,IP:127.0.0.1"
[ "$name" = localhost ] || san="DNS:$name,$san"
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:3072 -sha256 -days 365 -nodes \
  -keyout "$dir/pydbpro.key" -out "$dir/pydbpro.crt" \
  -subj "/CN=$name" -addext "subjectAltName=$san" 2>/dev/null
chmod 644 "$dir/pydbpro.crt"
echo "wrote $dir/pydbpro.crt and $dir/pydbpro.key (self-signed for $name, 365 days)"

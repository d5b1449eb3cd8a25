#!/usr/bin/env bash
# Writes deploy/.env for compose.yaml with fresh random secrets (the variables of .env.example). Refuses to
# overwrite an existing file: the PostgreSQL volume holds data sealed with the key ring in it.
set -euo pipefail
cd "$(dirname "$0")"
if [[ -e .env ]]; then
  echo "deploy/.env exists; remove it (and 'docker compose down -v') to start afresh" >&2
  exit 1
fi
random_b64() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
umask 077
cat > .env <<ENV
POSTGRES_USER=tokenbroker
POSTGRES_PASSWORD=$(random_b64 24 | tr '+/' '-_' | tr -d '=')
TOKENBROKER_ENCRYPTION_KEYS=k1:$(random_b64 32)
TOKENBROKER_BOOTSTRAP_ADMIN_KEY=tbk_$(tr -dc 'a-z0-9' </dev/urandom | head -c16)_$(random_b64 32 | tr '+/' '-_' | tr -d '=')
SANDBOX_CLIENT_ID=demo-client
SANDBOX_CLIENT_SECRET=$(random_b64 24 | tr '+/' '-_' | tr -d '=')
TOKENBROKER_HOST_PORT=8080
ENV
echo "wrote deploy/.env; your admin key: grep TOKENBROKER_BOOTSTRAP_ADMIN_KEY deploy/.env"

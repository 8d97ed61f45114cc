#!/usr/bin/env bash
# Runs the microservices mode on this machine, one process per component, on
# the local PostgreSQL and NATS JetStream (start them with scripts/services.sh
# or scripts/test first). Ctrl+C stops everything.
#
#   deploy/local/microservices.sh            # gateway on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

: "${POSTGRES_ADMIN_URL:=postgres://postgres:postgres@127.0.0.1:5432/postgres}"
: "${MIROIR_NATS_URL:=nats://127.0.0.1:4222}"
state="${MIROIR_LOCAL_STATE:-$HOME/.cache/miroir/local}"
mkdir -p "$state"

cargo build --release -p miroir
bin="${CARGO_TARGET_DIR:-target}/release/miroir"

# One database per service, as in production.
base="${POSTGRES_ADMIN_URL%/*}"
for service in identity reports publications dialogue notifications transparency; do
    psql "$POSTGRES_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = 'miroir_$service'" | grep -q 1 \
        || psql "$POSTGRES_ADMIN_URL" -c "CREATE DATABASE miroir_$service"
done

# The operator's first steps, once: a commune and its administrator.
if ! "$bin" admin --database-url "$base/miroir_identity" list-communes | grep -q '^75056'; then
    "$bin" admin --database-url "$base/miroir_identity" register-commune --insee 75056 --name Paris --department 75
    "$bin" admin --database-url "$base/miroir_identity" create-admin --commune 75056 --email admin@paris.example
fi

# The secret identity and notifications share for the directory of addresses: kept beside the local state.
secret_file="$state/internal-secret"
[[ -s "$secret_file" ]] || (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$secret_file")
MIROIR_INTERNAL_SECRET="$(cat "$secret_file")"
export MIROIR_NATS_URL MIROIR_LOG_FORMAT="${MIROIR_LOG_FORMAT:-text}" MIROIR_IDENTITY_URL=http://127.0.0.1:50052 \
    MIROIR_INTERNAL_SECRET
trap 'kill 0' EXIT
MIROIR_DATABASE_URL="$base/miroir_identity" MIROIR_GRPC_LISTEN=127.0.0.1:50052 MIROIR_ADMIN_LISTEN=127.0.0.1:9092 \
    "$bin" serve identity &
MIROIR_DATABASE_URL="$base/miroir_reports" MIROIR_GRPC_LISTEN=127.0.0.1:50051 MIROIR_ADMIN_LISTEN=127.0.0.1:9091 \
    MIROIR_OBJECT_STORE="${MIROIR_OBJECT_STORE:-${XDG_DATA_HOME:-$HOME/.local/share}/miroir/objects}" \
    "$bin" serve reports &
MIROIR_DATABASE_URL="$base/miroir_publications" MIROIR_GRPC_LISTEN=127.0.0.1:50053 MIROIR_ADMIN_LISTEN=127.0.0.1:9093 \
    MIROIR_OBJECT_STORE="${MIROIR_OBJECT_STORE:-${XDG_DATA_HOME:-$HOME/.local/share}/miroir/objects}" \
    "$bin" serve publications &
MIROIR_DATABASE_URL="$base/miroir_dialogue" MIROIR_GRPC_LISTEN=127.0.0.1:50054 MIROIR_ADMIN_LISTEN=127.0.0.1:9094 \
    "$bin" serve dialogue &
MIROIR_DATABASE_URL="$base/miroir_notifications" MIROIR_GRPC_LISTEN=127.0.0.1:50055 MIROIR_ADMIN_LISTEN=127.0.0.1:9095 \
    "$bin" serve notifications &
MIROIR_DATABASE_URL="$base/miroir_transparency" MIROIR_GRPC_LISTEN=127.0.0.1:50056 MIROIR_ADMIN_LISTEN=127.0.0.1:9096 \
    "$bin" serve transparency &
MIROIR_REPORTS_URL=http://127.0.0.1:50051 MIROIR_PUBLICATIONS_URL=http://127.0.0.1:50053 \
    MIROIR_DIALOGUE_URL=http://127.0.0.1:50054 MIROIR_NOTIFICATIONS_URL=http://127.0.0.1:50055 \
    MIROIR_TRANSPARENCY_URL=http://127.0.0.1:50056 MIROIR_HTTP_LISTEN=127.0.0.1:8080 MIROIR_ADMIN_LISTEN=127.0.0.1:9090 \
    "$bin" serve gateway &
echo "gateway: http://127.0.0.1:8080/api/openapi.json — sign in with POST /api/v1/auth/login"
wait

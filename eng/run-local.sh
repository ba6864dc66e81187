#!/usr/bin/env bash
# Runs Alerts on this machine: Azurite (data kept in .azurite/, git-ignored, or AZURITE_LOCATION) and then the app, which fires
# its own timers and polls its own queues because no Functions host is in front of it.
# Needs only the .NET 10 SDK and Node.js. Stops Azurite when the app exits.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing the pinned Azurite (npm ci)..."
  npm ci --no-audit --no-fund
fi

blob_port="${AZURITE_BLOB_PORT:-10000}" queue_port="${AZURITE_QUEUE_PORT:-10001}" table_port="${AZURITE_TABLE_PORT:-10002}"
location="${AZURITE_LOCATION:-.azurite}"
mkdir -p "$location"
node_modules/.bin/azurite --location "$location" --silent --skipApiVersionCheck --loose --disableTelemetry \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort "$table_port" &
azurite_pid=$!
app_pid=""
# A signal sent to this script alone (a service manager, `timeout`) must stop both children, not orphan them.
trap 'kill $app_pid "$azurite_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Wait for the table endpoint so the app's start-up can create its tables.
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$table_port") 2>/dev/null; then break; fi
  sleep 0.2
done

# Azurite's well-known development account, on whichever ports it was given.
export AzureWebJobsStorage="${AzureWebJobsStorage:-DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;}"

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
# In the background and waited for, so a signal reaches the traps at once instead of after the app exits.
dotnet run --project functions/Alerts.Functions --launch-profile "" --urls "${ALERTS_URLS:-http://127.0.0.1:7071}" "$@" &
app_pid=$!
wait "$app_pid"

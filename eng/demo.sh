#!/usr/bin/env bash
# Try the whole journey with no accounts and no internet: the app (as ./eng/run-local.sh runs it) with
# Parliament's Bills and Votes APIs, postcodes.io and the Members API served from loopback (the recorded
# responses in tests/fixtures), 300 generated supporters, a staff key, and the outbox instead of SendGrid
# and Twilio. Starts afresh each time (data in .demo/, git-ignored). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

url="${ALERTS_URLS:-http://127.0.0.1:7071}"
demo=.demo
rm -rf "$demo"
mkdir -p "$demo"

echo "Building the app and the demo's stand-ins (first time: a minute or two)..."
dotnet build functions/Alerts.Functions -c Debug -v q --nologo >"$demo/build.log" 2>&1 || { cat "$demo/build.log"; exit 1; }
dotnet build eng/Alerts.Demo -c Debug -v q --nologo >>"$demo/build.log" 2>&1 || { cat "$demo/build.log"; exit 1; }
app_dll=artifacts/bin/Alerts.Functions/debug/Alerts.Functions.dll
demo_dll=artifacts/bin/Alerts.Demo/debug/Alerts.Demo.dll

fakes_pid="" app_pid=""
trap 'kill $app_pid $fakes_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

dotnet "$demo_dll" fakes "$demo/fakes.env" >"$demo/fakes.log" 2>&1 &
fakes_pid=$!
for _ in $(seq 1 100); do [ -f "$demo/fakes.env" ] && break; sleep 0.2; done
[ -f "$demo/fakes.env" ] || { echo "The demo's stand-ins did not start:"; cat "$demo/fakes.log"; exit 1; }
# shellcheck disable=SC1091
source "$demo/fakes.env"

# The recorded divisions are from November 2024; the timers run every minute so nothing waits long.
export Votes__WatchFrom=2024-10-01
export WatchBills__Schedule="0 * * * * *" WatchDivisions__Schedule="30 * * * * *"
export Alerting__CharityName="Fair Rates (demo)"
export Alerting__PublicBaseUrl="$url/"
export ASPNETCORE_ENVIRONMENT=Development
export AZURITE_LOCATION="$demo/azurite"
table_port="${AZURITE_TABLE_PORT:-10002}"
export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${AZURITE_BLOB_PORT:-10000}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${AZURITE_QUEUE_PORT:-10001}/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"

ALERTS_URLS="$url" ./eng/run-local.sh >"$demo/app.log" 2>&1 &
app_pid=$!
echo "Starting Alerts at $url (log: $demo/app.log)..."
for _ in $(seq 1 300); do
  if curl -fsS "$url/api/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$app_pid" 2>/dev/null; then echo "The app stopped:"; tail -n 30 "$demo/app.log"; exit 1; fi
  sleep 0.5
done
curl -fsS "$url/api/health" >/dev/null || { echo "The app did not answer:"; tail -n 30 "$demo/app.log"; exit 1; }

key=$(dotnet "$app_dll" create-api-key --name "Demo" --scopes read,write,send | tail -n 1)
dotnet "$demo_dll" seed "$url" "$key"
echo "$key" >"$demo/staff-key"

cat <<INFO

Alerts demo is running. Open $url/console and sign in with this staff key (also in $demo/staff-key):

  $key

Try: Bills (search "rating": a recorded bill), Supporters (tag "rates"), Import (any CSV, e.g. with a bad
row), Segments (tag "rates"), Campaigns (draft, preview, test-send, approve, send; messages land in the
campaign's outbox), and "How your MP voted": in Rules, a rule on "a division is recorded" for the watched
bill; then in Divisions (read every minute from the recorded Commons and Lords votes) confirm commons-1873
with what an aye and a no mean, and the rule drafts a follow-up telling each supporter how their MP voted.
The API takes the same key:

  curl -H "X-Api-Key: $key" '$url/api/v1/divisions?state=proposed'

Ctrl-C stops the demo.
INFO
wait "$app_pid"

#!/usr/bin/env bash
# Builds the deployable function app: the publish folder is the function-app root (host.json, one folder
# per function with its function.json, the self-contained linux-x64 handler), zipped with the handler's
# executable bit kept. Usage: eng/publish.sh [output-folder]   (default: artifacts/functionapp)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/functionapp}"
rm -rf "$out/app" "$out/alerts-functionapp.zip"
dotnet publish functions/Alerts.Functions -c Release -o "$out/app" --nologo
chmod +x "$out/app/Alerts.Functions"
(cd "$out/app" && zip -q -r -X ../alerts-functionapp.zip .)
echo "Published $out/app and $out/alerts-functionapp.zip"

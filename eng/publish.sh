#!/usr/bin/env bash
# Builds the deployable function app: the publish folder is the function-app root (host.json,
# functions.metadata, worker.config.json, extensions.json and the framework-dependent app), zipped for
# one-deploy (`az functionapp deploy --src-path …zip --type zip`).
# Usage: eng/publish.sh [output-folder]   (default: artifacts/functionapp)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/functionapp}"
rm -rf "$out/app" "$out/alerts-functionapp.zip"
dotnet publish functions/Alerts.Functions -c Release -o "$out/app" --nologo
(cd "$out/app" && zip -q -r -X ../alerts-functionapp.zip .)
echo "Published $out/app and $out/alerts-functionapp.zip"

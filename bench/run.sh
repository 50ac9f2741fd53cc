#!/usr/bin/env bash
# Runs the SparkShip.Sdk benchmark and writes bench/results/latest.md and latest.json.
#   ./bench/run.sh            the full benchmark (small and large app; a few minutes on 2 cores once cached)
#   ./bench/run.sh --smoke    a tiny run (small app, 1 repetition) that only checks the benchmark works
#   ./bench/run.sh --help     every option
# Everything it downloads or builds stays under bench/.cache (NUGET_PACKAGES included; never ~/.nuget).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export NUGET_PACKAGES="${SPARKSHIP_BENCH_PACKAGES:-$root/bench/.cache/nuget}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! command -v zip >/dev/null 2>&1 || ! command -v unzip >/dev/null 2>&1; then
  echo "zip/unzip not found; installing them (Debian packages 'zip' and 'unzip')"
  if [ "$(id -u)" = "0" ]; then (apt-get update -qq && apt-get install -y -qq zip unzip) >/dev/null 2>&1; fi
fi
cd "$root"
dotnet build "$root/bench/SparkShip.Bench/SparkShip.Bench.csproj" -c Release -nologo -v:q -nr:false
exec dotnet "$root/bench/SparkShip.Bench/bin/Release/net10.0/SparkShip.Bench.dll" --packages "$NUGET_PACKAGES" "$@"

#!/usr/bin/env bash
# Runs every test of the repository (unit, in-process target and integration) and ends with one line: "N passed, N failed".
# The integration tests pack the SDK themselves and build throwaway projects under $TMPDIR/sparkship-it,
# with a package cache of their own (never the user's).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# The archive tests cross-check our zips with Info-ZIP's unzip.
if ! command -v unzip >/dev/null 2>&1; then
  echo "unzip not found; installing it (Debian package 'unzip')"
  if [ "$(id -u)" = "0" ]; then (apt-get update -qq && apt-get install -y -qq unzip) >/dev/null 2>&1; fi
fi

dotnet test "$root/SparkShip.Sdk.sln" --logger "trx" --results-directory "$results" "$@"
rc=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $rc without a failed test (a build error?): see above." >&2
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"

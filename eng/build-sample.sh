#!/usr/bin/env bash
# The main job: packs SparkShip.Sdk into artifacts/packages and builds samples/WordCount into a Spark bundle,
# then prints where the bundle is.
#
# The sample references the real Microsoft.Spark 2.3.1. Where that package cannot be restored (a machine
# without nuget.org), this script says so and builds a copy of the sample under artifacts/ against the test-only
# stand-in assembly instead (tests/Assets/MicrosoftSparkStandIn); the sample's own files are never changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="$root/artifacts"
# A package cache of the sample's own: the sample pins SparkShip.Sdk 0.1.0, and a cache shared with other
# builds would keep serving an older package of that same version after a re-pack.
export NUGET_PACKAGES="$artifacts/nuget-packages"
rm -rf "$NUGET_PACKAGES/sparkship.sdk"

echo "==> Packing SparkShip.Sdk into $artifacts/packages"
dotnet pack "$root/SparkShip.Sdk.sln" -c Release -o "$artifacts/packages" -nologo -v:q

sample="$root/samples"
log="$artifacts/sample-build.log"
echo "==> Building samples/WordCount"
if dotnet build "$sample/WordCount/WordCount.csproj" -nologo >"$log" 2>&1; then
  project_dir="$sample/WordCount"
else
  if grep -q "NU1101.*Microsoft.Spark\|Unable to find package Microsoft.Spark" "$log"; then
    echo "    Microsoft.Spark cannot be restored from this machine's package sources (see $log)."
    echo "    Building a copy of the sample against the test-only Microsoft.Spark stand-in instead."
    copy="$artifacts/sample-standin"
    rm -rf "$copy"; mkdir -p "$copy"
    (cd "$sample" && tar --exclude=bin --exclude=obj -cf - .) | (cd "$copy" && tar -xf -)
    sed -i "s#\.\./artifacts/packages#$artifacts/packages#" "$copy/nuget.config"
    dotnet build "$root/tests/Assets/MicrosoftSparkStandIn/Microsoft.Spark.StandIn.csproj" -c Release -o "$artifacts/standin" -nologo -v:q
    sed -i "s#<PackageReference Include=\"Microsoft.Spark\" Version=\"2.3.1\" />#<Reference Include=\"Microsoft.Spark\"><HintPath>$artifacts/standin/Microsoft.Spark.dll</HintPath></Reference>#" \
      "$copy/WordCount/WordCount.csproj"
    dotnet build "$copy/WordCount/WordCount.csproj" -nologo | tee "$log"
    project_dir="$copy/WordCount"
  else
    cat "$log"
    exit 1
  fi
fi

bundle="$project_dir/bin/Debug/net8.0/spark-bundle"
echo
echo "==> Spark bundle of the sample: $bundle"
ls -l "$bundle"

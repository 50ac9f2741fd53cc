// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces ConfigurationService.GetWorkerExePath and
// WorkerDirEnvVarName of dotnet/spark (src/csharp/Microsoft.Spark/Services/ConfigurationService.cs): the variable is
// chosen and read once, on first use, and the path cached for the life of the process. Built only by SparkShip's
// tests, never packed or shipped as a NuGet package.

using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Microsoft.Spark.StandIn
{
    internal static class WorkerPath
    {
        private static string s_workerPath;

        internal static string Get()
        {
            lock (CallLog.Sync)
            {
                if (s_workerPath != null) return s_workerPath;
                string fileName = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "Microsoft.Spark.Worker.exe" : "Microsoft.Spark.Worker";
                Version version = typeof(WorkerPath).Assembly.GetName().Version;
                int[] parts = { version.Major, version.Minor, version.Build };
                string variable = "DOTNET_WORKER_DIR";
                for (int n = parts.Length; n > 0; n--)
                {
                    string name = "DOTNET_WORKER_" + string.Join("_", parts.Take(n)) + "_DIR";
                    if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name))) { variable = name; break; }
                }
                string dir = Environment.GetEnvironmentVariable(variable);
                s_workerPath = string.IsNullOrEmpty(dir) ? fileName : Path.Combine(dir, fileName);
                return s_workerPath;
            }
        }
    }
}

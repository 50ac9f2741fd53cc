// TEST-ONLY: REPRODUCES the assembly lookup rules of Microsoft.Spark.Worker 2.3.1 on net8.0 (spark-facts.md §1):
// AssemblySearchPathResolver.GetAssemblySearchPaths, AssemblyLoader.LoadAssembly/ResolveAssembly/TryLoadAssembly
// (dotnet/spark src/csharp/Microsoft.Spark/Utils/AssemblyLoader.cs) and the net8.0 branch of
// AssemblyLoaderHelper.Setup (src/csharp/Microsoft.Spark.Worker/Utils/AssemblyLoaderHelper.cs). It is a
// reimplementation for tests, not the worker; the REPL (DOTNET_REPL) package unpacking is not reproduced.

using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace SparkShip.Tests.WorkerHarness
{
    internal sealed class WorkerAssemblyLoader
    {
        internal const string AssemblySearchPathsEnvVarName = "DOTNET_ASSEMBLY_SEARCH_PATHS";

        // Same extension order as the worker: the outer loop of ResolveAssembly, so ".dll" is tried in every folder
        // before ".ni.dll" is tried in any.
        private static readonly string[] s_extensions =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? new[] { ".dll", ".exe", ".ni.dll", ".ni.exe" }
                : new[] { ".dll", ".ni.dll" };

        // Roslyn (REPL) assembly names, normalized like the worker does.
        private static readonly Regex s_roslynAssemblyNameRegex = new Regex(
            "^\u211B\\*([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})#([0-9]+-[0-9]+)",
            RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private readonly Dictionary<string, Assembly> _assemblyCache = new Dictionary<string, Assembly>();
        private readonly object _cacheLock = new object();

        // Computed once per process, lazily, like the worker's s_searchPaths.
        private readonly Lazy<string[]> _searchPaths;
        private readonly Action<string> _log;
        private bool _initialized;

        internal WorkerAssemblyLoader(string? sparkFilesRoot, Action<string> log)
        {
            _searchPaths = new Lazy<string[]>(() => GetAssemblySearchPaths(sparkFilesRoot));
            _log = log;
        }

        internal IReadOnlyList<string> SearchPaths => _searchPaths.Value;

        /// <summary>Worker log lines (the worker's LogWarn messages) for lookups that failed.</summary>
        internal List<string> Failures { get; } = new List<string>();

        /// <summary>
        /// 1) each comma-separated entry of DOTNET_ASSEMBLY_SEARCH_PATHS, trimmed; an entry starting with "." is
        /// combined with the current directory (not normalized; an empty entry stays "", i.e. the current
        /// directory via a relative path); 2) the SparkFiles root when set; 3) the current directory; 4) the
        /// directory of the application (AppDomain.CurrentDomain.BaseDirectory).
        /// </summary>
        internal static string[] GetAssemblySearchPaths(string? sparkFilesRoot)
        {
            var searchPaths = new List<string>();
            string? searchPathsStr = Environment.GetEnvironmentVariable(AssemblySearchPathsEnvVarName);

            if (!string.IsNullOrEmpty(searchPathsStr))
            {
                foreach (string searchPath in searchPathsStr.Split(','))
                {
                    string trimmedSearchPath = searchPath.Trim();
                    if (trimmedSearchPath.StartsWith(".", StringComparison.Ordinal))
                    {
                        searchPaths.Add(Path.Combine(Directory.GetCurrentDirectory(), trimmedSearchPath));
                    }
                    else
                    {
                        searchPaths.Add(trimmedSearchPath);
                    }
                }
            }

            // On the worker this is SparkFiles.GetRootDirectory(), set from the task; here --sparkfiles-root.
            if (!string.IsNullOrWhiteSpace(sparkFilesRoot))
            {
                searchPaths.Add(sparkFilesRoot);
            }

            searchPaths.Add(Directory.GetCurrentDirectory());
            searchPaths.Add(AppDomain.CurrentDomain.BaseDirectory);

            return searchPaths.ToArray();
        }

        /// <summary>
        /// AssemblyLoaderHelper.Setup on net8.0: assemblies are loaded into the default context by path, and the
        /// default context's Resolving event looks dependencies up by simple name in the same folders. Native
        /// libraries get no handler: the runtime's default DllImport probing applies.
        /// </summary>
        internal void Setup()
        {
            if (_initialized)
            {
                return;
            }

            AssemblyLoadContext.Default.Resolving += (assemblyLoadContext, assemblyName) =>
                ResolveAssembly(assemblyName.FullName);
            _initialized = true;
        }

        /// <summary>
        /// The UDF assembly: cached by full name, otherwise found by its FILE name (no extension probing) in the
        /// search paths, first hit wins. Returns null when not found (the worker then throws
        /// FileNotFoundException "Assembly '{name}' file not found '{file}'").
        /// </summary>
        internal Assembly? LoadAssembly(string assemblyName, string assemblyFileName)
        {
            // assemblyFileName is empty when a UDF was serialized from within the REPL.
            if (string.IsNullOrWhiteSpace(assemblyFileName))
            {
                return ResolveAssembly(assemblyName);
            }

            lock (_cacheLock)
            {
                if (_assemblyCache.TryGetValue(assemblyName, out Assembly? assembly))
                {
                    return assembly;
                }

                if (TryLoadAssembly(assemblyFileName, ref assembly))
                {
                    _assemblyCache[assemblyName] = assembly!;
                    return assembly;
                }

                Fail(string.Format(
                    "Assembly '{0}' file not found '{1}' in '{2}'",
                    assemblyName,
                    assemblyFileName,
                    string.Join(",", _searchPaths.Value)));

                return null;
            }
        }

        /// <summary>
        /// A dependency: cached by full name, otherwise "{simple name}{extension}" for each extension in turn, in
        /// each search path, flat (no deps.json, no runtimes/ folders).
        /// </summary>
        internal Assembly? ResolveAssembly(string assemblyName)
        {
            lock (_cacheLock)
            {
                if (_assemblyCache.TryGetValue(assemblyName, out Assembly? assembly))
                {
                    return assembly;
                }

                string simpleAsmName = NormalizeAssemblyName(new AssemblyName(assemblyName).Name!);
                foreach (string extension in s_extensions)
                {
                    string assemblyFileName = $"{simpleAsmName}{extension}";
                    if (TryLoadAssembly(assemblyFileName, ref assembly))
                    {
                        _assemblyCache[assemblyName] = assembly!;
                        _log($"resolved '{assemblyName}' from '{assembly!.Location}'");
                        return assembly;
                    }
                }

                Fail(string.Format(
                    "Assembly '{0}' file not found '{1}[{2}]' in '{3}'",
                    assemblyName,
                    simpleAsmName,
                    string.Join(",", s_extensions),
                    string.Join(",", _searchPaths.Value)));

                return null;
            }
        }

        internal static string NormalizeAssemblyName(string assemblyName)
        {
            Match match = s_roslynAssemblyNameRegex.Match(assemblyName);
            return match.Success ? $"{match.Groups[1].Value}-{match.Groups[2].Value}" : assemblyName;
        }

        private bool TryLoadAssembly(string assemblyFileName, ref Assembly? assembly)
        {
            foreach (string searchPath in _searchPaths.Value)
            {
                var assemblyFile = new FileInfo(Path.Combine(searchPath, assemblyFileName));
                if (assemblyFile.Exists)
                {
                    try
                    {
                        assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(assemblyFile.FullName);
                        return true;
                    }
                    catch (Exception ex) when (ex is FileLoadException || ex is BadImageFormatException)
                    {
                        // Ignore invalid assemblies, as the worker does.
                        _log($"ignored '{assemblyFile.FullName}': {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }

            return false;
        }

        private void Fail(string message)
        {
            Failures.Add(message);
            _log("WARN " + message);
        }
    }
}

// TEST-ONLY harness that REPRODUCES the assembly lookup rules of Microsoft.Spark.Worker 2.3.1 (see
// WorkerAssemblyLoader.cs and spark-facts.md §1). It loads a UDF assembly by FILE name from the worker's folder
// list, resolves its dependencies through a Resolving hook on AssemblyLoadContext.Default, and invokes one static
// method string -> string/int/long, the way a UDF would run on an executor. It is not the worker.
//
// Usage:
//   WorkerHarness --assembly-file <file name, e.g. WordCount.Udfs.dll> --type <full type name>
//                 --method <static method name> --input <string>
//                 [--sparkfiles-root <dir>] [--assembly-name <assembly full name as the driver serialized it>]
//
// Folders searched, in order, flat: each entry of DOTNET_ASSEMBLY_SEARCH_PATHS (comma-separated; ".…" relative to
// the current directory), the --sparkfiles-root folder (skipped when absent), the current directory, the harness's
// own folder. Extensions for dependencies: .dll then .ni.dll (.dll, .exe, .ni.dll, .ni.exe on Windows).
//
// Output: stdout gets one outcome line: "RESULT: <value>" (exit 0), or on a lookup failure the worker's message
// "Assembly '<name>' file not found '<file>' in '<folder list>'" (exit 2; for a missing dependency the worker's
// "Assembly '<name>' file not found '<simple name>[<extensions>]' in '<folder list>'" line followed by the runtime's
// "Could not load file or assembly ..." message). Any other failure (usage, missing type or method, the method
// throwing) exits 1. Diagnostics (search paths, what was loaded from where) go to stderr.
//
// The harness targets net8.0 like the worker; with only a newer runtime installed run it with
// DOTNET_ROLL_FORWARD=Major.

using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace SparkShip.Tests.WorkerHarness
{
    internal static class Program
    {
        private const int ExitSuccess = 0;
        private const int ExitFailure = 1;
        private const int ExitLookupFailure = 2;

        private const string Usage =
            "Usage: WorkerHarness --assembly-file <file> --type <full type name> --method <static method> " +
            "--input <string> [--sparkfiles-root <dir>] [--assembly-name <full name>]";

        private static int Main(string[] args)
        {
            Dictionary<string, string>? options = ParseArguments(args, out string? error);
            if (options == null)
            {
                Console.Error.WriteLine(error);
                Console.Error.WriteLine(Usage);
                return ExitFailure;
            }

            string assemblyFile = options["--assembly-file"];
            string typeName = options["--type"];
            string methodName = options["--method"];
            string input = options["--input"];
            options.TryGetValue("--sparkfiles-root", out string? sparkFilesRoot);
            if (!options.TryGetValue("--assembly-name", out string? assemblyName))
            {
                // The driver sends Assembly.FullName; without it, the simple name is what the file name implies.
                assemblyName = Path.GetFileNameWithoutExtension(assemblyFile);
            }

            var loader = new WorkerAssemblyLoader(sparkFilesRoot, message => Console.Error.WriteLine("[harness] " + message));
            loader.Setup();
            foreach (string searchPath in loader.SearchPaths)
            {
                Console.Error.WriteLine($"[harness] search path: '{searchPath}'");
            }

            Assembly? assembly = loader.LoadAssembly(assemblyName, assemblyFile);
            if (assembly == null)
            {
                Console.WriteLine(loader.Failures[loader.Failures.Count - 1]);
                return ExitLookupFailure;
            }

            Console.Error.WriteLine($"[harness] loaded '{assembly.FullName}' from '{assembly.Location}'");

            try
            {
                // The worker deserializes the UDF's type with GetType(name, throwOnError: true).
                Type type = assembly.GetType(typeName, throwOnError: true)!;
                MethodInfo? method = type.GetMethod(
                    methodName,
                    BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
                    binder: null,
                    types: new[] { typeof(string) },
                    modifiers: null);
                if (method == null)
                {
                    Console.WriteLine($"MissingMethodException: no static method {typeName}.{methodName}(string)");
                    return ExitFailure;
                }

                if (method.ReturnType != typeof(string) &&
                    method.ReturnType != typeof(int) &&
                    method.ReturnType != typeof(long))
                {
                    Console.WriteLine(
                        $"NotSupportedException: {typeName}.{methodName} returns {method.ReturnType}, " +
                        "expected string, int or long");
                    return ExitFailure;
                }

                object? result = method.Invoke(null, new object?[] { input });
                Console.WriteLine("RESULT: " + (result?.ToString() ?? "null"));
                return ExitSuccess;
            }
            catch (Exception e) when (Unwrap(e) is FileNotFoundException || Unwrap(e) is FileLoadException)
            {
                return DependencyFailure(loader, Unwrap(e));
            }
            catch (Exception e) when (Unwrap(e) is TypeLoadException)
            {
                Console.WriteLine($"{Unwrap(e).GetType().FullName}: {Unwrap(e).Message}");
                return ExitFailure;
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                Console.WriteLine($"UDF threw {e.InnerException.GetType().FullName}: {e.InnerException.Message}");
                return ExitFailure;
            }
        }

        private static int DependencyFailure(WorkerAssemblyLoader loader, Exception exception)
        {
            foreach (string failure in loader.Failures)
            {
                Console.WriteLine(failure);
            }

            Console.WriteLine($"{exception.GetType().FullName}: {exception.Message.TrimEnd()}");
            return ExitLookupFailure;
        }

        private static Exception Unwrap(Exception e) =>
            e is TargetInvocationException && e.InnerException != null ? e.InnerException : e;

        private static Dictionary<string, string>? ParseArguments(string[] args, out string? error)
        {
            var known = new HashSet<string>
            {
                "--assembly-file", "--type", "--method", "--input", "--sparkfiles-root", "--assembly-name",
            };
            var options = new Dictionary<string, string>();
            for (int i = 0; i < args.Length; i++)
            {
                if (!known.Contains(args[i]))
                {
                    error = $"Unknown argument '{args[i]}'.";
                    return null;
                }

                if (i + 1 >= args.Length)
                {
                    error = $"Missing value for '{args[i]}'.";
                    return null;
                }

                options[args[i]] = args[++i];
            }

            foreach (string required in new[] { "--assembly-file", "--type", "--method", "--input" })
            {
                if (!options.ContainsKey(required))
                {
                    error = $"Missing required argument '{required}'.";
                    return null;
                }
            }

            error = null;
            return options;
        }
    }
}

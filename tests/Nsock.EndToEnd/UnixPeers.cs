using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Nsock.EndToEnd;

/// <summary>A temp directory of a test's own, deleted with everything in it at dispose.</summary>
internal sealed class UnixTempDir : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nsock-ux-");

    public string FullName => _dir.FullName;

    /// <summary>A path inside the directory.</summary>
    public string File(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Every file and directory below, relative to the directory, sorted.</summary>
    public string[] Entries() =>
        [.. Directory.EnumerateFileSystemEntries(_dir.FullName, "*", SearchOption.AllDirectories).Select(e => Path.GetRelativePath(_dir.FullName, e)).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>
/// In-test unix domain socket peers and the facts tests check about socket files: what kind of
/// file a path is, whether a path or @name is bound in the kernel's table, whether a file went away.
/// </summary>
internal static class Unix
{
    /// <summary>A fresh name in the Linux abstract namespace, spelled as nsock spells it.</summary>
    public static string AbstractName() => "@nsock-test-" + Guid.NewGuid().ToString("N");

    public static UnixDomainSocketEndPoint EndPoint(string path) => new(path.StartsWith('@') ? "\0" + path[1..] : path);

    /// <summary>nsock's -v readiness line for this path (or @name).</summary>
    public static Task WaitForListeningAsync(RunningProcess nsock, string path, TimeSpan? timeout = null) =>
        nsock.WaitForStderrAsync("^listening on " + Regex.Escape(path) + "$", timeout);

    public static async Task<Socket> ConnectAsync(string path, TimeSpan? timeout = null)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(EndPoint(path), cts.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static Socket ListenStream(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(EndPoint(path));
        socket.Listen(16);
        return socket;
    }

    /// <summary>A datagram socket bound at <paramref name="path"/> (or @name); null: unbound.</summary>
    public static Socket Datagram(string? path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (path is not null)
        {
            socket.Bind(EndPoint(path));
        }

        return socket;
    }

    /// <summary>One datagram and who sent it (as nsock spells it: /path, @name, or "" for unbound).</summary>
    public static async Task<(byte[] Data, string From)> ReceiveAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RunningProcess.DefaultWait);
        var buffer = new byte[256 * 1024];
        var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, socket.LocalEndPoint!, cts.Token);
        var from = result.RemoteEndPoint.ToString() ?? "";
        return (buffer[..result.ReceivedBytes], from);
    }

    /// <summary>One datagram sent by <paramref name="server"/>; fails at once (with its stderr) if it exits instead.</summary>
    public static async Task<byte[]> ReceiveFromAsync(Socket socket, RunningProcess server)
    {
        var receiving = ReceiveAsync(socket);
        var ended = server.WaitForExitAsync(RunningProcess.DefaultWait + TimeSpan.FromSeconds(5));
        if (await Task.WhenAny(receiving, ended) == ended && ended.IsCompletedSuccessfully && !receiving.IsCompleted)
        {
            Assert.Fail($"{server.Program} exited ({ended.Result}) instead of sending a datagram; stderr:\n{server.Stderr}");
        }

        return (await receiving).Data;
    }

    /// <summary>True when nothing arrives within <paramref name="quiet"/>.</summary>
    public static bool NothingWithin(Socket socket, TimeSpan quiet) => !socket.Poll(quiet, SelectMode.SelectRead);

    public static async Task SendToAsync(Socket socket, byte[] datagram, string path)
    {
        using var cts = new CancellationTokenSource(RunningProcess.DefaultWait);
        await socket.SendToAsync(datagram, SocketFlags.None, EndPoint(path), cts.Token);
    }

    /// <summary>
    /// Leaves a stale socket file at <paramref name="path"/>: python3 binds it and exits without
    /// unlinking, so the file stays and nobody answers it.
    /// </summary>
    /// <summary>
    /// Serves a -c 1 datagram listener or a single-connection stream listener its whole session:
    /// one datagram, or a connection that sends <paramref name="data"/>, half-closes, and reads
    /// nsock's EOF once nsock's stdin has ended.
    /// </summary>
    public static async Task BeTheOneClientAsync(RunningProcess nsock, string path, bool dgram, byte[] data)
    {
        if (dgram)
        {
            using var sender = Datagram(null);
            await SendToAsync(sender, data, path);
            return;
        }

        using var client = await ConnectAsync(path);
        await Loopback.SendAllAsync(client, data);
        client.Shutdown(SocketShutdown.Send);
        await nsock.CloseStdinAsync();
        Assert.Empty(await Loopback.ReadToEndAsync(client));
    }

    public static async Task MakeStaleSocketAsync(string path, bool dgram = false)
    {
        var type = dgram ? "SOCK_DGRAM" : "SOCK_STREAM";
        await using var python = RunningProcess.Start("python3", ["-c", $"import socket, sys; s = socket.socket(socket.AF_UNIX, socket.{type}); s.bind(sys.argv[1])", path]);
        await python.AssertExitCodeAsync(0);
        Assert.Equal("socket", FileType(path));
    }

    /// <summary>What stat(1) says the path is: "socket", "regular file", "directory", ... or "missing".</summary>
    public static string FileType(string path)
    {
        var info = new ProcessStartInfo("stat", ["-c", "%F", "--", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var stat = Process.Start(info)!;
        var output = stat.StandardOutput.ReadToEnd();
        _ = stat.StandardError.ReadToEnd();
        Assert.True(stat.WaitForExit(10_000), "stat did not finish");
        return stat.ExitCode == 0 ? output.Trim() : "missing";
    }

    /// <summary>Is a unix socket bound at this absolute path or @name, per /proc/net/unix?</summary>
    public static bool IsBound(string pathOrName) =>
        System.IO.File.ReadLines("/proc/net/unix").Skip(1).Any(line => line.EndsWith(" " + pathOrName, StringComparison.Ordinal));

    /// <summary>Polls (short sleeps, bounded) until <paramref name="done"/> holds; false if it never did.</summary>
    public static async Task<bool> PollAsync(Func<bool> done, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > within)
            {
                return done();
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        return true;
    }

    /// <summary>Asserts nothing is at <paramref name="path"/> within <paramref name="within"/> (default 0.5 s).</summary>
    public static async Task AssertGoneAsync(string path, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(0.5);
        var gone = await PollAsync(() => !PathExists(path), limit);
        Assert.True(gone, $"{path} still exists ({FileType(path)}) {limit.TotalSeconds} s after nsock exited");
    }

    /// <summary>Is there anything at the path (a socket, a file, a directory, a dangling link)?</summary>
    public static bool PathExists(string path) => System.IO.File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>Waits (bounded) until a peer's server socket file appears at <paramref name="path"/>.</summary>
    public static async Task WaitForSocketFileAsync(string path, RunningProcess server, TimeSpan? within = null)
    {
        var limit = within ?? RunningProcess.DefaultWait;
        var appeared = await PollAsync(() => System.IO.File.Exists(path) || server.HasExited, limit);
        Assert.False(server.HasExited, $"{server.Program} exited before creating {path}; stderr:\n{server.Stderr}");
        Assert.True(appeared, $"{server.Program} did not create {path} within {limit.TotalSeconds} s; stderr:\n{server.Stderr}");
    }

    /// <summary>Waits (bounded) until a peer's server has bound <paramref name="pathOrName"/> in the kernel's table.</summary>
    public static async Task WaitForBoundAsync(string pathOrName, RunningProcess server, TimeSpan? within = null)
    {
        var limit = within ?? RunningProcess.DefaultWait;
        var bound = await PollAsync(() => IsBound(pathOrName) || server.HasExited, limit);
        Assert.False(server.HasExited, $"{server.Program} exited before binding {pathOrName}; stderr:\n{server.Stderr}");
        Assert.True(bound, $"{server.Program} did not bind {pathOrName} within {limit.TotalSeconds} s; stderr:\n{server.Stderr}");
    }

    /// <summary>Starts nsock with this working directory (through env -C), so a stray relative file would land there.</summary>
    public static RunningProcess NsockIn(string directory, params string[] args)
    {
        ToolPlatform.NeedsFor(args);
        return RunningProcess.Start("env", ["-C", directory, NsockTool.Path, .. args]);
    }

    /// <summary>
    /// Waits for <paramref name="text"/> on the process's stdout, failing at once (with its stderr)
    /// if the process exits without printing it.
    /// </summary>
    public static async Task WaitForOutputAsync(RunningProcess process, string text, TimeSpan? timeout = null)
    {
        var limit = timeout ?? RunningProcess.DefaultWait;
        var seen = process.Stdout.WaitForTextAsync(text, limit);
        var ended = process.WaitForExitAsync(limit + TimeSpan.FromSeconds(5));
        if (await Task.WhenAny(seen, ended) == ended && !seen.IsCompleted && ended.IsCompletedSuccessfully)
        {
            // The exit is awaited only once stdout is drained: all output is in.
            Assert.True(seen.IsCompleted || process.Stdout.Text.Contains(text, StringComparison.Ordinal), $"{process.Program} exited ({ended.Result}) before printing '{text}'; stdout: {process.Stdout.Text}\nstderr:\n{process.Stderr}");
        }

        await seen;
    }

    /// <summary>
    /// For a server expected to fail: its exit code, or null if it got as far as listening on
    /// <paramref name="path"/> instead.
    /// </summary>
    public static async Task<int?> WaitForExitOrListeningAsync(this RunningProcess server, string path)
    {
        try
        {
            await WaitForListeningAsync(server, path);
            return null;
        }
        catch (InvalidOperationException) when (server.HasExited)
        {
            return await server.WaitForExitAsync();
        }
    }
}

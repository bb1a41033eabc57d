using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Nsock.EndToEnd;

/// <summary>
/// What only <c>nsock unix PATH</c> and <c>nsock unix -l PATH</c> over SOCK_STREAM do: @abstract
/// names (no file), --mode, and connect errors naming the path. What every stream family does
/// (half-close, data integrity, -k, options, timeouts, a refused connect) is tested once with the
/// family as a parameter, unix among them.
/// </summary>
public sealed class UnixStreamTests
{
    // Every test runs nsock unix; those of abstract names say so too.
    public UnixStreamTests() => ToolPlatform.NeedsUnix();

    [Fact]
    public async Task Abstract_name_exchanges_data_and_creates_no_file()
    {
        ToolPlatform.NeedsUnix(abstractName: true);
        using var dir = new UnixTempDir();
        var name = Unix.AbstractName();
        await using var server = Unix.NsockIn(dir.FullName, "unix", "-l", "-v", name);
        await Unix.WaitForListeningAsync(server, name);
        Assert.True(Unix.IsBound(name), $"{name} is not in the abstract namespace (/proc/net/unix)");

        await using var client = Unix.NsockIn(dir.FullName, "unix", "-v", name);
        await client.WaitForStderrAsync("^connected to " + System.Text.RegularExpressions.Regex.Escape(name) + "$");
        await client.WriteStdinAsync("over the abstract name");
        await client.CloseStdinAsync();
        await server.Stdout.WaitForTextAsync("over the abstract name", RunningProcess.DefaultWait);
        await server.WriteStdinAsync("and back");
        await server.CloseStdinAsync();

        await client.AssertExitCodeAsync(0);
        await server.AssertExitCodeAsync(0);
        Assert.Equal("over the abstract name", server.Stdout.Text);
        Assert.Equal("and back", client.Stdout.Text);
        Assert.Empty(dir.Entries());
        Assert.False(Unix.PathExists(name[1..]), $"a file {name[1..]} appeared in the test's working directory");
        Assert.False(Unix.IsBound(name), $"{name} is still bound after both exited");
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Mode_600_gives_the_socket_file_0600()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("private");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-v", "--mode", "600", path);
        await Unix.WaitForListeningAsync(nsock, path);

        Assert.Equal("socket", Unix.FileType(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        // Still a working server.
        using var client = await Unix.ConnectAsync(path);
        await Loopback.SendAllAsync(client, "ok"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("ok", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Connect_to_a_missing_path_exits_1_naming_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("nobody-here");
        await using var nsock = RunningProcess.Nsock("unix", path);

        await nsock.AssertExitCodeAsync(1);
        var line = ErrorLine.AssertSole(nsock, path);
        Assert.Contains("no such file", line, StringComparison.Ordinal);
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public async Task Connect_to_a_regular_file_exits_1_naming_it_and_leaves_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("plain.txt");
        File.WriteAllText(path, "not a socket\n");
        await using var nsock = RunningProcess.Nsock("unix", path);

        await nsock.AssertExitCodeAsync(1);
        var line = ErrorLine.AssertSole(nsock, path);
        Assert.Contains("not a socket", line, StringComparison.Ordinal);
        Assert.Equal("not a socket\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Connect_to_an_unbound_abstract_name_exits_1_naming_it()
    {
        ToolPlatform.NeedsUnix(abstractName: true);
        var name = Unix.AbstractName();
        await using var nsock = RunningProcess.Nsock("unix", name);

        await nsock.AssertExitCodeAsync(1);
        ErrorLine.AssertSole(nsock, name);
    }
}

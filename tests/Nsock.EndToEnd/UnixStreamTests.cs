using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock unix PATH</c> and <c>nsock unix -l PATH</c> over SOCK_STREAM: half-close in both
/// roles, 1 MiB both ways, -k, @abstract names (no file), --mode, and connect errors naming the path.
/// </summary>
public sealed class UnixStreamTests
{
    [Fact]
    public async Task Connect_sends_request_and_EOF_then_prints_the_reply()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        using var listener = Unix.ListenStream(path);
        await using var nsock = RunningProcess.Nsock("unix", path);
        using var peer = await Loopback.AcceptAsync(listener);

        await nsock.WriteStdinAsync("request");
        await nsock.CloseStdinAsync();
        Assert.Equal("request", Encoding.UTF8.GetString(await Unix.ReadToEndAsync(peer)));
        await Loopback.SendAllAsync(peer, "reply\n"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Equal("reply\n", nsock.Stdout.Text);
        Assert.Empty(nsock.StderrLines);
    }

    [Fact]
    public async Task Listen_sends_request_and_EOF_then_prints_the_reply()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-v", path);
        await Unix.WaitForListeningAsync(nsock, path);
        using var peer = await Unix.ConnectAsync(path);

        await nsock.WriteStdinAsync("request from the server side");
        await nsock.CloseStdinAsync();
        Assert.Equal("request from the server side", Encoding.UTF8.GetString(await Unix.ReadToEndAsync(peer)));
        await Loopback.SendAllAsync(peer, "reply\n"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Equal("reply\n", nsock.Stdout.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Nsock_to_nsock_request_EOF_reply_either_side_first(bool clientAsks)
    {
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var server = RunningProcess.Nsock("unix", "-l", "-v", path);
        await Unix.WaitForListeningAsync(server, path);
        await using var client = RunningProcess.Nsock("unix", "-v", path);
        await client.WaitForStderrAsync("^connected to ");

        var (asker, answerer) = clientAsks ? (client, server) : (server, client);
        await asker.WriteStdinAsync("question?");
        await asker.CloseStdinAsync();
        await answerer.Stdout.WaitForTextAsync("question?", RunningProcess.DefaultWait);

        // The asker's EOF reached the answerer, and both are still up for the answer.
        Assert.False(asker.HasExited, $"{(clientAsks ? "client" : "server")} ended before the answer; stderr:\n{asker.Stderr}");
        await answerer.WriteStdinAsync("answer.");
        await answerer.CloseStdinAsync();

        Assert.Equal(0, await client.WaitForExitAsync());
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Equal("question?", answerer.Stdout.Text);
        Assert.Equal("answer.", asker.Stdout.Text);
    }

    [Fact]
    public async Task One_MiB_each_way_at_once_arrives_intact()
    {
        const int size = 1024 * 1024;
        var toServer = RandomNumberGenerator.GetBytes(size);
        var toClient = RandomNumberGenerator.GetBytes(size);
        using var dir = new UnixTempDir();
        var path = dir.File("big");
        await using var server = RunningProcess.Nsock("unix", "-l", "-v", path);
        await Unix.WaitForListeningAsync(server, path);
        await using var client = RunningProcess.Nsock("unix", path);

        var feeding = Task.WhenAll(FeedAsync(server, toClient), FeedAsync(client, toServer));
        await feeding.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(toServer)), Convert.ToHexString(SHA256.HashData(server.Stdout.ToArray())));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(toClient)), Convert.ToHexString(SHA256.HashData(client.Stdout.ToArray())));
        Assert.Equal(size, server.Stdout.Length);
        Assert.Equal(size, client.Stdout.Length);

        static async Task FeedAsync(RunningProcess nsock, byte[] data)
        {
            // In 64 KiB pieces, so both sides are sending while the other is.
            for (var offset = 0; offset < data.Length; offset += 65536)
            {
                await nsock.WriteStdinAsync(data[offset..Math.Min(data.Length, offset + 65536)]);
            }

            await nsock.CloseStdinAsync();
        }
    }

    [Fact]
    public async Task Keep_open_serves_clients_one_after_another()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("k");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-k", "-v", path);
        await Unix.WaitForListeningAsync(nsock, path);

        for (var i = 0; i < 3; i++)
        {
            using var client = await Unix.ConnectAsync(path);
            await Loopback.SendAllAsync(client, Encoding.ASCII.GetBytes($"client {i};"));
            client.Shutdown(SocketShutdown.Send);
            await nsock.Stdout.WaitForTextAsync($"client {i};", RunningProcess.DefaultWait);
        }

        // An nsock client too, after the in-test ones.
        await using (var last = RunningProcess.Nsock("unix", path))
        {
            await last.WriteStdinAsync("nsock client;");
            await last.CloseStdinAsync();
            await nsock.Stdout.WaitForTextAsync("nsock client;", RunningProcess.DefaultWait);
        }

        Assert.False(nsock.HasExited, $"-k server ended; stderr:\n{nsock.Stderr}");
        Assert.Equal("client 0;client 1;client 2;nsock client;", nsock.Stdout.Text);
        Assert.Equal("socket", Unix.FileType(path));
    }

    [Fact]
    public async Task Keep_open_serves_concurrent_clients_both_ways()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("k");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-k", "-v", path);
        await Unix.WaitForListeningAsync(nsock, path);

        using var first = await Unix.ConnectAsync(path);
        await Loopback.SendAllAsync(first, "first;"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("first;", RunningProcess.DefaultWait);

        using var second = await Unix.ConnectAsync(path);
        await Loopback.SendAllAsync(second, "second;"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("second;", RunningProcess.DefaultWait);

        // The first is still served while the second is connected.
        await Loopback.SendAllAsync(first, "first again;"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("first again;", RunningProcess.DefaultWait);

        // stdin goes to every connected client; its EOF half-closes them all.
        await nsock.WriteStdinAsync("to all\n");
        Assert.Equal("to all\n", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(first, 7)));
        Assert.Equal("to all\n", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(second, 7)));
        await nsock.CloseStdinAsync();
        Assert.Empty(await Unix.ReadToEndAsync(first));
        Assert.Empty(await Unix.ReadToEndAsync(second));

        Assert.False(nsock.HasExited, $"-k server ended; stderr:\n{nsock.Stderr}");
        Assert.Equal("first;second;first again;", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Abstract_name_exchanges_data_and_creates_no_file()
    {
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

        Assert.Equal(0, await client.WaitForExitAsync());
        Assert.Equal(0, await server.WaitForExitAsync());
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
        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Equal("ok", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Connect_to_a_missing_path_exits_1_naming_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("nobody-here");
        await using var nsock = RunningProcess.Nsock("unix", path);

        Assert.Equal(1, await nsock.WaitForExitAsync());
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

        Assert.Equal(1, await nsock.WaitForExitAsync());
        var line = ErrorLine.AssertSole(nsock, path);
        Assert.Contains("not a socket", line, StringComparison.Ordinal);
        Assert.Equal("not a socket\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Connect_to_a_stale_socket_is_refused_exit_1_naming_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("stale");
        await Unix.MakeStaleSocketAsync(path);
        await using var nsock = RunningProcess.Nsock("unix", path);

        Assert.Equal(1, await nsock.WaitForExitAsync());
        var line = ErrorLine.AssertSole(nsock, path);
        Assert.Contains("refused", line, StringComparison.Ordinal);
        Assert.Equal("socket", Unix.FileType(path)); // a client never removes what it did not create
    }

    [Fact]
    public async Task Connect_to_an_unbound_abstract_name_exits_1_naming_it()
    {
        var name = Unix.AbstractName();
        await using var nsock = RunningProcess.Nsock("unix", name);

        Assert.Equal(1, await nsock.WaitForExitAsync());
        ErrorLine.AssertSole(nsock, name);
    }
}

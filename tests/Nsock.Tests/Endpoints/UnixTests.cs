using System.Net.Sockets;
using Nsock.Endpoints;
using Nsock.Platform;

namespace Nsock.Tests.Endpoints;

public sealed class UnixTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nsock-unix-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void Abstract_names_and_paths_print_as_written()
    {
        var abstractName = UnixPath.Parse("@name");
        Assert.True(abstractName.IsAbstract);
        Assert.Equal("@name", abstractName.ToString());
        Assert.Equal("@name", EndpointText.Format(abstractName.EndPoint));
        Assert.Equal("/tmp/x.sock", EndpointText.Format(UnixPath.Parse("/tmp/x.sock").EndPoint));
    }

    [Fact]
    public void A_path_longer_than_sun_path_is_a_local_resource_error_naming_the_limit()
    {
        Assert.Equal(107, UnixPath.Parse("/" + new string('a', 106)).Text.Length);
        var e = Assert.Throws<NsockException>(() => UnixPath.Parse("/" + new string('a', 107)));
        Assert.Equal(ExitCodes.LocalResource, e.ExitCode);
        Assert.Contains("108 bytes, the limit is 107", e.Why);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@")]
    public void Empty_paths_are_usage_errors(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<NsockException>(() => UnixPath.Parse(text)).ExitCode);

    [Fact]
    public void File_kinds_tell_sockets_from_everything_else()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(PathOf("s.sock")));
        File.WriteAllText(PathOf("file"), "x");

        Assert.Equal(FileKindValue.Socket, FileKind.Of(PathOf("s.sock")));
        Assert.Equal(FileKindValue.Other, FileKind.Of(PathOf("file")));
        Assert.Equal(FileKindValue.Other, FileKind.Of(_dir.FullName));
        Assert.Equal(FileKindValue.Missing, FileKind.Of(PathOf("none")));
    }

    [Fact]
    public async Task A_stale_socket_is_cleared_and_a_live_one_refused()
    {
        var stale = UnixPath.Parse(PathOf("stale.sock"));
        using (var gone = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            gone.Bind(stale.EndPoint); // closing does not remove the file: it is now stale
        }

        await UnixSocketFile.ClearForBindAsync(stale, SocketType.Stream, Ct);
        Assert.False(File.Exists(stale.Text));

        var live = UnixPath.Parse(PathOf("live.sock"));
        using var server = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        server.Bind(live.EndPoint);
        server.Listen(1);
        var e = await Assert.ThrowsAsync<NsockException>(() => UnixSocketFile.ClearForBindAsync(live, SocketType.Stream, Ct));
        Assert.Equal(ExitCodes.LocalResource, e.ExitCode);
        Assert.True(File.Exists(live.Text));

        // The check asked the kernel, not the server: nobody is waiting in its backlog.
        server.Blocking = false;
        Assert.Throws<SocketException>(() => server.Accept());
    }

    [Fact]
    public async Task A_file_that_is_not_a_socket_is_never_touched()
    {
        var path = UnixPath.Parse(PathOf("precious"));
        File.WriteAllText(path.Text, "keep me");

        var e = await Assert.ThrowsAsync<NsockException>(() => UnixSocketFile.ClearForBindAsync(path, SocketType.Stream, Ct));

        Assert.Equal(ExitCodes.LocalResource, e.ExitCode);
        Assert.Equal("keep me", File.ReadAllText(path.Text));
    }

    [Fact]
    public void The_adopted_file_is_removed_on_dispose_only_while_it_is_that_very_socket()
    {
        var mine = UnixPath.Parse(PathOf("mine.sock"));
        using (BindSocketFile(mine))
        {
            UnixSocketFile.Adopt(mine)!.Dispose();
            Assert.False(File.Exists(mine.Text));
        }

        var replacedByFile = UnixPath.Parse(PathOf("file.sock"));
        using (BindSocketFile(replacedByFile))
        {
            var file = UnixSocketFile.Adopt(replacedByFile)!;
            File.Delete(replacedByFile.Text);
            File.WriteAllText(replacedByFile.Text, "someone else's file now");
            file.Dispose();
            Assert.Equal("someone else's file now", File.ReadAllText(replacedByFile.Text));
        }

        var replacedBySocket = UnixPath.Parse(PathOf("other.sock"));
        using (BindSocketFile(replacedBySocket))
        {
            var file = UnixSocketFile.Adopt(replacedBySocket)!;
            File.Delete(replacedBySocket.Text);
            using var theirs = BindSocketFile(replacedBySocket);
            file.Dispose();
            Assert.Equal(FileKindValue.Socket, FileKind.Of(replacedBySocket.Text));
        }
    }

    // A socket file made with the runtime's Bind (which unlinks it again when the socket is disposed).
    private static Socket BindSocketFile(UnixPath path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(path.EndPoint);
        return socket;
    }
}

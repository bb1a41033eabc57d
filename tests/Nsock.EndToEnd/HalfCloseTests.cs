using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// Request, half-close, response, as SPEC.md's half-close promises: over every family (TCP on
/// 127.0.0.1 and ::1, unix stream), in both roles, and between two nsocks.
/// </summary>
public sealed class HalfCloseTests
{
    public static TheoryData<Family, Role, string> InBothRolesWithAndWithoutData
    {
        get
        {
            var data = new TheoryData<Family, Role, string>();
            foreach (var family in Families.Each)
            {
                foreach (var role in Families.BothRoles)
                {
                    data.Add(family, role, "");
                    data.Add(family, role, "ping");
                }
            }

            return data;
        }
    }

    public static TheoryData<Family, bool> WhoAsks
    {
        get
        {
            var data = new TheoryData<Family, bool>();
            foreach (var family in Families.Each)
            {
                data.Add(family, true);
                data.Add(family, false);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Nsock_sends_request_and_EOF_then_prints_the_reply(Family family, Role role)
    {
        await using var session = await Session.OpenAsync(family, role);

        await session.Nsock.WriteStdinAsync("request");
        await session.Nsock.CloseStdinAsync();
        Assert.Equal("request", Encoding.UTF8.GetString(await Loopback.ReadToEndAsync(session.Peer)));
        await Loopback.SendAllAsync(session.Peer, "reply\n"u8.ToArray());
        session.Peer.Shutdown(SocketShutdown.Send);

        await session.Nsock.AssertExitCodeAsync(0);
        Assert.Equal("reply\n", session.Nsock.Stdout.Text);
        AssertNothingWrong(session);
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Nsock_keeps_sending_after_the_peer_half_closes_first(Family family, Role role)
    {
        await using var session = await Session.OpenAsync(family, role);

        await Loopback.SendAllAsync(session.Peer, "question?"u8.ToArray());
        session.Peer.Shutdown(SocketShutdown.Send);
        await session.Nsock.Stdout.WaitForTextAsync("question?", RunningProcess.DefaultWait);

        // Strict half-duplex: nsock has seen our FIN, closed its stdout, and still delivers stdin.
        await session.Nsock.WriteStdinAsync("answer one;");
        await session.Nsock.WriteStdinAsync("answer two");
        await session.Nsock.CloseStdinAsync();

        Assert.Equal("answer one;answer two", Encoding.UTF8.GetString(await Loopback.ReadToEndAsync(session.Peer)));
        await session.Nsock.AssertExitCodeAsync(0);
        Assert.Equal("question?", session.Nsock.Stdout.Text);
    }

    [Theory]
    [MemberData(nameof(InBothRolesWithAndWithoutData))]
    public async Task A_reply_written_a_second_after_the_peers_FIN_still_arrives(Family family, Role role, string peerSends)
    {
        ToolPlatform.Needs(Need.StdoutEofWhileRunning);
        await using var session = await Session.OpenAsync(family, role);

        if (peerSends.Length > 0)
        {
            await Loopback.SendAllAsync(session.Peer, Encoding.ASCII.GetBytes(peerSends));
        }

        session.Peer.Shutdown(SocketShutdown.Send);
        if (peerSends.Length > 0)
        {
            await session.Nsock.Stdout.WaitForTextAsync(peerSends, RunningProcess.DefaultWait);
        }

        // nsock has taken the peer's FIN (its stdout is closed) and is still up for a late reply.
        await session.Nsock.Stdout.WaitForEndAsync(RunningProcess.DefaultWait);
        Assert.False(session.Nsock.HasExited, $"nsock ended after the peer's FIN; stderr:\n{session.Nsock.Stderr}");
        await session.Nsock.WriteStdinAsync("late");
        await session.Nsock.CloseStdinAsync();

        Assert.Equal("late", Encoding.UTF8.GetString(await Loopback.ReadToEndAsync(session.Peer)));
        await session.Nsock.AssertExitCodeAsync(0);
        Assert.Equal(peerSends, session.Nsock.Stdout.Text);
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Socket_EOF_closes_stdout_while_stdin_is_still_open(Family family, Role role)
    {
        ToolPlatform.Needs(Need.StdoutEofWhileRunning);
        // A pipeline reading nsock's stdout must see EOF when the peer is done, even though
        // nsock itself goes on (its stdin is still open).
        var sawEof = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var session = await Session.OpenAsync(
            family,
            role,
            [],
            whenStarted: null,
            stdoutConsumer: async (stdout, ct) =>
            {
                await stdout.CopyToAsync(Stream.Null, ct);
                sawEof.TrySetResult();
            });

        await Loopback.SendAllAsync(session.Peer, "bye"u8.ToArray());
        session.Peer.Shutdown(SocketShutdown.Send);

        await sawEof.Task.WaitAsync(RunningProcess.DefaultWait, TestContext.Current.CancellationToken);
        Assert.False(session.Nsock.HasExited);
        await session.Nsock.CloseStdinAsync();
        await session.Nsock.AssertExitCodeAsync(0);
    }

    [Theory]
    [MemberData(nameof(WhoAsks))]
    public async Task Nsock_to_nsock_request_EOF_reply_either_side_first(Family family, bool clientAsks)
    {
        await using var server = await NsockServer.StartAsync(family);
        await using var client = RunningProcess.Nsock(server.ClientArgs("-v"));
        await client.WaitForStderrAsync("^connected to ");

        var (asker, answerer) = clientAsks ? (client, server.Nsock) : (server.Nsock, client);
        await asker.WriteStdinAsync("question?");
        await asker.CloseStdinAsync();
        await answerer.Stdout.WaitForTextAsync("question?", RunningProcess.DefaultWait);

        // The asker's EOF reached the answerer, and both are still up for the answer.
        Assert.False(asker.HasExited, $"{(clientAsks ? "client" : "server")} ended before the answer; stderr:\n{asker.Stderr}");
        await answerer.WriteStdinAsync("answer.");
        await answerer.CloseStdinAsync();

        await client.AssertExitCodeAsync(0);
        await server.Nsock.AssertExitCodeAsync(0);
        Assert.Equal("question?", answerer.Stdout.Text);
        Assert.Equal("answer.", asker.Stdout.Text);
    }

    // nsock connects without -v, so its stderr stays empty; a listening nsock has -v progress lines.
    private static void AssertNothingWrong(Session session)
    {
        if (session.Role == Role.NsockConnects)
        {
            Assert.Empty(session.Nsock.StderrLines);
        }
        else
        {
            ErrorLine.AssertNone(session.Nsock);
        }
    }
}

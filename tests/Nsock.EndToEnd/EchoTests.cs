using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// --echo returns what a client sends (and copies it to stdout); --stamp prefixes ctime; over every
/// family (TCP on 127.0.0.1 and ::1, unix stream).
/// </summary>
public sealed class EchoTests
{
    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Echo_returns_every_byte_unchanged_and_copies_it_to_stdout(Family family)
    {
        await using var server = await NsockServer.StartAsync(family, "--echo");
        var nsock = server.Nsock;
        var data = Enumerable.Range(0, 256 * 64).Select(i => (byte)i).ToArray();

        using var client = await server.ConnectAsync();
        await Loopback.SendAllAsync(client, data);
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal(data, await Loopback.ReadToEndAsync(client));
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal(data, nsock.Stdout.ToArray());
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Echo_stamp_prefixes_each_echoed_chunk_with_ctime(Family family)
    {
        await using var server = await NsockServer.StartAsync(family, "-k", "--echo", "--stamp");
        var nsock = server.Nsock;

        using var client = await server.ConnectAsync();
        await Loopback.SendAllAsync(client, "hello"u8.ToArray());
        var reply = Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(client, 27 + 5));

        // [Tue Nov 24 21:56:40 2026] : day of month space-padded, as C's ctime().
        Assert.Matches(@"^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d \d{4}\] hello$", reply);
        var day = DateTime.Now.Day;
        Assert.Contains($" {day,2} ", reply);

        await Loopback.SendAllAsync(client, "again"u8.ToArray());
        Assert.EndsWith("] again", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(client, 27 + 5)));

        // stdout gets the client's bytes as they were, without the stamp.
        await nsock.Stdout.WaitForTextAsync("helloagain", RunningProcess.DefaultWait);
        Assert.Equal("helloagain", nsock.Stdout.Text);
    }
}

using System.CommandLine;
using Nsock.Relay;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary>Reads the datagram commands' options (udp-send, udp-recv, unix -u) into session settings.</summary>
internal static class DatagramOptions
{
    /// <summary>The default size of a datagram read from stdin: the largest UDP payload over IPv4.</summary>
    public const int DefaultSize = 65507;

    public static RelayOptions Relay(ParseResult parse) => CommonOptions.Relay(parse, DefaultSize);

    public static DatagramServerSettings Server(ParseResult parse, RelayOptions relay)
    {
        var echo = parse.GetValue(CommonOptions.Echo);
        if (parse.GetValue(CommonOptions.Stamp) && !echo)
        {
            throw NsockException.Usage("--stamp", "only makes sense with --echo");
        }

        if (echo && parse.GetValue(CommonOptions.Reply))
        {
            throw NsockException.Usage("--reply", "cannot be combined with --echo");
        }

        return new DatagramServerSettings(parse.GetValue(CommonOptions.Format), echo, parse.GetValue(CommonOptions.Stamp), parse.GetValue(CommonOptions.Reply), parse.GetValue(CommonOptions.Count), relay);
    }

    public static DatagramClientSettings Client(ParseResult parse, byte[][] texts, DatagramPeer? to, RelayOptions relay) => new(
        texts,
        parse.GetValue(CommonOptions.Lines),
        to,
        CommonOptions.ToTimeSpan(parse.GetValue(CommonOptions.Wait)),
        parse.GetValue(CommonOptions.Count),
        parse.GetValue(CommonOptions.Format),
        relay);
}

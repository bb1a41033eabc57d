using System.CommandLine;
using Nsock.Endpoints;

namespace Nsock.Commands;

/// <summary>Positional arguments the commands share, and their checks.</summary>
internal static class Arguments
{
    /// <summary>The <c>[HOST] PORT</c> argument of servers (listen, udp-recv).</summary>
    public static Argument<string[]> BindAddress(string protocol) => new Argument<string[]>("[HOST] PORT")
    {
        Description = $"Address to bind (default: every address, IPv4 and IPv6) and {protocol} port (0: any free port)",
        Arity = new ArgumentArity(0, 2),
    };

    /// <summary>Reads <c>[HOST] PORT</c>: HOST null means every address.</summary>
    /// <remarks>nc's <c>-l -p PORT</c> gives the port as an option; then the only word is HOST.</remarks>
    public static (string? Host, int Port) ReadBindAddress(ParseResult parse, Argument<string[]> argument)
    {
        var words = parse.GetValue(argument) ?? [];
        var optionPort = SettingsFrom.Given(parse, Options.LocalPort);
        var command = parse.CommandResult.Command.Name;
        string? host;
        string port;
        switch (words.Length, optionPort)
        {
            case (0, null):
                throw NsockException.Usage(command, "PORT is missing (0 picks a free one)");
            case (2, not null):
                throw NsockException.Usage("-p", $"the port is given twice ('{words[1]}' and -p {optionPort})");
            case (_, not null):
                (host, port) = (words.FirstOrDefault(), optionPort);
                break;
            default:
                (host, port) = (words.Length == 2 ? words[0] : null, words[^1]);
                break;
        }

        return (host is null ? null : SettingsFrom.Host(parse, host), PortNumber.Parse(port, allowZero: true));
    }
}

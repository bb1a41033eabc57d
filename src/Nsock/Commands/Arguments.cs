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
        Arity = new ArgumentArity(1, 2),
    }.RejectingOptions();

    /// <summary>Reads <c>[HOST] PORT</c>: HOST null means every address.</summary>
    public static (string? Host, int Port) ReadBindAddress(ParseResult parse, Argument<string[]> argument)
    {
        var words = parse.GetValue(argument)!;
        var host = words.Length == 2 ? words[0] : null;
        if (host is not null)
        {
            HostName.ParseLiteral(host);
        }

        return (host, PortNumber.Parse(words[^1], allowZero: true));
    }

    /// <summary>
    /// A positional argument that looks like an option is a mistyped option, not a host name.
    /// </summary>
    public static T RejectingOptions<T>(this T argument)
        where T : Argument
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-'))
                {
                    UsageErrors.Add(result, $"unknown option '{token.Value}'");
                }
            }
        });
        return argument;
    }
}

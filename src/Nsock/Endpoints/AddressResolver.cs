using System.Net;
using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>Turns HOST into the addresses to try, honouring -4/-6.</summary>
internal static class AddressResolver
{
    public static Task<IPAddress[]> ResolveAsync(string host, IpFamily family, CancellationToken ct)
    {
        var literal = HostName.ParseLiteral(host);
        if (literal is null)
        {
            return LookUpAsync(host, family, ct);
        }

        if (!family.Allows(literal.AddressFamily))
        {
            throw NsockException.Usage(host, $"{family.Flag()} given but this is not an {family.Name()} address");
        }

        return Task.FromResult<IPAddress[]>([literal]);
    }

    // Its own method, so the resolver's assembly (two file descriptors) is loaded only for names.
    private static async Task<IPAddress[]> LookUpAsync(string host, IpFamily family, CancellationToken ct)
    {
        IPAddress[] found;
        try
        {
            found = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new NsockException(ExitCodes.Resolve, host, SocketFailure.Describe(e), e);
        }

        var usable = found.Where(a => family.Allows(a.AddressFamily)).ToArray();
        if (usable.Length == 0)
        {
            var why = family == IpFamily.Any ? "name has no IP address" : $"name has no {family.Name()} address";
            throw new NsockException(ExitCodes.Resolve, host, why);
        }

        return usable;
    }
}

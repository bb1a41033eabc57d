using System.Net;

namespace Nsock.EndToEnd;

/// <summary>A stream socket family nsock connects and listens over, as the tests open it.</summary>
public enum Family
{
    /// <summary>TCP on IPv4 loopback: <c>connect 127.0.0.1 PORT</c>, <c>listen 127.0.0.1 0</c>.</summary>
    Tcp4,

    /// <summary>TCP on IPv6 loopback: <c>connect ::1 PORT</c>, <c>listen ::1 0</c>.</summary>
    Tcp6,

    /// <summary>A unix stream socket at a path in a temp directory of the test's own: <c>unix PATH</c>, <c>unix -l PATH</c>.</summary>
    Unix,
}

/// <summary>Which end of the connection nsock is.</summary>
public enum Role
{
    /// <summary>nsock listens (<c>listen</c>, <c>unix -l</c>) and the test's peer connects, once nsock says it is listening.</summary>
    NsockListens,

    /// <summary>The test listens and nsock connects to it (<c>connect</c>, <c>unix</c>).</summary>
    NsockConnects,
}

/// <summary>The families and roles as theory data, and the facts a test needs about a family.</summary>
public static class Families
{
    /// <summary>Every family, for building theory data of more columns.</summary>
    internal static readonly Family[] Each = [Family.Tcp4, Family.Tcp6, Family.Unix];

    /// <summary>Both roles, for building theory data of more columns.</summary>
    internal static readonly Role[] BothRoles = [Role.NsockListens, Role.NsockConnects];

    public static TheoryData<Family> All => new(Each);

    /// <summary>Every family in both roles.</summary>
    public static TheoryData<Family, Role> InBothRoles
    {
        get
        {
            var data = new TheoryData<Family, Role>();
            foreach (var family in Each)
            {
                foreach (var role in BothRoles)
                {
                    data.Add(family, role);
                }
            }

            return data;
        }
    }

    /// <summary>The loopback address of a TCP family.</summary>
    internal static IPAddress Address(Family family) => family switch
    {
        Family.Tcp4 => IPAddress.Loopback,
        Family.Tcp6 => IPAddress.IPv6Loopback,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "a unix socket has a path, not an address"),
    };
}

using System.Net;
using Nsock.Endpoints;

namespace Nsock.Tests.Endpoints;

public sealed class ArgumentParsingTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("65535", 65535)]
    [InlineData("080", 80)]
    public void Ports_in_range_parse(string text, int expected) => Assert.Equal(expected, PortNumber.Parse(text, allowZero: false));

    [Theory]
    [InlineData("0", false)]
    [InlineData("65536", true)]
    [InlineData("70000", true)]
    [InlineData("-1", true)]
    [InlineData("abc", true)]
    [InlineData("", true)]
    [InlineData(" 80", true)]
    public void Bad_ports_are_usage_errors(string text, bool allowZero)
    {
        var e = Assert.Throws<NsockException>(() => PortNumber.Parse(text, allowZero));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public void Port_zero_is_fine_for_listening() => Assert.Equal(0, PortNumber.Parse("0", allowZero: true));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("[::1]", "::1")]
    [InlineData("fe80::1", "fe80::1")]
    public void Literals_parse_without_a_lookup(string host, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), HostName.ParseLiteral(host));

    [Theory]
    [InlineData("localhost")]
    [InlineData("example.com")]
    public void Names_are_left_for_resolution(string host) => Assert.Null(HostName.ParseLiteral(host));

    [Theory]
    [InlineData("127.0.0.1:80")]
    [InlineData("[::1]:80")]
    [InlineData("host:80")]
    [InlineData("[127.0.0.1]")]
    [InlineData("")]
    [InlineData("a b")]
    public void Bad_host_syntax_is_a_usage_error(string host)
    {
        var e = Assert.Throws<NsockException>(() => HostName.ParseLiteral(host));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 0)]
    [InlineData("127.0.0.1:4000", "127.0.0.1", 4000)]
    [InlineData("::1", "::1", 0)]
    [InlineData("[::1]:4000", "[::1]", 4000)]
    [InlineData(":4000", null, 4000)]
    [InlineData("localhost:0", "localhost", 0)]
    public void Source_addresses_parse(string text, string? host, int port) =>
        Assert.Equal(new SourceAddress(host, port), SourceAddress.Parse(text));

    [Theory]
    [InlineData("127.0.0.1:x")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("1:2:zz")]
    public void Bad_source_addresses_are_usage_errors(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<NsockException>(() => SourceAddress.Parse(text)).ExitCode);

    [Fact]
    public void Endpoints_print_as_users_type_them()
    {
        Assert.Equal("127.0.0.1:80", EndpointText.Format(new IPEndPoint(IPAddress.Loopback, 80)));
        Assert.Equal("[::1]:80", EndpointText.Format(new IPEndPoint(IPAddress.IPv6Loopback, 80)));
        Assert.Equal("127.0.0.1:80", EndpointText.Format(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 80)));
    }

    [Fact]
    public async Task A_literal_of_the_wrong_family_is_a_usage_error()
    {
        var e = await Assert.ThrowsAsync<NsockException>(() => AddressResolver.ResolveAsync("::1", IpFamily.V4, TestContext.Current.CancellationToken));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("-4", e.Why);
    }
}

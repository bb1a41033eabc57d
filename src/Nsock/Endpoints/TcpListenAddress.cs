namespace Nsock.Endpoints;

/// <summary>Where a TCP server listens: HOST null means every address (dual stack unless -4/-6).</summary>
internal sealed record TcpListenAddress(string? Host, int Port, IpFamily Family, int Backlog);

namespace Nsock.Relay;

/// <summary>Where received datagrams go, each whole, with its sender.</summary>
internal interface IDatagramSink
{
    /// <summary>Takes one datagram (possibly empty: that is data, not EOF).</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, DatagramPeer from, CancellationToken ct);
}

namespace Nsock.Relay;

/// <summary>
/// The network side of a datagram session (UDP, unix datagrams, later netlink): whole datagrams
/// out and in, each with its peer. What differs per family (the largest datagram, who can be
/// answered, how "nobody there" is worded) is the channel's to know, not the relay's.
/// </summary>
internal interface IDatagramChannel : IDisposable
{
    /// <summary>How failures name this channel: its peer (a client) or its address (a server).</summary>
    string Name { get; }

    /// <summary>The largest datagram this channel sends whole.</summary>
    int MaxDatagram { get; }

    /// <summary>Completes once a datagram is there, without taking it or holding a buffer.</summary>
    ValueTask WaitForDatagramAsync(CancellationToken ct);

    /// <summary>How large a buffer the datagram that is there needs (never less than the datagram: none is cut).</summary>
    int SizeOfNextDatagram();

    /// <summary>Takes one datagram whole into <paramref name="buffer"/> (sized by <see cref="SizeOfNextDatagram"/>).</summary>
    ValueTask<(int Length, DatagramPeer From)> ReceiveAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>Sends one datagram; to the connected peer when <paramref name="to"/> is null.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> datagram, DatagramPeer? to, CancellationToken ct);

    /// <summary>A failure of this channel in nsock's words, naming <paramref name="to"/> or the channel; or the exception itself.</summary>
    Exception Explain(Exception failure, DatagramPeer? to);
}

/// <summary>Who sent a datagram: an address to answer, how nsock prints it, and whether it can be answered at all.</summary>
internal sealed record DatagramPeer(System.Net.EndPoint Address, string Name, bool CanAnswer);

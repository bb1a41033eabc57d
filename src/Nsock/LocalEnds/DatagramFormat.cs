namespace Nsock.LocalEnds;

/// <summary>How received datagrams are written to stdout.</summary>
internal enum DatagramFormat
{
    /// <summary>The payload exactly, nothing added (an empty datagram writes nothing).</summary>
    Raw,

    /// <summary>One line per datagram: sender, length, payload with C escapes.</summary>
    Line,

    /// <summary>A header line per datagram, then a hex dump of the payload.</summary>
    Hex,

    /// <summary>One JSON object per line: from, length, data (base64), text (when UTF-8).</summary>
    Json,
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nsock.Endpoints;
using Nsock.Relay;

namespace Nsock.Tests;

/// <summary>What carries a <see cref="ConnectionPair"/>: each kind of connection the relay runs over.</summary>
public enum ConnectionKind
{
    /// <summary>Two TCP sockets on loopback; the relay's end is a <see cref="SocketConnection"/>.</summary>
    Tcp,

    /// <summary>Two unix stream sockets, through a path in a temp directory; a <see cref="SocketConnection"/>.</summary>
    Unix,

    /// <summary>TLS over a TCP loopback pair; the relay's end is a <see cref="StreamConnection"/> over an <see cref="SslStream"/>.</summary>
    Tls,
}

/// <summary>
/// Two connected ends of one <see cref="ConnectionKind"/>: the relay's, as the
/// <see cref="IConnection"/> nsock would make of it (named "peer"), and the test's
/// <see cref="PeerEnd"/>. Disposing closes both.
/// </summary>
internal sealed class ConnectionPair : IAsyncDisposable
{
    /// <summary>
    /// A self-signed ECDSA certificate made once per test run. Its ephemeral key goes through a
    /// PFX and back, so the key is one every platform's TLS can sign with.
    /// </summary>
    private static readonly Lazy<X509Certificate2> ThrowawayCertificate = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    });

    private ConnectionPair(IConnection connection, PeerEnd peer)
    {
        Connection = connection;
        Peer = peer;
    }

    /// <summary>The relay's end.</summary>
    public IConnection Connection { get; }

    /// <summary>The test's end.</summary>
    public PeerEnd Peer { get; }

    public static Task<ConnectionPair> CreateAsync(ConnectionKind kind) => kind switch
    {
        ConnectionKind.Tcp => TcpAsync(),
        ConnectionKind.Unix => UnixAsync(),
        ConnectionKind.Tls => TlsAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public async ValueTask DisposeAsync()
    {
        Connection.Dispose();
        await Peer.DisposeAsync();
    }

    private static async Task<ConnectionPair> TcpAsync()
    {
        var (relaySide, peer) = await ConnectAsync(new IPEndPoint(IPAddress.Loopback, 0));

        // A reset is an RST: a close with a zero linger time sends one instead of a FIN.
        return new ConnectionPair(new SocketConnection(relaySide, "peer"), PeerEnd.OnSocket(peer, reset: () => CloseWithRst(peer)));
    }

    private static async Task<ConnectionPair> UnixAsync()
    {
        // The path is needed only to connect: the directory goes as soon as the pair is made.
        var dir = Directory.CreateTempSubdirectory("nsock-pair-");
        Socket relaySide, peer;
        try
        {
            (relaySide, peer) = await ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(dir.FullName, "s")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        // A unix socket knows no RST and ignores SO_LINGER: Linux reports ECONNRESET to the other
        // end when a socket is closed with unread data in its receive queue. So a byte goes from
        // the relay's socket (beside the relay, which never sees it) to the peer, and the peer
        // closes without reading it. A plain close would be an orderly EOF.
        void Reset()
        {
            relaySide.Send([0x21]);
            peer.Close();
        }

        return new ConnectionPair(new SocketConnection(relaySide, "peer"), PeerEnd.OnSocket(peer, Reset));
    }

    /// <summary>
    /// The relay's end is a TLS client that accepts the peer's certificate by its thumbprint; the
    /// peer is the TLS server with a throwaway self-signed certificate.
    /// </summary>
    private static async Task<ConnectionPair> TlsAsync()
    {
        var (relaySocket, peerSocket) = await ConnectAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var relayTls = new SslStream(new NetworkStream(relaySocket, ownsSocket: true));
        var peerRecords = new TlsRecordTap(new NetworkStream(peerSocket, ownsSocket: true));
        var peerTls = new SslStream(peerRecords);
        try
        {
            var certificate = ThrowawayCertificate.Value;
            using var cts = new CancellationTokenSource(PeerEnd.Bound);
            var client = relayTls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    RemoteCertificateValidationCallback = (_, presented, _, _) =>
                        presented is not null && string.Equals(presented.GetCertHashString(), certificate.Thumbprint, StringComparison.OrdinalIgnoreCase),
                },
                cts.Token);
            var server = peerTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cts.Token);
            await Task.WhenAll(client, server);
        }
        catch
        {
            await relayTls.DisposeAsync();
            await peerTls.DisposeAsync();
            throw;
        }

        // Half-close over TLS is a close_notify alert, then a FIN so a reader below TLS sees the end
        // too. IConnection.CloseWrite is synchronous and SslStream has only ShutdownAsync (in .NET 10
        // as before), so this is sync-over-async: a few bytes written to a socket with room for them.
        // A peer that has already gone needs no FIN, as in SocketConnection.CloseWrite.
        // The FIN goes whatever happens to the close_notify, so a close_notify that fails shows up
        // as the strict peer's assertion, never as a reader left waiting.
        void CloseWrite()
        {
            try
            {
                relayTls.ShutdownAsync().GetAwaiter().GetResult();
            }
            finally
            {
                try
                {
                    relaySocket.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                }
            }
        }

        var connection = new StreamConnection(relayTls, "peer", CloseWrite, zeroByteReads: true);
        return new ConnectionPair(connection, PeerEnd.OnTls(peerSocket, peerTls, peerRecords, reset: () => CloseWithRst(peerSocket)));
    }

    private static async Task<(Socket RelaySide, Socket Peer)> ConnectAsync(EndPoint where)
    {
        var protocol = where is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
        using var listener = new Socket(where.AddressFamily, SocketType.Stream, protocol);
        listener.Bind(where);
        listener.Listen(1);
        var peer = new Socket(where.AddressFamily, SocketType.Stream, protocol);
        try
        {
            using var cts = new CancellationTokenSource(PeerEnd.Bound);
            var accept = listener.AcceptAsync(cts.Token);
            await peer.ConnectAsync(listener.LocalEndPoint!, cts.Token);
            return (await accept, peer);
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    private static void CloseWithRst(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }
}

/// <summary>
/// The test's end of a <see cref="ConnectionPair"/>: send, half-close, read to the end, reset, each
/// the way its kind does it. Every wait is bounded.
/// </summary>
internal sealed class PeerEnd : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly TlsRecordTap? _records;
    private readonly Action _reset;

    private PeerEnd(Socket socket, Stream stream, TlsRecordTap? records, Action reset)
    {
        _socket = socket;
        _stream = stream;
        _records = records;
        _reset = reset;
    }

    public static PeerEnd OnSocket(Socket socket, Action reset) => new(socket, new NetworkStream(socket, ownsSocket: true), null, reset);

    /// <param name="records">What the peer's TLS reads from the wire, to tell a close_notify from a bare FIN.</param>
    public static PeerEnd OnTls(Socket socket, SslStream tls, TlsRecordTap records, Action reset) => new(socket, tls, records, reset);

    public async Task SendAsync(byte[] data)
    {
        using var cts = new CancellationTokenSource(Bound);
        await _stream.WriteAsync(data, cts.Token);
    }

    /// <summary>No more data from the peer: a FIN, and over TLS a close_notify before it.</summary>
    public async Task CloseWriteAsync()
    {
        if (_stream is SslStream tls)
        {
            await tls.ShutdownAsync().WaitAsync(Bound);
        }

        _socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>
    /// Reads until the relay's end of stream. Over TLS this peer is strict, as OpenSSL 3 is by
    /// default: the end must be a close_notify before the FIN (SslStream itself reads a bare FIN as
    /// the end too, so the records on the wire are checked); a bare FIN is a truncation, and fails.
    /// </summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(Bound);
        var all = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await _stream.ReadAsync(buffer, cts.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        if (_stream is SslStream tls && _records is not null)
        {
            Assert.True(_records.EndedWithCloseNotify(tls.SslProtocol), $"the TLS stream ended without a close_notify (last record: {_records.Last})");
        }

        return all.ToArray();
    }

    /// <summary>Ends the connection abortively, so the relay's next read fails (see each kind for how).</summary>
    public void Reset() => _reset();

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}

/// <summary>
/// A stream under an <see cref="SslStream"/> that follows the TLS record headers going by in what
/// is read, so a test can tell how the stream ended.
/// </summary>
internal sealed class TlsRecordTap(Stream inner) : Stream
{
    private const byte Alert = 21;
    private const byte ApplicationData = 23;

    // A TLS 1.3 close_notify is an encrypted record: the two alert bytes, the inner content type,
    // and the AEAD tag (16 bytes for every suite .NET negotiates by default).
    private const int Tls13CloseNotifyLength = 2 + 1 + 16;

    private readonly byte[] _header = new byte[5];
    private int _headerHave;
    private int _payloadLeft;

    /// <summary>The type and length of the last record whose header was read.</summary>
    public (byte Type, int Length) Last { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Whether the last record read, complete, was a close_notify alert.</summary>
    public bool EndedWithCloseNotify(System.Security.Authentication.SslProtocols protocol) =>
        _headerHave == 0 && _payloadLeft == 0 && (protocol == System.Security.Authentication.SslProtocols.Tls13
            ? Last == (ApplicationData, Tls13CloseNotifyLength)
            : Last.Type == Alert);

    public override int Read(byte[] buffer, int offset, int count) => Seen(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Seen(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Seen(ReadOnlySpan<byte> bytes)
    {
        var count = bytes.Length;
        while (!bytes.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                var skip = Math.Min(_payloadLeft, bytes.Length);
                _payloadLeft -= skip;
                bytes = bytes[skip..];
                continue;
            }

            var take = Math.Min(_header.Length - _headerHave, bytes.Length);
            bytes[..take].CopyTo(_header.AsSpan(_headerHave));
            _headerHave += take;
            bytes = bytes[take..];
            if (_headerHave == _header.Length)
            {
                _headerHave = 0;
                _payloadLeft = (_header[3] << 8) | _header[4];
                Last = (_header[0], _payloadLeft);
            }
        }

        return count;
    }
}

using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// This process's stdin and stdout as the local end of each connection, as chosen by --echo,
/// --send-only, --recv-only and --interactive. stdin and stdout are opened once, however many
/// connections share them (-k). With -k, clients start on several threads at once: the shared
/// ends are made once, under a lock, so every client writes through the same whole-chunk gate.
/// </summary>
internal sealed class StdioSide(LocalEndChoice choice, int bufferSize)
{
    private readonly Lock _opening = new();
    private IRelaySource? _stdin;
    private IRelaySink? _stdout;
    private SharedStdout? _sharedStdout;
    private StdinBroadcast? _broadcast;

    private bool ReadsStdin => !choice.Echo && !choice.RecvOnly;

    private IRelaySource Stdin => _stdin ??= StdinSource.Open(bufferSize);

    private IRelaySink Stdout
    {
        get
        {
            lock (_opening)
            {
                return _stdout ??= new StdoutSink(StdioHandles.OpenStdout());
            }
        }
    }

    private SharedStdout SharedStdout
    {
        get
        {
            lock (_opening)
            {
                return _sharedStdout ??= new SharedStdout(Stdout);
            }
        }
    }

    /// <summary>The one connection of connect, or of listen without -k.</summary>
    public LocalEnd ForOnlySession(IConnection connection)
    {
        if (choice.Echo)
        {
            return new LocalEnd(null, new EchoSink(connection, Stdout, choice.Stamp));
        }

        var source = ReadsStdin ? Stdin : null;
        if (choice.Interactive && source is not null)
        {
            source = new InteractiveSource(source);
        }

        return new LocalEnd(
            source,
            choice.SendOnly ? null : Stdout,
            SourceEndEndsSession: choice.SendOnly || choice.Interactive,
            // A person at a terminal is done when the server is; a pipe may still have data to send.
            PeerEndEndsSession: choice.Interactive || (ReadsStdin && StdioHandles.StdinIsTerminal));
    }

    /// <summary>
    /// -k: starts sharing stdin among clients (it runs until stdin ends or <paramref name="ct"/>
    /// is cancelled). Without a stdin to share it completes at once.
    /// </summary>
    public Task ShareStdinAsync(CancellationToken ct)
    {
        if (!ReadsStdin)
        {
            return Task.CompletedTask;
        }

        _broadcast = new StdinBroadcast(Stdin, bufferSize);
        return _broadcast.RunAsync(ct);
    }

    /// <summary>-k: this client's share of stdin (dispose when the client is gone), or null.</summary>
    public StdinBroadcast.Subscriber? SubscribeToStdin() => _broadcast?.Subscribe();

    /// <summary>
    /// -k: one of many concurrent clients. stdout is shared whole-chunk; a client's EOF ends that
    /// client, since stdin belongs to everyone and would otherwise keep a finished client open.
    /// </summary>
    public LocalEnd ForSharedSession(IConnection connection, StdinBroadcast.Subscriber? stdinShare)
    {
        var stdout = SharedStdout;
        if (choice.Echo)
        {
            return new LocalEnd(null, new EchoSink(connection, stdout, choice.Stamp));
        }

        return new LocalEnd(
            stdinShare,
            choice.SendOnly ? null : stdout,
            SourceEndEndsSession: choice.SendOnly,
            PeerEndEndsSession: true);
    }
}

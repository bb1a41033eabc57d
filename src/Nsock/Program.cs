using System.CommandLine;
using Nsock;
using Nsock.Commands;
using Nsock.LocalEnds;
using Nsock.Platform;
using Nsock.Terminal;

// First, before nsock opens anything: which of fds 0-2 were really given to us.
StdioHandles.Claim();
DiagnosticPort.Close();

// Socket completions run inline on the event thread instead of hopping to the thread pool: the
// relay's continuations are short, and this doubles loopback throughput. Read once, when the
// runtime's socket engine starts, so it must be set before any socket or pipe is touched.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

using var signals = new SignalHandling();
var commandName = args.FirstOrDefault(a => !a.StartsWith('-')) is { } first && Root.CommandNames.Contains(first) ? first : null;
var root = Root.Create(commandName);
try
{
    var prepared = await CommandLine.PrepareAsync(root, args, signals.Token);
    if (prepared is null)
    {
        return ExitCodes.Success; // help, --version or completions: answered
    }

    // No response files: "@name" is a unix abstract socket name, not a file of arguments.
    var parse = root.Parse(prepared, new ParserConfiguration { ResponseFileTokenReplacer = null });
    if (parse.GetValue(Options.NoColor))
    {
        Colour.Enabled = false;
    }

    Log.Verbose = parse.GetValue(Options.Verbose);
    if (parse.Errors.Count > 0)
    {
        throw NsockException.Usage(commandName ?? "usage", UsageErrors.MostTelling(parse));
    }

    var config = new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        Output = TextWriter.Null, // help is ours (CommandLine); nothing of the parser's reaches stdout
        ProcessTerminationTimeout = null, // SignalHandling owns SIGINT/SIGTERM
    };
    return await parse.InvokeAsync(config, signals.Token);
}
catch (OperationCanceledException) when (signals.ExitCode != 0)
{
    return signals.ExitCode;
}
catch (NsockException e) when (signals.ExitCode == 0)
{
    Stderr.Error(e.What, e.Why);
    if (e.ExitCode == ExitCodes.Usage && e.SeeHelp)
    {
        Stderr.WriteLine(commandName is null ? "see 'nsock --help'" : $"see 'nsock {commandName} --help'");
    }

    return e.ExitCode;
}
catch (System.Net.Sockets.SocketException e) when (signals.ExitCode == 0)
{
    // A socket that could not even be made (no descriptor left at start): one line all the same.
    Stderr.Error("socket", Nsock.Endpoints.SocketFailure.Describe(e));
    return Nsock.Endpoints.SocketFailure.ExitCodeOf(e.SocketErrorCode);
}
catch (Exception e) when (signals.ExitCode == 0)
{
    // A bug of ours: still one line, never a stack trace.
    Stderr.Error("internal error", $"{e.GetType().Name}: {e.Message}");
    return ExitCodes.Network;
}
catch (Exception)
{
    return signals.ExitCode;
}

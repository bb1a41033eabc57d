using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CliWrap;

namespace Nsock.EndToEnd;

/// <summary>
/// A process under test (nsock or a peer such as socat), started with CliWrap: stdin is a pipe
/// the test writes and closes, stdout is collected as bytes, stderr as lines that can be
/// awaited. Disposing kills it if it is still running, so no test leaves a process behind.
/// </summary>
internal sealed partial class RunningProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    // Every process not yet disposed, for LeftoverProcesses to end when the run ends.
    private static readonly ConcurrentDictionary<RunningProcess, bool> Live = new();

    private readonly Pipe _stdin = new();
    private readonly Lock _gate = new();
    private readonly List<string> _stderr = [];
    private readonly CancellationTokenSource _kill = new();
    private readonly CommandTask<CommandResult> _task;
    private TaskCompletionSource _stderrChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningProcess(string program, IEnumerable<string> args, Func<Stream, CancellationToken, Task>? stdoutConsumer, IReadOnlyDictionary<string, string?>? environment)
    {
        Program = Path.GetFileName(program);
        var stdout = stdoutConsumer is null ? PipeTarget.Create(CollectStdoutAsync) : PipeTarget.Create(stdoutConsumer);
        var command = Cli.Wrap(program)
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.FromStream(_stdin.Reader.AsStream()))
            .WithStandardOutputPipe(stdout)
            .WithStandardErrorPipe(PipeTarget.ToDelegate(OnStderrLine));
        if (environment is not null)
        {
            command = command.WithEnvironmentVariables(environment);
        }

        _task = command.ExecuteAsync(_kill.Token);
        Live[this] = true;
    }

    public string Program { get; }

    public OutputBuffer Stdout { get; } = new();

    /// <summary>Write here to feed the process's stdin; <see cref="CloseStdinAsync"/> sends EOF.</summary>
    public Stream Stdin => _stdin.Writer.AsStream();

    public int ProcessId => _task.ProcessId;

    /// <summary>Whether <see cref="DisposeLeftoversAsync"/> may kill it; false for a process that ends the run its own way.</summary>
    public bool EndedWithTheRun { get; set; } = true;

    public bool HasExited => _task.Task.IsCompleted;

    public IReadOnlyList<string> StderrLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    public string Stderr => string.Join("\n", StderrLines);

    /// <summary>Starts the built nsock with these arguments.</summary>
    public static RunningProcess Nsock(params string[] args) => Start(NsockTool.Path, args);

    /// <summary>Starts nsock with SIGINT and SIGQUIT at their default disposition, so a test can send them.</summary>
    public static RunningProcess NsockInterruptible(params string[] args) =>
        Start("python3", ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGQUIT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])", NsockTool.Path, .. args]);

    /// <summary>Starts nsock after a shell <paramref name="setup"/> (such as <c>umask 077</c> or <c>ulimit -n 64</c>).</summary>
    public static RunningProcess NsockAfter(string setup, params string[] args) =>
        Start("sh", ["-c", setup + "; exec \"$0\" \"$@\"", NsockTool.Path, .. args]);

    public static RunningProcess Start(string program, IEnumerable<string> args, Func<Stream, CancellationToken, Task>? stdoutConsumer = null, IReadOnlyDictionary<string, string?>? environment = null) =>
        new(program, args, stdoutConsumer, environment);

    public async Task WriteStdinAsync(byte[] data)
    {
        await _stdin.Writer.WriteAsync(data);
    }

    public async Task WriteStdinAsync(string text) => await WriteStdinAsync(System.Text.Encoding.UTF8.GetBytes(text));

    public async Task CloseStdinAsync() => await _stdin.Writer.CompleteAsync();

    /// <summary>Waits for a stderr line matching <paramref name="pattern"/> and returns its match.</summary>
    public async Task<Match> WaitForStderrAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        var limit = timeout ?? DefaultWait;
        using var cts = new CancellationTokenSource(limit);
        var seen = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; seen < _stderr.Count; seen++)
                {
                    var match = regex.Match(_stderr[seen]);
                    if (match.Success)
                    {
                        return match;
                    }
                }

                changed = _stderrChanged.Task;
            }

            // The command's task completes only once its stderr pipe is drained (CliWrap awaits
            // the piping): by then every line has been seen.
            if (HasExited)
            {
                lock (_gate)
                {
                    if (seen == _stderr.Count)
                    {
                        throw new InvalidOperationException($"{Program} exited ({_task.Task.Result.ExitCode}) before printing /{pattern}/; stderr:\n{Stderr}");
                    }
                }

                continue;
            }

            try
            {
                await Task.WhenAny(changed, _task.Task).WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Program} did not print /{pattern}/ within {limit.TotalSeconds} s; stderr:\n{Stderr}");
            }
        }
    }

    /// <summary>nsock's -v readiness line: the port it really listens on.</summary>
    public async Task<int> WaitForListeningPortAsync(TimeSpan? timeout = null)
    {
        var match = await WaitForStderrAsync(@"^listening on (.+):(\d+)$", timeout);
        return int.Parse(match.Groups[2].Value);
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultWait;
        try
        {
            var result = await _task.Task.WaitAsync(limit); // completes after stdout and stderr are drained
            return result.ExitCode;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Program} did not exit within {limit.TotalSeconds} s; stderr:\n{Stderr}");
        }
    }

    /// <summary>Waits for the exit (bounded) and asserts its code, showing stderr when it is another.</summary>
    public async Task AssertExitCodeAsync(int expected, TimeSpan? timeout = null)
    {
        var code = await WaitForExitAsync(timeout);
        Assert.True(code == expected, $"{Program} exited {code}, expected {expected}; stderr:\n{Stderr}");
    }

    public void Signal(int signal)
    {
        if (!HasExited)
        {
            _ = Kill(ProcessId, signal);
        }
    }

    /// <summary>Kills every process a test started and has not disposed (one whose test was skipped or abandoned, say).</summary>
    public static async Task DisposeLeftoversAsync()
    {
        foreach (var process in Live.Keys.Where(p => p.EndedWithTheRun))
        {
            await process.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Live.TryRemove(this, out _))
        {
            return; // disposed already
        }

        await _stdin.Writer.CompleteAsync();
        if (!HasExited)
        {
            await _kill.CancelAsync();
        }

        try
        {
            await _task.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        _kill.Dispose();
    }

    private async Task CollectStdoutAsync(Stream stdout, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stdout.ReadAsync(buffer, ct)) > 0)
        {
            Stdout.Append(buffer.AsSpan(0, read));
        }

        Stdout.End();
    }

    private void OnStderrLine(string line)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _stderr.Add(line);
            changed = _stderrChanged;
            _stderrChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

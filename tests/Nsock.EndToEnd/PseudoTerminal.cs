namespace Nsock.EndToEnd;

/// <summary>
/// Runs nsock with a pseudo-terminal as its stdin (and controlling terminal), the way a person
/// starts it from a shell. A small python3 wrapper does the pty work: what the test writes to
/// the wrapper's stdin is typed into the terminal; nsock's stdout reaches the wrapper's stdout
/// (directly, or copied from the terminal when stdout is the terminal too); nsock's stderr is
/// the wrapper's stderr unless it is on the terminal; the wrapper exits with nsock's exit code.
/// The wrapper bounds nsock's life on its own (exit 124 after the limit), so nothing outlives a test.
/// </summary>
internal static class PseudoTerminal
{
    /// <summary>How long the wrapper lets nsock run before killing it and exiting 124.</summary>
    public static readonly TimeSpan WrapperLimit = TimeSpan.FromSeconds(30);

    private const string Wrapper = """
        import os, pty, select, signal, sys, time
        mode, limit, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
        out, err = os.dup(1), os.dup(2)
        pid, master = pty.fork()
        if pid == 0:
            try:
                if mode == "stdin":
                    os.dup2(out, 1)
                    os.dup2(err, 2)
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        os.close(out)
        os.close(err)
        deadline = time.monotonic() + limit
        inputs = [0, master]
        status = None
        while True:
            if status is None:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = st
                    deadline = min(deadline, time.monotonic() + 1)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (status is not None and master not in inputs):
                break
            ready, _, _ = select.select(inputs, [], [], min(remaining, 0.05))
            if 0 in ready:
                data = os.read(0, 4096)
                if data:
                    os.write(master, data)
                else:
                    inputs.remove(0)
            if master in ready:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    data = b""
                if data:
                    if mode == "all":
                        os.write(1, data)
                else:
                    inputs.remove(master)
            elif status is not None and not ready:
                break
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stderr.write("pty wrapper: %s still running after %g s: killed\n" % (argv[0], limit))
            sys.exit(124)
        code = os.waitstatus_to_exitcode(status)
        sys.exit(128 - code if code < 0 else code)
        """;

    /// <summary>
    /// Starts nsock with the terminal as stdin; with <paramref name="stdoutToo"/> stdout and
    /// stderr are the terminal as well (the wrapper's stdout then carries the whole terminal
    /// output, echo included, and its stderr only the wrapper's own complaints).
    /// </summary>
    public static RunningProcess Nsock(bool stdoutToo, params string[] args) => Start(NsockTool.Path, stdoutToo, null, args);

    /// <summary>
    /// Starts <paramref name="tool"/> (a build of nsock, see <see cref="NsockTool.PathOf"/>) the
    /// same way, with <paramref name="environment"/> changed as <see cref="RunningProcess.Start"/> does.
    /// </summary>
    public static RunningProcess Start(string tool, bool stdoutToo, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        ToolPlatform.Needs(Need.PseudoTerminal);
        return RunningProcess.Start(
            "python3",
            ["-c", Wrapper, stdoutToo ? "all" : "stdin", WrapperLimit.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), tool, .. args],
            environment: environment);
    }
}

namespace Nsock.EndToEnd;

/// <summary>Collects a process's stdout as bytes, and lets a test await content in it.</summary>
internal sealed class OutputBuffer
{
    private readonly MemoryStream _bytes = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public byte[] ToArray()
    {
        lock (_gate)
        {
            return _bytes.ToArray();
        }
    }

    public string Text => System.Text.Encoding.UTF8.GetString(ToArray());

    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _bytes.Length;
            }
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _bytes.Write(data);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>The process closed its stdout: everything it wrote is here.</summary>
    public void End() => _ended.TrySetResult();

    /// <summary>Waits (bounded) until the process has closed its stdout, as a pipeline reader sees EOF.</summary>
    public async Task WaitForEndAsync(TimeSpan timeout)
    {
        try
        {
            await _ended.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"stdout was not closed within {timeout.TotalSeconds} s; have {Length} bytes: {Preview()}");
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for the bytes so far.</summary>
    public async Task WaitForAsync(Func<byte[], bool> done, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (done(_bytes.ToArray()))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}; have {Length} bytes: {Preview()}");
            }
        }
    }

    public Task WaitForTextAsync(string text, TimeSpan timeout) =>
        WaitForAsync(b => System.Text.Encoding.UTF8.GetString(b).Contains(text, StringComparison.Ordinal), timeout, $"'{text}'");

    private string Preview()
    {
        var text = Text;
        return text.Length > 300 ? text[..300] + "..." : text;
    }
}

using Nsock.Netlink;

namespace Nsock.Sessions;

/// <summary>
/// The requests still waiting for the kernel's last word (<see cref="NetlinkLastWord"/>): a
/// dump ends with NLMSG_DONE (or an error), a request with NLM_F_ACK with its NLMSG_ERROR. A
/// request with neither has no last word; it is counted, so the session knows it can only wait
/// for quiet. Replies are matched by sequence number, oldest first when several share one.
/// </summary>
internal sealed class NetlinkReplies(int protocol)
{
    private readonly Lock _lock = new();
    private readonly List<uint> _waiting = [];
    private TaskCompletionSource _allAnswered = Answered();

    /// <summary>Requests sent that no reply can be known to end.</summary>
    public int Unanswerable { get; private set; }

    /// <summary>The first error the kernel answered with, if any.</summary>
    public NetlinkError? FirstError { get; private set; }

    /// <summary>Completes whenever nothing is waiting (again).</summary>
    public Task AllAnswered
    {
        get
        {
            lock (_lock)
            {
                return _allAnswered.Task;
            }
        }
    }

    public bool IsWaiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count > 0;
            }
        }
    }

    /// <summary>Notes a request that is about to be sent.</summary>
    public void Expect(NetlinkHeader request)
    {
        var lastWord = NetlinkLastWord.Of(protocol, request);
        lock (_lock)
        {
            if (lastWord == LastWord.None)
            {
                Unanswerable++;
                return;
            }

            if (_waiting.Count == 0)
            {
                _allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _waiting.Add(request.Sequence);
        }
    }

    /// <summary>Notes a message from the kernel; returns the error it carries, if it is one.</summary>
    /// <exception cref="NetlinkFormatException">An NLMSG_ERROR too short to say anything.</exception>
    public NetlinkError? Observe(NetlinkMessage message)
    {
        var error = NetlinkError.Of(message);
        var sequence = error?.RequestSequence ?? message.Header.Sequence;
        if (!message.IsDone && !message.IsError)
        {
            return null;
        }

        lock (_lock)
        {
            if (error is { IsAck: false } && FirstError is null)
            {
                FirstError = error;
            }

            var index = _waiting.IndexOf(sequence);
            if (index >= 0)
            {
                _waiting.RemoveAt(index);
                if (_waiting.Count == 0)
                {
                    _allAnswered.TrySetResult();
                }
            }
        }

        return error is { IsAck: false } ? error : null;
    }

    private static TaskCompletionSource Answered()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}

using System.Runtime.Versioning;
namespace Nsock.Platform;

/// <summary>A read or write on a descriptor failed with this errno.</summary>
internal sealed class DescriptorException(int errno) : IOException(Platform.Errno.Describe(errno))
{
    public int Errno { get; } = errno;
}

/// <summary>
/// One of fds 0-2 as a synchronous byte stream over read(2) and write(2), at the descriptor's
/// own file offset (as a shell redirection expects) and without the duplicate descriptor the
/// console streams make. Failures carry their errno, so a gone reader (EPIPE) can be told from
/// a full disk (ENOSPC). For files, devices and terminals; pipes and sockets are read and written
/// asynchronously instead (see LocalEnds/StdioHandles).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class DescriptorStream(int fd, FileAccess access) : Stream
{
    public override bool CanRead => access == FileAccess.Read;

    public override bool CanWrite => access == FileAccess.Write;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var read = Libc.Read(fd, buffer, (nuint)buffer.Length);
            if (read >= 0)
            {
                return (int)read;
            }

            WaitOrThrow(Errno.Last, Libc.PollIn);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var written = Libc.Write(fd, buffer, (nuint)buffer.Length);
            if (written >= 0)
            {
                buffer = buffer[(int)written..];
                continue;
            }

            WaitOrThrow(Errno.Last, PollOut);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private const short PollOut = 0x4;

    // A descriptor inherited in non-blocking mode says "try again": wait until it is ready.
    private void WaitOrThrow(int errno, short events)
    {
        if (errno == Errno.EINTR)
        {
            return;
        }

        if (errno != Errno.EAGAIN)
        {
            throw new DescriptorException(errno);
        }

        Span<Libc.PollFd> poll = [new Libc.PollFd { Fd = fd, Events = events }];
        _ = Libc.Poll(poll, 1, -1);
    }
}

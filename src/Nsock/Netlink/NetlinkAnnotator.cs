using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Nsock.Platform;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// The annotated dump of raw netlink (<c>nsock netlink PROTOCOL --raw --hex</c>): every message in
/// a datagram as its nlmsghdr (type and flags by name), its fixed header split into named fields
/// and its attributes one per line, nested ones indented, values as numbers, strings, addresses
/// or hex, as the protocol's tables say. Flags 0x100-0x800 are named as the kernel reads them:
/// ROOT/MATCH/ATOMIC (DUMP for both) on a GET request, CAPPED/ACK_TLVS on NLMSG_ERROR and
/// NLMSG_DONE, REPLACE/EXCL/CREATE/APPEND on everything else (other requests and what the kernel
/// sends, notifications included). Whatever the bytes, the result is text: what does not parse
/// is a "malformed:" line and hex, never an exception.
/// </summary>
internal static class NetlinkAnnotator
{
    /// <summary>
    /// The text for one datagram of <paramref name="protocol"/> (or one read of stdin), each line
    /// ending in '\n'. For generic netlink, <paramref name="genericFamilyName"/> names the messages
    /// of type <paramref name="genericFamilyId"/> (of every type but the controller's when no id is given).
    /// </summary>
    public static string Annotate(int protocol, ReadOnlyMemory<byte> datagram, uint? genericFamilyId = null, string? genericFamilyName = null)
    {
        var text = new AnnotationWriter();
        try
        {
            if (protocol == NetlinkProtocol.Uevent)
            {
                Uevent(text, datagram.Span);
            }
            else
            {
                var familyName = protocol == NetlinkProtocol.Generic && genericFamilyName is not null ? SafeText.Escape(genericFamilyName) : null;
                Messages(text, new Context(protocol, ProtocolAnnotation.For(protocol), genericFamilyId, familyName), datagram);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not expected (the tests feed the annotator garbage to make sure), but a dump of
            // hostile bytes must still end in text rather than a stack trace.
            text.Line(0, $"malformed: the annotator could not read this ({e.GetType().Name})");
            text.HexLine(1, datagram.Span);
        }

        return text.ToString();
    }

    private sealed record Context(int Protocol, ProtocolAnnotation Tables, uint? FamilyId, string? FamilyName);

    private static void Messages(AnnotationWriter text, Context context, ReadOnlyMemory<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            text.Line(0, "empty: 0 bytes");
            return;
        }

        var messages = NetlinkMessage.Split(datagram, out var problem);
        var offset = 0;
        foreach (var message in messages)
        {
            Message(text, context, message.Header, message.Payload, 0);
            offset += Math.Min(NetlinkHeader.Align((int)message.Header.Length), datagram.Length - offset);
        }

        if (problem is not null)
        {
            text.Line(0, "malformed: " + problem);
            text.HexLine(1, datagram.Span[offset..]);
        }
    }

    private static void Message(AnnotationWriter text, Context context, NetlinkHeader header, ReadOnlyMemory<byte> payload, int depth)
    {
        text.Line(depth, HeaderLine(context, header, payload));
        switch (header.Type)
        {
            case NetlinkHeader.Error:
                Error(text, context, header, payload, depth + 1);
                break;
            case NetlinkHeader.Done:
                Done(text, header, payload, depth + 1);
                break;
            case < NetlinkHeader.MinType:
                text.HexLine(depth + 1, payload.Span);
                break;
            default:
                Body(text, context, header, payload, depth + 1);
                break;
        }
    }

    private static string HeaderLine(Context context, NetlinkHeader header, ReadOnlyMemory<byte> payload)
    {
        var type = header.Type.ToString(CultureInfo.InvariantCulture);
        var name = header.Type < NetlinkHeader.MinType
            ? CommonAnnotation.ControlTypes.NameOf(header.Type)
            : context.FamilyName is not null && header.Type != GenericAnnotation.ControllerId && (context.FamilyId ?? header.Type) == header.Type
                ? context.FamilyName
                : context.Tables.TypeName(header.Type);
        return new StringBuilder("nlmsghdr len ").Append(header.Length.ToString(CultureInfo.InvariantCulture))
            .Append(" type ").Append(name is null ? type : $"{name} ({type})")
            .Append(" flags ").Append(Flags(context, header, payload))
            .Append(" seq ").Append(header.Sequence.ToString(CultureInfo.InvariantCulture))
            .Append(" port ").Append(header.PortId.ToString(CultureInfo.InvariantCulture))
            .ToString();
    }

    private static string Flags(Context context, NetlinkHeader header, ReadOnlyMemory<byte> payload)
    {
        if (header.Type is NetlinkHeader.Error or NetlinkHeader.Done)
        {
            return AnnotationNames.DescribeBits(header.Flags, CommonAnnotation.AckFlags);
        }

        var get = (header.Flags & NetlinkHeader.Request) != 0 && (context.Tables.IsGet(header.Type, payload) ?? CommonAnnotation.LooksLikeDump(header));
        return get
            ? AnnotationNames.DescribeBits(header.Flags, CommonAnnotation.GetFlags).Replace("ROOT,MATCH", "DUMP", StringComparison.Ordinal)
            : AnnotationNames.DescribeBits(header.Flags, CommonAnnotation.NewFlags);
    }

    /// <summary>The fixed header the tables give for this message, then its attributes; hex when there are no tables.</summary>
    private static void Body(AnnotationWriter text, Context context, NetlinkHeader header, ReadOnlyMemory<byte> payload, int depth)
    {
        var layout = context.Tables.LayoutOf(header, payload);
        if (layout is null)
        {
            text.HexLine(depth, payload.Span);
            return;
        }

        if (payload.Length < layout.Size)
        {
            text.Line(depth, $"malformed: {layout.Name} needs {layout.Size} bytes, the message has {payload.Length}");
            text.HexLine(depth + 1, payload.Span);
            return;
        }

        var fixedHeader = payload.Span[..layout.Size];
        var family = layout.HasFamily ? fixedHeader[0] : 0;
        var line = new StringBuilder(layout.Name);
        foreach (var field in layout.Fields)
        {
            line.Append(' ').Append(AnnotatedValues.Field(field, fixedHeader, family));
        }

        text.Line(depth, line.ToString());
        var attributes = payload[Math.Min(NetlinkHeader.Align(layout.Size), payload.Length)..];
        if (layout.Attributes is null || (IsUntabled(layout.Attributes) && !AttributeAnnotator.AreAttributes(attributes)))
        {
            text.HexLine(depth, attributes.Span);
        }
        else
        {
            AttributeAnnotator.Write(text, attributes, layout.Attributes, depth, family);
        }
    }

    /// <summary>An empty table: the attributes of a family nsock does not know, split only when they parse.</summary>
    private static bool IsUntabled(AttributeTable table) => table[0] is null && table[1] is null && table[2] is null;

    /// <summary>NLMSG_ERROR: the error (0 is an ACK), the request it answers, then the extended ACK's attributes.</summary>
    private static void Error(AnnotationWriter text, Context context, NetlinkHeader header, ReadOnlyMemory<byte> payload, int depth)
    {
        if (payload.Length < 4)
        {
            text.Line(depth, $"malformed: NLMSG_ERROR of {payload.Length} bytes, less than its 4-byte error");
            text.HexLine(depth + 1, payload.Span);
            return;
        }

        var error = BinaryPrimitives.ReadInt32LittleEndian(payload.Span);
        text.Line(depth, error switch
        {
            0 => "error 0 (ack)",
            < 0 and > int.MinValue => $"error {error.ToString(CultureInfo.InvariantCulture)} ({SafeText.Escape(Errno.Describe(-error))})",
            _ => $"error {error.ToString(CultureInfo.InvariantCulture)}",
        });

        var rest = payload[4..];
        if (rest.IsEmpty)
        {
            return;
        }

        if (rest.Length < NetlinkHeader.Size)
        {
            text.Line(depth, $"malformed: the echoed request has {rest.Length} bytes, less than a 16-byte header");
            text.HexLine(depth + 1, rest.Span);
            return;
        }

        var request = NetlinkHeader.Read(rest.Span);
        var capped = (header.Flags & NetlinkHeader.Capped) != 0;
        var echoed = capped ? NetlinkHeader.Size : (int)Math.Min(Math.Max(request.Length, (uint)NetlinkHeader.Size), (uint)rest.Length);
        text.Line(depth, "request " + HeaderLine(context, request, rest[NetlinkHeader.Size..echoed]));
        if (!capped && request.Length > rest.Length)
        {
            text.Line(depth + 1, $"malformed: the echoed request says {request.Length} bytes, only {rest.Length} there");
        }

        if (!capped && request.Type >= NetlinkHeader.MinType)
        {
            Body(text, context, request, rest[NetlinkHeader.Size..echoed], depth + 1);
        }
        else
        {
            text.HexLine(depth + 1, rest.Span[NetlinkHeader.Size..echoed]);
        }

        var after = Math.Min(NetlinkHeader.Align(echoed), rest.Length);
        Trailer(text, header, rest[after..], depth);
    }

    /// <summary>NLMSG_DONE: the dump's result (0, or an errno negated), then, as for an error, the extended ACK.</summary>
    private static void Done(AnnotationWriter text, NetlinkHeader header, ReadOnlyMemory<byte> payload, int depth)
    {
        if (payload.Length < 4)
        {
            text.HexLine(depth, payload.Span);
            return;
        }

        var result = BinaryPrimitives.ReadInt32LittleEndian(payload.Span);
        text.Line(depth, result is < 0 and > int.MinValue
            ? $"done {result.ToString(CultureInfo.InvariantCulture)} ({SafeText.Escape(Errno.Describe(-result))})"
            : $"done {result.ToString(CultureInfo.InvariantCulture)}");
        Trailer(text, header, payload[4..], depth);
    }

    /// <summary>What follows an error or a done: the extended ACK's attributes when the flags say so, else hex.</summary>
    private static void Trailer(AnnotationWriter text, NetlinkHeader header, ReadOnlyMemory<byte> rest, int depth)
    {
        if ((header.Flags & NetlinkHeader.AckTlvs) != 0)
        {
            AttributeAnnotator.Write(text, rest, CommonAnnotation.ExtendedAck, depth, 0);
        }
        else
        {
            text.HexLine(depth, rest.Span);
        }
    }

    /// <summary>A kernel object event: not nlmsghdr-framed, but "ACTION@DEVPATH\0KEY=VALUE\0...", one string a line.</summary>
    private static void Uevent(AnnotationWriter text, ReadOnlySpan<byte> datagram)
    {
        text.Line(0, $"uevent {datagram.Length.ToString(CultureInfo.InvariantCulture)} bytes");
        while (!datagram.IsEmpty)
        {
            var nul = datagram.IndexOf((byte)0);
            var part = nul < 0 ? datagram : datagram[..nul];
            if (!part.IsEmpty)
            {
                text.Line(1, SafeText.Escape(part));
            }

            datagram = nul < 0 ? [] : datagram[(nul + 1)..];
        }
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Nsock.Netlink;

/// <summary>
/// One decoded kernel object (a link, an address, a socket, a uevent...), ready to print both
/// ways: <see cref="Line"/> in the spirit of <c>ip -o</c> / <c>ss</c>, and <see cref="Fields"/>
/// for JSON, in order, with names close to <c>ip -j</c>'s. <see cref="Kind"/> names the object
/// ("link", "addr", "route", "neigh", "rule", "uevent", "tcp", "family", ...); a monitor makes
/// its event from it (<c>+link</c>, <c>-addr</c>).
/// </summary>
internal sealed record NetlinkRecord(string Kind, string Line, JsonFields Fields)
{
    // "+link" and "ñ" as they are, not \u002B and \u00F1: the output is JSON Lines, never HTML.
    // Control characters are still escaped, so a record is always one line.
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON object for this record, with <paramref name="first"/> fields (time, event) in front.</summary>
    public string ToJson(params (string Name, string Value)[] first)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            foreach (var (name, value) in first)
            {
                json.WriteString(name, value);
            }

            Fields.WriteMembers(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>
/// The fields of a JSON object, in the order they were added: strings, whole numbers, yes/no,
/// lists of strings, nested objects and lists of objects. A decoder adds only what the kernel gave.
/// </summary>
internal sealed class JsonFields
{
    private readonly List<(string Name, object Value)> _fields = [];

    public IReadOnlyList<(string Name, object Value)> All => _fields;

    public JsonFields Add(string name, string? value) => value is null ? this : Put(name, value);

    public JsonFields Add(string name, long? value) => value is null ? this : Put(name, value.Value);

    public JsonFields Add(string name, ulong? value) => value is null ? this : Put(name, value.Value);

    public JsonFields Add(string name, bool? value) => value is null ? this : Put(name, value.Value);

    public JsonFields Add(string name, IReadOnlyList<string>? values) => values is null ? this : Put(name, values);

    public JsonFields Add(string name, JsonFields? nested) => nested is null ? this : Put(name, nested);

    /// <summary>An array of objects (a generic family's multicast groups).</summary>
    public JsonFields Add(string name, IReadOnlyList<JsonFields>? objects) => objects is null ? this : Put(name, objects);

    /// <summary>The value of the field <paramref name="name"/>, or null (for tests and the monitor's filters).</summary>
    public object? this[string name] => _fields.FirstOrDefault(f => f.Name == name).Value;

    public void WriteMembers(Utf8JsonWriter json)
    {
        foreach (var (name, value) in _fields)
        {
            json.WritePropertyName(name);
            Write(json, value);
        }
    }

    private static void Write(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case string text:
                json.WriteStringValue(text);
                break;
            case long number:
                json.WriteNumberValue(number);
                break;
            case ulong number:
                json.WriteNumberValue(number);
                break;
            case bool yes:
                json.WriteBooleanValue(yes);
                break;
            case IReadOnlyList<string> list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    json.WriteStringValue(item);
                }

                json.WriteEndArray();
                break;
            case JsonFields nested:
                json.WriteStartObject();
                nested.WriteMembers(json);
                json.WriteEndObject();
                break;
            case IReadOnlyList<JsonFields> objects:
                json.WriteStartArray();
                foreach (var item in objects)
                {
                    json.WriteStartObject();
                    item.WriteMembers(json);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
        }
    }

    private JsonFields Put(string name, object value)
    {
        _fields.Add((name, value));
        return this;
    }
}

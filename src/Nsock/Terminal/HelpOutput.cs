namespace Nsock.Terminal;

/// <summary>
/// Where --help text goes: stdout, opened only when help is really printed. Touching
/// Console.Out up front would make the runtime duplicate fd 1, and that duplicate would keep
/// a pipeline's stdout open after nsock closes it at socket EOF.
/// </summary>
internal sealed class HelpOutput : TextWriter
{
    private readonly Lazy<TextWriter> _stdout = new(() => Console.Out);

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public static TextWriter Create() => new HelpOutput();

    public override void Write(char value) => _stdout.Value.Write(value);

    public override void Write(string? value) => _stdout.Value.Write(value);

    public override void Flush()
    {
        if (_stdout.IsValueCreated)
        {
            _stdout.Value.Flush();
        }
    }
}

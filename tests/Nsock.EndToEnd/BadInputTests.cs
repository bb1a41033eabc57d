using System.Diagnostics;
using System.Runtime.Versioning;

namespace Nsock.EndToEnd;

/// <summary>
/// Bad command lines, a table of them for every command and every option that takes a value:
/// each must end at once with the exit code SPEC.md gives it and the error contract (exactly one
/// <c>nsock: what: why</c> line naming the culprit, a usage error may add one <c>see '...'</c>
/// hint, no stack trace, stdout empty).
/// </summary>
/// <remarks>
/// Safety: only loopback is ever a target. connect and udp-send rows aim at 127.0.0.1 or ::1, or
/// at a form that can only mean 127.0.0.1 (127.1, 0177.0.0.1, ...), so a line nsock wrongly
/// accepts sends nothing beyond this machine. Forms that mean other addresses (1.2.3 is 1.2.0.3)
/// and long names appear only where nsock binds (listen, udp-recv, -s). Binding rows use port 0,
/// a port that cannot be bound, or 127.0.0.1. A row nsock wrongly accepts (a listener then waits
/// for ever) is killed after <see cref="Bound"/> and fails saying so.
/// </remarks>
public sealed class BadInputTests
{
    /// <summary>Replaced, in a row's arguments and its token, by a fresh directory of that row, holding a regular file <c>file</c>.</summary>
    private const string D = "%D";

    /// <summary>
    /// How long a row may run: a bad command line ends at once (well under a second), so one still
    /// running has been accepted. Generous, for a loaded machine: rows run together, so the rows
    /// that hang cost this once, not once each.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>How long a row holds its start-up slot at most: nsock has started (or ended) by then.</summary>
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(2);

    // Over 255 and over 253 characters (the DNS limit of a name), and a label over 63. ".invalid"
    // never resolves, but they are bound (listen, udp-recv, -s) all the same, never connected to.
    private static readonly string Name256 = new string('a', 248) + ".invalid";
    private static readonly string Name254 = new string('a', 246) + ".invalid";
    private static readonly string Label64 = new string('a', 64) + ".invalid";

    // Over the 107 bytes of sun_path (Linux); unique per row, so a wrongly bound one collides with nothing.
    private static readonly string LongPath = D + "/" + new string('p', 110);
    private static readonly string LongAbstract = "@" + D + "/" + new string('p', 110);

    /// <summary>args, the SPEC exit code, a token the error line must name, and (rarely) words it must also say.</summary>
    public static BadRows Rows { get; } = new()
    {
        // ==== no command / unknown command ====
        { ["bogus-cmd"], 2, "bogus-cmd" },
        { ["--bogus"], 2, "--bogus" },
        { ["Connect", "127.0.0.1", "1"], 2, "Connect" },

        // ==== connect: arguments ====
        { ["connect"], 2, "HOST" },
        { ["connect", "127.0.0.1"], 2, "PORT" },
        { ["connect", "127.0.0.1", "1", "extra"], 2, "extra" },
        { ["connect", "--bogus", "127.0.0.1", "1"], 2, "--bogus" },
        { ["connect", "127.0.0.1", "1", "-x"], 2, "-x" },
        { ["connect", "127.0.0.1", "1", "-w"], 2, "-w" },
        { ["connect", "127.0.0.1", "1", "-s"], 2, "-s" },
        // connect: ports
        { ["connect", "127.0.0.1", "0"], 2, "0" },
        { ["connect", "127.0.0.1", "-1"], 2, "-1" },
        { ["connect", "127.0.0.1", "-0"], 2, "-0" },
        { ["connect", "127.0.0.1", "65536"], 2, "65536" },
        { ["connect", "127.0.0.1", "1e3"], 2, "1e3" },
        { ["connect", "127.0.0.1", "0x50"], 2, "0x50" },
        { ["connect", "127.0.0.1", " 80"], 2, " 80" },
        { ["connect", "127.0.0.1", "80 "], 2, "80 " },
        { ["connect", "127.0.0.1", "+80"], 2, "+80" },
        { ["connect", "127.0.0.1", "８０"], 2, "８０" },
        { ["connect", "127.0.0.1", "٨٠"], 2, "٨٠" },
        { ["connect", "127.0.0.1", "99999999999999999999"], 2, "99999999999999999999" },
        { ["connect", "127.0.0.1", "4294967297"], 2, "4294967297" },
        { ["connect", "127.0.0.1", ""], 2, "''" },
        { ["connect", "127.0.0.1", "abc"], 2, "abc" },
        { ["connect", "127.0.0.1", "1.0"], 2, "1.0" },
        { ["connect", "127.0.0.1", "80,443"], 2, "80,443" },
        { ["connect", "127.0.0.1", "8000-8100"], 2, "8000-8100" },
        // connect: hosts (every form that could be accepted means 127.0.0.1)
        { ["connect", "", "1"], 2, "''" },
        { ["connect", "127.0.0.1:80", "1"], 2, "127.0.0.1:80" },
        { ["connect", "[127.0.0.1]", "1"], 2, "[127.0.0.1]" },
        { ["connect", "[::1", "1"], 2, "[::1" },
        { ["connect", "::1]", "1"], 2, "::1]" },
        { ["connect", "[::1]:80", "1"], 2, "[::1]:80" },
        { ["connect", "1::2::3", "1"], 2, "1::2::3" },
        { ["connect", "http://127.0.0.1", "1"], 2, "http://127.0.0.1" },
        { ["connect", "127.0.0.1 ", "1"], 2, "127.0.0.1 " },
        { ["connect", "-", "1"], 2, "-" },
        { ["connect", "127.1", "1"], 2, "127.1" },
        { ["connect", "0177.0.0.1", "1"], 2, "0177.0.0.1" },
        { ["connect", "127.0.0.01", "1"], 2, "127.0.0.01" },
        { ["connect", "2130706433", "1"], 2, "2130706433" },
        { ["connect", "0x7f.0.0.1", "1"], 2, "0x7f.0.0.1" },
        { ["connect", "0x7f000001", "1"], 2, "0x7f000001" },
        { ["connect", "017700000001", "1"], 2, "017700000001" },
        // connect: -4/-6
        { ["connect", "-4", "::1", "1"], 2, "::1" },
        { ["connect", "-6", "127.0.0.1", "1"], 2, "127.0.0.1" },
        { ["connect", "-4", "-6", "127.0.0.1", "1"], 2, "-4/-6" },
        { ["connect", "--ipv4", "--ipv6", "::1", "1"], 2, "-4/-6" },
        // connect: -w/--timeout (at least 1 ms, a finite number of seconds)
        { ["connect", "-w", "0", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "-1", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "-inf", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "abc", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "nan", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "inf", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "Infinity", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "1e400", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "1e-300", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "1e-9", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "0.0001", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "0.0009", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "--timeout", "0.0000001", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "1,5", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "0x10", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "1x", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "ms", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "1.5.1s", "127.0.0.1", "1"], 2, "--timeout" },
        { ["connect", "-w", "2147484", "127.0.0.1", "1"], 2, "--timeout" },
        // connect: -i/--idle-timeout
        { ["connect", "-i", "0", "127.0.0.1", "1"], 2, "--idle-timeout" },
        { ["connect", "-i", "-1", "127.0.0.1", "1"], 2, "--idle-timeout" },
        { ["connect", "-i", "nan", "127.0.0.1", "1"], 2, "--idle-timeout" },
        { ["connect", "-i", "abc", "127.0.0.1", "1"], 2, "--idle-timeout" },
        { ["connect", "-i", "1e-9", "127.0.0.1", "1"], 2, "--idle-timeout" },
        { ["connect", "-i", "0.0001", "127.0.0.1", "1"], 2, "--idle-timeout" },
        // connect: --buffer-size (1 to 16 MiB)
        { ["connect", "--buffer-size", "0", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "-1", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "16777217", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "99999999999", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "abc", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "1.5", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "1e3", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "0x10", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", " 64", "127.0.0.1", "1"], 2, "--buffer-size" },
        { ["connect", "--buffer-size", "+64", "127.0.0.1", "1"], 2, "--buffer-size" },
        // connect: -s/--source ADDR[:PORT] (bound, never a target)
        { ["connect", "-s", "", "127.0.0.1", "1"], 2, "''" },
        { ["connect", "-s", ":", "127.0.0.1", "1"], 2, "''" },
        { ["connect", "-s", "127.0.0.1:", "127.0.0.1", "1"], 2, "''" },
        { ["connect", "-s", "[::1", "::1", "1"], 2, "[::1" },
        { ["connect", "-s", "[::1]x", "::1", "1"], 2, "[::1]x" },
        { ["connect", "-s", "[127.0.0.1]:0", "127.0.0.1", "1"], 2, "[127.0.0.1]" },
        { ["connect", "-s", "1:2:3", "127.0.0.1", "1"], 2, "1:2:3" },
        { ["connect", "-s", "127.0.0.1:70000", "127.0.0.1", "1"], 2, "70000" },
        { ["connect", "-s", "127.0.0.1:abc", "127.0.0.1", "1"], 2, "abc" },
        { ["connect", "-s", "127.0.0.1:-1", "127.0.0.1", "1"], 2, "-1" },
        { ["connect", "-s", "127.0.0.1: 80", "127.0.0.1", "1"], 2, " 80" },
        { ["connect", "--source", ":0x50", "127.0.0.1", "1"], 2, "0x50" },
        { ["connect", "-s", "a b", "127.0.0.1", "1"], 2, "a b" },
        { ["connect", "-s", "1.2.3", "127.0.0.1", "1"], 2, "1.2.3" },
        { ["connect", "-s", "127.1", "127.0.0.1", "1"], 2, "127.1" },
        { ["connect", "-s", Name256, "127.0.0.1", "1"], 2, "253" },
        { ["connect", "-s", "::1", "127.0.0.1", "1"], 2, "::1" },
        { ["connect", "-4", "-s", "::1", "127.0.0.1", "1"], 2, "::1" },
        { ["connect", "-s", "nosuch.invalid", "127.0.0.1", "1"], 3, "nosuch.invalid" },
        { ["connect", "-s", "192.0.2.1", "127.0.0.1", "1"], 5, "192.0.2.1" },
        // connect: options that exclude each other
        { ["connect", "--send-only", "--recv-only", "127.0.0.1", "1"], 2, "--send-only/--recv-only" },
        { ["connect", "--interactive", "--send-only", "127.0.0.1", "1"], 2, "--interactive" },
        { ["connect", "--interactive", "--recv-only", "127.0.0.1", "1"], 2, "--interactive" },

        // ==== listen: arguments ====
        { ["listen"], 2, "PORT" },
        { ["listen", "127.0.0.1", "0", "0"], 2, "0" },
        { ["listen", "a", "b", "c"], 2, "c" },
        { ["listen", "127.0.0.1", "0", "--bogus"], 2, "--bogus" },
        { ["listen", "127.0.0.1", "0", "--backlog"], 2, "--backlog" },
        // listen: ports
        { ["listen", "-1"], 2, "-1" },
        { ["listen", "65536"], 2, "65536" },
        { ["listen", ""], 2, "''" },
        { ["listen", "abc"], 2, "abc" },
        { ["listen", "127.0.0.1", "-1"], 2, "-1" },
        { ["listen", "127.0.0.1", "-0"], 2, "-0" },
        { ["listen", "127.0.0.1", "65536"], 2, "65536" },
        { ["listen", "127.0.0.1", "1e3"], 2, "1e3" },
        { ["listen", "127.0.0.1", "0x50"], 2, "0x50" },
        { ["listen", "127.0.0.1", " 80"], 2, " 80" },
        { ["listen", "127.0.0.1", "80 "], 2, "80 " },
        { ["listen", "127.0.0.1", "0 "], 2, "0 " },
        { ["listen", "127.0.0.1", "+80"], 2, "+80" },
        { ["listen", "127.0.0.1", "８０"], 2, "８０" },
        { ["listen", "127.0.0.1", "99999999999999999999"], 2, "99999999999999999999" },
        { ["listen", "127.0.0.1", ""], 2, "''" },
        // listen: hosts (bound, never a target)
        { ["listen", "1.2.3", "0"], 2, "1.2.3" },
        { ["listen", "1.2", "0"], 2, "1.2" },
        { ["listen", "0177.0.0.1", "0"], 2, "0177.0.0.1" },
        { ["listen", "127.0.0.01", "0"], 2, "127.0.0.01" },
        { ["listen", "2130706433", "0"], 2, "2130706433" },
        { ["listen", "0x7f.0.0.1", "0"], 2, "0x7f.0.0.1" },
        { ["listen", "0x7f000001", "0"], 2, "0x7f000001" },
        { ["listen", "127.1", "0"], 2, "127.1" },
        { ["listen", "256.1.1.1", "0"], 2, "256.1.1.1" },
        { ["listen", "::ffff:127.0.0.1", "0"], 2, "::ffff:127.0.0.1", "mapped" },
        { ["listen", "fe80::1%nosuch", "0"], 2, "fe80::1%nosuch" },
        { ["listen", "", "0"], 2, "''" },
        { ["listen", "[127.0.0.1]", "0"], 2, "[127.0.0.1]" },
        { ["listen", "127.0.0.1:80", "0"], 2, "127.0.0.1:80" },
        { ["listen", "a b", "0"], 2, "a b" },
        { ["listen", " 127.0.0.1", "0"], 2, " 127.0.0.1" },
        { ["listen", Name256, "0"], 2, "253" },
        { ["listen", Name254, "0"], 2, "253" },
        { ["listen", Label64, "0"], 2, "63" },
        { ["listen", "nosuch.invalid", "0"], 3, "nosuch.invalid" },
        { ["listen", "192.0.2.1", "0"], 5, "192.0.2.1" },
        // listen: -4/-6
        { ["listen", "-4", "-6", "127.0.0.1", "0"], 2, "-4/-6" },
        { ["listen", "-4", "::1", "0"], 2, "::1" },
        { ["listen", "-4", "::", "0"], 2, "::" },
        { ["listen", "-6", "127.0.0.1", "0"], 2, "127.0.0.1" },
        { ["listen", "-6", "0.0.0.0", "0"], 2, "0.0.0.0" },
        // listen: -i/--idle-timeout
        { ["listen", "-i", "0", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["listen", "-i", "-1", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["listen", "-i", "inf", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["listen", "-i", "", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["listen", "-i", "1e-9", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["listen", "--idle-timeout", "0.0001", "127.0.0.1", "0"], 2, "--idle-timeout" },
        // listen: --buffer-size
        { ["listen", "--buffer-size", "0", "127.0.0.1", "0"], 2, "--buffer-size" },
        { ["listen", "--buffer-size", "16777217", "127.0.0.1", "0"], 2, "--buffer-size" },
        { ["listen", "--buffer-size", "abc", "127.0.0.1", "0"], 2, "--buffer-size" },
        // listen: --backlog (0 to 65535)
        { ["listen", "--backlog", "-1", "127.0.0.1", "0"], 2, "--backlog" },
        { ["listen", "--backlog", "65536", "127.0.0.1", "0"], 2, "--backlog" },
        { ["listen", "--backlog", "abc", "127.0.0.1", "0"], 2, "--backlog" },
        { ["listen", "--backlog", "1.5", "127.0.0.1", "0"], 2, "--backlog" },
        { ["listen", "--backlog", "+1", "127.0.0.1", "0"], 2, "--backlog" },
        { ["listen", "--backlog", "", "127.0.0.1", "0"], 2, "--backlog" },
        // listen: --max-conns (with -k, at least 1)
        { ["listen", "-k", "--max-conns", "0", "127.0.0.1", "0"], 2, "--max-conns" },
        { ["listen", "-k", "--max-conns", "-1", "127.0.0.1", "0"], 2, "--max-conns" },
        { ["listen", "-k", "--max-conns", "abc", "127.0.0.1", "0"], 2, "--max-conns" },
        { ["listen", "-k", "--max-conns", "2147483648", "127.0.0.1", "0"], 2, "--max-conns" },
        { ["listen", "-k", "--max-conns", "", "127.0.0.1", "0"], 2, "--max-conns" },
        { ["listen", "-k", "127.0.0.1", "0", "--max-conns"], 2, "--max-conns" },
        // listen: options that exclude each other
        { ["listen", "--send-only", "--recv-only", "127.0.0.1", "0"], 2, "--send-only/--recv-only" },
        { ["listen", "--stamp", "127.0.0.1", "0"], 2, "--stamp" },
        { ["listen", "-k", "--stamp", "127.0.0.1", "0"], 2, "--stamp" },
        { ["listen", "--stamp", "--send-only", "127.0.0.1", "0"], 2, "--stamp" },
        { ["listen", "--echo", "--send-only", "127.0.0.1", "0"], 2, "--echo" },
        { ["listen", "--echo", "--recv-only", "127.0.0.1", "0"], 2, "--echo" },

        // ==== udp-send: arguments (targets are loopback only) ====
        { ["udp-send"], 2, "HOST" },
        { ["udp-send", "127.0.0.1"], 2, "PORT" },
        { ["udp-send", "--bogus", "127.0.0.1", "9", "x"], 2, "--bogus" },
        { ["udp-send", "127.0.0.1", "9", "--ttl"], 2, "--ttl" },
        // udp-send: ports
        { ["udp-send", "127.0.0.1", "0", "x"], 2, "0" },
        { ["udp-send", "127.0.0.1", "-1", "x"], 2, "-1" },
        { ["udp-send", "127.0.0.1", "65536", "x"], 2, "65536" },
        { ["udp-send", "127.0.0.1", "1e3", "x"], 2, "1e3" },
        { ["udp-send", "127.0.0.1", "0x50", "x"], 2, "0x50" },
        { ["udp-send", "127.0.0.1", " 80", "x"], 2, " 80" },
        { ["udp-send", "127.0.0.1", "+80", "x"], 2, "+80" },
        { ["udp-send", "127.0.0.1", "８０", "x"], 2, "８０" },
        { ["udp-send", "127.0.0.1", "99999999999999999999", "x"], 2, "99999999999999999999" },
        { ["udp-send", "127.0.0.1", "", "x"], 2, "''" },
        // udp-send: hosts (every form that could be accepted means 127.0.0.1)
        { ["udp-send", "", "9", "x"], 2, "''" },
        { ["udp-send", "127.0.0.1:9", "9", "x"], 2, "127.0.0.1:9" },
        { ["udp-send", "[127.0.0.1]", "9", "x"], 2, "[127.0.0.1]" },
        { ["udp-send", "127.1", "9", "x"], 2, "127.1" },
        { ["udp-send", "0177.0.0.1", "9", "x"], 2, "0177.0.0.1" },
        { ["udp-send", "2130706433", "9", "x"], 2, "2130706433" },
        { ["udp-send", "-4", "::1", "9", "x"], 2, "::1" },
        { ["udp-send", "-6", "127.0.0.1", "9", "x"], 2, "127.0.0.1" },
        { ["udp-send", "-4", "-6", "127.0.0.1", "9", "x"], 2, "-4/-6" },
        // udp-send: --wait
        { ["udp-send", "--wait", "0", "127.0.0.1", "9", "x"], 2, "--wait" },
        { ["udp-send", "--wait", "-1", "127.0.0.1", "9", "x"], 2, "--wait" },
        { ["udp-send", "--wait", "nan", "127.0.0.1", "9", "x"], 2, "--wait" },
        { ["udp-send", "--wait", "inf", "127.0.0.1", "9", "x"], 2, "--wait" },
        { ["udp-send", "--wait", "abc", "127.0.0.1", "9", "x"], 2, "--wait" },
        { ["udp-send", "--wait", "", "127.0.0.1", "9", "x"], 2, "--wait" },
        { ["udp-send", "--wait", "1e-9", "127.0.0.1", "9", "x"], 2, "--wait" },
        { ["udp-send", "--wait", "0.0000001", "127.0.0.1", "9", "x"], 2, "--wait" },
        // udp-send: -i
        { ["udp-send", "-i", "0", "127.0.0.1", "9", "x"], 2, "--idle-timeout" },
        { ["udp-send", "-i", "1e-9", "127.0.0.1", "9", "x"], 2, "--idle-timeout" },
        // udp-send: -c/--count
        { ["udp-send", "-c", "0", "127.0.0.1", "9", "x"], 2, "--count" },
        { ["udp-send", "-c", "-1", "127.0.0.1", "9", "x"], 2, "--count" },
        { ["udp-send", "-c", "abc", "127.0.0.1", "9", "x"], 2, "--count" },
        { ["udp-send", "--count", "1.5", "127.0.0.1", "9", "x"], 2, "--count" },
        // udp-send: --format raw|line|hex|json
        { ["udp-send", "--format", "xml", "--wait", "1", "127.0.0.1", "9", "x"], 2, "--format" },
        { ["udp-send", "--format", "", "--wait", "1", "127.0.0.1", "9", "x"], 2, "--format" },
        { ["udp-send", "--format", "1", "--wait", "1", "127.0.0.1", "9", "x"], 2, "--format" },
        { ["udp-send", "--format", "-1", "--wait", "1", "127.0.0.1", "9", "x"], 2, "--format" },
        { ["udp-send", "--format", "raw,line", "--wait", "1", "127.0.0.1", "9", "x"], 2, "--format" },
        { ["udp-send", "--format", "raw ", "--wait", "1", "127.0.0.1", "9", "x"], 2, "--format" },
        { ["udp-send", "--format", "jsonl", "--wait", "1", "127.0.0.1", "9", "x"], 2, "--format" },
        // udp-send: --ttl (1 to 255)
        { ["udp-send", "--ttl", "0", "127.0.0.1", "9", "x"], 2, "--ttl" },
        { ["udp-send", "--ttl", "256", "127.0.0.1", "9", "x"], 2, "--ttl" },
        { ["udp-send", "--ttl", "-1", "127.0.0.1", "9", "x"], 2, "--ttl" },
        { ["udp-send", "--ttl", "abc", "127.0.0.1", "9", "x"], 2, "--ttl" },
        { ["udp-send", "--ttl", "", "127.0.0.1", "9", "x"], 2, "--ttl" },
        // udp-send: --buffer-size (the largest datagram: at most 65507) and TEXT above it
        { ["udp-send", "--buffer-size", "65508", "127.0.0.1", "9", "x"], 2, "--buffer-size" },
        { ["udp-send", "--buffer-size", "0", "127.0.0.1", "9", "x"], 2, "--buffer-size" },
        { ["udp-send", "--buffer-size", "4", "127.0.0.1", "9", "hello"], 2, "TEXT" },
        // udp-send: -s/--source (bound, never a target)
        { ["udp-send", "-s", "", "127.0.0.1", "9", "x"], 2, "''" },
        { ["udp-send", "-s", "[::1", "::1", "9", "x"], 2, "[::1" },
        { ["udp-send", "-s", "127.0.0.1:70000", "127.0.0.1", "9", "x"], 2, "70000" },
        { ["udp-send", "-s", "1.2.3", "127.0.0.1", "9", "x"], 2, "1.2.3" },
        { ["udp-send", "-s", "::1", "127.0.0.1", "9", "x"], 2, "::1" },
        { ["udp-send", "-s", "nosuch.invalid", "127.0.0.1", "9", "x"], 3, "nosuch.invalid" },
        { ["udp-send", "-s", "192.0.2.1", "127.0.0.1", "9", "x"], 5, "192.0.2.1" },

        // ==== udp-recv: arguments ====
        { ["udp-recv"], 2, "PORT" },
        { ["udp-recv", "1", "2", "3"], 2, "3" },
        { ["udp-recv", "--bogus", "127.0.0.1", "0"], 2, "--bogus" },
        { ["udp-recv", "127.0.0.1", "0", "--group"], 2, "--group" },
        // udp-recv: ports
        { ["udp-recv", "65536"], 2, "65536" },
        { ["udp-recv", ""], 2, "''" },
        { ["udp-recv", "127.0.0.1", "-1"], 2, "-1" },
        { ["udp-recv", "127.0.0.1", "65536"], 2, "65536" },
        { ["udp-recv", "127.0.0.1", "1e3"], 2, "1e3" },
        { ["udp-recv", "127.0.0.1", "0x50"], 2, "0x50" },
        { ["udp-recv", "127.0.0.1", " 80"], 2, " 80" },
        { ["udp-recv", "127.0.0.1", "+80"], 2, "+80" },
        { ["udp-recv", "127.0.0.1", "８０"], 2, "８０" },
        { ["udp-recv", "127.0.0.1", "99999999999999999999"], 2, "99999999999999999999" },
        { ["udp-recv", "127.0.0.1", ""], 2, "''" },
        // udp-recv: hosts (bound, never a target)
        { ["udp-recv", "1.2.3", "0"], 2, "1.2.3" },
        { ["udp-recv", "1.2", "0"], 2, "1.2" },
        { ["udp-recv", "0177.0.0.1", "0"], 2, "0177.0.0.1" },
        { ["udp-recv", "127.0.0.01", "0"], 2, "127.0.0.01" },
        { ["udp-recv", "2130706433", "0"], 2, "2130706433" },
        { ["udp-recv", "0x7f.0.0.1", "0"], 2, "0x7f.0.0.1" },
        { ["udp-recv", "127.1", "0"], 2, "127.1" },
        { ["udp-recv", "::ffff:127.0.0.1", "0"], 2, "::ffff:127.0.0.1", "mapped" },
        { ["udp-recv", "", "0"], 2, "''" },
        { ["udp-recv", "[127.0.0.1]", "0"], 2, "[127.0.0.1]" },
        { ["udp-recv", Name256, "0"], 2, "253" },
        { ["udp-recv", Name254, "0"], 2, "253" },
        { ["udp-recv", Label64, "0"], 2, "63" },
        { ["udp-recv", "nosuch.invalid", "0"], 3, "nosuch.invalid" },
        { ["udp-recv", "192.0.2.1", "0"], 5, "192.0.2.1" },
        // udp-recv: -4/-6
        { ["udp-recv", "-4", "-6", "127.0.0.1", "0"], 2, "-4/-6" },
        { ["udp-recv", "-4", "::1", "0"], 2, "::1" },
        { ["udp-recv", "-6", "127.0.0.1", "0"], 2, "127.0.0.1" },
        // udp-recv: --group (a multicast address) and --interface
        { ["udp-recv", "--group", "10.0.0.1", "0"], 2, "10.0.0.1" },
        { ["udp-recv", "--group", "127.0.0.1", "0"], 2, "127.0.0.1" },
        { ["udp-recv", "--group", "::1", "0"], 2, "::1" },
        { ["udp-recv", "--group", "", "0"], 2, "''" },
        { ["udp-recv", "--group", "239.1.2", "--interface", "lo", "0"], 2, "239.1.2" },
        { ["udp-recv", "-6", "--group", "239.1.2.3", "0"], 2, "239.1.2.3" },
        { ["udp-recv", "-4", "--group", "ff15::1", "0"], 2, "ff15::1" },
        { ["udp-recv", "--group", "239.1.2.3", "127.0.0.1", "0"], 2, "127.0.0.1" },
        { ["udp-recv", "--group", "nosuch.invalid", "0"], 3, "nosuch.invalid" },
        { ["udp-recv", "--group", "239.1.2.3", "--interface", "nosuchnic", "0"], 2, "nosuchnic" },
        { ["udp-recv", "--group", "239.1.2.3", "--interface", "192.0.2.1", "0"], 2, "192.0.2.1" },
        { ["udp-recv", "--group", "239.1.2.3", "--interface", "", "0"], 2, "''" },
        // udp-recv: -c/--count
        { ["udp-recv", "-c", "0", "127.0.0.1", "0"], 2, "--count" },
        { ["udp-recv", "-c", "-1", "127.0.0.1", "0"], 2, "--count" },
        { ["udp-recv", "--count", "abc", "127.0.0.1", "0"], 2, "--count" },
        // udp-recv: -i/--idle-timeout
        { ["udp-recv", "-i", "0", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["udp-recv", "-i", "nan", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["udp-recv", "-i", "1e-9", "127.0.0.1", "0"], 2, "--idle-timeout" },
        { ["udp-recv", "-i", "0.0001", "127.0.0.1", "0"], 2, "--idle-timeout" },
        // udp-recv: --format
        { ["udp-recv", "--format", "xml", "127.0.0.1", "0"], 2, "--format" },
        { ["udp-recv", "--format", "-1", "127.0.0.1", "0"], 2, "--format" },
        { ["udp-recv", "--format", " 1", "127.0.0.1", "0"], 2, "--format" },
        { ["udp-recv", "--format", "raw, hex", "127.0.0.1", "0"], 2, "--format" },
        { ["udp-recv", "--format", " json", "127.0.0.1", "0"], 2, "--format" },
        { ["udp-recv", "--format", "line|hex", "127.0.0.1", "0"], 2, "--format" },
        // udp-recv: --buffer-size
        { ["udp-recv", "--buffer-size", "65508", "127.0.0.1", "0"], 2, "--buffer-size" },
        { ["udp-recv", "--buffer-size", "0", "127.0.0.1", "0"], 2, "--buffer-size" },
        // udp-recv: options that exclude each other
        { ["udp-recv", "--stamp", "127.0.0.1", "0"], 2, "--stamp" },
        { ["udp-recv", "--echo", "--reply", "127.0.0.1", "0"], 2, "--reply" },
        { ["udp-recv", "--stamp", "--reply", "127.0.0.1", "0"], 2, "--stamp" },

        // ==== unix: arguments and paths (%D: a fresh directory of the row's own) ====
        { ["unix"], 2, "PATH" },
        { ["unix", "a", "b"], 2, "b" },
        { ["unix", "--bogus", D + "/s"], 2, "--bogus" },
        { ["unix", "-l", D + "/s", "--mode"], 2, "--mode" },
        { ["unix", ""], 2, "''" },
        { ["unix", "-l", ""], 2, "''" },
        { ["unix", "@"], 2, "@" },
        { ["unix", "-l", "@"], 2, "@" },
        { ["unix", "-u", "@"], 2, "@" },
        { ["unix", LongPath], 5, "107" },
        { ["unix", "-l", LongPath], 5, "107" },
        { ["unix", "-l", LongAbstract], 5, "107" },
        { ["unix", "-l", D + "/file"], 5, D + "/file" },
        { ["unix", "-l", "-u", D + "/file"], 5, D + "/file" },
        { ["unix", "-l", D], 5, D },
        { ["unix", "-l", "/nonexistent-dir/s"], 5, "/nonexistent-dir/s", "no such" },
        { ["unix", "-l", "-u", "/nonexistent-dir/s"], 5, "/nonexistent-dir/s", "no such" },
        // unix: --mode OCTAL (600, 0600, 00600 are fine)
        { ["unix", "-l", "--mode", "-1", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "-", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "-0", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "+600", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "8", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "99", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "0x1ff", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "0o600", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "12345", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "1000", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "7777", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "abc", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "u+rw", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "1e2", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", " 600", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "--mode", "600 ", D + "/s"], 2, "--mode" },
        { ["unix", "-l", "-u", "--mode", "-1", D + "/s"], 2, "--mode" },
        // unix: --mode on an abstract name, which has no permissions
        { ["unix", "-l", "--mode", "600", "@" + D], 2, "--mode" },
        { ["unix", "-l", "-u", "--mode", "600", "@" + D], 2, "--mode" },
        // unix -l: server options
        { ["unix", "-l", "--backlog", "-1", D + "/s"], 2, "--backlog" },
        { ["unix", "-l", "--backlog", "65536", D + "/s"], 2, "--backlog" },
        { ["unix", "-l", "-k", "--max-conns", "0", D + "/s"], 2, "--max-conns" },
        { ["unix", "-l", "--buffer-size", "0", D + "/s"], 2, "--buffer-size" },
        { ["unix", "-l", "-i", "0", D + "/s"], 2, "--idle-timeout" },
        { ["unix", "-l", "-i", "1e-9", D + "/s"], 2, "--idle-timeout" },
        { ["unix", "-l", "-i", "0.0001", D + "/s"], 2, "--idle-timeout" },
        { ["unix", "-l", "--stamp", D + "/s"], 2, "--stamp" },
        { ["unix", "-l", "--send-only", "--recv-only", D + "/s"], 2, "--send-only/--recv-only" },
        { ["unix", "-l", "--echo", "--send-only", D + "/s"], 2, "--echo" },
        { ["unix", "-l", "--echo", "--recv-only", D + "/s"], 2, "--echo" },
        // unix -l -u: datagram server options
        { ["unix", "-l", "-u", "--echo", "--reply", D + "/s"], 2, "--reply" },
        { ["unix", "-l", "-u", "--stamp", D + "/s"], 2, "--stamp" },
        { ["unix", "-l", "-u", "-c", "0", D + "/s"], 2, "--count" },
        { ["unix", "-l", "-u", "--format", "xml", D + "/s"], 2, "--format" },
        { ["unix", "-l", "-u", "--format", "raw,line", D + "/s"], 2, "--format" },
        { ["unix", "-l", "-u", "--buffer-size", "16777216", D + "/s"], 2, "--buffer-size" }, // beyond the send buffer a stock net.core.wmem_max allows
        { ["unix", "-l", "-u", "-i", "1e-9", D + "/s"], 2, "--idle-timeout" },
        // unix -u: datagram client options (nothing listens at %D/s)
        { ["unix", "-u", "--wait", "0", D + "/s"], 2, "--wait" },
        { ["unix", "-u", "--wait", "nan", D + "/s"], 2, "--wait" },
        { ["unix", "-u", "--wait", "0.0000001", D + "/s"], 2, "--wait" },
        { ["unix", "-u", "-c", "0", D + "/s"], 2, "--count" },
        { ["unix", "-u", "--format", "", D + "/s"], 2, "--format" },
        { ["unix", "-u", "-s", "", D + "/s"], 2, "''" },
        { ["unix", "-u", "-s", "@", D + "/s"], 2, "@" },
        { ["unix", "-u", "-s", LongPath, D + "/s"], 5, "107" },
        { ["unix", "-u", "-s", D + "/file", D + "/s"], 5, D + "/file" },
        { ["unix", "-u", "-s", "/nonexistent-dir/c", D + "/s"], 5, "/nonexistent-dir/c", "no such" },
        // unix: stream client options
        { ["unix", "--interactive", "--send-only", D + "/s"], 2, "--interactive" },
        { ["unix", "--send-only", "--recv-only", D + "/s"], 2, "--send-only/--recv-only" },
        { ["unix", "--buffer-size", "abc", D + "/s"], 2, "--buffer-size" },
        { ["unix", "-i", "0", D + "/s"], 2, "--idle-timeout" },
    };

    /// <summary>
    /// Every row, started together the first time any row is asked for: xunit runs one class's
    /// cases one after another, and a row nsock wrongly accepts takes the whole <see cref="Bound"/>.
    /// Start-ups are limited to one per CPU at once; waiting for an exit is not. Each case then
    /// judges its own row's finished run.
    /// </summary>
    private static readonly Lazy<IReadOnlyDictionary<string, Task<BadRun>>> Runs = new(StartAll);

    [Fact]
    public void The_table_has_at_least_220_distinct_rows()
    {
        var keys = Rows.Select(r => Key(ArgsOf(r))).ToList();
        Assert.True(keys.Count >= 220, $"only {keys.Count} rows");
        var repeated = keys.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key.Replace('\0', ' ')).ToList();
        Assert.True(repeated.Count == 0, "rows given twice: " + string.Join("; ", repeated));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Bad_command_line_exits_with_its_code_and_one_error_line(string[] args, int exit, string names, string? says)
    {
        // A usage error is found before any socket is made; but a datagram's --buffer-size is
        // judged against the socket's own send buffer, so a row about it needs the socket.
        if (exit == 2 && names != "--buffer-size")
        {
            ToolPlatform.NeedsForUsageError(args);
        }
        else
        {
            ToolPlatform.NeedsFor(args);
        }

        // 192.0.2.1 (TEST-NET-1) is on no interface here: a UDP bind to it must fail.
        if (exit == 5 && args[0] is "udp-recv" or "udp-send" && args.Contains("192.0.2.1"))
        {
            ToolPlatform.Needs(Need.ForeignAddressRefused);
        }

        var run = await Runs.Value[Key(args)];
        var shown = "nsock " + string.Join(' ', run.Args.Select(Quote));

        Assert.True(run.ExitCode is not null, $"{shown} did not exit within {Bound.TotalSeconds} s and was killed: a bad command line must end at once (was it accepted?); stderr:\n{run.Process.Stderr}");
        Assert.True(run.ExitCode == exit, $"{shown} exited {run.ExitCode}, not {exit}; stderr:\n{run.Process.Stderr}");
        var line = ErrorLine.AssertSole(run.Process, names.Replace(D, run.Dir), usage: exit == 2);
        if (says is not null)
        {
            Assert.True(line.Contains(says, StringComparison.OrdinalIgnoreCase), $"error line does not say '{says}': {line}");
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Unix_listen_in_a_directory_without_search_permission_exits_5_permission_denied()
    {
        ToolPlatform.NeedsUnix();
        ToolPlatform.Needs(Need.OtherUser); // permissions by user; as root, nobody through setpriv
        // parent (searchable by all) / locked (mode 0) / s: nobody but root may look inside locked.
        var parent = Directory.CreateTempSubdirectory("nsock-bad-");
        try
        {
            File.SetUnixFileMode(parent.FullName, (UnixFileMode)0b111_101_101);
            var locked = Directory.CreateDirectory(Path.Combine(parent.FullName, "locked"));
            File.SetUnixFileMode(locked.FullName, UnixFileMode.None);
            var path = Path.Combine(locked.FullName, "s");

            // Root passes every permission check: as root, nsock runs as nobody (setpriv, util-linux).
            string[] args = ["unix", "-l", path];
            await using var nsock = Posix.IsRoot
                ? RunningProcess.Start("setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups", "--", NsockTool.Path, .. args])
                : RunningProcess.Nsock(args);
            await nsock.CloseStdinAsync();

            Assert.Equal(5, await WaitOrFailAsync(nsock, args));
            var line = ErrorLine.AssertSole(nsock, path);
            Assert.True(line.Contains("permission denied", StringComparison.OrdinalIgnoreCase), "error line does not say 'permission denied': " + line);
            Assert.False(File.Exists(path), "a socket file was left behind");
        }
        finally
        {
            var locked = Path.Combine(parent.FullName, "locked");
            if (Directory.Exists(locked))
            {
                File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            parent.Delete(recursive: true);
        }
    }

    private static IReadOnlyDictionary<string, Task<BadRun>> StartAll()
    {
        var starting = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));
        return Rows.Select(ArgsOf)
            .DistinctBy(Key)
            .ToDictionary(Key, args => Task.Run(() => RunAsync(args, starting)));
    }

    private static async Task<BadRun> RunAsync(string[] rowArgs, SemaphoreSlim starting)
    {
        var dir = Directory.CreateTempSubdirectory("nsock-bad-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "file"), "a regular file, not a socket\n");
        var args = rowArgs.Select(a => a.Replace(D, dir)).ToArray();
        try
        {
            RunningProcess nsock;
            int? code;
            await starting.WaitAsync();
            var clock = Stopwatch.StartNew();
            try
            {
                nsock = RunningProcess.Nsock(args);
                await nsock.CloseStdinAsync();
                code = await TryWaitAsync(nsock, StartUp);
            }
            finally
            {
                starting.Release();
            }

            code ??= await TryWaitAsync(nsock, Bound - clock.Elapsed);
            await nsock.DisposeAsync(); // kills it if it is still running
            return new BadRun(args, nsock, code, dir);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task<int?> TryWaitAsync(RunningProcess nsock, TimeSpan limit)
    {
        try
        {
            return await nsock.WaitForExitAsync(limit > TimeSpan.Zero ? limit : TimeSpan.FromMilliseconds(1));
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static async Task<int> WaitOrFailAsync(RunningProcess nsock, string[] args)
    {
        var code = await TryWaitAsync(nsock, Bound);
        Assert.True(code is not null, $"nsock {string.Join(' ', args)} did not exit within {Bound.TotalSeconds} s; stderr:\n{nsock.Stderr}");
        return code.Value;
    }

    private static string[] ArgsOf(ITheoryDataRow row) => (string[])row.GetData()[0]!;

    private static string Key(string[] args) => string.Join('\0', args);

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_.,:/@%+=[]".Contains(c)) ? arg : "'" + arg + "'";

    private sealed record BadRun(string[] Args, RunningProcess Process, int? ExitCode, string Dir);
}

/// <summary>Rows of <see cref="BadInputTests"/>: args, exit code, the token the error line names, and optionally words it must say.</summary>
public sealed class BadRows : TheoryData<string[], int, string, string?>
{
    public void Add(string[] args, int exit, string names) => Add(args, exit, names, null);
}

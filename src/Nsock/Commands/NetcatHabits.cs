namespace Nsock.Commands;

/// <summary>
/// What an nc, ncat or socat user types out of habit that nsock spells another way: the hint
/// that goes with "unknown option" inside a command. (Habits that mean the same here, such as
/// -C, -d, -n, -N, -p and -q, are plain options; see <see cref="Options"/>.)
/// </summary>
internal static class NetcatHabits
{
    /// <param name="command">The nsock command the option was given to.</param>
    /// <param name="option">The option as netcat spells it: <c>-e</c> or <c>--exec</c>.</param>
    public static string? Hint(string command, string option) => option switch
    {
        "-u" or "--udp" => command is "udp-send" or "udp-recv"
            ? "this command is UDP already; drop -u"
            : "UDP has its own commands: 'nsock udp-send HOST PORT' and 'nsock udp-recv PORT'",
        "-U" or "--unixsock" => "unix sockets have their own command: 'nsock unix PATH' (-l to serve, -u for datagrams)",
        "-e" or "-c" or "--exec" or "--sh-exec" or "--lua-exec" =>
            "nsock does not run a program per connection (nc -e, ncat --exec) in this version; for /bin/cat, use 'nsock listen -k --echo PORT'",
        "-z" or "--zero-io" => "probing is 'nsock connect -z HOST PORTS' (udp-send -z for UDP, unix -z for paths)",
        "-k" or "--keep-open" when command == "connect" => "-k is for servers: 'nsock listen -k PORT'",
        "-l" or "--listen" when command == "connect" => "to listen, use 'nsock listen PORT'",
        "-l" or "--listen" when command == "udp-send" => "to receive, use 'nsock udp-recv PORT'",
        _ => null,
    };
}

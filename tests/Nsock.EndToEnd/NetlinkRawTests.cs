using static Nsock.EndToEnd.NetlinkMessages;

namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock netlink PROTOCOL --raw</c>: stdin's bytes are netlink messages, the kernel's replies
/// come out on stdout as they are, and nsock ends once every request has had its last word.
/// </summary>
public sealed class NetlinkRawTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // Every test runs nsock netlink.
    public NetlinkRawTests() => ToolPlatform.Needs(Need.Netlink);

    private static async Task<RunningProcess> RunAsync(byte[] stdin, params string[] args)
    {
        var nsock = RunningProcess.Nsock(["netlink", .. args]);
        await nsock.WriteStdinAsync(stdin);
        await nsock.CloseStdinAsync();
        return nsock;
    }

    [Fact]
    public async Task Fill_makes_a_bare_link_dump_request_whole_and_the_kernels_answer_comes_back_as_it_is()
    {
        // Length 0, sequence 0, port 0, no NLM_F_REQUEST: --fill sets them.
        await using var nsock = await RunAsync(Build(GetLink, Dump, 0, Ifinfomsg(), length: 0), "route", "--raw", "--fill");

        await nsock.AssertExitCodeAsync(0, Wait);
        ErrorLine.AssertNone(nsock);
        var replies = Parse(nsock.Stdout.ToArray());
        Assert.Equal(Done, replies[^1].Type);
        var links = replies.Where(r => r.Type == NewLink).ToList();
        Assert.Contains("lo", links.Select(l => LinkName(l.Payload)));
        Assert.All(replies, r => Assert.Equal(1u, r.Sequence));
        Assert.All(replies, r => Assert.NotEqual(0u, r.PortId)); // the kernel answers nsock's own port
    }

    [Fact]
    public async Task Without_fill_the_messages_go_as_given_and_each_request_is_answered_under_its_own_number()
    {
        var first = Build(GetLink, Request | Dump, 41, Ifinfomsg());
        var second = Build(GetLink, Request | Ack, 42, Ifinfomsg(1));
        await using var nsock = await RunAsync([.. first, .. second], "route", "--raw");

        await nsock.AssertExitCodeAsync(0, Wait);
        var replies = Parse(nsock.Stdout.ToArray());
        Assert.Contains(replies, r => r.Sequence == 41 && r.Type == Done);
        Assert.Contains(replies, r => r.Sequence == 42 && r.Type == NewLink && LinkName(r.Payload) == "lo");
        Assert.Contains(replies, r => r.Sequence == 42 && r.Type == Error && BitConverter.ToInt32(r.Payload) == 0); // the ACK
    }

    [Fact]
    public async Task A_request_the_kernel_refuses_is_printed_and_ends_in_exit_1_naming_the_error()
    {
        await using var nsock = await RunAsync(Build(GetLink, 0, 0, Ifinfomsg(999_999), length: 0), "route", "--raw", "--fill");

        await nsock.AssertExitCodeAsync(1, Wait);
        var line = Assert.Single(nsock.StderrLines);
        Assert.Equal("nsock: netlink route: the kernel refused the request: no such device", line);
        var reply = Assert.Single(Parse(nsock.Stdout.ToArray()));
        Assert.Equal(Error, reply.Type);
        Assert.Equal(-19, BitConverter.ToInt32(reply.Payload)); // -ENODEV, as the kernel sent it
    }

    [Fact]
    public async Task A_change_another_user_may_not_make_is_exit_5_in_one_line()
    {
        ToolPlatform.Needs(Need.OtherUser);
        // RTM_NEWLINK with CREATE|EXCL: the kernel wants CAP_NET_ADMIN before it reads any further.
        // As root, nsock runs as nobody (setpriv drops the capabilities) in a namespace of its own.
        var stdin = Build(NewLink, 0x400 | 0x200, 0, Ifinfomsg(), length: 0);
        string[] args = ["netlink", "route", "--raw", "--fill"];
        await using var nsock = Posix.IsRoot
            ? RunningProcess.Start("unshare", ["-n", "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--", NsockTool.Path, .. args])
            : RunningProcess.Nsock(args);
        await nsock.WriteStdinAsync(stdin);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5, Wait);
        Assert.Equal("nsock: netlink route: the kernel refused the request: operation not permitted", Assert.Single(nsock.StderrLines));
        Assert.Equal(-1, BitConverter.ToInt32(Assert.Single(Parse(nsock.Stdout.ToArray())).Payload)); // -EPERM, as the kernel sent it
    }

    [Fact]
    public async Task Hex_annotates_the_replies_naming_the_header_fields()
    {
        await using var nsock = await RunAsync(Build(GetLink, Dump, 0, Ifinfomsg(), length: 0), "route", "--raw", "--fill", "--hex");

        await nsock.AssertExitCodeAsync(0, Wait);
        var text = nsock.Stdout.Text;
        Assert.Contains("RTM_NEWLINK", text);
        Assert.Contains("IFLA_IFNAME", text);
        Assert.Contains("\"lo\"", text);
        Assert.Contains("seq 1", text);
        Assert.Contains("NLMSG_DONE", text);
    }

    [Theory]
    [InlineData("hello world\n", "12 bytes at the end of stdin, less than a 16-byte header")]
    [InlineData("", "truncated: header says 52 bytes, stdin ended after 26")]
    [InlineData("-", "header says 8 bytes, less than its own 16-byte header")]
    public async Task Garbage_or_truncated_input_is_exit_2_in_one_line_naming_stdin(string text, string why)
    {
        byte[] stdin = text switch
        {
            "" => Build(GetLink, Request | Dump, 1, Ifinfomsg(), length: 52)[..26],
            "-" => Build(GetLink, Request | Dump, 1, Ifinfomsg(), length: 8),
            _ => System.Text.Encoding.ASCII.GetBytes(text),
        };
        await using var nsock = await RunAsync(stdin, "route", "--raw");

        await nsock.AssertExitCodeAsync(2, Wait);
        var line = ErrorLine.AssertSole(nsock, "stdin");
        Assert.EndsWith(why, line);
    }

    [Fact]
    public async Task A_good_message_is_answered_before_a_bad_one_ends_the_run()
    {
        var good = Build(GetLink, Request | Ack, 7, Ifinfomsg(1));
        await using var nsock = await RunAsync([.. good, 1, 2, 3], "route", "--raw");

        await nsock.AssertExitCodeAsync(2, Wait);
        Assert.Contains("message 2 at byte 32", Assert.Single(nsock.StderrLines));
    }

    [Fact]
    public async Task A_message_the_kernel_drops_in_silence_is_not_waited_for_as_a_dump()
    {
        // The dump bits without NLM_F_REQUEST: the kernel handles requests only and says nothing.
        await using var nsock = await RunAsync(Build(GetLink, Dump, 5, Ifinfomsg()), "route", "--raw");

        await nsock.AssertExitCodeAsync(0, Wait);
        Assert.Equal(0, nsock.Stdout.Length);
        ErrorLine.AssertNone(nsock);
    }

    [Fact]
    public async Task Empty_stdin_ends_at_once_with_nothing_said()
    {
        await using var nsock = await RunAsync([], "route", "--raw");

        await nsock.AssertExitCodeAsync(0, Wait);
        Assert.Equal(0, nsock.Stdout.Length);
        ErrorLine.AssertNone(nsock);
    }

    [Fact]
    public async Task Listening_to_groups_ends_after_the_idle_time_with_exit_4()
    {
        // Group 28 (RTNLGRP_NSID) is quiet unless namespaces get ids.
        await using var nsock = RunningProcess.Nsock("netlink", "route", "--raw", "--groups", "nsid", "-i", "0.3");

        await nsock.AssertExitCodeAsync(4, Wait);
        Assert.Contains("idle", ErrorLine.AssertSole(nsock, "netlink"));
    }

    [Fact]
    public async Task An_unknown_group_name_is_a_usage_error()
    {
        await using var nsock = await RunAsync([], "route", "--raw", "--groups", "link,bogus");

        await nsock.AssertExitCodeAsync(2, Wait);
        ErrorLine.AssertSole(nsock, "bogus", usage: true);
    }

    [Fact]
    public async Task A_generic_family_named_with_family_is_what_fill_addresses()
    {
        // Type 0: --fill writes the id --family resolved. CTRL_CMD_GETFAMILY (3), version 1, as a dump.
        await using var nsock = await RunAsync(Build(0, Dump, 0, [3, 1, 0, 0], length: 0), "generic", "--raw", "--fill", "--family", "nlctrl", "--hex");

        await nsock.AssertExitCodeAsync(0, Wait);
        ErrorLine.AssertNone(nsock);
        var text = nsock.Stdout.Text;
        Assert.Contains("CTRL_CMD_NEWFAMILY", text);
        Assert.Contains("CTRL_ATTR_FAMILY_NAME (2) len 7: \"nlctrl\"", text);
        Assert.Contains("NLMSG_DONE", text);
    }

    [Fact]
    public async Task A_group_is_joined_by_its_name_in_the_named_generic_family()
    {
        await using var nsock = RunningProcess.Nsock("netlink", "generic", "--raw", "--family", "nlctrl", "--groups", "notify", "-i", "0.3", "-v");

        await nsock.AssertExitCodeAsync(4, Wait);
        Assert.Equal(["listening on netlink generic (groups 16)", "nsock: netlink generic: idle for 0.3 s"], nsock.StderrLines);
    }
}

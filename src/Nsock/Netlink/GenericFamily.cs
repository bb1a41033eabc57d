namespace Nsock.Netlink;

/// <summary>A generic netlink family as nlctrl describes it: what <c>genl ctrl list</c> shows, less the operations.</summary>
internal sealed record GenericFamily(string Name, ushort Id, uint Version, uint HeaderSize, uint MaxAttribute, IReadOnlyList<(string Name, uint Id)> Groups);

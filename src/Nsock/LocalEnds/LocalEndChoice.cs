namespace Nsock.LocalEnds;

/// <summary>What the user asked to sit opposite the socket.</summary>
internal sealed record LocalEndChoice(bool SendOnly, bool RecvOnly, bool Echo, bool Stamp, bool Interactive);

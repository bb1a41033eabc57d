#!/usr/bin/env python3
"""Turns bench rows (bench/lib.sh `record`) into a table: per figure, each tool's median with
min-max over its rounds, and each nsock build's ratio against the best peer measured in the same
run. A ratio above 1 favours nsock whichever way the figure is better (higher MB/s, lower ms).

Usage: bench/report.py RAW.tsv [HEADER.md]  -> markdown on stdout (results.md is this plus the raw rows)
"""
import statistics
import sys
from collections import OrderedDict

OURS = ("nsock", "nsock-aot")


def fmt(v):
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def main():
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 6:
                continue
            part, figure, tool, value, unit, better = parts[:6]
            try:
                rows.append((part, figure, tool, float(value), unit, better))
            except ValueError:
                continue
    figures = OrderedDict()
    for part, figure, tool, value, unit, better in rows:
        fig = figures.setdefault((part, figure), {"unit": unit, "better": better, "tools": OrderedDict()})
        fig["tools"].setdefault(tool, []).append(value)

    out = []
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            out.append(f.read().rstrip() + "\n")
    current = None
    for (part, figure), fig in figures.items():
        if part != current:
            current = part
            out.append(f"\n### {part}\n")
            out.append("| figure | tool | median | min–max | rounds | vs best peer |")
            out.append("|---|---|---|---|---|---|")
        higher = fig["better"] == "higher"
        med = {t: statistics.median(v) for t, v in fig["tools"].items()}
        peers = {t: m for t, m in med.items() if t not in OURS}
        best_peer = (max if higher else min)(peers, key=peers.get) if peers else None
        for tool, values in fig["tools"].items():
            ratio = ""
            if tool in OURS and best_peer is not None:
                a, b = med[tool], peers[best_peer]
                num, den = (a, b) if higher else (b, a)
                if den == 0:
                    # A zero (no failures, no growth) has no ratio: say whether nsock matches it.
                    ratio = f"= {best_peer}" if num == 0 else f"n/a ({best_peer}: 0)"
                elif num == 0:
                    ratio = f"n/a ({best_peer}: 0)"
                else:
                    ratio = f"**{num / den:.2f}×** {best_peer}"
            out.append(
                f"| {figure} | {tool} | {fmt(med[tool])} {fig['unit']} | {fmt(min(values))}–{fmt(max(values))} "
                f"| {len(values)} | {ratio} |"
            )
    print("\n".join(out))


if __name__ == "__main__":
    main()

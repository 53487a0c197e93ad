#!/usr/bin/env python3
"""Draws the cost curve (CSV written by bench/cost_curve.sh, argv[1]) as SVG on stdout.

Log-log axes: seconds against incidents, one line per operation, and a dotted
line of slope 1 through the import's first point (linear growth) for
comparison. Plain SVG text, no plotting library, so the chart is reproducible
byte for byte."""
import csv
import math
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
series = [
    ("import_s", "import", "#1f77b4"),
    ("sqlite_import_s", "sqlite3 .import (baseline)", "#7f7f7f"),
    ("first_assess_s", "first assess after import", "#d62728"),
    ("assess_s", "assess", "#ff7f0e"),
    ("report_s", "report (JSON)", "#2ca02c"),
    ("annex_write_s", "annex after the server's write", "#9467bd"),
    ("annex_cli_write_s", "annex after another process's write", "#8c564b"),
]
xs = [int(r["incidents"]) for r in rows]
series = [s for s in series if all(s[0] in r for r in rows)]
values = [float(r[k]) for r in rows for k, _, _ in series if float(r[k]) > 0]
width, height = 760, 420
left, right, top, bottom = 60, 230, 40, 50
plot_w, plot_h = width - left - right, height - top - bottom
x_lo, x_hi = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
if x_hi == x_lo:
    x_hi += 1
y_lo, y_hi = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
if y_hi == y_lo:
    y_hi += 1


def px(x):
    return left + (math.log10(x) - x_lo) / (x_hi - x_lo) * plot_w


def py(y):
    return top + plot_h - (math.log10(y) - y_lo) / (y_hi - y_lo) * plot_h


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
       f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
       f'<rect width="{width}" height="{height}" fill="white"/>',
       f'<text x="{left}" y="20" font-size="14">Cost of each operation by store size '
       f'(SQLite, seconds, log-log)</text>']
for e in range(x_lo, x_hi + 1):
    x = px(10 ** e)
    out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#ddd"/>')
    label = f"{10 ** e:,}"
    out.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{label}</text>')
for e in range(y_lo, y_hi + 1):
    y = py(10 ** e)
    out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
    label = f"{10 ** e:g}"
    out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 12}" text-anchor="middle">'
           f'incidents</text>')
# Linear growth from the import's first point.
base = float(rows[0]["import_s"])
if base > 0:
    x0, x1 = xs[0], xs[-1]
    y1 = base * x1 / x0
    out.append(f'<line x1="{px(x0):.1f}" y1="{py(base):.1f}" x2="{px(x1):.1f}" '
               f'y2="{py(min(y1, 10 ** y_hi)):.1f}" stroke="#999" stroke-dasharray="2,3"/>')
for i, (key, name, colour) in enumerate(series):
    points = [(px(int(r["incidents"])), py(float(r[key]))) for r in rows if float(r[key]) > 0]
    if not points:
        continue
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y in points:
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    ly = top + 14 + i * 18
    out.append(f'<line x1="{left + plot_w + 16}" y1="{ly - 4}" x2="{left + plot_w + 36}" '
               f'y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>')
    out.append(f'<text x="{left + plot_w + 42}" y="{ly}">{name}</text>')
ly = top + 14 + len(series) * 18
out.append(f'<line x1="{left + plot_w + 16}" y1="{ly - 4}" x2="{left + plot_w + 36}" '
           f'y2="{ly - 4}" stroke="#999" stroke-dasharray="2,3"/>')
out.append(f'<text x="{left + plot_w + 42}" y="{ly}">linear from the first import</text>')
out.append("</svg>")
print("\n".join(out))

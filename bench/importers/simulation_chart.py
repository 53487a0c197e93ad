#!/usr/bin/env python3
"""Draws year,listed,on_notice (CSV on argv[1]) as a stacked bar chart in SVG on stdout.

Plain SVG text, no plotting library, so the chart is reproducible byte for byte."""
import csv
import sys

rows = [(int(r["year"]), int(r["listed"]), int(r["on_notice"]))
        for r in csv.DictReader(open(sys.argv[1]))]
width, height = 760, 360
left, right, top, bottom = 50, 20, 40, 50
plot_w, plot_h = width - left - right, height - top - bottom
peak = max(l + n for _, l, n in rows) or 1
step = 10 if peak <= 100 else 50
scale_max = ((peak + step - 1) // step) * step
bar = plot_w / len(rows)
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
       f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
       f'<rect width="{width}" height="{height}" fill="white"/>',
       f'<text x="{left}" y="20" font-size="14">Parties listed and on notice per year, '
       f'SVAC 3.2 under the default policy</text>']
for v in range(0, scale_max + 1, step):
    y = top + plot_h - v / scale_max * plot_h
    out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
    out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
for i, (year, listed, notice) in enumerate(rows):
    x = left + i * bar + 1
    h_l = listed / scale_max * plot_h
    h_n = notice / scale_max * plot_h
    y_l = top + plot_h - h_l
    out.append(f'<rect x="{x:.1f}" y="{y_l:.1f}" width="{bar - 2:.1f}" height="{h_l:.1f}" '
               f'fill="#b2182b"><title>{year}: {listed} listed</title></rect>')
    out.append(f'<rect x="{x:.1f}" y="{y_l - h_n:.1f}" width="{bar - 2:.1f}" height="{h_n:.1f}" '
               f'fill="#f4a582"><title>{year}: {notice} on notice</title></rect>')
    if year % 4 == 1:
        out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" '
                   f'text-anchor="middle">{year}</text>')
lx = left + 10
out.append(f'<rect x="{lx}" y="{top}" width="12" height="12" fill="#b2182b"/>'
           f'<text x="{lx + 16}" y="{top + 10}">listed</text>')
out.append(f'<rect x="{lx + 70}" y="{top}" width="12" height="12" fill="#f4a582"/>'
           f'<text x="{lx + 86}" y="{top + 10}">on notice</text>')
out.append(f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle">cycle (year)</text>')
out.append('</svg>')
print("\n".join(out))

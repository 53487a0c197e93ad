// SVG charts drawn without a library: a stacked bar chart per cycle and a
// map of points over the Natural Earth land outline (world-atlas, public
// domain) in an equirectangular projection. Every chart carries a <title>
// and a data table beside it for screen readers.
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import land110 from 'world-atlas/land-110m.json';
import { h, humanize, svg, table } from './dom';

const PALETTE = ['#1d3557', '#e63946', '#2a9d8f', '#e9c46a', '#6d597a', '#f4a261', '#457b9d', '#8ab17d', '#b5838d', '#264653', '#bc4749', '#a8dadc'];

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export interface Series {
  x: string; // the cycle
  values: Record<string, number>;
}

// Stacked bars: one bar per x, one segment per key.
export function stackedBars(title: string, series: Series[], keys: string[], labelFor: (k: string) => string = humanize): HTMLElement {
  const W = 640;
  const H = 260;
  const m = { l: 40, r: 10, t: 10, b: 30 };
  const totals = series.map((s) => keys.reduce((a, k) => a + (s.values[k] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const bw = (W - m.l - m.r) / Math.max(1, series.length);
  const y = (v: number) => m.t + (H - m.t - m.b) * (1 - v / top);
  const grid = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(svg('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), class: 'grid' }));
    grid.push(svg('text', { x: m.l - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(v)));
  }
  const bars = series.map((s, i) => {
    let acc = 0;
    const x = m.l + i * bw + bw * 0.15;
    const segs = keys.map((k, ki) => {
      const v = s.values[k] ?? 0;
      if (!v) return null;
      const r = svg('rect', { x, y: y(acc + v), width: bw * 0.7, height: y(acc) - y(acc + v), fill: colour(ki) }, svg('title', null, `${s.x}: ${labelFor(k)} ${v}`));
      acc += v;
      return r;
    });
    return svg(
      'g',
      null,
      segs,
      svg('text', { x: x + bw * 0.35, y: H - m.b + 18, class: 'axis', 'text-anchor': 'middle' }, s.x),
      svg('text', { x: x + bw * 0.35, y: y(acc) - 4, class: 'value', 'text-anchor': 'middle' }, String(acc)),
    );
  });
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title },
    svg('title', null, title),
    grid,
    bars,
  );
  const used = keys.filter((k) => series.some((s) => (s.values[k] ?? 0) > 0));
  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    used.map((k) => {
      const sw = h('span', { class: 'swatch' });
      sw.style.background = colour(keys.indexOf(k));
      return h('li', null, sw, labelFor(k));
    }),
  );
  const data = h(
    'details',
    { class: 'data-table' },
    h('summary', null, 'Data table'),
    table(['Cycle', ...used.map(labelFor), 'Total'], series.map((s, i) => [s.x, ...used.map((k) => String(s.values[k] ?? 0)), String(totals[i])]), title),
  );
  return h('figure', { class: 'figure' }, h('figcaption', null, title), chart, legend, data);
}

function niceStep(max: number): number {
  const raw = max / 5;
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
  for (const f of [1, 2, 5, 10]) if (f * p >= raw) return f * p;
  return 10 * p;
}

export interface MapPoint {
  lat: number;
  lon: number;
  name: string;
  count: number | string;
}

let landPath: string | null = null;
function landOutline(): string {
  if (landPath !== null) return landPath;
  const topo = land110 as unknown as Topology<{ land: GeometryCollection }>;
  const geo = feature(topo, topo.objects.land);
  const parts: string[] = [];
  const ring = (coords: number[][]) => {
    parts.push(
      coords.map(([lon, lat], i) => `${i ? 'L' : 'M'}${(lon + 180).toFixed(2)} ${(90 - lat).toFixed(2)}`).join('') + 'Z',
    );
  };
  const features = 'features' in geo ? geo.features : [geo];
  for (const f of features) {
    const g = f.geometry;
    if (!g) continue;
    if (g.type === 'Polygon') g.coordinates.forEach((r) => ring(r as number[][]));
    else if (g.type === 'MultiPolygon') g.coordinates.forEach((p) => p.forEach((r) => ring(r as number[][])));
  }
  landPath = parts.join('');
  return landPath;
}

// Points over the land outline. The view fits the points (at least 24
// degrees across) so that a few nearby locations do not collapse into one
// dot on a whole-world map.
export function pointMap(title: string, points: MapPoint[]): HTMLElement {
  let x0 = 0;
  let x1 = 360;
  let y0 = 0;
  let y1 = 180;
  if (points.length) {
    const xs = points.map((p) => p.lon + 180);
    const ys = points.map((p) => 90 - p.lat);
    let minX = Math.min(...xs);
    let maxX = Math.max(...xs);
    let minY = Math.min(...ys);
    let maxY = Math.max(...ys);
    const span = Math.max(24, (maxX - minX) * 1.3, (maxY - minY) * 2.6);
    const cx = (minX + maxX) / 2;
    const cy = (minY + maxY) / 2;
    minX = Math.max(0, cx - span / 2);
    maxX = Math.min(360, cx + span / 2);
    minY = Math.max(0, cy - span / 4);
    maxY = Math.min(180, cy + span / 4);
    [x0, x1, y0, y1] = [minX, maxX, minY, maxY];
  }
  const w = x1 - x0;
  const max = Math.max(1, ...points.map((p) => (typeof p.count === 'number' ? p.count : 1)));
  const rMax = w / 45;
  const dots = points.map((p) => {
    const n = typeof p.count === 'number' ? p.count : 1;
    const r = Math.max(rMax * 0.25, rMax * Math.sqrt(n / max));
    return svg(
      'circle',
      { cx: p.lon + 180, cy: 90 - p.lat, r, class: 'dot' },
      svg('title', null, `${p.name}: ${p.count} verified incident${p.count === 1 ? '' : 's'}`),
    );
  });
  const map = svg(
    'svg',
    { viewBox: `${x0} ${y0} ${w} ${y1 - y0}`, class: 'map', role: 'img', 'aria-label': title, preserveAspectRatio: 'xMidYMid meet' },
    svg('title', null, title),
    svg('rect', { x: x0, y: y0, width: w, height: y1 - y0, class: 'sea' }),
    svg('path', { d: landOutline(), class: 'land', 'stroke-width': w / 400 }),
    svg('g', { 'stroke-width': w / 500 }, dots),
  );
  const data = h(
    'details',
    { class: 'data-table' },
    h('summary', null, 'Locations as a table'),
    table(['Location', 'Latitude', 'Longitude', 'Verified incidents'], points.map((p) => [p.name, p.lat.toFixed(2), p.lon.toFixed(2), String(p.count)]), title),
  );
  return h('figure', { class: 'figure' }, h('figcaption', null, title), map, h('p', { class: 'hint' }, 'Land outline: Natural Earth (public domain).'), data);
}

// Status per cycle as a row of markers: recommended (outline) and final
// (filled), so a decision that departs from the recommendation stands out.
export interface TimelineEntry {
  cycle: number;
  recommended?: string;
  status: string;
  decided?: boolean;
}
export function statusTimeline(title: string, entries: TimelineEntry[]): HTMLElement {
  const W = Math.max(320, entries.length * 90 + 40);
  const H = 110;
  const level: Record<string, number> = { none: 0, on_notice: 1, listed: 2 };
  const y = (s: string) => 80 - (level[s] ?? 0) * 28;
  const x = (i: number) => 50 + i * 90;
  const line = entries.map((e, i) => `${i ? "L" : "M"}${x(i) + 12} ${y(e.status)}`).join('');
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'timeline', role: 'img', 'aria-label': title, preserveAspectRatio: 'xMinYMid meet' },
    svg('title', null, title),
    ['none', 'on_notice', 'listed'].map((s) => svg('text', { x: 4, y: y(s) + 4, class: 'axis' }, humanize(s))),
    svg('path', { d: line, class: 'tl-line' }),
    entries.map((e, i) =>
      svg(
        'g',
        null,
        e.recommended && e.recommended !== e.status ? svg('circle', { cx: x(i) + 12, cy: y(e.recommended), r: 6, class: 'tl-rec' }, svg('title', null, `${e.cycle}: recommended ${humanize(e.recommended)}`)) : null,
        svg('circle', { cx: x(i) + 12, cy: y(e.status), r: 8, class: `tl-dot tl-${e.status}` }, svg('title', null, `${e.cycle}: ${humanize(e.status)}${e.decided ? ' (decided)' : ''}`)),
        svg('text', { x: x(i) + 12, y: H - 6, class: 'axis', 'text-anchor': 'middle' }, String(e.cycle)),
      ),
    ),
  );
  return h('figure', { class: 'figure' }, h('figcaption', null, title), h('div', { class: 'scroll-x' }, chart));
}

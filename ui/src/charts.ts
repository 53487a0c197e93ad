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

// The part of the world a map shows, in degrees of the equirectangular
// plane (x = lon + 180, y = 90 - lat): the points' extent with a margin,
// widened to the map's aspect ratio and kept within the world.
export interface View {
  x0: number;
  y0: number;
  w: number;
  h: number;
}
const MAP_ASPECT = 1.6;
export function mapView(points: Array<{ lat: number; lon: number }>): View {
  if (!points.length) return { x0: 0, y0: 0, w: 360, h: 180 };
  const xs = points.map((p) => p.lon + 180);
  const ys = points.map((p) => 90 - p.lat);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const margin = Math.max(2, 0.15 * Math.max(maxX - minX, maxY - minY));
  let w = Math.max(8, maxX - minX + 2 * margin);
  let hgt = maxY - minY + 2 * margin;
  if (w / hgt < MAP_ASPECT) w = hgt * MAP_ASPECT;
  else hgt = w / MAP_ASPECT;
  w = Math.min(w, 360);
  hgt = Math.min(hgt, 180);
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const x0 = clamp((minX + maxX) / 2 - w / 2, 0, 360 - w);
  const y0 = clamp((minY + maxY) / 2 - hgt / 2, 0, 180 - hgt);
  return { x0, y0, w, h: hgt };
}

// One marker for the points near one another.
export interface Cluster {
  x: number;
  y: number;
  r: number;
  count: number;
  points: MapPoint[];
}

// Grid clustering: the points of one cell of a grid (a sixteenth of the
// view's width) make one marker at their count-weighted centre; then
// markers whose circles would overlap merge, until none does. A marker's
// radius grows with the square root of its count.
export function clusterPoints(points: MapPoint[], view: View): Cluster[] {
  const cell = view.w / 16;
  const rMin = view.w / 55;
  const rMax = view.w / 28;
  const weight = (p: MapPoint) => (typeof p.count === 'number' ? p.count : Number(p.count) || 1);
  const cells = new Map<string, MapPoint[]>();
  for (const p of points) {
    const key = `${Math.floor((p.lon + 180 - view.x0) / cell)}:${Math.floor((90 - p.lat - view.y0) / cell)}`;
    cells.set(key, [...(cells.get(key) ?? []), p]);
  }
  const make = (ps: MapPoint[]): Cluster => {
    const n = ps.reduce((a, p) => a + weight(p), 0);
    return {
      x: ps.reduce((a, p) => a + (p.lon + 180) * weight(p), 0) / n,
      y: ps.reduce((a, p) => a + (90 - p.lat) * weight(p), 0) / n,
      r: 0,
      count: n,
      points: ps,
    };
  };
  const clusters = [...cells.values()].map(make);
  const size = () => {
    const max = Math.max(1, ...clusters.map((c) => c.count));
    for (const c of clusters) c.r = rMin + (rMax - rMin) * Math.sqrt(c.count / max);
  };
  size();
  for (;;) {
    let pair: [number, number] | null = null;
    for (let i = 0; i < clusters.length && !pair; i++) {
      for (let j = i + 1; j < clusters.length && !pair; j++) {
        const [a, b] = [clusters[i], clusters[j]];
        if (Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r) pair = [i, j];
      }
    }
    if (!pair) break;
    const merged = make([...clusters[pair[0]].points, ...clusters[pair[1]].points]);
    clusters.splice(pair[1], 1);
    clusters.splice(pair[0], 1, merged);
    size();
  }
  return clusters.sort((a, b) => b.count - a.count);
}

function incidents(n: number | string): string {
  return `${n} verified incident${n === 1 ? '' : 's'}`;
}

// Points over the land outline, zoomed to the points (with a margin), with
// nearby points clustered into one marker labelled with its count. The
// table below the map lists every place and its count.
export function pointMap(title: string, points: MapPoint[]): HTMLElement {
  const view = mapView(points);
  const clusters = clusterPoints(points, view);
  const markers = clusters.map((c) => {
    const places = c.points.map((p) => `${p.name} (${p.count})`).join(', ');
    const label = String(c.count);
    return svg(
      'g',
      { class: 'marker' },
      svg('title', null, `${incidents(c.count)}: ${places}`),
      svg('circle', { cx: c.x, cy: c.y, r: c.r, class: 'dot' }),
      svg(
        'text',
        { x: c.x, y: c.y, class: 'dot-label', 'text-anchor': 'middle', 'dominant-baseline': 'central', 'font-size': (c.r * (label.length > 2 ? 0.8 : 1)).toFixed(3) },
        label,
      ),
    );
  });
  const total = points.reduce((a, p) => a + (typeof p.count === 'number' ? p.count : 0), 0);
  const summary = points.length
    ? `${title}: ${points.length} place${points.length === 1 ? '' : 's'} in ${clusters.length} marker${clusters.length === 1 ? '' : 's'}, ${incidents(total)}; the table below lists them.`
    : `${title}: none.`;
  const map = svg(
    'svg',
    { viewBox: `${view.x0} ${view.y0} ${view.w} ${view.h}`, class: 'map', role: 'img', 'aria-label': summary, preserveAspectRatio: 'xMidYMid meet' },
    svg('title', null, summary),
    svg('rect', { x: view.x0, y: view.y0, width: view.w, height: view.h, class: 'sea' }),
    svg('path', { d: landOutline(), class: 'land', 'stroke-width': view.w / 400 }),
    svg('g', { 'stroke-width': view.w / 400 }, markers),
  );
  const data = h(
    'details',
    { class: 'data-table' },
    h('summary', null, 'Locations as a table'),
    table(['Location', 'Latitude', 'Longitude', 'Verified incidents'], points.map((p) => [p.name, p.lat.toFixed(2), p.lon.toFixed(2), String(p.count)]), title),
  );
  return h(
    'figure',
    { class: 'figure' },
    h('figcaption', null, title),
    map,
    h('p', { class: 'hint' }, 'Each circle groups the places near one another; its number is their verified incidents. Land outline: Natural Earth (public domain).'),
    data,
  );
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

// Charts as SVG components: a stacked bar chart per cycle, a map of points
// over the Natural Earth land outline (world-atlas, public domain) in an
// equirectangular projection (d3-geo) with nearby points clustered
// (supercluster), and a party's status per cycle. Every chart carries a
// <title>, and the bars and the map a data table beside them for screen
// readers.
import { geoEquirectangular, geoPath } from 'd3-geo';
import { useMemo } from 'preact/hooks';
import Supercluster from 'supercluster';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land110 from 'world-atlas/land-110m.json';
import { humanize } from './components/common';
import { DataTable } from './components/table';
import { t } from './i18n';

const PALETTE = ['#1d3557', '#e63946', '#2a9d8f', '#e9c46a', '#6d597a', '#f4a261', '#457b9d', '#8ab17d', '#b5838d', '#264653', '#bc4749', '#a8dadc'];

export function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export interface Series {
  x: string; // the cycle
  values: Record<string, number>;
}

function niceStep(max: number): number {
  const raw = max / 5;
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
  for (const f of [1, 2, 5, 10]) if (f * p >= raw) return f * p;
  return 10 * p;
}

export interface StackedBarsProps {
  title: string;
  series: Series[];
  // The segments' keys, in the order of their colours.
  keys: string[];
  labelFor?: (k: string) => string;
}

// Stacked bars: one bar per x, one segment per key, with a legend of the
// keys shown and the numbers as a table.
export function StackedBars({ title, series, keys, labelFor = humanize }: StackedBarsProps) {
  const W = 640;
  const H = 260;
  const m = { l: 40, r: 10, t: 10, b: 30 };
  const totals = series.map((s) => keys.reduce((a, k) => a + (s.values[k] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const bw = (W - m.l - m.r) / Math.max(1, series.length);
  const y = (v: number) => m.t + (H - m.t - m.b) * (1 - v / top);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  const used = keys.filter((k) => series.some((s) => (s.values[k] ?? 0) > 0));
  const columns = [t('charts.cycle'), ...used.map(labelFor), t('charts.total')];
  return (
    <figure class="figure">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label={title}>
        <title>{title}</title>
        {ticks.map((v) => [
          <line x1={m.l} x2={W - m.r} y1={y(v)} y2={y(v)} class="grid" />,
          <text x={m.l - 6} y={y(v) + 4} class="axis" text-anchor="end">
            {String(v)}
          </text>,
        ])}
        {series.map((s, i) => {
          const x = m.l + i * bw + bw * 0.15;
          let acc = 0;
          const segments = keys.map((k, ki) => {
            const v = s.values[k] ?? 0;
            if (!v) return null;
            const segment = (
              <rect x={x} y={y(acc + v)} width={bw * 0.7} height={y(acc) - y(acc + v)} fill={colour(ki)}>
                <title>{`${s.x}: ${labelFor(k)} ${v}`}</title>
              </rect>
            );
            acc += v;
            return segment;
          });
          return (
            <g key={s.x}>
              {segments}
              <text x={x + bw * 0.35} y={H - m.b + 18} class="axis" text-anchor="middle">
                {s.x}
              </text>
              <text x={x + bw * 0.35} y={y(acc) - 4} class="value" text-anchor="middle">
                {String(acc)}
              </text>
            </g>
          );
        })}
      </svg>
      <ul class="legend" aria-hidden="true">
        {used.map((k) => (
          <li key={k}>
            <span class="swatch" style={{ background: colour(keys.indexOf(k)) }} />
            {labelFor(k)}
          </li>
        ))}
      </ul>
      <details class="data-table">
        <summary>{t('charts.dataTable')}</summary>
        <DataTable
          headers={columns}
          rows={series.map((s, i) => [s.x, ...used.map((k) => String(s.values[k] ?? 0)), String(totals[i])])}
          caption={title}
        />
      </details>
    </figure>
  );
}

export interface MapPoint {
  lat: number;
  lon: number;
  name: string;
  count: number;
}

// The map draws in the plane of degrees (x = lon + 180, y = 90 - lat): the
// equirectangular projection at one unit per degree. The land outline is
// drawn once in it; a map shows the part of it its view box names.
const plane = geoEquirectangular()
  .scale(180 / Math.PI)
  .translate([180, 90]);

let landPath: string | null = null;
function landOutline(): string {
  if (landPath === null) {
    const topo = land110 as unknown as Topology<{ land: GeometryCollection }>;
    landPath = geoPath(plane).digits(2)(feature(topo, topo.objects.land)) ?? '';
  }
  return landPath;
}

// The part of the plane a map shows.
interface View {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

// The frame a map is fitted into (its proportions; the SVG scales to the
// page), and the margin around the points, in the frame's units.
const FRAME = { w: 640, h: 400, pad: 74 };

// The view that shows the points: the projection fitted to them (and to at
// least 8 by 5 degrees around their middle, so that one place does not
// fill the map) inside the frame with its margin; the frame's corners,
// back in degrees, bound the view.
function mapView(points: MapPoint[]): View {
  if (!points.length) return { x0: 0, y0: 0, w: 360, h: 180 };
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  const lon = (Math.min(...lons) + Math.max(...lons)) / 2;
  const lat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const reach: GeoJSON.MultiPoint = {
    type: 'MultiPoint',
    coordinates: [...points.map((p) => [p.lon, p.lat]), [lon - 4, lat - 2.5], [lon + 4, lat + 2.5]],
  };
  const fitted = geoEquirectangular().fitExtent(
    [
      [FRAME.pad, FRAME.pad],
      [FRAME.w - FRAME.pad, FRAME.h - FRAME.pad],
    ],
    reach,
  );
  const [lon0, lat0] = fitted.invert!([0, 0])!;
  const [lon1, lat1] = fitted.invert!([FRAME.w, FRAME.h])!;
  return { x0: lon0 + 180, y0: 90 - lat0, w: lon1 - lon0, h: lat0 - lat1 };
}

// One marker for the points near one another.
interface Cluster {
  x: number;
  y: number;
  r: number;
  count: number;
  points: MapPoint[];
}

// The points clustered by supercluster (their verified incidents summed) at
// the zoom that matches the view, or coarser until no marker overlaps
// another. A marker's radius grows with the square root of its count.
function clusterPoints(points: MapPoint[], view: View): Cluster[] {
  if (!points.length) return [];
  const rMin = view.w / 55;
  const rMax = view.w / 28;
  // Supercluster's world is 512 pixels wide at zoom 0; the view is the
  // frame's width. Points closer than two of the largest markers cluster.
  const index = new Supercluster<MapPoint, { count: number }>({
    radius: (2 * rMax * FRAME.w) / view.w,
    maxZoom: 20,
    map: (p) => ({ count: p.count }),
    reduce: (a, b) => {
      a.count += b.count;
    },
  });
  index.load(points.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: p })));
  const at = (zoom: number): Cluster[] => {
    const markers = index.getClusters([-180, -90, 180, 90], zoom).map((f) => {
      const [x, y] = plane(f.geometry.coordinates as [number, number])!;
      const props = f.properties;
      const members = 'cluster' in props && props.cluster ? index.getLeaves(props.cluster_id, Infinity).map((l) => l.properties) : [props as MapPoint];
      return { x, y, r: 0, count: props.count, points: members };
    });
    const max = Math.max(1, ...markers.map((c) => c.count));
    for (const c of markers) c.r = rMin + (rMax - rMin) * Math.sqrt(c.count / max);
    return markers.sort((a, b) => b.count - a.count);
  };
  const overlap = (cs: Cluster[]) => cs.some((a, i) => cs.slice(i + 1).some((b) => Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r));
  let zoom = Math.max(0, Math.floor(Math.log2((FRAME.w * 360) / (512 * view.w))));
  let clusters = at(zoom);
  while (overlap(clusters) && zoom > 0) clusters = at(--zoom);
  return clusters;
}

export interface PointMapProps {
  title: string;
  points: MapPoint[];
}

// Points over the land outline, zoomed to the points (with a margin), with
// nearby points clustered into one marker labelled with its count. The
// table below the map lists every place and its count.
export function PointMap({ title, points }: PointMapProps) {
  const { view, clusters } = useMemo(() => {
    const v = mapView(points);
    return { view: v, clusters: clusterPoints(points, v) };
  }, [points]);
  const total = points.reduce((a, p) => a + p.count, 0);
  const columns = [t('charts.location'), t('charts.latitude'), t('charts.longitude'), t('charts.verifiedIncidents')];
  const summary = points.length
    ? t('charts.mapSummary', { title, places: points.length, markers: clusters.length, incidents: t('charts.verified', { count: total }) })
    : t('charts.none', { title });
  return (
    <figure class="figure">
      <figcaption>{title}</figcaption>
      <svg viewBox={`${view.x0} ${view.y0} ${view.w} ${view.h}`} class="map" role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        <title>{summary}</title>
        <rect x={view.x0} y={view.y0} width={view.w} height={view.h} class="sea" />
        <path d={landOutline()} class="land" stroke-width={view.w / 400} />
        <g stroke-width={view.w / 400}>
          {clusters.map((c) => {
            const label = String(c.count);
            return (
              <g class="marker">
                <title>{t('charts.marker', { incidents: t('charts.verified', { count: c.count }), places: c.points.map((p) => `${p.name} (${p.count})`).join(', ') })}</title>
                <circle cx={c.x} cy={c.y} r={c.r} class="dot" />
                <text x={c.x} y={c.y} class="dot-label" text-anchor="middle" dominant-baseline="central" font-size={(c.r * (label.length > 2 ? 0.8 : 1)).toFixed(3)}>
                  {label}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      <p class="hint">{t('charts.mapHint')}</p>
      <details class="data-table">
        <summary>{t('charts.locationsTable')}</summary>
        <DataTable
          headers={columns}
          rows={points.map((p) => [p.name, p.lat.toFixed(2), p.lon.toFixed(2), String(p.count)])}
          caption={title}
        />
      </details>
    </figure>
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

export interface StatusTimelineProps {
  title: string;
  entries: TimelineEntry[];
}

export function StatusTimeline({ title, entries }: StatusTimelineProps) {
  const W = Math.max(320, entries.length * 90 + 40);
  const H = 110;
  const level: Record<string, number> = { none: 0, on_notice: 1, listed: 2 };
  const y = (s: string) => 80 - (level[s] ?? 0) * 28;
  const x = (i: number) => 50 + i * 90;
  const line = entries.map((e, i) => `${i ? 'L' : 'M'}${x(i) + 12} ${y(e.status)}`).join('');
  return (
    <figure class="figure">
      <figcaption>{title}</figcaption>
      <div class="scroll-x">
        <svg viewBox={`0 0 ${W} ${H}`} class="timeline" role="img" aria-label={title} preserveAspectRatio="xMinYMid meet">
          <title>{title}</title>
          {['none', 'on_notice', 'listed'].map((s) => (
            <text x={4} y={y(s) + 4} class="axis">
              {humanize(s)}
            </text>
          ))}
          <path d={line} class="tl-line" />
          {entries.map((e, i) => (
            <g key={e.cycle}>
              {e.recommended && e.recommended !== e.status ? (
                <circle cx={x(i) + 12} cy={y(e.recommended)} r={6} class="tl-rec">
                  <title>{t('charts.recommended', { cycle: e.cycle, status: humanize(e.recommended) })}</title>
                </circle>
              ) : null}
              <circle cx={x(i) + 12} cy={y(e.status)} r={8} class={`tl-dot tl-${e.status}`}>
                <title>{e.decided ? t('charts.decided', { cycle: e.cycle, status: humanize(e.status) }) : `${e.cycle}: ${humanize(e.status)}`}</title>
              </circle>
              <text x={x(i) + 12} y={H - 6} class="axis" text-anchor="middle">
                {String(e.cycle)}
              </text>
            </g>
          ))}
        </svg>
      </div>
    </figure>
  );
}

// Dashboard: verified incidents per cycle by situation and by violation,
// the map of incident locations, and the current annex at a glance.
import { get, getOptional, qs } from '../api';
import { Party, Situation, link, parties, situations } from '../app';
import { Annex, loadAnnex } from '../annex';
import { MapPoint, Series, pointMap, stackedBars } from '../charts';
import { h, humanize } from '../dom';
import { VIOLATIONS } from '../vocab';

interface Dashboard {
  cycles: Array<{ cycle: number; verified: number; by_situation: Record<string, number>; by_violation: Record<string, number> }>;
  locations: MapPoint[];
  annex_cycle?: number;
  annex?: Annex;
}

interface IncidentRow {
  date: string;
  situation: string;
  violations: string[];
  location?: { name?: string; lat?: number; lon?: number };
}

// Without GET /dashboard: the same figures from the verified incidents the
// caller may read.
async function compose(): Promise<Dashboard> {
  const items: IncidentRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await get<{ items: IncidentRow[]; next_offset?: number }>(`/incidents${qs({ status: 'verified', limit: 1000, offset })}`);
    items.push(...page.items);
    if (page.next_offset === undefined) break;
  }
  const byCycle = new Map<number, Dashboard['cycles'][number]>();
  const locs = new Map<string, MapPoint>();
  for (const i of items) {
    const c = Number(i.date.slice(0, 4));
    const e = byCycle.get(c) ?? { cycle: c, verified: 0, by_situation: {}, by_violation: {} };
    e.verified += 1;
    e.by_situation[i.situation] = (e.by_situation[i.situation] ?? 0) + 1;
    for (const v of i.violations) e.by_violation[v] = (e.by_violation[v] ?? 0) + 1;
    byCycle.set(c, e);
    const { lat, lon, name } = i.location ?? {};
    if (typeof lat === 'number' && typeof lon === 'number') {
      const key = `${lat.toFixed(2)},${lon.toFixed(2)}`;
      const p = locs.get(key) ?? { lat: Number(lat.toFixed(2)), lon: Number(lon.toFixed(2)), name: name ?? key, count: 0 };
      p.count = (p.count as number) + 1;
      locs.set(key, p);
    }
  }
  const cycles = [...byCycle.values()].sort((a, b) => a.cycle - b.cycle);
  const last = cycles.length ? cycles[cycles.length - 1].cycle : undefined;
  return { cycles, locations: [...locs.values()], annex_cycle: last, annex: last ? await loadAnnex(last) : undefined };
}

function annexGlance(annex: Annex, sits: Situation[], ps: Party[]): HTMLElement {
  const pname = (id: string) => ps.find((p) => p.id === id)?.name ?? id;
  const sitName = (id: string, fallback?: string) => fallback ?? sits.find((s) => s.id === id)?.name ?? id;
  const block = (title: string, groups: Annex['listed'], cls: string) => {
    const n = groups.reduce((a, g) => a + g.parties.length, 0);
    return h(
      'div',
      { class: `glance ${cls}` },
      h('h3', null, `${title}: ${n}`),
      n === 0
        ? h('p', null, 'None.')
        : h(
            'ul',
            null,
            groups
              .filter((g) => g.parties.length)
              .map((g) =>
                h(
                  'li',
                  null,
                  h('strong', null, sitName(g.situation, g.situation_name)),
                  ': ',
                  g.parties.map((p, i) => [i ? ', ' : '', link(`/parties/${encodeURIComponent(p.id)}`, p.name)]),
                ),
              ),
          ),
    );
  };
  return h(
    'section',
    { 'aria-labelledby': 'annex-h', class: 'card' },
    h('h2', { id: 'annex-h' }, `Annex ${annex.cycle} at a glance`),
    h('div', { class: 'glance-row' }, block('Listed', annex.listed, 'listed'), block('On notice', annex.on_notice, 'on-notice')),
    annex.changes.length
      ? h(
          'p',
          null,
          'Changes: ',
          annex.changes.map((c, i) => [i ? '; ' : '', `${c.name ?? pname(c.party)}: ${humanize(c.from)} → ${humanize(c.to)}`]),
        )
      : null,
    h('p', null, link(`/reports?cycle=${annex.cycle}`, 'The full annex and the reports')),
  );
}

export default async function dashboard(main: HTMLElement): Promise<void> {
  const [data, sits, ps] = await Promise.all([getOptional<Dashboard>('/dashboard', '/dashboard').then((d) => d ?? compose()), situations(), parties()]);
  const series: Series[] = data.cycles.map((c) => ({ x: String(c.cycle), values: c.by_situation }));
  const vSeries: Series[] = data.cycles.map((c) => ({ x: String(c.cycle), values: c.by_violation }));
  const sitKeys = sits.map((s) => s.id);
  for (const c of data.cycles) for (const k of Object.keys(c.by_situation)) if (!sitKeys.includes(k)) sitKeys.push(k);
  // In the vocabulary's order, so that a violation keeps its colour.
  const vKeys: string[] = [...VIOLATIONS];
  for (const c of data.cycles) for (const k of Object.keys(c.by_violation)) if (!vKeys.includes(k)) vKeys.push(k);
  const total = data.cycles.reduce((a, c) => a + c.verified, 0);
  main.append(
    h('h1', null, 'Dashboard'),
    h('p', { class: 'lead' }, `${total} verified incidents over ${data.cycles.length} cycles.`),
    h(
      'div',
      { class: 'grid-2' },
      h('section', { 'aria-labelledby': 'c1', class: 'card' }, h('h2', { id: 'c1' }, 'By situation'), stackedBars('Verified incidents per cycle, by situation', series, sitKeys, (k) => sits.find((s) => s.id === k)?.name ?? k)),
      h('section', { 'aria-labelledby': 'c2', class: 'card' }, h('h2', { id: 'c2' }, 'By violation'), stackedBars('Verified incidents per cycle, by violation', vSeries, vKeys)),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h('section', { 'aria-labelledby': 'c3', class: 'card' }, h('h2', { id: 'c3' }, 'Where'), pointMap('Locations of verified incidents', data.locations)),
      data.annex ? annexGlance(data.annex, sits, ps) : h('section', { class: 'card' }, h('h2', null, 'Annex'), h('p', null, 'No cycle with data yet.')),
    ),
  );
}

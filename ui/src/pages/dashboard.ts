// Dashboard: verified incidents per cycle by situation and by violation,
// the map of incident locations, and the current annex at a glance, as
// GET /dashboard gives them: the server decides what the caller may see
// (small places, consent), so nothing here is recomputed from incidents.
import { get } from '../api';
import { Party, Situation, link, parties, situations } from '../app';
import { Annex } from '../annex';
import { MapPoint, Series, pointMap, stackedBars } from '../charts';
import { h, humanize } from '../dom';
import { VIOLATIONS } from '../vocab';

interface Dashboard {
  cycles: Array<{ cycle: number; verified: number; by_situation: Record<string, number>; by_violation: Record<string, number> }>;
  locations: MapPoint[];
  annex_cycle?: number;
  annex?: Annex;
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
  const [data, sits, ps] = await Promise.all([get<Dashboard>('/dashboard'), situations(), parties()]);
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

// Dashboard: verified incidents per cycle by situation and by violation,
// the map of incident locations, and the current annex at a glance, as
// GET /dashboard gives them: the server decides what the caller may see
// (small places, consent), so nothing here is recomputed from incidents.
import { get } from '../api';
import { Party, Situation, parties, situations } from '../app';
import { Annex } from '../annex';
import { MapPoint, PointMap, Series, StackedBars } from '../charts';
import { humanize } from '../components/common';
import { t } from '../i18n';
import { definePage } from '../page';
import { VIOLATIONS } from '../vocab';

interface Dashboard {
  cycles: Array<{ cycle: number; verified: number; by_situation: Record<string, number>; by_violation: Record<string, number> }>;
  locations: MapPoint[];
  annex_cycle?: number;
  annex?: Annex;
}

function GlanceBlock({ title, groups, cls, sitName }: { title: string; groups: Annex['listed']; cls: string; sitName: (id: string, fallback?: string) => string }) {
  const n = groups.reduce((a, g) => a + g.parties.length, 0);
  return (
    <div class={`glance ${cls}`}>
      <h3>{t('dashboard.glanceCount', { title, count: n })}</h3>
      {n === 0 ? (
        <p>{t('dashboard.none')}</p>
      ) : (
        <ul>
          {groups
            .filter((g) => g.parties.length)
            .map((g) => (
              <li key={g.situation}>
                <strong>
                  <bdi>{sitName(g.situation, g.situation_name)}</bdi>
                </strong>
                {t('dashboard.situationPartiesSeparator')}
                {g.parties.map((p, i) => [i ? t('dashboard.partySeparator') : '', <a href={`/parties/${encodeURIComponent(p.id)}`}>
                    <bdi>{p.name}</bdi>
                  </a>])}
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}

function AnnexGlance({ annex, sits, ps }: { annex: Annex; sits: Situation[]; ps: Party[] }) {
  const pname = (id: string) => ps.find((p) => p.id === id)?.name ?? id;
  const sitName = (id: string, fallback?: string) => fallback ?? sits.find((s) => s.id === id)?.name ?? id;
  return (
    <section aria-labelledby="annex-h" class="card">
      <h2 id="annex-h">{t('dashboard.glance', { cycle: annex.cycle })}</h2>
      <div class="glance-row">
        <GlanceBlock title={t('dashboard.listed')} groups={annex.listed} cls="listed" sitName={sitName} />
        <GlanceBlock title={t('dashboard.onNotice')} groups={annex.on_notice} cls="on-notice" sitName={sitName} />
      </div>
      {annex.changes.length ? (
        <p>
          {t('dashboard.changes', {
            list: annex.changes.map((c) => t('dashboard.change', { party: c.name ?? pname(c.party), from: humanize(c.from), to: humanize(c.to) })).join(t('dashboard.changeSeparator')),
          })}
        </p>
      ) : null}
      <p>
        <a href={`/reports?cycle=${annex.cycle}`}>{t('dashboard.fullAnnex')}</a>
      </p>
    </section>
  );
}

export const dashboardPage = definePage({
  load: async () => {
    const [data, sits, ps] = await Promise.all([get<Dashboard>('/dashboard'), situations(), parties()]);
    return { data, sits, ps };
  },
  View: ({ data: { data, sits, ps } }) => {
    const series: Series[] = data.cycles.map((c) => ({ x: String(c.cycle), values: c.by_situation }));
    const vSeries: Series[] = data.cycles.map((c) => ({ x: String(c.cycle), values: c.by_violation }));
    const sitKeys = sits.map((s) => s.id);
    for (const c of data.cycles) for (const k of Object.keys(c.by_situation)) if (!sitKeys.includes(k)) sitKeys.push(k);
    // In the vocabulary's order, so that a violation keeps its colour.
    const vKeys: string[] = [...VIOLATIONS];
    for (const c of data.cycles) for (const k of Object.keys(c.by_violation)) if (!vKeys.includes(k)) vKeys.push(k);
    const total = data.cycles.reduce((a, c) => a + c.verified, 0);
    return (
      <>
        <h1>{t('dashboard.title')}</h1>
        <p class="lead">{t('dashboard.lead', { total, cycles: data.cycles.length })}</p>
        <div class="grid-2">
          <section aria-labelledby="c1" class="card">
            <h2 id="c1">{t('dashboard.bySituation')}</h2>
            <StackedBars title={t('dashboard.bySituationChart')} series={series} keys={sitKeys} labelFor={(k) => sits.find((s) => s.id === k)?.name ?? k} />
          </section>
          <section aria-labelledby="c2" class="card">
            <h2 id="c2">{t('dashboard.byViolation')}</h2>
            <StackedBars title={t('dashboard.byViolationChart')} series={vSeries} keys={vKeys} />
          </section>
        </div>
        <div class="grid-2">
          <section aria-labelledby="c3" class="card">
            <h2 id="c3">{t('dashboard.where')}</h2>
            <PointMap title={t('dashboard.locations')} points={data.locations} />
          </section>
          {data.annex ? (
            <AnnexGlance annex={data.annex} sits={sits} ps={ps} />
          ) : (
            <section class="card">
              <h2>{t('dashboard.annex')}</h2>
              <p>{t('dashboard.noCycle')}</p>
            </section>
          )}
        </div>
      </>
    );
  },
});

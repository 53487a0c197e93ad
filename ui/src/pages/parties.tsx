// Parties: the registry as a hierarchy per situation, with aliases and
// lineage; the dossier of one party.
import { Fragment, type ComponentChildren } from 'preact';
import { enc, get, qs } from '../api';
import { Party, cycles, navigate, parties, situations } from '../app';
import { StatusTimeline, type TimelineEntry } from '../charts';
import { Badge, humanize, Options } from '../components/common';
import { CriteriaLists, type Criterion } from '../components/criteria';
import { Field } from '../components/forms';
import { DataTable } from '../components/table';
import { language, t, type MessageValues } from '../i18n';
import { definePage } from '../page';

// A message with an element in it (`{slot}`): the text before and after it.
const SLOT = '\uE000';
function around(key: string, values: MessageValues = {}): [string, string] {
  const [before, after = ''] = t(key, { ...values, slot: SLOT }).split(SLOT);
  return [before, after];
}

// A party with its names by language (the record's `names`).
type NamedParty = Party & { names?: Partial<Record<string, string>> };

// The name a reader sees in the chosen language: the party's name in that
// language when it has one, else its canonical name.
function nameIn(p: NamedParty): string {
  return p.names?.[language()] || p.name;
}

// One party in the tree, with its units under it.
function PartyNode({ p, all, byId }: { p: Party; all: Party[]; byId: Map<string, Party> }) {
  const kids = all.filter((c) => c.parent === p.id);
  const splinterOf = around('parties.splinterOf');
  return (
    <li>
      <a href={`/parties/${enc(p.id)}`}>
        <bdi>{nameIn(p)}</bdi>
      </a>{' '}
      <span class="muted">{`${p.id} · ${humanize(p.kind)}`}</span>
      {p.aliases?.length ? <div class="aliases">{t('parties.alsoKnownAs', { names: p.aliases.join(', ') })}</div> : null}
      {p.splinter_of ? (
        <div class="aliases">
          {splinterOf[0]}
          <a href={`/parties/${enc(p.splinter_of)}`}>
            <bdi>{byId.has(p.splinter_of) ? nameIn(byId.get(p.splinter_of)!) : p.splinter_of}</bdi>
          </a>
          {splinterOf[1]}
        </div>
      ) : null}
      {kids.length ? (
        <ul class="tree">
          {kids.map((c) => (
            <PartyNode key={c.id} p={c} all={all} byId={byId} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export const partyRegistry = definePage({
  load: async ({ params }) => {
    const [ps, sits] = await Promise.all([parties(), situations()]);
    return { ps, sits, q: (params.get('q') ?? '').trim() };
  },
  View: ({ data: { ps, sits, q } }) => {
    const needle = q.toLowerCase();
    const matches = (p: NamedParty) => !needle || [p.name, p.id, ...(p.aliases ?? []), ...Object.values(p.names ?? {}).map(String)].some((s) => s.toLowerCase().includes(needle));
    const byId = new Map(ps.map((p) => [p.id, p]));
    const submit = (ev: SubmitEvent) => {
      ev.preventDefault();
      navigate(`/parties${qs({ q: String(new FormData(ev.currentTarget as HTMLFormElement).get('q') ?? '') })}`);
    };
    return (
      <>
        <h1>{t('parties.heading')}</h1>
        <form class="filters" role="search" aria-label={t('parties.find')} onSubmit={submit}>
          <Field label={t('parties.query')}>
            <input type="search" name="q" defaultValue={q} />
          </Field>
          <div class="actions">
            <button type="submit">{t('parties.findButton')}</button>
          </div>
        </form>
        {sits.map((s) => {
          const mine = ps.filter((p) => p.situation === s.id);
          const roots = needle ? mine.filter(matches) : mine.filter((p) => !p.parent || !byId.has(p.parent));
          if (!roots.length) return null;
          return (
            <section class="card" aria-labelledby={`s-${s.id}`} key={s.id}>
              <h2 id={`s-${s.id}`}>
                {s.name}
                {s.on_council_agenda ? <span class="muted">{` · ${t('parties.onCouncilAgenda')}`}</span> : null}
              </h2>
              <ul class="tree">
                {roots.map((p) => (
                  <PartyNode key={p.id} p={p} all={ps} byId={byId} />
                ))}
              </ul>
            </section>
          );
        })}
      </>
    );
  },
});

interface Dossier {
  party: Party;
  aliases?: string[];
  children?: Array<string | { id: string; name?: string }>;
  lineage?: Array<{ relation: string; id?: string; name?: string }>;
  history: Array<{ cycle: number; recommended?: string; recommended_status?: string; decided?: boolean | string; status: string }>;
  // counted: the statement of case's incidents of the chosen cycle (those
  // that count under the policy: verified or under verification, with an
  // attribution the policy counts, which may roll units up); by_cycle: the verified incidents attributed to the
  // party itself, per cycle, as this reader may see them.
  incidents: { counted: number; by_cycle: Array<{ cycle: number; count: number }> };
  case?: { status?: string; criteria?: Criterion[]; explanation?: Explanation; [k: string]: unknown } | null;
  commitments: Array<{ id: string; kind: string; signed?: string; measures?: Array<{ id: string; text: string; due?: string; status: string }> }>;
  designations: Array<{ authority: string; program?: string; kind: string; listed_on?: string; ended_on?: string | null }>;
  engagements: Array<{ date: string; kind: string; note?: string }>;
  petitions: Array<{ id?: string; filed?: string; filed_on?: string; cycle?: number; grounds?: string; outcome?: string; decided?: string; reason?: string }>;
}
// A communication from outside as the statement of case shows it to this
// reader (the public edition: reference, kind, dates and status only).
interface CaseCommunication {
  id: string;
  kind: string;
  received: string;
  status: string;
  ruled?: string;
  submitter?: string;
  reason?: string;
}

// The engine's explanation, in the sentences the server writes (the same
// as `mara case` and the reports).
interface Explanation {
  summary: string;
  combination: string;
  criteria: Array<{ rule: string; evidence: string; met: boolean; sentence: string }>;
  would_change: string[];
}

function ExplanationView({ e }: { e: Explanation }) {
  const row = (c: Explanation['criteria'][number], i: number) => (
    <li class={c.met ? 'met' : 'missed'} key={i}>
      <span class="mark" aria-hidden="true">
        {c.met ? '✔ ' : '✘ '}
      </span>
      <span class="visually-hidden">{c.met ? t('parties.met') : t('parties.notMet')}</span>
      {c.sentence}
    </li>
  );
  const met = e.criteria.filter((c) => c.met);
  const missed = e.criteria.filter((c) => !c.met);
  return (
    <div class="explanation">
      <p class="why">{e.summary}</p>
      <div class="grid-2 criteria">
        <div>
          <h3>{t('parties.criteriaMet', { count: met.length })}</h3>
          <ul class="plain">{met.map(row)}</ul>
        </div>
        <div>
          <h3>{t('parties.criteriaNotMet', { count: missed.length })}</h3>
          <ul class="plain">{missed.map(row)}</ul>
        </div>
      </div>
      <p>{e.combination}</p>
      {e.would_change.length ? (
        <>
          <h3>{t('parties.wouldChange')}</h3>
          <ul>
            {e.would_change.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function Section({ title, id, children }: { title: string; id: string; children?: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

// Links to parties, separated by commas.
function PartyLinks({ items }: { items: Array<{ id: string; name: string }> }) {
  return (
    <>
      {items.map((c, i) => (
        <Fragment key={c.id}>
          {i ? ', ' : ''}
          <a href={`/parties/${enc(c.id)}`}>{c.name}</a>
        </Fragment>
      ))}
    </>
  );
}

export const partyDossier = definePage({
  load: async ({ params, route }) => {
    const id = route.id;
    const cyc = await cycles();
    const cycle = Number(params.get('cycle') ?? cyc[cyc.length - 1] ?? new Date().getFullYear());
    const [d, ps] = await Promise.all([get<Dossier>(`/parties/${enc(id)}/dossier${qs({ cycle })}`), parties()]);
    return { id, cyc, cycle, d, ps };
  },
  View: ({ data: { id, cyc, cycle, d, ps } }) => {
    const name = (pid: string) => {
      const found = ps.find((p) => p.id === pid);
      return found ? nameIn(found) : pid;
    };
    const p: NamedParty = d.party;
    // Its name in the reader's language, the canonical name beside it.
    const shown = nameIn(p);
    const showCycle = (ev: SubmitEvent) => {
      ev.preventDefault();
      navigate(`/parties/${enc(id)}${qs({ cycle: String(new FormData(ev.currentTarget as HTMLFormElement).get('cycle') ?? '') })}`);
    };
    const entries: TimelineEntry[] = d.history.map((x) => ({ cycle: x.cycle, recommended: x.recommended ?? x.recommended_status, status: x.status, decided: !!x.decided }));
    const crit = d.case?.criteria;
    const kids = (d.children ?? p.children ?? []).map((c) => (typeof c === 'string' ? { id: c, name: undefined } : c));
    const verified = d.incidents.by_cycle.reduce((n, c) => n + c.count, 0);
    const splinters = d.lineage ? d.lineage.filter((l) => l.relation === 'splinter' && l.id).map((l) => l.id!) : (p.splinters ?? []);
    const aliases = d.aliases ?? p.aliases;
    const unitOf = around('parties.unitOf');
    const splinterOf = around('parties.lineageSplinterOf');
    const units = around('parties.units');
    const splinterGroups = around('parties.splinterGroups');
    const historyHeaders = [t('parties.column.cycle'), t('parties.column.recommended'), t('parties.column.status'), t('parties.column.decided')];
    const verifiedHeaders = [t('parties.column.cycle'), t('parties.verifiedIncidents')];
    const measureHeaders = [t('parties.column.measure'), t('parties.column.due'), t('parties.column.status')];
    const designationHeaders = [t('parties.column.authority'), t('parties.column.programme'), t('parties.column.kind'), t('parties.column.listedOn'), t('parties.column.endedOn')];
    const engagementHeaders = [t('parties.column.date'), t('parties.column.kind'), t('parties.column.note')];
    const communicationHeaders = [
      t('parties.column.reference'),
      t('parties.column.kind'),
      t('parties.column.received'),
      t('parties.column.status'),
      t('parties.column.ruledOn'),
      t('parties.column.organisation'),
      t('parties.column.reasons'),
    ];
    const petitionHeaders = [t('parties.column.filed'), t('parties.column.cycle'), t('parties.column.grounds'), t('parties.column.outcome'), t('parties.column.decided'), t('parties.column.reason')];
    return (
      <>
        <p class="crumbs">
          <a href="/parties">{t('parties.heading')}</a>
          {' / '}
          <bdi>{shown}</bdi>
        </p>
        <h1>{shown}</h1>
        {shown !== p.name ? <p class="canonical-name">{t('parties.canonicalName', { name: p.name })}</p> : null}
        <p class="lead">
          {`${p.id} · ${humanize(p.kind)} · ${p.situation}`}
          {p.parent ? (
            <>
              {` · ${unitOf[0]}`}
              <a href={`/parties/${enc(p.parent)}`}>
                <bdi>{name(p.parent)}</bdi>
              </a>
              {unitOf[1]}
            </>
          ) : null}
          {p.splinter_of ? (
            <>
              {` · ${splinterOf[0]}`}
              <a href={`/parties/${enc(p.splinter_of)}`}>
                <bdi>{name(p.splinter_of)}</bdi>
              </a>
              {splinterOf[1]}
            </>
          ) : null}
        </p>
        {aliases?.length ? <p>{t('parties.alsoKnownAs', { names: aliases.join(', ') })}</p> : null}
        {p.names_over_time?.length ? <p>{t('parties.namesOverTime', { names: p.names_over_time.map((n) => `${n.name} (${n.from ?? '…'} – ${n.to ?? '…'})`).join('; ') })}</p> : null}
        {kids.length ? (
          <p>
            {units[0]}
            <PartyLinks items={kids.map((c) => ({ id: c.id, name: c.name ?? name(c.id) }))} />
            {units[1]}
          </p>
        ) : null}
        {splinters.length ? (
          <p>
            {splinterGroups[0]}
            <PartyLinks items={splinters.map((c) => ({ id: c, name: name(c) }))} />
            {splinterGroups[1]}
          </p>
        ) : null}
        <form class="inline-form" onSubmit={showCycle}>
          <Field label={t('parties.cycle')}>
            <select name="cycle">
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(cycle)} />
            </select>
          </Field>
          <button type="submit">{t('parties.show')}</button>
        </form>
        <Section title={t('parties.statusHistory')} id="hist-h">
          {entries.length ? <StatusTimeline title={t('parties.statusPerCycle', { name: shown })} entries={entries} /> : <p>{t('parties.noStatus')}</p>}
          {entries.length ? (
            <DataTable
              headers={historyHeaders}
              rows={entries.map((e) => [String(e.cycle), e.recommended ? humanize(e.recommended) : '—', <Badge status={e.status} />, e.decided ? t('parties.yes') : t('parties.no')])}
              caption={t('parties.statusHistory')}
            />
          ) : null}
        </Section>
        <Section title={t('parties.verifiedIncidents')} id="inc-h">
          {verified ? (
            <p>
              {`${t('parties.verifiedCount', { count: verified, name: shown })} `}
              <a href={`/incidents${qs({ party: p.id, status: 'verified' })}`}>{t('parties.seeThem')}</a>
            </p>
          ) : (
            <p>{t('parties.noVerified', { name: shown })}</p>
          )}
          {verified ? (
            <DataTable
              headers={verifiedHeaders}
              rows={d.incidents.by_cycle.map((c) => [String(c.cycle), String(c.count)])}
              caption={t('parties.verifiedPerCycle', { name: shown })}
            />
          ) : null}
        </Section>
        <Section title={t('parties.caseOf', { cycle })} id="case-h">
          <p class="counted">
            {d.incidents.counted
              ? t(kids.length ? 'parties.countedWithUnits' : 'parties.counted', { count: d.incidents.counted, name: shown, cycle })
              : t('parties.noneCounted', { name: shown, cycle })}
          </p>
          {d.case?.explanation ? <ExplanationView e={d.case.explanation} /> : crit ? <CriteriaLists criteria={crit} /> : <p>{t('parties.noCase')}</p>}
          <p>
            <a href={`/api/v1/cases/${enc(p.id)}/${cycle}?format=html`} download={`case-${p.id}-${cycle}.html`}>
              {t('parties.downloadHtml')}
            </a>
            {' · '}
            <a href={`/api/v1/cases/${enc(p.id)}/${cycle}`} download={`case-${p.id}-${cycle}.json`}>
              {t('parties.downloadJson')}
            </a>
          </p>
        </Section>
        <Section title={t('parties.commitments')} id="com-h">
          {d.commitments.length ? (
            <ul class="plain">
              {d.commitments.map((c) => (
                <li key={c.id}>
                  <strong>{`${c.id}: ${humanize(c.kind)}`}</strong>
                  {c.signed ? ` ${t('parties.signed', { date: c.signed })}` : ''}
                  <DataTable headers={measureHeaders} rows={(c.measures ?? []).map((m) => [m.text, m.due ?? '', <Badge status={m.status} />])} caption={t('parties.measuresOf', { id: c.id })} />
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('parties.noCommitments')}</p>
          )}
        </Section>
        <Section title={t('parties.designations')} id="des-h">
          <DataTable
            headers={designationHeaders}
            rows={d.designations.map((x) => [x.authority, x.program ?? '', humanize(x.kind), x.listed_on ?? '', x.ended_on ?? ''])}
            caption={t('parties.designations')}
            empty={t('parties.noDesignations')}
          />
        </Section>
        <Section title={t('parties.engagement')} id="eng-h">
          <DataTable headers={engagementHeaders} rows={d.engagements.map((e) => [e.date, humanize(e.kind), e.note ?? ''])} caption={t('parties.engagement')} empty={t('parties.noEngagement')} />
        </Section>
        <Section title={t('parties.communications')} id="comm-h">
          <DataTable
            headers={communicationHeaders}
            rows={((d.case?.communications as CaseCommunication[] | undefined) ?? []).map((c) => [c.id, humanize(c.kind), c.received, humanize(c.status), c.ruled ?? '', c.submitter ?? '', c.reason ?? ''])}
            caption={t('parties.communications')}
            empty={t('parties.noCommunications')}
          />
        </Section>
        <Section title={t('parties.petitions')} id="pet-h">
          <p>
            <a href={`/petitions${qs({ party: p.id })}`}>{t('parties.petitionsOf', { name: shown })}</a>
          </p>
          <DataTable
            headers={petitionHeaders}
            rows={d.petitions.map((x) => [x.filed_on ?? x.filed ?? '', x.cycle ? String(x.cycle) : '', x.grounds ?? '', x.outcome ? humanize(x.outcome) : humanize('pending'), x.decided ?? '', x.reason ?? ''])}
            caption={t('parties.petitions')}
            empty={t('parties.noPetitions')}
          />
        </Section>
      </>
    );
  },
});

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
import { definePage } from '../page';

// One party in the tree, with its units under it.
function PartyNode({ p, all, byId }: { p: Party; all: Party[]; byId: Map<string, Party> }) {
  const kids = all.filter((c) => c.parent === p.id);
  return (
    <li>
      <a href={`/parties/${enc(p.id)}`}>{p.name}</a>{' '}
      <span class="muted">{`${p.id} · ${humanize(p.kind)}`}</span>
      {p.aliases?.length ? <div class="aliases">Also known as: {p.aliases.join(', ')}</div> : null}
      {p.splinter_of ? (
        <div class="aliases">
          Splinter of <a href={`/parties/${enc(p.splinter_of)}`}>{byId.get(p.splinter_of)?.name ?? p.splinter_of}</a>
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
    const matches = (p: Party) => !needle || [p.name, p.id, ...(p.aliases ?? [])].some((s) => s.toLowerCase().includes(needle));
    const byId = new Map(ps.map((p) => [p.id, p]));
    const submit = (ev: SubmitEvent) => {
      ev.preventDefault();
      navigate(`/parties${qs({ q: String(new FormData(ev.currentTarget as HTMLFormElement).get('q') ?? '') })}`);
    };
    return (
      <>
        <h1>Parties</h1>
        <form class="filters" role="search" aria-label="Find a party" onSubmit={submit}>
          <Field label="Name, ID or alias">
            <input type="search" name="q" defaultValue={q} />
          </Field>
          <div class="actions">
            <button type="submit">Find</button>
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
                {s.on_council_agenda ? <span class="muted"> · on the Council agenda</span> : null}
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
      <span class="visually-hidden">{c.met ? 'Met: ' : 'Not met: '}</span>
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
          <h3>{`Criteria met (${met.length})`}</h3>
          <ul class="plain">{met.map(row)}</ul>
        </div>
        <div>
          <h3>{`Criteria not met (${missed.length})`}</h3>
          <ul class="plain">{missed.map(row)}</ul>
        </div>
      </div>
      <p>{e.combination}</p>
      {e.would_change.length ? (
        <>
          <h3>What would change it</h3>
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
    const name = (pid: string) => ps.find((p) => p.id === pid)?.name ?? pid;
    const p = d.party;
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
    return (
      <>
        <p class="crumbs">
          <a href="/parties">Parties</a>
          {' / '}
          {p.name}
        </p>
        <h1>{p.name}</h1>
        <p class="lead">
          {`${p.id} · ${humanize(p.kind)} · ${p.situation}`}
          {p.parent ? (
            <>
              {' · unit of '}
              <a href={`/parties/${enc(p.parent)}`}>{name(p.parent)}</a>
            </>
          ) : null}
          {p.splinter_of ? (
            <>
              {' · splinter of '}
              <a href={`/parties/${enc(p.splinter_of)}`}>{name(p.splinter_of)}</a>
            </>
          ) : null}
        </p>
        {aliases?.length ? <p>Also known as: {aliases.join(', ')}</p> : null}
        {p.names_over_time?.length ? <p>Names over time: {p.names_over_time.map((n) => `${n.name} (${n.from ?? '…'} – ${n.to ?? '…'})`).join('; ')}</p> : null}
        {kids.length ? (
          <p>
            Units: <PartyLinks items={kids.map((c) => ({ id: c.id, name: c.name ?? name(c.id) }))} />
          </p>
        ) : null}
        {splinters.length ? (
          <p>
            Splinter groups: <PartyLinks items={splinters.map((c) => ({ id: c, name: name(c) }))} />
          </p>
        ) : null}
        <form class="inline-form" onSubmit={showCycle}>
          <Field label="Cycle">
            <select name="cycle">
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(cycle)} />
            </select>
          </Field>
          <button type="submit">Show</button>
        </form>
        <Section title="Status history" id="hist-h">
          {entries.length ? <StatusTimeline title={`Status of ${p.name} per cycle`} entries={entries} /> : <p>No status recorded.</p>}
          {entries.length ? (
            <DataTable
              headers={['Cycle', 'Recommended', 'Status', 'Decided']}
              rows={entries.map((e) => [String(e.cycle), e.recommended ? humanize(e.recommended) : '—', <Badge status={e.status} />, e.decided ? 'yes' : 'no'])}
              caption="Status history"
            />
          ) : null}
        </Section>
        <Section title="Verified incidents" id="inc-h">
          {verified ? (
            <p>
              {`${verified} verified ${verified === 1 ? 'incident names' : 'incidents name'} ${p.name} as a perpetrator. `}
              <a href={`/incidents${qs({ party: p.id, status: 'verified' })}`}>See them</a>
            </p>
          ) : (
            <p>{`No verified incident names ${p.name} as a perpetrator.`}</p>
          )}
          {verified ? (
            <DataTable
              headers={['Cycle', 'Verified incidents']}
              rows={d.incidents.by_cycle.map((c) => [String(c.cycle), String(c.count)])}
              caption={`Verified incidents of ${p.name} per cycle`}
            />
          ) : null}
        </Section>
        <Section title={`Statement of case, ${cycle}`} id="case-h">
          <p class="counted">
            {d.incidents.counted
              ? `${d.incidents.counted} ${d.incidents.counted === 1 ? 'incident counts' : 'incidents count'} for ${p.name} in ${cycle} under the policy: verified or under verification, with an attribution the policy counts${kids.length ? ' (its units’ incidents too, when the policy rolls units up to their parent)' : ''}.`
              : `No incident counts for ${p.name} in ${cycle} under the policy.`}
          </p>
          {d.case?.explanation ? <ExplanationView e={d.case.explanation} /> : crit ? <CriteriaLists criteria={crit} /> : <p>No statement of case for this cycle.</p>}
          <p>
            <a href={`/api/v1/cases/${enc(p.id)}/${cycle}?format=html`} download={`case-${p.id}-${cycle}.html`}>
              Download the statement of case (HTML)
            </a>
            {' · '}
            <a href={`/api/v1/cases/${enc(p.id)}/${cycle}`} download={`case-${p.id}-${cycle}.json`}>
              Download the statement of case (JSON)
            </a>
          </p>
        </Section>
        <Section title="Commitments" id="com-h">
          {d.commitments.length ? (
            <ul class="plain">
              {d.commitments.map((c) => (
                <li key={c.id}>
                  <strong>{`${c.id}: ${humanize(c.kind)}`}</strong>
                  {c.signed ? ` signed ${c.signed}` : ''}
                  <DataTable headers={['Measure', 'Due', 'Status']} rows={(c.measures ?? []).map((m) => [m.text, m.due ?? '', <Badge status={m.status} />])} caption={`Measures of ${c.id}`} />
                </li>
              ))}
            </ul>
          ) : (
            <p>None.</p>
          )}
        </Section>
        <Section title="Designations" id="des-h">
          <DataTable
            headers={['Authority', 'Programme', 'Kind', 'Listed on', 'Ended on']}
            rows={d.designations.map((x) => [x.authority, x.program ?? '', humanize(x.kind), x.listed_on ?? '', x.ended_on ?? ''])}
            caption="Designations"
            empty="No designations."
          />
        </Section>
        <Section title="Engagement" id="eng-h">
          <DataTable headers={['Date', 'Kind', 'Note']} rows={d.engagements.map((e) => [e.date, humanize(e.kind), e.note ?? ''])} caption="Engagement" empty="No engagement recorded." />
        </Section>
        <Section title="Communications" id="comm-h">
          <DataTable
            headers={['Reference', 'Kind', 'Received', 'Status', 'Ruled on', 'Organisation', 'Reasons']}
            rows={((d.case?.communications as CaseCommunication[] | undefined) ?? []).map((c) => [c.id, humanize(c.kind), c.received, humanize(c.status), c.ruled ?? '', c.submitter ?? '', c.reason ?? ''])}
            caption="Communications"
            empty="No communications about this party."
          />
        </Section>
        <Section title="Petitions" id="pet-h">
          <p>
            <a href={`/petitions${qs({ party: p.id })}`}>{`Petitions of ${p.name}`}</a>
          </p>
          <DataTable
            headers={['Filed', 'Cycle', 'Grounds', 'Outcome', 'Decided', 'Reason']}
            rows={d.petitions.map((x) => [x.filed_on ?? x.filed ?? '', x.cycle ? String(x.cycle) : '', x.grounds ?? '', x.outcome ? humanize(x.outcome) : 'pending', x.decided ?? '', x.reason ?? ''])}
            caption="Petitions"
            empty="No petitions."
          />
        </Section>
      </>
    );
  },
});

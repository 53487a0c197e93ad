// Parties: the registry as a hierarchy per situation, with aliases and
// lineage; the dossier of one party.
import { enc, get, qs } from '../api';
import { Party, cycles, link, navigate, parties, situations } from '../app';
import { statusTimeline, TimelineEntry } from '../charts';
import { badge, field, h, humanize, nodes, select, table } from '../dom';

export async function partyRegistry(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const [ps, sits] = await Promise.all([parties(), situations()]);
  const q = (params.get('q') ?? '').trim().toLowerCase();
  const matches = (p: Party) => !q || [p.name, p.id, ...(p.aliases ?? [])].some((s) => s.toLowerCase().includes(q));
  const byId = new Map(ps.map((p) => [p.id, p]));
  const node = (p: Party): HTMLElement => {
    const kids = ps.filter((c) => c.parent === p.id);
    return h(
      'li',
      null,
      link(`/parties/${enc(p.id)}`, p.name),
      ' ',
      h('span', { class: 'muted' }, `${p.id} · ${humanize(p.kind)}`),
      p.aliases?.length ? h('div', { class: 'aliases' }, 'Also known as: ', p.aliases.join(', ')) : null,
      p.splinter_of ? h('div', { class: 'aliases' }, 'Splinter of ', link(`/parties/${enc(p.splinter_of)}`, byId.get(p.splinter_of)?.name ?? p.splinter_of)) : null,
      kids.length ? h('ul', { class: 'tree' }, kids.map(node)) : null,
    );
  };
  const search = h('input', { type: 'search', name: 'q', value: q });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find a party' }, field('Name, ID or alias', search), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Find')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(`/parties${qs({ q: search.value })}`);
  });
  main.append(h('h1', null, 'Parties'), form);
  for (const s of sits) {
    const mine = ps.filter((p) => p.situation === s.id);
    const roots = q ? mine.filter(matches) : mine.filter((p) => !p.parent || !byId.has(p.parent));
    if (!roots.length) continue;
    main.append(
      h(
        'section',
        { class: 'card', 'aria-labelledby': `s-${s.id}` },
        h('h2', { id: `s-${s.id}` }, s.name, s.on_council_agenda ? h('span', { class: 'muted' }, ' · on the Council agenda') : null),
        h('ul', { class: 'tree' }, roots.map(node)),
      ),
    );
  }
}

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
interface Criterion {
  rule: string;
  threshold: unknown;
  observed: unknown;
  met: boolean;
  evidence: string;
}

// The engine's explanation, in the sentences the server writes (the same
// as `mara case` and the reports).
interface Explanation {
  summary: string;
  combination: string;
  criteria: Array<{ rule: string; evidence: string; met: boolean; sentence: string }>;
  would_change: string[];
}

function explanationView(e: Explanation): HTMLElement {
  const row = (c: Explanation['criteria'][number]) =>
    h('li', { class: c.met ? 'met' : 'missed' }, h('span', { class: 'mark', 'aria-hidden': 'true' }, c.met ? '✔ ' : '✘ '), h('span', { class: 'visually-hidden' }, c.met ? 'Met: ' : 'Not met: '), c.sentence);
  const met = e.criteria.filter((c) => c.met);
  const missed = e.criteria.filter((c) => !c.met);
  return h(
    'div',
    { class: 'explanation' },
    h('p', { class: 'why' }, e.summary),
    h(
      'div',
      { class: 'grid-2 criteria' },
      h('div', null, h('h3', null, `Criteria met (${met.length})`), h('ul', { class: 'plain' }, met.map(row))),
      h('div', null, h('h3', null, `Criteria not met (${missed.length})`), h('ul', { class: 'plain' }, missed.map(row))),
    ),
    h('p', null, e.combination),
    e.would_change.length ? [h('h3', null, 'What would change it'), h('ul', null, e.would_change.map((w) => h('li', null, w)))] : null,
  );
}

function criteriaLists(criteria: Criterion[]): HTMLElement {
  const row = (c: Criterion) => h('li', { class: c.met ? 'met' : 'missed' }, h('span', { class: 'mark', 'aria-hidden': 'true' }, c.met ? '✔ ' : '✘ '), `${humanize(c.rule)} (${c.evidence}): observed ${String(c.observed)}, threshold ${String(c.threshold)}`);
  const met = criteria.filter((c) => c.met);
  const missed = criteria.filter((c) => !c.met);
  return h(
    'div',
    { class: 'grid-2 criteria' },
    h('div', null, h('h3', null, `Criteria met (${met.length})`), h('ul', { class: 'plain' }, met.map(row))),
    h('div', null, h('h3', null, `Criteria missed (${missed.length})`), h('ul', { class: 'plain' }, missed.map(row))),
  );
}
export { criteriaLists };

export async function partyDossier(main: HTMLElement, params: URLSearchParams, [id]: string[]): Promise<void> {
  const cyc = await cycles();
  const cycle = Number(params.get('cycle') ?? cyc[cyc.length - 1] ?? new Date().getFullYear());
  const [d, ps] = await Promise.all([get<Dossier>(`/parties/${enc(id)}/dossier${qs({ cycle })}`), parties()]);
  const name = (pid: string) => ps.find((p) => p.id === pid)?.name ?? pid;
  const p = d.party;
  const cycleSel = select('cycle', cyc.map((c): [string, string] => [String(c), String(c)]), String(cycle));
  const cycleForm = h('form', { class: 'inline-form' }, field('Cycle', cycleSel), h('button', { type: 'submit' }, 'Show'));
  cycleForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(`/parties/${enc(id)}${qs({ cycle: cycleSel.value })}`);
  });
  const entries: TimelineEntry[] = d.history.map((x) => ({ cycle: x.cycle, recommended: x.recommended ?? x.recommended_status, status: x.status, decided: !!x.decided }));
  const section = (title: string, idp: string, ...body: Array<Node | null>) => h('section', { class: 'card', 'aria-labelledby': idp }, h('h2', { id: idp }, title), ...body);
  const crit = d.case?.criteria;
  const kids = (d.children ?? p.children ?? []).map((c) => (typeof c === 'string' ? { id: c, name: undefined } : c));
  const verified = d.incidents.by_cycle.reduce((n, c) => n + c.count, 0);
  const splinters = d.lineage ? d.lineage.filter((l) => l.relation === 'splinter' && l.id).map((l) => l.id!) : (p.splinters ?? []);
  main.append(
    ...nodes(
    h('p', { class: 'crumbs' }, link('/parties', 'Parties'), ' / ', p.name),
    h('h1', null, p.name),
    h(
      'p',
      { class: 'lead' },
      `${p.id} · ${humanize(p.kind)} · ${p.situation}`,
      p.parent ? [' · unit of ', link(`/parties/${enc(p.parent)}`, name(p.parent))] : null,
      p.splinter_of ? [' · splinter of ', link(`/parties/${enc(p.splinter_of)}`, name(p.splinter_of))] : null,
    ),
    (d.aliases ?? p.aliases)?.length ? h('p', null, 'Also known as: ', (d.aliases ?? p.aliases)!.join(', ')) : null,
    p.names_over_time?.length ? h('p', null, 'Names over time: ', p.names_over_time.map((n) => `${n.name} (${n.from ?? '…'} – ${n.to ?? '…'})`).join('; ')) : null,
    kids.length ? h('p', null, 'Units: ', kids.map((c, i) => [i ? ', ' : '', link(`/parties/${enc(c.id)}`, c.name ?? name(c.id))])) : null,
    splinters.length ? h('p', null, 'Splinter groups: ', splinters.map((c, i) => [i ? ', ' : '', link(`/parties/${enc(c)}`, name(c))])) : null,
    cycleForm,
    section('Status history', 'hist-h', entries.length ? statusTimeline(`Status of ${p.name} per cycle`, entries) : h('p', null, 'No status recorded.'), entries.length ? table(['Cycle', 'Recommended', 'Status', 'Decided'], entries.map((e) => [String(e.cycle), e.recommended ? humanize(e.recommended) : '—', badge(e.status), e.decided ? 'yes' : 'no']), 'Status history') : null),
    section(
      'Verified incidents',
      'inc-h',
      verified
        ? h('p', null, `${verified} verified ${verified === 1 ? 'incident names' : 'incidents name'} ${p.name} as a perpetrator. `, link(`/incidents${qs({ party: p.id, status: 'verified' })}`, 'See them'))
        : h('p', null, `No verified incident names ${p.name} as a perpetrator.`),
      verified ? table(['Cycle', 'Verified incidents'], d.incidents.by_cycle.map((c) => [String(c.cycle), String(c.count)]), `Verified incidents of ${p.name} per cycle`) : null,
    ),
    section(
      `Statement of case, ${cycle}`,
      'case-h',
      h(
        'p',
        { class: 'counted' },
        d.incidents.counted
          ? `${d.incidents.counted} ${d.incidents.counted === 1 ? 'incident counts' : 'incidents count'} for ${p.name} in ${cycle} under the policy: verified or under verification, with an attribution the policy counts${kids.length ? ' (its units’ incidents too, when the policy rolls units up to their parent)' : ''}.`
          : `No incident counts for ${p.name} in ${cycle} under the policy.`,
      ),
      d.case?.explanation ? explanationView(d.case.explanation) : crit ? criteriaLists(crit) : h('p', null, 'No statement of case for this cycle.'),
      h('p', null,
        h('a', { href: `/api/v1/cases/${enc(p.id)}/${cycle}?format=html`, download: `case-${p.id}-${cycle}.html` }, 'Download the statement of case (HTML)'),
        ' · ',
        h('a', { href: `/api/v1/cases/${enc(p.id)}/${cycle}`, download: `case-${p.id}-${cycle}.json` }, 'Download the statement of case (JSON)')),
    ),
    section(
      'Commitments',
      'com-h',
      d.commitments.length
        ? h(
            'ul',
            { class: 'plain' },
            d.commitments.map((c) =>
              h('li', null, h('strong', null, `${c.id}: ${humanize(c.kind)}`), c.signed ? ` signed ${c.signed}` : '', table(['Measure', 'Due', 'Status'], (c.measures ?? []).map((m) => [m.text, m.due ?? '', badge(m.status)]), `Measures of ${c.id}`)),
            ),
          )
        : h('p', null, 'None.'),
    ),
    section('Designations', 'des-h', table(['Authority', 'Programme', 'Kind', 'Listed on', 'Ended on'], d.designations.map((x) => [x.authority, x.program ?? '', humanize(x.kind), x.listed_on ?? '', x.ended_on ?? '']), 'Designations', undefined, { empty: 'No designations.' })),
    section('Engagement', 'eng-h', table(['Date', 'Kind', 'Note'], d.engagements.map((e) => [e.date, humanize(e.kind), e.note ?? '']), 'Engagement', undefined, { empty: 'No engagement recorded.' })),
    section(
      'Communications',
      'comm-h',
      table(
        ['Reference', 'Kind', 'Received', 'Status', 'Ruled on', 'Organisation', 'Reasons'],
        ((d.case?.communications as CaseCommunication[] | undefined) ?? []).map((c) => [c.id, humanize(c.kind), c.received, humanize(c.status), c.ruled ?? '', c.submitter ?? '', c.reason ?? '']),
        'Communications',
        undefined,
        { empty: 'No communications about this party.' },
      ),
    ),
    section('Petitions', 'pet-h', h('p', null, link(`/petitions${qs({ party: p.id })}`, `Petitions of ${p.name}`)), table(['Filed', 'Cycle', 'Grounds', 'Outcome', 'Decided', 'Reason'], d.petitions.map((x) => [x.filed_on ?? x.filed ?? '', x.cycle ? String(x.cycle) : '', x.grounds ?? '', x.outcome ? humanize(x.outcome) : 'pending', x.decided ?? '', x.reason ?? '']), 'Petitions', undefined, { empty: 'No petitions.' })),
    ),
  );
}

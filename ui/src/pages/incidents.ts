// Incidents: the filterable, searchable, paginated table; one incident with
// its evidence, verification and consent; the review queue.
import { ApiError, call, enc, get, getOptional, qs } from '../api';
import { announce, cycles, errorText, flash, link, navigate, parties, situations } from '../app';
import { badge, field, h, humanize, select, table } from '../dom';
import { hasRole, me } from '../session';
import { CONSENTS, STATUSES, VIOLATIONS } from '../vocab';

export interface Incident {
  id: string;
  situation: string;
  date: string;
  date_precision?: string;
  location?: { name?: string; admin1?: string; lat?: number; lon?: number };
  violations: string[];
  victims?: Record<string, number | string>;
  context?: string;
  nexus?: string[];
  status: string;
  verified_on?: string;
  perpetrators: Array<{ party: string; standard: string }>;
  sources?: string[];
  narrative?: string;
  consent?: string;
  [key: string]: unknown;
}

const PAGE = 25;

function perpetratorsText(i: Incident, names: Map<string, string>): string {
  return i.perpetrators.map((p) => names.get(p.party) ?? p.party).join(', ');
}

export async function incidentList(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const [cyc, sits, ps] = await Promise.all([cycles(), situations(), parties()]);
  const names = new Map(ps.map((p) => [p.id, p.name]));
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const filters = {
    cycle: params.get('cycle') ?? '',
    situation: params.get('situation') ?? '',
    party: params.get('party') ?? '',
    status: params.get('status') ?? '',
    violation: params.get('violation') ?? '',
    q: params.get('q') ?? '',
  };
  const data = await get<{ items: Incident[]; total: number; next_offset?: number }>(`/incidents${qs({ ...filters, limit: PAGE, offset })}`);

  const any: [string, string] = ['', 'Any'];
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter incidents' },
    field('Search', h('input', { type: 'search', name: 'q', value: filters.q, maxlength: '200' }), 'Location, region, or a party name or alias.'),
    field('Cycle', select('cycle', [any, ...cyc.map((c): [string, string] => [String(c), String(c)])], filters.cycle)),
    field('Situation', select('situation', [any, ...sits.map((s): [string, string] => [s.id, s.name])], filters.situation)),
    field('Party', select('party', [any, ...ps.map((p): [string, string] => [p.id, p.name])], filters.party)),
    field('Status', select('status', [any, ...STATUSES.map((s): [string, string] => [s, humanize(s)])], filters.status)),
    field('Violation', select('violation', [any, ...VIOLATIONS.map((s): [string, string] => [s, humanize(s)])], filters.violation)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply filters'), h('a', { href: '/incidents', class: 'button secondary' }, 'Clear')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const next: Record<string, string> = {};
    for (const [k, v] of fd.entries()) next[k] = String(v);
    navigate(`/incidents${qs(next)}`);
  });
  const pageLink = (o: number) => `/incidents${qs({ ...filters, offset: o || undefined })}`;
  const from = offset + 1;
  const to = offset + data.items.length;
  const filtered = Object.values(filters).some((v) => v !== '');
  // An empty page says so in words instead of "0–0 of 0".
  const count = data.total === 0 ? (filtered ? 'No incidents match these filters.' : 'No incidents.') : data.items.length === 0 ? `No incidents on this page (${data.total} in all).` : `${from}–${to} of ${data.total} incidents`;
  main.append(
    h('div', { class: 'title-row' }, h('h1', null, 'Incidents'), hasRole('monitor') ? h('a', { href: '/incidents/new', class: 'button' }, 'Record an incident') : null),
    form,
    h('p', { class: 'count', role: 'status' }, count),
    table(
      ['ID', 'Date', 'Situation', 'Location', 'Violations', 'Perpetrators', 'Status'],
      data.items.map((i) => [
        link(`/incidents/${enc(i.id)}`, i.id),
        i.date,
        sits.find((s) => s.id === i.situation)?.name ?? i.situation,
        i.location?.name ?? '',
        i.violations.map(humanize).join(', '),
        perpetratorsText(i, names),
        badge(i.status),
      ]),
      'Incidents',
      'incidents',
      { empty: filtered ? 'No incidents match these filters.' : 'No incidents.' },
    ),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      offset > 0 ? h('a', { href: pageLink(Math.max(0, offset - PAGE)), class: 'button secondary', rel: 'prev' }, 'Previous') : null,
      data.next_offset !== undefined ? h('a', { href: pageLink(data.next_offset), class: 'button secondary', rel: 'next' }, 'Next') : null,
    ),
  );
}

// Verifies `id` and returns the incident as the server holds it after.
async function verify(id: string): Promise<Incident | null> {
  const cur = await call<Incident>('GET', `/incidents/${enc(id)}`);
  return (await call<Incident>('POST', `/incidents/${enc(id)}/verification`, {}, { ifMatch: cur.etag })).data;
}

// Whether this principal may verify `id` now, by the server's own rule
// (roles, situation, four eyes: never an incident one recorded or last
// edited): the review queue lists exactly those. A server without the
// queue route leaves the decision to the verification itself.
async function mayVerify(id: string): Promise<boolean> {
  const queue = await getOptional<{ items: Incident[] }>('/review-queue', '/review-queue');
  return queue === null || queue.items.some((i) => i.id === id);
}

interface Evidence {
  id: string;
  sha256: string;
  size: number;
  description?: string;
  received_at?: string | number;
  received_by?: string;
}

function evidenceSection(inc: Incident): HTMLElement {
  const sec = h('section', { 'aria-labelledby': 'ev-h', class: 'card' }, h('h2', { id: 'ev-h' }, 'Evidence'));
  const list = h('div', null, h('p', null, 'Loading…'));
  sec.append(list);
  const load = async () => {
    try {
      const r = await getOptional<{ items: Evidence[] }>(`/evidence${qs({ incident: inc.id })}`, '/evidence');
      list.replaceChildren(
        r
          ? table(
              ['Item', 'SHA-256', 'Size', 'Description', 'Download'],
              r.items.map((e) => [e.id, h('code', { class: 'hash' }, e.sha256), `${e.size} bytes`, e.description ?? '', h('a', { href: `/api/v1/evidence/${enc(e.id)}/content`, download: '' }, `Download ${e.id}`)]),
              'Evidence items',
              undefined,
              { empty: 'No evidence for this incident.' },
            )
          : h('p', null, 'This server does not list evidence.'),
      );
    } catch (e) {
      list.replaceChildren(h('p', null, errorText(e)));
    }
  };
  void load();
  if (hasRole('monitor', 'analyst')) {
    const file = h('input', { type: 'file', name: 'file', required: true });
    const desc = h('input', { type: 'text', name: 'description', maxlength: '500' });
    const form = h('form', { class: 'inline-form' }, field('File', file), field('Description', desc), h('button', { type: 'submit' }, 'Add evidence'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!file.files?.length) return;
      const fd = new FormData();
      fd.append('file', file.files[0]);
      fd.append('incident', inc.id);
      fd.append('description', desc.value);
      try {
        const r = await call<Evidence>('POST', '/evidence', undefined, { form: fd });
        announce(`Evidence ${r.data.id} added; SHA-256 ${r.data.sha256}.`, 'success');
        form.reset();
        await load();
      } catch (e) {
        announce(errorText(e), 'error');
      }
    });
    sec.append(h('h3', null, 'Add evidence'), form);
  }
  return sec;
}

export async function incidentDetail(main: HTMLElement, _p: URLSearchParams, [id]: string[]): Promise<void> {
  const [reply, sits, ps] = await Promise.all([call<Incident>('GET', `/incidents/${enc(id)}`), situations(), parties()]);
  const inc = reply.data;
  const names = new Map(ps.map((p) => [p.id, p.name]));
  const dl = (pairs: Array<[string, unknown]>) =>
    h(
      'dl',
      { class: 'facts' },
      pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', null, k), h('dd', null, v as string | Node)]),
    );
  const victims = inc.victims
    ? Object.entries(inc.victims)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')
    : undefined;
  const actions = h('div', { class: 'actions' });
  const canVerify = hasRole('reviewer') && inc.status !== 'verified' && (await mayVerify(inc.id));
  if (hasRole('monitor')) actions.append(h('a', { href: `/incidents/${enc(inc.id)}/edit`, class: 'button' }, 'Edit'));
  if (canVerify) {
    actions.append(
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            try {
              await verify(inc.id);
              flash(`Incident ${inc.id} verified.`);
              navigate(`/incidents/${enc(inc.id)}`, true);
            } catch (e) {
              announce(`Not verified: ${errorText(e)}`, 'error');
            }
          },
        },
        'Verify',
      ),
    );
  }
  main.append(
    h('p', { class: 'crumbs' }, link('/incidents', 'Incidents'), ' / ', inc.id),
    h('div', { class: 'title-row start' }, h('h1', null, `Incident ${inc.id}`), badge(inc.status)),
    actions,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'facts-h' },
      h('h2', { id: 'facts-h' }, 'Facts'),
      dl([
        ['Situation', sits.find((s) => s.id === inc.situation)?.name ?? inc.situation],
        ['Date', `${inc.date}${inc.date_precision && inc.date_precision !== 'day' ? ` (${inc.date_precision})` : ''}`],
        ['Location', [inc.location?.name, inc.location?.admin1].filter(Boolean).join(', ')],
        ['Coordinates', inc.location?.lat !== undefined ? `${inc.location.lat}, ${inc.location.lon}` : undefined],
        ['Violations', inc.violations.map(humanize).join(', ')],
        ['Victims', victims],
        ['Context', inc.context ? humanize(inc.context) : undefined],
        ['Nexus', inc.nexus?.map(humanize).join(', ')],
        ['Perpetrators', h('ul', { class: 'plain' }, inc.perpetrators.map((p) => h('li', null, link(`/parties/${enc(p.party)}`, names.get(p.party) ?? p.party), ` (${humanize(p.standard)})`)))],
        ['Sources', inc.sources?.join(', ')],
        ['Verified on', inc.verified_on],
        ['Consent', inc.consent ? humanize(inc.consent) : undefined],
      ]),
      // The API leaves the narrative out for a reader without confidential
      // access; render it only when it was given.
      typeof inc.narrative === 'string' ? [h('h3', null, 'Narrative (confidential)'), h('p', { class: 'narrative' }, inc.narrative)] : null,
    ),
  );
  if (hasRole('monitor') && inc.consent !== undefined) {
    const sel = select('consent', CONSENTS.map((c): [string, string] => [c, humanize(c)]), inc.consent);
    const form = h('form', { class: 'inline-form' }, field('Consent scope', sel), h('button', { type: 'submit' }, 'Change consent'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const cur = await call<Incident>('GET', `/incidents/${enc(inc.id)}`);
        await call('PUT', `/incidents/${enc(inc.id)}/consent`, { consent: sel.value }, { ifMatch: cur.etag });
        announce(`Consent set to ${humanize(sel.value)}.`, 'success');
      } catch (e) {
        announce(errorText(e), 'error');
      }
    });
    main.append(h('section', { class: 'card', 'aria-labelledby': 'consent-h' }, h('h2', { id: 'consent-h' }, 'Consent'), form));
  }
  if (hasRole('monitor', 'analyst', 'reviewer', 'admin')) main.append(evidenceSection(inc));
}

export async function reviewQueue(main: HTMLElement): Promise<void> {
  const [ps, sits] = await Promise.all([parties(), situations()]);
  const names = new Map(ps.map((p) => [p.id, p.name]));
  let items: Incident[];
  const queue = await getOptional<{ items: Incident[] }>('/review-queue', '/review-queue');
  if (queue) {
    items = queue.items;
  } else {
    // Without the queue route: every incident not yet verified (the server
    // still refuses the ones this reviewer wrote).
    const all = await get<{ items: Incident[] }>(`/incidents${qs({ limit: 1000 })}`);
    items = all.items.filter((i) => i.status === 'reported' || i.status === 'under_verification');
  }
  const rows = items.map((i) => {
    const btn = h('button', { type: 'button', 'aria-label': `Verify ${i.id}` }, 'Verify');
    const status = h('span', { class: 'row-status' }, badge(i.status));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const after = await verify(i.id);
        // The row shows the status the server now holds.
        status.replaceChildren(badge(after?.status ?? 'verified'));
        announce(`Incident ${i.id} verified.`, 'success');
        btn.replaceWith(h('span', { class: 'muted' }, 'Done'));
      } catch (e) {
        btn.disabled = false;
        const msg = e instanceof ApiError && e.status === 403 ? `You may not verify ${i.id}: ${errorText(e)}` : errorText(e);
        announce(msg, 'error');
      }
    });
    return [link(`/incidents/${enc(i.id)}`, i.id), i.date, sits.find((s) => s.id === i.situation)?.name ?? i.situation, i.location?.name ?? '', i.violations.map(humanize).join(', '), perpetratorsText(i, names), status, btn];
  });
  main.append(
    h('h1', null, 'Review queue'),
    h('p', { class: 'lead' }, `Incidents ${me()?.name ?? 'you'} may verify: not yet verified, and written or last edited by someone else (four eyes).`),
    table(['ID', 'Date', 'Situation', 'Location', 'Violations', 'Perpetrators', 'Status', 'Action'], rows, 'Incidents awaiting verification', 'incidents', { empty: 'Nothing to verify: no incident awaits you.' }),
  );
}

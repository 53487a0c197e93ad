// Incidents: the filterable, searchable, paginated table; one incident with
// its evidence, verification and consent; the review queue.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, call, enc, get, getOptional, qs } from '../api';
import { announce, cycles, errorText, flash, navigate, parties, situations, type Party, type Situation } from '../app';
import { Badge, Card, humanize, Options } from '../components/common';
import { Field } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';
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

// The columns of a table of incidents.
function columns(): string[] {
  return [
    t('incidents.field.id'),
    t('incidents.field.date'),
    t('incidents.field.situation'),
    t('incidents.field.location'),
    t('incidents.field.violations'),
    t('incidents.field.perpetrators'),
    t('incidents.field.status'),
  ];
}

// The columns of the review queue: an incident's, and the action.
function reviewColumns(): string[] {
  return [...columns(), t('incidents.review.action')];
}

// The columns of the list of evidence items.
function evidenceColumns(): string[] {
  return [t('incidents.evidence.item'), t('incidents.evidence.sha256'), t('incidents.evidence.size'), t('incidents.evidence.description'), t('incidents.evidence.download')];
}

function situationName(sits: Situation[], id: string): string {
  return sits.find((s) => s.id === id)?.name ?? id;
}

function incidentLink(id: string) {
  return <a href={`/incidents/${enc(id)}`}>{id}</a>;
}

interface IncidentPage {
  items: Incident[];
  total: number;
  next_offset?: number;
}

export const incidentList = definePage({
  load: async ({ params }) => {
    const [cyc, sits, ps] = await Promise.all([cycles(), situations(), parties()]);
    const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
    const filters = {
      cycle: params.get('cycle') ?? '',
      situation: params.get('situation') ?? '',
      party: params.get('party') ?? '',
      status: params.get('status') ?? '',
      violation: params.get('violation') ?? '',
      q: params.get('q') ?? '',
    };
    const data = await get<IncidentPage>(`/incidents${qs({ ...filters, limit: PAGE, offset })}`);
    return { cyc, sits, ps, offset, filters, data };
  },
  View: ({ data: { cyc, sits, ps, offset, filters, data } }) => {
    const names = new Map(ps.map((p) => [p.id, p.name]));
    const any: [string, string] = ['', t('incidents.any')];
    const submit = (ev: SubmitEvent) => {
      ev.preventDefault();
      const next: Record<string, string> = {};
      for (const [k, v] of new FormData(ev.currentTarget as HTMLFormElement).entries()) next[k] = String(v);
      navigate(`/incidents${qs(next)}`);
    };
    const pageLink = (o: number) => `/incidents${qs({ ...filters, offset: o || undefined })}`;
    const filtered = Object.values(filters).some((v) => v !== '');
    const none = filtered ? t('incidents.noMatch') : t('incidents.none');
    // An empty page says so in words instead of "0–0 of 0".
    const count =
      data.total === 0
        ? none
        : data.items.length === 0
          ? t('incidents.beyond', { count: data.total })
          : t('incidents.range', { first: offset + 1, last: offset + data.items.length, count: data.total });
    return (
      <>
        <div class="title-row">
          <h1>{t('incidents.title')}</h1>
          {hasRole('monitor') ? (
            <a href="/incidents/new" class="button">
              {t('incidents.record')}
            </a>
          ) : null}
        </div>
        <form class="filters" role="search" aria-label={t('incidents.filter')} onSubmit={submit}>
          <Field label={t('incidents.search')} hint={t('incidents.searchHint')}>
            <input type="search" name="q" defaultValue={filters.q} maxLength={200} />
          </Field>
          <Field label={t('incidents.cycle')}>
            <select name="cycle">
              <Options options={[any, ...cyc.map((c): [string, string] => [String(c), String(c)])]} value={filters.cycle} />
            </select>
          </Field>
          <Field label={t('incidents.field.situation')}>
            <select name="situation">
              <Options options={[any, ...sits.map((s): [string, string] => [s.id, s.name])]} value={filters.situation} />
            </select>
          </Field>
          <Field label={t('incidents.party')}>
            <select name="party">
              <Options options={[any, ...ps.map((p): [string, string] => [p.id, p.name])]} value={filters.party} />
            </select>
          </Field>
          <Field label={t('incidents.field.status')}>
            <select name="status">
              <Options options={[any, ...STATUSES.map((s): [string, string] => [s, humanize(s)])]} value={filters.status} />
            </select>
          </Field>
          <Field label={t('incidents.violation')}>
            <select name="violation">
              <Options options={[any, ...VIOLATIONS.map((s): [string, string] => [s, humanize(s)])]} value={filters.violation} />
            </select>
          </Field>
          <div class="actions">
            <button type="submit">{t('incidents.apply')}</button>
            <a href="/incidents" class="button secondary">
              {t('incidents.clear')}
            </a>
          </div>
        </form>
        <p class="count" role="status">
          {count}
        </p>
        <DataTable
          headers={columns()}
          rows={data.items.map((i) => [
            incidentLink(i.id),
            i.date,
            situationName(sits, i.situation),
            i.location?.name ?? '',
            i.violations.map(humanize).join(', '),
            perpetratorsText(i, names),
            <Badge status={i.status} />,
          ])}
          caption={t('incidents.title')}
          class="incidents"
          empty={none}
          rowKeys={data.items.map((i) => i.id)}
        />
        <nav class="pager" aria-label={t('incidents.pages')}>
          {offset > 0 ? (
            <a href={pageLink(Math.max(0, offset - PAGE))} class="button secondary" rel="prev">
              {t('incidents.previous')}
            </a>
          ) : null}
          {data.next_offset !== undefined ? (
            <a href={pageLink(data.next_offset)} class="button secondary" rel="next">
              {t('incidents.next')}
            </a>
          ) : null}
        </nav>
      </>
    );
  },
});

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

// What the evidence section lists: loading, the items, the server's lack
// of an evidence list, or why it could not be read.
type EvidenceList = { kind: 'loading' } | { kind: 'items'; items: Evidence[] } | { kind: 'unlisted' } | { kind: 'error'; message: string };

// The incident's evidence, read once the page is shown (and again after an
// item is added); monitors and analysts add items.
function EvidenceSection({ inc }: { inc: Incident }) {
  const [list, setList] = useState<EvidenceList>({ kind: 'loading' });
  const fileRef = useRef<HTMLInputElement>(null);
  const load = async () => {
    try {
      const r = await getOptional<{ items: Evidence[] }>(`/evidence${qs({ incident: inc.id })}`, '/evidence');
      setList(r ? { kind: 'items', items: r.items } : { kind: 'unlisted' });
    } catch (e) {
      setList({ kind: 'error', message: errorText(e) });
    }
  };
  useEffect(() => {
    void load();
  }, [inc.id]);
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    const fd = new FormData();
    fd.append('file', file);
    fd.append('incident', inc.id);
    fd.append('description', String(new FormData(form).get('description') ?? ''));
    try {
      const r = await call<Evidence>('POST', '/evidence', undefined, { form: fd });
      announce(t('incidents.evidence.added', { id: r.data.id, sha256: r.data.sha256 }), 'success');
      form.reset();
      await load();
    } catch (e) {
      announce(errorText(e), 'error');
    }
  };
  let shown: ComponentChildren;
  if (list.kind === 'loading') shown = <p>{t('incidents.loading')}</p>;
  else if (list.kind === 'unlisted') shown = <p>{t('incidents.evidence.unlisted')}</p>;
  else if (list.kind === 'error') shown = <p>{list.message}</p>;
  else
    shown = (
      <DataTable
        headers={evidenceColumns()}
        rows={list.items.map((e) => [
          e.id,
          <code class="hash">{e.sha256}</code>,
          t('incidents.evidence.bytes', { size: e.size }),
          e.description ?? '',
          <a href={`/api/v1/evidence/${enc(e.id)}/content`} download="">{t('incidents.evidence.downloadItem', { id: e.id })}</a>,
        ])}
        caption={t('incidents.evidence.caption')}
        empty={t('incidents.evidence.empty')}
        rowKeys={list.items.map((e) => e.id)}
      />
    );
  return (
    <Card id="ev-h" title={t('incidents.evidence.title')}>
      <div>{shown}</div>
      {hasRole('monitor', 'analyst') ? (
        <>
          <h3>{t('incidents.evidence.add')}</h3>
          <form class="inline-form" onSubmit={submit}>
            <Field label={t('incidents.evidence.file')}>
              <input type="file" name="file" required ref={fileRef} />
            </Field>
            <Field label={t('incidents.evidence.description')}>
              <input type="text" name="description" maxLength={500} />
            </Field>
            <button type="submit">{t('incidents.evidence.add')}</button>
          </form>
        </>
      ) : null}
    </Card>
  );
}

// The monitor's change of the consent scope (If-Match the incident as it
// is now).
function ConsentForm({ inc }: { inc: Incident }) {
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const consent = String(new FormData(ev.currentTarget as HTMLFormElement).get('consent') ?? '');
    try {
      const cur = await call<Incident>('GET', `/incidents/${enc(inc.id)}`);
      await call('PUT', `/incidents/${enc(inc.id)}/consent`, { consent }, { ifMatch: cur.etag });
      announce(t('incidents.consent.set', { consent: humanize(consent) }), 'success');
    } catch (e) {
      announce(errorText(e), 'error');
    }
  };
  return (
    <Card id="consent-h" title={t('incidents.field.consent')}>
      <form class="inline-form" onSubmit={submit}>
        <Field label={t('incidents.consent.scope')}>
          <select name="consent">
            <Options options={CONSENTS.map((c): [string, string] => [c, humanize(c)])} value={inc.consent} />
          </select>
        </Field>
        <button type="submit">{t('incidents.consent.change')}</button>
      </form>
    </Card>
  );
}

// The facts as a description list, leaving out those not given.
function Facts({ pairs }: { pairs: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="facts">
      {pairs
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => [<dt key={`t-${k}`}>{k}</dt>, <dd key={`d-${k}`}>{v}</dd>])}
    </dl>
  );
}

export const incidentDetail = definePage({
  load: async ({ route }) => {
    const [reply, sits, ps] = await Promise.all([call<Incident>('GET', `/incidents/${enc(route.id)}`), situations(), parties()]);
    const inc = reply.data;
    const canVerify = hasRole('reviewer') && inc.status !== 'verified' && (await mayVerify(inc.id));
    return { inc, sits, ps, canVerify };
  },
  View: ({ data: { inc, sits, ps, canVerify } }) => {
    const names = new Map(ps.map((p: Party) => [p.id, p.name]));
    const victims = inc.victims
      ? Object.entries(inc.victims)
          .map(([k, v]) => t('incidents.victimCount', { group: humanize(k), count: String(v) }))
          .join(', ')
      : undefined;
    const verifyIt = async () => {
      try {
        await verify(inc.id);
        flash(t('incidents.verified', { id: inc.id }));
        navigate(`/incidents/${enc(inc.id)}`, true);
      } catch (e) {
        announce(t('incidents.notVerified', { message: errorText(e) }), 'error');
      }
    };
    return (
      <>
        <p class="crumbs">
          <a href="/incidents">{t('incidents.title')}</a>
          {' / '}
          {inc.id}
        </p>
        <div class="title-row start">
          <h1>{t('incidents.incident', { id: inc.id })}</h1>
          <Badge status={inc.status} />
        </div>
        <div class="actions">
          {hasRole('monitor') ? (
            <a href={`/incidents/${enc(inc.id)}/edit`} class="button">
              {t('incidents.edit')}
            </a>
          ) : null}
          {canVerify ? (
            <button type="button" onClick={verifyIt}>
              {t('incidents.verify')}
            </button>
          ) : null}
        </div>
        <Card id="facts-h" title={t('incidents.facts')}>
          <Facts
            pairs={[
              [t('incidents.field.situation'), situationName(sits, inc.situation)],
              [t('incidents.field.date'), inc.date_precision && inc.date_precision !== 'day' ? t('incidents.dateWithin', { date: inc.date, precision: humanize(inc.date_precision) }) : inc.date],
              [t('incidents.field.location'), [inc.location?.name, inc.location?.admin1].filter(Boolean).join(', ')],
              [t('incidents.field.coordinates'), inc.location?.lat !== undefined ? `${inc.location.lat}, ${inc.location.lon}` : undefined],
              [t('incidents.field.violations'), inc.violations.map(humanize).join(', ')],
              [t('incidents.field.victims'), victims],
              [t('incidents.field.context'), inc.context ? humanize(inc.context) : undefined],
              [t('incidents.field.nexus'), inc.nexus?.map(humanize).join(', ')],
              [
                t('incidents.field.perpetrators'),
                <ul class="plain">
                  {inc.perpetrators.map((p, i) => (
                    <li key={i}>
                      <a href={`/parties/${enc(p.party)}`}>
                        <bdi>{names.get(p.party) ?? p.party}</bdi>
                      </a>
                      {` (${humanize(p.standard)})`}
                    </li>
                  ))}
                </ul>,
              ],
              [t('incidents.field.sources'), inc.sources?.join(', ')],
              [t('incidents.field.verifiedOn'), inc.verified_on],
              [t('incidents.field.consent'), inc.consent ? humanize(inc.consent) : undefined],
            ]}
          />
          {/* The API leaves the narrative out for a reader without
              confidential access; it is shown only when given. */}
          {typeof inc.narrative === 'string' ? (
            <>
              <h3>{t('incidents.narrative')}</h3>
              <p class="narrative">{inc.narrative}</p>
            </>
          ) : null}
        </Card>
        {hasRole('monitor') && inc.consent !== undefined ? <ConsentForm inc={inc} /> : null}
        {hasRole('monitor', 'analyst', 'reviewer', 'admin') ? <EvidenceSection inc={inc} /> : null}
      </>
    );
  },
});

export const reviewQueue = definePage({
  load: async () => {
    const [ps, sits] = await Promise.all([parties(), situations()]);
    const queue = await getOptional<{ items: Incident[] }>('/review-queue', '/review-queue');
    let items: Incident[];
    if (queue) {
      items = queue.items;
    } else {
      // Without the queue route: every incident not yet verified (the server
      // still refuses the ones this reviewer wrote).
      const all = await get<{ items: Incident[] }>(`/incidents${qs({ limit: 1000 })}`);
      items = all.items.filter((i) => i.status === 'reported' || i.status === 'under_verification');
    }
    return { ps, sits, items };
  },
  View: ({ data: { ps, sits, items } }) => {
    const names = useMemo(() => new Map(ps.map((p) => [p.id, p.name])), [ps]);
    // The status the server holds after each verification done here, and
    // the verifications under way.
    const [verified, setVerified] = useState<Record<string, string>>({});
    const [busy, setBusy] = useState<Record<string, boolean>>({});
    const verifyRow = async (id: string) => {
      setBusy((b) => ({ ...b, [id]: true }));
      try {
        const after = await verify(id);
        setVerified((v) => ({ ...v, [id]: after?.status ?? 'verified' }));
        announce(t('incidents.verified', { id }), 'success');
      } catch (e) {
        const msg = e instanceof ApiError && e.status === 403 ? t('incidents.review.forbidden', { id, message: errorText(e) }) : errorText(e);
        announce(msg, 'error');
      } finally {
        setBusy((b) => ({ ...b, [id]: false }));
      }
    };
    const rows = items.map((i) => [
      incidentLink(i.id),
      i.date,
      situationName(sits, i.situation),
      i.location?.name ?? '',
      i.violations.map(humanize).join(', '),
      perpetratorsText(i, names),
      // The row shows the status the server now holds.
      <span class="row-status">
        <Badge status={verified[i.id] ?? i.status} />
      </span>,
      verified[i.id] ? (
        <span class="muted">{t('incidents.review.done')}</span>
      ) : (
        <button type="button" aria-label={t('incidents.review.verifyItem', { id: i.id })} disabled={busy[i.id]} onClick={() => void verifyRow(i.id)}>
          {t('incidents.verify')}
        </button>
      ),
    ]);
    return (
      <>
        <h1>{t('incidents.review.title')}</h1>
        <p class="lead">{me()?.name ? t('incidents.review.lead', { name: me()!.name }) : t('incidents.review.leadYou')}</p>
        <DataTable
          headers={reviewColumns()}
          rows={rows}
          caption={t('incidents.review.caption')}
          class="incidents"
          empty={t('incidents.review.empty')}
          rowKeys={items.map((i) => i.id)}
        />
      </>
    );
  },
});

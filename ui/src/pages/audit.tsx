// Audit (admins): the log, filtered (principal, action, record, days), with
// refusals and failed logins marked and each change's fields before and
// after as the server disclosed them; the chain's verification; evidence
// custody.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, enc, get, qs } from '../api';
import { announce, errorText, navigate } from '../app';
import { Card } from '../components/common';
import { Field, useRefusals } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { plainMessage } from '../messages';
import { definePage } from '../page';

// One field's change, as the server discloses it: values only where the
// reader may see them, never a narrative's text.
interface Change {
  field: string;
  before?: unknown;
  after?: unknown;
}

type AuditRecord = Record<string, unknown> & {
  seq?: number;
  time?: string | number;
  time_ms?: number;
  principal?: string;
  action?: string;
  target?: string;
  collection?: string;
  target_id?: string;
  changes?: Change[] | null;
};

interface Log {
  items: AuditRecord[];
  next_after_seq?: number;
}

const PAGE = 50;
const FILTERS = ['principal', 'action', 'record', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
// The filters' labels, to name one the server refuses.
function filterLabels(): Record<string, string> {
  return {
    principal: t('audit.filter.principal'),
    action: t('audit.filter.action'),
    record: t('audit.filter.record'),
    from: t('audit.filter.from'),
    to: t('audit.filter.to'),
  };
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// A value of a change, readably: text as is, "(none)" for nothing.
function valueText(v: unknown): string {
  if (v === undefined || v === null || v === '') return t('audit.changes.noValue');
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

// The reasons of a failed login, in words.
const LOGIN_REASONS: Record<string, () => string> = {
  unknown_name: () => t('audit.loginReason.unknownName'),
  wrong_password: () => t('audit.loginReason.wrongPassword'),
  disabled: () => t('audit.loginReason.disabled'),
  locked_out: () => t('audit.loginReason.lockedOut'),
};

// The kind of record a row shows: refusals and failed logins are marked.
function Mark({ r }: { r: AuditRecord }) {
  if (r.action === 'refused') return <span class="badge badge-refused">{t('audit.mark.refused')}</span>;
  if (r.action === 'login.failed') return <span class="badge badge-login-failed">{t('audit.mark.failedLogin')}</span>;
  return null;
}

function ActionCell({ r }: { r: AuditRecord }) {
  const marked = r.action === 'refused' || r.action === 'login.failed';
  return (
    <span class="action">
      <Mark r={r} />
      {marked ? ' ' : null}
      {cell(r.action)}
    </span>
  );
}

function ChangesCell({ r }: { r: AuditRecord }) {
  if (r.action === 'refused') return <>{t('audit.changes.refused', { what: cell(r.collection).replace(/_/g, ' ') })}</>;
  if (r.action === 'login.failed') return <>{t('audit.changes.loginReason', { reason: LOGIN_REASONS[cell(r.target_id)]?.() ?? cell(r.target_id) })}</>;
  const changes = r.changes;
  if (!Array.isArray(changes)) return <span class="muted">{t('audit.changes.digestsOnly')}</span>;
  if (changes.length === 0) return <span class="muted">{t('audit.changes.none')}</span>;
  return (
    <ul class="changes">
      {changes.map((c, i) => {
        const withValues = 'before' in c || 'after' in c;
        return (
          <li key={i}>
            <strong>{c.field}</strong>
            {withValues
              ? t('audit.changes.values', { before: valueText(c.before), after: valueText(c.after) })
              : c.field === 'narrative'
                ? t('audit.changes.textHidden')
                : t('audit.changes.valuesHidden')}
          </li>
        );
      })}
    </ul>
  );
}

const SHOWN = new Set(['seq', 'time', 'time_ms', 'principal', 'action', 'target', 'collection', 'target_id', 'changes']);

// Digests are long; the first 12 hex digits identify one in a listing.
function short(v: unknown): string {
  const text = cell(v);
  return /^[0-9a-f]{32,}$/.test(text) ? `${text.slice(0, 12)}…` : text;
}

function RecordsTable({ items, caption, empty, withChanges }: { items: AuditRecord[]; caption: string; empty: string; withChanges: boolean }) {
  const when = (r: AuditRecord) => (typeof r.time_ms === 'number' ? new Date(r.time_ms).toISOString().replace('T', ' ').slice(0, 19) : cell(r.time));
  const target = (r: AuditRecord) => cell(r.target ?? [r.collection, r.target_id].filter((x) => x !== undefined && x !== '').join(' / '));
  const details = (r: AuditRecord) => (
    <code class="details">
      {Object.entries(r)
        .filter(([k, v]) => !SHOWN.has(k) && v !== '' && v !== null)
        .map(([k, v]) => `${k}=${short(v)}`)
        .join(' ')}
    </code>
  );
  const headers = [
    t('audit.column.seq'),
    t('audit.column.time'),
    t('audit.column.principal'),
    t('audit.column.action'),
    t('audit.column.target'),
    ...(withChanges ? [t('audit.column.changes')] : []),
    t('audit.column.details'),
  ];
  return (
    <DataTable
      headers={headers}
      rows={items.map((r) => [
        cell(r.seq),
        when(r),
        cell(r.principal),
        <ActionCell r={r} />,
        target(r),
        ...(withChanges ? [<ChangesCell r={r} />] : []),
        details(r),
      ])}
      caption={caption}
      empty={empty}
    />
  );
}

// The filters, as the page was loaded with them; a filter the server
// refused is marked beside its field.
function FilterForm({ filters, errors }: { filters: Filters; errors: Record<string, string> }) {
  // Only the server's refusal of a filter shows here, and the page is
  // loaded with it: the messages are the page's data.
  const refusals = { ...useRefusals(), errors };
  const submit = (ev: SubmitEvent) => {
    ev.preventDefault();
    const next: Record<string, string> = {};
    for (const [k, v] of new FormData(ev.currentTarget as HTMLFormElement).entries()) next[k] = String(v).trim();
    navigate(`/audit${qs(next)}`);
  };
  const input = (name: keyof Filters, type: string, maxLength?: number) => <input type={type} name={name} defaultValue={filters[name]} autocomplete="off" maxLength={maxLength} />;
  return (
    <form class="filters" role="search" aria-label={t('audit.filter.formLabel')} onSubmit={submit}>
      <Field label={t('audit.filter.principal')} pointer="principal" refusals={refusals} hint={t('audit.filter.principalHint')}>
        {input('principal', 'text', 1024)}
      </Field>
      <Field label={t('audit.filter.action')} pointer="action" refusals={refusals} hint={t('audit.filter.actionHint')}>
        {input('action', 'text', 1024)}
      </Field>
      <Field label={t('audit.filter.record')} pointer="record" refusals={refusals} hint={t('audit.filter.recordHint')}>
        {input('record', 'text', 1024)}
      </Field>
      <Field label={t('audit.filter.from')} pointer="from" refusals={refusals} hint={t('audit.filter.fromHint')}>
        {input('from', 'date')}
      </Field>
      <Field label={t('audit.filter.to')} pointer="to" refusals={refusals} hint={t('audit.filter.toHint')}>
        {input('to', 'date')}
      </Field>
      <div class="actions">
        <button type="submit">{t('audit.filter.apply')}</button>
        <a href="/audit" class="button secondary">
          {t('audit.filter.clear')}
        </a>
      </div>
    </form>
  );
}

type Custody = { id: string; items: AuditRecord[] } | { error: string } | null;

// The chain of custody of one evidence item, by its ID.
function CustodyLookup() {
  const [shown, setShown] = useState<Custody>(null);
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const id = String(new FormData(ev.currentTarget as HTMLFormElement).get('evidence') ?? '').trim();
    try {
      const r = await get<{ items: AuditRecord[] }>(`/evidence/${enc(id)}/custody`);
      setShown({ id, items: r.items });
    } catch (e) {
      setShown({ error: errorText(e) });
      announce(errorText(e), 'error');
    }
  };
  return (
    <>
      <form class="inline-form" onSubmit={submit}>
        <Field label={t('audit.custody.evidenceId')}>
          <input type="text" name="evidence" required autocomplete="off" />
        </Field>
        <button type="submit">{t('audit.custody.show')}</button>
      </form>
      <div aria-live="polite">
        {shown && 'error' in shown ? <p class="error">{shown.error}</p> : null}
        {shown && 'items' in shown ? (
          <RecordsTable items={shown.items} caption={t('audit.custody.caption', { id: shown.id })} empty={t('audit.custody.empty', { id: shown.id })} withChanges={false} />
        ) : null}
      </div>
    </>
  );
}

export default definePage({
  load: async ({ params }) => {
    const after = Number(params.get('after_seq') ?? 0) || 0;
    const filters = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters;
    const verification = await get<Record<string, unknown>>('/audit/verification');
    let log: Log = { items: [] };
    let failure: ApiError | null = null;
    try {
      log = await get<Log>(`/audit${qs({ ...filters, after_seq: after || undefined, limit: PAGE })}`);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 400) throw e;
      failure = e;
    }
    return { after, filters, verification, log, failure };
  },
  View: ({ data: { after, filters, verification, log, failure } }) => {
    const filtered = FILTERS.some((k) => filters[k] !== '');
    const ok = verification.ok === true || verification.valid === true || verification.status === 'ok';
    const items = log.items ?? [];
    const labels = filterLabels();
    const refusedFilter = failure?.field && labels[failure.field] ? failure.field : null;
    const errors: Record<string, string> = failure && refusedFilter ? { [refusedFilter]: plainMessage(failure.detail, labels[refusedFilter]) } : {};
    const refusals = items.filter((r) => r.action === 'refused').length;
    const failedLogins = items.filter((r) => r.action === 'login.failed').length;
    const empty = filtered ? t('audit.log.noMatch') : t('audit.log.empty');
    const summary = failure ? t('audit.filter.refused') : items.length === 0 ? empty : t('audit.shown', { count: items.length, refusals, failedLogins });
    useEffect(() => {
      if (failure) announce(refusedFilter ? t('audit.filter.refused') : errorText(failure), 'error');
      else if (filtered) announce(summary);
    }, []);
    return (
      <>
        <h1>{t('audit.title')}</h1>
        <Card id="ver-h" title={t('audit.verification.title')}>
          <p class={ok ? 'ok' : 'error'}>{ok ? t('audit.verification.ok') : t('audit.verification.failed')}</p>
          <dl class="facts">
            {Object.entries(verification).map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd>{cell(v)}</dd>
              </Fragment>
            ))}
          </dl>
        </Card>
        <Card id="log-h" title={t('audit.log.title')}>
          <FilterForm filters={filters} errors={errors} />
          <p class="count">{summary}</p>
          <RecordsTable items={items} caption={t('audit.log.caption')} empty={empty} withChanges />
          <nav class="pager" aria-label={t('audit.log.pages')}>
            {after > 0 ? (
              <a href={`/audit${qs({ ...filters })}`} class="button secondary">
                {t('audit.log.first')}
              </a>
            ) : null}
            {log.next_after_seq !== undefined ? (
              <button type="button" class="secondary" onClick={() => navigate(`/audit${qs({ ...filters, after_seq: log.next_after_seq })}`)}>
                {t('audit.log.next')}
              </button>
            ) : null}
          </nav>
        </Card>
        <Card id="cus-h" title={t('audit.custody.title')}>

          <CustodyLookup />
        </Card>
      </>
    );
  },
});

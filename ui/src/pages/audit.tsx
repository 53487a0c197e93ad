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
const FILTER_LABELS: Record<string, string> = { principal: 'Principal', action: 'Action', record: 'Record', from: 'From', to: 'To' };

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// A value of a change, readably: text as is, "(none)" for nothing.
function valueText(v: unknown): string {
  if (v === undefined || v === null || v === '') return '(none)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

const LOGIN_REASONS: Record<string, string> = {
  unknown_name: 'unknown name',
  wrong_password: 'wrong password',
  disabled: 'principal disabled',
  locked_out: 'locked out after repeated failures',
};

// The kind of record a row shows: refusals and failed logins are marked.
function Mark({ r }: { r: AuditRecord }) {
  if (r.action === 'refused') return <span class="badge badge-refused">Refused</span>;
  if (r.action === 'login.failed') return <span class="badge badge-login-failed">Failed login</span>;
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
  if (r.action === 'refused') return <>{`Refused: ${cell(r.collection).replace(/_/g, ' ')}`}</>;
  if (r.action === 'login.failed') return <>{`Reason: ${LOGIN_REASONS[cell(r.target_id)] ?? cell(r.target_id)}`}</>;
  const changes = r.changes;
  if (!Array.isArray(changes)) return <span class="muted">Kept as digests only</span>;
  if (changes.length === 0) return <span class="muted">No field changed</span>;
  return (
    <ul class="changes">
      {changes.map((c, i) => {
        const withValues = 'before' in c || 'after' in c;
        return (
          <li key={i}>
            <strong>{c.field}</strong>
            {withValues ? `: ${valueText(c.before)} → ${valueText(c.after)}` : c.field === 'narrative' ? ' changed (text not shown)' : ' changed (values not shown to you)'}
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
  const headers = ['Seq', 'Time (UTC)', 'Principal', 'Action', 'Target', ...(withChanges ? ['Before → after'] : []), 'Details'];
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
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit={submit}>
      <Field label="Principal" pointer="principal" refusals={refusals} hint={'Exact name; "(unknown)" for failed logins of names that do not exist.'}>
        {input('principal', 'text', 1024)}
      </Field>
      <Field label="Action" pointer="action" refusals={refusals} hint="Exact, or a prefix ending in a dot: incident. refused login.failed">
        {input('action', 'text', 1024)}
      </Field>
      <Field label="Record" pointer="record" refusals={refusals} hint="Part of the target id, such as I-12.">
        {input('record', 'text', 1024)}
      </Field>
      <Field label="From" pointer="from" refusals={refusals} hint="First day (UTC).">
        {input('from', 'date')}
      </Field>
      <Field label="To" pointer="to" refusals={refusals} hint="Last day (UTC), included.">
        {input('to', 'date')}
      </Field>
      <div class="actions">
        <button type="submit">Apply filters</button>
        <a href="/audit" class="button secondary">
          Clear
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
        <Field label="Evidence ID">
          <input type="text" name="evidence" required autocomplete="off" />
        </Field>
        <button type="submit">Show custody</button>
      </form>
      <div aria-live="polite">
        {shown && 'error' in shown ? <p class="error">{shown.error}</p> : null}
        {shown && 'items' in shown ? <RecordsTable items={shown.items} caption={`Custody of ${shown.id}`} empty={`No custody records for ${shown.id}.`} withChanges={false} /> : null}
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
    const refusedFilter = failure?.field && FILTER_LABELS[failure.field] ? failure.field : null;
    const errors: Record<string, string> = failure && refusedFilter ? { [refusedFilter]: plainMessage(failure.detail, FILTER_LABELS[refusedFilter]) } : {};
    const refusals = items.filter((r) => r.action === 'refused').length;
    const failedLogins = items.filter((r) => r.action === 'login.failed').length;
    const summary = failure
      ? 'The filters could not be applied; see the field marked.'
      : items.length === 0
        ? filtered
          ? 'No audit records match these filters.'
          : 'No audit records.'
        : t('audit.shown', { count: items.length, refusals, failedLogins });
    useEffect(() => {
      if (failure) announce(refusedFilter ? 'The filters could not be applied; see the field marked.' : errorText(failure), 'error');
      else if (filtered) announce(summary);
    }, []);
    return (
      <>
        <h1>Audit</h1>
        <Card id="ver-h" title="Verification of the audit chain">
          <p class={ok ? 'ok' : 'error'}>{ok ? 'The chain verifies: no record was changed or removed.' : 'The chain does NOT verify.'}</p>
          <dl class="facts">
            {Object.entries(verification).map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd>{cell(v)}</dd>
              </Fragment>
            ))}
          </dl>
        </Card>
        <Card id="log-h" title="Log">
          <FilterForm filters={filters} errors={errors} />
          <p class="count">{summary}</p>
          <RecordsTable items={items} caption="Audit log" empty={filtered ? 'No audit records match these filters.' : 'No audit records.'} withChanges />
          <nav class="pager" aria-label="Audit pages">
            {after > 0 ? (
              <a href={`/audit${qs({ ...filters })}`} class="button secondary">
                First
              </a>
            ) : null}
            {log.next_after_seq !== undefined ? (
              <button type="button" class="secondary" onClick={() => navigate(`/audit${qs({ ...filters, after_seq: log.next_after_seq })}`)}>
                Next
              </button>
            ) : null}
          </nav>
        </Card>
        <Card id="cus-h" title="Evidence custody">
          <CustodyLookup />
        </Card>
      </>
    );
  },
});

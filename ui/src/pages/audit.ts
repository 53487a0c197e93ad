// Audit (admins): the log, filtered (principal, action, record, days), with
// refusals and failed logins marked and each change's fields before and
// after as the server disclosed them; the chain's verification; evidence
// custody.
import { ApiError, enc, get, qs } from '../api';
import { announce, errorText, navigate } from '../app';
import { field, h, table } from '../dom';
import { plainMessage } from '../messages';

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

const PAGE = 50;
const FILTERS = ['principal', 'action', 'record', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

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
function mark(r: AuditRecord): HTMLElement | null {
  if (r.action === 'refused') return h('span', { class: 'badge badge-refused' }, 'Refused');
  if (r.action === 'login.failed') return h('span', { class: 'badge badge-login-failed' }, 'Failed login');
  return null;
}

function actionCell(r: AuditRecord): HTMLElement {
  const m = mark(r);
  return h('span', { class: 'action' }, m, m ? ' ' : null, cell(r.action));
}

function changesCell(r: AuditRecord): HTMLElement | string {
  if (r.action === 'refused') return `Refused: ${cell(r.collection).replace(/_/g, ' ')}`;
  if (r.action === 'login.failed') return `Reason: ${LOGIN_REASONS[cell(r.target_id)] ?? cell(r.target_id)}`;
  const changes = r.changes;
  if (!Array.isArray(changes)) return h('span', { class: 'muted' }, 'Kept as digests only');
  if (changes.length === 0) return h('span', { class: 'muted' }, 'No field changed');
  return h(
    'ul',
    { class: 'changes' },
    changes.map((c) => {
      const withValues = 'before' in c || 'after' in c;
      return h(
        'li',
        null,
        h('strong', null, c.field),
        withValues ? `: ${valueText(c.before)} → ${valueText(c.after)}` : c.field === 'narrative' ? ' changed (text not shown)' : ' changed (values not shown to you)',
      );
    }),
  );
}

function recordsTable(items: AuditRecord[], caption: string, empty: string, withChanges: boolean): HTMLElement {
  const shown = new Set(['seq', 'time', 'time_ms', 'principal', 'action', 'target', 'collection', 'target_id', 'changes']);
  const when = (r: AuditRecord) => (typeof r.time_ms === 'number' ? new Date(r.time_ms).toISOString().replace('T', ' ').slice(0, 19) : cell(r.time));
  const target = (r: AuditRecord) => cell(r.target ?? [r.collection, r.target_id].filter((x) => x !== undefined && x !== '').join(' / '));
  // Digests are long; the first 12 hex digits identify one in a listing.
  const short = (v: unknown) => {
    const t = cell(v);
    return /^[0-9a-f]{32,}$/.test(t) ? `${t.slice(0, 12)}…` : t;
  };
  const details = (r: AuditRecord) =>
    h(
      'code',
      { class: 'details' },
      Object.entries(r)
        .filter(([k, v]) => !shown.has(k) && v !== '' && v !== null)
        .map(([k, v]) => `${k}=${short(v)}`)
        .join(' '),
    );
  const headers = ['Seq', 'Time (UTC)', 'Principal', 'Action', 'Target', ...(withChanges ? ['Before → after'] : []), 'Details'];
  return table(
    headers,
    items.map((r) => [
      cell(r.seq),
      when(r),
      cell(r.principal),
      actionCell(r),
      target(r),
      ...(withChanges ? [changesCell(r)] : []),
      details(r),
    ]),
    caption,
    undefined,
    { empty },
  );
}

function filterForm(filters: Filters): HTMLFormElement {
  const input = (name: keyof Filters, type: string, attrs: Record<string, string> = {}) =>
    h('input', { type, name, value: filters[name], autocomplete: 'off', 'data-pointer': name, ...attrs });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log' },
    field('Principal', input('principal', 'text', { maxlength: '1024' }), 'Exact name; "(unknown)" for failed logins of names that do not exist.'),
    field('Action', input('action', 'text', { maxlength: '1024' }), 'Exact, or a prefix ending in a dot: incident. refused login.failed'),
    field('Record', input('record', 'text', { maxlength: '1024' }), 'Part of the target id, such as I-12.'),
    field('From', input('from', 'date'), 'First day (UTC).'),
    field('To', input('to', 'date'), 'Last day (UTC), included.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply filters'), h('a', { href: '/audit', class: 'button secondary' }, 'Clear')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const next: Record<string, string> = {};
    for (const [k, v] of fd.entries()) next[k] = String(v).trim();
    navigate(`/audit${qs(next)}`);
  });
  return form;
}

// Puts the API's complaint about a filter beside its field.
function showFieldError(form: HTMLFormElement, e: unknown): boolean {
  if (!(e instanceof ApiError) || !e.field) return false;
  const control = form.querySelector<HTMLInputElement>(`[data-pointer="${e.field}"]`);
  const holder = control?.closest('.field');
  const p = holder?.querySelector<HTMLElement>('.field-error');
  if (!control || !p) return false;
  const label = holder?.querySelector('label')?.textContent ?? e.field;
  p.textContent = plainMessage(e.detail, label);
  p.hidden = false;
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), p.id].filter(Boolean).join(' '));
  return true;
}

export default async function audit(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const after = Number(params.get('after_seq') ?? 0) || 0;
  const filters = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters;
  const filtered = FILTERS.some((k) => filters[k] !== '');
  const form = filterForm(filters);
  const verification = await get<Record<string, unknown>>('/audit/verification');
  let log: { items: AuditRecord[]; next_after_seq?: number } = { items: [] };
  let failure: unknown = null;
  try {
    log = await get<{ items: AuditRecord[]; next_after_seq?: number }>(`/audit${qs({ ...filters, after_seq: after || undefined, limit: PAGE })}`);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 400) throw e;
    failure = e;
  }
  const ok = verification.ok === true || verification.valid === true || verification.status === 'ok';
  const items = log.items ?? [];
  const evId = h('input', { type: 'text', name: 'evidence', required: true, autocomplete: 'off' });
  const custodyOut = h('div', { 'aria-live': 'polite' });
  const custodyForm = h('form', { class: 'inline-form' }, field('Evidence ID', evId), h('button', { type: 'submit' }, 'Show custody'));
  custodyForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await get<{ items: AuditRecord[] }>(`/evidence/${enc(evId.value.trim())}/custody`);
      custodyOut.replaceChildren(recordsTable(r.items, `Custody of ${evId.value.trim()}`, `No custody records for ${evId.value.trim()}.`, false));
    } catch (e) {
      custodyOut.replaceChildren(h('p', { class: 'error' }, errorText(e)));
      announce(errorText(e), 'error');
    }
  });
  const refusals = items.filter((r) => r.action === 'refused').length;
  const failedLogins = items.filter((r) => r.action === 'login.failed').length;
  const summary = failure
    ? 'The filters could not be applied; see the field marked.'
    : items.length === 0
      ? filtered
        ? 'No audit records match these filters.'
        : 'No audit records.'
      : `${items.length} record${items.length === 1 ? '' : 's'} shown` +
        (refusals ? `, ${refusals} refused action${refusals === 1 ? '' : 's'}` : '') +
        (failedLogins ? `, ${failedLogins} failed login${failedLogins === 1 ? '' : 's'}` : '') +
        '.';
  main.append(
    h('h1', null, 'Audit'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'ver-h' },
      h('h2', { id: 'ver-h' }, 'Verification of the audit chain'),
      h('p', { class: ok ? 'ok' : 'error' }, ok ? 'The chain verifies: no record was changed or removed.' : 'The chain does NOT verify.'),
      h('dl', { class: 'facts' }, Object.entries(verification).map(([k, v]) => [h('dt', null, k), h('dd', null, cell(v))])),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'log-h' },
      h('h2', { id: 'log-h' }, 'Log'),
      form,
      h('p', { class: 'count' }, summary),
      recordsTable(items, 'Audit log', filtered ? 'No audit records match these filters.' : 'No audit records.', true),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Audit pages' },
        after > 0 ? h('a', { href: `/audit${qs({ ...filters })}`, class: 'button secondary' }, 'First') : null,
        log.next_after_seq !== undefined ? h('button', { type: 'button', class: 'secondary', onclick: () => navigate(`/audit${qs({ ...filters, after_seq: log.next_after_seq })}`) }, 'Next') : null,
      ),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'cus-h' }, h('h2', { id: 'cus-h' }, 'Evidence custody'), custodyForm, custodyOut),
  );
  if (failure) {
    if (!showFieldError(form, failure)) announce(errorText(failure), 'error');
    else announce('The filters could not be applied; see the field marked.', 'error');
  } else if (filtered) {
    announce(summary);
  }
}

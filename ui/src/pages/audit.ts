// Audit (admins): the log, its verification result, evidence custody.
import { enc, get, qs } from '../api';
import { announce, errorText, navigate } from '../app';
import { field, h, table } from '../dom';

type AuditRecord = Record<string, unknown> & { seq?: number; time?: string | number; time_ms?: number; principal?: string; action?: string; target?: string; collection?: string; target_id?: string };

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function recordsTable(items: AuditRecord[], caption: string, empty: string): HTMLElement {
  const shown = new Set(['seq', 'time', 'time_ms', 'principal', 'action', 'target', 'collection', 'target_id']);
  const when = (r: AuditRecord) => (typeof r.time_ms === 'number' ? new Date(r.time_ms).toISOString().replace('T', ' ').slice(0, 19) : cell(r.time));
  const target = (r: AuditRecord) => cell(r.target ?? [r.collection, r.target_id].filter((x) => x !== undefined && x !== '').join(' / '));
  // Digests are long; the first 12 hex digits identify one in a listing.
  const short = (v: unknown) => {
    const t = cell(v);
    return /^[0-9a-f]{32,}$/.test(t) ? `${t.slice(0, 12)}…` : t;
  };
  return table(
    ['Seq', 'Time (UTC)', 'Principal', 'Action', 'Target', 'Details'],
    items.map((r) => [
      cell(r.seq),
      when(r),
      cell(r.principal),
      cell(r.action),
      target(r),
      h(
        'code',
        { class: 'details' },
        Object.entries(r)
          .filter(([k, v]) => !shown.has(k) && v !== '' && v !== null)
          .map(([k, v]) => `${k}=${short(v)}`)
          .join(' '),
      ),
    ]),
    caption,
    undefined,
    { empty },
  );
}

export default async function audit(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const after = Number(params.get('after_seq') ?? 0) || 0;
  const [verification, log] = await Promise.all([
    get<Record<string, unknown>>('/audit/verification'),
    get<{ items: AuditRecord[]; next_after_seq?: number }>(`/audit${qs({ after_seq: after || undefined, limit: 50 })}`),
  ]);
  const ok = verification.ok === true || verification.valid === true || verification.status === 'ok';
  const items = log.items ?? [];
  const lastSeq = items.length ? Number(items[items.length - 1].seq ?? after + items.length) : after;
  const evId = h('input', { type: 'text', name: 'evidence', required: true, autocomplete: 'off' });
  const custodyOut = h('div', { 'aria-live': 'polite' });
  const custodyForm = h('form', { class: 'inline-form' }, field('Evidence ID', evId), h('button', { type: 'submit' }, 'Show custody'));
  custodyForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await get<{ items: AuditRecord[] }>(`/evidence/${enc(evId.value.trim())}/custody`);
      custodyOut.replaceChildren(recordsTable(r.items, `Custody of ${evId.value.trim()}`, `No custody records for ${evId.value.trim()}.`));
    } catch (e) {
      custodyOut.replaceChildren(h('p', { class: 'error' }, errorText(e)));
      announce(errorText(e), 'error');
    }
  });
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
      recordsTable(items, 'Audit log', 'No audit records.'),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Audit pages' },
        after > 0 ? h('a', { href: '/audit', class: 'button secondary' }, 'First') : null,
        items.length === 50 ? h('button', { type: 'button', class: 'secondary', onclick: () => navigate(`/audit${qs({ after_seq: lastSeq })}`) }, 'Next') : null,
      ),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'cus-h' }, h('h2', { id: 'cus-h' }, 'Evidence custody'), custodyForm, custodyOut),
  );
}

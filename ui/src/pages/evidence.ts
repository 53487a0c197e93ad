// Evidence: the items the principal may view (GET /evidence), an upload to
// an incident (POST /evidence, multipart), and one item's page with its
// chain of custody (GET /evidence/{id}/custody, itself recorded there) and
// its verification (POST /evidence/{id}/verification): a reviewer other
// than the person who received the file confirms that the stored file
// still matches the SHA-256 taken at intake (four eyes).
import { call, enc, get, qs } from '../api';
import { flash, link, navigate } from '../app';
import { field, h, table } from '../dom';
import { clearErrors, setError, showError, when } from '../form_fields';
import { hasRole, me } from '../session';

interface EvidenceItem {
  id: string;
  sha256: string;
  size: number;
  media_type?: string;
  incident?: string;
  source?: string;
  description?: string;
}
interface CustodyRecord {
  seq: number;
  time_ms: number;
  principal: string;
  action: string;
  before_digest: string;
  after_digest: string;
}
interface Check {
  id: string;
  intact: boolean;
  problem?: string;
  verified_by: string;
  verified_at: string;
}

const ACTION_WORDS: Record<string, string> = {
  'evidence.add': 'Received',
  'evidence.export': 'Downloaded',
  'evidence.view': 'Viewed',
  'evidence.custody': 'Custody read',
  'evidence.verify': 'Verified',
};

function custodyWords(r: CustodyRecord): string {
  if (r.action === 'evidence.verify') return r.after_digest ? 'Verified: the stored file matches' : 'Verified: the stored file does NOT match';
  return ACTION_WORDS[r.action] ?? r.action;
}

function timeOf(ms: number): string {
  return when(new Date(ms).toISOString());
}

function uploadForm(incident: string): HTMLElement {
  const inc = h('input', { type: 'text', name: 'incident', required: true, autocomplete: 'off', spellcheck: 'false', value: incident, 'data-pointer': 'incident' });
  const file = h('input', { type: 'file', name: 'file', required: true, 'data-pointer': 'file' });
  const desc = h('input', { type: 'text', name: 'description', maxlength: '4096', 'data-pointer': 'description' });
  const form = h(
    'form',
    { novalidate: true },
    h('div', { class: 'grid-form' }, field('Incident ID', inc, 'Such as I-2025-001.'), field('File', file), field('Description', desc, 'What the file shows; no names of survivors.')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Upload evidence')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!inc.value.trim()) return setError(inc, 'Incident ID: enter the incident this file documents.');
    if (!file.files?.length) return setError(file, 'File: choose the file to upload.');
    const fd = new FormData();
    fd.append('file', file.files[0]);
    fd.append('incident', inc.value.trim());
    fd.append('description', desc.value);
    try {
      const r = await call<EvidenceItem>('POST', '/evidence', undefined, { form: fd });
      flash(`Evidence ${r.data.id} received; SHA-256 ${r.data.sha256}. Another reviewer must verify it.`);
      navigate(`/evidence/${enc(r.data.id)}`);
    } catch (e) {
      showError(form, e, 'Not uploaded');
    }
  });
  return form;
}

export async function evidenceList(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const incident = params.get('incident') ?? '';
  const r = await get<{ items: EvidenceItem[] }>(`/evidence${qs({ incident: incident || undefined })}`);
  main.append(
    h('h1', null, 'Evidence'),
    h('p', null, 'Files attached to incidents, stored encrypted. Every receipt, download and verification is recorded in the item’s chain of custody.'),
    h(
      'section',
      { 'aria-labelledby': 'items-h' },
      h('h2', { id: 'items-h' }, incident ? `Evidence of ${incident}` : 'Evidence you may view'),
      incident ? h('p', null, link('/evidence', 'Show all evidence')) : null,
      table(
        ['Item', 'Incident', 'Description', 'Type', 'Size', 'SHA-256'],
        r.items.map((e) => [link(`/evidence/${enc(e.id)}`, e.id), e.incident ? link(`/incidents/${enc(e.incident)}`, e.incident) : e.source ?? '', e.description ?? '', e.media_type ?? '', `${e.size} bytes`, h('code', { class: 'hash' }, e.sha256)]),
        'Evidence items',
        undefined,
        { empty: 'No evidence that you may view.' },
      ),
    ),
  );
  if (hasRole('monitor', 'analyst', 'admin')) {
    main.append(h('section', { class: 'card', 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, 'Upload evidence'), uploadForm(incident)));
  }
}

export async function evidenceItem(main: HTMLElement, _p: URLSearchParams, [id]: string[]): Promise<void> {
  const [list, custody] = await Promise.all([get<{ items: EvidenceItem[] }>('/evidence'), get<{ items: CustodyRecord[] }>(`/evidence/${enc(id)}/custody`)]);
  const item = list.items.find((e) => e.id === id);
  if (!item) {
    main.append(h('h1', null, 'Evidence'), h('p', null, `There is no evidence item ${id} that you may view.`), h('p', null, link('/evidence', 'Back to evidence')));
    return;
  }
  const receivers = new Set(custody.items.filter((r) => r.action === 'evidence.add').map((r) => r.principal));
  const lastCheck = [...custody.items].reverse().find((r) => r.action === 'evidence.verify');
  const status = lastCheck ? `${lastCheck.after_digest ? 'Verified' : 'Failed verification'} by ${lastCheck.principal}, ${timeOf(lastCheck.time_ms)}` : 'Not verified yet';
  const verifySection = h('section', { class: 'card', 'aria-labelledby': 'ver-h' }, h('h2', { id: 'ver-h' }, 'Verification'), h('p', null, status));
  const who = me()?.name ?? '';
  if (hasRole('reviewer')) {
    if (receivers.has(who)) {
      verifySection.append(h('p', { class: 'note' }, 'You received this file, so another reviewer must verify it (four-eyes rule).'));
    } else {
      const form = h('form', { novalidate: true, 'aria-label': `Verify ${id}` }, h('p', null, 'Checks that the stored file still decrypts and matches the SHA-256 recorded when it was received. The check is recorded in the chain of custody.'), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Verify the stored file')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(form);
        try {
          const r = await call<Check>('POST', `/evidence/${enc(id)}/verification`, {});
          flash(r.data.intact ? `${id} verified: the stored file matches its SHA-256.` : `${id} failed verification: ${r.data.problem ?? 'the stored file does not match'}.`, r.data.intact ? 'success' : 'error');
          navigate(`/evidence/${enc(id)}`, true);
        } catch (e) {
          showError(form, e, 'Not verified');
        }
      });
      verifySection.append(form);
    }
  }
  main.append(
    h('h1', null, `Evidence ${id}`),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'item-h' },
      h('h2', { id: 'item-h' }, 'The item'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Incident'),
        h('dd', null, item.incident ? link(`/incidents/${enc(item.incident)}`, item.incident) : item.source ?? ''),
        h('dt', null, 'Description'),
        h('dd', null, item.description ?? ''),
        h('dt', null, 'Type'),
        h('dd', null, item.media_type ?? ''),
        h('dt', null, 'Size'),
        h('dd', null, `${item.size} bytes`),
        h('dt', null, 'SHA-256'),
        h('dd', null, h('code', { class: 'hash' }, item.sha256)),
      ),
      h('p', null, h('a', { href: `/api/v1/evidence/${enc(id)}/content`, download: '' }, `Download ${id}`), ' (recorded in the chain of custody)'),
    ),
    verifySection,
    h(
      'section',
      { 'aria-labelledby': 'cus-h' },
      h('h2', { id: 'cus-h' }, 'Chain of custody'),
      table(
        ['#', 'When', 'Who', 'What'],
        custody.items.map((r) => [String(r.seq), timeOf(r.time_ms), r.principal, custodyWords(r)]),
        `Chain of custody of ${id}`,
        undefined,
        { empty: 'No custody record.' },
      ),
    ),
  );
}

// Import: upload a file, follow its progress (GET /imports/{id}), see what
// was inserted and the rejected records with their reasons (and download
// them as CSV); a failed import says why. The recent imports are listed
// again when an import ends.
import { call, get, getOptional } from '../api';
import { announce, errorText, resetCaches } from '../app';
import { field, h, humanize, select, table } from '../dom';
import { placeName, plainMessage, splitPrefix } from '../messages';
import { IMPORT_FORMATS } from '../vocab';

interface ImportJob {
  id: string;
  state: 'running' | 'done' | 'failed';
  bytes_done: number;
  bytes_total: number;
  file?: string;
  format?: string;
  error?: { detail: string; field?: string };
  report?: { inserted?: Record<string, number>; updated?: Record<string, number>; rejected?: number; notes?: string[] };
  // From the server's rejects file: a bundle's have the record's pointer, a
  // CSV's the original columns (their `line` is the rejects file's, not the
  // upload's: the upload's line starts the reason, "line N: ...").
  rejects?: Array<{ record: unknown; reason: string; pointer?: string; line?: number }>;
}

type Reject = NonNullable<ImportJob['rejects']>[number];

interface RejectView {
  where: string; // "line 4" or "incident 2"
  id: string; // the record's id, when it has one
  reason: string; // in words
}

// One reject as people read it: where it was in the upload, which record,
// and why, with no JSON pointer.
function rejectView(r: Reject): RejectView {
  const { where, message } = splitPrefix(r.reason);
  const line = where.find((w) => /^line \d+$/.test(w));
  const rest = where.filter((w) => w !== line).map((w) => (r.pointer && w.startsWith(`${r.pointer}/`) ? w.slice(r.pointer.length) : w === r.pointer ? '' : w));
  const reason = plainMessage(message, rest.filter(Boolean).map(placeName).join(', ') || undefined);
  const record = r.record && typeof r.record === 'object' ? (r.record as Record<string, unknown>) : null;
  const id = record && typeof record.id === 'string' ? record.id : '';
  return { where: line ?? (r.pointer ? placeName(r.pointer) : ''), id, reason };
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// The rejects as CSV: for a CSV upload its own columns then where and why;
// otherwise where, the record's id, why, and the record as JSON.
export function rejectsCsv(rejects: Reject[]): string {
  const views = rejects.map(rejectView);
  const flat = rejects.every((r) => r.record && typeof r.record === 'object' && !r.pointer && Object.values(r.record as object).every((v) => typeof v === 'string'));
  let rows: string[][];
  if (flat && rejects.length) {
    const cols: string[] = [];
    for (const r of rejects) for (const k of Object.keys(r.record as object)) if (!cols.includes(k)) cols.push(k);
    rows = [[...cols, 'reject_where', 'reject_reason'], ...rejects.map((r, i) => [...cols.map((c) => String((r.record as Record<string, string>)[c] ?? '')), views[i].where, views[i].reason])];
  } else {
    rows = [['where', 'id', 'reason', 'record'], ...rejects.map((r, i) => [views[i].where, views[i].id, views[i].reason, typeof r.record === 'string' ? r.record : JSON.stringify(r.record)])];
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function rejectsSection(job: ImportJob): HTMLElement {
  const rejects = job.rejects ?? [];
  const total = job.report?.rejected ?? rejects.length;
  const url = URL.createObjectURL(new Blob([rejectsCsv(rejects)], { type: 'text/csv' }));
  const base = (job.file ?? job.id).replace(/\.[^.]*$/, '');
  return h(
    'div',
    { class: 'rejects' },
    table(['Where', 'Record', 'Reason'], rejects.map(rejectView).map((v) => [v.where, v.id, v.reason]), 'Rejected records'),
    total > rejects.length ? h('p', { class: 'hint' }, `The first ${rejects.length} of ${total} rejected records are listed here and in the download.`) : null,
    h('p', null, h('a', { href: url, download: `${base}.rejects.csv`, class: 'button secondary' }, 'Download the rejected records (CSV)')),
  );
}

function counts(r: Record<string, number> | undefined): string {
  if (!r) return '';
  return Object.entries(r)
    .filter(([, n]) => n)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}

// Why an import failed, in words (without the file name the message
// starts with: the page names the file).
function failure(job: ImportJob): string {
  let detail = job.error?.detail ?? '';
  if (job.file && detail.startsWith(`${job.file}: `)) detail = detail.slice(job.file.length + 2);
  return detail ? plainMessage(detail) : 'The server gave no reason.';
}

function jobView(job: ImportJob): HTMLElement {
  const name = `${job.file ?? job.id}${job.format ? ` (${job.format})` : ''}`;
  if (job.state === 'failed') {
    // No progress figure: the import stopped, and nothing of it was kept.
    return h('div', { class: 'job' }, h('p', { class: 'error' }, `The import of ${name} failed: ${failure(job)}`), h('p', null, 'Nothing was imported. Correct the file and import it again.'));
  }
  const pct = job.bytes_total ? Math.round((100 * job.bytes_done) / job.bytes_total) : job.state === 'done' ? 100 : 0;
  return h(
    'div',
    { class: 'job' },
    h('p', null, `${name}: ${job.state === 'done' ? 'done' : 'importing'}`),
    h('label', { for: `prog-${job.id}` }, 'Progress'),
    h('progress', { id: `prog-${job.id}`, max: '100', value: String(pct) }, `${pct}%`),
    h('span', { class: 'muted' }, ` ${pct}% (${job.bytes_done} of ${job.bytes_total} bytes)`),
    job.report
      ? h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Inserted'),
          h('dd', null, counts(job.report.inserted) || 'nothing'),
          h('dt', null, 'Updated'),
          h('dd', null, counts(job.report.updated) || 'nothing'),
          h('dt', null, 'Rejected'),
          h('dd', null, String(job.report.rejected ?? job.rejects?.length ?? 0)),
        )
      : null,
    job.report?.notes?.length ? h('ul', null, job.report.notes.map((n) => h('li', null, n))) : null,
    job.rejects?.length ? rejectsSection(job) : null,
  );
}

export default async function importPage(main: HTMLElement): Promise<void> {
  const file = h('input', { type: 'file', name: 'file', required: true, accept: '.json,.csv,.txt' });
  const format = select('format', [['', 'Detect from the file'], ...IMPORT_FORMATS.map((f): [string, string] => [f, f])], '');
  const skip = h('input', { type: 'checkbox', name: 'skip_invalid', id: 'skip-invalid' });
  const out = h('div', { class: 'card', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'import-form' },
    field('File to import', file),
    field('Format', format),
    h('div', { class: 'check' }, skip, h('label', { for: 'skip-invalid' }, 'Skip invalid records (import the rest and list the rejected ones)')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Import')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files?.length) {
      announce('Choose a file first.', 'error');
      file.focus();
      return;
    }
    const fd = new FormData();
    fd.append('file', file.files[0]);
    if (format.value) fd.append('format', format.value);
    fd.append('skip_invalid', skip.checked ? 'true' : 'false');
    try {
      const r = await call<ImportJob>('POST', '/imports', undefined, { form: fd });
      announce('Import started.');
      let job = r.data;
      for (;;) {
        out.replaceChildren(jobView(job));
        if (job.state !== 'running') break;
        await new Promise((res) => setTimeout(res, 400));
        job = await get<ImportJob>(`/imports/${encodeURIComponent(r.data.id)}`);
      }
      resetCaches();
      announce(job.state === 'done' ? 'Import finished.' : `Import failed: ${failure(job)}`, job.state === 'done' ? 'success' : 'error');
      await loadRecent();
    } catch (e) {
      announce(`Import refused: ${errorText(e)}`, 'error');
    }
  });
  const recentBody = h('div', null);
  const loadRecent = async () => {
    const recent = await getOptional<{ items: ImportJob[] }>('/imports', '/imports');
    recentBody.replaceChildren(
      recent
        ? table(['Import', 'File', 'Format', 'State', 'Inserted', 'Rejected'], recent.items.map((j) => [j.id, j.file ?? '', j.format ?? '', humanize(j.state), counts(j.report?.inserted), String(j.report?.rejected ?? '')]), 'Recent imports', undefined, { empty: 'No imports yet.' })
        : h('p', null, 'This server keeps no list of imports.'),
    );
  };
  await loadRecent();
  main.append(
    h('h1', null, 'Import'),
    h('p', { class: 'lead' }, 'Bundles and the supported external formats; see the importers guide for each one.'),
    h('section', { class: 'card', 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, 'Upload'), form),
    out,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'rec-h' },
      h('h2', { id: 'rec-h' }, 'Recent imports'),
      recentBody,
    ),
  );
}

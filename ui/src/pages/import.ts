// Import: upload a file, follow its progress (GET /imports/{id}), see what
// was inserted and the rejected records with their reasons.
import { call, get, getOptional } from '../api';
import { announce, errorText, resetCaches } from '../app';
import { field, h, humanize, select, table } from '../dom';
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
  rejects?: Array<{ record: unknown; reason: string; pointer?: string; line?: number }>;
}

function counts(r: Record<string, number> | undefined): string {
  if (!r) return '';
  return Object.entries(r)
    .filter(([, n]) => n)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}

function jobView(job: ImportJob): HTMLElement {
  const pct = job.bytes_total ? Math.round((100 * job.bytes_done) / job.bytes_total) : job.state === 'done' ? 100 : 0;
  return h(
    'div',
    { class: 'job' },
    h('p', null, `${job.file ?? job.id}${job.format ? ` (${job.format})` : ''}: ${job.state}`),
    h('label', { for: `prog-${job.id}` }, 'Progress'),
    h('progress', { id: `prog-${job.id}`, max: '100', value: String(pct) }, `${pct}%`),
    h('span', { class: 'muted' }, ` ${pct}% (${job.bytes_done} of ${job.bytes_total} bytes)`),
    job.error ? h('p', { class: 'error' }, `Failed: ${job.error.detail}${job.error.field ? ` (at ${job.error.field})` : ''}`) : null,
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
    job.rejects?.length ? table(['Where', 'Reason', 'Record'], job.rejects.map((r) => [r.pointer ?? (r.line !== undefined ? `line ${r.line}` : ''), r.reason, h('code', { class: 'details' }, typeof r.record === 'string' ? r.record : JSON.stringify(r.record))]), 'Rejected records') : null,
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
      announce(job.state === 'done' ? 'Import finished.' : `Import failed: ${job.error?.detail ?? ''}`, job.state === 'done' ? 'success' : 'error');
    } catch (e) {
      announce(`Import refused: ${errorText(e)}`, 'error');
    }
  });
  const recent = await getOptional<{ items: ImportJob[] }>('/imports', '/imports');
  main.append(
    h('h1', null, 'Import'),
    h('p', { class: 'lead' }, 'Bundles and the supported external formats; see the importers guide for each one.'),
    h('section', { class: 'card', 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, 'Upload'), form),
    out,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'rec-h' },
      h('h2', { id: 'rec-h' }, 'Recent imports'),
      recent ? table(['Import', 'File', 'Format', 'State', 'Inserted', 'Rejected'], recent.items.map((j) => [j.id, j.file ?? '', j.format ?? '', humanize(j.state), counts(j.report?.inserted), String(j.report?.rejected ?? '')]), 'Recent imports') : h('p', null, 'This server keeps no list of imports.'),
    ),
  );
}

// Import: upload a file, follow its progress (GET /imports/{id}), see what
// was inserted and the rejected records with their reasons (and download
// them as CSV); a failed import says why. The recent imports are listed
// again when an import ends.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { call, get, getOptional } from '../api';
import { announce, errorText, resetCaches } from '../app';
import { humanize, Options } from '../components/common';
import { Field } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { placeName, plainMessage, splitPrefix } from '../messages';
import { definePage } from '../page';
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
  return { where: line ? placeName(line) : r.pointer ? placeName(r.pointer) : '', id, reason };
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

function Rejects({ job }: { job: ImportJob }) {
  const rejects = job.rejects ?? [];
  const total = job.report?.rejected ?? rejects.length;
  const url = useMemo(() => URL.createObjectURL(new Blob([rejectsCsv(rejects)], { type: 'text/csv' })), [rejects]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const base = (job.file ?? job.id).replace(/\.[^.]*$/, '');
  const columns = [t('import.where'), t('import.record'), t('import.reason')];
  return (
    <div class="rejects">
      <DataTable
        headers={columns}
        rows={rejects.map(rejectView).map((v) => [v.where, v.id, v.reason])}
        caption={t('import.rejectedRecords')}
      />
      {total > rejects.length ? <p class="hint">{t('import.firstOf', { shown: rejects.length, total })}</p> : null}
      <p>
        <a href={url} download={`${base}.rejects.csv`} class="button secondary">
          {t('import.download')}
        </a>
      </p>
    </div>
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
  return detail ? plainMessage(detail) : t('import.noReason');
}

function JobView({ job }: { job: ImportJob }) {
  const name = `${job.file ?? job.id}${job.format ? ` (${job.format})` : ''}`;
  if (job.state === 'failed') {
    // No progress figure: the import stopped, and nothing of it was kept.
    return (
      <div class="job">
        <p class="error">{t('import.failed', { name, reason: failure(job) })}</p>
        <p>{t('import.nothingImported')}</p>
      </div>
    );
  }
  const pct = job.bytes_total ? Math.round((100 * job.bytes_done) / job.bytes_total) : job.state === 'done' ? 100 : 0;
  return (
    <div class="job">
      <p>{t(job.state === 'done' ? 'import.jobDone' : 'import.jobImporting', { name })}</p>
      <label for={`prog-${job.id}`}>{t('import.progress')}</label>
      <progress id={`prog-${job.id}`} max={100} value={pct}>{`${pct}%`}</progress>
      <span class="muted">{` ${t('import.bytes', { pct, done: job.bytes_done, total: job.bytes_total })}`}</span>
      {job.report ? (
        <dl class="facts">
          <dt>{t('import.inserted')}</dt>
          <dd>{counts(job.report.inserted) || t('import.nothing')}</dd>
          <dt>{t('import.updated')}</dt>
          <dd>{counts(job.report.updated) || t('import.nothing')}</dd>
          <dt>{t('import.rejected')}</dt>
          <dd>{String(job.report.rejected ?? job.rejects?.length ?? 0)}</dd>
        </dl>
      ) : null}
      {job.report?.notes?.length ? (
        <ul>
          {job.report.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
      {job.rejects?.length ? <Rejects job={job} /> : null}
    </div>
  );
}

// The recent imports, or null when the server keeps no list of them.
function recentImports(): Promise<ImportJob[] | null> {
  return getOptional<{ items: ImportJob[] }>('/imports', '/imports').then((r) => r?.items ?? null);
}

function RecentImports({ recent }: { recent: ImportJob[] | null }) {
  if (!recent) return <p>{t('import.noList')}</p>;
  const columns = [t('import.import'), t('import.file'), t('import.format'), t('import.state'), t('import.inserted'), t('import.rejected')];
  return (
    <DataTable
      headers={columns}
      rows={recent.map((j) => [j.id, j.file ?? '', j.format ?? '', humanize(j.state), counts(j.report?.inserted), String(j.report?.rejected ?? '')])}
      caption={t('import.recent')}
      empty={t('import.noImports')}
      rowKeys={recent.map((j) => j.id)}
    />
  );
}

export const importPage = definePage({
  load: async () => ({ recent: await recentImports() }),
  View: ({ data }) => {
    const [recent, setRecent] = useState(data.recent);
    const [job, setJob] = useState<ImportJob | null>(null);
    const fileRef = useRef<HTMLInputElement>(null);
    // Polling stops when the page is left.
    const shown = useRef(true);
    useEffect(
      () => () => {
        shown.current = false;
      },
      [],
    );
    const submit = async (ev: SubmitEvent) => {
      ev.preventDefault();
      const form = ev.currentTarget as HTMLFormElement;
      const file = fileRef.current!;
      if (!file.files?.length) {
        announce(t('import.chooseFile'), 'error');
        file.focus();
        return;
      }
      const data = new FormData(form);
      const fd = new FormData();
      fd.append('file', file.files[0]);
      if (data.get('format')) fd.append('format', String(data.get('format')));
      fd.append('skip_invalid', data.get('skip_invalid') ? 'true' : 'false');
      try {
        const r = await call<ImportJob>('POST', '/imports', undefined, { form: fd });
        announce(t('import.started'));
        let current = r.data;
        for (;;) {
          setJob(current);
          if (current.state !== 'running' || !shown.current) break;
          await new Promise((res) => setTimeout(res, 400));
          current = await get<ImportJob>(`/imports/${encodeURIComponent(r.data.id)}`);
        }
        if (!shown.current) return;
        resetCaches();
        announce(current.state === 'done' ? t('import.finished') : t('import.failedAnnounce', { reason: failure(current) }), current.state === 'done' ? 'success' : 'error');
        setRecent(await recentImports());
      } catch (e) {
        announce(t('import.refused', { reason: errorText(e) }), 'error');
      }
    };
    return (
      <>
        <h1>{t('import.title')}</h1>
        <p class="lead">{t('import.lead')}</p>
        <section class="card" aria-labelledby="up-h">
          <h2 id="up-h">{t('import.upload')}</h2>
          <form class="import-form" onSubmit={submit}>
            <Field label={t('import.fileToImport')}>
              <input type="file" name="file" required accept=".json,.csv,.txt" ref={fileRef} />
            </Field>
            <Field label={t('import.format')}>
              <select name="format">
                <Options options={[['', t('import.detect')], ...IMPORT_FORMATS.map((f): [string, string] => [f, f])]} value="" />
              </select>
            </Field>
            <div class="check">
              <input type="checkbox" name="skip_invalid" id="skip-invalid" />
              <label for="skip-invalid">{t('import.skipInvalid')}</label>
            </div>
            <div class="actions">
              <button type="submit">{t('import.submit')}</button>
            </div>
          </form>
        </section>
        <div class="card" aria-live="polite">
          {job ? <JobView job={job} key={job.id} /> : null}
        </div>
        <section class="card" aria-labelledby="rec-h">
          <h2 id="rec-h">{t('import.recent')}</h2>
          <RecentImports recent={recent} />
        </section>
      </>
    );
  },
});

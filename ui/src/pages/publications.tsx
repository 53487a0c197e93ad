// Publications: the annexes published so far, each with its signed files,
// and for decision makers the two steps of publishing a cycle: a request
// with a statement, and the sign-off by another decision maker, which
// freezes the public edition (GET/POST /publications, POST
// /publications/{cycle}/signoff). The server decides who sees what: a
// reader without the confidential record gets published records without
// statements or names.
import { useState } from 'preact/hooks';
import { call, enc } from '../api';
import { announce, cycles, errorText, flash, navigate } from '../app';
import { Card, Options } from '../components/common';
import { Field, useRefusals, when } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';
import { hasRole, me } from '../session';

export interface PublishedFile {
  name: string;
  format: string;
  bytes: number;
  sha256: string;
  href: string;
}
export interface Publication {
  cycle: number;
  number: number;
  state: string;
  rationale: string;
  requested_by: string;
  requested_at: string;
  signed_off_by: string;
  signed_off_at: string;
  policy: { name: string; version: string; digest: string };
  requested_data_digest: string;
  data_digest: string;
  audit_head: { seq: number; hash: string };
  directory: string;
  files: PublishedFile[];
}

// The status line's kind for a message of failure.
const ERROR = 'error';

// The names of the formats, the same in every language.
const FORMAT_NAMES: Record<string, string> = { html: 'HTML', md: 'Markdown', json: 'JSON', csv: 'CSV', ftm: 'FollowTheMoney' };

// The download links of a publication: each report file, then its signature.
export function FileLinks({ p }: { p: { cycle: number; number: number; files: Array<{ name: string; format: string; href: string }> } }) {
  const reports = p.files.filter((f) => f.format !== 'signature');
  return (
    <ul class="file-list">
      {reports.map((f) => {
        const sig = p.files.find((s) => s.name === `${f.name}.sig`);
        const label = FORMAT_NAMES[f.format] ?? f.format;
        const publication = `${p.cycle}-${p.number}`;
        return (
          <li key={f.name}>
            <a href={f.href} download={f.name} aria-label={t('publications.file.label', { format: label, publication })}>
              {label}
            </a>
            {sig ? (
              <>
                {' ('}
                <a href={sig.href} download={sig.name} aria-label={t('publications.file.signatureLabel', { format: label, publication })}>
                  {t('publications.file.signature')}
                </a>
                {')'}
              </>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function RequestForm({ cyc }: { cyc: number[] }) {
  const refusals = useRefusals();
  const latest = cyc.length ? cyc[cyc.length - 1] : new Date().getUTCFullYear();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const rationale = String(data.get('rationale') ?? '');
    if (!rationale.trim()) {
      refusals.set(form, '/rationale', t('publications.request.statementNeeded'));
      announce(t('publications.request.statementMissing'), ERROR);
      return;
    }
    try {
      const r = await call<Publication>('POST', '/publications', { cycle: Number(data.get('cycle')), rationale });
      flash(t('publications.request.done', { publication: `${r.data.cycle}-${r.data.number}` }));
      navigate('/publications', true);
    } catch (e) {
      refusals.refuse(form, e, t('publications.request.notRequested'));
    }
  };
  return (
    <Card id="pub-req-h" title={t('publications.request.title')}>
      <form class="publication-form" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label={t('publications.field.cycle')} pointer="/cycle" refusals={refusals}>
            <select name="cycle" required>
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(latest)} />
            </select>
          </Field>
        </div>
        <Field label={t('publications.field.statement')} pointer="/rationale" refusals={refusals} hint={t('publications.field.statementHint')}>
          <textarea name="rationale" rows={3} required />
        </Field>
        <div class="actions">
          <button type="submit">{t('publications.request.submit')}</button>
        </div>
      </form>
    </Card>
  );
}

// The sign-off of a request, for a decision maker other than its requester.
function SignOff({ p }: { p: Publication }) {
  const [busy, setBusy] = useState(false);
  if (p.requested_by === me()?.name) return <span class="hint">{t('publications.signOff.own')}</span>;
  const signOff = async () => {
    setBusy(true);
    announce(t('publications.signOff.busy', { cycle: String(p.cycle) }));
    try {
      const r = await call<Publication>('POST', `/publications/${enc(String(p.cycle))}/signoff`, {});
      flash(t('publications.signOff.done', { publication: `${r.data.cycle}-${r.data.number}`, count: r.data.files.length }));
      navigate('/publications', true);
    } catch (e) {
      setBusy(false);
      announce(t('publications.signOff.failed', { message: errorText(e) }), ERROR);
    }
  };
  return (
    <button type="button" aria-label={t('publications.signOff.label', { publication: `${p.cycle}-${p.number}` })} disabled={busy} onClick={signOff}>
      {t('publications.signOff.button')}
    </button>
  );
}

export default definePage({
  load: async () => {
    const [list, cyc] = await Promise.all([call<{ items: Publication[] }>('GET', '/publications'), cycles()]);
    return { items: list.data.items, cyc };
  },
  View: ({ data: { items, cyc } }) => {
    const decides = hasRole('decision_maker');
    const pending = items.filter((p) => p.state === 'requested');
    const published = items.filter((p) => p.state === 'published').reverse();
    const pendingHeaders = [
      t('publications.column.publication'),
      t('publications.column.requestedBy'),
      t('publications.column.requestedAt'),
      t('publications.field.statement'),
      t('publications.column.policy'),
      t('publications.column.signOff'),
    ];
    const publishedHeaders = [
      t('publications.column.publication'),
      t('publications.column.signedOff'),
      t('publications.column.requestedBy'),
      t('publications.column.signedOffBy'),
      t('publications.field.statement'),
      t('publications.column.policy'),
      t('publications.column.dataDigest'),
      t('publications.column.files'),
    ];
    return (
      <>
        <h1>{t('publications.title')}</h1>
        <p class="lead">{t('publications.lead')}</p>
        {decides ? <RequestForm cyc={cyc} /> : null}
        {decides ? (
          <Card id="pub-pend-h" title={t('publications.pending.title')}>
            <DataTable
              headers={pendingHeaders}
              rows={pending.map((p) => [`${p.cycle}-${p.number}`, p.requested_by, when(p.requested_at), p.rationale, `${p.policy.name} ${p.policy.version}`, <SignOff p={p} />])}
              caption={t('publications.pending.caption')}
              empty={t('publications.pending.empty')}
              rowKeys={pending.map((p) => `${p.cycle}-${p.number}`)}
            />
          </Card>
        ) : null}
        <Card id="pub-list-h" title={t('publications.published.title')}>
          <DataTable
            headers={publishedHeaders}
            rows={published.map((p) => [
              `${p.cycle}-${p.number}`,
              when(p.signed_off_at),
              p.requested_by,
              p.signed_off_by,
              p.rationale,
              `${p.policy.name} ${p.policy.version}`,
              <code title={p.data_digest}>{`${p.data_digest.slice(0, 16)}…`}</code>,
              <FileLinks p={p} />,
            ])}
            caption={t('publications.published.caption')}
            empty={t('publications.published.empty')}
            rowKeys={published.map((p) => `${p.cycle}-${p.number}`)}
          />
          <p class="hint">{t('publications.published.hint')}</p>
        </Card>
      </>
    );
  },
});

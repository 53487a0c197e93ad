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

const FORMAT_NAMES: Record<string, string> = { html: 'HTML', md: 'Markdown', json: 'JSON', csv: 'CSV', ftm: 'FollowTheMoney' };

// The download links of a publication: each report file, then its signature.
export function FileLinks({ p }: { p: { cycle: number; number: number; files: Array<{ name: string; format: string; href: string }> } }) {
  const reports = p.files.filter((f) => f.format !== 'signature');
  return (
    <ul class="file-list">
      {reports.map((f) => {
        const sig = p.files.find((s) => s.name === `${f.name}.sig`);
        const label = FORMAT_NAMES[f.format] ?? f.format;
        return (
          <li key={f.name}>
            <a href={f.href} download={f.name} aria-label={`${label} of publication ${p.cycle}-${p.number}`}>
              {label}
            </a>
            {sig ? (
              <>
                {' ('}
                <a href={sig.href} download={sig.name} aria-label={`Signature of the ${label} file of publication ${p.cycle}-${p.number}`}>
                  signature
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
      refusals.set(form, '/rationale', 'Statement: a publication request needs a statement.');
      announce('Not requested: the statement is missing.', 'error');
      return;
    }
    try {
      const r = await call<Publication>('POST', '/publications', { cycle: Number(data.get('cycle')), rationale });
      flash(`Publication ${r.data.cycle}-${r.data.number} requested; another decision maker signs it off.`);
      navigate('/publications', true);
    } catch (e) {
      refusals.refuse(form, e, 'Not requested');
    }
  };
  return (
    <Card id="pub-req-h" title="Request a publication">
      <form class="publication-form" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label="Cycle" pointer="/cycle" refusals={refusals}>
            <select name="cycle" required>
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(latest)} />
            </select>
          </Field>
        </div>
        <Field label="Statement" pointer="/rationale" refusals={refusals} hint="Required. Why this annex is ready to be published; another decision maker signs it off.">
          <textarea name="rationale" rows={3} required />
        </Field>
        <div class="actions">
          <button type="submit">Request publication</button>
        </div>
      </form>
    </Card>
  );
}

// The sign-off of a request, for a decision maker other than its requester.
function SignOff({ p }: { p: Publication }) {
  const [busy, setBusy] = useState(false);
  if (p.requested_by === me()?.name) return <span class="hint">Your request: another decision maker signs it off.</span>;
  const signOff = async () => {
    setBusy(true);
    announce(`Writing and signing the annex of ${p.cycle}…`);
    try {
      const r = await call<Publication>('POST', `/publications/${enc(String(p.cycle))}/signoff`, {});
      flash(`Publication ${r.data.cycle}-${r.data.number} published: ${r.data.files.length} files signed.`);
      navigate('/publications', true);
    } catch (e) {
      setBusy(false);
      announce(`Not signed off: ${errorText(e)}`, 'error');
    }
  };
  return (
    <button type="button" aria-label={`Sign off publication ${p.cycle}-${p.number}`} disabled={busy} onClick={signOff}>
      Sign off
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
    return (
      <>
        <h1>Publications</h1>
        <p class="lead">
          A published annex is frozen: the public edition of the report, signed, as it was when a second decision maker signed off the request. Later changes to the data do not change it; a new
          publication of the same cycle gets the next number.
        </p>
        {decides ? <RequestForm cyc={cyc} /> : null}
        {decides ? (
          <Card id="pub-pend-h" title="Awaiting sign-off">
            <DataTable
              headers={['Publication', 'Requested by', 'Requested at', 'Statement', 'Policy', 'Sign-off']}
              rows={pending.map((p) => [`${p.cycle}-${p.number}`, p.requested_by, when(p.requested_at), p.rationale, `${p.policy.name} ${p.policy.version}`, <SignOff p={p} />])}
              caption="Publication requests awaiting sign-off"
              empty="No request awaits sign-off."
              rowKeys={pending.map((p) => `${p.cycle}-${p.number}`)}
            />
          </Card>
        ) : null}
        <Card id="pub-list-h" title="Published">
          <DataTable
            headers={['Publication', 'Signed off', 'Requested by', 'Signed off by', 'Statement', 'Policy', 'Data digest', 'Files']}
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
            caption="Published annexes"
            empty="Nothing has been published yet."
            rowKeys={published.map((p) => `${p.cycle}-${p.number}`)}
          />
          <p class="hint">Each file has a detached signature (mara-signature/1); check one with mara verify-report FILE --signature FILE.sig.</p>
        </Card>
      </>
    );
  },
});

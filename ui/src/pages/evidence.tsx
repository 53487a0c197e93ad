// Evidence: the items the principal may view (GET /evidence), an upload to
// an incident (POST /evidence, multipart), and one item's page with its
// chain of custody (GET /evidence/{id}/custody, itself recorded there) and
// its verification (POST /evidence/{id}/verification): a reviewer other
// than the person who received the file confirms that the stored file
// still matches the SHA-256 taken at intake (four eyes).
import { call, enc, get, qs } from '../api';
import { flash, navigate } from '../app';
import { Card } from '../components/common';
import { Field, useRefusals, when } from '../components/forms';
import { DataTable } from '../components/table';
import { definePage } from '../page';
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

// The incident an item documents, linked, or the source it came from.
function IncidentOf({ item }: { item: EvidenceItem }) {
  return item.incident ? <a href={`/incidents/${enc(item.incident)}`}>{item.incident}</a> : <>{item.source ?? ''}</>;
}

function UploadForm({ incident }: { incident: string }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const inc = String(data.get('incident') ?? '').trim();
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (!inc) return refusals.set(form, 'incident', 'Incident ID: enter the incident this file documents.');
    if (!file) return refusals.set(form, 'file', 'File: choose the file to upload.');
    const fd = new FormData();
    fd.append('file', file);
    fd.append('incident', inc);
    fd.append('description', String(data.get('description') ?? ''));
    try {
      const r = await call<EvidenceItem>('POST', '/evidence', undefined, { form: fd });
      flash(`Evidence ${r.data.id} received; SHA-256 ${r.data.sha256}. Another reviewer must verify it.`);
      navigate(`/evidence/${enc(r.data.id)}`);
    } catch (e) {
      refusals.refuse(form, e, 'Not uploaded');
    }
  };
  return (
    <form noValidate onSubmit={submit}>
      <div class="grid-form">
        <Field label="Incident ID" pointer="incident" refusals={refusals} hint="Such as I-2025-001.">
          <input type="text" name="incident" required autocomplete="off" spellcheck={false} defaultValue={incident} />
        </Field>
        <Field label="File" pointer="file" refusals={refusals}>
          <input type="file" name="file" required />
        </Field>
        <Field label="Description" pointer="description" refusals={refusals} hint="What the file shows; no names of survivors.">
          <input type="text" name="description" maxLength={4096} />
        </Field>
      </div>
      <div class="actions">
        <button type="submit">Upload evidence</button>
      </div>
    </form>
  );
}

export const evidenceList = definePage({
  load: async ({ params }) => {
    const incident = params.get('incident') ?? '';
    const r = await get<{ items: EvidenceItem[] }>(`/evidence${qs({ incident: incident || undefined })}`);
    return { incident, items: r.items };
  },
  View: ({ data: { incident, items } }) => (
    <>
      <h1>Evidence</h1>
      <p>Files attached to incidents, stored encrypted. Every receipt, download and verification is recorded in the item’s chain of custody.</p>
      <section aria-labelledby="items-h">
        <h2 id="items-h">{incident ? `Evidence of ${incident}` : 'Evidence you may view'}</h2>
        {incident ? (
          <p>
            <a href="/evidence">Show all evidence</a>
          </p>
        ) : null}
        <DataTable
          headers={['Item', 'Incident', 'Description', 'Type', 'Size', 'SHA-256']}
          rows={items.map((e) => [
            <a href={`/evidence/${enc(e.id)}`}>{e.id}</a>,
            <IncidentOf item={e} />,
            e.description ?? '',
            e.media_type ?? '',
            `${e.size} bytes`,
            <code class="hash">{e.sha256}</code>,
          ])}
          caption="Evidence items"
          empty="No evidence that you may view."
          rowKeys={items.map((e) => e.id)}
        />
      </section>
      {hasRole('monitor', 'analyst', 'admin') ? (
        <Card id="up-h" title="Upload evidence">
          <UploadForm incident={incident} />
        </Card>
      ) : null}
    </>
  ),
});

function VerifyForm({ id }: { id: string }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    try {
      const r = await call<Check>('POST', `/evidence/${enc(id)}/verification`, {});
      flash(r.data.intact ? `${id} verified: the stored file matches its SHA-256.` : `${id} failed verification: ${r.data.problem ?? 'the stored file does not match'}.`, r.data.intact ? 'success' : 'error');
      navigate(`/evidence/${enc(id)}`, true);
    } catch (e) {
      refusals.refuse(form, e, 'Not verified');
    }
  };
  return (
    <form noValidate aria-label={`Verify ${id}`} onSubmit={submit}>
      <p>Checks that the stored file still decrypts and matches the SHA-256 recorded when it was received. The check is recorded in the chain of custody.</p>
      <div class="actions">
        <button type="submit">Verify the stored file</button>
      </div>
    </form>
  );
}

export const evidenceItem = definePage({
  load: async ({ route }) => {
    const [list, custody] = await Promise.all([get<{ items: EvidenceItem[] }>('/evidence'), get<{ items: CustodyRecord[] }>(`/evidence/${enc(route.id)}/custody`)]);
    return { id: route.id, item: list.items.find((e) => e.id === route.id), custody: custody.items };
  },
  View: ({ data: { id, item, custody } }) => {
    if (!item)
      return (
        <>
          <h1>Evidence</h1>
          <p>{`There is no evidence item ${id} that you may view.`}</p>
          <p>
            <a href="/evidence">Back to evidence</a>
          </p>
        </>
      );
    const receivers = new Set(custody.filter((r) => r.action === 'evidence.add').map((r) => r.principal));
    const lastCheck = [...custody].reverse().find((r) => r.action === 'evidence.verify');
    const status = lastCheck ? `${lastCheck.after_digest ? 'Verified' : 'Failed verification'} by ${lastCheck.principal}, ${timeOf(lastCheck.time_ms)}` : 'Not verified yet';
    const received = receivers.has(me()?.name ?? '');
    return (
      <>
        <h1>{`Evidence ${id}`}</h1>
        <Card id="item-h" title="The item">
          <dl class="facts">
            <dt>Incident</dt>
            <dd>
              <IncidentOf item={item} />
            </dd>
            <dt>Description</dt>
            <dd>{item.description ?? ''}</dd>
            <dt>Type</dt>
            <dd>{item.media_type ?? ''}</dd>
            <dt>Size</dt>
            <dd>{`${item.size} bytes`}</dd>
            <dt>SHA-256</dt>
            <dd>
              <code class="hash">{item.sha256}</code>
            </dd>
          </dl>
          <p>
            <a href={`/api/v1/evidence/${enc(id)}/content`} download="">{`Download ${id}`}</a> (recorded in the chain of custody)
          </p>
        </Card>
        <Card id="ver-h" title="Verification">
          <p>{status}</p>
          {hasRole('reviewer') ? received ? <p class="note">You received this file, so another reviewer must verify it (four-eyes rule).</p> : <VerifyForm id={id} /> : null}
        </Card>
        <section aria-labelledby="cus-h">
          <h2 id="cus-h">Chain of custody</h2>
          <DataTable
            headers={['#', 'When', 'Who', 'What']}
            rows={custody.map((r) => [String(r.seq), timeOf(r.time_ms), r.principal, custodyWords(r)])}
            caption={`Chain of custody of ${id}`}
            empty="No custody record."
            rowKeys={custody.map((r) => String(r.seq))}
          />
        </section>
      </>
    );
  },
});

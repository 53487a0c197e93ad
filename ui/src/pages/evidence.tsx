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
import { t } from '../i18n';
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

// The actions of a chain of custody, in words.
const ACTION_WORDS: Record<string, () => string> = {
  'evidence.add': () => t('evidence.custody.received'),
  'evidence.export': () => t('evidence.custody.downloaded'),
  'evidence.view': () => t('evidence.custody.viewed'),
  'evidence.custody': () => t('evidence.custody.read'),
};

function custodyWords(r: CustodyRecord): string {
  if (r.action === 'evidence.verify') return r.after_digest ? t('evidence.custody.verifiedMatch') : t('evidence.custody.verifiedMismatch');
  return ACTION_WORDS[r.action]?.() ?? r.action;
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
    if (!inc) return refusals.set(form, 'incident', t('evidence.upload.incidentRequired'));
    if (!file) return refusals.set(form, 'file', t('evidence.upload.fileRequired'));
    const fd = new FormData();
    fd.append('file', file);
    fd.append('incident', inc);
    fd.append('description', String(data.get('description') ?? ''));
    try {
      const r = await call<EvidenceItem>('POST', '/evidence', undefined, { form: fd });
      flash(t('evidence.upload.done', { id: r.data.id, sha256: r.data.sha256 }));
      navigate(`/evidence/${enc(r.data.id)}`);
    } catch (e) {
      refusals.refuse(form, e, t('evidence.upload.notUploaded'));
    }
  };
  return (
    <form noValidate onSubmit={submit}>
      <div class="grid-form">
        <Field label={t('evidence.upload.incidentId')} pointer="incident" refusals={refusals} hint={t('evidence.upload.incidentHint')}>
          <input type="text" name="incident" required autocomplete="off" spellcheck={false} defaultValue={incident} />
        </Field>
        <Field label={t('evidence.upload.file')} pointer="file" refusals={refusals}>
          <input type="file" name="file" required />
        </Field>
        <Field label={t('evidence.upload.description')} pointer="description" refusals={refusals} hint={t('evidence.upload.descriptionHint')}>
          <input type="text" name="description" maxLength={4096} />
        </Field>
      </div>
      <div class="actions">
        <button type="submit">{t('evidence.upload.submit')}</button>
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
  View: ({ data: { incident, items } }) => {
    const headers = [
      t('evidence.field.item'),
      t('evidence.field.incident'),
      t('evidence.field.description'),
      t('evidence.field.type'),
      t('evidence.field.size'),
      t('evidence.field.sha256'),
    ];
    return (
      <>
        <h1>{t('evidence.title')}</h1>
        <p>{t('evidence.intro')}</p>
        <section aria-labelledby="items-h">
          <h2 id="items-h">{incident ? t('evidence.list.ofIncident', { incident }) : t('evidence.list.title')}</h2>
          {incident ? (
            <p>
              <a href="/evidence">{t('evidence.list.showAll')}</a>
            </p>
          ) : null}
          <DataTable
            headers={headers}
            rows={items.map((e) => [
              <a href={`/evidence/${enc(e.id)}`}>{e.id}</a>,
              <IncidentOf item={e} />,
              e.description ?? '',
              e.media_type ?? '',
              t('evidence.size', { size: e.size }),
              <code class="hash">{e.sha256}</code>,
            ])}
            caption={t('evidence.list.caption')}
            empty={t('evidence.list.empty')}
            rowKeys={items.map((e) => e.id)}
          />
        </section>
        {hasRole('monitor', 'analyst', 'admin') ? (
          <Card id="up-h" title={t('evidence.upload.title')}>
            <UploadForm incident={incident} />
          </Card>
        ) : null}
      </>
    );
  },
});

function VerifyForm({ id }: { id: string }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    try {
      const r = await call<Check>('POST', `/evidence/${enc(id)}/verification`, {});
      flash(
        r.data.intact ? t('evidence.verify.intact', { id }) : t('evidence.verify.failed', { id, problem: r.data.problem ?? t('evidence.verify.mismatch') }),
        r.data.intact ? 'success' : 'error',
      );
      navigate(`/evidence/${enc(id)}`, true);
    } catch (e) {
      refusals.refuse(form, e, t('evidence.verify.notVerified'));
    }
  };
  return (
    <form noValidate aria-label={t('evidence.verify.formLabel', { id })} onSubmit={submit}>
      <p>{t('evidence.verify.intro')}</p>
      <div class="actions">
        <button type="submit">{t('evidence.verify.submit')}</button>
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
          <h1>{t('evidence.title')}</h1>
          <p>{t('evidence.item.notFound', { id })}</p>
          <p>
            <a href="/evidence">{t('evidence.item.back')}</a>
          </p>
        </>
      );
    const receivers = new Set(custody.filter((r) => r.action === 'evidence.add').map((r) => r.principal));
    const lastCheck = [...custody].reverse().find((r) => r.action === 'evidence.verify');
    const status = lastCheck
      ? lastCheck.after_digest
        ? t('evidence.item.verifiedBy', { by: lastCheck.principal, at: timeOf(lastCheck.time_ms) })
        : t('evidence.item.failedBy', { by: lastCheck.principal, at: timeOf(lastCheck.time_ms) })
      : t('evidence.item.notVerified');
    const received = receivers.has(me()?.name ?? '');
    const custodyHeaders = [t('evidence.custody.seq'), t('evidence.custody.when'), t('evidence.custody.who'), t('evidence.custody.what')];
    return (
      <>
        <h1>{t('evidence.item.title', { id })}</h1>
        <Card id="item-h" title={t('evidence.item.card')}>
          <dl class="facts">
            <dt>{t('evidence.field.incident')}</dt>
            <dd>
              <IncidentOf item={item} />
            </dd>
            <dt>{t('evidence.field.description')}</dt>
            <dd>{item.description ?? ''}</dd>
            <dt>{t('evidence.field.type')}</dt>
            <dd>{item.media_type ?? ''}</dd>
            <dt>{t('evidence.field.size')}</dt>
            <dd>{t('evidence.size', { size: item.size })}</dd>
            <dt>{t('evidence.field.sha256')}</dt>
            <dd>
              <code class="hash">{item.sha256}</code>
            </dd>
          </dl>
          <p>
            <a href={`/api/v1/evidence/${enc(id)}/content`} download="">
              {t('evidence.item.download', { id })}
            </a>{' '}
            {t('evidence.item.downloadNote')}
          </p>
        </Card>
        <Card id="ver-h" title={t('evidence.item.verification')}>
          <p>{status}</p>
          {hasRole('reviewer') ? received ? <p class="note">{t('evidence.item.fourEyes')}</p> : <VerifyForm id={id} /> : null}
        </Card>
        <section aria-labelledby="cus-h">
          <h2 id="cus-h">{t('evidence.custody.title')}</h2>
          <DataTable
            headers={custodyHeaders}

            rows={custody.map((r) => [String(r.seq), timeOf(r.time_ms), r.principal, custodyWords(r)])}
            caption={t('evidence.custody.caption', { id })}
            empty={t('evidence.custody.empty')}

            rowKeys={custody.map((r) => String(r.seq))}
          />
        </section>
      </>
    );
  },
});

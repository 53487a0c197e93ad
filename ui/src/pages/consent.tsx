// Consent: the incidents of the monitor's situations whose consent keeps
// them out of reports (internal use) or out of everything (withdrawn), from
// GET /consent-register. A withdrawal is recorded in a step of its own that
// says what it does and asks for a confirmation (PUT /incidents/{id}/consent
// with If-Match); a restoration is another, separate step with the new
// scope and the reason (POST /incidents/{id}/consent-restoration). Nothing
// here shows more of a withdrawn incident than its tombstone keeps.
import { useId } from 'preact/hooks';
import { ApiError, call, enc, get } from '../api';
import { flash, navigate, situations } from '../app';
import { Badge, Card, humanize, Options } from '../components/common';
import { Field, RequiredMark, useRefusals, when } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';

interface ConsentEntry {
  id: string;
  situation: string;
  date: string;
  consent: string;
  last_change?: { action: string; by: string; at: string; reason?: string };
}
interface IncidentSummary {
  id: string;
  situation: string;
  date: string;
  location?: { name?: string };
  consent?: string;
  status?: string;
}

// Scopes a restoration may choose (never `withdrawn`).
function restoredScopes(): Array<[string, string]> {
  return [
    ['internal_use', t('consent.scope.internalUse')],
    ['aggregate_reporting', t('consent.scope.aggregateReporting')],
    ['identified_sharing', t('consent.scope.identifiedSharing')],
  ];
}

async function situationName(id: string): Promise<string> {
  return (await situations()).find((s) => s.id === id)?.name ?? id;
}

// The first step of a withdrawal for an incident the register does not list.
function StartForm() {
  const refusals = useRefusals();
  const submit = (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const id = String(new FormData(form).get('incident') ?? '').trim();
    if (!id) return refusals.set(form, 'incident', t('consent.start.idRequired'));
    navigate(`/consent/${enc(id)}/withdraw`);
  };
  return (
    <form class="inline-form" noValidate aria-label={t('consent.start.formLabel')} onSubmit={submit}>
      <Field label={t('consent.start.incidentId')} pointer="incident" refusals={refusals}>
        <input type="text" name="incident" required autocomplete="off" spellcheck={false} />
      </Field>
      <button type="submit">{t('consent.start.continue')}</button>
    </form>
  );
}

export const consentRegister = definePage({
  load: async () => {
    const [reg, sits] = await Promise.all([get<{ items: ConsentEntry[] }>('/consent-register'), situations()]);
    return { items: reg.items, sits };
  },
  View: ({ data: { items, sits } }) => {
    const sitName = new Map(sits.map((s) => [s.id, s.name]));
    const rows = items.map((e) => {
      const withdrawn = e.consent === 'withdrawn';
      const last = e.last_change;
      const change = last
        ? last.reason
          ? t('consent.register.changeWithReason', { action: humanize(last.action), by: last.by, at: when(last.at), reason: last.reason })
          : t('consent.register.change', { action: humanize(last.action), by: last.by, at: when(last.at) })
        : t('consent.asImported');
      return [
        withdrawn ? e.id : <a href={`/incidents/${enc(e.id)}`}>{e.id}</a>,
        sitName.get(e.situation) ?? e.situation,
        e.date,
        <Badge status={e.consent} />,
        change,
        withdrawn ? (
          <a href={`/consent/${enc(e.id)}/restore`} aria-label={t('consent.register.restoreLabel', { id: e.id })}>
            {t('consent.register.restore')}
          </a>
        ) : (
          <a href={`/consent/${enc(e.id)}/withdraw`} aria-label={t('consent.register.withdrawLabel', { id: e.id })}>
            {t('consent.register.withdraw')}
          </a>
        ),
      ];
    });
    const headers = [
      t('consent.column.incident'),
      t('consent.column.situation'),
      t('consent.column.date'),
      t('consent.column.consent'),
      t('consent.column.lastChange'),
      t('consent.column.nextStep'),
    ];
    return (
      <>
        <h1>{t('consent.title')}</h1>
        <p>{t('consent.intro')}</p>
        <section aria-labelledby="reg-h">
          <h2 id="reg-h">{t('consent.register.title')}</h2>
          <DataTable
            headers={headers}

            rows={rows}
            caption={t('consent.register.caption')}
            empty={t('consent.register.empty')}
            rowKeys={items.map((e) => e.id)}
          />
        </section>
        <Card id="start-h" title={t('consent.start.title')}>
          <p>{t('consent.start.intro')}</p>
          <StartForm />
        </Card>
      </>
    );
  },
});

// The confirmation that records a withdrawal.
function WithdrawForm({ inc, etag }: { inc: IncidentSummary; etag: string | null }) {
  const refusals = useRefusals();
  const id = `confirm-${useId()}`;
  const error = refusals.errors.confirm;
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    if (!new FormData(form).get('confirm')) return refusals.set(form, 'confirm', t('consent.withdraw.confirmRequired'));
    try {
      await call('PUT', `/incidents/${enc(inc.id)}/consent`, { consent: 'withdrawn' }, { ifMatch: etag });
      flash(t('consent.withdraw.done', { id: inc.id }));
      navigate('/consent', true);
    } catch (e) {
      refusals.refuse(form, e, t('consent.withdraw.notRecorded'));
    }
  };
  return (
    <form noValidate aria-label={t('consent.withdraw.formLabel', { id: inc.id })} onSubmit={submit}>
      <div class="field">
        <div class="check">
          <input
            type="checkbox"
            id={id}
            name="confirm"
            required
            data-pointer="confirm"
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <label for={id}>{t('consent.withdraw.confirm', { id: inc.id })}</label>
          <RequiredMark />
        </div>
        <p class="field-error" id={`${id}-error`} hidden={!error}>
          {error ?? ''}
        </p>
      </div>
      <div class="actions">
        <button type="submit" class="danger">
          {t('consent.withdraw.submit')}
        </button>{' '}
        <a href="/consent">{t('consent.cancel')}</a>
      </div>
    </form>
  );
}

type Withdrawal = { id: string; found: false } | { id: string; found: true; inc: IncidentSummary; etag: string | null; situation: string };

export const withdrawConsent = definePage({
  load: async ({ route }): Promise<Withdrawal> => {
    try {
      const reply = await call<IncidentSummary>('GET', `/incidents/${enc(route.id)}`);
      return { id: route.id, found: true, inc: reply.data, etag: reply.etag, situation: await situationName(reply.data.situation) };
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return { id: route.id, found: false };
      throw e;
    }
  },
  View: ({ data }) => {
    if (!data.found)
      return (
        <>
          <h1>{t('consent.withdraw.title')}</h1>
          <p>{t('consent.withdraw.notFound', { id: data.id })}</p>
          <p>
            <a href="/consent">{t('consent.back')}</a>
          </p>
        </>
      );
    const { inc } = data;
    return (
      <>
        <h1>{t('consent.withdraw.titleFor', { id: inc.id })}</h1>
        <Card id="inc-h" title={t('consent.withdraw.incident')}>
          <dl class="facts">
            <dt>{t('consent.fact.situation')}</dt>
            <dd>{data.situation}</dd>
            <dt>{t('consent.fact.date')}</dt>
            <dd>{inc.date}</dd>
            <dt>{t('consent.fact.place')}</dt>
            <dd>{inc.location?.name ?? ''}</dd>
            <dt>{t('consent.fact.consentNow')}</dt>
            <dd>{inc.consent ? humanize(inc.consent) : ''}</dd>
          </dl>
        </Card>
        <Card id="what-h" title={t('consent.withdraw.effects')}>
          <ul>
            <li>{t('consent.withdraw.effectLists')}</li>
            <li>{t('consent.withdraw.effectEvidence')}</li>
            <li>{t('consent.withdraw.effectHistory')}</li>
          </ul>
          <WithdrawForm inc={inc} etag={data.etag} />
        </Card>
      </>
    );
  },
});

function RestoreForm({ id }: { id: string }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const scope = String(data.get('consent') ?? '');
    const reason = String(data.get('reason') ?? '').trim();
    if (!scope) return refusals.set(form, '/consent', t('consent.restore.scopeRequired'));
    if (!reason) return refusals.set(form, '/reason', t('consent.restore.reasonRequired'));
    try {
      await call('POST', `/incidents/${enc(id)}/consent-restoration`, { consent: scope, reason });
      flash(t('consent.restore.done', { id, scope: humanize(scope) }));
      navigate('/consent', true);
    } catch (e) {
      refusals.refuse(form, e, t('consent.restore.notRestored'));
    }
  };
  return (
    <form noValidate aria-label={t('consent.restore.formLabel', { id })} onSubmit={submit}>
      <Field label={t('consent.restore.scope')} pointer="/consent" refusals={refusals}>
        <select name="consent" required>
          <Options options={[['', t('consent.choose')], ...restoredScopes()]} value="" />
        </select>
      </Field>
      <Field label={t('consent.restore.reason')} pointer="/reason" refusals={refusals} hint={t('consent.restore.reasonHint')}>
        <textarea name="reason" rows={4} required maxLength={4000} />
      </Field>
      <div class="actions">
        <button type="submit">{t('consent.restore.submit')}</button> <a href="/consent">{t('consent.cancel')}</a>
      </div>
    </form>
  );
}

export const restoreConsent = definePage({
  load: async ({ route }) => {
    const reg = await get<{ items: ConsentEntry[] }>('/consent-register');
    const entry = reg.items.find((e) => e.id === route.id && e.consent === 'withdrawn');
    return { id: route.id, entry, situation: entry ? await situationName(entry.situation) : '' };
  },
  View: ({ data: { id, entry, situation } }) => {
    if (!entry)
      return (
        <>
          <h1>{t('consent.restore.title')}</h1>
          <p>{t('consent.restore.notFound', { id })}</p>
          <p>
            <a href="/consent">{t('consent.back')}</a>
          </p>
        </>
      );
    return (
      <>
        <h1>{t('consent.restore.titleFor', { id })}</h1>
        <Card id="inc-h" title={t('consent.restore.incident')}>
          <dl class="facts">
            <dt>{t('consent.fact.situation')}</dt>
            <dd>{situation}</dd>
            <dt>{t('consent.fact.date')}</dt>
            <dd>{entry.date}</dd>
            <dt>{t('consent.fact.withdrawn')}</dt>
            <dd>{entry.last_change ? t('consent.restore.withdrawnBy', { by: entry.last_change.by, at: when(entry.last_change.at) }) : t('consent.asImported')}</dd>
          </dl>
        </Card>
        <Card id="restore-h" title={t('consent.restore.card')}>
          <p>{t('consent.restore.intro')}</p>

          <RestoreForm id={id} />
        </Card>
      </>
    );
  },
});

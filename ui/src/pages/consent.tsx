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
const RESTORED: Array<[string, string]> = [
  ['internal_use', 'Internal use: the office only, in no report'],
  ['aggregate_reporting', 'Aggregate reporting: counted in reports'],
  ['identified_sharing', 'Identified sharing: may be shared with named partners'],
];

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
    if (!id) return refusals.set(form, 'incident', 'Incident ID: enter the ID of the incident, such as I-2025-001.');
    navigate(`/consent/${enc(id)}/withdraw`);
  };
  return (
    <form class="inline-form" noValidate aria-label="Record a withdrawal for another incident" onSubmit={submit}>
      <Field label="Incident ID" pointer="incident" refusals={refusals}>
        <input type="text" name="incident" required autocomplete="off" spellcheck={false} />
      </Field>
      <button type="submit">Continue</button>
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
      const change = e.last_change ? `${humanize(e.last_change.action)} by ${e.last_change.by}, ${when(e.last_change.at)}${e.last_change.reason ? `: ${e.last_change.reason}` : ''}` : 'as imported';
      return [
        withdrawn ? e.id : <a href={`/incidents/${enc(e.id)}`}>{e.id}</a>,
        sitName.get(e.situation) ?? e.situation,
        e.date,
        <Badge status={e.consent} />,
        change,
        withdrawn ? (
          <a href={`/consent/${enc(e.id)}/restore`} aria-label={`Restore consent of ${e.id}`}>
            Restore consent
          </a>
        ) : (
          <a href={`/consent/${enc(e.id)}/withdraw`} aria-label={`Record a withdrawal for ${e.id}`}>
            Record a withdrawal
          </a>
        ),
      ];
    });
    return (
      <>
        <h1>Consent</h1>
        <p>Incidents of your situations whose consent limits their use. Withdrawn incidents leave every list, report and assessment; only a restoration, with its reason, brings one back.</p>
        <section aria-labelledby="reg-h">
          <h2 id="reg-h">Limited or withdrawn consent</h2>
          <DataTable
            headers={['Incident', 'Situation', 'Date', 'Consent', 'Last change', 'Next step']}
            rows={rows}
            caption="Incidents with limited or withdrawn consent"
            empty="No incident of your situations has limited or withdrawn consent."
            rowKeys={items.map((e) => e.id)}
          />
        </section>
        <Card id="start-h" title="Record a withdrawal">
          <p>When a survivor or witness withdraws consent for an incident not listed above, start from its ID.</p>
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
    if (!new FormData(form).get('confirm')) return refusals.set(form, 'confirm', 'Confirm that consent was withdrawn before you record it.');
    try {
      await call('PUT', `/incidents/${enc(inc.id)}/consent`, { consent: 'withdrawn' }, { ifMatch: etag });
      flash(`Consent for ${inc.id} is recorded as withdrawn. The incident has left every list, report and assessment.`);
      navigate('/consent', true);
    } catch (e) {
      refusals.refuse(form, e, 'Not recorded');
    }
  };
  return (
    <form noValidate aria-label={`Confirm the withdrawal for ${inc.id}`} onSubmit={submit}>
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
          <label for={id}>{`The survivor or witness has withdrawn consent for ${inc.id}`}</label>
          <RequiredMark />
        </div>
        <p class="field-error" id={`${id}-error`} hidden={!error}>
          {error ?? ''}
        </p>
      </div>
      <div class="actions">
        <button type="submit" class="danger">
          Confirm withdrawal
        </button>{' '}
        <a href="/consent">Cancel</a>
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
          <h1>Withdraw consent</h1>
          <p>{`There is no incident ${data.id} that you can see. A withdrawn incident can only be restored.`}</p>
          <p>
            <a href="/consent">Back to consent</a>
          </p>
        </>
      );
    const { inc } = data;
    return (
      <>
        <h1>{`Withdraw consent for ${inc.id}`}</h1>
        <Card id="inc-h" title="The incident">
          <dl class="facts">
            <dt>Situation</dt>
            <dd>{data.situation}</dd>
            <dt>Date</dt>
            <dd>{inc.date}</dd>
            <dt>Place</dt>
            <dd>{inc.location?.name ?? ''}</dd>
            <dt>Consent now</dt>
            <dd>{inc.consent ? humanize(inc.consent) : ''}</dd>
          </dl>
        </Card>
        <Card id="what-h" title="What a withdrawal does">
          <ul>
            <li>The incident leaves every list, report, export and assessment at once, for everyone.</li>
            <li>Its evidence can no longer be listed or downloaded.</li>
            <li>Its history and audit trail stay; only an editor of its situation can restore it later, giving a reason.</li>
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
    if (!scope) return refusals.set(form, '/consent', 'New consent scope: choose what the survivor or witness agreed to.');
    if (!reason) return refusals.set(form, '/reason', 'Reason: say how consent was given again.');
    try {
      await call('POST', `/incidents/${enc(id)}/consent-restoration`, { consent: scope, reason });
      flash(`Consent for ${id} is restored as ${humanize(scope)}.`);
      navigate('/consent', true);
    } catch (e) {
      refusals.refuse(form, e, 'Not restored');
    }
  };
  return (
    <form noValidate aria-label={`Restore the consent of ${id}`} onSubmit={submit}>
      <Field label="New consent scope" pointer="/consent" refusals={refusals}>
        <select name="consent" required>
          <Options options={[['', 'Choose…'], ...RESTORED]} value="" />
        </select>
      </Field>
      <Field label="Reason" pointer="/reason" refusals={refusals} hint="How the survivor or witness gave consent again. It is kept in the history.">
        <textarea name="reason" rows={4} required maxLength={4000} />
      </Field>
      <div class="actions">
        <button type="submit">Restore consent</button> <a href="/consent">Cancel</a>
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
          <h1>Restore consent</h1>
          <p>{`${id} is not a withdrawn incident of your situations.`}</p>
          <p>
            <a href="/consent">Back to consent</a>
          </p>
        </>
      );
    return (
      <>
        <h1>{`Restore consent for ${id}`}</h1>
        <Card id="inc-h" title="The withdrawn incident">
          <dl class="facts">
            <dt>Situation</dt>
            <dd>{situation}</dd>
            <dt>Date</dt>
            <dd>{entry.date}</dd>
            <dt>Withdrawn</dt>
            <dd>{entry.last_change ? `by ${entry.last_change.by}, ${when(entry.last_change.at)}` : 'as imported'}</dd>
          </dl>
        </Card>
        <Card id="restore-h" title="Restoration">
          <p>The incident returns to lists, reports and the assessment under the scope you choose.</p>
          <RestoreForm id={id} />
        </Card>
      </>
    );
  },
});

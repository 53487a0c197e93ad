// Assessment: choose cycle and policy; recommendations beside decisions;
// criteria met and missed; record a decision (decision makers only);
// consistency audit and sensitivity.
import { useState } from 'preact/hooks';
import { call, enc, get, getOptional, qs } from '../api';
import { cycles, flash, navigate, situations } from '../app';
import { Badge, Card, humanize, Options } from '../components/common';
import { CriteriaLists, type Criterion } from '../components/criteria';
import { Field, useRefusals } from '../components/forms';
import { DataTable } from '../components/table';
import { hasMessage, t } from '../i18n';
import { definePage } from '../page';
import { hasRole } from '../session';
import { PARTY_STATUSES } from '../vocab';

interface AssessedParty {
  id: string;
  name: string;
  situation: string;
  recommended_status: string;
  status: string;
  previous_status: string;
  decided: boolean;
  override: boolean;
  rule?: number;
  criteria: Criterion[];
}
interface Assessment {
  cycle: number;
  policy: { name: string; version: string };
  parties: AssessedParty[];
  consistency: Array<{ party: string; status: string; reason: string; compared_with: string[] }>;
  sensitivity: Array<{ parameter: string; direction: string; value: unknown; new_value: unknown; changes: Array<{ party: string; status: string; new_status: string }> }>;
}
// The words for a value the assessment sends (a consistency reason, a
// sensitivity step), else the value itself.
function reasonText(reason: string): string {
  return hasMessage(`assessment.reason.${reason}`) ? t(`assessment.reason.${reason}`) : reason;
}
function stepText(step: string): string {
  return hasMessage(`assessment.step.${step}`) ? t(`assessment.step.${step}`) : step;
}

interface Decision {
  party: string;
  cycle: number;
  status: string;
  rationale?: string;
  decided_by?: string;
  date?: string;
}

// The decision form; choosing a party puts its current status in the
// status field.
function DecisionForm({ a, decisions, policy }: { a: Assessment; decisions: Decision[]; policy: string }) {
  const refusals = useRefusals();
  const [status, setStatus] = useState('none');
  const choose = (ev: Event) => {
    const p = a.parties.find((x) => x.id === (ev.currentTarget as HTMLSelectElement).value);
    if (p) setStatus(p.status);
  };
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const party = String(data.get('party') ?? '');
    const rationale = String(data.get('rationale') ?? '');
    const date = String(data.get('date') ?? '');
    if (!party) return refusals.set(form, '/party', t('assessment.decision.chooseParty'));
    if (!rationale.trim()) return refusals.set(form, '/rationale', t('assessment.decision.rationaleNeeded'));
    // A decision already recorded is replaced with the version read now.
    let ifMatch: string | null = null;
    if (decisions.some((d) => d.party === party)) {
      try {
        ifMatch = (await call<Decision>('GET', `/decisions/${enc(party)}/${a.cycle}`)).etag;
      } catch {
        ifMatch = null;
      }
    }
    const body: Record<string, unknown> = { party, cycle: a.cycle, status, rationale };
    if (date) body.date = date;
    try {
      await call('POST', '/decisions', body, { ifMatch });
      const name = a.parties.find((x) => x.id === party)?.name ?? party;
      flash(t('assessment.decision.recorded', { party: name, status: humanize(status), cycle: String(a.cycle) }));
      navigate(`/assessment${qs({ cycle: a.cycle, policy })}`, true);
    } catch (e) {
      refusals.refuse(form, e, t('assessment.decision.notRecorded'));
    }
  };
  return (
    <Card id="dec-h" title={t('assessment.decision.title')}>
      <form class="decision-form" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label={t('assessment.party')} pointer="/party" refusals={refusals}>
            <select name="party" required onChange={choose}>
              <Options
                options={[
                  ['', t('assessment.decision.choose')],
                  ...a.parties.map((p): [string, string] => [p.id, t('assessment.decision.partyOption', { party: p.name, status: humanize(p.recommended_status) })]),
                ]}
                value=""
              />
            </select>
          </Field>
          <Field label={t('assessment.decision.status')} pointer="/status" refusals={refusals}>
            <select name="status" value={status} onChange={(ev) => setStatus((ev.currentTarget as HTMLSelectElement).value)}>
              <Options options={PARTY_STATUSES.map((s): [string, string] => [s, humanize(s)])} />
            </select>
          </Field>
          <Field label={t('assessment.decision.date')} pointer="/date" refusals={refusals} hint={t('assessment.decision.dateHint')}>
            <input type="date" name="date" />
          </Field>
        </div>
        <Field label={t('assessment.decision.rationale')} pointer="/rationale" refusals={refusals} hint={t('assessment.decision.rationaleHint')}>
          <textarea name="rationale" rows={4} required />
        </Field>
        <div class="actions">
          <button type="submit">{t('assessment.decision.submit')}</button>
        </div>
      </form>
    </Card>
  );
}

export default definePage({
  load: async ({ params }) => {
    const cyc = await cycles();
    const cycle = Number(params.get('cycle') ?? cyc[cyc.length - 1]);
    const policies = (await getOptional<{ items: Array<{ name: string; version: string; default: boolean }> }>('/policies', '/policies'))?.items ?? [
      { name: 'default', version: '', default: true },
    ];
    const policy = params.get('policy') ?? policies.find((p) => p.default)?.name ?? 'default';
    const isDefault = policies.find((p) => p.name === policy)?.default ?? true;
    const [a, decisions, sits] = await Promise.all([
      get<Assessment>(`/assessments/${cycle}${isDefault ? '' : qs({ policy })}`),
      get<{ items: Decision[] }>(`/decisions${qs({ cycle })}`).then((r) => r.items),
      situations(),
    ]);
    return { cyc, cycle, policies, policy, a, decisions, sits };
  },
  View: ({ data: { cyc, cycle, policies, policy, a, decisions, sits } }) => {
    const name = (id: string) => a.parties.find((p) => p.id === id)?.name ?? id;
    const choose = (ev: SubmitEvent) => {
      ev.preventDefault();
      const data = new FormData(ev.currentTarget as HTMLFormElement);
      navigate(`/assessment${qs({ cycle: String(data.get('cycle')), policy: String(data.get('policy')) })}`);
    };
    // The columns of the tables.
    const recommendationHeaders = [
      t('assessment.party'),
      t('assessment.column.situation'),
      t('assessment.column.previous'),
      t('assessment.column.recommended'),
      t('assessment.status'),
      t('assessment.column.decision'),
    ];
    const consistencyHeaders = [t('assessment.party'), t('assessment.status'), t('assessment.consistency.reason'), t('assessment.consistency.comparedWith')];
    const sensitivityHeaders = [
      t('assessment.sensitivity.parameter'),
      t('assessment.sensitivity.step'),
      t('assessment.sensitivity.value'),
      t('assessment.sensitivity.changes'),
    ];
    const rows = a.parties.map((p) => {
      const d = decisions.find((x) => x.party === p.id);
      return [
        <a href={`/parties/${enc(p.id)}?cycle=${cycle}`}>{p.name}</a>,
        sits.find((s) => s.id === p.situation)?.name ?? p.situation,
        <Badge status={p.previous_status} />,
        <Badge status={p.recommended_status} />,
        <span>
          <Badge status={p.status} />
          {p.override ? <span class="badge badge-override">{t('assessment.override')}</span> : null}
        </span>,
        d ? (
          <>
            {d.decided_by ? t('assessment.decidedBy', { date: d.date ?? '', name: d.decided_by }) : (d.date ?? '')}
            {d.rationale ? <div class="rationale">{d.rationale}</div> : null}
          </>
        ) : (
          '—'
        ),
      ];
    });
    return (
      <>
        <h1>{t('assessment.title')}</h1>
        <form class="filters" aria-label={t('assessment.filters')} onSubmit={choose}>
          <Field label={t('assessment.cycle')}>
            <select name="cycle">
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(cycle)} />
            </select>
          </Field>
          <Field label={t('assessment.policy')}>
            <select name="policy">
              <Options options={policies.map((p): [string, string] => [p.name, `${p.name}${p.version ? ` ${p.version}` : ''}`])} value={policy} />
            </select>
          </Field>
          <div class="actions">
            <button type="submit">{t('assessment.run')}</button>
          </div>
        </form>
        <p class="lead">{t('assessment.lead', { cycle: String(a.cycle), policy: `${a.policy.name} ${a.policy.version}` })}</p>
        <Card id="rec-h" title={t('assessment.recommendations.title')}>
          <DataTable
            headers={recommendationHeaders}
            rows={rows}
            caption={t('assessment.recommendations.caption', { cycle: String(a.cycle) })}
            rowKeys={a.parties.map((p) => p.id)}
          />
        </Card>
        <Card id="crit-h" title={t('assessment.criteria.title')}>
          {a.parties.map((p) => (
            <details class="criteria-party" key={p.id}>
              <summary>
                {p.rule
                  ? t('assessment.criteria.summaryRule', { party: p.name, status: humanize(p.status), rule: p.rule })
                  : t('assessment.criteria.summary', { party: p.name, status: humanize(p.status) })}
              </summary>
              <CriteriaLists criteria={p.criteria} />
            </details>
          ))}
        </Card>
        {hasRole('decision_maker') ? <DecisionForm a={a} decisions={decisions} policy={policy} /> : null}
        <Card id="cons-h" title={t('assessment.consistency.title')}>
          <p class="hint">{t('assessment.consistency.hint')}</p>
          <DataTable
            headers={consistencyHeaders}
            rows={a.consistency.map((c) => [name(c.party), <Badge status={c.status} />, <span class={`reason reason-${c.reason}`}>{reasonText(c.reason)}</span>, c.compared_with.map(name).join(', ')])}
            caption={t('assessment.consistency.title')}
          />
        </Card>
        <Card id="sens-h" title={t('assessment.sensitivity.title')}>
          <DataTable
            headers={sensitivityHeaders}
            rows={a.sensitivity.map((s) => [
              humanize(s.parameter),
              stepText(s.direction),
              `${String(s.value)} → ${String(s.new_value)}`,
              s.changes.length ? s.changes.map((c) => `${name(c.party)}: ${humanize(c.status)} → ${humanize(c.new_status)}`).join('; ') : t('assessment.sensitivity.noChanges'),
            ])}
            caption={t('assessment.sensitivity.title')}
          />
        </Card>
      </>
    );
  },
});

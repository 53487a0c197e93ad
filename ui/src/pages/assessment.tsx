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
    if (!party) return refusals.set(form, '/party', 'Choose the party.');
    if (!rationale.trim()) return refusals.set(form, '/rationale', 'A decision needs a rationale.');
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
      flash(`Decision recorded: ${name}, ${humanize(status)}, for ${a.cycle}.`);
      navigate(`/assessment${qs({ cycle: a.cycle, policy })}`, true);
    } catch (e) {
      refusals.refuse(form, e, 'Not recorded');
    }
  };
  return (
    <Card id="dec-h" title="Record a decision">
      <form class="decision-form" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label="Party" pointer="/party" refusals={refusals}>
            <select name="party" required onChange={choose}>
              <Options options={[['', 'Choose…'], ...a.parties.map((p): [string, string] => [p.id, `${p.name} (recommended: ${humanize(p.recommended_status)})`])]} value="" />
            </select>
          </Field>
          <Field label="Decided status" pointer="/status" refusals={refusals}>
            <select name="status" value={status} onChange={(ev) => setStatus((ev.currentTarget as HTMLSelectElement).value)}>
              <Options options={PARTY_STATUSES.map((s): [string, string] => [s, humanize(s)])} />
            </select>
          </Field>
          <Field label="Date of the decision" pointer="/date" refusals={refusals} hint="Empty: today.">
            <input type="date" name="date" />
          </Field>
        </div>
        <Field label="Rationale" pointer="/rationale" refusals={refusals} hint="Required. Say why, especially when the decision departs from the recommendation.">
          <textarea name="rationale" rows={4} required />
        </Field>
        <div class="actions">
          <button type="submit">Record decision</button>
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
    const rows = a.parties.map((p) => {
      const d = decisions.find((x) => x.party === p.id);
      return [
        <a href={`/parties/${enc(p.id)}?cycle=${cycle}`}>{p.name}</a>,
        sits.find((s) => s.id === p.situation)?.name ?? p.situation,
        <Badge status={p.previous_status} />,
        <Badge status={p.recommended_status} />,
        <span>
          <Badge status={p.status} />
          {p.override ? <span class="badge badge-override">override</span> : null}
        </span>,
        d ? (
          <>
            {d.date ?? ''}
            {d.decided_by ? ` by ${d.decided_by}` : ''}
            {d.rationale ? <div class="rationale">{d.rationale}</div> : null}
          </>
        ) : (
          '—'
        ),
      ];
    });
    return (
      <>
        <h1>Assessment</h1>
        <form class="filters" aria-label="Choose cycle and policy" onSubmit={choose}>
          <Field label="Cycle">
            <select name="cycle">
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(cycle)} />
            </select>
          </Field>
          <Field label="Policy">
            <select name="policy">
              <Options options={policies.map((p): [string, string] => [p.name, `${p.name}${p.version ? ` ${p.version}` : ''}`])} value={policy} />
            </select>
          </Field>
          <div class="actions">
            <button type="submit">Run assessment</button>
          </div>
        </form>
        <p class="lead">{`Cycle ${a.cycle} under policy ${a.policy.name} ${a.policy.version}.`}</p>
        <Card id="rec-h" title="Recommendations and decisions">
          <DataTable headers={['Party', 'Situation', 'Previous', 'Recommended', 'Status', 'Decision']} rows={rows} caption={`Assessment ${a.cycle}`} rowKeys={a.parties.map((p) => p.id)} />
        </Card>
        <Card id="crit-h" title="Criteria met and missed">
          {a.parties.map((p) => (
            <details class="criteria-party" key={p.id}>
              <summary>{`${p.name}: ${humanize(p.status)}${p.rule ? ` (rule ${p.rule})` : ''}`}</summary>
              <CriteriaLists criteria={p.criteria} />
            </details>
          ))}
        </Card>
        {hasRole('decision_maker') ? <DecisionForm a={a} decisions={decisions} policy={policy} /> : null}
        <Card id="cons-h" title="Consistency audit">
          <p class="hint">Parties with at least the evidence of others but a lower status, and why.</p>
          <DataTable
            headers={['Party', 'Status', 'Reason', 'Compared with']}
            rows={a.consistency.map((c) => [name(c.party), <Badge status={c.status} />, <span class={`reason reason-${c.reason}`}>{c.reason}</span>, c.compared_with.map(name).join(', ')])}
            caption="Consistency audit"
          />
        </Card>
        <Card id="sens-h" title="Sensitivity">
          <DataTable
            headers={['Parameter', 'Step', 'Value', 'Changes']}
            rows={a.sensitivity.map((s) => [
              humanize(s.parameter),
              s.direction,
              `${String(s.value)} → ${String(s.new_value)}`,
              s.changes.length ? s.changes.map((c) => `${name(c.party)}: ${humanize(c.status)} → ${humanize(c.new_status)}`).join('; ') : 'none',
            ])}
            caption="Sensitivity"
          />
        </Card>
      </>
    );
  },
});

// Assessment: choose cycle and policy; recommendations beside decisions;
// criteria met and missed; record a decision (decision makers only);
// consistency audit and sensitivity.
import { ApiError, call, enc, get, getOptional, qs } from '../api';
import { announce, cycles, errorText, flash, navigate, situations } from '../app';
import { badge, field, h, humanize, nodes, select, table } from '../dom';
import { plainMessage } from '../messages';
import { hasRole } from '../session';
import { PARTY_STATUSES } from '../vocab';
import { criteriaLists } from './parties';

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
  criteria: Array<{ rule: string; threshold: unknown; observed: unknown; met: boolean; evidence: string }>;
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

function decisionForm(a: Assessment, decisions: Decision[], policy: string): HTMLElement {
  const partySel = select('party', [['', 'Choose…'], ...a.parties.map((p): [string, string] => [p.id, `${p.name} (recommended: ${humanize(p.recommended_status)})`])], '', { required: true });
  const statusSel = select('status', PARTY_STATUSES.map((s): [string, string] => [s, humanize(s)]), 'none');
  const rationale = h('textarea', { name: 'rationale', rows: '4', required: true, 'data-pointer': '/rationale' });
  const date = h('input', { type: 'date', name: 'date', 'data-pointer': '/date' });
  partySel.setAttribute('data-pointer', '/party');
  statusSel.setAttribute('data-pointer', '/status');
  const form = h(
    'form',
    { class: 'decision-form', novalidate: true },
    h('div', { class: 'grid-form' }, field('Party', partySel), field('Decided status', statusSel), field('Date of the decision', date, 'Empty: today.')),
    field('Rationale', rationale, 'Required. Say why, especially when the decision departs from the recommendation.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Record decision')),
  );
  partySel.addEventListener('change', () => {
    const p = a.parties.find((x) => x.id === partySel.value);
    if (p) statusSel.value = p.status;
  });
  const setErr = (ctl: HTMLElement | null, msg: string) => {
    const holder = ctl?.closest('.field');
    const p = holder?.querySelector<HTMLElement>('.field-error');
    if (p && ctl) {
      p.textContent = msg;
      p.hidden = false;
      ctl.setAttribute('aria-invalid', 'true');
      ctl.setAttribute('aria-describedby', `${ctl.getAttribute('aria-describedby') ?? ''} ${p.id}`.trim());
      ctl.focus();
    }
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll<HTMLElement>('.field-error').forEach((p) => (p.hidden = true));
    form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
    if (!partySel.value) return setErr(partySel, 'Choose the party.');
    if (!rationale.value.trim()) return setErr(rationale, 'A decision needs a rationale.');
    let ifMatch: string | null = null;
    if (decisions.some((d) => d.party === partySel.value)) {
      try {
        ifMatch = (await call<Decision>('GET', `/decisions/${enc(partySel.value)}/${a.cycle}`)).etag;
      } catch {
        ifMatch = null;
      }
    }
    const body: Record<string, unknown> = { party: partySel.value, cycle: a.cycle, status: statusSel.value, rationale: rationale.value };
    if (date.value) body.date = date.value;
    try {
      await call('POST', '/decisions', body, { ifMatch });
      const party = a.parties.find((x) => x.id === partySel.value)?.name ?? partySel.value;
      flash(`Decision recorded: ${party}, ${humanize(statusSel.value)}, for ${a.cycle}.`);
      navigate(`/assessment${qs({ cycle: a.cycle, policy })}`, true);
    } catch (e) {
      const ctl = e instanceof ApiError && e.field ? form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(e.field)}"]`) : null;
      // The refusal in words naming the field by its label.
      const label = ctl?.id ? [...(form.querySelector(`label[for="${CSS.escape(ctl.id)}"]`)?.childNodes ?? [])].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim() : '';
      const message = e instanceof ApiError ? plainMessage(e.detail, label || undefined) : errorText(e);
      if (ctl) setErr(ctl, message);
      announce(`Not recorded: ${message}`, 'error');
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'dec-h' }, h('h2', { id: 'dec-h' }, 'Record a decision'), form);
}

export default async function assessment(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const cyc = await cycles();
  const cycle = Number(params.get('cycle') ?? cyc[cyc.length - 1]);
  const policies = (await getOptional<{ items: Array<{ name: string; version: string; default: boolean }> }>('/policies', '/policies'))?.items ?? [{ name: 'default', version: '', default: true }];
  const policy = params.get('policy') ?? policies.find((p) => p.default)?.name ?? 'default';
  const cycleSel = select('cycle', cyc.map((c): [string, string] => [String(c), String(c)]), String(cycle));
  const policySel = select('policy', policies.map((p): [string, string] => [p.name, `${p.name}${p.version ? ` ${p.version}` : ''}`]), policy);
  const chooser = h('form', { class: 'filters', 'aria-label': 'Choose cycle and policy' }, field('Cycle', cycleSel), field('Policy', policySel), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Run assessment')));
  chooser.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(`/assessment${qs({ cycle: cycleSel.value, policy: policySel.value })}`);
  });
  const isDefault = policies.find((p) => p.name === policy)?.default ?? true;
  const [a, decisions, sits] = await Promise.all([
    get<Assessment>(`/assessments/${cycle}${isDefault ? '' : qs({ policy })}`),
    get<{ items: Decision[] }>(`/decisions${qs({ cycle })}`).then((r) => r.items),
    situations(),
  ]);
  const name = (id: string) => a.parties.find((p) => p.id === id)?.name ?? id;
  const rows = a.parties.map((p) => {
    const d = decisions.find((x) => x.party === p.id);
    return [
      h('a', { href: `/parties/${enc(p.id)}?cycle=${cycle}` }, p.name),
      sits.find((s) => s.id === p.situation)?.name ?? p.situation,
      badge(p.previous_status),
      badge(p.recommended_status),
      h('span', null, badge(p.status), p.override ? h('span', { class: 'badge badge-override' }, 'override') : null),
      d ? [d.date ?? '', d.decided_by ? ` by ${d.decided_by}` : '', d.rationale ? h('div', { class: 'rationale' }, d.rationale) : null] : '—',
    ];
  });
  main.append(
    ...nodes(
    h('h1', null, 'Assessment'),
    chooser,
    h('p', { class: 'lead' }, `Cycle ${a.cycle} under policy ${a.policy.name} ${a.policy.version}.`),
    h('section', { class: 'card', 'aria-labelledby': 'rec-h' }, h('h2', { id: 'rec-h' }, 'Recommendations and decisions'), table(['Party', 'Situation', 'Previous', 'Recommended', 'Status', 'Decision'], rows, `Assessment ${a.cycle}`)),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'crit-h' },
      h('h2', { id: 'crit-h' }, 'Criteria met and missed'),
      a.parties.map((p) => h('details', { class: 'criteria-party' }, h('summary', null, `${p.name}: ${humanize(p.status)}${p.rule ? ` (rule ${p.rule})` : ''}`), criteriaLists(p.criteria))),
    ),
    hasRole('decision_maker') ? decisionForm(a, decisions, policy) : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'cons-h' },
      h('h2', { id: 'cons-h' }, 'Consistency audit'),
      h('p', { class: 'hint' }, 'Parties with at least the evidence of others but a lower status, and why.'),
      table(['Party', 'Status', 'Reason', 'Compared with'], a.consistency.map((c) => [name(c.party), badge(c.status), h('span', { class: `reason reason-${c.reason}` }, c.reason), c.compared_with.map(name).join(', ')]), 'Consistency audit'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'sens-h' },
      h('h2', { id: 'sens-h' }, 'Sensitivity'),
      table(
        ['Parameter', 'Step', 'Value', 'Changes'],
        a.sensitivity.map((s) => [humanize(s.parameter), s.direction, `${String(s.value)} → ${String(s.new_value)}`, s.changes.length ? s.changes.map((c) => `${name(c.party)}: ${humanize(c.status)} → ${humanize(c.new_status)}`).join('; ') : 'none']),
        'Sensitivity',
      ),
    ),
    ),
  );
}

// Petitions of parties (GET/POST /petitions, POST /petitions/{id}/ruling):
// the list, per party when one is chosen; for decision makers and admins
// the form to file one a party sent; for decision makers the ruling, whose
// reason the server requires (its refusal is shown beside the field). What
// a reader sees of each petition is the server's view for its edition.
import { call, enc, get, qs } from '../api';
import { flash, navigate, parties } from '../app';
import { field, h, humanize, nodes, select, table } from '../dom';
import { hasRole } from '../session';
import { clearErrors, showRefusal } from './forms';

interface Petition {
  id: string;
  party: string;
  filed: string;
  cycle?: number;
  grounds?: string;
  new_material?: boolean;
  outcome: string;
  decided?: string;
  decided_by?: string;
  reason?: string;
}

function fileForm(options: Array<[string, string]>, party: string): HTMLElement {
  const partySel = select('party', [['', 'Choose a party'], ...options], party, { required: true, 'data-pointer': '/party' });
  const grounds = h('textarea', { name: 'grounds', rows: '3', required: true, 'data-pointer': '/grounds' });
  const cycle = h('input', { type: 'number', name: 'cycle', min: '1000', max: '9999', inputmode: 'numeric', 'data-pointer': '/cycle' });
  const material = h('input', { type: 'checkbox', name: 'new_material', id: 'pet-new-material', 'data-pointer': '/new_material' });
  const form = h(
    'form',
    { class: 'petition-form', novalidate: true },
    h('div', { class: 'grid-form' }, field('Party', partySel), field('Cycle contested', cycle, 'Optional: the cycle whose status the party contests.')),
    field('Grounds', grounds, 'What the party asks and why, as it wrote.'),
    h('div', { class: 'field' }, h('span', { class: 'check' }, material, h('label', { for: 'pet-new-material' }, 'The petition brings new material')), h('p', { class: 'field-error', id: 'pet-new-material-error', hidden: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'File petition')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body: Record<string, unknown> = { party: partySel.value, grounds: grounds.value, new_material: material.checked };
    if (cycle.value) body.cycle = Number(cycle.value);
    try {
      const r = await call<Petition>('POST', '/petitions', body);
      flash(`Petition of ${r.data.party} filed on ${r.data.filed} (pending).`);
      navigate(`/petitions${qs({ party: r.data.party })}`, true);
    } catch (e) {
      showRefusal(form, e, 'Not filed', { '/party': 'Party', '/grounds': 'Grounds', '/cycle': 'Cycle contested', '/new_material': 'New material' });
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'pet-file-h' }, h('h2', { id: 'pet-file-h' }, 'File a petition'), form);
}

function ruleForm(pending: Petition[], partyName: (id: string) => string): HTMLElement {
  const which = select(
    'petition',
    pending.map((p): [string, string] => [p.id, `${partyName(p.party)}, filed ${p.filed}`]),
    pending[0]?.id,
    { required: true, 'data-pointer': 'id' },
  );
  const outcome = select('outcome', [['rejected', 'Rejected'], ['granted', 'Granted']], 'rejected', { required: true, 'data-pointer': '/outcome' });
  const reason = h('textarea', { name: 'rationale', rows: '3', required: true, 'data-pointer': '/rationale' });
  const form = h(
    'form',
    { class: 'petition-ruling', novalidate: true },
    h('div', { class: 'grid-form' }, field('Petition', which), field('Outcome', outcome)),
    field('Reason', reason, 'Required. Why the petition is granted or rejected; granting one on a listed or on-notice party records a decision of none for its cycle.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Record ruling')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    try {
      const r = await call<Petition>('POST', `/petitions/${enc(which.value)}/ruling`, { outcome: outcome.value, rationale: reason.value });
      flash(`Petition of ${r.data.party} filed on ${r.data.filed}: ${humanize(r.data.outcome)}.`);
      navigate(`/petitions${qs({ party: r.data.party })}`, true);
    } catch (e) {
      showRefusal(form, e, 'Not ruled', { '/rationale': 'Reason', '/outcome': 'Outcome', id: 'Petition' });
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'pet-rule-h' }, h('h2', { id: 'pet-rule-h' }, 'Rule on a petition'), form);
}

export default async function petitions(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const party = params.get('party') ?? '';
  const [list, all] = await Promise.all([get<{ items: Petition[] }>(`/petitions${qs({ party })}`), parties()]);
  const names = new Map(all.map((p) => [p.id, p.name]));
  const partyName = (id: string) => names.get(id) ?? id;
  const options = all.map((p): [string, string] => [p.id, `${p.name} (${p.id})`]);
  const filter = select('party', [['', 'All parties'], ...options], party, { id: 'pet-filter' });
  filter.addEventListener('change', () => navigate(`/petitions${qs({ party: filter.value })}`));
  const pending = list.items.filter((p) => p.outcome === 'pending');
  const shown = party ? `Petitions of ${partyName(party)}` : 'Petitions';
  main.append(
    ...nodes(
      h('h1', null, shown),
      h('p', { class: 'lead' }, 'A party may petition for review or delisting. It may have one pending petition; a repeat without new material since its last decided petition is recorded as inadmissible. Every ruling gives its reason.'),
      h('div', { class: 'field' }, h('label', { for: 'pet-filter' }, 'Show the petitions of'), filter),
      hasRole('decision_maker', 'admin') ? fileForm(options, party) : null,
      hasRole('decision_maker') && pending.length ? ruleForm(pending, partyName) : null,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'pet-list-h' },
        h('h2', { id: 'pet-list-h' }, 'Filed petitions'),
        table(
          ['Party', 'Filed', 'Cycle', 'Grounds', 'Outcome', 'Decided', 'Reason'],
          list.items.map((p) => [partyName(p.party), p.filed, p.cycle ? String(p.cycle) : '', p.grounds ?? '', humanize(p.outcome), p.decided ?? '', p.reason ?? '']),
          shown,
          undefined,
          { empty: 'No petitions.' },
        ),
      ),
    ),
  );
}

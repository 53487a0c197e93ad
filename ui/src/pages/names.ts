// Name review: the perpetrator names the importers could not match to a
// party with confidence (GET /name-reviews), each with its candidates, and
// the decision on one (POST /name-reviews/{id}/decision): accept the best
// candidate, assign the name to another party, reject the candidates (the
// name keeps its provisional party), or confirm it as a party of its own;
// every decision with a reason, kept with it. Analysts and admins.
import { call, get, qs } from '../api';
import { flash, navigate, parties, resetCaches } from '../app';
import { field, h, humanize, select, table } from '../dom';
import { clearErrors, setError, showError, when } from '../form_fields';

interface Candidate {
  party: string;
  name: string;
  score: number;
  features?: string;
}
interface NameReview {
  id: number;
  origin: string;
  query: string;
  provisional_party: string;
  candidates: Candidate[];
  reason: string;
  status: string;
  resolved_party?: string;
  decided_by?: string;
  decided_at?: string;
  note?: string;
}

const ACTIONS: Array<[string, string]> = [
  ['accept', 'Accept the best candidate'],
  ['assign', 'Assign to another party'],
  ['reject', 'Reject the candidates (keep the provisional party)'],
  ['create', 'Confirm as a party of its own'],
];

function decisionForm(entry: NameReview, partyOptions: Array<[string, string]>): HTMLElement {
  const action = select('action', [['', 'Choose…'], ...ACTIONS], '', { required: true, 'data-pointer': '/action' });
  const target = select('target', [['', 'Choose a party…'], ...partyOptions], '', { 'data-pointer': '/target' });
  const targetField = field('Party', target, 'The party this name belongs to.');
  targetField.hidden = true;
  const reason = h('textarea', { name: 'note', rows: '3', required: true, maxlength: '4000', 'data-pointer': '/note' });
  action.addEventListener('change', () => {
    targetField.hidden = action.value !== 'assign';
    target.required = action.value === 'assign';
  });
  const form = h(
    'form',
    { class: 'name-decision', novalidate: true, 'aria-label': `Decide on “${entry.query}”` },
    h('div', { class: 'grid-form' }, field('Decision', action), targetField),
    field('Reason', reason, 'Why this decision: it is kept with it and shown in the queue.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Record decision')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!action.value) return setError(action, 'Decision: choose what to do with this name.');
    if (action.value === 'assign' && !target.value) return setError(target, 'Party: choose the party this name belongs to.');
    if (!reason.value.trim()) return setError(reason, 'Reason: say why you decide so.');
    const body: Record<string, string> = { action: action.value === 'assign' ? 'accept' : action.value, note: reason.value.trim() };
    if (action.value === 'assign') body.target = target.value;
    try {
      const r = await call<NameReview & { aliases_added: number; incidents_moved: number }>('POST', `/name-reviews/${entry.id}/decision`, body);
      resetCaches();
      const moved = r.data.incidents_moved ? `; ${r.data.incidents_moved} incident${r.data.incidents_moved === 1 ? '' : 's'} moved` : '';
      flash(`“${entry.query}”: ${humanize(r.data.status)}${r.data.resolved_party ? ` as ${r.data.resolved_party}` : ''}${moved}.`);
      navigate('/names', true);
    } catch (e) {
      showError(form, e, 'Not recorded');
    }
  });
  return form;
}

function candidatesTable(entry: NameReview, names: Map<string, string>): HTMLElement {
  return table(
    ['Party', 'Matched name', 'Score', 'Why'],
    entry.candidates.map((c) => [`${names.get(c.party) ?? c.party} (${c.party})`, c.name, c.score.toFixed(2), c.features ?? '']),
    `Candidates for “${entry.query}”`,
    undefined,
    { empty: 'No candidate came close.' },
  );
}

export default async function nameReview(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const all = params.get('all') === 'true';
  const [queue, ps] = await Promise.all([get<{ items: NameReview[] }>(`/name-reviews${qs({ all: all ? 'true' : undefined })}`), parties()]);
  const names = new Map(ps.map((p) => [p.id, p.name]));
  const partyOptions = ps.map((p): [string, string] => [p.id, `${p.name} (${p.id})`]).sort((a, b) => a[1].localeCompare(b[1]));
  const pending = queue.items.filter((e) => e.status === 'pending');
  const decided = queue.items.filter((e) => e.status !== 'pending');
  const toggle = h('a', { href: all ? '/names' : '/names?all=true' }, all ? 'Show the pending names only' : 'Show decided names too');
  main.append(
    h('h1', null, 'Name review'),
    h('p', null, 'Perpetrator names from imports that matched no party with confidence. Decide each one: the decision rewrites the party registry and moves the incidents it names.'),
    h('p', null, toggle),
  );
  const list = h('section', { 'aria-labelledby': 'pending-h' }, h('h2', { id: 'pending-h' }, `Waiting for a decision (${pending.length})`));
  if (pending.length === 0) list.append(h('p', null, 'No name is waiting for review.'));
  for (const entry of pending) {
    const headingId = `nr-${entry.id}`;
    list.append(
      h(
        'article',
        { class: 'card name-review', 'aria-labelledby': headingId },
        h('h3', { id: headingId }, `“${entry.query}”`),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'From'),
          h('dd', null, entry.origin),
          h('dt', null, 'Held for now as'),
          h('dd', null, `${names.get(entry.provisional_party) ?? entry.provisional_party} (${entry.provisional_party})`),
          h('dt', null, 'Why it waits'),
          h('dd', null, entry.reason),
        ),
        candidatesTable(entry, names),
        decisionForm(entry, partyOptions),
      ),
    );
  }
  main.append(list);
  if (all) {
    main.append(
      h(
        'section',
        { 'aria-labelledby': 'decided-h' },
        h('h2', { id: 'decided-h' }, 'Decided'),
        table(
          ['Name', 'Decision', 'Party', 'Reason', 'By', 'When'],
          decided.map((e) => [e.query, humanize(e.status), e.resolved_party ? `${names.get(e.resolved_party) ?? e.resolved_party} (${e.resolved_party})` : '', e.note ?? '', e.decided_by ?? '', when(e.decided_at)]),
          'Decided names',
          undefined,
          { empty: 'No name has been decided yet.' },
        ),
      ),
    );
  }
}

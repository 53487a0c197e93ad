// Name review: the perpetrator names the importers could not match to a
// party with confidence (GET /name-reviews), each with its candidates, and
// the decision on one (POST /name-reviews/{id}/decision): accept the best
// candidate, assign the name to another party, reject the candidates (the
// name keeps its provisional party), or confirm it as a party of its own;
// every decision with a reason, kept with it. Analysts and admins.
import { useState } from 'preact/hooks';
import { call, get, qs } from '../api';
import { flash, navigate, parties, resetCaches } from '../app';
import { humanize, Options } from '../components/common';
import { Field, useRefusals, when } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';

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

// The decision on one name; the party to assign it to is asked only for an
// assignment.
function DecisionForm({ entry, partyOptions }: { entry: NameReview; partyOptions: Array<[string, string]> }) {
  const refusals = useRefusals();
  const [action, setAction] = useState('');
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const target = String(data.get('target') ?? '');
    const reason = String(data.get('note') ?? '').trim();
    if (!action) return refusals.set(form, '/action', 'Decision: choose what to do with this name.');
    if (action === 'assign' && !target) return refusals.set(form, '/target', 'Party: choose the party this name belongs to.');
    if (!reason) return refusals.set(form, '/note', 'Reason: say why you decide so.');
    const body: Record<string, string> = { action: action === 'assign' ? 'accept' : action, note: reason };
    if (action === 'assign') body.target = target;
    try {
      const r = await call<NameReview & { aliases_added: number; incidents_moved: number }>('POST', `/name-reviews/${entry.id}/decision`, body);
      resetCaches();
      const moved = r.data.incidents_moved ? `; ${t('names.incidentsMoved', { count: r.data.incidents_moved })} moved` : '';
      flash(`“${entry.query}”: ${humanize(r.data.status)}${r.data.resolved_party ? ` as ${r.data.resolved_party}` : ''}${moved}.`);
      navigate('/names', true);
    } catch (e) {
      refusals.refuse(form, e, 'Not recorded');
    }
  };
  return (
    <form class="name-decision" noValidate aria-label={`Decide on “${entry.query}”`} onSubmit={submit}>
      <div class="grid-form">
        <Field label="Decision" pointer="/action" refusals={refusals}>
          <select name="action" required onChange={(ev) => setAction((ev.currentTarget as HTMLSelectElement).value)}>
            <Options options={[['', 'Choose…'], ...ACTIONS]} value="" />
          </select>
        </Field>
        {action === 'assign' ? (
          <Field label="Party" pointer="/target" refusals={refusals} hint="The party this name belongs to.">
            <select name="target" required>
              <Options options={[['', 'Choose a party…'], ...partyOptions]} value="" />
            </select>
          </Field>
        ) : null}
      </div>
      <Field label="Reason" pointer="/note" refusals={refusals} hint="Why this decision: it is kept with it and shown in the queue.">
        <textarea name="note" rows={3} required maxLength={4000} />
      </Field>
      <div class="actions">
        <button type="submit">Record decision</button>
      </div>
    </form>
  );
}

function CandidatesTable({ entry, names }: { entry: NameReview; names: Map<string, string> }) {
  return (
    <DataTable
      headers={['Party', 'Matched name', 'Score', 'Why']}
      rows={entry.candidates.map((c) => [`${names.get(c.party) ?? c.party} (${c.party})`, c.name, c.score.toFixed(2), c.features ?? ''])}
      caption={`Candidates for “${entry.query}”`}
      empty="No candidate came close."
    />
  );
}

export default definePage({
  load: async ({ params }) => {
    const all = params.get('all') === 'true';
    const [queue, ps] = await Promise.all([get<{ items: NameReview[] }>(`/name-reviews${qs({ all: all ? 'true' : undefined })}`), parties()]);
    return { all, items: queue.items, ps };
  },
  View: ({ data: { all, items, ps } }) => {
    const names = new Map(ps.map((p) => [p.id, p.name]));
    const partyOptions = ps.map((p): [string, string] => [p.id, `${p.name} (${p.id})`]).sort((a, b) => a[1].localeCompare(b[1]));
    const pending = items.filter((e) => e.status === 'pending');
    const decided = items.filter((e) => e.status !== 'pending');
    return (
      <>
        <h1>Name review</h1>
        <p>Perpetrator names from imports that matched no party with confidence. Decide each one: the decision rewrites the party registry and moves the incidents it names.</p>
        <p>
          <a href={all ? '/names' : '/names?all=true'}>{all ? 'Show the pending names only' : 'Show decided names too'}</a>
        </p>
        <section aria-labelledby="pending-h">
          <h2 id="pending-h">{`Waiting for a decision (${pending.length})`}</h2>
          {pending.length === 0 ? <p>No name is waiting for review.</p> : null}
          {pending.map((entry) => (
            <article class="card name-review" aria-labelledby={`nr-${entry.id}`} key={entry.id}>
              <h3 id={`nr-${entry.id}`}>{`“${entry.query}”`}</h3>
              <dl class="facts">
                <dt>From</dt>
                <dd>{entry.origin}</dd>
                <dt>Held for now as</dt>
                <dd>{`${names.get(entry.provisional_party) ?? entry.provisional_party} (${entry.provisional_party})`}</dd>
                <dt>Why it waits</dt>
                <dd>{entry.reason}</dd>
              </dl>
              <CandidatesTable entry={entry} names={names} />
              <DecisionForm entry={entry} partyOptions={partyOptions} />
            </article>
          ))}
        </section>
        {all ? (
          <section aria-labelledby="decided-h">
            <h2 id="decided-h">Decided</h2>
            <DataTable
              headers={['Name', 'Decision', 'Party', 'Reason', 'By', 'When']}
              rows={decided.map((e) => [
                e.query,
                humanize(e.status),
                e.resolved_party ? `${names.get(e.resolved_party) ?? e.resolved_party} (${e.resolved_party})` : '',
                e.note ?? '',
                e.decided_by ?? '',
                when(e.decided_at),
              ])}
              caption="Decided names"
              empty="No name has been decided yet."
              rowKeys={decided.map((e) => String(e.id))}
            />
          </section>
        ) : null}
      </>
    );
  },
});

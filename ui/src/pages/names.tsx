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

// The decisions on a name, in words.
function actions(): Array<[string, string]> {
  return [
    ['accept', t('names.action.accept')],
    ['assign', t('names.action.assign')],
    ['reject', t('names.action.reject')],
    ['create', t('names.action.create')],
  ];
}

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
    if (!action) return refusals.set(form, '/action', t('names.decision.actionRequired'));
    if (action === 'assign' && !target) return refusals.set(form, '/target', t('names.decision.partyRequired'));
    if (!reason) return refusals.set(form, '/note', t('names.decision.reasonRequired'));
    const body: Record<string, string> = { action: action === 'assign' ? 'accept' : action, note: reason };
    if (action === 'assign') body.target = target;
    try {
      const r = await call<NameReview & { aliases_added: number; incidents_moved: number }>('POST', `/name-reviews/${entry.id}/decision`, body);
      resetCaches();
      const name = entry.query;
      const status = humanize(r.data.status);
      const party = r.data.resolved_party;
      const incidents = r.data.incidents_moved ? t('names.incidentsMoved', { count: r.data.incidents_moved }) : '';
      flash(
        party
          ? incidents
            ? t('names.decision.doneAsMoved', { name, status, party, incidents })
            : t('names.decision.doneAs', { name, status, party })
          : incidents
            ? t('names.decision.doneMoved', { name, status, incidents })
            : t('names.decision.done', { name, status }),
      );
      navigate('/names', true);
    } catch (e) {
      refusals.refuse(form, e, t('names.decision.notRecorded'));
    }
  };
  return (
    <form class="name-decision" noValidate aria-label={t('names.decision.formLabel', { name: entry.query })} onSubmit={submit}>
      <div class="grid-form">
        <Field label={t('names.decision.action')} pointer="/action" refusals={refusals}>
          <select name="action" required onChange={(ev) => setAction((ev.currentTarget as HTMLSelectElement).value)}>
            <Options options={[['', t('names.decision.choose')], ...actions()]} value="" />
          </select>
        </Field>
        {action === 'assign' ? (
          <Field label={t('names.decision.party')} pointer="/target" refusals={refusals} hint={t('names.decision.partyHint')}>
            <select name="target" required>
              <Options options={[['', t('names.decision.chooseParty')], ...partyOptions]} value="" />
            </select>
          </Field>
        ) : null}
      </div>
      <Field label={t('names.decision.reason')} pointer="/note" refusals={refusals} hint={t('names.decision.reasonHint')}>
        <textarea name="note" rows={3} required maxLength={4000} />
      </Field>
      <div class="actions">
        <button type="submit">{t('names.decision.submit')}</button>
      </div>
    </form>
  );
}

function CandidatesTable({ entry, names }: { entry: NameReview; names: Map<string, string> }) {
  const headers = [t('names.candidates.party'), t('names.candidates.name'), t('names.candidates.score'), t('names.candidates.why')];
  return (
    <DataTable
      headers={headers}
      rows={entry.candidates.map((c) => [`${names.get(c.party) ?? c.party} (${c.party})`, c.name, c.score.toFixed(2), c.features ?? ''])}
      caption={t('names.candidates.caption', { name: entry.query })}
      empty={t('names.candidates.empty')}
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
    const decidedHeaders = [
      t('names.decided.name'),
      t('names.decided.decision'),
      t('names.decided.party'),
      t('names.decided.reason'),
      t('names.decided.by'),
      t('names.decided.when'),
    ];
    return (
      <>
        <h1>{t('names.title')}</h1>
        <p>{t('names.intro')}</p>
        <p>
          <a href={all ? '/names' : '/names?all=true'}>{all ? t('names.showPending') : t('names.showDecided')}</a>
        </p>
        <section aria-labelledby="pending-h">
          <h2 id="pending-h">{t('names.pending.title', { count: pending.length })}</h2>
          {pending.length === 0 ? <p>{t('names.pending.empty')}</p> : null}
          {pending.map((entry) => (
            <article class="card name-review" aria-labelledby={`nr-${entry.id}`} key={entry.id}>
              <h3 id={`nr-${entry.id}`}>{t('names.quoted', { name: entry.query })}</h3>
              <dl class="facts">
                <dt>{t('names.fact.from')}</dt>
                <dd>{entry.origin}</dd>
                <dt>{t('names.fact.heldAs')}</dt>
                <dd>
                  <bdi>{names.get(entry.provisional_party) ?? entry.provisional_party}</bdi> ({entry.provisional_party})
                </dd>
                <dt>{t('names.fact.why')}</dt>
                <dd>{entry.reason}</dd>
              </dl>
              <CandidatesTable entry={entry} names={names} />
              <DecisionForm entry={entry} partyOptions={partyOptions} />
            </article>
          ))}
        </section>
        {all ? (
          <section aria-labelledby="decided-h">
            <h2 id="decided-h">{t('names.decided.title')}</h2>
            <DataTable
              headers={decidedHeaders}

              rows={decided.map((e) => [
                e.query,
                humanize(e.status),
                e.resolved_party ? `${names.get(e.resolved_party) ?? e.resolved_party} (${e.resolved_party})` : '',
                e.note ?? '',
                e.decided_by ?? '',
                when(e.decided_at),
              ])}
              caption={t('names.decided.caption')}
              empty={t('names.decided.empty')}

              rowKeys={decided.map((e) => String(e.id))}
            />
          </section>
        ) : null}
      </>
    );
  },
});

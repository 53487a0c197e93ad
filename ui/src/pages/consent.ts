// Consent: the incidents of the monitor's situations whose consent keeps
// them out of reports (internal use) or out of everything (withdrawn), from
// GET /consent-register. A withdrawal is recorded in a step of its own that
// says what it does and asks for a confirmation (PUT /incidents/{id}/consent
// with If-Match); a restoration is another, separate step with the new
// scope and the reason (POST /incidents/{id}/consent-restoration). Nothing
// here shows more of a withdrawn incident than its tombstone keeps.
import { ApiError, call, enc, get } from '../api';
import { flash, link, navigate, situations } from '../app';
import { badge, field, h, humanize, requiredMark, select, table, uid } from '../dom';
import { clearErrors, setError, showError, when } from '../form_fields';

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

export async function consentRegister(main: HTMLElement): Promise<void> {
  const [reg, sits] = await Promise.all([get<{ items: ConsentEntry[] }>('/consent-register'), situations()]);
  const sitName = new Map(sits.map((s) => [s.id, s.name]));
  const rows = reg.items.map((e) => {
    const withdrawn = e.consent === 'withdrawn';
    const change = e.last_change ? `${humanize(e.last_change.action)} by ${e.last_change.by}, ${when(e.last_change.at)}${e.last_change.reason ? `: ${e.last_change.reason}` : ''}` : 'as imported';
    return [
      withdrawn ? e.id : link(`/incidents/${enc(e.id)}`, e.id),
      sitName.get(e.situation) ?? e.situation,
      e.date,
      badge(e.consent),
      change,
      withdrawn
        ? link(`/consent/${enc(e.id)}/restore`, 'Restore consent', { 'aria-label': `Restore consent of ${e.id}` })
        : link(`/consent/${enc(e.id)}/withdraw`, 'Record a withdrawal', { 'aria-label': `Record a withdrawal for ${e.id}` }),
    ];
  });
  const idInput = h('input', { type: 'text', name: 'incident', required: true, autocomplete: 'off', spellcheck: 'false', 'data-pointer': 'incident' });
  const start = h('form', { class: 'inline-form', novalidate: true, 'aria-label': 'Record a withdrawal for another incident' }, field('Incident ID', idInput), h('button', { type: 'submit' }, 'Continue'));
  start.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(start);
    const id = idInput.value.trim();
    if (!id) return setError(idInput, 'Incident ID: enter the ID of the incident, such as I-2025-001.');
    navigate(`/consent/${enc(id)}/withdraw`);
  });
  main.append(
    h('h1', null, 'Consent'),
    h('p', null, 'Incidents of your situations whose consent limits their use. Withdrawn incidents leave every list, report and assessment; only a restoration, with its reason, brings one back.'),
    h(
      'section',
      { 'aria-labelledby': 'reg-h' },
      h('h2', { id: 'reg-h' }, 'Limited or withdrawn consent'),
      table(['Incident', 'Situation', 'Date', 'Consent', 'Last change', 'Next step'], rows, 'Incidents with limited or withdrawn consent', undefined, { empty: 'No incident of your situations has limited or withdrawn consent.' }),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'start-h' }, h('h2', { id: 'start-h' }, 'Record a withdrawal'), h('p', null, 'When a survivor or witness withdraws consent for an incident not listed above, start from its ID.'), start),
  );
}

export async function withdrawConsent(main: HTMLElement, _p: URLSearchParams, [id]: string[]): Promise<void> {
  let reply;
  try {
    reply = await call<IncidentSummary>('GET', `/incidents/${enc(id)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      main.append(h('h1', null, 'Withdraw consent'), h('p', null, `There is no incident ${id} that you can see. A withdrawn incident can only be restored.`), h('p', null, link('/consent', 'Back to consent')));
      return;
    }
    throw e;
  }
  const inc = reply.data;
  const confirmBox = h('input', { type: 'checkbox', id: uid('confirm'), name: 'confirm', required: true, 'data-pointer': 'confirm' });
  const form = h(
    'form',
    { novalidate: true, 'aria-label': `Confirm the withdrawal for ${inc.id}` },
    h(
      'div',
      { class: 'field' },
      h('div', { class: 'check' }, confirmBox, h('label', { for: confirmBox.id }, `The survivor or witness has withdrawn consent for ${inc.id}`), requiredMark()),
      h('p', { class: 'field-error', id: `${confirmBox.id}-error`, hidden: true }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Confirm withdrawal'), ' ', link('/consent', 'Cancel')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!confirmBox.checked) return setError(confirmBox, 'Confirm that consent was withdrawn before you record it.');
    try {
      await call('PUT', `/incidents/${enc(inc.id)}/consent`, { consent: 'withdrawn' }, { ifMatch: reply.etag });
      flash(`Consent for ${inc.id} is recorded as withdrawn. The incident has left every list, report and assessment.`);
      navigate('/consent', true);
    } catch (e) {
      showError(form, e, 'Not recorded');
    }
  });
  main.append(
    h('h1', null, `Withdraw consent for ${inc.id}`),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'inc-h' },
      h('h2', { id: 'inc-h' }, 'The incident'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Situation'),
        h('dd', null, await situationName(inc.situation)),
        h('dt', null, 'Date'),
        h('dd', null, inc.date),
        h('dt', null, 'Place'),
        h('dd', null, inc.location?.name ?? ''),
        h('dt', null, 'Consent now'),
        h('dd', null, inc.consent ? humanize(inc.consent) : ''),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'what-h' },
      h('h2', { id: 'what-h' }, 'What a withdrawal does'),
      h(
        'ul',
        null,
        h('li', null, 'The incident leaves every list, report, export and assessment at once, for everyone.'),
        h('li', null, 'Its evidence can no longer be listed or downloaded.'),
        h('li', null, 'Its history and audit trail stay; only an editor of its situation can restore it later, giving a reason.'),
      ),
      form,
    ),
  );
}

export async function restoreConsent(main: HTMLElement, _p: URLSearchParams, [id]: string[]): Promise<void> {
  const reg = await get<{ items: ConsentEntry[] }>('/consent-register');
  const entry = reg.items.find((e) => e.id === id && e.consent === 'withdrawn');
  if (!entry) {
    main.append(h('h1', null, 'Restore consent'), h('p', null, `${id} is not a withdrawn incident of your situations.`), h('p', null, link('/consent', 'Back to consent')));
    return;
  }
  const scope = select('consent', [['', 'Choose…'], ...RESTORED], '', { required: true, 'data-pointer': '/consent' });
  const reason = h('textarea', { name: 'reason', rows: '4', required: true, maxlength: '4000', 'data-pointer': '/reason' });
  const form = h(
    'form',
    { novalidate: true, 'aria-label': `Restore the consent of ${id}` },
    field('New consent scope', scope),
    field('Reason', reason, 'How the survivor or witness gave consent again. It is kept in the history.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Restore consent'), ' ', link('/consent', 'Cancel')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!scope.value) return setError(scope, 'New consent scope: choose what the survivor or witness agreed to.');
    if (!reason.value.trim()) return setError(reason, 'Reason: say how consent was given again.');
    try {
      await call('POST', `/incidents/${enc(id)}/consent-restoration`, { consent: scope.value, reason: reason.value.trim() });
      flash(`Consent for ${id} is restored as ${humanize(scope.value)}.`);
      navigate('/consent', true);
    } catch (e) {
      showError(form, e, 'Not restored');
    }
  });
  main.append(
    h('h1', null, `Restore consent for ${id}`),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'inc-h' },
      h('h2', { id: 'inc-h' }, 'The withdrawn incident'),
      h('dl', { class: 'facts' }, h('dt', null, 'Situation'), h('dd', null, await situationName(entry.situation)), h('dt', null, 'Date'), h('dd', null, entry.date), h('dt', null, 'Withdrawn'), h('dd', null, entry.last_change ? `by ${entry.last_change.by}, ${when(entry.last_change.at)}` : 'as imported')),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'restore-h' }, h('h2', { id: 'restore-h' }, 'Restoration'), h('p', null, 'The incident returns to lists, reports and the assessment under the scope you choose.'), form),
  );
}

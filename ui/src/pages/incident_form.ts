// Create or edit one incident (POST /incidents, PUT /incidents/{id}). Every
// control carries the JSON pointer of the body member it fills
// (data-pointer), so a problem's `field` from the API lands beside the
// right input; client-side checks use the same path. The fields the server
// requires (domain/validate.cc, json_codec.cc: ID, situation, date, place
// name, at least one violation, context, status, each perpetrator's party)
// carry `required` and the required mark. A refusal is shown beside its
// field in words that name the field by its label (messages.ts).
import { ApiError, call, enc, get } from '../api';
import { announce, errorText, flash, link, navigate, parties, situations } from '../app';
import { field, h, humanize, requiredMark, select, uid } from '../dom';
import { Control, clearErrors, ptr, serverMessage, showError } from '../forms';
import { CONSENTS, CONTEXTS, NEXUS, PRECISIONS, STANDARDS, STATUSES, VICTIM_GROUPS, VIOLATIONS } from '../vocab';
import type { Incident } from './incidents';

interface Source {
  id: string;
  title?: string;
  kind: string;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// What a date control gives when it holds a whole date (the control shows
// it in the reader's own format).
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function checkboxGroup(legend: string, name: string, values: string[], chosen: string[], pointer: string, required = false): HTMLFieldSetElement {
  return ptr(
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', null, legend, required ? requiredMark() : null),
      h('p', { class: 'field-error', id: uid('err'), hidden: true }),
      values.map((v) => {
        const id = uid(name);
        return h('span', { class: 'check' }, h('input', { type: 'checkbox', id, name, value: v, checked: chosen.includes(v) }), h('label', { for: id }, humanize(v)));
      }),
    ),
    pointer,
  );
}

export default async function incidentForm(main: HTMLElement, _p: URLSearchParams, match: string[]): Promise<void> {
  const editing = match.length > 0 && match[0] !== undefined;
  const [sits, ps, sources] = await Promise.all([situations(), parties(), get<{ items: Source[] }>('/sources').then((r) => r.items)]);
  let etag: string | null = null;
  let inc: Partial<Incident> = { violations: [], perpetrators: [], nexus: [], sources: [], status: 'reported', date_precision: 'day', consent: 'aggregate_reporting' };
  if (editing) {
    const r = await call<Incident>('GET', `/incidents/${enc(match[0])}`);
    inc = r.data;
    etag = r.etag;
  }
  const c = (el: Control, pointer: string) => ptr(el, pointer);
  // A new incident's ID may be left empty: the server gives the next number.
  const idIn = c(h('input', { type: 'text', name: 'id', value: inc.id ?? '', required: editing, readonly: editing, autocomplete: 'off' }), '/id');
  const sitIn = c(select('situation', [['', 'Choose…'], ...sits.map((s): [string, string] => [s.id, s.name])], inc.situation ?? '', { required: true }), '/situation');
  const dateIn = c(h('input', { type: 'date', name: 'date', value: inc.date ?? '', required: true }), '/date');
  const precIn = c(select('date_precision', PRECISIONS.map((p): [string, string] => [p, p]), inc.date_precision ?? 'day'), '/date_precision');
  const locName = c(h('input', { type: 'text', name: 'location_name', value: inc.location?.name ?? '', required: true }), '/location/name');
  const admin1 = c(h('input', { type: 'text', name: 'admin1', value: inc.location?.admin1 ?? '' }), '/location/admin1');
  const lat = c(h('input', { type: 'number', name: 'lat', step: 'any', min: '-90', max: '90', value: inc.location?.lat ?? '' }), '/location/lat');
  const lon = c(h('input', { type: 'number', name: 'lon', step: 'any', min: '-180', max: '180', value: inc.location?.lon ?? '' }), '/location/lon');
  const ctxIn = c(select('context', [['', 'Choose…'], ...CONTEXTS.map((x): [string, string] => [x, humanize(x)])], inc.context ?? '', { required: true }), '/context');
  const statusIn = c(select('status', STATUSES.filter((s) => s !== 'verified' || inc.status === 'verified').map((s): [string, string] => [s, humanize(s)]), inc.status ?? 'reported', { required: true }), '/status');
  const consentIn = c(select('consent', CONSENTS.map((x): [string, string] => [x, humanize(x)]), inc.consent ?? 'aggregate_reporting'), '/consent');
  const narrative = c(h('textarea', { name: 'narrative', rows: '5', value: inc.narrative ?? '' }), '/narrative');
  const victims = VICTIM_GROUPS.map((g) => c(h('input', { type: 'number', name: `victims_${g}`, min: '0', step: '1', value: typeof inc.victims?.[g] === 'number' ? String(inc.victims[g]) : '0' }), `/victims/${g}`));
  const violations = checkboxGroup('Violations', 'violations', VIOLATIONS, inc.violations ?? [], '/violations', true);
  const nexus = checkboxGroup('Nexus to the conflict', 'nexus', NEXUS, inc.nexus ?? [], '/nexus');
  const sourcesBox = checkboxGroup('Sources', 'sources', sources.map((s) => s.id), inc.sources ?? [], '/sources');
  sourcesBox.querySelectorAll('label').forEach((l, i) => {
    const s = sources[i];
    l.textContent = s.title ? `${s.id}: ${s.title}` : `${s.id} (${humanize(s.kind)})`;
  });

  const perpList = ptr(h('div', { class: 'perps' }), '/perpetrators');
  const perpFieldset = h('fieldset', null, h('legend', null, 'Perpetrators'), h('p', { class: 'field-error', id: uid('err'), hidden: true }), perpList);
  const renumber = () => {
    perpList.querySelectorAll<HTMLElement>('.perp').forEach((row, i) => {
      row.querySelector('select[name=party]')!.setAttribute('data-pointer', `/perpetrators/${i}/party`);
      row.querySelector('select[name=standard]')!.setAttribute('data-pointer', `/perpetrators/${i}/standard`);
      row.querySelector('.remove')!.setAttribute('aria-label', `Remove perpetrator ${i + 1}`);
    });
  };
  // Parties are registered per situation: a perpetrator is chosen among
  // the parties of the chosen situation, none until one is chosen. A party
  // of another situation that the incident already names stays on offer in
  // its row (the server accepts it), so editing never drops it unasked.
  const partyOptions = (situation: string, recorded: string): Array<[string, string]> => {
    if (!situation) return [['', 'Choose the situation first']];
    const options: Array<[string, string]> = [['', 'Choose…'], ...ps.filter((p) => p.situation === situation).map((p): [string, string] => [p.id, `${p.name} (${p.id})`])];
    const other = ps.find((p) => p.id === recorded && p.situation !== situation);
    if (other) options.push([other.id, `${other.name} (${other.id}, another situation)`]);
    return options;
  };
  const fillParties = (sel: HTMLSelectElement, party: string, recorded: string) => {
    const options = partyOptions(sitIn.value, recorded);
    sel.replaceChildren(...options.map(([v, label]) => h('option', { value: v }, label)));
    sel.value = options.some(([v]) => v === party) ? party : '';
  };
  sitIn.addEventListener('change', () => {
    perpList.querySelectorAll<HTMLSelectElement>('select[name=party]').forEach((sel) => fillParties(sel, sel.value, sel.dataset.recorded ?? ''));
  });
  const addPerp = (party = '', standard = 'credible_information') => {
    const partySel = select('party', [], '', { required: true });
    if (party) partySel.dataset.recorded = party;
    fillParties(partySel, party, party);
    const row = h(
      'div',
      { class: 'perp' },
      field('Party', partySel),
      field('Standard of proof', select('standard', STANDARDS.map((s): [string, string] => [s, humanize(s)]), standard)),
      h('button', { type: 'button', class: 'secondary remove', onclick: () => { row.remove(); renumber(); } }, 'Remove'),
    );
    perpList.append(row);
    renumber();
  };
  for (const p of inc.perpetrators ?? []) addPerp(p.party, p.standard);
  if (!inc.perpetrators?.length) addPerp();
  perpFieldset.append(h('button', { type: 'button', class: 'secondary', onclick: () => addPerp() }, 'Add a perpetrator'));

  const form = h(
    'form',
    { class: 'incident-form', novalidate: true },
    h('p', { class: 'hint' }, 'Fields marked ', h('span', { class: 'req' }, '*'), ' are required.'),
    h('div', { class: 'grid-form' }, field('Incident ID', idIn as HTMLInputElement, editing ? 'The ID does not change.' : 'Leave empty and Mara gives the next number (I-year-number), or enter your own: letters, digits, dot, dash or underscore.'), field('Situation', sitIn), field('Date', dateIn), field('Date precision', precIn)),
    h('fieldset', null, h('legend', null, 'Location'), h('div', { class: 'grid-form' }, field('Place name', locName), field('Region (admin 1)', admin1), field('Latitude', lat), field('Longitude', lon))),
    violations,
    h('fieldset', { class: 'victims' }, h('legend', null, 'Victims'), h('div', { class: 'grid-form' }, victims.map((v, i) => field(humanize(VICTIM_GROUPS[i]), v)))),
    h('div', { class: 'grid-form' }, field('Context', ctxIn), field('Status', statusIn), field('Consent scope', consentIn)),
    nexus,
    perpFieldset,
    sourcesBox,
    field('Narrative (confidential)', narrative),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, editing ? 'Save changes' : 'Record incident'), link(editing ? `/incidents/${enc(inc.id!)}` : '/incidents', 'Cancel', { class: 'button secondary' })),
  );

  const checked = (name: string) => [...form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)].map((x) => x.value);
  const build = (): Record<string, unknown> => {
    const body: Record<string, unknown> = { ...inc };
    delete body.verified_on;
    Object.assign(body, {
      id: idIn.value.trim() || undefined,
      situation: sitIn.value,
      date: dateIn.value,
      date_precision: precIn.value,
      violations: checked('violations'),
      nexus: checked('nexus'),
      sources: checked('sources'),
      status: statusIn.value,
      consent: consentIn.value,
      perpetrators: [...perpList.querySelectorAll('.perp')].map((row) => ({
        party: (row.querySelector('select[name=party]') as HTMLSelectElement).value,
        standard: (row.querySelector('select[name=standard]') as HTMLSelectElement).value,
      })),
      victims: Object.fromEntries(VICTIM_GROUPS.map((g, i) => [g, Number(victims[i].value || 0)])),
    });
    const location: Record<string, unknown> = {};
    if (locName.value.trim()) location.name = locName.value.trim();
    if (admin1.value.trim()) location.admin1 = admin1.value.trim();
    if (lat.value !== '') location.lat = Number(lat.value);
    if (lon.value !== '') location.lon = Number(lon.value);
    body.location = location;
    if (ctxIn.value) body.context = ctxIn.value;
    else delete body.context;
    if (narrative.value.trim()) body.narrative = narrative.value;
    else delete body.narrative;
    return body;
  };
  const validate = (b: Record<string, unknown>): Array<[string, string]> => {
    const errs: Array<[string, string]> = [];
    if ((editing || b.id !== undefined) && !ID_RE.test(String(b.id ?? ''))) errs.push(['/id', 'Enter an ID of letters, digits, dot, dash or underscore (at most 64), or leave it empty.']);
    if (!b.situation) errs.push(['/situation', 'Choose the situation.']);
    if (!DATE_RE.test(String(b.date))) errs.push(['/date', 'Enter the full date: day, month and year.']);
    if (!(b.location as { name?: string }).name) errs.push(['/location/name', 'Enter the place name.']);
    if (!(b.violations as string[]).length) errs.push(['/violations', 'Choose at least one violation.']);
    if (!b.context) errs.push(['/context', 'Choose the context.']);
    (b.perpetrators as Array<{ party: string }>).forEach((p, i) => {
      if (!p.party) errs.push([`/perpetrators/${i}/party`, 'Choose the party.']);
    });
    const loc = b.location as { lat?: number; lon?: number };
    if (loc.lat !== undefined && (loc.lat < -90 || loc.lat > 90)) errs.push(['/location/lat', 'Latitude is between -90 and 90.']);
    if (loc.lon !== undefined && (loc.lon < -180 || loc.lon > 180)) errs.push(['/location/lon', 'Longitude is between -180 and 180.']);
    if ((loc.lat === undefined) !== (loc.lon === undefined)) errs.push([loc.lat === undefined ? '/location/lat' : '/location/lon', 'Give both latitude and longitude, or neither.']);
    return errs;
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = build();
    const errs = validate(body);
    if (errs.length) {
      const first = errs.map(([p, m]) => showError(form, p, m))[0];
      announce(`${errs.length} field${errs.length > 1 ? 's need' : ' needs'} attention.`, 'error');
      first.focus();
      return;
    }
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
    submit.disabled = true;
    try {
      let id = String(body.id ?? '');
      if (editing) {
        await call('PUT', `/incidents/${enc(id)}`, body, { ifMatch: etag });
      } else {
        const reply = await call<{ id?: string }>('POST', '/incidents', body);
        id = reply.data?.id ?? decodeURIComponent((reply.location ?? '').split('/').pop() ?? '');
      }
      flash(editing ? `Incident ${id} saved.` : `Incident ${id} recorded.`);
      navigate(`/incidents/${enc(id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        const message = 'Someone changed this incident since you opened it. Reload the page to see their version.';
        showError(form, undefined, message).focus();
        announce(`Not saved: ${message}`, 'error');
      } else if (e instanceof ApiError && e.field && e.field.startsWith('/')) {
        const message = serverMessage(form, e.field, e.detail);
        showError(form, e.field, message).focus();
        announce(`Not saved: ${message}`, 'error');
      } else {
        announce(`Not saved: ${errorText(e)}`, 'error');
      }
    } finally {
      submit.disabled = false;
    }
  });

  main.append(
    h('p', { class: 'crumbs' }, link('/incidents', 'Incidents'), ' / ', editing ? inc.id! : 'new'),
    h('h1', null, editing ? `Edit incident ${inc.id}` : 'Record an incident'),
    form,
  );
}

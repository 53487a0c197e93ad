// Create or edit one incident (POST /incidents, PUT /incidents/{id}). Every
// control carries the JSON pointer of the body member it fills
// (data-pointer), so a problem's `field` from the API lands beside the
// right input; client-side checks use the same path. The fields the server
// requires (domain/validate.cc, json_codec.cc: ID, situation, date, place
// name, at least one violation, context, status, each perpetrator's party)
// carry `required` and the required mark. A refusal is shown beside its
// field in words that name the field by its label (messages.ts). The
// perpetrator rows and the party list each offers, which follows the chosen
// situation, are the form's state; every other value is read from the form
// when it is submitted.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, enc, get } from '../api';
import { announce, flash, navigate, parties, situations, type Party } from '../app';
import { humanize, Options } from '../components/common';
import { CheckboxGroup, Field, checkedIn, pointerIn, useRefusals } from '../components/forms';
import { t } from '../i18n';
import { definePage } from '../page';
import { CONSENTS, CONTEXTS, NEXUS, PRECISIONS, STANDARDS, STATUSES, VICTIM_GROUPS, VIOLATIONS } from '../vocab';
import type { Incident } from './incidents';

interface Source {
  id: string;
  title?: string;
  kind: string;
}

// Stands for the required mark in the note that explains it.
const MARK = '\u0001';

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// What a date control gives when it holds a whole date (the control shows
// it in the reader's own format).
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

// One perpetrator row: its party and standard of proof as chosen, and the
// party the incident named in it when the form opened.
interface PerpRow {
  key: number;
  party: string;
  standard: string;
  recorded: string;
}

// Parties are registered per situation: a perpetrator is chosen among the
// parties of the chosen situation, none until one is chosen. A party of
// another situation that the incident already names stays on offer in its
// row (the server accepts it), so editing never drops it unasked.
function partyOptions(ps: Party[], situation: string, recorded: string): Array<[string, string]> {
  if (!situation) return [['', t('incidentForm.situationFirst')]];
  const options: Array<[string, string]> = [['', t('incidentForm.choose')], ...ps.filter((p) => p.situation === situation).map((p): [string, string] => [p.id, `${p.name} (${p.id})`])];
  const other = ps.find((p) => p.id === recorded && p.situation !== situation);
  if (other) options.push([other.id, t('incidentForm.otherSituation', { name: other.name, id: other.id })]);
  return options;
}

// The row's party when the situation's list offers it, else none.
function offered(ps: Party[], situation: string, row: PerpRow): string {
  return partyOptions(ps, situation, row.recorded).some(([v]) => v === row.party) ? row.party : '';
}

// What the form checks before sending: what the server would refuse, said
// in words for the field (the server checks everything again).
function check(b: Record<string, unknown>, editing: boolean): Array<[string, string]> {
  const errs: Array<[string, string]> = [];
  if ((editing || b.id !== undefined) && !ID_RE.test(String(b.id ?? ''))) errs.push(['/id', t('incidentForm.check.id')]);
  if (!b.situation) errs.push(['/situation', t('incidentForm.check.situation')]);
  if (!DATE_RE.test(String(b.date))) errs.push(['/date', t('incidentForm.check.date')]);
  if (!(b.location as { name?: string }).name) errs.push(['/location/name', t('incidentForm.check.place')]);
  if (!(b.violations as string[]).length) errs.push(['/violations', t('incidentForm.check.violations')]);
  if (!b.context) errs.push(['/context', t('incidentForm.check.context')]);
  (b.perpetrators as Array<{ party: string }>).forEach((p, i) => {
    if (!p.party) errs.push([`/perpetrators/${i}/party`, t('incidentForm.check.party')]);
  });
  const loc = b.location as { lat?: number; lon?: number };
  if (loc.lat !== undefined && (loc.lat < -90 || loc.lat > 90)) errs.push(['/location/lat', t('incidentForm.check.latitude')]);
  if (loc.lon !== undefined && (loc.lon < -180 || loc.lon > 180)) errs.push(['/location/lon', t('incidentForm.check.longitude')]);
  if ((loc.lat === undefined) !== (loc.lon === undefined)) errs.push([loc.lat === undefined ? '/location/lat' : '/location/lon', t('incidentForm.check.coordinates')]);
  return errs;
}

export interface Loaded {
  editing: boolean;
  inc: Partial<Incident>;
  etag: string | null;
  ps: Party[];
  sits: Array<{ id: string; name: string }>;
  sources: Source[];
}

// What the offline drafts page changes: the body goes to `onDraft` instead
// of the server, with `extra` controls (the files) before the buttons.
export interface DraftOptions {
  onDraft?: (body: Record<string, unknown>, form: HTMLFormElement) => Promise<void>;
  extra?: ComponentChildren;
  submitLabel?: string;
  cancelHref?: string;
}

export function IncidentForm({ editing, inc, etag, ps, sits, sources, onDraft, extra, submitLabel, cancelHref }: Loaded & DraftOptions) {
  const refusals = useRefusals();
  const [situation, setSituation] = useState(inc.situation ?? '');
  const nextKey = useRef(0);
  const newRow = (party = '', standard = 'credible_information'): PerpRow => ({ key: nextKey.current++, party, standard, recorded: party });
  const [perps, setPerps] = useState<PerpRow[]>(() => (inc.perpetrators?.length ? inc.perpetrators.map((p) => newRow(p.party, p.standard)) : [newRow()]));
  const [busy, setBusy] = useState(false);
  // A refusal that names no field of the form, shown at its top.
  const [formError, setFormError] = useState('');
  const formErrorRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (formError) formErrorRef.current?.focus();
  }, [formError]);

  const chooseSituation = (next: string) => {
    setSituation(next);
    // Each row keeps its party when the new situation's list offers it.
    setPerps((rows) => rows.map((r) => ({ ...r, party: offered(ps, next, r) })));
  };
  const setRow = (key: number, change: Partial<PerpRow>) => setPerps((rows) => rows.map((r) => (r.key === key ? { ...r, ...change } : r)));

  const build = (form: HTMLFormElement): Record<string, unknown> => {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    const standards = data.getAll('standard').map(String);
    const body: Record<string, unknown> = { ...inc };
    delete body.verified_on;
    Object.assign(body, {
      id: text('id').trim() || undefined,
      situation: text('situation'),
      date: text('date'),
      date_precision: text('date_precision'),
      violations: checkedIn(form, 'violations'),
      nexus: checkedIn(form, 'nexus'),
      sources: checkedIn(form, 'sources'),
      status: text('status'),
      consent: text('consent'),
      perpetrators: data.getAll('party').map((party, i) => ({ party: String(party), standard: standards[i] })),
      victims: Object.fromEntries(VICTIM_GROUPS.map((g) => [g, Number(text(`victims_${g}`) || 0)])),
    });
    const location: Record<string, unknown> = {};
    const place = text('location_name').trim();
    const admin1 = text('admin1').trim();
    if (place) location.name = place;
    if (admin1) location.admin1 = admin1;
    if (text('lat') !== '') location.lat = Number(text('lat'));
    if (text('lon') !== '') location.lon = Number(text('lon'));
    body.location = location;
    if (text('context')) body.context = text('context');
    else delete body.context;
    if (text('narrative').trim()) body.narrative = text('narrative');
    else delete body.narrative;
    return body;
  };

  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    setFormError('');
    const body = build(form);
    const errs = check(body, editing);
    if (errs.length) {
      refusals.setAll(form, errs);
      announce(t('incidentForm.attention', { count: errs.length }), 'error');
      return;
    }
    setBusy(true);
    if (onDraft) {
      try {
        await onDraft(body, form);
      } finally {
        setBusy(false);
      }
      return;
    }
    try {
      let id = String(body.id ?? '');
      if (editing) {
        await call('PUT', `/incidents/${enc(id)}`, body, { ifMatch: etag });
      } else {
        const reply = await call<{ id?: string }>('POST', '/incidents', body);
        id = reply.data?.id ?? decodeURIComponent((reply.location ?? '').split('/').pop() ?? '');
      }
      flash(editing ? t('incidentForm.saved', { id }) : t('incidentForm.recorded', { id }));
      navigate(`/incidents/${enc(id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        const message = t('incidentForm.stale');
        setFormError(message);
        announce(t('incidentForm.notSavedBecause', { message }), 'error');
      } else {
        const message = refusals.refuse(form, e, t('incidentForm.notSaved'));
        if (e instanceof ApiError && e.field?.startsWith('/') && !pointerIn(form, e.field)) setFormError(message);
      }
    } finally {
      setBusy(false);
    }
  };

  const perpErr = refusals.errors['/perpetrators'];
  // The note on required fields, around the mark shown as in the labels.
  const [requiredBefore, requiredAfter] = t('incidentForm.requiredNote', { mark: MARK }).split(MARK);
  return (
    <form class="incident-form" noValidate onSubmit={submit}>
      {formError ? (
        <p class="field-error" id="incident-form-error" tabIndex={-1} ref={formErrorRef}>
          {formError}
        </p>
      ) : null}
      <p class="hint">
        {requiredBefore}
        <span class="req">*</span>
        {requiredAfter}
      </p>
      <div class="grid-form">
        <Field
          label={t('incidentForm.id')}
          pointer="/id"
          refusals={refusals}
          hint={editing ? t('incidentForm.idFixed') : t('incidentForm.idHint')}
        >
          <input type="text" name="id" defaultValue={inc.id ?? ''} required={editing} readOnly={editing} autoComplete="off" />
        </Field>
        <Field label={t('incidentForm.situation')} pointer="/situation" refusals={refusals}>
          <select name="situation" required onChange={(ev) => chooseSituation((ev.currentTarget as HTMLSelectElement).value)}>
            <Options options={[['', t('incidentForm.choose')], ...sits.map((s): [string, string] => [s.id, s.name])]} value={situation} />
          </select>
        </Field>
        <Field label={t('incidentForm.date')} pointer="/date" refusals={refusals}>
          <input type="date" name="date" defaultValue={inc.date ?? ''} required />
        </Field>
        <Field label={t('incidentForm.precision')} pointer="/date_precision" refusals={refusals}>
          <select name="date_precision">
            <Options options={PRECISIONS.map((p): [string, string] => [p, humanize(p)])} value={inc.date_precision ?? 'day'} />
          </select>
        </Field>
      </div>
      <fieldset>
        <legend>{t('incidentForm.location')}</legend>
        <div class="grid-form">
          <Field label={t('incidentForm.place')} pointer="/location/name" refusals={refusals}>
            <input type="text" name="location_name" defaultValue={inc.location?.name ?? ''} required />
          </Field>
          <Field label={t('incidentForm.region')} pointer="/location/admin1" refusals={refusals}>
            <input type="text" name="admin1" defaultValue={inc.location?.admin1 ?? ''} />
          </Field>
          <Field label={t('incidentForm.latitude')} pointer="/location/lat" refusals={refusals}>
            <input type="number" name="lat" step="any" min="-90" max="90" defaultValue={inc.location?.lat !== undefined ? String(inc.location.lat) : ''} />
          </Field>
          <Field label={t('incidentForm.longitude')} pointer="/location/lon" refusals={refusals}>
            <input type="number" name="lon" step="any" min="-180" max="180" defaultValue={inc.location?.lon !== undefined ? String(inc.location.lon) : ''} />
          </Field>
        </div>
      </fieldset>
      <CheckboxGroup
        legend={t('incidentForm.violations')}
        name="violations"
        options={VIOLATIONS.map((v): [string, string] => [v, humanize(v)])}
        chosen={inc.violations ?? []}
        pointer="/violations"
        required
        refusals={refusals}
      />
      <fieldset class="victims">
        <legend>{t('incidentForm.victims')}</legend>
        <div class="grid-form">
          {VICTIM_GROUPS.map((g) => (
            <Field label={humanize(g)} pointer={`/victims/${g}`} refusals={refusals} key={g}>
              <input type="number" name={`victims_${g}`} min="0" step="1" defaultValue={typeof inc.victims?.[g] === 'number' ? String(inc.victims[g]) : '0'} />
            </Field>
          ))}
        </div>
      </fieldset>
      <div class="grid-form">
        <Field label={t('incidentForm.context')} pointer="/context" refusals={refusals}>
          <select name="context" required>
            <Options options={[['', t('incidentForm.choose')], ...CONTEXTS.map((x): [string, string] => [x, humanize(x)])]} value={inc.context ?? ''} />
          </select>
        </Field>
        <Field label={t('incidentForm.status')} pointer="/status" refusals={refusals}>
          <select name="status" required>
            <Options options={STATUSES.filter((s) => s !== 'verified' || inc.status === 'verified').map((s): [string, string] => [s, humanize(s)])} value={inc.status ?? 'reported'} />
          </select>
        </Field>
        <Field label={t('incidentForm.consent')} pointer="/consent" refusals={refusals}>
          <select name="consent">
            <Options options={CONSENTS.map((x): [string, string] => [x, humanize(x)])} value={inc.consent ?? 'aggregate_reporting'} />
          </select>
        </Field>
      </div>
      <CheckboxGroup
        legend={t('incidentForm.nexus')}
        name="nexus"
        options={NEXUS.map((v): [string, string] => [v, humanize(v)])}
        chosen={inc.nexus ?? []}
        pointer="/nexus"
        refusals={refusals}
      />
      <fieldset>
        <legend>{t('incidentForm.perpetrators')}</legend>
        <p class="field-error" id="perpetrators-error" hidden={!perpErr}>
          {perpErr ?? ''}
        </p>
        <div class="perps" data-pointer="/perpetrators">
          {perps.map((r, i) => (
            <div class="perp" key={r.key}>
              <Field label={t('incidentForm.party')} pointer={`/perpetrators/${i}/party`} refusals={refusals}>
                <select name="party" required onChange={(ev) => setRow(r.key, { party: (ev.currentTarget as HTMLSelectElement).value })}>
                  <Options options={partyOptions(ps, situation, r.recorded)} value={offered(ps, situation, r)} />
                </select>
              </Field>
              <Field label={t('incidentForm.standard')} pointer={`/perpetrators/${i}/standard`} refusals={refusals}>
                <select name="standard" onChange={(ev) => setRow(r.key, { standard: (ev.currentTarget as HTMLSelectElement).value })}>
                  <Options options={STANDARDS.map((s): [string, string] => [s, humanize(s)])} value={r.standard} />
                </select>
              </Field>
              <button type="button" class="secondary remove" aria-label={t('incidentForm.removeItem', { n: i + 1 })} onClick={() => setPerps((rows) => rows.filter((x) => x.key !== r.key))}>
                {t('incidentForm.remove')}
              </button>
            </div>
          ))}
        </div>
        <button type="button" class="secondary" onClick={() => setPerps((rows) => [...rows, newRow()])}>
          {t('incidentForm.addPerpetrator')}
        </button>
      </fieldset>
      <CheckboxGroup
        legend={t('incidentForm.sources')}
        name="sources"
        options={sources.map((s): [string, string] => [s.id, s.title ? `${s.id}: ${s.title}` : `${s.id} (${humanize(s.kind)})`])}
        chosen={inc.sources ?? []}
        pointer="/sources"
        refusals={refusals}
      />
      <Field label={t('incidentForm.narrative')} pointer="/narrative" refusals={refusals}>
        <textarea name="narrative" rows={5} defaultValue={inc.narrative ?? ''} />
      </Field>
      {extra}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {submitLabel ?? (editing ? t('incidentForm.save') : t('incidentForm.record'))}
        </button>
        <a href={cancelHref ?? (editing ? `/incidents/${enc(inc.id!)}` : '/incidents')} class="button secondary">
          {t('incidentForm.cancel')}
        </a>
      </div>
    </form>
  );
}

export default definePage({
  load: async ({ route }): Promise<Loaded> => {
    const editing = route.id !== undefined;
    const [sits, ps, sources] = await Promise.all([situations(), parties(), get<{ items: Source[] }>('/sources').then((r) => r.items)]);
    if (editing) {
      const r = await call<Incident>('GET', `/incidents/${enc(route.id)}`);
      return { editing, inc: r.data, etag: r.etag, ps, sits, sources };
    }
    const inc: Partial<Incident> = { violations: [], perpetrators: [], nexus: [], sources: [], status: 'reported', date_precision: 'day', consent: 'aggregate_reporting' };
    return { editing, inc, etag: null, ps, sits, sources };
  },
  View: ({ data }) => {
    const { editing, inc } = data;
    return (
      <>
        <p class="crumbs">
          <a href="/incidents">{t('incidentForm.incidents')}</a>
          {' / '}
          {editing ? inc.id! : t('incidentForm.new')}
        </p>
        <h1>{editing ? t('incidentForm.editTitle', { id: inc.id! }) : t('incidentForm.recordTitle')}</h1>
        <IncidentForm {...data} />
      </>
    );
  },
});

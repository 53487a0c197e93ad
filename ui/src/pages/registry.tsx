// The registry kept in Mara: parties (units, renames, splinters,
// dissolution), sources with their grades, designations, engagements,
// commitments with their measures, and statements. Everyone reads the
// lists; analysts and admins create and edit (POST, PUT with If-Match);
// reviewers verify a commitment's measure (four eyes). Each form's controls
// carry the JSON pointer of the member they fill, so a refusal from the
// server lands beside its field in plain words (components/forms.tsx,
// messages.ts). The new and edit forms are one page, `registryNew` and
// `registryEdit` its two routes.
import { Fragment, type ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, call, enc, get, qs } from '../api';
import { announce, errorText, flash, navigate, resetCaches, situations } from '../app';
import { humanize, Options } from '../components/common';
import { Field, pointerIn, useRefusals, type Refusals } from '../components/forms';
import { DataTable } from '../components/table';
import { definePage, type PageDef } from '../page';
import { LANGUAGES, t, type Language, type MessageValues } from '../i18n';
import { hasRole } from '../session';
import {
  COMMITMENT_KINDS,
  CREDIBILITIES,
  DESIGNATION_KINDS,
  ENGAGEMENT_KINDS,
  MEASURE_STATUSES,
  PARTY_KINDS,
  RELIABILITIES,
  SOURCE_KINDS,
  STATEMENT_KINDS,
} from '../vocab';

type Rec = Record<string, unknown>;

// How a form control is made and read.
interface FieldDef {
  pointer: string; // JSON pointer of the member, e.g. "/dissolved/date"
  label: string;
  type: 'text' | 'textarea' | 'date' | 'select' | 'bool' | 'list';
  required?: boolean;
  key?: boolean; // part of the record's key: fixed once stored
  options?: () => Promise<Array<[string, string]>>;
  hint?: string;
  lang?: Language; // a text in this language (a party's name in it): its `lang`, `dir="auto"`
}

interface KindDef {
  kind: string; // collection name, the page's path segment
  keyMembers: string[];
  fields: FieldDef[];
  // The record's own path under /api/v1 and the query completing its key.
  path: (r: Rec) => string;
  columns: Array<[string, (r: Rec) => ComponentChildren]>;
}

// A text about one kind of record (registry.kind.<kind>.<what>): its list's
// title, "Add a party", "party P-1 added." and so on.
function kindText(def: KindDef, what: 'title' | 'new' | 'add' | 'edit' | 'history' | 'record' | 'added' | 'saved' | 'empty', values: MessageValues = {}): string {
  return t(`registry.kind.${def.kind}.${what}`, values);
}

// A message with an element in it (`{slot}`): the text before and after it.
const SLOT = '\uE000';
function around(key: string, values: MessageValues = {}): [string, string] {
  const [before, after = ''] = t(key, { ...values, slot: SLOT }).split(SLOT);
  return [before, after];
}

const opts = (values: string[], blank = true): (() => Promise<Array<[string, string]>>) => async () => [
  ...(blank ? [['', t('registry.choose')] as [string, string]] : []),
  ...values.map((v): [string, string] => [v, humanize(v)]),
];
let partyList: Promise<Rec[]> | null = null;
const partiesNow = (): Promise<Rec[]> => (partyList ??= get<{ items: Rec[] }>('/parties').then((r) => r.items));
const partyOptions = (blank: 'choose' | 'none' = 'choose') => async (): Promise<Array<[string, string]>> => [
  ['', blank === 'none' ? t('registry.none') : t('registry.choose')],
  ...(await partiesNow()).map((p): [string, string] => [String(p.id), `${p.name} (${p.id})`]),
];
const situationOptions = async (): Promise<Array<[string, string]>> => [['', t('registry.choose')], ...(await situations()).map((s): [string, string] => [s.id, s.name])];

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

// The kinds of record, their texts in the reader's language.
function kinds(): KindDef[] {
  const idHint = t('registry.hint.id');
  return [
    {
      kind: 'parties',
      keyMembers: ['id'],
      fields: [
        { pointer: '/id', label: t('registry.field.partyId'), type: 'text', required: true, key: true, hint: idHint },
        { pointer: '/name', label: t('registry.field.name'), type: 'text', required: true },
        { pointer: '/kind', label: t('registry.field.kind'), type: 'select', required: true, options: opts(PARTY_KINDS) },
        { pointer: '/situation', label: t('registry.field.situation'), type: 'select', required: true, options: situationOptions },
        { pointer: '/parent', label: t('registry.field.parent'), type: 'select', options: partyOptions('none'), hint: t('registry.hint.parent') },
        { pointer: '/splinter_of', label: t('registry.field.splinterOf'), type: 'select', options: partyOptions('none') },
        { pointer: '/aliases', label: t('registry.field.aliases'), type: 'list', hint: t('registry.hint.aliases') },
        // Its name in each of the six languages, which the reports and pages
        // in that language show instead of the canonical name.
        ...LANGUAGES.map(({ code }, i): FieldDef => ({ pointer: `/names/${code}`, label: t(`registry.field.nameIn.${code}`), type: 'text', lang: code, hint: i === 0 ? t('registry.hint.nameIn') : undefined })),
        { pointer: '/dissolved/date', label: t('registry.field.dissolvedOn'), type: 'date', hint: t('registry.hint.dissolvedOn') },
        { pointer: '/dissolved/source', label: t('registry.field.dissolvedBy'), type: 'text', hint: t('registry.hint.dissolvedBy') },
      ],
      path: (r) => `/parties/${enc(text(r.id))}`,
      columns: [
        [t('registry.column.name'), (r) => <a href={`/parties/${enc(text(r.id))}`}>{text(r.name)}</a>],
        [t('registry.column.id'), (r) => text(r.id)],
        [t('registry.column.kind'), (r) => humanize(text(r.kind))],
        [t('registry.column.situation'), (r) => text(r.situation)],
        [t('registry.column.unitOf'), (r) => text(r.parent)],
        [t('registry.column.splinterOf'), (r) => text(r.splinter_of)],
        [t('registry.column.formerNames'), (r) => ((r.names_over_time as Rec[] | undefined) ?? []).map((n) => text(n.name)).join(', ')],
      ],
    },
    {
      kind: 'sources',
      keyMembers: ['id'],
      fields: [
        { pointer: '/id', label: t('registry.field.sourceId'), type: 'text', required: true, key: true, hint: idHint },
        { pointer: '/kind', label: t('registry.field.kind'), type: 'select', required: true, options: opts(SOURCE_KINDS) },
        { pointer: '/title', label: t('registry.field.title'), type: 'text', required: true },
        { pointer: '/publisher', label: t('registry.field.publisher'), type: 'text' },
        { pointer: '/date', label: t('registry.field.date'), type: 'date' },
        { pointer: '/url', label: t('registry.field.url'), type: 'text' },
        { pointer: '/reliability', label: t('registry.field.reliability'), type: 'select', required: true, options: opts(RELIABILITIES, false), hint: t('registry.hint.reliability') },
        { pointer: '/credibility', label: t('registry.field.credibility'), type: 'select', required: true, options: opts(CREDIBILITIES, false), hint: t('registry.hint.credibility') },
        { pointer: '/confidential', label: t('registry.field.confidential'), type: 'bool' },
      ],
      path: (r) => `/sources/${enc(text(r.id))}`,
      columns: [
        [t('registry.column.id'), (r) => text(r.id)],
        [t('registry.column.title'), (r) => text(r.title)],
        [t('registry.column.kind'), (r) => humanize(text(r.kind))],
        [t('registry.column.grade'), (r) => `${text(r.reliability)}${text(r.credibility)}`],
        [t('registry.column.date'), (r) => text(r.date)],
      ],
    },
    {
      kind: 'designations',
      keyMembers: ['party', 'authority', 'program', 'listed_on'],
      fields: [
        { pointer: '/party', label: t('registry.field.party'), type: 'select', required: true, key: true, options: partyOptions() },
        { pointer: '/authority', label: t('registry.field.authority'), type: 'text', required: true, key: true },
        { pointer: '/program', label: t('registry.field.program'), type: 'text', key: true },
        { pointer: '/kind', label: t('registry.field.kind'), type: 'select', required: true, options: opts(DESIGNATION_KINDS) },
        { pointer: '/listed_on', label: t('registry.field.listedOn'), type: 'date', required: true, key: true },
        { pointer: '/ended_on', label: t('registry.field.endedOn'), type: 'date' },
        { pointer: '/source', label: t('registry.field.sourceId'), type: 'text' },
      ],
      path: (r) => `/designations/${enc(text(r.party))}/${enc(text(r.listed_on))}${qs({ authority: text(r.authority), program: text(r.program) })}`,
      columns: [
        [t('registry.column.party'), (r) => text(r.party)],
        [t('registry.column.authority'), (r) => text(r.authority)],
        [t('registry.column.list'), (r) => text(r.program)],
        [t('registry.column.kind'), (r) => humanize(text(r.kind))],
        [t('registry.column.listedOn'), (r) => text(r.listed_on)],
        [t('registry.column.endedOn'), (r) => text(r.ended_on)],
      ],
    },
    {
      kind: 'engagements',
      keyMembers: ['party', 'date', 'kind'],
      fields: [
        { pointer: '/party', label: t('registry.field.party'), type: 'select', required: true, key: true, options: partyOptions() },
        { pointer: '/date', label: t('registry.field.date'), type: 'date', required: true, key: true },
        { pointer: '/kind', label: t('registry.field.kind'), type: 'select', required: true, key: true, options: opts(ENGAGEMENT_KINDS) },
        { pointer: '/note', label: t('registry.field.note'), type: 'textarea' },
      ],
      path: (r) => `/engagements/${enc(text(r.party))}/${enc(text(r.date))}/${enc(text(r.kind))}`,
      columns: [
        [t('registry.column.party'), (r) => text(r.party)],
        [t('registry.column.date'), (r) => text(r.date)],
        [t('registry.column.kind'), (r) => humanize(text(r.kind))],
        [t('registry.column.note'), (r) => text(r.note)],
      ],
    },
    {
      kind: 'commitments',
      keyMembers: ['id'],
      fields: [
        { pointer: '/id', label: t('registry.field.commitmentId'), type: 'text', required: true, key: true, hint: idHint },
        { pointer: '/party', label: t('registry.field.party'), type: 'select', required: true, options: partyOptions() },
        { pointer: '/kind', label: t('registry.field.kind'), type: 'select', required: true, options: opts(COMMITMENT_KINDS) },
        { pointer: '/signed', label: t('registry.field.signedOn'), type: 'date' },
      ],
      path: (r) => `/commitments/${enc(text(r.id))}`,
      columns: [
        [t('registry.column.id'), (r) => text(r.id)],
        [t('registry.column.party'), (r) => text(r.party)],
        [t('registry.column.kind'), (r) => humanize(text(r.kind))],
        [t('registry.column.signed'), (r) => text(r.signed)],
        [t('registry.column.measures'), (r) => ((r.measures as Rec[] | undefined) ?? []).map((m) => `${text(m.id)}: ${humanize(text(m.status))}`).join('; ')],
      ],
    },
    {
      kind: 'statements',
      keyMembers: ['id'],
      fields: [
        { pointer: '/id', label: t('registry.field.statementId'), type: 'text', required: true, key: true, hint: idHint },
        { pointer: '/by', label: t('registry.field.madeBy'), type: 'text', required: true, hint: t('registry.hint.madeBy') },
        { pointer: '/date', label: t('registry.field.date'), type: 'date', required: true },
        { pointer: '/kind', label: t('registry.field.kind'), type: 'select', required: true, options: opts(STATEMENT_KINDS) },
        { pointer: '/incidents', label: t('registry.field.incidents'), type: 'list', hint: t('registry.hint.incidents') },
        { pointer: '/text', label: t('registry.field.text'), type: 'textarea' },
      ],
      path: (r) => `/statements/${enc(text(r.id))}`,
      columns: [
        [t('registry.column.id'), (r) => text(r.id)],
        [t('registry.column.madeBy'), (r) => text(r.by)],
        [t('registry.column.date'), (r) => text(r.date)],
        [t('registry.column.kind'), (r) => humanize(text(r.kind))],
        [t('registry.column.incidents'), (r) => ((r.incidents as string[] | undefined) ?? []).join(', ')],
      ],
    },
  ];
}

function kindDef(kind: string): KindDef {
  const def = kinds().find((k) => k.kind === kind);
  if (!def) throw new Error(t('registry.noSuchList', { kind }));
  return def;
}

function writesRegistry(): boolean {
  return hasRole('analyst', 'admin');
}

// The value at a pointer of a record ("/dissolved/date").
function at(r: Rec, pointer: string): unknown {
  let v: unknown = r;
  for (const part of pointer.split('/').filter(Boolean)) v = v && typeof v === 'object' ? (v as Rec)[part] : undefined;
  return v;
}
function setAt(r: Rec, pointer: string, value: unknown): void {
  const parts = pointer.split('/').filter(Boolean);
  let o = r;
  for (const part of parts.slice(0, -1)) {
    if (!o[part] || typeof o[part] !== 'object') o[part] = {};
    o = o[part] as Rec;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
}

function editHref(def: KindDef, r: Rec): string {
  return `/registry/${def.kind}/edit${qs(Object.fromEntries(def.keyMembers.map((k) => [k, text(r[k])])))}`;
}

function Tabs({ current }: { current: string }) {
  return (
    <nav class="tabs" aria-label={t('registry.lists')}>
      <ul>
        {kinds().map((k) => (
          <li key={k.kind}>
            <a href={`/registry${qs({ kind: k.kind })}`} aria-current={k.kind === current ? 'page' : undefined}>
              {kindText(k, 'title')}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

// Verifies one measure (a reviewer; the server applies the four eyes).
async function verifyMeasure(commitment: string, measure: string): Promise<void> {
  const read = await call<Rec>('GET', `/commitments/${enc(commitment)}`);
  await call('POST', `/commitments/${enc(commitment)}/measures/${enc(measure)}/verification`, {}, { ifMatch: read.etag });
}

function VerifyButton({ commitment, measure }: { commitment: string; measure: string }) {
  const verify = async () => {
    try {
      await verifyMeasure(commitment, measure);
      flash(t('registry.measureVerified', { measure, commitment }));
      navigate(location.pathname + location.search, true);
    } catch (e) {
      announce(t('registry.notVerified', { message: errorText(e) }), 'error');
    }
  };
  return (
    <button type="button" class="secondary small" onClick={verify}>
      {t('registry.verify', { measure })}
    </button>
  );
}

export const registryList = definePage({
  load: async ({ params }) => {
    const def = kindDef(params.get('kind') ?? 'parties');
    const items = (await get<{ items: Rec[] }>(`/${def.kind}`)).items;
    return { def, items };
  },
  View: ({ data: { def, items } }) => {
    const writer = writesRegistry();
    const reviewer = hasRole('reviewer') && def.kind === 'commitments';
    const headers = [...def.columns.map(([name]) => name), t('registry.column.actions')];
    const rows = items.map((r) => {
      const key = def.keyMembers.map((k) => text(r[k])).join(' ');
      const measures = reviewer ? ((r.measures as Rec[] | undefined) ?? []).filter((m) => m.status !== 'verified_implemented') : [];
      return [
        ...def.columns.map(([, cell]) => cell(r)),
        <span>
          {writer ? (
            <a href={editHref(def, r)} aria-label={kindText(def, 'edit', { key })}>
              {t('registry.editLink')}
            </a>
          ) : (
            <a href={editHref(def, r)} aria-label={kindText(def, 'history', { key })}>
              {t('registry.historyLink')}
            </a>
          )}
          {measures.map((m) => (
            <Fragment key={text(m.id)}>
              {' '}
              <VerifyButton commitment={text(r.id)} measure={text(m.id)} />
            </Fragment>
          ))}
        </span>,
      ];
    });
    return (
      <>
        <h1>{t('registry.heading')}</h1>
        <Tabs current={def.kind} />
        {writer ? (
          <div class="actions">
            <a href={`/registry/${def.kind}/new`} class="button">
              {kindText(def, 'new')}
            </a>
          </div>
        ) : (
          <p class="hint">{t('registry.readOnly')}</p>
        )}
        <DataTable headers={headers} rows={rows} caption={kindText(def, 'title')} class="registry" empty={kindText(def, 'empty')} />
      </>
    );
  },
});

// The control for one field, with its value; `fixed`: a key member of a
// stored record, shown but not changed.
function FieldControl({ f, value, options, fixed, refusals }: { f: FieldDef; value: unknown; options?: Array<[string, string]>; fixed: boolean; refusals: Refusals }) {
  const name = controlName(f);
  const required = f.required || undefined;
  let control;
  if (f.type === 'select') {
    const v = text(value);
    const all = options ?? [];
    control = (
      <select name={name} required={required} disabled={fixed || undefined}>
        <Options options={v && !all.some(([o]) => o === v) ? [...all, [v, v]] : all} value={v} />
      </select>
    );
  } else if (f.type === 'textarea') {
    control = <textarea name={name} required={required} rows={4} defaultValue={text(value)} />;
  } else if (f.type === 'bool') {
    control = <input type="checkbox" name={name} defaultChecked={value === true} />;
  } else if (f.type === 'list') {
    control = <input type="text" name={name} required={required} defaultValue={Array.isArray(value) ? value.join(', ') : ''} />;
  } else {
    control = <input type={f.type === 'date' ? 'date' : 'text'} name={name} required={required} defaultValue={text(value)} readOnly={fixed || undefined} autoComplete="off" lang={f.lang} dir={f.lang ? 'auto' : undefined} />;
  }
  return (
    <Field label={f.label} pointer={f.pointer} refusals={refusals} hint={f.hint}>
      {control}
    </Field>
  );
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controlName(f: FieldDef): string {
  return f.pointer.slice(1).replace(/\//g, '_');
}

// The value of a field's control (a fixed key member's select is disabled,
// so the controls are read rather than the form's data).
function readControl(f: FieldDef, form: HTMLFormElement): unknown {
  const el = form.elements.namedItem(controlName(f)) as Control;
  if (f.type === 'bool') return (el as HTMLInputElement).checked;
  const v = el.value.trim();
  if (f.type === 'list') return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
  return v === '' ? undefined : v;
}

// A measure row: the stored measure it edits (empty for a new one).
interface MeasureRow {
  key: number;
  stored: Rec;
}

// The measures of a commitment: one row each, added and removed.
function MeasureEditor({ rows, setRows, refusals }: { rows: MeasureRow[]; setRows: (f: (rows: MeasureRow[]) => MeasureRow[]) => void; refusals: Refusals }) {
  const next = useRef(rows.length);
  const add = () => setRows((rs) => [...rs, { key: next.current++, stored: { status: 'pending' } }]);
  const remove = (key: number) => setRows((rs) => rs.filter((r) => r.key !== key));
  const error = refusals.errors['/measures'];
  return (
    <fieldset>
      <legend>{t('registry.measures')}</legend>
      <p class="field-error" id="measures-error" hidden={!error}>
        {error ?? ''}
      </p>
      <div class="measures" data-pointer="/measures">
        {rows.map(({ key, stored: m }, i) => {
          const verified = m.status === 'verified_implemented';
          // Verified implemented is a reviewer's verification, never a choice here.
          const statuses = MEASURE_STATUSES.filter((s) => s !== 'verified_implemented' || verified);
          return (
            <div class="measure grid-form" key={key}>
              <Field label={t('registry.measure.id')} pointer={`/measures/${i}/id`} refusals={refusals}>
                <input type="text" name="measure_id" defaultValue={text(m.id)} required autoComplete="off" />
              </Field>
              <Field label={t('registry.measure.text')} pointer={`/measures/${i}/text`} refusals={refusals}>
                <input type="text" name="measure_text" defaultValue={text(m.text)} required />
              </Field>
              <Field label={t('registry.measure.due')} pointer={`/measures/${i}/due`} refusals={refusals}>
                <input type="date" name="measure_due" defaultValue={text(m.due)} />
              </Field>
              <Field label={t('registry.measure.status')} pointer={`/measures/${i}/status`} refusals={refusals} hint={verified ? t('registry.measure.verifiedOn', { date: text(m.verified_on) }) : undefined}>
                <select name="measure_status">
                  <Options options={statuses.map((s): [string, string] => [s, humanize(s)])} value={text(m.status) || 'pending'} />
                </select>
              </Field>
              <button type="button" class="secondary remove" aria-label={t('registry.measure.removeNamed', { n: i + 1 })} onClick={() => remove(key)}>
                {t('registry.measure.remove')}
              </button>
            </div>
          );
        })}
      </div>
      <button type="button" class="secondary" onClick={add}>
        {t('registry.measure.add')}
      </button>
    </fieldset>
  );
}

// The measures as the rows of the form show them, each over what was stored.
function readMeasures(form: HTMLFormElement, rows: MeasureRow[]): Rec[] {
  const shown = [...form.querySelectorAll<HTMLElement>('.measures > .measure')];
  return rows.map(({ stored }, i) => {
    const value = (name: string) => (shown[i].querySelector(`[name=${name}]`) as Control).value.trim();
    const m: Rec = { ...stored, id: value('measure_id'), text: value('measure_text'), status: value('measure_status') };
    if (value('measure_due')) m.due = value('measure_due');
    else delete m.due;
    if (m.status !== 'verified_implemented') delete m.verified_on;
    return m;
  });
}

// A message about the whole form (a record changed meanwhile, a refusal
// naming no field of it), shown at its top and focused.
function useFormError() {
  const [message, setMessage] = useState('');
  const ref = useRef<HTMLParagraphElement>(null);
  const show = (m: string) => {
    setMessage(m);
    setTimeout(() => ref.current?.focus());
  };
  const view = message ? (
    <p class="field-error" tabindex={-1} ref={ref}>
      {message}
    </p>
  ) : null;
  return { view, show, clear: () => setMessage('') };
}

// The history of a record, as the server shows it to this reader.
function HistoryTable({ history }: { history: Rec[] }) {
  const rows = history.map((e) => [
    text(e.at).replace('T', ' ').replace('Z', ' UTC'),
    humanize(text(e.action)),
    text(e.by) || '—',
    ((e.changes as Rec[] | undefined) ?? [])
      .map((c) => ('after' in c ? `${humanize(text(c.field))}: ${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after ?? null)}` : t('registry.history.changed', { field: humanize(text(c.field)) })))
      .join('; ') + (e.comment ? ` (${text(e.comment)})` : ''),
  ]);
  const headers = [t('registry.history.when'), t('registry.history.what'), t('registry.history.who'), t('registry.history.changes')];
  return <DataTable headers={headers} rows={rows} caption={t('registry.history.caption')} class="history" empty={t('registry.history.empty')} />;
}

interface RecordPage {
  def: KindDef;
  editing: boolean;
  writer: boolean;
  record: Rec;
  etag: string | null;
  history: Rec[];
  // The options of each select field, by pointer.
  options: Record<string, Array<[string, string]>>;
}

function RecordForm({ data }: { data: RecordPage }) {
  const { def, editing, record, etag, options } = data;
  const refusals = useRefusals();
  const formError = useFormError();
  const [busy, setBusy] = useState(false);
  const [measures, setMeasures] = useState<MeasureRow[]>(() => ((record.measures as Rec[] | undefined) ?? []).map((stored, key) => ({ key, stored })));
  const hasMeasures = def.kind === 'commitments';
  const requiredNote = around('registry.requiredNote');

  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    formError.clear();
    const body: Rec = JSON.parse(JSON.stringify(record));
    delete body.children;
    delete body.splinters;
    for (const f of def.fields) setAt(body, f.pointer, readControl(f, form));
    if (body.dissolved && !Object.keys(body.dissolved as Rec).length) delete body.dissolved;
    if (body.names && !Object.keys(body.names as Rec).length) delete body.names;
    if (hasMeasures) body.measures = readMeasures(form, measures);
    const errs: Array<[string, string]> = [];
    for (const f of def.fields) if (f.required && !(form.elements.namedItem(controlName(f)) as Control).value.trim()) errs.push([f.pointer, t('registry.required', { label: f.label })]);
    ((body.measures as Rec[] | undefined) ?? []).forEach((m, i) => {
      if (!m.id) errs.push([`/measures/${i}/id`, t('registry.measure.idRequired', { n: i + 1 })]);
      if (!m.text) errs.push([`/measures/${i}/text`, t('registry.measure.textRequired', { n: i + 1 })]);
    });
    if (errs.length) {
      // Each message focuses its control; the first one set last keeps the focus.
      for (const [p, m] of [...errs].reverse()) refusals.set(form, p, m);
      announce(t('registry.attention', { count: errs.length }), 'error');
      return;
    }
    setBusy(true);
    try {
      if (editing) await call('PUT', def.path(body).replace(/\?.*$/, ''), body, { ifMatch: etag });
      else await call('POST', `/${def.kind}`, body);
      if (def.kind === 'parties') {
        partyList = null;
        resetCaches();
      }
      flash(kindText(def, editing ? 'saved' : 'added', { key: def.keyMembers.map((k) => text(body[k])).join(' ') }));
      navigate(editHref(def, body));
    } catch (e) {
      const pointer = e instanceof ApiError && e.status !== 412 ? pointerIn(form, e.field) : null;
      if (pointer) {
        refusals.refuse(form, e, t('registry.notSaved'));
        // The list of measures is no control: its first one takes the focus.
        if (pointer === '/measures') setTimeout(() => form.querySelector<HTMLElement>('.measures input')?.focus());
      } else {
        const message = e instanceof ApiError && e.status === 412 ? t('registry.changedMeanwhile') : errorText(e);
        formError.show(message);
        announce(t('registry.notSavedBecause', { message }), 'error');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="registry-form" noValidate onSubmit={submit}>
      {formError.view}
      <p class="hint">
        {requiredNote[0]}
        <span class="req">*</span>
        {requiredNote[1]}
      </p>
      <div class="grid-form">
        {def.fields.map((f) => (
          <FieldControl key={f.pointer} f={f} value={at(record, f.pointer)} options={options[f.pointer]} fixed={editing && !!f.key} refusals={refusals} />
        ))}
      </div>
      {hasMeasures ? <MeasureEditor rows={measures} setRows={setMeasures} refusals={refusals} /> : null}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {editing ? t('registry.saveChanges') : kindText(def, 'add')}
        </button>
        <a href={`/registry${qs({ kind: def.kind })}`} class="button secondary">
          {t('registry.cancel')}
        </a>
      </div>
    </form>
  );
}

// Renames a party from a date on; the old name is kept as a former name.
function RenameForm({ party, etag }: { party: Rec; etag: string | null }) {
  const refusals = useRefusals();
  const formError = useFormError();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    formError.clear();
    const data = new FormData(form);
    const name = String(data.get('new_name') ?? '').trim();
    const from = String(data.get('from') ?? '');
    if (!name) {
      refusals.set(form, '/name', t('registry.required', { label: t('registry.rename.newName') }));
      announce(t('registry.attention', { count: 1 }), 'error');
      return;
    }
    const body: Rec = { name };
    if (from) body.from = from;
    try {
      await call('POST', `/parties/${enc(text(party.id))}/rename`, body, { ifMatch: etag });
      partyList = null;
      resetCaches();
      flash(t('registry.rename.done', { id: text(party.id), name }));
      navigate(location.pathname + location.search, true);
    } catch (e) {
      if (e instanceof ApiError && pointerIn(form, e.field)) {
        refusals.refuse(form, e, t('registry.rename.notRenamed'));
      } else {
        const message = errorText(e);
        formError.show(message);
        announce(t('registry.rename.notRenamedBecause', { message }), 'error');
      }
    }
  };
  return (
    <form class="card" noValidate aria-labelledby="rename-h" onSubmit={submit}>
      {formError.view}
      <h2 id="rename-h">{t('registry.rename.heading')}</h2>
      <p class="hint">{t('registry.rename.hint')}</p>
      <div class="grid-form">
        <Field label={t('registry.rename.newName')} pointer="/name" refusals={refusals}>
          <input type="text" name="new_name" required autoComplete="off" />
        </Field>
        <Field label={t('registry.rename.from')} pointer="/from" refusals={refusals} hint={t('registry.rename.fromHint')}>
          <input type="date" name="from" />
        </Field>
      </div>
      <div class="actions">
        <button type="submit">{t('registry.rename.button')}</button>
      </div>
    </form>
  );
}

// The page of one record: its form for analysts and admins (new or
// stored), its history for everyone else.
function formPage(editing: boolean): PageDef<RecordPage> {
  return definePage({
    load: async ({ params, route }) => {
      const def = kindDef(route.kind);
      const writer = writesRegistry();
      let record: Rec = def.kind === 'commitments' ? { measures: [] } : def.kind === 'sources' ? { reliability: 'F', credibility: 6, confidential: false } : {};
      let etag: string | null = null;
      let history: Rec[] = [];
      if (editing) {
        const key = Object.fromEntries(def.keyMembers.map((k) => [k, params.get(k) ?? '']));
        const read = await call<Rec>('GET', def.path(key));
        record = read.data;
        etag = read.etag;
        const historyPath = def.path(key).replace(/(\?|$)/, '/history$1');
        history = ((await get<Rec>(historyPath)).history as Rec[]) ?? [];
      }
      const options: Record<string, Array<[string, string]>> = {};
      if (writer) for (const f of def.fields) if (f.options) options[f.pointer] = await f.options();
      return { def, editing, writer, record, etag, history, options };
    },
    View: ({ data }) => {
      const { def, record, history, writer } = data;
      const name = editing ? def.keyMembers.map((k) => text(record[k])).join(' ') : '';
      const crumbs = (
        <p class="crumbs">
          <a href={`/registry${qs({ kind: def.kind })}`}>{kindText(def, 'title')}</a>
          {' / '}
          {editing ? name : t('registry.crumbNew')}
        </p>
      );
      if (!writer)
        return (
          <>
            {crumbs}
            <h1>{kindText(def, 'record', { key: name })}</h1>
            <HistoryTable history={history} />
          </>
        );
      return (
        <>
          {crumbs}
          <h1>{editing ? kindText(def, 'edit', { key: name }) : kindText(def, 'new')}</h1>
          <RecordForm data={data} />
          {editing && def.kind === 'parties' ? <RenameForm party={record} etag={data.etag} /> : null}
          {editing ? (
            <>
              <h2>{t('registry.history.caption')}</h2>
              <HistoryTable history={history} />
            </>
          ) : null}
        </>
      );
    },
  });
}

export const registryNew = formPage(false);
export const registryEdit = formPage(true);

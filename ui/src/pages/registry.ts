// The registry kept in Mara: parties (units, renames, splinters,
// dissolution), sources with their grades, designations, engagements,
// commitments with their measures, and statements. Everyone reads the
// lists; analysts and admins create and edit (POST, PUT with If-Match);
// reviewers verify a commitment's measure (four eyes). Each form's controls
// carry the JSON pointer of the member they fill, so a refusal from the
// server lands beside its field in plain words (forms.ts, messages.ts).
import { ApiError, call, enc, get, qs } from '../api';
import { announce, errorText, flash, link, navigate, resetCaches, situations } from '../app';
import { field, h, humanize, select, table, uid } from '../dom';
import type { Child } from '../dom';
import { Control, clearErrors, ptr, serverMessage, showError } from '../forms';
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
}

interface KindDef {
  kind: string; // collection name, the page's path segment
  title: string;
  singular: string;
  keyMembers: string[];
  fields: FieldDef[];
  // The record's own path under /api/v1 and the query completing its key.
  path: (r: Rec) => string;
  columns: Array<[string, (r: Rec) => Child]>;
}

const ID_HINT = 'Letters, digits, dot, dash or underscore.';
const opts = (values: string[], blank = true): (() => Promise<Array<[string, string]>>) => async () => [
  ...(blank ? [['', 'Choose…'] as [string, string]] : []),
  ...values.map((v): [string, string] => [v, humanize(v)]),
];
let partyList: Promise<Rec[]> | null = null;
const partiesNow = (): Promise<Rec[]> => (partyList ??= get<{ items: Rec[] }>('/parties').then((r) => r.items));
const partyOptions = (blankText = 'Choose…') => async (): Promise<Array<[string, string]>> => [
  ['', blankText],
  ...(await partiesNow()).map((p): [string, string] => [String(p.id), `${p.name} (${p.id})`]),
];
const situationOptions = async (): Promise<Array<[string, string]>> => [['', 'Choose…'], ...(await situations()).map((s): [string, string] => [s.id, s.name])];

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const KINDS: KindDef[] = [
  {
    kind: 'parties',
    title: 'Parties',
    singular: 'party',
    keyMembers: ['id'],
    fields: [
      { pointer: '/id', label: 'Party ID', type: 'text', required: true, key: true, hint: ID_HINT },
      { pointer: '/name', label: 'Name', type: 'text', required: true },
      { pointer: '/kind', label: 'Kind', type: 'select', required: true, options: opts(PARTY_KINDS) },
      { pointer: '/situation', label: 'Situation', type: 'select', required: true, options: situationOptions },
      { pointer: '/parent', label: 'Unit or wing of', type: 'select', options: partyOptions('None'), hint: 'The larger party this one belongs to.' },
      { pointer: '/splinter_of', label: 'Broke away from', type: 'select', options: partyOptions('None') },
      { pointer: '/aliases', label: 'Also known as', type: 'list', hint: 'Separate names with commas.' },
      { pointer: '/dissolved/date', label: 'Dissolved on', type: 'date', hint: 'Recording a dissolution needs a decision maker.' },
      { pointer: '/dissolved/source', label: 'Dissolution recorded by', type: 'text', hint: 'A source ID or a citation; required with a dissolution.' },
    ],
    path: (r) => `/parties/${enc(text(r.id))}`,
    columns: [
      ['Name', (r) => link(`/parties/${enc(text(r.id))}`, text(r.name))],
      ['ID', (r) => text(r.id)],
      ['Kind', (r) => humanize(text(r.kind))],
      ['Situation', (r) => text(r.situation)],
      ['Unit of', (r) => text(r.parent)],
      ['Splinter of', (r) => text(r.splinter_of)],
      ['Former names', (r) => ((r.names_over_time as Rec[] | undefined) ?? []).map((n) => text(n.name)).join(', ')],
    ],
  },
  {
    kind: 'sources',
    title: 'Sources',
    singular: 'source',
    keyMembers: ['id'],
    fields: [
      { pointer: '/id', label: 'Source ID', type: 'text', required: true, key: true, hint: ID_HINT },
      { pointer: '/kind', label: 'Kind', type: 'select', required: true, options: opts(SOURCE_KINDS) },
      { pointer: '/title', label: 'Title', type: 'text', required: true },
      { pointer: '/publisher', label: 'Publisher', type: 'text' },
      { pointer: '/date', label: 'Date', type: 'date' },
      { pointer: '/url', label: 'Web address', type: 'text' },
      { pointer: '/reliability', label: 'Reliability of the source', type: 'select', required: true, options: opts(RELIABILITIES, false), hint: 'A reliable … F cannot be judged.' },
      { pointer: '/credibility', label: 'Credibility of the information', type: 'select', required: true, options: opts(CREDIBILITIES, false), hint: '1 confirmed … 6 cannot be judged.' },
      { pointer: '/confidential', label: 'Confidential', type: 'bool' },
    ],
    path: (r) => `/sources/${enc(text(r.id))}`,
    columns: [
      ['ID', (r) => text(r.id)],
      ['Title', (r) => text(r.title)],
      ['Kind', (r) => humanize(text(r.kind))],
      ['Grade', (r) => `${text(r.reliability)}${text(r.credibility)}`],
      ['Date', (r) => text(r.date)],
    ],
  },
  {
    kind: 'designations',
    title: 'Designations',
    singular: 'designation',
    keyMembers: ['party', 'authority', 'program', 'listed_on'],
    fields: [
      { pointer: '/party', label: 'Party', type: 'select', required: true, key: true, options: partyOptions() },
      { pointer: '/authority', label: 'Authority', type: 'text', required: true, key: true },
      { pointer: '/program', label: 'List or regime', type: 'text', key: true },
      { pointer: '/kind', label: 'Kind', type: 'select', required: true, options: opts(DESIGNATION_KINDS) },
      { pointer: '/listed_on', label: 'Listed on', type: 'date', required: true, key: true },
      { pointer: '/ended_on', label: 'Ended on', type: 'date' },
      { pointer: '/source', label: 'Source ID', type: 'text' },
    ],
    path: (r) => `/designations/${enc(text(r.party))}/${enc(text(r.listed_on))}${qs({ authority: text(r.authority), program: text(r.program) })}`,
    columns: [
      ['Party', (r) => text(r.party)],
      ['Authority', (r) => text(r.authority)],
      ['List', (r) => text(r.program)],
      ['Kind', (r) => humanize(text(r.kind))],
      ['Listed on', (r) => text(r.listed_on)],
      ['Ended on', (r) => text(r.ended_on)],
    ],
  },
  {
    kind: 'engagements',
    title: 'Engagements',
    singular: 'engagement',
    keyMembers: ['party', 'date', 'kind'],
    fields: [
      { pointer: '/party', label: 'Party', type: 'select', required: true, key: true, options: partyOptions() },
      { pointer: '/date', label: 'Date', type: 'date', required: true, key: true },
      { pointer: '/kind', label: 'Kind', type: 'select', required: true, key: true, options: opts(ENGAGEMENT_KINDS) },
      { pointer: '/note', label: 'Note (confidential)', type: 'textarea' },
    ],
    path: (r) => `/engagements/${enc(text(r.party))}/${enc(text(r.date))}/${enc(text(r.kind))}`,
    columns: [
      ['Party', (r) => text(r.party)],
      ['Date', (r) => text(r.date)],
      ['Kind', (r) => humanize(text(r.kind))],
      ['Note', (r) => text(r.note)],
    ],
  },
  {
    kind: 'commitments',
    title: 'Commitments',
    singular: 'commitment',
    keyMembers: ['id'],
    fields: [
      { pointer: '/id', label: 'Commitment ID', type: 'text', required: true, key: true, hint: ID_HINT },
      { pointer: '/party', label: 'Party', type: 'select', required: true, options: partyOptions() },
      { pointer: '/kind', label: 'Kind', type: 'select', required: true, options: opts(COMMITMENT_KINDS) },
      { pointer: '/signed', label: 'Signed on', type: 'date' },
    ],
    path: (r) => `/commitments/${enc(text(r.id))}`,
    columns: [
      ['ID', (r) => text(r.id)],
      ['Party', (r) => text(r.party)],
      ['Kind', (r) => humanize(text(r.kind))],
      ['Signed', (r) => text(r.signed)],
      ['Measures', (r) => ((r.measures as Rec[] | undefined) ?? []).map((m) => `${text(m.id)}: ${humanize(text(m.status))}`).join('; ')],
    ],
  },
  {
    kind: 'statements',
    title: 'Statements',
    singular: 'statement',
    keyMembers: ['id'],
    fields: [
      { pointer: '/id', label: 'Statement ID', type: 'text', required: true, key: true, hint: ID_HINT },
      { pointer: '/by', label: 'Made by', type: 'text', required: true, hint: 'The institution that made it.' },
      { pointer: '/date', label: 'Date', type: 'date', required: true },
      { pointer: '/kind', label: 'Kind', type: 'select', required: true, options: opts(STATEMENT_KINDS) },
      { pointer: '/incidents', label: 'Incidents it answers', type: 'list', hint: 'Incident IDs, separated by commas.' },
      { pointer: '/text', label: 'Text (confidential)', type: 'textarea' },
    ],
    path: (r) => `/statements/${enc(text(r.id))}`,
    columns: [
      ['ID', (r) => text(r.id)],
      ['Made by', (r) => text(r.by)],
      ['Date', (r) => text(r.date)],
      ['Kind', (r) => humanize(text(r.kind))],
      ['Incidents', (r) => ((r.incidents as string[] | undefined) ?? []).join(', ')],
    ],
  },
];

// "a party", "an engagement".
function withArticle(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

function kindDef(kind: string): KindDef {
  const def = KINDS.find((k) => k.kind === kind);
  if (!def) throw new Error(`There is no registry list called ${kind}.`);
  return def;
}

export function writesRegistry(): boolean {
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

function tabs(current: string): HTMLElement {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': 'Registry lists' },
    h('ul', null, KINDS.map((k) => h('li', null, link(`/registry${qs({ kind: k.kind })}`, k.title, { 'aria-current': k.kind === current ? 'page' : undefined })))),
  );
}

// Verifies one measure (a reviewer; the server applies the four eyes).
async function verifyMeasure(commitment: string, measure: string): Promise<void> {
  const read = await call<Rec>('GET', `/commitments/${enc(commitment)}`);
  await call('POST', `/commitments/${enc(commitment)}/measures/${enc(measure)}/verification`, {}, { ifMatch: read.etag });
}

export async function registryList(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const def = kindDef(params.get('kind') ?? 'parties');
  const items = (await get<{ items: Rec[] }>(`/${def.kind}`)).items;
  const writer = writesRegistry();
  const reviewer = hasRole('reviewer') && def.kind === 'commitments';
  const headers = [...def.columns.map(([name]) => name), 'Actions'];
  const rows = items.map((r) => {
    const actions: Child[] = [];
    if (writer) actions.push(link(editHref(def, r), 'Edit', { 'aria-label': `Edit ${def.singular} ${def.keyMembers.map((k) => text(r[k])).join(' ')}` }));
    else actions.push(link(editHref(def, r), 'History', { 'aria-label': `History of ${def.singular} ${def.keyMembers.map((k) => text(r[k])).join(' ')}` }));
    if (reviewer) {
      for (const m of (r.measures as Rec[] | undefined) ?? []) {
        if (m.status === 'verified_implemented') continue;
        actions.push(
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'secondary small',
              onclick: async () => {
                try {
                  await verifyMeasure(text(r.id), text(m.id));
                  flash(`Measure ${text(m.id)} of ${text(r.id)} verified.`);
                  navigate(location.pathname + location.search, true);
                } catch (e) {
                  announce(`Not verified: ${errorText(e)}`, 'error');
                }
              },
            },
            `Verify ${text(m.id)}`,
          ),
        );
      }
    }
    return [...def.columns.map(([, cell]) => cell(r)), h('span', null, actions)];
  });
  main.append(
    h('h1', null, 'Registry'),
    tabs(def.kind),
    writer
      ? h('div', { class: 'actions' }, link(`/registry/${def.kind}/new`, `Add ${withArticle(def.singular)}`, { class: 'button' }))
      : h('p', { class: 'hint' }, 'You can read the registry. Analysts and admins add and change its records.'),
    table(headers, rows, def.title, 'registry', { empty: `No ${def.title.toLowerCase()} yet.` }),
  );
}

// A control for one field, with its value.
async function control(f: FieldDef, value: unknown, fixed: boolean): Promise<Control> {
  const attrs: Rec = { name: f.pointer.slice(1).replace(/\//g, '_'), required: f.required || undefined };
  let el: Control;
  if (f.type === 'select') {
    const options = await f.options!();
    const v = text(value);
    if (v && !options.some(([o]) => o === v)) options.push([v, v]);
    el = select(String(attrs.name), options, v, { required: f.required || undefined, disabled: fixed || undefined });
  } else if (f.type === 'textarea') {
    el = h('textarea', { ...attrs, rows: '4', value: text(value) });
  } else if (f.type === 'bool') {
    el = h('input', { ...attrs, type: 'checkbox', checked: value === true, required: undefined });
  } else if (f.type === 'list') {
    el = h('input', { ...attrs, type: 'text', value: Array.isArray(value) ? value.join(', ') : '' });
  } else {
    el = h('input', { ...attrs, type: f.type === 'date' ? 'date' : 'text', value: text(value), readonly: fixed || undefined, autocomplete: 'off' });
  }
  return ptr(el, f.pointer);
}

function readControl(f: FieldDef, el: Control): unknown {
  if (f.type === 'bool') return (el as HTMLInputElement).checked;
  const v = el.value.trim();
  if (f.type === 'list') return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
  return v === '' ? undefined : v;
}

// The measures of a commitment: one row each, added and removed.
function measureEditor(measures: Rec[]): { fieldset: HTMLFieldSetElement; read: () => Rec[] } {
  const list = ptr(h('div', { class: 'measures' }), '/measures');
  const renumber = () => {
    list.querySelectorAll<HTMLElement>('.measure').forEach((row, i) => {
      for (const [name, member] of [['measure_id', 'id'], ['measure_text', 'text'], ['measure_due', 'due'], ['measure_status', 'status']]) {
        row.querySelector(`[name=${name}]`)!.setAttribute('data-pointer', `/measures/${i}/${member}`);
      }
      row.querySelector('.remove')?.setAttribute('aria-label', `Remove measure ${i + 1}`);
    });
  };
  const rows: Array<{ row: HTMLElement; stored: Rec }> = [];
  const add = (m: Rec = { status: 'pending' }) => {
    const verified = m.status === 'verified_implemented';
    // Verified implemented is a reviewer's verification, never a choice here.
    const statuses = MEASURE_STATUSES.filter((s) => s !== 'verified_implemented' || verified);
    const row = h(
      'div',
      { class: 'measure grid-form' },
      field('Measure ID', h('input', { type: 'text', name: 'measure_id', value: text(m.id), required: true, autocomplete: 'off' })),
      field('What was undertaken', h('input', { type: 'text', name: 'measure_text', value: text(m.text), required: true })),
      field('Due', h('input', { type: 'date', name: 'measure_due', value: text(m.due) })),
      field('Status', select('measure_status', statuses.map((s): [string, string] => [s, humanize(s)]), text(m.status) || 'pending'), verified ? `Verified on ${text(m.verified_on)}.` : undefined),
      h('button', { type: 'button', class: 'secondary remove', onclick: () => { row.remove(); rows.splice(rows.findIndex((x) => x.row === row), 1); renumber(); } }, 'Remove'),
    );
    rows.push({ row, stored: m });
    list.append(row);
    renumber();
  };
  measures.forEach((m) => add(m));
  const fieldset = h('fieldset', null, h('legend', null, 'Measures'), h('p', { class: 'field-error', id: uid('err'), hidden: true }), list, h('button', { type: 'button', class: 'secondary', onclick: () => add() }, 'Add a measure'));
  const read = () =>
    rows.map(({ row, stored }) => {
      const value = (name: string) => (row.querySelector(`[name=${name}]`) as Control).value.trim();
      const m: Rec = { ...stored, id: value('measure_id'), text: value('measure_text'), status: value('measure_status') };
      if (value('measure_due')) m.due = value('measure_due');
      else delete m.due;
      if (m.status !== 'verified_implemented') delete m.verified_on;
      return m;
    });
  return { fieldset, read };
}

// The history of a record, as the server shows it to this reader.
function historyTable(history: Rec[]): HTMLElement {
  const rows = history.map((e) => [
    text(e.at).replace('T', ' ').replace('Z', ' UTC'),
    humanize(text(e.action)),
    text(e.by) || '—',
    ((e.changes as Rec[] | undefined) ?? [])
      .map((c) => ('after' in c ? `${humanize(text(c.field))}: ${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after ?? null)}` : `${humanize(text(c.field))} changed`))
      .join('; ') + (e.comment ? ` (${text(e.comment)})` : ''),
  ]);
  return table(['When', 'What', 'Who', 'Changes'], rows, 'History', 'history', { empty: 'No change made in Mara yet (imported records have their import log).' });
}

export async function registryForm(main: HTMLElement, params: URLSearchParams, match: string[]): Promise<void> {
  const def = kindDef(match[0]);
  const editing = match[1] === 'edit';
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
  const name = editing ? def.keyMembers.map((k) => text(record[k])).join(' ') : '';
  main.append(h('p', { class: 'crumbs' }, link(`/registry${qs({ kind: def.kind })}`, def.title), ' / ', editing ? name : 'new'));
  if (!writer) {
    main.append(h('h1', null, `${humanize(def.singular)} ${name}`), historyTable(history));
    return;
  }
  const controls: Array<[FieldDef, Control]> = [];
  for (const f of def.fields) controls.push([f, await control(f, at(record, f.pointer), editing && !!f.key)]);
  const measures = def.kind === 'commitments' ? measureEditor((record.measures as Rec[]) ?? []) : null;
  const form = h(
    'form',
    { class: 'registry-form', novalidate: true },
    h('p', { class: 'hint' }, 'Fields marked ', h('span', { class: 'req' }, '*'), ' are required.'),
    h('div', { class: 'grid-form' }, controls.map(([f, el]) => field(f.label, el, f.hint))),
    measures?.fieldset,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, editing ? 'Save changes' : `Add ${def.singular}`), link(`/registry${qs({ kind: def.kind })}`, 'Cancel', { class: 'button secondary' })),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body: Rec = JSON.parse(JSON.stringify(record));
    delete body.children;
    delete body.splinters;
    for (const [f, el] of controls) setAt(body, f.pointer, readControl(f, el));
    if (body.dissolved && !Object.keys(body.dissolved as Rec).length) delete body.dissolved;
    if (measures) body.measures = measures.read();
    const errs: Array<[string, string]> = [];
    for (const [f, el] of controls) if (f.required && !el.value.trim()) errs.push([f.pointer, `${f.label}: this is required.`]);
    ((body.measures as Rec[] | undefined) ?? []).forEach((m, i) => {
      if (!m.id) errs.push([`/measures/${i}/id`, `Measure ${i + 1}, measure ID: this is required.`]);
      if (!m.text) errs.push([`/measures/${i}/text`, `Measure ${i + 1}, what was undertaken: this is required.`]);
    });
    if (errs.length) {
      const first = errs.map(([p, m]) => showError(form, p, m))[0];
      announce(`${errs.length} field${errs.length > 1 ? 's need' : ' needs'} attention.`, 'error');
      first.focus();
      return;
    }
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
    submit.disabled = true;
    try {
      if (editing) await call('PUT', def.path(body).replace(/\?.*$/, ''), body, { ifMatch: etag });
      else await call('POST', `/${def.kind}`, body);
      if (def.kind === 'parties') {
        partyList = null;
        resetCaches();
      }
      flash(`${humanize(def.singular)} ${def.keyMembers.map((k) => text(body[k])).join(' ')} ${editing ? 'saved' : 'added'}.`);
      navigate(editHref(def, body));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        const message = 'Someone changed this record since you opened it. Reload the page to see their version.';
        showError(form, undefined, message).focus();
        announce(`Not saved: ${message}`, 'error');
      } else if (e instanceof ApiError && e.field && e.field.startsWith('/')) {
        const message = serverMessage(form, e.field, e.detail);
        showError(form, e.field, message).focus();
        announce(`Not saved: ${message}`, 'error');
      } else {
        const message = errorText(e);
        showError(form, undefined, message).focus();
        announce(`Not saved: ${message}`, 'error');
      }
    } finally {
      submit.disabled = false;
    }
  });
  main.append(h('h1', null, editing ? `Edit ${def.singular} ${name}` : `Add ${withArticle(def.singular)}`), form);
  if (editing && def.kind === 'parties') main.append(renameForm(record, etag));
  if (editing) main.append(h('h2', null, 'History'), historyTable(history));
}

// Renames a party from a date on; the old name is kept as a former name.
function renameForm(party: Rec, etag: string | null): HTMLElement {
  const nameIn = ptr(h('input', { type: 'text', name: 'new_name', required: true, autocomplete: 'off' }), '/name');
  const fromIn = ptr(h('input', { type: 'date', name: 'from' }), '/from');
  const form = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'rename-h' },
    h('h2', { id: 'rename-h' }, 'Rename'),
    h('p', { class: 'hint' }, 'The party keeps its ID and history; its current name becomes a former name.'),
    h('div', { class: 'grid-form' }, field('New name', nameIn), field('Called so from', fromIn, 'Leave empty for today.')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Rename')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!nameIn.value.trim()) {
      showError(form, '/name', 'New name: this is required.').focus();
      announce('1 field needs attention.', 'error');
      return;
    }
    const body: Rec = { name: nameIn.value.trim() };
    if (fromIn.value) body.from = fromIn.value;
    try {
      await call('POST', `/parties/${enc(text(party.id))}/rename`, body, { ifMatch: etag });
      partyList = null;
      resetCaches();
      flash(`Party ${text(party.id)} renamed to ${body.name}.`);
      navigate(location.pathname + location.search, true);
    } catch (e) {
      const pointer = e instanceof ApiError ? e.field : undefined;
      const message = e instanceof ApiError && pointer?.startsWith('/') ? serverMessage(form, pointer, e.detail) : errorText(e);
      showError(form, pointer?.startsWith('/') ? pointer : undefined, message).focus();
      announce(`Not renamed: ${message}`, 'error');
    }
  });
  return form;
}

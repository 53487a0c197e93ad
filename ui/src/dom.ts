// Small DOM helpers: build elements from a tag, attributes and children.
// Text always goes through text nodes (never innerHTML), so values from the
// API can not inject markup.

import { cellText, csvFileName, sortOrder, toCsv } from './tabular';

export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (key === 'checked' && el instanceof HTMLInputElement) {
      el.checked = Boolean(value);
    } else if (key === 'selected' && el instanceof HTMLOptionElement) {
      el.selected = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs?: Attrs | null, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let idCounter = 0;
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// The mark beside the label of a required field: a visible asterisk, and
// the words for a screen reader (a control's own `required` is announced
// too; a fieldset has none).
export function requiredMark(): Child[] {
  return [h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'), h('span', { class: 'visually-hidden' }, ' (required)')];
}

// A labelled form control: <div class=field><label for>..</label>control<p error></div>.
// A control with the `required` attribute gets a visible asterisk beside
// its label (outside it, hidden from screen readers, which announce the
// control's own `required`), so the label stays the field's name.
export function field(
  labelText: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  if (!control.id) control.id = uid('f');
  const label = h('label', { for: control.id }, labelText);
  const children: Child[] = [control.required ? h('div', { class: 'label-row' }, label, h('span', { class: 'req', 'aria-hidden': 'true' }, '*')) : label, control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    children.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  children.push(h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true }));
  return h('div', { class: 'field' }, children);
}

export function select(
  name: string,
  options: Array<[string, string]>,
  value?: string,
  attrs?: Attrs,
): HTMLSelectElement {
  return h(
    'select',
    { name, ...attrs },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

export function humanize(s: string): string {
  return s.replace(/_/g, ' ');
}

export interface TableOptions {
  // Sort buttons in the column headers (default true).
  sortable?: boolean;
  // An "Export CSV" button for the rows shown (default true).
  exportable?: boolean;
  // What an empty table says in its one cell (default "Nothing to show.").
  empty?: string;
}

// Where the tables announce a new sort order: the application's status
// region, once the shell has mounted it.
let announceStatus: (message: string) => void = () => {};
export function setTableAnnouncer(fn: (message: string) => void): void {
  announceStatus = fn;
}

// Saves a text as a file through a temporary link to a Blob.
function saveFile(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// A data table; every table of the application comes from here. Each
// column sorts by a button in its header (aria-sort on the sorted one;
// numeric columns compare as numbers), and "Export CSV" saves the rows shown
// in their current order. Each cell holds one div and carries its column's
// name (data-label), which narrow screens show beside it when the rows stack
// into cards; the explicit roles keep it a table for screen readers when the
// styles display its parts as blocks. A captioned table scrolls inside a
// region named after its caption and "table", so that the name differs from
// the section around it, which often bears the same heading.
export function table(headers: string[], rows: Child[][], caption?: string, className?: string, options: TableOptions = {}): HTMLDivElement {
  const sortable = (options.sortable ?? true) && rows.length > 1;
  const exportable = options.exportable ?? true;
  const bodyRows = rows.map((r) => h('tr', { role: 'row' }, r.map((c, i) => h('td', { role: 'cell', 'data-label': headers[i] ?? '' }, h('div', { class: 'cell' }, c)))));
  const tbody = h(
    'tbody',
    { role: 'rowgroup' },
    rows.length === 0 ? h('tr', { role: 'row' }, h('td', { role: 'cell', colspan: String(headers.length), class: 'empty' }, options.empty ?? 'Nothing to show.')) : bodyRows,
  );
  const ths = headers.map(() => h('th', { scope: 'col', role: 'columnheader' }));
  const sortBy = (col: number, direction: 'ascending' | 'descending') => {
    const order = sortOrder(
      bodyRows.map((tr) => cellText(tr.cells[col] ?? tr)),
      direction,
    );
    // Sorting always starts from the original order, so ties stay as the server gave them.
    tbody.replaceChildren(...order.map((i) => bodyRows[i]));
    ths.forEach((th, i) => (i === col ? th.setAttribute('aria-sort', direction) : th.removeAttribute('aria-sort')));
    announceStatus(`${caption ?? 'Table'} sorted by ${headers[col]}, ${direction}.`);
  };
  ths.forEach((th, i) => {
    if (!sortable || !headers[i]) {
      th.append(headers[i]);
      return;
    }
    th.append(
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          onclick: () => sortBy(i, th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending'),
        },
        headers[i],
        h('span', { class: 'sort-mark', 'aria-hidden': 'true' }),
      ),
    );
  });
  const tableEl = h(
    'table',
    { class: ['data', sortable ? 'sortable' : '', className ?? ''].filter(Boolean).join(' '), role: 'table' },
    caption ? h('caption', null, caption) : null,
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, ths)),
    tbody,
  );
  const wrap = caption
    ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${caption} table` }, tableEl)
    : h('div', { class: 'table-wrap' }, tableEl);
  if (!exportable) return h('div', { class: 'table-block' }, wrap);
  const exportCsv = () => {
    const shown = Array.from(tbody.rows).filter((tr) => !tr.querySelector('td.empty'));
    const csv = toCsv([headers, ...shown.map((tr) => Array.from(tr.cells, (td) => cellText(td)))]);
    saveFile(csvFileName(caption), 'text/csv;charset=utf-8', csv);
    announceStatus(`${shown.length} row${shown.length === 1 ? '' : 's'} exported as CSV.`);
  };
  const button = h(
    'button',
    { type: 'button', class: 'secondary small', 'aria-label': caption ? `Export CSV: ${caption}` : undefined, onclick: exportCsv },
    'Export CSV',
  );
  return h('div', { class: 'table-block' }, h('div', { class: 'table-tools' }, button), wrap);
}

export function badge(status: string): HTMLSpanElement {
  return h('span', { class: `badge badge-${status}` }, humanize(status));
}

// Drops the null/false entries of a list of optional sections.
export function nodes(...items: Array<Node | null | undefined | false>): Node[] {
  return items.filter((x): x is Node => !!x);
}

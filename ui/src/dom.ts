// Small DOM helpers: build elements from a tag, attributes and children.
// Text always goes through text nodes (never innerHTML), so values from the
// API can not inject markup.

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

// A labelled form control: <div class=field><label for>..</label>control<p error></div>.
export function field(
  labelText: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  if (!control.id) control.id = uid('f');
  const children: Child[] = [h('label', { for: control.id }, labelText), control];
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

// A table. A captioned table scrolls inside a region named after its
// caption and "table", so that the name differs from the section around
// it, which often bears the same heading.
export function table(headers: string[], rows: Child[][], caption?: string, className?: string): HTMLDivElement {
  const tableEl = h(
    'table',
    { class: className },
    caption ? h('caption', null, caption) : null,
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      null,
      rows.length === 0
        ? h('tr', null, h('td', { colspan: String(headers.length), class: 'empty' }, 'Nothing to show.'))
        : rows.map((r) => h('tr', null, r.map((c) => h('td', null, c)))),
    ),
  );
  return caption
    ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `${caption} table` }, tableEl)
    : h('div', { class: 'table-wrap' }, tableEl);
}

export function badge(status: string): HTMLSpanElement {
  return h('span', { class: `badge badge-${status}` }, humanize(status));
}

// Drops the null/false entries of a list of optional sections.
export function nodes(...items: Array<Node | null | undefined | false>): Node[] {
  return items.filter((x): x is Node => !!x);
}

// What the application's forms share: every control carries the JSON
// pointer of the body member it fills (data-pointer), so a problem's
// `field` from the API lands beside the right input, named by its label in
// plain words (messages.ts); client-side checks use the same pointers.
import { h, uid } from './dom';
import { plainMessage } from './messages';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export function ptr<T extends Element>(el: T, pointer: string): T {
  el.setAttribute('data-pointer', pointer);
  return el;
}

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>('.field-error').forEach((p) => {
    p.hidden = true;
    p.textContent = '';
  });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
}

// The text of a label or legend without its required mark.
export function ownText(el: Element | null): string {
  if (!el) return '';
  return [...el.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent ?? '')
    .join('')
    .trim();
}

// The name people know a control by: its label (or its fieldset's legend),
// with the perpetrator or measure row or the victims group it belongs to.
export function labelOf(form: HTMLElement, target: HTMLElement): string {
  if (target.matches('fieldset')) return ownText(target.querySelector(':scope > legend'));
  const label = ownText(target.id ? form.querySelector(`label[for="${CSS.escape(target.id)}"]`) : null);
  const row = target.closest('.perp');
  if (row) {
    const i = [...row.parentElement!.querySelectorAll(':scope > .perp')].indexOf(row);
    return `Perpetrator ${i + 1}, ${label.toLowerCase()}`;
  }
  const measure = target.closest('.measure');
  if (measure) {
    const i = [...measure.parentElement!.querySelectorAll(':scope > .measure')].indexOf(measure);
    return `Measure ${i + 1}, ${label.toLowerCase()}`;
  }
  if (target.closest('fieldset.victims')) return `Victims, ${label}`;
  return label;
}

// The control for `pointer`, or the nearest enclosing member's control.
export function controlFor(form: HTMLElement, pointer: string | undefined): HTMLElement | null {
  let p = pointer ?? '';
  let target: HTMLElement | null = null;
  while (p && !target) {
    target = form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(p)}"]`);
    if (!target) p = p.slice(0, Math.max(0, p.lastIndexOf('/')));
  }
  return target;
}

// A refusal from the server in words naming the field by its label.
export function serverMessage(form: HTMLElement, pointer: string | undefined, detail: string): string {
  const target = controlFor(form, pointer);
  return plainMessage(detail, target ? labelOf(form, target) || undefined : undefined);
}

// Shows `message` beside the control for `pointer`, or the nearest
// enclosing member's control, or at the top of the form.
export function showError(form: HTMLElement, pointer: string | undefined, message: string): HTMLElement {
  const target = controlFor(form, pointer);
  const holder = target?.closest('.field, fieldset') ?? form;
  let err = holder.querySelector<HTMLElement>(':scope > .field-error');
  if (!err) {
    err = h('p', { class: 'field-error', id: uid('err') });
    holder.prepend(err);
  }
  err.textContent = message;
  err.hidden = false;
  const focusable = target && target.matches('input,select,textarea') ? target : holder.querySelector<HTMLElement>('input,select,textarea,button');
  if (focusable) {
    focusable.setAttribute('aria-invalid', 'true');
    const described = new Set((focusable.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    described.add(err.id);
    focusable.setAttribute('aria-describedby', [...described].join(' '));
  }
  return focusable ?? err;
}


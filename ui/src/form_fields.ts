// The account, user, name-review, consent and evidence pages' forms (forms.ts
// serves the incident and registry forms): a control names the API's member
// it feeds in `data-pointer`; a problem whose `field` is that pointer is shown
// under the control in words naming the field by its label (messages.ts),
// the control marked invalid and focused. Problems about no field go to the
// status line only.
import { ApiError } from './api';
import { announce, errorText } from './app';
import { h, requiredMark, uid } from './dom';
import { plainMessage } from './messages';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLElement;

// The visible words of a control's label (without the required mark).
export function labelOf(form: HTMLElement, ctl: Element): string {
  const label = ctl.tagName === 'FIELDSET' ? ctl.querySelector('legend') : ctl.id ? form.querySelector(`label[for="${CSS.escape(ctl.id)}"]`) : null;
  if (!label) return '';
  return [...label.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent)
    .join('')
    .trim();
}

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>('.field-error').forEach((p) => {
    p.hidden = true;
    p.textContent = '';
  });
  form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
}

// Shows `message` under `ctl` and moves focus to it.
export function setError(ctl: Control, message: string): void {
  const p = ctl.closest('.field, fieldset')?.querySelector<HTMLElement>('.field-error');
  if (!p) return;
  p.textContent = message;
  p.hidden = false;
  ctl.setAttribute('aria-invalid', 'true');
  const described = (ctl.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x && x !== p.id);
  ctl.setAttribute('aria-describedby', [...described, p.id].join(' '));
  (ctl.tagName === 'FIELDSET' ? (ctl.querySelector('input') ?? ctl) : ctl).focus();
}

// A refusal from the API (or any error) beside its field when it names one
// this form has, and on the status line prefixed with `what` ("Not saved").
// Returns the message in words.
export function showError(form: HTMLElement, e: unknown, what: string): string {
  const ctl = e instanceof ApiError && e.field ? form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(e.field)}"]`) : null;
  const message = e instanceof ApiError ? plainMessage(e.detail, ctl ? labelOf(form, ctl) || undefined : undefined) : errorText(e);
  if (ctl) setError(ctl, message);
  announce(`${what}: ${message}`, 'error');
  return message;
}

// "2026-01-31T12:00:00Z" (or Unix seconds) as "2026-01-31 12:00 UTC".
export function when(t: string | number | undefined): string {
  if (t === undefined || t === '') return '';
  const iso = typeof t === 'number' ? new Date(t * 1000).toISOString() : t;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// A group of checkboxes under a legend, with its error line; `pointer` is
// the API member the chosen values feed.
export function checkboxGroup(legendText: string, name: string, options: Array<[string, string]>, chosen: string[], pointer: string, required = false): HTMLFieldSetElement {
  return h(
    'fieldset',
    { class: 'checks', 'data-pointer': pointer },
    h('legend', null, legendText, required ? requiredMark() : null),
    h('p', { class: 'field-error', id: uid('err'), hidden: true }),
    options.map(([value, text]) => {
      const id = uid(name);
      return h('span', { class: 'check' }, h('input', { type: 'checkbox', id, name, value, checked: chosen.includes(value) }), h('label', { for: id }, text));
    }),
  );
}

// The values of a checkbox group that are ticked.
export function checked(group: HTMLElement): string[] {
  return [...group.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((c) => c.value);
}

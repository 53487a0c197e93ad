// What the petition and communication forms share: the refusal of the
// server shown beside the field it names (the problem's JSON pointer matched
// to a control's data-pointer), in words, and announced.
import { ApiError } from '../api';
import { announce, errorText } from '../app';
import { plainMessage } from '../messages';

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>('.field-error').forEach((p) => {
    p.hidden = true;
    p.textContent = '';
  });
  form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
}

export function setError(control: HTMLElement, message: string): void {
  const p = control.closest('.field')?.querySelector<HTMLElement>('.field-error');
  if (!p) return;
  p.textContent = message;
  p.hidden = false;
  control.setAttribute('aria-invalid', 'true');
  const described = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
  described.add(p.id);
  control.setAttribute('aria-describedby', [...described].join(' '));
  control.focus();
}

// Shows a refusal: beside the control whose data-pointer the problem names
// (labelled by `labels`, pointer to the field's label), and in the status
// region, after `what` ("Not filed").
export function showRefusal(form: HTMLElement, e: unknown, what: string, labels: Record<string, string>): void {
  const pointer = e instanceof ApiError ? e.field : undefined;
  const control = pointer ? form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(pointer)}"]`) : null;
  const label = pointer ? labels[pointer] : undefined;
  const message = e instanceof ApiError ? plainMessage(e.detail, control ? label : undefined) : errorText(e);
  if (control) setError(control, message);
  announce(`${what}: ${message}`, 'error');
}

// What every form shares. A control names the API member it fills by its
// JSON pointer (`data-pointer`); a refusal from the API whose `field` is
// that pointer (or a member inside it) is shown beside the control, in
// words naming the field by its label (messages.ts), the control marked
// invalid and focused, and announced on the status line. Values are read
// from the form's controls when it is submitted (FormData or the
// controls' state): the server validates every body against its schema, so
// the forms do not repeat its rules.
import { cloneElement, type ComponentChildren, type VNode } from 'preact';
import { useId, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { announce, errorText } from '../app';
import { t } from '../i18n';
import { plainMessage } from '../messages';

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
    return t('forms.perpetratorField', { n: i + 1, label: label.toLowerCase() });
  }
  const measure = target.closest('.measure');
  if (measure) {
    const i = [...measure.parentElement!.querySelectorAll(':scope > .measure')].indexOf(measure);
    return t('forms.measureField', { n: i + 1, label: label.toLowerCase() });
  }
  if (target.closest('fieldset.victims')) return t('forms.victimsField', { label });
  return label;
}

// The pointer of the control for `pointer` in `form`, or of the nearest
// enclosing member's control; null when the form has none.
export function pointerIn(form: HTMLElement, pointer: string | undefined): string | null {
  let p = pointer ?? '';
  while (p) {
    if (form.querySelector(`[data-pointer="${CSS.escape(p)}"]`)) return p;
    p = p.slice(0, Math.max(0, p.lastIndexOf('/')));
  }
  return null;
}

export interface Refusals {
  // Messages by pointer, for the fields to show.
  errors: Record<string, string>;
  // Removes every message (at the start of a submission).
  clear: () => void;
  // Shows `message` beside the control for `pointer` in `form` and focuses it.
  set: (form: HTMLElement, pointer: string, message: string) => void;
  // Shows each [pointer, message] beside its control and focuses the first.
  setAll: (form: HTMLElement, messages: Array<[string, string]>) => void;
  // Shows a refusal (or any error) beside the field it names, when `form`
  // has it, and on the status line after `what` ("Not saved"). `labels`
  // names fields by pointer where the label on the page does not. Returns
  // the message in words.
  refuse: (form: HTMLElement, e: unknown, what: string, labels?: Record<string, string>) => string;
}

// Focuses the control for `pointer`: the control itself, or the first
// control inside a group (a fieldset, a list of rows).
function focusControl(form: HTMLElement, pointer: string): void {
  // After the render that shows the message.
  setTimeout(() => {
    const target = form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(pointer)}"]`);
    const inner = target && !target.matches('input,select,textarea,button') ? target.querySelector<HTMLElement>('input,select,textarea') : null;
    (inner ?? target)?.focus();
  });
}

export function useRefusals(): Refusals {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (form: HTMLElement, pointer: string, message: string) => {
    setErrors((e) => ({ ...e, [pointer]: message }));
    focusControl(form, pointer);
  };
  return {
    errors,
    clear: () => setErrors({}),
    set,
    setAll: (form, messages) => {
      if (!messages.length) return;
      setErrors((e) => ({ ...e, ...Object.fromEntries(messages) }));
      focusControl(form, messages[0][0]);
    },
    refuse: (form, e, what, labels = {}) => {
      const pointer = e instanceof ApiError ? pointerIn(form, e.field) : null;
      let message: string;
      if (e instanceof ApiError) {
        const target = pointer ? form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(pointer)}"]`) : null;
        const label = (pointer && labels[pointer]) || (target ? labelOf(form, target) : '') || undefined;
        message = plainMessage(e.detail, label);
      } else {
        message = errorText(e);
      }
      if (pointer) set(form, pointer, message);
      announce(t('forms.refused', { what, message }), 'error');
      return message;
    },
  };
}

// The mark beside the label of a required field: a visible asterisk, and
// the words for a screen reader (a control's own `required` is announced
// too; a fieldset has none).
export function RequiredMark() {
  return (
    <>
      <span class="req" aria-hidden="true">
        {' *'}
      </span>
      <span class="visually-hidden">{t('forms.required')}</span>
    </>
  );
}

export interface FieldProps {
  label: ComponentChildren;
  // The one control: input, select or textarea. Its `required` marks the label.
  children: VNode;
  hint?: ComponentChildren;
  // The API member the control fills; its refusal shows here.
  pointer?: string;
  refusals?: Refusals;
  // The control's id (default: a generated one).
  id?: string;
  class?: string;
}

// A labelled control: <div class=field><label for>…</label>control<p hint>
// <p field-error></div>. A required control gets a visible asterisk beside
// its label (outside it, hidden from screen readers, which announce the
// control's own `required`), so the label stays the field's name.
export function Field(props: FieldProps) {
  const generated = useId();
  const control = props.children;
  const cprops = control.props as Record<string, unknown>;
  const id = props.id ?? (cprops.id as string | undefined) ?? `f-${generated}`;
  const error = props.pointer ? props.refusals?.errors[props.pointer] : undefined;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const described = [hintId, error ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  const label = <label for={id}>{props.label}</label>;
  return (
    <div class={props.class ? `field ${props.class}` : 'field'}>
      {cprops.required ? (
        <div class="label-row">
          {label}
          <span class="req" aria-hidden="true">
            *
          </span>
        </div>
      ) : (
        label
      )}
      {cloneElement(control, {
        id,
        'data-pointer': props.pointer ?? cprops['data-pointer'],
        'aria-describedby': described,
        'aria-invalid': error ? 'true' : undefined,
      })}
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <p class="field-error" id={errorId} hidden={!error}>
        {error ?? ''}
      </p>
    </div>
  );
}

export interface CheckboxGroupProps {
  legend: string;
  name: string;
  options: Array<[string, string]>;
  chosen: string[];
  pointer: string;
  required?: boolean;
  refusals?: Refusals;
  class?: string;
}

// A group of checkboxes under a legend, with its error line; `pointer` is
// the API member the ticked values feed (read them with `checkedIn`).
export function CheckboxGroup(props: CheckboxGroupProps) {
  const base = useId();
  const error = props.refusals?.errors[props.pointer];
  return (
    <fieldset
      class={props.class ? `checks ${props.class}` : 'checks'}
      data-pointer={props.pointer}
      aria-invalid={error ? 'true' : undefined}
      aria-describedby={error ? `${props.name}-${base}-error` : undefined}
    >
      <legend>
        {props.legend}
        {props.required ? <RequiredMark /> : null}
      </legend>
      <p class="field-error" id={`${props.name}-${base}-error`} hidden={!error}>
        {error ?? ''}
      </p>
      {props.options.map(([value, text], i) => {
        const id = `${props.name}-${base}-${i}`;
        return (
          <span class="check" key={value}>
            <input
              type="checkbox"
              id={id}
              name={props.name}
              value={value}
              defaultChecked={props.chosen.includes(value)}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? `${props.name}-${base}-error` : undefined}
            />
            <label for={id}>{text}</label>
          </span>
        );
      })}
    </fieldset>
  );
}

// The values of the ticked checkboxes named `name` in `form`.
export function checkedIn(form: HTMLElement, name: string): string[] {
  return [...form.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${CSS.escape(name)}"]:checked`)].map((c) => c.value);
}

// "2026-01-31T12:00:00Z" (or Unix seconds) as "2026-01-31 12:00 UTC".
export function when(at: string | number | undefined): string {
  if (at === undefined || at === '') return '';
  const iso = typeof at === 'number' ? new Date(at * 1000).toISOString() : at;
  return t('forms.utcTime', { date: iso.slice(0, 10), time: iso.slice(11, 16) });
}

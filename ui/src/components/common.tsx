// Small pieces several pages show.
import type { ComponentChildren } from 'preact';
import { hasMessage, t } from '../i18n';

// A value the server sends from a fixed set (a status, a kind, a role, a
// violation) in the reader's language: its message in the `enum`
// catalogue, else the value with spaces for underscores (a value Mara does
// not know, such as a rule a policy adds).
export function humanize(s: string): string {
  return hasMessage(`enum.${s}`) ? t(`enum.${s}`) : s.replace(/_/g, ' ');
}

// A status ("listed", "verified") as a coloured badge with its words.
export function Badge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{humanize(status)}</span>;
}

// A card section headed by `title` (h2), labelled by its heading.
export function Card(props: { id: string; title: ComponentChildren; class?: string; children?: ComponentChildren }) {
  return (
    <section class={props.class ? `card ${props.class}` : 'card'} aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

// A <select> of [value, text] options, `value` chosen at first.
export function Options({ options, value }: { options: Array<[string, string]>; value?: string }) {
  return (
    <>
      {options.map(([v, text]) => (
        <option value={v} selected={v === value} key={v}>
          {text}
        </option>
      ))}
    </>
  );
}

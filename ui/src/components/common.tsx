// Small pieces several pages show.
import type { ComponentChildren } from 'preact';

export function humanize(s: string): string {
  return s.replace(/_/g, ' ');
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

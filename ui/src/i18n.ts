// Messages in ICU MessageFormat (intl-messageformat): plurals and numbers
// are the library's, by the reader's locale rules. English is the one
// catalogue; a message is looked up by its key, and each compiled format is
// kept.
import { IntlMessageFormat } from 'intl-messageformat';

const en = {
  'rows.exported': '{count, plural, one {# row} other {# rows}} exported as CSV.',
  'table.sorted': '{table} sorted by {column}, {direction}.',
  'count.incidents': '{count, plural, one {# incident} other {# incidents}}',
  'count.attachments': '{count, plural, one {# attachment} other {# attachments}}',
  'count.verified': '{count, plural, one {{count} verified incident} other {{count} verified incidents}}',
  'map.summary': '{title}: {places, plural, one {# place} other {# places}} in {markers, plural, one {# marker} other {# markers}}, {incidents}; the table below lists them.',
  'audit.shown':
    '{count, plural, one {# record} other {# records}} shown{refusals, plural, =0 {} one {, # refused action} other {, # refused actions}}{failedLogins, plural, =0 {} one {, # failed login} other {, # failed logins}}.',
  'range.incidents': '{first}–{last} of {count, plural, one {# incident} other {# incidents}}',
  'beyond.incidents': 'No incidents on this page ({count, number} in all).',
} as const;

export type MessageKey = keyof typeof en;

const locale = 'en';
const compiled = new Map<string, IntlMessageFormat>();

// The message `key` with `values` put in.
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  let format = compiled.get(key);
  if (!format) {
    format = new IntlMessageFormat(en[key], locale);
    compiled.set(key, format);
  }
  return String(format.format(values));
}

// The API's problem details in words for people: the JSON pointer, column
// or line a message starts with becomes the field's label (or a plain name
// for it), wording meant for API clients is rephrased, and clauses that name
// API routes are left out. The words around the server's text are in the
// reader's language; the server's own text stays as it was sent.
import { t } from './i18n';

const PREFIX = /^\s*(\/[A-Za-z0-9_~.-]*(?:\/[A-Za-z0-9_~.-]*)*|field '[^']*'|column '[^']*'|line \d+)\s*:\s*/;

// The server's wording and the words people read instead (the parts the
// server's message holds, such as an id, put into them).
const REPHRASE: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^expected a non-negative integer, got (.+)$/, (m) => t('messages.wholeNumberNot', { value: m[1] })],
  [/^expected a non-negative integer$/, () => t('messages.wholeNumber')],
  [/^missing required field$/, () => t('messages.required')],
  [/^must not be empty$/, () => t('messages.required')],
  [/^an id is required$/, () => t('messages.required')],
  [/^at least one violation is required$/, () => t('messages.oneViolation')],
  [/^expected a date string YYYY-MM-DD.*$/, () => t('messages.fullDate')],
  [/^unknown (party|situation|source|incident) (.+)$/, (m) => t('messages.noSuch', { kind: m[1], id: m[2] })],
  [/^the parent chain returns to (.+?) \(.*\)$/, (m) => t('messages.parentCycle', { party: m[1] })],
  [/^`verified_implemented` is set only by .*$/, () => t('messages.verifiedImplemented')],
  [/^(.+) exists already; update it instead$/, (m) => t('messages.existsAlready', { what: m[1] })],
  [/^incident (.+) exists$/, (m) => t('messages.incidentExists', { id: m[1] })],
  [/^four-eyes rule: principal '[^']*' created 'evidence ([^']*)' and may not verify it: another reviewer must$/, (m) => t('messages.fourEyes', { id: m[1] })],
  [/^no incident (.+)$/, (m) => t('messages.noIncident', { id: m[1] })],
  [/^principal '([^']*)' exists$/, (m) => t('messages.userExists', { name: m[1] })],
];

// Splits "pointer: message" into its parts (repeatedly: "line 4: field
// 'women': ..."); the pointer parts are returned outermost first.
export function splitPrefix(detail: string): { where: string[]; message: string } {
  const where: string[] = [];
  let rest = detail;
  for (let m = PREFIX.exec(rest); m; m = PREFIX.exec(rest)) {
    where.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return { where, message: rest };
}

// A plain name for a pointer, column or line ("/victims/women" -> "victims,
// women"; "/perpetrators/1/party" -> "perpetrator 2, party").
export function placeName(where: string): string {
  const col = /^(?:field|column) '([^']*)'$/.exec(where);
  if (col) return col[1].replace(/_/g, ' ');
  const line = /^line (\d+)$/.exec(where);
  if (line) return t('messages.line', { n: Number(line[1]) });
  if (!where.startsWith('/')) return where;
  const parts = where.split('/').filter(Boolean);
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      words.push(`${parts[i].replace(/s$/, '').replace(/_/g, ' ')} ${Number(next) + 1}`);
      i++;
    } else if (/^\d+$/.test(parts[i])) {
      words.push(t('messages.item', { n: Number(parts[i]) + 1 }));
    } else {
      words.push(parts[i].replace(/_/g, ' '));
    }
  }
  return words.join(', ');
}

function rephrase(message: string): string {
  // Clauses written for API clients ("PUT /api/v1/... replaces it") are dropped.
  const clauses = message.split(/(?::|;)\s+/).filter((c) => !/\/api\/|\b(GET|PUT|POST|DELETE|PATCH) \//.test(c));
  let text = clauses.join(': ').trim();
  for (const [re, to] of REPHRASE) {
    const m = re.exec(text);
    if (m) {
      text = to(m);
      break;
    }
  }
  return text;
}

// The message of a problem for people. With `label` (the field's label) the
// sentence names it; without, a pointer in the message is named in words.
export function plainMessage(detail: string, label?: string): string {
  const { where, message } = splitPrefix(detail);
  let text = rephrase(message);
  if (!text) text = t('messages.refused');
  const name = label ?? (where.length ? where.map(placeName).join(', ') : '');
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (name) text = t('messages.withPlace', { place: name, text: `${text.charAt(0).toLowerCase()}${text.slice(1)}` });
  return /[.!?)。！？）]$/u.test(text) ? text : t('messages.sentence', { text });
}

// The API's problem details in words for people: the JSON pointer, column
// or line a message starts with becomes the field's label (or a plain name
// for it), wording meant for API clients is rephrased, and clauses that name
// API routes are left out.

const PREFIX = /^\s*(\/[A-Za-z0-9_~.-]*(?:\/[A-Za-z0-9_~.-]*)*|field '[^']*'|column '[^']*'|line \d+)\s*:\s*/;

const REPHRASE: Array<[RegExp, string]> = [
  [/^expected a non-negative integer, got (.+)$/, 'enter a whole number, 0 or more (not $1)'],
  [/^expected a non-negative integer$/, 'enter a whole number, 0 or more'],
  [/^missing required field$/, 'this is required'],
  [/^must not be empty$/, 'this is required'],
  [/^an id is required$/, 'this is required'],
  [/^at least one violation is required$/, 'choose at least one violation'],
  [/^expected a date string YYYY-MM-DD.*$/, 'enter a full date: day, month and year'],
  [/^unknown (party|situation|source|incident) (.+)$/, 'there is no $1 $2'],
  [/^the parent chain returns to (.+?) \(.*\)$/, 'a party cannot be a unit of itself or of its own units ($1)'],
  [/^`verified_implemented` is set only by .*$/, 'a measure is marked verified implemented only by a reviewer, with Verify, after it is saved'],
  [/^(.+) exists already; update it instead$/, '$1 exists already; open it and edit it instead'],
  [/^incident (.+) exists$/, 'an incident with the ID $1 exists already; open it and edit it instead'],
  [/^four-eyes rule: principal '[^']*' created 'evidence ([^']*)' and may not verify it: another reviewer must$/, 'you received evidence $1, so another reviewer must verify it (four-eyes rule)'],
  [/^no incident (.+)$/, 'there is no incident $1 that you can see'],
  [/^principal '([^']*)' exists$/, 'a user named $1 exists already; choose another name'],
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
  if (!where.startsWith('/')) return where;
  const parts = where.split('/').filter(Boolean);
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next)) {
      words.push(`${parts[i].replace(/s$/, '').replace(/_/g, ' ')} ${Number(next) + 1}`);
      i++;
    } else if (/^\d+$/.test(parts[i])) {
      words.push(`item ${Number(parts[i]) + 1}`);
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
    if (re.test(text)) {
      text = text.replace(re, to);
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
  if (!text) text = 'this was refused';
  const name = label ?? (where.length ? where.map(placeName).join(', ') : '');
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (name) text = `${name}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  return /[.!?)]$/.test(text) ? text : `${text}.`;
}

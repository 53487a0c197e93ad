// The data behind the tables, without the DOM's layout: the text of a cell,
// how a column sorts, and CSV (RFC 4180) with a guard against spreadsheet
// formulas.

// Elements whose text runs on with their neighbours' (a link inside a
// sentence); any other element is a separate word (two badges in one cell).
const RUN_ON = new Set(['A', 'ABBR', 'B', 'CODE', 'EM', 'I', 'SMALL', 'STRONG', 'SUB', 'SUP', 'TIME']);

function collect(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return (node as Text).data;
  if (!(node instanceof Element)) return '';
  // Controls (a row's "Verify") and decorations are not data.
  if (node.tagName === 'BUTTON' || node.getAttribute('aria-hidden') === 'true') return '';
  const inner = Array.from(node.childNodes, collect).join('');
  const runOn = RUN_ON.has(node.tagName) || (node.tagName === 'SPAN' && !node.classList.contains('badge'));
  return runOn ? inner : ` ${inner} `;
}

// The text of a cell as one line: what sorting compares and CSV exports.
export function cellText(node: Node): string {
  return collect(node).replace(/\s+/g, ' ').trim();
}

// A number, with thousands separators and a unit word allowed ("1,204",
// "12 bytes", "40%"); dates ("2025-08-14") and IDs are not numbers.
const NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*(?:%|[a-z]+))?$/i;
export function numberOf(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  return Number.parseFloat(text.replace(/,/g, ''));
}

// Cells that hold no value ('' or a dash) sort first ascending, last descending.
const EMPTY = /^(?:|—|–|-)$/;

// A column is numeric when each of its non-empty cells is a number.
export function isNumericColumn(values: string[]): boolean {
  const present = values.filter((v) => !EMPTY.test(v));
  return present.length > 0 && present.every((v) => numberOf(v) !== null);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

// Compares two cells' texts: empty cells first, numbers as numbers when
// the column is numeric, other text by the collator.
export function compareCells(a: string, b: string, numeric: boolean): number {
  const ka = EMPTY.test(a) ? null : a;
  const kb = EMPTY.test(b) ? null : b;
  if (ka === null || kb === null) return ka === kb ? 0 : ka === null ? -1 : 1;
  return numeric ? numberOf(ka)! - numberOf(kb)! : collator.compare(ka, kb);
}

// One CSV field. A value a spreadsheet would read as a formula (starting
// with = + - @, a tab or a carriage return) gets an apostrophe in front;
// a value with a comma, quote or line break is quoted, quotes doubled.
export function csvField(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// RFC 4180: comma-separated fields, CRLF after every record.
export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

// A file name from a caption: "Assessment 2025" → "assessment-2025.csv".
export function csvFileName(caption: string | undefined): string {
  const slug = (caption ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'table'}.csv`;
}

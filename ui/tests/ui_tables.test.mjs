// Browser tests of the tables, the map and the pages' accessibility, on a
// fresh `mara serve` of their own (see harness.mjs), as a principal with
// every role.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ConsoleWatch, login, openPage, password, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();
const CYCLE = 2025;
// A place name a spreadsheet would run as a formula, with a quote and a comma.
const FORMULA_PLACE = '=HYPERLINK("http://example.invalid","x"),1';

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

// POST as `name` outside the browser, with the session's cookie and CSRF token.
async function apiPost(name, pathAndQuery, body) {
  const res = await fetch(`${stack.base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password: password(name) }),
  });
  if (!res.ok) throw new Error(`login as ${name}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrf_token: csrf } = await res.json();
  const r = await fetch(`${stack.base}/api/v1${pathAndQuery}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`POST ${pathAndQuery} as ${name}: ${r.status} ${await r.text()}`);
}

test('setup: an incident whose place reads as a spreadsheet formula', async () => {
  await apiPost('mon', '/incidents', {
    id: 'I-2025-CSV',
    situation: 'SIT-QUE',
    date: '2025-07-01',
    date_precision: 'day',
    location: { name: FORMULA_PLACE },
    violations: ['rape'],
    victims: { women: 1, girls: 0, men: 0, boys: 0, unknown: 0 },
    context: 'attack',
    nexus: [],
    status: 'reported',
    perpetrators: [{ party: 'P-NLF', standard: 'credible_information' }],
    sources: [],
  });
});

// The pages reachable from the navigation, and the ones their links open.
const ALL_PAGES = [
  ['/', 'Dashboard'],
  ['/incidents', 'Incidents'],
  ['/incidents/I-2025-CSV', 'Incident I-2025-CSV'],
  ['/incidents/new', 'Record an incident'],
  ['/review', 'Review queue'],
  ['/parties', 'Parties'],
  ['/parties/P-NLF', 'Northern Liberation Front'],
  [`/assessment?cycle=${CYCLE}`, 'Assessment'],
  ['/reports', /Annex and reports/],
  ['/import', 'Import'],
  ['/audit', 'Audit'],
];

test('every page has unique landmarks and no skipped heading level', { timeout: 90_000 }, async () => {
  for (const width of [1280, 390]) {
    const page = await openPage(stack, watch, `landmarks-${width}`, width);
    await login(page, stack, 'chief');
    for (const [p, heading] of ALL_PAGES) {
      await page.goto(`${stack.base}${p}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      const { landmarks, headings } = await page.evaluate(() => {
        const text = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
        const nameOf = (el) => {
          const by = el.getAttribute('aria-labelledby');
          if (by) return text(by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
          return text(el.getAttribute('aria-label'));
        };
        const sectioning = 'article, aside, main, nav, section';
        const roleOf = (el) => {
          const explicit = el.getAttribute('role');
          if (explicit) return explicit;
          switch (el.tagName) {
            case 'MAIN': return 'main';
            case 'NAV': return 'navigation';
            case 'ASIDE': return 'complementary';
            case 'HEADER': return el.parentElement.closest(sectioning) ? null : 'banner';
            case 'FOOTER': return el.parentElement.closest(sectioning) ? null : 'contentinfo';
            case 'SECTION': return nameOf(el) ? 'region' : null;
            case 'FORM': return nameOf(el) ? 'form' : null;
            default: return null;
          }
        };
        const roles = ['banner', 'navigation', 'main', 'contentinfo', 'complementary', 'region', 'search', 'form'];
        const landmarks = Array.from(document.querySelectorAll('main, nav, aside, header, footer, section, form, [role]'))
          .map((el) => ({ role: roleOf(el), name: nameOf(el) }))
          .filter((l) => roles.includes(l.role));
        const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')).map((el) => ({
          level: el.getAttribute('aria-level') ? Number(el.getAttribute('aria-level')) : Number(el.tagName[1]),
          text: text(el.textContent),
        }));
        return { landmarks, headings };
      });
      const where = `${p} at ${width}px`;
      for (const role of ['banner', 'main', 'contentinfo']) assert.equal(landmarks.filter((l) => l.role === role).length, 1, `${where}: one ${role}`);
      const byRole = new Map();
      for (const l of landmarks) byRole.set(l.role, [...(byRole.get(l.role) ?? []), l.name]);
      for (const [role, names] of byRole) {
        if (names.length < 2) continue;
        for (const n of names) assert.ok(n, `${where}: each of the ${names.length} ${role} landmarks has a name`);
        assert.equal(new Set(names).size, names.length, `${where}: ${role} landmarks have distinct names: ${names.join(' | ')}`);
      }
      // Region names are unique across landmark roles too (a section and the table in it).
      const all = landmarks.filter((l) => l.name).map((l) => l.name.toLowerCase());
      assert.equal(new Set(all).size, all.length, `${where}: landmark names are unique: ${all.join(' | ')}`);
      assert.equal(headings[0]?.level, 1, `${where}: the first heading is an h1`);
      assert.equal(headings.filter((x) => x.level === 1).length, 1, `${where}: one h1`);
      for (let i = 1; i < headings.length; i++) {
        assert.ok(headings[i].level <= headings[i - 1].level + 1, `${where}: "${headings[i - 1].text}" (h${headings[i - 1].level}) is followed by "${headings[i].text}" (h${headings[i].level})`);
      }
    }
    await page.context().close();
  }
});

test('no console error, uncaught exception or CSP violation on any page', () => {
  assert.deepEqual(watch.problems, []);
});

// axe-core on every page of the application, at 1280 and at 390 px wide,
// on a fresh `mara serve` of its own (see harness.mjs).
//
// The pages are not listed here: for each user of the harness (one per
// role, and one with every role) the test reads the links of the
// application's banner (the main navigation and the links beside the
// user's name), then follows the links in the main region of each page
// checked to pages of another kind (an incident, a party's dossier, the
// incident form, ...), one page per kind; so a page added to the
// navigation, or linked from a page checked, is checked with no change
// here. The login page (logged out), the import page showing the result
// of an upload with a rejected record, and the incident form showing its
// mistakes beside the fields are checked too. Results axe cannot decide
// ("incomplete", such as the contrast of text drawn inside a chart's
// picture) are not violations and do not fail.
//
// The rules: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices,
// none disabled. Any violation fails, named by its rule, the page, the
// width, the user and the element's selector. At 390 px no page may scroll
// sideways (the document no wider than the window).
//
// axe runs inside the page under test: after the page has rendered, the
// test evaluates axe-core/axe.min.js (axe.source) in it with
// `page.evaluate`, which Playwright sends over the DevTools protocol
// (Runtime.evaluate): the page's Content-Security-Policy does not govern
// that channel, the one every other `page.evaluate` of the tests uses. The browser context keeps the CSP in force
// (no `bypassCSP`), so the application is tested under the policy it is
// served with, and any violation of it by the application still fails
// (ConsoleWatch).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ConsoleWatch, USERS, login, mainLinks, navLinks, openPage, pageKind, quiet, settle, startStack, stopStack } from './harness.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const WIDTHS = [1280, 390];

let stack;
const watch = new ConsoleWatch();

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

// The violations axe finds on the page as shown, one line each.
async function axeViolations(page, where) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(
    async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
    },
    TAGS,
  );
  return violations.flatMap((v) => v.targets.map((t) => `${v.id} on ${where}: ${t} (${v.help})`));
}

// How far the document is wider than the window, in pixels.
async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

// axe at every width, and at 390 px the sideways scroll, of the page at
// `url` (a path of the application) once it has rendered and `act` (if
// given) has brought it to the state to check; returns the problems found.
async function checkPage(page, url, label, act) {
  const problems = [];
  for (const [n, width] of WIDTHS.entries()) {
    await page.setViewportSize({ width, height: width < 600 ? 844 : 860 });
    // Loaded at the first width (and again for each `act`); then the window
    // is narrowed and the page lays itself out again without a new load.
    if (n === 0 || act) {
      await page.goto(`${stack.base}${url}`);
      await settle(page);
    } else {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    }
    if (act) {
      await act(width);
      await quiet(page);
    }
    const where = `${url} at ${width}px ${label}`;
    problems.push(...(await axeViolations(page, where)));
    if (width < 600) {
      const over = await overflow(page);
      if (over > 0) problems.push(`sideways scroll on ${where}: the document is ${over}px wider than the window`);
    }
  }
  return problems;
}

test('axe finds nothing on the login page, and it fits 390 px', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'axe-login');
  const problems = await checkPage(page, '/login', 'logged out');
  await page.context().close();
  assert.deepEqual(problems, []);
});

for (const [name, roles] of Object.entries(USERS)) {
  test(`axe finds nothing on the pages of ${name} (${roles.join(', ')}) and their detail pages, at 1280 and 390 px`, { timeout: 300_000 }, async (t) => {
    const page = await openPage(stack, watch, `axe-${name}`);
    await login(page, stack, name);
    const nav = await navLinks(page);
    assert.ok(nav.length >= 4, `${name} sees a navigation: ${nav.join(' ')}`);
    const label = `as ${name}`;
    const problems = [];
    // Breadth first: the navigation's pages, then each new kind of page
    // linked from a page checked.
    const seen = new Set(nav.map(pageKind));
    const queue = [...nav];
    for (let i = 0; i < queue.length; i++) {
      problems.push(...(await checkPage(page, queue[i], label)));
      // The links are the same at any width.
      for (const link of await mainLinks(page)) {
        const k = pageKind(new URL(link, stack.base).pathname);
        if (seen.has(k)) continue;
        seen.add(k);
        queue.push(link);
      }
    }
    await page.context().close();
    t.diagnostic(`pages checked: ${queue.join(' ')}`);
    assert.deepEqual(problems, [], `pages checked: ${queue.join(' ')}`);
  });
}

test('axe finds nothing on the import page showing an upload\'s result and its rejected record, at 1280 and 390 px', { timeout: 60_000 }, async () => {
  // One upload per width, with identifiers of their own: one record
  // imported, one rejected (a negative number of victims).
  const upload = (width) => {
    const csv = [
      'id,situation,date,location,violations,women,context,status,perpetrators',
      `I-AXE-${width}-OK,SIT-VAL,2025-09-02,Korvane,rape,1,attack,reported,P-NLF:credible_information`,
      `I-AXE-${width}-BAD,SIT-VAL,2025-09-03,Korvane,rape,-3,attack,reported,P-NLF:credible_information`,
    ].join('\n');
    const f = path.join(stack.dir, `axe-import-${width}.csv`);
    fs.writeFileSync(f, `${csv}\n`);
    return f;
  };
  const page = await openPage(stack, watch, 'axe-import');
  await login(page, stack, 'ana');
  const problems = await checkPage(page, '/import', 'with an upload\'s result as ana', async (width) => {
    await page.getByLabel('File to import').setInputFiles(upload(width));
    await page.getByLabel(/Skip invalid records/).check();
    await page.getByLabel('Upload').getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('#status.status-success').waitFor();
    await page.getByRole('region', { name: 'Rejected records' }).waitFor();
  });
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('axe finds nothing on the incident form showing its mistakes beside the fields, at 1280 and 390 px', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'axe-form-errors');
  await login(page, stack, 'mon');
  const problems = await checkPage(page, '/incidents/new', 'with its mistakes shown as mon', async () => {
    await page.getByRole('button', { name: 'Record incident' }).click();
    await page.locator('.field-error:visible').first().waitFor();
  });
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('no console error, uncaught exception or CSP violation on the pages checked', () => {
  assert.deepEqual(watch.problems, []);
});

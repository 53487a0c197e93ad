// The application in Arabic and in Chinese, on a fresh `mara serve` of its
// own (see harness.mjs).
//
// For each language and each user of the harness (one per role, and one
// with every role) the test logs in, chooses the language in the banner's
// language menu, and visits every page the user reaches, found as
// ui_axe.test.mjs finds them: the links of the banner, then the links in
// the main region of each page visited to pages of another kind (an
// incident, a party's dossier, ...), one page per kind. Each page is
// loaded anew (the choice is kept in this browser) and checked at 1280 and
// at 390 px wide:
// - the document's `lang` is the language and its `dir` is `rtl` for
//   Arabic, `ltr` for Chinese;
// - nothing is wider than the window (no sideways scroll);
// - in Arabic the layout is mirrored: at 1280 px the brand link "Mara"
//   sits to the right of the main navigation; the first link of the
//   navigation is to the right of the last one on its row; at 1280 px the
//   text of a table's header cell starts at the cell's right edge;
// - the links of the main navigation and the page's h1 hold letters of
//   the language's script. A party's dossier is headed by the party's name
//   (data, never translated): there its h2 headings are checked instead.
// Every page and width is checked before the test fails, and the message
// names each problem with its page, width and user.
//
// A language chosen while logged in is saved on the account too: each test
// clears it at its end, so that the next login starts in English.
//
// Then: choosing English again gives `lang="en"`, `dir="ltr"` and the
// English texts; the choice survives a reload. A user who chose Arabic,
// logged out and logged in again in a browser that kept nothing gets the
// application in Arabic, and the report, asked for without `lang`, in
// Arabic. Screenshots of the
// dashboard, the incident list, a party's dossier and the annex page in
// Arabic, as the viewer (so that they show no confidential text), go to
// ar-<page>.png in the screenshot directory (harness.mjs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConsoleWatch, USERS, login, mainLinks, navLinks, openPage, pageKind, password, settle, screenshotDir, startStack, stopStack } from './harness.mjs';

const WIDTHS = [1280, 390];
const LANGS = [
  { code: 'ar', name: 'Arabic', dir: 'rtl', script: /[\u0600-\u06FF]/ },
  { code: 'zh', name: 'Chinese', dir: 'ltr', script: /[\u4E00-\u9FFF]/ },
];
// Kinds of page (see pageKind()) whose h1 is a record's name rather than a
// text of the application: their h2 headings are checked for the script.
const H1_IS_DATA = new Set(['/parties/:id']);

let stack;
const watch = new ConsoleWatch();

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

// Chooses `code` in the banner's language menu and waits until the page
// shows it.
async function chooseLanguage(page, code) {
  await page.locator('#language-menu').selectOption(code);
  await page.waitForFunction((c) => document.documentElement.lang === c && localStorage.getItem('mara.language') === c, code);
  await settle(page);
}

// Clears the language saved on the logged-in user's account.
async function clearSavedLanguage(page) {
  const status = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1/account/language', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ language: null }),
    });
    return r.status;
  });
  assert.equal(status, 200, 'the saved language is cleared');
}

// What the page shows of its language and layout, measured in the page.
async function measure(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 4 && r.height > 4 && getComputedStyle(el).visibility !== 'hidden';
    };
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const brand = [...document.querySelectorAll('header a')].find((a) => a.textContent.trim() === 'Mara');
    const nav = document.querySelector('header nav');
    const links = nav ? [...nav.querySelectorAll('a')] : [];
    // The header cells of the main region's tables whose text is narrower
    // than the cell: where the text sits in the cell (its content box).
    const cells = [];
    for (const th of document.querySelectorAll('main table th')) {
      if (!visible(th) || th.textContent.trim() === '') continue;
      const range = document.createRange();
      range.selectNodeContents(th);
      const text = range.getBoundingClientRect();
      const r = th.getBoundingClientRect();
      const s = getComputedStyle(th);
      const left = r.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft);
      const right = r.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight);
      if (right - left - text.width < 4) continue;
      cells.push({ text: th.textContent.trim(), gapLeft: text.left - left, gapRight: right - text.right });
    }
    return {
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      brand: brand ? box(brand) : null,
      links: links.map((a) => ({ text: a.textContent.trim(), ...box(a) })),
      h1: document.querySelector('main h1')?.textContent.trim() ?? '',
      h2: [...document.querySelectorAll('main h2')].map((h) => h.textContent.trim()),
      cells,
    };
  });
}

// The problems of the page as measured, at `width`, in `lang`: each a line
// naming `where`. `h1` collects the pages whose heading lacks the script.
function problemsOf(m, lang, width, url, where, h1) {
  const problems = [];
  if (m.lang !== lang.code) problems.push(`lang is "${m.lang}", not "${lang.code}", on ${where}`);
  if (m.dir !== lang.dir) problems.push(`dir is "${m.dir}", not "${lang.dir}", on ${where}`);
  if (m.overflow > 1) problems.push(`sideways scroll on ${where}: the document is ${m.overflow}px wider than the window`);
  if (m.links.length === 0) problems.push(`no main navigation on ${where}`);
  for (const l of m.links) if (!lang.script.test(l.text)) problems.push(`navigation link "${l.text}" has no ${lang.name} letters on ${where}`);
  if (H1_IS_DATA.has(pageKind(new URL(url, 'http://x').pathname))) {
    if (!m.h2.some((h) => lang.script.test(h))) h1.push(`${where}: h2 headings ${JSON.stringify(m.h2)} have no ${lang.name} letters`);
  } else if (!lang.script.test(m.h1)) {
    h1.push(`${where}: h1 "${m.h1}" has no ${lang.name} letters`);
  }
  if (lang.dir === 'rtl') {
    // The brand is right of the navigation's middle; beside links on its
    // own row (a long navigation wraps below it), right of all of them.
    if (width === 1280 && m.brand && m.links.length > 0) {
      const middle = (Math.min(...m.links.map((l) => l.left)) + Math.max(...m.links.map((l) => l.right))) / 2;
      const beside = m.links.filter((l) => l.top < m.brand.bottom && l.bottom > m.brand.top);
      if ((m.brand.left + m.brand.right) / 2 <= middle || beside.some((l) => l.right > m.brand.left + 1)) {
        problems.push(`the brand link "Mara" (${m.brand.left.toFixed(0)}–${m.brand.right.toFixed(0)}px) is not to the right of the main navigation on ${where}`);
      }
    }
    if (width === 1280 && !m.brand) problems.push(`no brand link "Mara" in the banner on ${where}`);
    const [first] = m.links;
    const row = first ? m.links.filter((l) => Math.abs(l.top - first.top) < 4) : [];
    const last = row[row.length - 1];
    if (first && row.length > 1 && !(first.left > last.right - 1)) problems.push(`the first navigation link "${first.text}" is not to the right of "${last.text}" on ${where}`);
    // At 390 px a data table's rows are cards and its header a row of
    // buttons sized to their text: the cells are checked at 1280 px.
    if (width === 1280) {
      for (const c of m.cells) {
        if (c.gapRight > 2 || c.gapLeft < 2) problems.push(`table header "${c.text}" does not start at the cell's right edge (${c.gapRight.toFixed(1)}px from it) on ${where}`);
      }
    }
  }
  return problems;
}

// Two users' pages at a time, each in a browser context of its own: most
// of the time goes in waiting for a page's requests to end.
describe('every page of every user in Arabic and in Chinese', { concurrency: 2 }, () => {
  for (const lang of LANGS) {
    for (const [name, roles] of Object.entries(USERS)) {
      test(`in ${lang.name}, every page ${name} (${roles.join(', ')}) reaches has lang and dir, fits 1280 and 390 px${lang.dir === 'rtl' ? ', is mirrored' : ''} and speaks ${lang.name}`, { timeout: 300_000 }, async (t) => {
        const page = await openPage(stack, watch, `${lang.code}-${name}`);
        await login(page, stack, name);
        await chooseLanguage(page, lang.code);
        const nav = await navLinks(page);
        assert.ok(nav.length >= 4, `${name} sees a navigation: ${nav.join(' ')}`);
        const problems = [];
        const h1 = [];
        // Breadth first: the navigation's pages, then each new kind of page
        // linked from a page visited.
        const seen = new Set(nav.map(pageKind));
        const queue = [...nav];
        for (let i = 0; i < queue.length; i++) {
          // Loaded at the first width, then the window narrowed: the page
          // lays itself out again without a new load.
          for (const [n, width] of WIDTHS.entries()) {
            await page.setViewportSize({ width, height: width < 600 ? 844 : 860 });
            if (n === 0) {
              await page.goto(`${stack.base}${queue[i]}`);
              await settle(page);
            } else {
              await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
            }
            const where = `${queue[i]} at ${width}px as ${name}`;
            problems.push(...problemsOf(await measure(page), lang, width, queue[i], where, h1));
          }
          // The links are the same at any width.
          for (const link of await mainLinks(page)) {
            const k = pageKind(new URL(link, stack.base).pathname);
            if (seen.has(k)) continue;
            seen.add(k);
            queue.push(link);
          }
        }
        await clearSavedLanguage(page);
        await page.context().close();
        t.diagnostic(`pages visited: ${queue.join(' ')}`);
        // Every problem of every page at once, one a line: first the layout
        // and the shell, then the headings.
        const all = [...problems, ...h1];
        assert.ok(all.length === 0, `${all.length} problems in ${lang.name} as ${name}:\n${all.join('\n')}\npages visited: ${queue.join(' ')}`);
      });
    }
  }
});

test('choosing English again restores lang, dir and the English texts, and the choice survives a reload', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'languages-back');
  await login(page, stack, 'view');
  const state = () =>
    page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      stored: localStorage.getItem('mara.language'),
      nav: [...document.querySelectorAll('header nav a')].map((a) => a.textContent.trim()),
      h1: document.querySelector('main h1')?.textContent.trim(),
    }));
  // Chosen with the menu labelled "Language".
  await page.getByLabel('Language').selectOption('ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  await settle(page);
  let s = await state();
  assert.equal(s.dir, 'rtl');
  assert.equal(s.stored, 'ar');
  assert.match(s.nav[0], /[\u0600-\u06FF]/);
  await page.reload();
  await settle(page);
  s = await state();
  assert.deepEqual([s.lang, s.dir, s.stored], ['ar', 'rtl', 'ar'], 'Arabic after a reload');
  assert.match(s.nav[0], /[\u0600-\u06FF]/);
  assert.equal(await page.locator('#language-menu').inputValue(), 'ar');

  await chooseLanguage(page, 'en');
  s = await state();
  assert.deepEqual([s.lang, s.dir, s.stored], ['en', 'ltr', 'en']);
  assert.equal(s.nav[0], 'Dashboard');
  assert.equal(s.h1, 'Dashboard');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).waitFor();
  await page.getByLabel('Language').waitFor();
  await page.reload();
  await settle(page);
  s = await state();
  assert.deepEqual([s.lang, s.dir, s.stored], ['en', 'ltr', 'en'], 'English after a reload');
  assert.equal(s.nav[0], 'Dashboard');
  assert.equal(s.h1, 'Dashboard');
  assert.equal(await page.locator('#language-menu').inputValue(), 'en');
  await clearSavedLanguage(page);
  await page.context().close();
});

test('screenshots in Arabic of the dashboard, the incident list, a party\'s dossier and the annex page', { timeout: 60_000 }, async () => {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const page = await openPage(stack, watch, 'languages-screens', 1280);
  await login(page, stack, 'view');
  await chooseLanguage(page, 'ar');
  for (const [name, url] of [
    ['dashboard', '/'],
    ['incidents', '/incidents'],
    ['dossier', '/parties/P-NLF'],
    ['reports', '/reports'],
  ]) {
    await page.goto(`${stack.base}${url}`);
    await settle(page);
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.screenshot({ path: path.join(screenshotDir, `ar-${name}.png`), fullPage: name === 'dashboard' });
  }
  await clearSavedLanguage(page);
  await page.context().close();
});

test('a language chosen while logged in follows the user to a browser that kept nothing, and the report answers in it', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'languages-account');
  await login(page, stack, 'rev');
  await chooseLanguage(page, 'ar');
  const saved = await page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).language);
  assert.equal(saved, 'ar', 'the choice is saved on the account');
  // Logged out, and everything this browser kept forgotten.
  await page.locator('header .user button').click();
  await page.waitForURL(`${stack.base}/login`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => document.documentElement.lang === 'en' && document.documentElement.dir === 'ltr');
  await page.getByLabel('Name').fill('rev');
  await page.getByLabel('Password').fill(password('rev'));
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'ar' && document.documentElement.dir === 'rtl');
  await page.waitForURL(`${stack.base}/`);
  await settle(page);
  const shown = await page.evaluate(() => ({
    h1: document.querySelector('main h1')?.textContent.trim(),
    nav: document.querySelector('header nav a')?.textContent.trim(),
    stored: localStorage.getItem('mara.language'),
    menu: document.querySelector('#language-menu')?.value,
  }));
  assert.match(shown.h1, /[\u0600-\u06FF]/, `the dashboard's heading is Arabic: ${shown.h1}`);
  assert.match(shown.nav, /[\u0600-\u06FF]/);
  assert.equal(shown.stored, 'ar');
  assert.equal(shown.menu, 'ar');
  // The report, asked for without `lang` by a browser whose
  // Accept-Language is English, answers in the account's language.
  const report = await page.evaluate(async () => {
    const r = await fetch('/api/v1/reports/2025?format=html', { headers: { 'Accept-Language': 'en-US,en;q=0.9' } });
    return { status: r.status, language: r.headers.get('content-language'), head: (await r.text()).slice(0, 300) };
  });
  assert.equal(report.status, 200);
  assert.equal(report.language, 'ar');
  assert.match(report.head, /<html lang="ar" dir="rtl"/);
  await clearSavedLanguage(page);
  await page.context().close();
});

test('no console error, uncaught exception or CSP violation on the pages visited', () => {
  assert.deepEqual(watch.problems, []);
});

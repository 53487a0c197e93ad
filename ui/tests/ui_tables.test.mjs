// Browser tests of the tables, the map and the pages' accessibility, on a
// fresh `mara serve` of their own (see harness.mjs), as a principal with
// every role.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ConsoleWatch, login, openPage, password, quiet, startStack, stopStack } from './harness.mjs';

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

// RFC 4180: fields in double quotes may hold commas, quotes (doubled) and
// line breaks; records end with CRLF.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let f = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') quoted = false;
      else f += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(f);
      f = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
      i++;
    } else f += c;
  }
  assert.equal(f, '', 'the CSV ends with CRLF');
  assert.equal(row.length, 0, 'the CSV ends with CRLF');
  return rows;
}

async function exportCsv(page, region) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Export CSV: ${region}`, exact: true }).click()]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  return { name: download.suggestedFilename(), text, rows: parseCsv(text) };
}

// The text of one column of a table region, in the order shown.
async function column(page, region, index) {
  return page
    .getByRole('region', { name: `${region} table`, exact: true })
    .locator('tbody tr')
    .evaluateAll((trs, i) => trs.map((tr) => tr.cells[i].textContent.replace(/\s+/g, ' ').trim()), index);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

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
  ['/petitions', 'Petitions'],
  ['/communications', 'Communications'],
  [`/assessment?cycle=${CYCLE}`, 'Assessment'],
  ['/reports', /Annex and reports/],
  ['/publications', 'Publications'],
  ['/import', 'Import'],
  ['/audit', 'Audit'],
  ['/evidence', 'Evidence'],
  ['/consent', 'Consent'],
  ['/consent/I-2025-001/withdraw', 'Withdraw consent for I-2025-001'],
  ['/consent/I-2023-005/restore', 'Restore consent for I-2023-005'],
  ['/names?all=true', 'Name review'],
  ['/users', 'Users and roles'],
  ['/users/mon', 'User mon'],
  ['/account', 'My account'],
];

test('every page has unique landmarks and no skipped heading level', { timeout: 90_000 }, async () => {
  for (const width of [1280, 390]) {
    const page = await openPage(stack, watch, `landmarks-${width}`, width);
    await login(page, stack, 'chief');
    for (const [p, heading] of ALL_PAGES) {
      await page.goto(`${stack.base}${p}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await quiet(page);
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

// Every page with tables, as a principal with every role.
const TABLE_PAGES = [
  ['/incidents', 'Incidents'],
  ['/review', 'Review queue'],
  ['/parties/P-NLF', 'Northern Liberation Front'],
  [`/assessment?cycle=${CYCLE}`, 'Assessment'],
  ['/reports', /Annex and reports/],
  ['/publications', 'Publications'],
  ['/import', 'Import'],
  ['/audit', 'Audit'],
  ['/', 'Dashboard'],
  ['/evidence', 'Evidence'],
  ['/consent', 'Consent'],
  ['/names?all=true', 'Name review'],
  ['/users', 'Users and roles'],
  ['/account', 'My account'],
];

test('every table comes from the shared helper: sort buttons in the headers and an Export CSV button', { timeout: 90_000 }, async () => {
  const page = await openPage(stack, watch, 'tables');
  await login(page, stack, 'chief');
  for (const [p, heading] of TABLE_PAGES) {
    await page.goto(`${stack.base}${p}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await quiet(page);
    const tables = await page.locator('main table').evaluateAll((ts) =>
      ts.map((t) => ({
        caption: t.caption?.textContent ?? '',
        data: t.classList.contains('data'),
        rows: t.tBodies[0].querySelectorAll('tr:not(:has(td.empty))').length,
        headers: Array.from(t.tHead.rows[0].cells, (th) => ({ text: th.textContent.trim(), button: !!th.querySelector('button.sort') })),
        exportButton: !!t.closest('.table-block')?.querySelector(':scope > .table-tools button'),
      })),
    );
    assert.ok(tables.length > 0, `${p} has tables`);
    for (const t of tables) {
      const what = `${p}: table "${t.caption}"`;
      assert.ok(t.data, `${what} comes from table() in dom.ts`);
      if (/downloads$/.test(t.caption)) continue; // a table of links, neither sorted nor exported
      assert.ok(t.exportButton, `${what} has an Export CSV button`);
      if (t.rows > 1) for (const hd of t.headers) if (hd.text) assert.ok(hd.button, `${what}: column ${hd.text} sorts`);
    }
  }
  await page.context().close();
});

test('the assessment sorts by a column header, aria-sort follows, and Export CSV saves the rows in the order shown', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'assessment-sort');
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/assessment?cycle=${CYCLE}`);
  await page.getByText(`Cycle ${CYCLE} under policy`).waitFor();
  const region = `Assessment ${CYCLE}`;
  const table = page.getByRole('region', { name: `${region} table`, exact: true });
  const party = table.getByRole('columnheader', { name: 'Party' });
  const status = table.getByRole('columnheader', { name: 'Status' });
  assert.equal(await party.getAttribute('aria-sort'), null);

  await party.getByRole('button', { name: 'Party' }).click();
  assert.equal(await party.getAttribute('aria-sort'), 'ascending');
  const up = await column(page, region, 0);
  assert.deepEqual(up, [...up].sort(collator.compare), 'party names ascending');
  assert.match(await page.locator('#status').textContent(), /sorted by Party, ascending/);

  await party.getByRole('button', { name: 'Party' }).click();
  assert.equal(await party.getAttribute('aria-sort'), 'descending');
  const down = await column(page, region, 0);
  assert.deepEqual(down, [...up].reverse(), 'party names descending');

  // Another column takes the sort; only one header carries aria-sort.
  await status.getByRole('button', { name: 'Status' }).click();
  assert.equal(await status.getAttribute('aria-sort'), 'ascending');
  assert.equal(await party.getAttribute('aria-sort'), null);
  assert.equal(await table.locator('th[aria-sort]').count(), 1);
  const shownParties = await column(page, region, 0);

  const csv = await exportCsv(page, region);
  assert.equal(csv.name, `assessment-${CYCLE}.csv`);
  assert.deepEqual(csv.rows[0], ['Party', 'Situation', 'Previous', 'Recommended', 'Status', 'Decision']);
  assert.deepEqual(csv.rows.slice(1).map((r) => r[0]), shownParties, 'the rows as shown, in their order');
  for (const r of csv.rows.slice(1)) assert.equal(r.length, 6);
  const statuses = csv.rows.slice(1).map((r) => r[4]);
  assert.deepEqual(statuses, [...statuses].sort(collator.compare));
  assert.ok(statuses.some((s) => /^(listed|on notice|none)( override)?$/.test(s)), `badges export as words: ${statuses}`);
  assert.match(await page.locator('#status').textContent(), new RegExp(`${shownParties.length} rows exported as CSV`));
  await page.context().close();
});

test('numeric columns sort as numbers (the audit log\'s sequence)', { timeout: 45_000 }, async () => {
  const page = await openPage(stack, watch, 'audit-sort');
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/audit`);
  await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
  const seq = page.getByRole('region', { name: 'Audit log table', exact: true }).getByRole('columnheader', { name: 'Seq' });
  await seq.getByRole('button').click();
  const up = (await column(page, 'Audit log', 0)).map(Number);
  assert.ok(up.some((n) => n >= 10) && up.some((n) => n < 10), 'one- and two-digit numbers, which text order would interleave');
  assert.deepEqual(up, [...up].sort((a, b) => a - b));
  await seq.getByRole('button').click();
  assert.equal(await seq.getAttribute('aria-sort'), 'descending');
  const down = (await column(page, 'Audit log', 0)).map(Number);
  assert.deepEqual(down, [...up].reverse());
  assert.equal(down[0], Math.max(...up));
  await page.context().close();
});

test('the incidents export holds the filtered rows, quoted per RFC 4180, with formulas defused', { timeout: 45_000 }, async () => {
  const page = await openPage(stack, watch, 'incidents-csv');
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/incidents?situation=SIT-QUE`);
  await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
  const ids = await column(page, 'Incidents', 0);
  assert.ok(ids.includes('I-2025-CSV'));
  const csv = await exportCsv(page, 'Incidents');
  assert.equal(csv.name, 'incidents.csv');
  assert.deepEqual(csv.rows[0], ['ID', 'Date', 'Situation', 'Location', 'Violations', 'Perpetrators', 'Status']);
  assert.deepEqual(csv.rows.slice(1).map((r) => r[0]), ids);
  const situations = new Set(csv.rows.slice(1).map((r) => r[2]));
  assert.equal(situations.size, 1, `one situation, as filtered: ${[...situations]}`);
  const row = csv.rows.find((r) => r[0] === 'I-2025-CSV');
  assert.equal(row[3], `'${FORMULA_PLACE}`, 'a leading = gets an apostrophe');
  // The raw field: quoted, its quotes doubled.
  assert.ok(csv.text.includes(`"'=HYPERLINK(""http://example.invalid"",""x""),1"`), 'quoted per RFC 4180');
  // Every line break is a CRLF.
  assert.ok(!/[^\r]\n/.test(csv.text));
  await page.context().close();
});

test('at 390x844 the key columns of the assessment and the other wide tables are on screen and the page does not scroll sideways', { timeout: 90_000 }, async () => {
  const page = await openPage(stack, watch, 'narrow', 390);
  assert.deepEqual(page.viewportSize(), { width: 390, height: 844 });
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/assessment?cycle=${CYCLE}`);
  await page.getByText(`Cycle ${CYCLE} under policy`).waitFor();
  const table = page.getByRole('region', { name: `Assessment ${CYCLE} table`, exact: true });
  const rows = table.locator('tbody tr');
  const n = await rows.count();
  assert.ok(n > 3);
  for (let i = 0; i < n; i++) {
    // The party (a link) and its status (a badge), each wholly within the window.
    for (const [what, loc] of [['party', rows.nth(i).getByRole('cell').nth(0).getByRole('link')], ['status', rows.nth(i).getByRole('cell').nth(4).locator('.badge').first()]]) {
      await loc.scrollIntoViewIfNeeded();
      const box = await loc.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `row ${i}: the ${what} is on screen (${JSON.stringify(box)})`);
    }
  }
  // The table's own frame does not scroll sideways either, and the sort buttons are there.
  assert.ok(await table.evaluate((el) => el.scrollWidth <= el.clientWidth + 1));
  assert.ok(await table.getByRole('button', { name: 'Status' }).isVisible());
  for (const [p, heading] of ALL_PAGES) {
    await page.goto(`${stack.base}${p}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await quiet(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${p} at 390px scrolls sideways by ${overflow}px`);
    // No cell of a shown table lies outside the window.
    const outside = await page.locator('main table td').evaluateAll((tds) =>
      tds
        .filter((td) => td.getClientRects().length > 0)
        .map((td) => ({ r: td.getBoundingClientRect(), label: td.dataset.label }))
        .filter(({ r }) => r.left < -1 || r.right > window.innerWidth + 1)
        .map(({ r, label }) => `${label}: ${Math.round(r.left)}–${Math.round(r.right)}`),
    );
    assert.deepEqual(outside, [], `${p} at 390px: cells outside the window`);
  }
  await page.context().close();
});

test('the map zooms to the situations\' points and clusters nearby points into labelled markers', { timeout: 45_000 }, async () => {
  const page = await openPage(stack, watch, 'map');
  await login(page, stack, 'chief');
  const dash = (await page.evaluate(() => fetch('/api/v1/dashboard').then((r) => r.json())));
  const points = dash.locations;
  assert.ok(points.length >= 5);
  await page.goto(`${stack.base}/`);
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  const map = page.locator('svg.map');
  const [x0, y0, w, hgt] = (await map.getAttribute('viewBox')).split(' ').map(Number);
  assert.ok(w < 180, `the view is narrower than half the world: ${w} degrees`);
  const xs = points.map((p) => p.lon + 180);
  const ys = points.map((p) => 90 - p.lat);
  const margin = 1;
  assert.ok(x0 <= Math.min(...xs) - margin && x0 + w >= Math.max(...xs) + margin, 'every point is inside the view, with a margin');
  assert.ok(y0 <= Math.min(...ys) - margin && y0 + hgt >= Math.max(...ys) + margin, 'every point is inside the view, with a margin');

  const markers = await map.locator('g.marker').evaluateAll((gs) =>
    gs.map((g) => {
      const c = g.querySelector('circle');
      const box = c.getBoundingClientRect();
      return { x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')), r: Number(c.getAttribute('r')), label: g.querySelector('text').textContent, title: g.querySelector('title').textContent, px: box.width };
    }),
  );
  assert.ok(markers.length < points.length, `nearby points share a marker (${markers.length} markers for ${points.length} places)`);
  const total = points.reduce((a, p) => a + p.count, 0);
  assert.equal(markers.reduce((a, m) => a + Number(m.label), 0), total, 'the labels add up to every incident');
  for (const m of markers) {
    assert.ok(m.px >= 16, `a marker is at least 16 px across, not a dot: ${m.px}`);
    assert.match(m.title, new RegExp(`^${m.label} verified incident`));
  }
  for (let i = 0; i < markers.length; i++) {
    for (let j = i + 1; j < markers.length; j++) {
      const [a, b] = [markers[i], markers[j]];
      assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= a.r + b.r - 1e-9, 'no marker overlaps another');
    }
  }
  // The text alternative: every place with its count, in a table.
  await page.getByText('Locations as a table').click();
  const names = await column(page, 'Locations of verified incidents', 0);
  const counts = await column(page, 'Locations of verified incidents', 3);
  assert.deepEqual(names, points.map((p) => p.name));
  assert.deepEqual(counts.map(Number), points.map((p) => p.count));
  assert.match(await map.getAttribute('aria-label'), new RegExp(`${points.length} places in ${markers.length} markers`));
  await page.context().close();
});

// The contrast ratio of WCAG 2 from two computed colours.
function contrast(fg, bg) {
  const lum = ([r, g, b]) => {
    const f = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

test('every badge has a text contrast of at least 4.5:1, computed from the rendered colours', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'badges');
  await login(page, stack, 'chief');
  const seen = new Map();
  for (const p of [`/assessment?cycle=${CYCLE}`, '/incidents', '/review', '/parties/P-NLF', '/parties/P-VAF']) {
    await page.goto(`${stack.base}${p}`);
    await page.locator('main h1').waitFor();
    await quiet(page);
    const badges = await page.locator('main .badge').evaluateAll((els) =>
      els.map((el) => {
        const rgb = (s) => s.match(/[\d.]+/g).map(Number);
        // The background the text sits on: the badge's, or the first opaque one around it.
        let n = el;
        let bg = getComputedStyle(n).backgroundColor;
        while (n && (rgb(bg)[3] ?? 1) === 0) {
          n = n.parentElement;
          bg = n ? getComputedStyle(n).backgroundColor : 'rgb(255, 255, 255)';
        }
        return { cls: el.className, fg: rgb(getComputedStyle(el).color), bg: rgb(bg) };
      }),
    );
    for (const b of badges) seen.set(b.cls, b);
  }
  for (const cls of ['badge badge-on_notice', 'badge badge-listed', 'badge badge-none', 'badge badge-verified', 'badge badge-reported', 'badge badge-pending']) {
    assert.ok(seen.has(cls), `a ${cls} was rendered`);
  }
  // And every badge the stylesheet defines, data or not: one of each, rendered in the page.
  const defined = await page.evaluate(() => {
    const names = new Set();
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) for (const m of (rule.selectorText ?? '').matchAll(/\.badge-([\w-]+)/g)) names.add(m[1]);
    }
    const rgb = (s) => s.match(/[\d.]+/g).map(Number);
    const probe = document.createElement('p');
    document.querySelector('main').append(probe);
    return [...names].map((n) => {
      const el = document.createElement('span');
      el.className = `badge badge-${n}`;
      el.textContent = n;
      probe.append(el);
      return { cls: el.className, fg: rgb(getComputedStyle(el).color), bg: rgb(getComputedStyle(el).backgroundColor) };
    });
  });
  assert.ok(defined.length >= 10, `the stylesheet's badges: ${defined.map((b) => b.cls)}`);
  for (const b of defined) seen.set(b.cls, b);
  for (const [cls, b] of seen) {
    assert.ok((b.fg[3] ?? 1) === 1 && (b.bg[3] ?? 1) === 1, `${cls} colours are opaque`);
    const ratio = contrast(b.fg, b.bg);
    assert.ok(ratio >= 4.5, `${cls}: ${ratio.toFixed(2)}:1`);
  }
  await page.context().close();
});

test('the ten report download links (and every other link and button) have accessible names that contain their visible text', { timeout: 90_000 }, async () => {
  const page = await openPage(stack, watch, 'label-in-name');
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/reports?cycle=${CYCLE}`);
  await page.getByRole('heading', { level: 1, name: /Annex and reports/ }).waitFor();
  const downloads = page.locator('main a[download]');
  assert.equal(await downloads.count(), 10);
  for (const ed of ['public', 'confidential']) {
    for (const n of ['HTML', 'Markdown', 'JSON', 'CSV', 'FollowTheMoney']) {
      // Playwright computes the accessible name as a browser does.
      const link = page.getByRole('link', { name: `Download ${n}, ${ed} edition`, exact: true });
      assert.equal(await link.count(), 1, `Download ${n}, ${ed} edition`);
      assert.equal(await link.innerText(), `Download ${n}`);
    }
  }
  for (const [p, heading] of ALL_PAGES) {
    await page.goto(`${stack.base}${p}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await quiet(page);
    const mismatches = await page.evaluate(() => {
      const norm = (s) => s.replace(/\s+/g, ' ').trim().toLowerCase();
      const visible = (el) => {
        const c = el.cloneNode(true);
        c.querySelectorAll('.visually-hidden, [aria-hidden="true"]').forEach((x) => x.remove());
        return norm(c.textContent);
      };
      const name = (el) => {
        const by = el.getAttribute('aria-labelledby');
        if (by) return norm(by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
        if (el.hasAttribute('aria-label')) return norm(el.getAttribute('aria-label'));
        const c = el.cloneNode(true);
        c.querySelectorAll('[aria-hidden="true"]').forEach((x) => x.remove());
        return norm(c.textContent);
      };
      return Array.from(document.querySelectorAll('a[href], button'))
        .filter((el) => el.getClientRects().length > 0 && visible(el) !== '')
        .filter((el) => !name(el).includes(visible(el)))
        .map((el) => `"${visible(el)}" named "${name(el)}"`);
    });
    assert.deepEqual(mismatches, [], `${p}: accessible names without their visible text`);
  }
  await page.context().close();
});

test('no console error, uncaught exception or CSP violation on any page', () => {
  assert.deepEqual(watch.problems, []);
});

// Browser tests of the Mara application against a fresh `mara serve`
// (see harness.mjs). The scenarios run in order on one store: a monitor
// records an incident, cannot verify it, a reviewer verifies it, an analyst
// runs the assessment, a decision maker overrides, a viewer downloads the
// public report. Then keyboard-only login, the import page, screenshots of
// every main page at 1280 and 390 px, and no console error or CSP
// violation on any page visited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConsoleWatch, apiAs, apiGet, checkEmbeddedApplication, hasApiRoute, login, mara, openPage, password, quiet, screenshotDir, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();
const NEW_ID = 'I-2025-UI1';
const CYCLE = 2025;
const NEW_PARTY = 'P-QRM';

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

// The expectation, computed from the data: the assessment JSON (the same
// document as `mara assess --json`), asked of the API as a decision maker.
// (Running the CLI on the store while this server holds it open made the
// server answer 'disk I/O error' afterwards, so the tests stay off the CLI
// while it runs.)
async function assess() {
  return JSON.parse(await apiAs(stack, 'dm', `/assessments/${CYCLE}`));
}

test('mara serve with no --ui and no MARA_UI_DIR serves the application built into it', async () => {
  await checkEmbeddedApplication(stack.base, stack.serveLog);
  const missing = await fetch(`${stack.base}/assets/no-such-file.js`);
  assert.equal(missing.status, 404);
  const route = await fetch(`${stack.base}/incidents/I-2025-001`);
  assert.equal(route.status, 200);
  assert.match(route.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(route.headers.get('content-security-policy') ?? '', /script-src 'self'/);
});

test('a monitor records an incident, with validation messages beside the fields', { timeout: 60_000 }, async (t) => {
  const doc = await fetch(`${stack.base}/api/v1/openapi.json`).then((r) => r.json());
  const canPost = Boolean(doc.paths['/api/v1/incidents']?.post);
  const page = await openPage(stack, watch, 'monitor');
  await login(page, stack, 'mon');
  await page.getByRole('link', { name: 'Incidents', exact: true }).click();
  await page.getByRole('link', { name: 'Record an incident' }).click();
  await page.getByRole('heading', { name: 'Record an incident' }).waitFor();

  // Client-side checks: messages appear beside the fields, focus goes to the first.
  await page.getByLabel('Incident ID').fill('not an id!');
  await page.getByRole('button', { name: 'Record incident' }).click();
  const idError = page.locator('.field', { has: page.getByLabel('Incident ID') }).locator('.field-error');
  await assert.doesNotReject(idError.waitFor({ state: 'visible' }));
  assert.match(await idError.textContent(), /ID/);
  assert.equal(await page.getByLabel('Incident ID').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('.field', { has: page.getByLabel('Date', { exact: true }) }).locator('.field-error').textContent(), /day, month and year/);

  await page.getByLabel('Incident ID').fill(NEW_ID);
  await page.getByLabel('Situation').selectOption('SIT-QUE');
  await page.getByLabel('Date', { exact: true }).fill('2025-08-14');
  await page.getByLabel('Place name').fill('Ostfen');
  await page.getByLabel('Region (admin 1)').fill('Marsh District');
  await page.getByLabel('Latitude').fill('46.91');
  await page.getByLabel('Longitude').fill('23.30');
  await page.getByLabel('rape', { exact: true }).check();
  await page.getByLabel('women').fill('1');
  await page.getByLabel('Context').selectOption('attack');
  await page.getByLabel('Status').selectOption('under_verification');
  await page.getByLabel('Party', { exact: true }).selectOption(NEW_PARTY);
  await page.getByLabel('Standard of proof').selectOption('reasonable_grounds');
  await page.getByLabel('Narrative (confidential)').fill(`Recorded in the browser test. ${stack.marker}-ui`);

  if (canPost) {
    // A server-side refusal lands beside the field its JSON pointer names.
    watch.allow(400);
    await page.getByLabel('girls').fill('-2');
    await page.getByRole('button', { name: 'Record incident' }).click();
    const girlsErr = page.locator('.field', { has: page.getByLabel('girls') }).locator('.field-error');
    await girlsErr.waitFor({ state: 'visible' });
    assert.ok((await girlsErr.textContent()).length > 3);
    assert.equal(await page.getByLabel('girls').getAttribute('aria-invalid'), 'true');
    watch.reset();
    await page.getByLabel('girls').fill('0');
    await page.getByRole('button', { name: 'Record incident' }).click();
    await page.getByRole('heading', { name: `Incident ${NEW_ID}`, exact: true }).waitFor();
    assert.match(await page.locator('#status').textContent(), new RegExp(`${NEW_ID} recorded`));
    await page.context().close();
    return;
  }
  await page.context().close();
  // Fallback for a server without POST /incidents: the same record through the CLI as mon.
  const body = {
    id: NEW_ID, situation: 'SIT-QUE', date: '2025-08-14', date_precision: 'day',
    location: { name: 'Ostfen', admin1: 'Marsh District', lat: 46.91, lon: 23.3 }, violations: ['rape'],
    victims: { women: 1, girls: 0, men: 0, boys: 0, unknown: 0 }, context: 'attack', nexus: [], status: 'under_verification',
    perpetrators: [{ party: NEW_PARTY, standard: 'reasonable_grounds' }], sources: [], narrative: `Recorded. ${stack.marker}-ui`,
  };
  const f = path.join(stack.dir, 'incident.json');
  fs.writeFileSync(f, JSON.stringify(body));
  mara(stack.db, ['--as', 'mon', 'incident', 'save', f]);
  t.skip('POST /api/v1/incidents not served yet; recorded with the CLI');
});

test('the same monitor edits it (If-Match) and cannot verify it (four eyes)', { timeout: 45_000 }, async () => {
  const page = await openPage(stack, watch, 'monitor-verify');
  await login(page, stack, 'mon');
  await page.goto(`${stack.base}/incidents/${NEW_ID}`);
  await page.getByRole('heading', { name: `Incident ${NEW_ID}`, exact: true }).waitFor();
  const doc = await fetch(`${stack.base}/api/v1/openapi.json`).then((r) => r.json());
  if (doc.paths['/api/v1/incidents/{id}']?.put) {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: `Edit incident ${NEW_ID}` }).waitFor();
    await page.getByLabel('Place name').fill('Ostfen crossing');
    await page.getByRole('button', { name: 'Save changes' }).click();
    // Exact: "Edit incident …" would match too, before the saved view replaces it.
    await page.getByRole('heading', { name: `Incident ${NEW_ID}`, exact: true }).waitFor();
    await page.locator('main', { hasText: 'Ostfen crossing' }).waitFor();
    assert.match(await page.locator('main').textContent(), /Ostfen crossing/);
  }
  // Verify is not offered on an incident one wrote or last edited.
  assert.equal(await page.getByRole('button', { name: 'Verify' }).count(), 0);
  const r = await apiGet(page, `/incidents/${NEW_ID}`);
  assert.notEqual(r.body.status, 'verified');
  await page.context().close();
});

test('a reviewer verifies it from the review queue', { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'reviewer');
  await login(page, stack, 'rev');
  await page.getByRole('link', { name: 'Review queue' }).click();
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
  await page.getByRole('button', { name: `Verify ${NEW_ID}` }).click();
  await page.locator('#status.status-success').waitFor();
  assert.match(await page.locator('#status').textContent(), new RegExp(`${NEW_ID} verified`));
  const r = await apiGet(page, `/incidents/${NEW_ID}`);
  assert.equal(r.body.status, 'verified');
  await page.context().close();
});

test('an analyst runs the assessment and each party shows the status the data gives', { timeout: 45_000 }, async () => {
  const expected = await assess();
  const page = await openPage(stack, watch, 'analyst');
  await login(page, stack, 'ana');
  await page.getByRole('link', { name: 'Assessment' }).click();
  await page.getByLabel('Cycle', { exact: true }).selectOption(String(CYCLE));
  await page.getByRole('button', { name: 'Run assessment' }).click();
  await page.getByText(`Cycle ${CYCLE} under policy`).waitFor();
  const table = page.getByRole('region', { name: `Assessment ${CYCLE}` });
  for (const p of expected.parties) {
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: p.name, exact: true }) });
    const cells = row.getByRole('cell');
    assert.equal((await cells.nth(3).textContent()).trim(), p.recommended_status.replace(/_/g, ' '), `${p.id} recommended`);
    assert.match(await cells.nth(4).textContent(), new RegExp(`^${p.status.replace(/_/g, ' ')}`), `${p.id} status`);
  }
  const qrm = expected.parties.find((p) => p.id === NEW_PARTY);
  assert.ok(qrm, `${NEW_PARTY} is assessed once it has an incident`);
  // The analyst may not decide.
  assert.equal(await page.getByRole('heading', { name: 'Record a decision' }).count(), 0);
  await page.context().close();
});

test('a decision maker records an override with a rationale and the consistency audit shows it', { timeout: 45_000 }, async () => {
  const before = await assess();
  const target = before.parties.find((p) => p.status === 'listed' && !p.decided);
  assert.ok(target, 'a listed party without a decision');
  const page = await openPage(stack, watch, 'decision maker');
  await login(page, stack, 'dm');
  await page.goto(`${stack.base}/assessment?cycle=${CYCLE}`);
  await page.getByRole('heading', { name: 'Record a decision' }).waitFor();
  // A decision without a rationale is refused beside the field.
  await page.getByLabel('Party', { exact: true }).selectOption(target.id);
  await page.getByLabel('Decided status').selectOption('none');
  await page.getByRole('button', { name: 'Record decision' }).click();
  assert.match(await page.locator('.field', { has: page.getByLabel('Rationale') }).locator('.field-error').textContent(), /rationale/);
  await page.getByLabel('Rationale').fill('Override in the browser test: the attribution is contested.');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.locator('#status.status-success').waitFor();
  await page.getByText(`Cycle ${CYCLE} under policy`).waitFor();

  const afterAssess = await assess();
  const decided = afterAssess.parties.find((p) => p.id === target.id);
  assert.equal(decided.status, 'none');
  assert.equal(decided.override, true);
  const overrides = afterAssess.consistency.filter((c) => c.reason === 'override');
  const consistency = page.getByRole('region', { name: 'Consistency audit' });
  const rows = consistency.locator('tbody tr');
  assert.equal(await rows.count(), Math.max(1, afterAssess.consistency.length));
  for (const c of overrides) {
    const name = afterAssess.parties.find((p) => p.id === c.party).name;
    const row = rows.filter({ hasText: name });
    assert.match(await row.textContent(), /override/);
  }
  const decisionsRow = page.getByRole('region', { name: `Assessment ${CYCLE}` }).getByRole('row').filter({ has: page.getByRole('link', { name: target.name, exact: true }) });
  assert.match(await decisionsRow.textContent(), /override/);
  assert.match(await decisionsRow.textContent(), /contested/);
  await page.context().close();
});

test('a viewer downloads the public report in every format and it holds no confidential string', { timeout: 60_000 }, async () => {
  // The markers do reach the confidential edition, so their absence below means something.
  const confidential = await apiAs(stack, 'dm', `/reports/${CYCLE}?format=json&edition=confidential`);
  assert.ok(confidential.includes(stack.marker), 'markers reach the confidential report');

  const page = await openPage(stack, watch, 'viewer');
  await login(page, stack, 'view');
  await page.getByRole('link', { name: 'Annex and reports' }).click();
  await page.getByRole('heading', { name: /Annex and reports/ }).waitFor();
  assert.equal(await page.getByRole('link', { name: /confidential edition/ }).count(), 0);
  const links = page.getByRole('link', { name: /public edition/ });
  assert.equal(await links.count(), 5);
  for (let i = 0; i < 5; i++) {
    const [download] = await Promise.all([page.waitForEvent('download'), links.nth(i).click()]);
    const file = await download.path();
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.length > 100, `${download.suggestedFilename()} is not empty`);
    assert.ok(!text.includes(stack.marker), `${download.suggestedFilename()} holds no confidential string`);
  }
  // Nor do the pages a viewer reads.
  for (const p of ['/', '/incidents', `/incidents/${NEW_ID}`, '/parties', '/parties/P-NLF', '/reports']) {
    await page.goto(`${stack.base}${p}`);
    await page.locator('main h1').waitFor();
    await quiet(page);
    assert.ok(!(await page.content()).includes(stack.marker), `${p} shows no confidential string to a viewer`);
  }
  await page.context().close();
});

test('login works with the keyboard alone, with a visible focus', { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'keyboard');
  await page.goto(`${stack.base}/`);
  await page.getByRole('heading', { name: 'Log in to Mara' }).waitFor();
  // From the top of the page: skip link, then the name field.
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  // Then the banner's home link, then the name field.
  for (let i = 0; i < 4 && (await page.evaluate(() => document.activeElement?.getAttribute('name'))) !== 'username'; i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username');
  await page.keyboard.type('adm');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'password');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await page.keyboard.type(password('adm'));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  // The navigation is reachable by keyboard too.
  const audit = page.getByRole('link', { name: 'Audit' });
  await audit.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
  assert.match(await page.locator('main').textContent(), /chain verifies/);
  await page.context().close();
});

test('import shows progress and the rejected records with reasons', { timeout: 45_000 }, async (t) => {
  if (!(await hasApiRoute(stack, '/imports'))) {
    t.skip('POST /api/v1/imports is not served yet');
    return;
  }
  const bundle = {
    format: 'mara-bundle/1',
    incidents: [
      { id: 'I-IMP-OK', situation: 'SIT-VAL', date: '2025-09-01', date_precision: 'day', location: { name: 'Korvane' }, violations: ['rape'], victims: { women: 1, girls: 0, men: 0, boys: 0, unknown: 0 }, context: 'attack', nexus: [], status: 'reported', perpetrators: [{ party: 'P-NLF', standard: 'credible_information' }], sources: [] },
      { id: 'I-IMP-BAD', situation: 'SIT-VAL', date: '2025-13-45', date_precision: 'day', location: { name: 'Korvane' }, violations: ['rape'], victims: { women: 1, girls: 0, men: 0, boys: 0, unknown: 0 }, context: 'attack', nexus: [], status: 'reported', perpetrators: [{ party: 'P-NLF', standard: 'credible_information' }], sources: [] },
    ],
  };
  const f = path.join(stack.dir, 'import.json');
  fs.writeFileSync(f, JSON.stringify(bundle));
  const page = await openPage(stack, watch, 'import');
  await login(page, stack, 'ana');
  await page.getByRole('link', { name: 'Import' }).click();
  await page.getByLabel('File to import').setInputFiles(f);
  await page.getByLabel(/Skip invalid records/).check();
  await page.getByLabel('Upload').getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('#status.status-success, #status.status-error').waitFor();
  assert.equal(await page.locator('progress').count(), 1);
  const rejects = page.getByRole('region', { name: 'Rejected records' });
  await rejects.waitFor();
  assert.match(await rejects.textContent(), /I-IMP-BAD/);
  await page.context().close();
});

// Each page as the principal with the fewest rights that uses it: a viewer
// wherever a viewer may go, so the screenshots show no confidential text.
const PAGES = [
  ['dashboard', '/', 'Dashboard', 'view'],
  ['incidents', '/incidents', 'Incidents', 'view'],
  ['incident', '/incidents/I-2025-001', 'Incident I-2025-001', 'view'],
  ['incident-form', '/incidents/new', 'Record an incident', 'mon'],
  ['review', '/review', 'Review queue', 'rev'],
  ['parties', '/parties', 'Parties', 'view'],
  ['dossier', '/parties/P-NLF', 'Northern Liberation Front', 'view'],
  ['registry', '/registry', 'Registry', 'ana'],
  ['petitions', '/petitions', 'Petitions', 'view'],
  ['communications', '/communications', 'Communications', 'view'],
  ['assessment', `/assessment?cycle=${CYCLE}`, 'Assessment', 'ana'],
  ['reports', '/reports', /Annex and reports/, 'view'],
  ['publications', '/publications', 'Publications', 'view'],
  ['evidence', '/evidence', 'Evidence', 'ana'],
  ['consent', '/consent', 'Consent', 'mon'],
  ['import', '/import', 'Import', 'ana'],
  ['names', '/names', 'Name review', 'ana'],
  ['users', '/users', 'Users and roles', 'adm'],
  ['audit', '/audit', 'Audit', 'adm'],
  ['account', '/account', 'My account', 'view'],
];

test('screenshots of every main page at 1280 and 390 px, and the pages fit the narrow width', { timeout: 120_000 }, async () => {
  fs.mkdirSync(screenshotDir, { recursive: true });
  for (const width of [1280, 390]) {
    const page = await openPage(stack, watch, `screens-${width}`, width);
    await page.goto(`${stack.base}/login`);
    await page.getByRole('heading', { name: 'Log in to Mara' }).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, `login-${width}.png`) });
    await page.context().close();
    let who = null;
    let current = null;
    for (const [name, p, heading, role] of PAGES) {
      if (role !== who) {
        if (current) await current.context().close();
        current = await openPage(stack, watch, `screens-${width}-${role}`, width);
        await login(current, stack, role);
        who = role;
      }
      const page = current;
      await page.goto(`${stack.base}${p}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await quiet(page);
      // Nothing but the tables' own scroll areas may be wider than the window.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name} at ${width}px overflows by ${overflow}px`);
      await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage: name === 'dashboard' && width === 1280 });
    }
    await current.context().close();
  }
});

test('a dossier explains the status in sentences, not policy keys', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'explanation', 1280);
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/parties/P-NLF?cycle=${CYCLE}`);
  await page.getByRole('heading', { level: 1, name: 'Northern Liberation Front' }).waitFor();
  const why = page.locator('.explanation .why');
  await why.waitFor();
  assert.match(await why.textContent(), /by rule [1-5]|a decision recorded/);
  const text = await page.locator('.explanation').textContent();
  assert.match(text, /How the criteria combine/);
  assert.doesNotMatch(text, /\b(pattern|findings|delisting|listing|notice|persistent)\.[a-z_]+/);
  assert.ok(await page.getByRole('heading', { level: 3, name: /Criteria met/ }).isVisible());
  await page.context().close();
});

test('no console error, uncaught exception or CSP violation on any page', () => {
  assert.deepEqual(watch.problems, []);
});

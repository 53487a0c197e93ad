// Browser tests of the name review, consent and evidence pages against a
// fresh `mara serve` (see harness.mjs): a name from an ACLED import assigned
// to a party with its reason; a withdrawal confirmed as a step of its own
// and a restoration as another; evidence uploaded, refused to the reviewer
// who received it (four eyes) and verified by another; errors beside their
// fields in words; the pages linked only for the roles that may use them;
// no console error or CSP violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConsoleWatch, apiGet, login, mara, openPage, repoDir, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();

before(async () => {
  stack = await startStack();
  // A party of another country and an ACLED file naming it loosely: one
  // name waits for review ("Patriotic Front").
  const registry = path.join(stack.dir, 'registry.json');
  fs.writeFileSync(
    registry,
    JSON.stringify({
      format: 'mara-bundle/1',
      situations: [{ id: 'SIT-country-x', name: 'Country X', on_council_agenda: true }],
      parties: [{ id: 'P-PLF', name: 'Patriotic Liberation Front of Country X', aliases: ['Patriotic Liberation Front'], kind: 'non_state', situation: 'SIT-country-x' }],
    }),
  );
  mara(stack.db, ['import', registry]);
  // A stricter acceptance than the default, so the loose name waits.
  const names = path.join(stack.dir, 'names.toml');
  fs.writeFileSync(names, '[names]\naccept_threshold = 0.95\nreview_threshold = 0.7\n');
  mara(stack.db, ['import', '--format', 'acled', '--names-config', names, path.join(repoDir, 'src', 'ingest', 'testdata', 'acled_sample.csv')]);
});
after(async () => {
  await stopStack(stack);
});

// The links of the main navigation.
async function navLinks(page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
}

// POST from inside the page (its cookie session and CSRF token).
async function postInPage(page, apiPath, body) {
  return page.evaluate(
    async ([p, b]) => {
      const session = await (await fetch('/api/v1/session')).json();
      const r = await fetch(`/api/v1${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token }, body: JSON.stringify(b) });
      return { status: r.status, body: await r.json() };
    },
    [apiPath, body],
  );
}


// The error line beside `control` (field() gives it the id "<control id>-error").
async function errorLine(control) {
  const id = await control.getAttribute('id');
  return control.page().locator(`[id="${id}-error"]`);
}

// Its text, once shown.
async function errorText(control) {
  const line = await errorLine(control);
  await line.waitFor({ state: 'visible' });
  return line.textContent();
}

test('an admin assigns a queued name to a party, with a reason', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'names');
  await login(page, stack, 'adm');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Name review' }).click();
  await page.getByRole('heading', { level: 1, name: 'Name review' }).waitFor();
  const card = page.getByRole('article', { name: '“Patriotic Front”' });
  await card.waitFor();
  assert.match(await card.getByRole('table').textContent(), /P-PLF/);

  const decision = card.getByLabel('Decision');
  const reason = card.getByLabel('Reason');
  assert.equal(await decision.evaluate((el) => el.required), true);
  assert.equal(await reason.evaluate((el) => el.required), true);
  await card.getByRole('button', { name: 'Record decision' }).click();
  assert.match(await errorText(decision), /Decision: choose/);
  assert.equal(await decision.getAttribute('aria-invalid'), 'true');

  await decision.selectOption('assign');
  const party = card.getByLabel('Party', { exact: true });
  await party.waitFor();
  await card.getByRole('button', { name: 'Record decision' }).click();
  assert.match(await errorText(party), /Party: choose/);
  await party.selectOption('P-PLF');
  await card.getByRole('button', { name: 'Record decision' }).click();
  assert.match(await errorText(reason), /Reason: say why/);
  await reason.fill('The ACLED actor is the front under its short name.');
  await card.getByRole('button', { name: 'Record decision' }).click();
  // The queue is read again without the decided name.
  await page.getByRole('article', { name: '“Patriotic Front”' }).waitFor({ state: 'detached' });
  assert.match(await page.locator('#status').textContent(), /“Patriotic Front”: accepted as P-PLF; 1 incident moved/);

  await page.getByRole('link', { name: 'Show decided names too' }).click();
  const decided = page.getByRole('table', { name: 'Decided names' });
  await decided.waitFor();
  assert.match(await decided.textContent(), /Patriotic Front.*accepted.*P-PLF.*short name.*adm/s);
  await page.context().close();

  // Not for a monitor: no link, and the page is not available.
  const mon = await openPage(stack, watch, 'names-refused');
  await login(mon, stack, 'mon');
  assert.ok(!(await navLinks(mon)).includes('Name review'));
  await mon.goto(`${stack.base}/names`);
  await mon.getByRole('heading', { level: 1, name: 'Not available' }).waitFor();
  await mon.context().close();
  assert.deepEqual(watch.problems, []);
});

test('a monitor confirms a withdrawal in its own step and restores it in another', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'consent');
  await login(page, stack, 'mon');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Consent' }).click();
  await page.getByRole('heading', { level: 1, name: 'Consent', exact: true }).waitFor();
  const register = page.getByRole('table', { name: 'Incidents with limited or withdrawn consent' });
  // The demo's withdrawn incident, with nothing but its tombstone's facts.
  const demo = register.getByRole('row').filter({ hasText: 'I-2023-005' });
  assert.match(await demo.textContent(), /withdrawn/);
  assert.doesNotMatch(await demo.textContent(), /Hadrun/);
  assert.equal(await register.getByRole('row').filter({ hasText: 'I-2023-003' }).count(), 0);

  // Start from an incident's ID; the first step only says what happens.
  const idField = page.getByLabel('Incident ID');
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await errorText(idField), /Incident ID: enter/);
  await idField.fill('I-2023-003');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Withdraw consent for I-2023-003' }).waitFor();
  assert.equal((await apiGet(page, '/incidents/I-2023-003')).status, 200, 'nothing is withdrawn before the confirmation');
  await page.getByRole('button', { name: 'Confirm withdrawal' }).click();
  const confirm = page.getByLabel('The survivor or witness has withdrawn consent for I-2023-003');
  assert.match(await errorText(confirm), /Confirm that consent was withdrawn/);
  await confirm.check();
  await page.getByRole('button', { name: 'Confirm withdrawal' }).click();
  await page.getByRole('heading', { level: 1, name: 'Consent', exact: true }).waitFor();
  assert.match(await page.locator('#status').textContent(), /I-2023-003 is recorded as withdrawn/);
  watch.allow(404);
  assert.equal((await apiGet(page, '/incidents/I-2023-003')).status, 404);
  watch.reset();
  const row = page.getByRole('table', { name: 'Incidents with limited or withdrawn consent' }).getByRole('row').filter({ hasText: 'I-2023-003' });
  assert.match(await row.textContent(), /withdrawn.*consent withdrawn by mon/s);

  // The restoration is a separate step, with the new scope and a reason.
  await page.getByRole('link', { name: 'Restore consent of I-2023-003' }).click();
  await page.getByRole('heading', { level: 1, name: 'Restore consent for I-2023-003' }).waitFor();
  const scope = page.getByLabel('New consent scope');
  const reason = page.getByLabel('Reason');
  assert.equal(await scope.evaluate((el) => el.required), true);
  await page.getByRole('button', { name: 'Restore consent' }).click();
  assert.match(await errorText(scope), /New consent scope: choose/);
  assert.ok(!(await scope.locator('option').allTextContents()).some((t) => /withdrawn/i.test(t)));
  await scope.selectOption('aggregate_reporting');
  await page.getByRole('button', { name: 'Restore consent' }).click();
  assert.match(await errorText(reason), /Reason: say how/);
  await reason.fill('The survivor gave consent again at the follow-up visit.');
  await page.getByRole('button', { name: 'Restore consent' }).click();
  await page.getByRole('heading', { level: 1, name: 'Consent', exact: true }).waitFor();
  assert.match(await page.locator('#status').textContent(), /I-2023-003 is restored as aggregate reporting/);
  assert.equal((await apiGet(page, '/incidents/I-2023-003')).status, 200);
  assert.equal(await page.getByRole('table', { name: 'Incidents with limited or withdrawn consent' }).getByRole('row').filter({ hasText: 'I-2023-003' }).count(), 0);
  await page.context().close();

  // A reviewer without the monitor's role: no link, page not available.
  const rev = await openPage(stack, watch, 'consent-refused');
  await login(rev, stack, 'rev');
  assert.ok(!(await navLinks(rev)).includes('Consent'));
  await rev.goto(`${stack.base}/consent`);
  await rev.getByRole('heading', { level: 1, name: 'Not available' }).waitFor();
  await rev.context().close();
  assert.deepEqual(watch.problems, []);
});

test('evidence is uploaded, refused to the reviewer who received it and verified by another', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'evidence-upload');
  await login(page, stack, 'mon');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evidence' }).click();
  await page.getByRole('heading', { level: 1, name: 'Evidence' }).waitFor();
  const file = page.getByLabel('File');
  const incident = page.getByLabel('Incident ID');
  assert.equal(await file.evaluate((el) => el.required), true);
  await page.getByRole('button', { name: 'Upload evidence' }).click();
  assert.match(await errorText(incident), /Incident ID: enter/);
  await incident.fill('I-2025-001');
  await page.getByRole('button', { name: 'Upload evidence' }).click();
  assert.match(await errorText(file), /File: choose/);
  // An incident that does not exist: the server's refusal beside the field, in words.
  await incident.fill('I-NONE-1');
  await file.setInputFiles({ name: 'scan.txt', mimeType: 'text/plain', buffer: Buffer.from('a scanned medical note') });
  watch.allow(404);
  await page.getByRole('button', { name: 'Upload evidence' }).click();
  const refused = await errorText(incident);
  assert.match(refused, /Incident ID: there is no incident/i);
  assert.doesNotMatch(refused, /\/api\/|incident:/);
  watch.reset();
  await incident.fill('I-2025-001');
  await page.getByLabel('Description').fill('Scanned note');
  await page.getByRole('button', { name: 'Upload evidence' }).click();
  const heading = page.getByRole('heading', { level: 1, name: /^Evidence EV-/ });
  await heading.waitFor();
  const id = (await heading.textContent()).replace('Evidence ', '');
  // Four eyes: the reviewer who received it is told another must verify it.
  assert.match(await page.getByRole('region', { name: 'Verification' }).textContent(), /Not verified yet.*another reviewer must verify it/s);
  assert.equal(await page.getByRole('button', { name: 'Verify the stored file' }).count(), 0);
  watch.allow(403);
  const own = await postInPage(page, `/evidence/${id}/verification`, {});
  assert.equal(own.status, 403);
  assert.match(own.body.detail, /four-eyes rule/);
  watch.reset();
  const custody = page.getByRole('table', { name: `Chain of custody of ${id}` });
  assert.match(await custody.textContent(), /mon.*Received/s);
  await page.context().close();

  const rev = await openPage(stack, watch, 'evidence-verify');
  await login(rev, stack, 'rev');
  await rev.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evidence' }).click();
  await rev.getByRole('table', { name: 'Evidence items' }).getByRole('link', { name: id }).click();
  await rev.getByRole('heading', { level: 1, name: `Evidence ${id}` }).waitFor();
  await rev.getByRole('button', { name: 'Verify the stored file' }).click();
  await rev.getByRole('region', { name: 'Verification' }).getByText(/^Verified by rev/).waitFor();
  assert.match(await rev.locator('#status.status-success').textContent(), new RegExp(`${id} verified: the stored file matches`));
  assert.match(await rev.getByRole('table', { name: `Chain of custody of ${id}` }).textContent(), /rev.*Verified: the stored file matches/s);
  await rev.context().close();

  // A viewer has no evidence page.
  const view = await openPage(stack, watch, 'evidence-refused', 390);
  await login(view, stack, 'view');
  assert.ok(!(await navLinks(view)).includes('Evidence'));
  await view.goto(`${stack.base}/evidence`);
  await view.getByRole('heading', { level: 1, name: 'Not available' }).waitFor();
  await view.context().close();
  assert.deepEqual(watch.problems, []);
});

test('the new pages fit a 390 px screen and keep their landmarks and heading order', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'narrow', 390);
  await login(page, stack, 'chief');
  for (const [url, title] of [
    ['/names?all=true', 'Name review'],
    ['/consent', 'Consent'],
    ['/evidence', 'Evidence'],
    ['/users', 'Users and roles'],
    ['/account', 'My account'],
  ]) {
    await page.goto(`${stack.base}${url}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const layout = await page.evaluate(() => {
      const levels = [...document.querySelectorAll('main h1, main h2, main h3')].map((el) => Number(el.tagName[1]));
      const jumps = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
      return {
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        h1: document.querySelectorAll('main h1').length,
        first: levels[0],
        jumps: jumps.length,
        landmarks: ['header', 'nav', 'main', 'footer'].filter((t) => document.querySelector(t)).length,
        unlabelled: [...document.querySelectorAll('main input, main select, main textarea')].filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length)).map((el) => el.name),
      };
    });
    assert.ok(layout.overflow <= 1, `${url} scrolls sideways by ${layout.overflow}px at 390 px`);
    assert.equal(layout.h1, 1, `${url} has one h1`);
    assert.equal(layout.first, 1, `${url} starts with its h1`);
    assert.equal(layout.jumps, 0, `${url} skips no heading level`);
    assert.equal(layout.landmarks, 4, `${url} keeps the landmarks`);
    assert.deepEqual(layout.unlabelled, [], `${url} labels every control`);
  }
  await page.context().close();
  assert.deepEqual(watch.problems, []);
});

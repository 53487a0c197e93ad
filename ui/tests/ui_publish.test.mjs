// Browser tests of publishing a cycle against a fresh `mara serve` (see
// harness.mjs): the annex page says "live data, not published" before any
// publication; a decision maker requests one (the statement required, the
// refusal beside the field) and cannot sign off their own request; another
// decision maker signs it off; everyone then sees the publication with its
// files, and the annex page says it shows the published annex until the
// data changes, when it says the live data changed since. The scenarios run
// in order on one store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleWatch, apiGet, login, mara, openPage, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();
const CYCLE = 2025;

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

test('before any publication the annex page says it shows live data', { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'publish-live');
  await login(page, stack, 'view');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publications' }).waitFor();
  await page.goto(`${stack.base}/reports?cycle=${CYCLE}`);
  await page.getByRole('heading', { level: 2, name: 'Live data, not published' }).waitFor();
  await page.goto(`${stack.base}/publications`);
  await page.getByRole('heading', { level: 1, name: 'Publications' }).waitFor();
  assert.match(await page.getByRole('table', { name: 'Published annexes' }).textContent(), /Nothing has been published yet/);
  // A reader does not get the decision makers' actions.
  assert.equal(await page.getByRole('button', { name: 'Request publication' }).count(), 0);
  await page.context().close();
});

test('a decision maker requests a publication and may not sign off their own request', { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'publish-request');
  await login(page, stack, 'dm');
  await page.goto(`${stack.base}/publications`);
  await page.getByRole('heading', { level: 2, name: 'Request a publication' }).waitFor();
  await page.getByLabel('Cycle').selectOption(String(CYCLE));
  const statement = page.getByLabel('Statement');
  assert.equal(await statement.evaluate((el) => el.required), true);
  await page.getByRole('button', { name: 'Request publication' }).click();
  const error = page.locator('.field', { has: statement }).locator('.field-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /statement/i);
  assert.equal(await statement.getAttribute('aria-invalid'), 'true');
  await statement.fill('The annex of 2025 as reviewed by the listing office.');
  await page.getByRole('button', { name: 'Request publication' }).click();
  await page.locator('#status.status-success').waitFor();
  assert.match(await page.locator('#status').textContent(), new RegExp(`Publication ${CYCLE}-1 requested`));
  const pending = page.getByRole('table', { name: 'Publication requests awaiting sign-off' });
  await pending.getByRole('cell', { name: `${CYCLE}-1`, exact: true }).waitFor();
  assert.match(await pending.textContent(), /Your request: another decision maker signs it off/);
  assert.equal(await page.getByRole('button', { name: `Sign off publication ${CYCLE}-1` }).count(), 0);
  // The server refuses it too (four eyes), in words; the console notes the 403.
  watch.allow(403);
  const refused = await page.evaluate(async (cycle) => {
    const session = await (await fetch('/api/v1/session')).json();
    const r = await fetch(`/api/v1/publications/${cycle}/signoff`, { method: 'POST', headers: { 'X-CSRF-Token': session.csrf_token } });
    return { status: r.status, body: await r.json() };
  }, CYCLE);
  assert.equal(refused.status, 403);
  assert.match(refused.body.detail, /four eyes/);
  await page.context().close();
  watch.reset();
});

test('another decision maker signs it off and the files are published', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'publish-signoff');
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/publications`);
  await page.getByRole('button', { name: `Sign off publication ${CYCLE}-1` }).click();
  await page.locator('#status.status-success').waitFor({ timeout: 45_000 });
  assert.match(await page.locator('#status').textContent(), new RegExp(`Publication ${CYCLE}-1 published: 10 files signed`));
  const published = page.getByRole('table', { name: 'Published annexes' });
  await published.getByRole('cell', { name: `${CYCLE}-1`, exact: true }).waitFor();
  assert.match(await published.textContent(), /The annex of 2025 as reviewed/);
  assert.match(await published.textContent(), /dm/);
  assert.match(await published.textContent(), /chief/);
  assert.match(await page.getByRole('table', { name: 'Publication requests awaiting sign-off' }).textContent(), /No request awaits sign-off/);
  await page.context().close();
});

test('a reader sees the publication, downloads its files, and the annex page says which annex it shows', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'publish-read');
  await login(page, stack, 'view');
  await page.goto(`${stack.base}/publications`);
  const published = page.getByRole('table', { name: 'Published annexes' });
  await published.getByRole('cell', { name: `${CYCLE}-1`, exact: true }).waitFor();
  // No statement and no names for a reader of the public edition.
  assert.doesNotMatch(await published.textContent(), /as reviewed|chief/);
  const html = page.getByRole('link', { name: `HTML of publication ${CYCLE}-1` });
  const href = await html.getAttribute('href');
  assert.equal(href, `/api/v1/publications/${CYCLE}/1/files/report-${CYCLE}-public.html`);
  const [download] = await Promise.all([page.waitForEvent('download'), html.click()]);
  assert.equal(download.suggestedFilename(), `report-${CYCLE}-public.html`);
  const sig = await apiGet(page, `/publications/${CYCLE}/1/files/report-${CYCLE}-public.html.sig`);
  assert.equal(sig.status, 200);
  assert.match(sig.body, /mara-signature\/1/);
  const json = await apiGet(page, `/publications/${CYCLE}/1/files/report-${CYCLE}-public.json`);
  assert.equal(json.status, 200);
  assert.equal(json.body.edition, 'public');
  assert.ok(!JSON.stringify(json.body).includes(stack.marker), 'no confidential marker in the published edition');

  await page.goto(`${stack.base}/reports?cycle=${CYCLE}`);
  await page.getByRole('heading', { level: 2, name: `Published annex (publication ${CYCLE}-1)` }).waitFor();

  // The data changes (another process): the annex page now shows live data
  // that differs from the publication, whose files stay as they were.
  mara(stack.db, ['--as', 'dm', 'decide', '--party', 'P-QRM', '--cycle', String(CYCLE), '--status', 'listed', '--rationale', 'Listed after review']);
  const changed = page.getByRole('heading', { level: 2, name: `Live data, changed since publication ${CYCLE}-1` });
  for (let i = 0; i < 20 && !(await changed.count()); i++) {
    await page.waitForTimeout(250);
    await page.goto(`${stack.base}/reports?cycle=${CYCLE}`);
    await page.getByRole('heading', { level: 1, name: `Annex and reports ${CYCLE}` }).waitFor();
  }
  await changed.waitFor();
  assert.equal(await page.getByRole('link', { name: `JSON of publication ${CYCLE}-1` }).getAttribute('href'), `/api/v1/publications/${CYCLE}/1/files/report-${CYCLE}-public.json`);
  const again = await apiGet(page, `/publications/${CYCLE}/1/files/report-${CYCLE}-public.json`);
  assert.deepEqual(again.body, json.body);
  await page.context().close();
  assert.deepEqual(watch.problems, []);
});

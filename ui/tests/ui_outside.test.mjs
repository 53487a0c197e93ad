// Browser tests of what comes from outside, against a fresh `mara serve`
// (see harness.mjs): a decision maker files a party's petition and rules on
// it (refused without a reason, beside the field); a partner organisation
// (a viewer account) submits a communication with an attachment and gets
// its private link once; the link, opened without any login, shows that
// communication's reference, dates and status and nothing it sent, while a
// wrong link shows nothing; a decision maker rules on it (refused without
// reasons) and the follower then reads the ruling. The scenarios run in
// order on one store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleWatch, apiGet, login, openPage, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();
const today = new Date().toISOString().slice(0, 10);
const year = today.slice(0, 4);
const SECRET_TEXT = 'Abductions near the river camps, witnessed by our members';
const ORGANISATION = 'Network of Survivors of the Valdor Delta';
let followHref = '';

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

test('a decision maker files a petition and a ruling without a reason is refused', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'petitions');
  await login(page, stack, 'dm');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Petitions' }).click();
  await page.getByRole('heading', { level: 1, name: 'Petitions' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'File a petition' }).waitFor();
  // Filing without grounds is refused by the server, beside the field (the
  // console notes the 400s this test provokes).
  watch.allow(400);
  await page.getByLabel('Party', { exact: true }).selectOption('P-KB');
  await page.getByRole('button', { name: 'File petition' }).click();
  const grounds = page.getByLabel('Grounds');
  const groundsError = page.locator('.field', { has: grounds }).locator('.field-error');
  await groundsError.waitFor({ state: 'visible' });
  assert.equal(await grounds.getAttribute('aria-invalid'), 'true');
  assert.doesNotMatch(await groundsError.textContent(), /\/grounds|\/api\//);
  await grounds.fill('The Brigades disbanded the unit named in the annex.');
  await page.getByLabel('The petition brings new material').check();
  await page.getByRole('button', { name: 'File petition' }).click();
  await page.locator('#status.status-success').waitFor();
  assert.match(await page.locator('#status').textContent(), new RegExp(`Petition of P-KB filed on ${today}`));
  await page.getByRole('heading', { level: 1, name: 'Petitions of Kell Brigades' }).waitFor();
  const listed = page.getByRole('table', { name: 'Petitions of Kell Brigades' });
  assert.match(await listed.textContent(), /disbanded the unit/);
  assert.match(await listed.textContent(), /pending/);

  // The ruling needs a reason: the server refuses it, beside the field.
  await page.getByLabel('Petition', { exact: true }).selectOption(`P-KB~${today}`);
  await page.getByLabel('Outcome').selectOption('rejected');
  await page.getByRole('button', { name: 'Record ruling' }).click();
  const reason = page.getByLabel('Reason', { exact: true });
  const reasonError = page.locator('.field', { has: reason }).locator('.field-error');
  await reasonError.waitFor({ state: 'visible' });
  assert.match(await reasonError.textContent(), /^Reason: /);
  assert.equal(await reason.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#status').textContent(), /Not ruled/);
  const still = await apiGet(page, `/petitions?party=P-KB`);
  assert.equal(still.body.items.find((p) => p.filed === today).outcome, 'pending');

  await reason.fill('The unit still operates under the Brigades’ command.');
  await page.getByRole('button', { name: 'Record ruling' }).click();
  await page.locator('#status.status-success').waitFor();
  assert.match(await page.locator('#status').textContent(), /rejected/);
  const after = page.getByRole('table', { name: 'Petitions of Kell Brigades' });
  assert.match(await after.textContent(), /rejected/);
  assert.match(await after.textContent(), /still operates under/);
  await page.context().close();
  watch.reset();
});

test('a partner organisation submits a communication with an attachment and gets its private link once', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'communication-submit');
  await login(page, stack, 'view');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communications' }).click();
  await page.getByRole('heading', { level: 1, name: 'Communications' }).waitFor();
  // A viewer sees no list, and the server refuses it one.
  assert.equal(await page.getByRole('table', { name: 'Communications received' }).count(), 0);
  watch.allow(403);
  watch.allow(400);
  assert.equal((await apiGet(page, '/communications')).status, 403);

  await page.getByLabel('Kind').selectOption('listing_request');
  await page.getByLabel('Organisation type').selectOption('survivors_organisation');
  await page.getByLabel('Organisation', { exact: true }).fill(ORGANISATION);
  await page.getByLabel('Communication', { exact: true }).fill(SECRET_TEXT);
  await page.getByLabel('Attachments').setInputFiles({ name: 'statement.txt', mimeType: 'text/plain', buffer: Buffer.from('names of the witnesses') });
  // A request without its party is refused beside the party field.
  await page.getByRole('button', { name: 'Submit communication' }).click();
  const partySel = page.getByLabel('Party concerned');
  await page.locator('.field', { has: partySel }).locator('.field-error').waitFor({ state: 'visible' });
  assert.equal(await partySel.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('.receipt').count(), 0);

  await partySel.selectOption('P-VAF');
  await page.getByRole('button', { name: 'Submit communication' }).click();
  await page.getByRole('heading', { level: 2, name: `Communication COM-${year}-0001 received` }).waitFor();
  assert.match(await page.locator('.receipt').textContent(), /with 1 attachment/);
  assert.match(await page.locator('.receipt').textContent(), /shown only now/);
  followHref = await page.locator('.receipt a.follow-link').getAttribute('href');
  assert.match(followHref, /^\/follow#[0-9a-f]{64}$/);
  // The form is empty again; the link is not kept anywhere else.
  assert.equal(await page.getByLabel('Communication', { exact: true }).inputValue(), '');
  await page.context().close();
  watch.reset();
});

test('the private link shows only its own status, and a wrong link shows nothing', { timeout: 60_000 }, async () => {
  // A second communication by someone else, which the link must not show.
  const other = await openPage(stack, watch, 'communication-other');
  await login(other, stack, 'adm');
  await other.goto(`${stack.base}/communications`);
  await other.getByLabel('Kind').selectOption('information');
  await other.getByLabel('Organisation', { exact: true }).fill('Coalition of the Eastern Provinces');
  await other.getByLabel('Communication', { exact: true }).fill('Information about checkpoints');
  await other.getByRole('button', { name: 'Submit communication' }).click();
  await other.getByRole('heading', { level: 2, name: `Communication COM-${year}-0002 received` }).waitFor();
  await other.context().close();

  // Opened without any login.
  const page = await openPage(stack, watch, 'follow');
  await page.goto(`${stack.base}${followHref}`);
  await page.getByRole('heading', { level: 1, name: 'Follow a communication' }).waitFor();
  const status = page.getByRole('definition').first();
  await status.waitFor();
  const shown = await page.locator('main').textContent();
  assert.match(shown, new RegExp(`COM-${year}-0001`));
  assert.match(shown, /Status\s*received/);
  for (const secret of [SECRET_TEXT, ORGANISATION, 'Valdorian', 'P-VAF', 'statement.txt', `COM-${year}-0002`, 'checkpoints', 'Coalition']) {
    assert.ok(!shown.includes(secret), `the follow page shows ${secret}`);
  }
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').count(), 0);
  const body = await page.evaluate(async (href) => (await fetch(`/api/v1/follow/${href.split('#')[1]}`)).json(), followHref);
  assert.deepEqual(Object.keys(body).sort(), ['id', 'received', 'status']);

  // A wrong token: nothing but the refusal.
  watch.allow(404);
  const wrong = followHref.replace(/#(.)/, (_, c) => `#${c === 'a' ? 'b' : 'a'}`);
  await page.goto(`${stack.base}/`);
  await page.goto(`${stack.base}${wrong}`);
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /No communication answers this link/);
  assert.equal(await page.locator('dl.follow').count(), 0);
  assert.doesNotMatch(await page.locator('main').textContent(), new RegExp(`COM-${year}`));
  await page.context().close();
  watch.reset();
});

test('a decision maker rules on it, reasons required, and the follower reads the ruling', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'communication-rule');
  await login(page, stack, 'dm');
  await page.goto(`${stack.base}/communications`);
  const list = page.getByRole('table', { name: 'Communications received' });
  await list.waitFor();
  const text = await list.textContent();
  assert.match(text, new RegExp(SECRET_TEXT));
  assert.match(text, new RegExp(ORGANISATION));
  assert.match(text, /text\/plain, 22 bytes/);
  // The material as sent, downloaded by its link (and recorded in the audit log).
  const download = list.getByRole('link', { name: 'Attachment 1: text/plain, 22 bytes' });
  const href = await download.getAttribute('href');
  assert.match(href, new RegExp(`^/api/v1/communications/COM-${year}-0001/attachments/1$`));
  assert.equal(await page.evaluate(async (h) => (await fetch(h)).text(), href), 'names of the witnesses');
  await page.getByLabel('Reference').selectOption(`COM-${year}-0001`);
  await page.getByLabel('Status').selectOption('accepted');
  watch.allow(400);
  await page.getByRole('button', { name: 'Record status' }).click();
  const reasons = page.getByLabel('Reasons');
  const error = page.locator('.field', { has: reasons }).locator('.field-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /^Reasons: /);
  assert.equal(await reasons.getAttribute('aria-invalid'), 'true');
  await reasons.fill('The office opens a review of the Valdorian Armed Forces for the next cycle.');
  await page.getByRole('button', { name: 'Record status' }).click();
  await page.locator('#status.status-success').waitFor();
  assert.match(await page.locator('#status').textContent(), new RegExp(`COM-${year}-0001: accepted`));
  assert.match(await page.getByRole('table', { name: 'Communications received' }).textContent(), /opens a review/);
  await page.context().close();

  const follower = await openPage(stack, watch, 'follow-ruled');
  await follower.goto(`${stack.base}${followHref}`);
  await follower.locator('dl.follow').waitFor();
  const shown = await follower.locator('main').textContent();
  assert.match(shown, /Status\s*accepted/);
  assert.match(shown, new RegExp(`Ruled on\\s*${today}`));
  assert.match(shown, /opens a review of the Valdorian Armed Forces/);
  assert.ok(!shown.includes(SECRET_TEXT));
  assert.ok(!shown.includes('dm'), 'the follower is not told who ruled');
  await follower.context().close();
  watch.reset();
});

test('no console error, uncaught exception or CSP violation on these pages', () => {
  assert.deepEqual(watch.problems, []);
});

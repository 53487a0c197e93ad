// Browser tests of the audit page against a fresh `mara serve` (see
// harness.mjs): the filter form (labelled fields, errors beside them),
// refused actions and failed logins marked in the results, a consent
// change shown with its values before and after, the typed text of a
// failed login kept nowhere, and no console error or CSP violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleWatch, login, openPage, password, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();
// What someone might type into the name field by mistake: never stored.
const TYPED = `typed-secret-${Date.now()}`;
const INCIDENT = 'I-2025-001';

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

async function post(path, body, headers = {}) {
  return fetch(`${stack.base}/api/v1${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

// A cookie session outside the browser: its cookie and CSRF token.
async function session(name) {
  const res = await post('/session', { name, password: password(name) });
  assert.equal(res.status, 201, `login as ${name}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrf_token: csrf } = await res.json();
  return { cookie, csrf };
}

test('refusals and failed logins reach the audit log', { timeout: 60_000 }, async () => {
  assert.equal((await post('/session', { name: TYPED, password: 'whatever it was' })).status, 401);
  assert.equal((await post('/session', { name: 'view', password: 'not the password' })).status, 401);
  const viewer = await session('view');
  const refused = await fetch(`${stack.base}/api/v1/audit`, { headers: { Cookie: viewer.cookie } });
  assert.equal(refused.status, 403);

  // A monitor changes an incident's consent: a change known field by field.
  const mon = await session('mon');
  const got = await fetch(`${stack.base}/api/v1/incidents/${INCIDENT}`, { headers: { Cookie: mon.cookie } });
  assert.equal(got.status, 200);
  const incident = await got.json();
  const next = incident.consent === 'identified_sharing' ? 'aggregate_reporting' : 'identified_sharing';
  const put = await fetch(`${stack.base}/api/v1/incidents/${INCIDENT}/consent`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Cookie: mon.cookie, 'X-CSRF-Token': mon.csrf, 'If-Match': got.headers.get('etag') },
    body: JSON.stringify({ consent: next }),
  });
  assert.equal(put.status, 200, await put.text());

  const page = await openPage(stack, watch, 'audit-filters');
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/audit`);
  await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
  const form = page.getByRole('search', { name: 'Filter the audit log' });
  for (const label of ['Principal', 'Action', 'Record', 'From', 'To']) {
    assert.equal(await form.getByLabel(label, { exact: true }).count(), 1, `a labelled ${label} field`);
  }

  // Failed logins, marked, with their reasons; the typed name appears nowhere.
  await form.getByLabel('Action', { exact: true }).fill('login.failed');
  await form.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/action=login\.failed/);
  const log = page.getByRole('region', { name: 'Audit log table', exact: true });
  await log.getByText('Failed login').first().waitFor();
  const failedRows = log.locator('tbody tr');
  assert.equal(await failedRows.count(), 2, await log.textContent());
  assert.match(await log.textContent(), /\(unknown\)/);
  assert.match(await log.textContent(), /unknown name/);
  assert.match(await log.textContent(), /wrong password/);
  assert.doesNotMatch(await page.content(), new RegExp(TYPED));
  assert.match(await page.locator('#status').textContent(), /2 records shown, 2 failed logins/);

  // The viewer's refused read, marked.
  await page.goto(`${stack.base}/audit?action=refused&principal=view`);
  await log.getByText('Refused', { exact: true }).first().waitFor();
  assert.equal(await log.locator('tbody tr').count(), 1);
  assert.match(await log.textContent(), /read audit log/);

  // The consent change, before and after, for a reader of the confidential edition.
  await page.goto(`${stack.base}/audit?action=incident.&record=${INCIDENT}`);
  await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
  const change = log.locator('ul.changes li', { hasText: 'consent' });
  await change.first().waitFor();
  assert.match(await change.first().textContent(), new RegExp(`consent: ${incident.consent} → ${next}`));

  // A filter the server refuses: the message beside its field, in words.
  watch.allow(400);
  await page.goto(`${stack.base}/audit?from=2026-02-02&to=2026-02-01`);
  await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
  const from = page.getByLabel('From', { exact: true });
  const error = page.locator('.field', { has: from }).locator('.field-error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await from.getAttribute('aria-invalid'), 'true');
  assert.doesNotMatch(await error.textContent(), /\/api\//);
  await page.context().close();
  watch.reset();
});

test('no console errors or CSP violations on the audit page', () => {
  assert.deepEqual(watch.problems, []);
});

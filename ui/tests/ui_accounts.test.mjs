// Browser tests of the users page and one's own account against a fresh
// `mara serve` (see harness.mjs): an admin creates a user, grants and
// revokes roles and situations and disables it, with the refusals beside
// their fields in words; a non-admin has no link to the users and the page
// is not available; a user changes their own password (the current one
// required) and creates, sees once and revokes an API token. No console
// error or CSP violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleWatch, login, openPage, password, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});


async function apiStatus(path, init = {}) {
  return (await fetch(`${stack.base}/api/v1${path}`, init)).status;
}

async function logInStatus(name, pw) {
  return apiStatus('/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password: pw }) });
}

const NEW_PASSWORD = 'a new password of newbie';

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

test('an admin creates a user, grants and revokes roles and disables it', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'users');
  await login(page, stack, 'adm');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { level: 1, name: 'Users and roles' }).waitFor();
  const users = page.getByRole('table', { name: 'Users' });
  assert.match(await users.textContent(), /mon.*monitor, reviewer/s);

  const name = page.getByLabel('Name', { exact: true });
  const pw = page.getByLabel('Password', { exact: true });
  const roles = page.getByRole('group', { name: 'Roles' });
  assert.equal(await name.evaluate((el) => el.required), true);
  assert.equal(await pw.evaluate((el) => el.required), true);
  await page.getByRole('button', { name: 'Create user' }).click();
  assert.match(await errorText(name), /Name: enter/);
  await name.fill('newbie');
  await pw.fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  assert.match(await errorText(pw), /Password: at least 12 characters/);
  await pw.fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Create user' }).click();
  assert.match(await roles.locator('.field-error').textContent(), /Roles: choose at least one role/);

  // A name that exists: the server's refusal beside the name, in words.
  await name.fill('mon');
  await roles.getByLabel(/^Monitor/).check();
  watch.allow(409);
  await page.getByRole('button', { name: 'Create user' }).click();
  await (await errorLine(name)).getByText(/exists already/).waitFor();
  const taken = await errorText(name);
  assert.match(taken, /^Name: a user named "?mon"? exists already/);
  assert.doesNotMatch(taken, /\/name|\/api\//);
  watch.reset();

  await name.fill('newbie');
  await page.getByRole('group', { name: 'Situations' }).getByLabel(/Valdoria|SIT-VAL/).check();
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('heading', { level: 1, name: 'User newbie' }).waitFor();
  const facts = page.getByRole('region', { name: 'Roles and situations' });
  assert.match(await facts.textContent(), /Rolesmonitor/);
  assert.equal(await logInStatus('newbie', NEW_PASSWORD), 201);

  // Grant the reviewer's role, then revoke the monitor's.
  const grant = page.getByRole('form', { name: 'Grant roles and situations' });
  await grant.getByRole('button', { name: 'Grant' }).click();
  assert.match(await grant.locator('.field-error').first().textContent(), /Choose at least one role or situation to grant/);
  await grant.getByLabel(/^Reviewer/).check();
  await grant.getByRole('button', { name: 'Grant' }).click();
  // The flash comes before the page is read again: wait for the new roles.
  await page.getByRole('region', { name: 'Roles and situations' }).getByText('monitor, reviewer', { exact: true }).waitFor();
  assert.match(await page.locator('#status').textContent(), /reviewer granted/i);
  const revoke = page.getByRole('form', { name: 'Revoke roles and situations' });
  await revoke.getByLabel(/^Monitor/).check();
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('region', { name: 'Roles and situations' }).getByText('reviewer', { exact: true }).waitFor();
  assert.match(await page.locator('#status').textContent(), /monitor revoked/);

  await page.getByRole('button', { name: 'Disable account' }).click();
  await page.getByRole('button', { name: 'Enable account' }).waitFor();
  assert.match(await page.getByRole('region', { name: 'Roles and situations' }).textContent(), /disabled/);
  assert.equal(await logInStatus('newbie', NEW_PASSWORD), 401);

  // Never oneself.
  await page.goto(`${stack.base}/users/adm`);
  await page.getByRole('heading', { level: 1, name: 'User adm' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Disable account' }).count(), 0);
  assert.match(await page.getByRole('region', { name: 'Access' }).textContent(), /cannot disable your own account/);
  await page.context().close();
  assert.deepEqual(watch.problems, []);
});

test('a non-admin cannot reach the users', { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'users-refused');
  await login(page, stack, 'ana');
  const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
  assert.ok(!nav.includes('Users'), nav.join(', '));
  assert.ok(nav.includes('My account'));
  await page.goto(`${stack.base}/users`);
  await page.getByRole('heading', { level: 1, name: 'Not available' }).waitFor();
  await page.goto(`${stack.base}/users/mon`);
  await page.getByRole('heading', { level: 1, name: 'Not available' }).waitFor();
  watch.allow(403);
  const refused = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
  assert.equal(refused, 403);
  watch.reset();
  await page.context().close();
  assert.deepEqual(watch.problems, []);
});

test('a user creates an API token, sees it once, and revokes it', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'tokens');
  await login(page, stack, 'dm');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My account' }).click();
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  const tokens = page.getByRole('table', { name: 'Your API tokens' });
  assert.match(await tokens.textContent(), /You have no API tokens/);
  const days = page.getByLabel('Valid for (days)');
  await days.fill('400');
  await page.getByRole('button', { name: 'Create token' }).click();
  assert.match(await errorText(days), /from 1 to 365/);
  await days.fill('30');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('region', { name: 'Your new token' });
  await shown.waitFor();
  const token = await shown.getByLabel('Token').inputValue();
  assert.match(token, /^mara_[0-9a-f]{16}_[0-9a-f]{64}$/);
  assert.match(await shown.textContent(), /shown only once/);
  const bearer = { headers: { Authorization: `Bearer ${token}` } };
  assert.equal(await apiStatus('/session', bearer), 200);
  const tokenId = token.slice(5, 21);
  await tokens.getByRole('cell', { name: tokenId, exact: true }).waitFor();
  assert.match(await tokens.textContent(), /active/);

  // After a reload the secret is nowhere on the page.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  await page.getByRole('table', { name: 'Your API tokens' }).getByRole('cell', { name: tokenId, exact: true }).waitFor();
  assert.ok(!(await page.content()).includes(token.slice(22)), 'the secret is shown once only');
  await page.getByRole('button', { name: `Revoke token ${tokenId}` }).click();
  await page.getByRole('table', { name: 'Your API tokens' }).getByRole('cell', { name: 'revoked', exact: true }).waitFor();
  assert.match(await page.locator('#status.status-success').textContent(), new RegExp(`Token ${tokenId} revoked`));
  assert.equal(await apiStatus('/session', bearer), 401);
  await page.context().close();
  assert.deepEqual(watch.problems, []);
});

test('a user changes their own password, the current one required', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'password', 390);
  await login(page, stack, 'dm');
  await page.goto(`${stack.base}/account`);
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  const current = page.getByLabel('Current password');
  const next = page.getByLabel('New password', { exact: true });
  const again = page.getByLabel('Repeat the new password');
  for (const control of [current, next, again]) assert.equal(await control.evaluate((el) => el.required), true);

  await page.getByRole('button', { name: 'Change password' }).click();
  assert.match(await errorText(current), /Current password: enter/);
  await current.fill('not my password at all');
  await next.fill('dm has a new password now');
  await again.fill('dm has a different one');
  await page.getByRole('button', { name: 'Change password' }).click();
  assert.match(await errorText(again), /does not match/);
  await again.fill('dm has a new password now');
  watch.allow(403);
  await page.getByRole('button', { name: 'Change password' }).click();
  await (await errorLine(current)).getByText(/wrong/).waitFor();
  const wrong = await errorText(current);
  assert.match(wrong, /^Current password: the current password is wrong\.$/);
  assert.equal(await current.getAttribute('aria-invalid'), 'true');
  watch.reset();
  assert.equal(await logInStatus('dm', password('dm')), 201, 'the old password still works after a refusal');

  await current.fill(password('dm'));
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('heading', { level: 1, name: 'Log in to Mara' }).waitFor();
  assert.match(await page.locator('#status').textContent(), /password is changed/);
  assert.equal(await logInStatus('dm', password('dm')), 401);
  await page.getByLabel('Name').fill('dm');
  await page.getByLabel('Password').fill('dm has a new password now');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.context().close();
  // The refused log-in above of the old password is a 401 outside the browser.
  assert.deepEqual(watch.problems, []);
});

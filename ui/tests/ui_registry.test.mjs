// Browser tests of the Registry pages against a fresh `mara serve` (see
// harness.mjs): an analyst creates a party and a unit of it, renames the
// party, gives it a name in Arabic (which the dossier in Arabic shows), adds a source, a designation, a commitment with a measure, an
// engagement and a statement, and meets refusals in plain words beside the
// fields; a reviewer verifies the measure (four eyes); a viewer reads
// without the controls; the form is usable 390 px wide. The scenarios run
// in order on one store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleWatch, apiGet, login, openPage, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

// The error shown beside the control labelled `label`.
function errorOf(page, label) {
  return page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
}

async function openNew(page, kind, heading) {
  await page.goto(`${stack.base}/registry/${kind}/new`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function saved(page, text) {
  await page.getByRole('status').filter({ hasText: text }).waitFor();
}

test('an analyst keeps the registry: parties, units, a rename and every other kind', { timeout: 120_000 }, async () => {
  // The refusals this scenario provokes answer 400.
  watch.allow(400);
  const page = await openPage(stack, watch, 'registry-analyst');
  await login(page, stack, 'ana');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registry' }).click();
  await page.getByRole('heading', { level: 1, name: 'Registry' }).waitFor();
  await page.getByRole('link', { name: 'Add a party' }).waitFor();

  // A party; the required fields are marked and said to be missing.
  await openNew(page, 'parties', 'Add a party');
  for (const label of ['Party ID', 'Name', 'Kind', 'Situation']) {
    assert.equal(await page.getByLabel(label, { exact: true }).evaluate((el) => el.required), true, `${label} is required`);
  }
  assert.equal(await page.getByLabel('Unit or wing of').evaluate((el) => el.required), false);
  await page.getByRole('button', { name: 'Add party' }).click();
  await errorOf(page, 'Name').waitFor({ state: 'visible' });
  assert.match(await errorOf(page, 'Name').textContent(), /Name: this is required/);
  assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Party ID').fill('P-REG');
  await page.getByLabel('Name', { exact: true }).fill('Registry Front');
  await page.getByLabel('Kind').selectOption('non_state');
  await page.getByLabel('Situation').selectOption('SIT-VAL');
  await page.getByRole('button', { name: 'Add party' }).click();
  await saved(page, 'party P-REG added');
  await page.getByRole('heading', { level: 1, name: 'Edit party P-REG' }).waitFor();

  // A unit of it, first with a parent that makes a loop: refused by the
  // server, the message beside the field in words.
  await openNew(page, 'parties', 'Add a party');
  await page.getByLabel('Party ID').fill('P-REG-U');
  await page.getByLabel('Name', { exact: true }).fill('First Registry Brigade');
  await page.getByLabel('Kind').selectOption('non_state');
  await page.getByLabel('Situation').selectOption('SIT-VAL');
  await page.getByLabel('Unit or wing of').selectOption('P-REG');
  await page.getByRole('button', { name: 'Add party' }).click();
  await saved(page, 'party P-REG-U added');
  const unit = await apiGet(page, '/parties/P-REG');
  assert.deepEqual(unit.body.children, ['P-REG-U']);

  // A dissolution after today is refused, naming the field in words.
  await page.goto(`${stack.base}/registry/parties/edit?id=P-REG-U`);
  await page.getByLabel('Dissolved on').fill('2999-01-01');
  await page.getByLabel('Dissolution recorded by').fill('S-JMT-VAL');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await errorOf(page, 'Dissolved on').waitFor({ state: 'visible' });
  const dissolvedError = await errorOf(page, 'Dissolved on').textContent();
  assert.match(dissolvedError, /^Dissolved on: /);
  assert.match(dissolvedError, /after today/);
  assert.doesNotMatch(dissolvedError, /\/dissolved|\/api\//);

  // The rename keeps the old name as a former one; the history shows it.
  await page.goto(`${stack.base}/registry/parties/edit?id=P-REG`);
  await page.getByLabel('New name').fill('Renewed Registry Front');
  await page.getByLabel('Called so from').fill('2025-06-01');
  await page.getByRole('button', { name: 'Rename' }).click();
  await saved(page, 'renamed to Renewed Registry Front');
  const renamed = await apiGet(page, '/parties/P-REG');
  assert.equal(renamed.body.name, 'Renewed Registry Front');
  assert.equal(renamed.body.names_over_time[0].name, 'Registry Front');
  const history = page.getByRole('region', { name: 'History table' });
  await history.getByText('renamed').waitFor();

  // Its name in Arabic: one of six optional inputs, each in its language
  // and direction; the dossier in Arabic is headed by it, the canonical
  // name beside it, and in English by the canonical name.
  await page.goto(`${stack.base}/registry/parties/edit?id=P-REG`);
  const arabicName = 'جبهة السجل المتجددة';
  const nameInputs = [
    ['Arabic', 'ar'],
    ['Chinese', 'zh'],
    ['English', 'en'],
    ['French', 'fr'],
    ['Russian', 'ru'],
    ['Spanish', 'es'],
  ];
  for (const [language, code] of nameInputs) {
    const input = page.getByLabel(`Name in ${language}`, { exact: true });
    assert.equal(await input.getAttribute('lang'), code);
    assert.equal(await input.getAttribute('dir'), 'auto');
    assert.equal(await input.evaluate((el) => el.required), false);
  }
  await page.getByLabel('Name in Arabic').fill(arabicName);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await saved(page, 'party P-REG saved');
  const named = await apiGet(page, '/parties/P-REG');
  assert.deepEqual(named.body.names, { ar: arabicName });
  await page.goto(`${stack.base}/parties/P-REG`);
  await page.getByRole('heading', { level: 1, name: 'Renewed Registry Front' }).waitFor();
  assert.equal(await page.locator('.canonical-name').count(), 0);
  await page.locator('#language-menu').selectOption('ar');
  await page.waitForFunction(() => document.documentElement.lang === 'ar');
  await page.getByRole('heading', { level: 1, name: arabicName }).waitFor();
  assert.match(await page.locator('.canonical-name').textContent(), /Renewed Registry Front/);
  await page.locator('#language-menu').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.getByRole('heading', { level: 1, name: 'Renewed Registry Front' }).waitFor();

  // A source with its grades.
  await openNew(page, 'sources', 'Add a source');
  await page.getByLabel('Source ID').fill('S-REG');
  await page.getByLabel('Kind').selectOption('ngo');
  await page.getByLabel('Title').fill('Registry field notes');
  await page.getByLabel('Reliability of the source').selectOption('B');
  await page.getByLabel('Credibility of the information').selectOption('2');
  await page.getByRole('button', { name: 'Add source' }).click();
  await saved(page, 'source S-REG added');

  // A designation naming the source.
  await openNew(page, 'designations', 'Add a designation');
  await page.getByLabel('Party').selectOption('P-REG');
  await page.getByLabel('Authority').fill('Regional Union');
  await page.getByLabel('List or regime').fill('Registry measures');
  await page.getByLabel('Kind').selectOption('sanctions');
  await page.getByLabel('Listed on').fill('2025-03-01');
  await page.getByLabel('Source ID').fill('S-NOPE');
  await page.getByRole('button', { name: 'Add designation' }).click();
  await errorOf(page, 'Source ID').waitFor({ state: 'visible' });
  assert.match(await errorOf(page, 'Source ID').textContent(), /there is no source 'S-NOPE'/);
  await page.getByLabel('Source ID').fill('S-REG');
  await page.getByRole('button', { name: 'Add designation' }).click();
  await saved(page, 'designation P-REG Regional Union Registry measures 2025-03-01 added');

  // A commitment with a measure; verified implemented is not on offer.
  await openNew(page, 'commitments', 'Add a commitment');
  await page.getByLabel('Commitment ID').fill('C-REG');
  await page.getByLabel('Party').selectOption('P-REG');
  await page.getByLabel('Kind').selectOption('action_plan');
  await page.getByLabel('Signed on').fill('2025-02-01');
  await page.getByRole('button', { name: 'Add a measure' }).click();
  await page.getByRole('button', { name: 'Add commitment' }).click();
  await errorOf(page, 'What was undertaken').waitFor({ state: 'visible' });
  assert.match(await errorOf(page, 'What was undertaken').textContent(), /Measure 1, what was undertaken: this is required/);
  await page.getByLabel('Measure ID').fill('M-REG-1');
  await page.getByLabel('What was undertaken').fill('Issue command orders');
  const statuses = await page.getByLabel('Status').evaluate((el) => [...el.options].map((o) => o.value));
  assert.ok(!statuses.includes('verified_implemented'));
  await page.getByLabel('Status').selectOption('in_progress');
  await page.getByRole('button', { name: 'Add commitment' }).click();
  await saved(page, 'commitment C-REG added');

  // An engagement and a statement.
  await openNew(page, 'engagements', 'Add an engagement');
  await page.getByLabel('Party').selectOption('P-REG');
  await page.getByLabel('Date').fill('2025-05-02');
  await page.getByLabel('Kind').selectOption('contact');
  await page.getByLabel('Note (confidential)').fill('Met the liaison officer');
  await page.getByRole('button', { name: 'Add engagement' }).click();
  await saved(page, 'engagement P-REG 2025-05-02 contact added');

  await openNew(page, 'statements', 'Add a statement');
  await page.getByLabel('Statement ID').fill('ST-REG');
  await page.getByLabel('Made by').fill('Ministry of Defence');
  await page.getByLabel('Date').fill('2025-05-03');
  await page.getByLabel('Kind').selectOption('dispute');
  await page.getByLabel('Incidents it answers').fill('I-2025-001, I-NOPE');
  await page.getByRole('button', { name: 'Add statement' }).click();
  await errorOf(page, 'Incidents it answers').waitFor({ state: 'visible' });
  assert.match(await errorOf(page, 'Incidents it answers').textContent(), /there is no incident 'I-NOPE'/);
  await page.getByLabel('Incidents it answers').fill('I-2025-001');
  await page.getByRole('button', { name: 'Add statement' }).click();
  await saved(page, 'statement ST-REG added');

  // The lists show what was added.
  await page.goto(`${stack.base}/registry?kind=commitments`);
  await page.getByRole('region', { name: 'Commitments table' }).getByText('C-REG').waitFor();
  assert.deepEqual(watch.problems, []);
  watch.reset();
  await page.context().close();
});

test('a reviewer verifies the measure; a viewer reads without controls', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'registry-reviewer');
  await login(page, stack, 'rev');
  await page.goto(`${stack.base}/registry?kind=commitments`);
  await page.getByRole('button', { name: 'Verify M-REG-1' }).click();
  await saved(page, 'Measure M-REG-1 of C-REG verified');
  const c = await apiGet(page, '/commitments/C-REG');
  assert.equal(c.body.measures[0].status, 'verified_implemented');
  await page.context().close();

  const viewer = await openPage(stack, watch, 'registry-viewer');
  await login(viewer, stack, 'view');
  assert.equal(await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registry' }).count(), 0);
  await viewer.goto(`${stack.base}/registry?kind=parties`);
  await viewer.getByRole('heading', { level: 1, name: 'Registry' }).waitFor();
  assert.equal(await viewer.getByRole('link', { name: 'Add a party' }).count(), 0);
  assert.match(await viewer.locator('main').textContent(), /Analysts and admins add and change/);
  await viewer.getByRole('link', { name: 'History of party P-REG', exact: true }).click();
  await viewer.getByRole('region', { name: 'History table' }).waitFor();
  assert.equal(await viewer.locator('form').count(), 0);
  assert.deepEqual(watch.problems, []);
  await viewer.context().close();
});

test('the registry form fits a 390 px screen', { timeout: 45_000 }, async () => {
  const page = await openPage(stack, watch, 'registry-narrow', 390);
  await login(page, stack, 'ana');
  await page.goto(`${stack.base}/registry/commitments/new`);
  await page.getByRole('heading', { level: 1, name: 'Add a commitment' }).waitFor();
  await page.getByRole('button', { name: 'Add a measure' }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  for (const label of ['Commitment ID', 'Party', 'Measure ID']) {
    const box = await page.getByLabel(label, { exact: true }).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${label} fits`);
  }
  await page.goto(`${stack.base}/registry?kind=parties`);
  const tableOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(tableOverflow <= 0, `the list scrolls sideways by ${tableOverflow}px`);
  assert.deepEqual(watch.problems, []);
  await page.context().close();
});

// Browser tests of the forms and messages of the Mara application against
// a fresh `mara serve` (see harness.mjs): the incident form's required
// fields, its party list per situation (keeping a party of another
// situation an incident already names) and its refusals in words; Verify
// offered only where the server allows it, and the review queue's row after
// it; empty lists; the dossier's figures and their link; the decision's
// announcement; the import page's rejects, failures and recent imports.
// The scenarios run in order on one store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConsoleWatch, apiAs, apiGet, login, openPage, startStack, stopStack } from './harness.mjs';

let stack;
const watch = new ConsoleWatch();
const NEW_ID = 'I-2025-FORMS1';
const CYCLE = 2025;

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stopStack(stack);
});

// The values of the options of a select.
async function options(select) {
  return select.evaluate((el) => [...el.options].map((o) => o.value));
}

// Fills the incident form with a valid incident of SIT-QUE.
async function fillValid(page, id) {
  await page.getByLabel('Incident ID').fill(id);
  await page.getByLabel('Situation').selectOption('SIT-QUE');
  await page.getByLabel('Date', { exact: true }).fill('2025-08-20');
  await page.getByLabel('Place name').fill('Ostfen');
  await page.getByLabel('rape', { exact: true }).check();
  await page.getByLabel('women').fill('1');
  await page.getByLabel('Context').selectOption('attack');
  await page.getByLabel('Status').selectOption('under_verification');
  await page.getByLabel('Party', { exact: true }).selectOption('P-QRM');
}

test('the incident form marks every field the server requires, and says what is missing', { timeout: 45_000 }, async () => {
  const page = await openPage(stack, watch, 'form-required');
  await login(page, stack, 'mon');
  await page.goto(`${stack.base}/incidents/new`);
  await page.getByRole('heading', { name: 'Record an incident' }).waitFor();
  // What domain/json_codec.cc and validate.cc require of an incident.
  for (const label of ['Situation', 'Date', 'Place name', 'Context', 'Status', 'Party']) {
    const control = page.getByLabel(label, { exact: true });
    assert.equal(await control.evaluate((el) => el.required), true, `${label} is required`);
    const mark = page.locator(`label[for="${await control.getAttribute('id')}"] + .req`);
    assert.equal(await mark.textContent(), '*', `${label} shows the mark`);
    assert.equal(await mark.getAttribute('aria-hidden'), 'true', `${label}: the mark is not read as part of the name`);
  }
  // A new incident's ID is optional: the server gives the next number.
  for (const label of ['Incident ID', 'Region (admin 1)', 'Latitude', 'Longitude', 'Date precision', 'Narrative (confidential)']) {
    assert.equal(await page.getByLabel(label, { exact: true }).evaluate((el) => el.required), false, `${label} is optional`);
  }
  // The violations group says it is required in words a screen reader reads.
  const legend = page.locator('fieldset', { has: page.getByLabel('rape', { exact: true }) }).locator('legend');
  assert.match(await legend.textContent(), /Violations \*\s*\(required\)/);
  assert.match(await page.locator('form').textContent(), /Fields marked \* are required/);

  await page.getByRole('button', { name: 'Record incident' }).click();
  const errorOf = (label) => page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
  await errorOf('Place name').waitFor({ state: 'visible' });
  assert.match(await errorOf('Place name').textContent(), /place name/);
  assert.match(await errorOf('Context').textContent(), /context/);
  assert.equal(await page.getByLabel('Context').getAttribute('aria-invalid'), 'true');
  // The date control shows the date in the reader's format: the message
  // does not name another one.
  const dateError = await errorOf('Date').textContent();
  assert.match(dateError, /day, month and year/);
  assert.doesNotMatch(dateError, /YYYY|MM|DD/);
  // A perpetrator row needs its party; an incident needs no perpetrator
  // (the server records unattributed incidents).
  assert.match(await errorOf('Party').textContent(), /party/);
  await page.getByRole('button', { name: 'Remove perpetrator 1' }).click();
  await page.getByRole('button', { name: 'Record incident' }).click();
  await errorOf('Place name').waitFor({ state: 'visible' });
  const perps = page.locator('fieldset', { has: page.getByRole('button', { name: 'Add a perpetrator' }) });
  assert.equal(await perps.locator('.field-error:visible').count(), 0);
  await page.context().close();
});

test('the party list offers only the parties of the chosen situation', { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'form-parties');
  await login(page, stack, 'mon');
  await page.goto(`${stack.base}/incidents/new`);
  await page.getByRole('heading', { name: 'Record an incident' }).waitFor();
  const party = page.locator('.perp').nth(0).getByLabel('Party', { exact: true });
  assert.deepEqual(await options(party), ['']);
  assert.match(await party.textContent(), /Choose the situation first/);
  const registry = JSON.parse(await apiAs(stack, 'mon', '/parties')).items;
  const of = (sit) => registry.filter((p) => p.situation === sit).map((p) => p.id).sort();
  await page.getByLabel('Situation').selectOption('SIT-QUE');
  assert.deepEqual((await options(party)).filter(Boolean).sort(), of('SIT-QUE'));
  await party.selectOption('P-QRM');
  // A second row follows the situation too.
  await page.getByRole('button', { name: 'Add a perpetrator' }).click();
  const second = page.locator('.perp').nth(1).getByLabel('Party', { exact: true });
  assert.deepEqual((await options(second)).filter(Boolean).sort(), of('SIT-QUE'));
  // Another situation: its parties, and the choice of the other one is undone.
  await page.getByLabel('Situation').selectOption('SIT-VAL');
  assert.deepEqual((await options(party)).filter(Boolean).sort(), of('SIT-VAL'));
  assert.deepEqual((await options(second)).filter(Boolean).sort(), of('SIT-VAL'));
  assert.equal(await party.inputValue(), '');
  assert.ok(!(await options(party)).includes('P-QRM'));
  await page.context().close();
});

test('editing an incident keeps a party of another situation it already names', { timeout: 45_000 }, async () => {
  const bundle = {
    format: 'mara-bundle/1',
    incidents: [
      { id: 'I-FORMS-X', situation: 'SIT-QUE', date: '2025-07-01', date_precision: 'day', location: { name: 'Ostfen' }, violations: ['rape'], victims: { women: 1, girls: 0, men: 0, boys: 0, unknown: 0 }, context: 'attack', nexus: ['cross_border'], status: 'reported', perpetrators: [{ party: 'P-QRM', standard: 'credible_information' }, { party: 'P-NLF', standard: 'credible_information' }], sources: [] },
    ],
  };
  const f = path.join(stack.dir, 'forms-cross.json');
  fs.writeFileSync(f, JSON.stringify(bundle));
  const page = await openPage(stack, watch, 'form-cross');
  await login(page, stack, 'chief');
  await page.goto(`${stack.base}/import`);
  await page.getByLabel('File to import').setInputFiles(f);
  await page.getByLabel('Upload').getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('#status.status-success').waitFor();
  await page.goto(`${stack.base}/incidents/I-FORMS-X/edit`);
  await page.getByRole('heading', { name: 'Edit incident I-FORMS-X' }).waitFor();
  const first = page.locator('.perp').nth(0).getByLabel('Party', { exact: true });
  const second = page.locator('.perp').nth(1).getByLabel('Party', { exact: true });
  assert.equal(await first.inputValue(), 'P-QRM');
  assert.equal(await second.inputValue(), 'P-NLF');
  assert.match(await second.locator('option:checked').textContent(), /another situation/);
  assert.ok(!(await options(first)).includes('P-NLF'), 'only the row that names it offers it');
  await page.context().close();
});

test('refusals name the field by its label, without JSON pointers or API paths', { timeout: 60_000 }, async () => {
  const page = await openPage(stack, watch, 'form-messages');
  await login(page, stack, 'mon');
  await page.goto(`${stack.base}/incidents/new`);
  await page.getByRole('heading', { name: 'Record an incident' }).waitFor();
  await fillValid(page, NEW_ID);
  watch.allow(400);
  await page.getByLabel('girls').fill('-3');
  await page.getByRole('button', { name: 'Record incident' }).click();
  const girlsErr = page.locator('.field', { has: page.getByLabel('girls') }).locator('.field-error');
  await girlsErr.waitFor({ state: 'visible' });
  const text = await girlsErr.textContent();
  assert.match(text, /^Victims, girls: /);
  assert.match(text, /whole number/);
  assert.doesNotMatch(text, /\/victims|\/api\//);
  assert.equal(await page.getByLabel('girls').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#status').textContent(), /^Not saved: Victims, girls: /);
  watch.reset();
  await page.getByLabel('girls').fill('0');
  await page.getByRole('button', { name: 'Record incident' }).click();
  await page.getByRole('heading', { name: `Incident ${NEW_ID}`, exact: true }).waitFor();

  // The same ID again: the conflict says so in words beside the ID.
  await page.goto(`${stack.base}/incidents/new`);
  await page.getByRole('heading', { name: 'Record an incident' }).waitFor();
  await fillValid(page, NEW_ID);
  watch.allow(409);
  await page.getByRole('button', { name: 'Record incident' }).click();
  const idErr = page.locator('.field', { has: page.getByLabel('Incident ID') }).locator('.field-error');
  await idErr.waitFor({ state: 'visible' });
  const idText = await idErr.textContent();
  assert.match(idText, /^Incident ID: .*exists already/);
  assert.doesNotMatch(idText, /\/api\/|PUT|If-Match|\{id\}/);
  const status = await page.locator('#status').textContent();
  assert.doesNotMatch(status, /\/api\/|PUT|If-Match/);
  watch.reset();
  await page.context().close();
});

test('an incident recorded without an ID gets the next number of its year', { timeout: 45_000 }, async () => {
  const page = await openPage(stack, watch, 'form-generated-id');
  await login(page, stack, 'mon');
  const ids = [];
  for (let i = 0; i < 2; i++) {
    await page.goto(`${stack.base}/incidents/new`);
    await page.getByRole('heading', { name: 'Record an incident' }).waitFor();
    await fillValid(page, '');
    await page.getByRole('button', { name: 'Record incident' }).click();
    const heading = page.getByRole('heading', { name: /^Incident I-2025-\d{6}$/ });
    await heading.waitFor();
    ids.push((await heading.textContent()).replace('Incident ', ''));
  }
  const [first, second] = ids.map((id) => Number(id.slice('I-2025-'.length)));
  assert.equal(second, first + 1, ids.join(', '));
  assert.match(await page.locator('#status').textContent(), new RegExp(`Incident ${ids[1]} recorded`));
});

test('Verify is not offered on an incident one recorded, and is to another reviewer', { timeout: 45_000 }, async () => {
  const mine = await openPage(stack, watch, 'verify-own');
  await login(mine, stack, 'mon');
  await mine.goto(`${stack.base}/incidents/${NEW_ID}`);
  await mine.getByRole('heading', { name: `Incident ${NEW_ID}`, exact: true }).waitFor();
  await mine.getByRole('link', { name: 'Edit' }).waitFor();
  assert.equal(await mine.getByRole('button', { name: 'Verify' }).count(), 0);
  await mine.context().close();

  const other = await openPage(stack, watch, 'verify-other');
  await login(other, stack, 'rev');
  await other.goto(`${stack.base}/incidents/${NEW_ID}`);
  await other.getByRole('heading', { name: `Incident ${NEW_ID}`, exact: true }).waitFor();
  await other.getByRole('button', { name: 'Verify' }).waitFor();
  await other.context().close();
});

test("the review queue's row shows the new status after Verify", { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'review-row');
  await login(page, stack, 'rev');
  await page.getByRole('link', { name: 'Review queue' }).click();
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: NEW_ID, exact: true }) });
  const statusCell = row.getByRole('cell').nth(6);
  assert.equal((await statusCell.textContent()).trim(), 'under verification');
  await page.getByRole('button', { name: `Verify ${NEW_ID}` }).click();
  await page.locator('#status.status-success').waitFor();
  assert.equal((await statusCell.textContent()).trim(), 'verified');
  assert.equal(await row.getByRole('button').count(), 0);
  const r = await apiGet(page, `/incidents/${NEW_ID}`);
  assert.equal(r.body.status, 'verified');
  await page.context().close();
});

test('an empty incident list says so', { timeout: 30_000 }, async () => {
  const page = await openPage(stack, watch, 'empty-list');
  await login(page, stack, 'view');
  await page.goto(`${stack.base}/incidents?q=no-such-place-anywhere`);
  await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
  const count = await page.locator('p.count').textContent();
  assert.equal(count, 'No incidents match these filters.');
  assert.doesNotMatch(await page.locator('main').textContent(), /0–0|Nothing to show/);
  assert.equal((await page.locator('td.empty').textContent()).trim(), 'No incidents match these filters.');
  await page.context().close();
});

test("a dossier's figures agree with what they count, and See them lists exactly those incidents", { timeout: 45_000 }, async () => {
  const dossier = JSON.parse(await apiAs(stack, 'ana', `/parties/P-NLF/dossier?cycle=${CYCLE}`));
  const page = await openPage(stack, watch, 'dossier');
  await login(page, stack, 'ana');
  await page.goto(`${stack.base}/parties/P-NLF?cycle=${CYCLE}`);
  await page.getByRole('heading', { level: 1, name: 'Northern Liberation Front' }).waitFor();
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Verified incidents' }) });
  const sentence = await section.locator('p').first().textContent();
  const total = Number(/^(\d+) verified incidents? names?/.exec(sentence)?.[1]);
  const rows = section.locator('tbody tr');
  let sum = 0;
  for (let i = 0; i < (await rows.count()); i++) sum += Number(await rows.nth(i).locator('td').nth(1).textContent());
  assert.equal(sum, total, 'the sentence is the sum of the rows');
  assert.equal(sum, dossier.incidents.by_cycle.reduce((n, c) => n + c.count, 0));
  // The statement's count is said as what it is, beside the statement.
  const counted = await page.locator('p.counted').textContent();
  assert.match(counted, new RegExp(`^${dossier.incidents.counted} incidents? counts? for Northern Liberation Front in ${CYCLE}`));

  await section.getByRole('link', { name: 'See them' }).click();
  await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
  assert.match(await page.locator('p.count').textContent(), new RegExp(`of ${total} incidents$`));
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('party'), 'P-NLF');
  assert.equal(url.searchParams.get('status'), 'verified');
  const listed = JSON.parse(await apiAs(stack, 'ana', `/incidents?party=P-NLF&status=verified&limit=1000`));
  assert.equal(listed.total, total);
  await page.context().close();
});

test("a recorded decision is announced with the party's name", { timeout: 45_000 }, async () => {
  const assessment = JSON.parse(await apiAs(stack, 'dm', `/assessments/${CYCLE}`));
  const target = assessment.parties.find((p) => !p.decided) ?? assessment.parties[0];
  const page = await openPage(stack, watch, 'decision');
  await login(page, stack, 'dm');
  await page.goto(`${stack.base}/assessment?cycle=${CYCLE}`);
  await page.getByRole('heading', { name: 'Record a decision' }).waitFor();
  await page.getByLabel('Party', { exact: true }).selectOption(target.id);
  await page.getByLabel('Decided status').selectOption(target.status);
  await page.getByLabel('Rationale').fill('Confirmed in the forms test.');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await page.locator('#status.status-success').waitFor();
  const text = await page.locator('#status').textContent();
  assert.ok(text.startsWith(`Decision recorded: ${target.name}, `), text);
  assert.ok(!text.includes(target.id), `${text} names ${target.id}`);
  await page.context().close();
});

test('import lists each reject once, with its line and a plain reason, offers them as CSV, and refreshes the recent imports', { timeout: 60_000 }, async () => {
  const header = 'id,situation,date,location,violations,women,context,status,perpetrators';
  const csv = [
    header,
    'I-CSV-OK,SIT-VAL,2025-09-02,Korvane,rape,1,attack,reported,P-NLF:credible_information',
    'I-CSV-BAD,SIT-VAL,2025-09-03,Korvane,rape,-3,attack,reported,P-NLF:credible_information',
  ].join('\n');
  const f = path.join(stack.dir, 'forms-import.csv');
  fs.writeFileSync(f, `${csv}\n`);
  const page = await openPage(stack, watch, 'import-rejects');
  await login(page, stack, 'ana');
  await page.getByRole('link', { name: 'Import' }).click();
  await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
  const recent = page.locator('section', { has: page.getByRole('heading', { name: 'Recent imports' }) });
  assert.match(await recent.textContent(), /No imports yet/);
  await page.getByLabel('File to import').setInputFiles(f);
  await page.getByLabel(/Skip invalid records/).check();
  await page.getByLabel('Upload').getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('#status.status-success').waitFor();
  const rejects = page.getByRole('region', { name: 'Rejected records' });
  await rejects.waitFor();
  const rows = rejects.locator('tbody tr');
  assert.equal(await rows.count(), 1);
  const cells = rows.first().locator('td');
  // The line of the upload (header = line 1), once; the record's id; the reason in words.
  assert.equal(await cells.nth(0).textContent(), 'line 3');
  assert.equal(await cells.nth(1).textContent(), 'I-CSV-BAD');
  const reason = await cells.nth(2).textContent();
  assert.match(reason, /^women: enter a whole number, 0 or more/);
  assert.doesNotMatch(reason, /line \d|[{}]|"/);
  assert.doesNotMatch(await rejects.textContent(), /line 2/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the rejected records/ }).click()]);
  assert.equal(download.suggestedFilename(), 'forms-import.rejects.csv');
  const lines = fs.readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(lines[0], `${header},reject_where,reject_reason`);
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^I-CSV-BAD,SIT-VAL,.*,-3,.*,line 3,"women: enter a whole number, 0 or more \(not -3\)"$/);

  // The recent imports list this one without a reload.
  await recent.getByRole('cell', { name: 'forms-import.csv' }).waitFor();

  // A bundle's reject is named by its place in the file.
  const bundle = {
    format: 'mara-bundle/1',
    incidents: [
      { id: 'I-B-OK', situation: 'SIT-VAL', date: '2025-09-01', date_precision: 'day', location: { name: 'Korvane' }, violations: ['rape'], victims: { women: 1, girls: 0, men: 0, boys: 0, unknown: 0 }, context: 'attack', nexus: [], status: 'reported', perpetrators: [{ party: 'P-NLF', standard: 'credible_information' }], sources: [] },
      { id: 'I-B-BAD', situation: 'SIT-VAL', date: '2025-09-01', date_precision: 'day', location: { name: 'Korvane' }, violations: ['rape'], victims: { women: -1, girls: 0, men: 0, boys: 0, unknown: 0 }, context: 'attack', nexus: [], status: 'reported', perpetrators: [{ party: 'P-NLF', standard: 'credible_information' }], sources: [] },
    ],
  };
  const b = path.join(stack.dir, 'forms-bundle.json');
  fs.writeFileSync(b, JSON.stringify(bundle));
  await page.getByLabel('File to import').setInputFiles(b);
  await page.getByLabel('Upload').getByRole('button', { name: 'Import', exact: true }).click();
  await recent.getByRole('cell', { name: 'forms-bundle.json' }).waitFor();
  const brow = page.getByRole('region', { name: 'Rejected records' }).locator('tbody tr');
  assert.equal(await brow.count(), 1);
  assert.equal(await brow.first().locator('td').nth(0).textContent(), 'incident 2');
  assert.equal(await brow.first().locator('td').nth(1).textContent(), 'I-B-BAD');
  const breason = await brow.first().locator('td').nth(2).textContent();
  assert.doesNotMatch(breason, /\/incidents|\/victims|[{}]/);
  assert.match(breason, /women/);
  await page.context().close();
});

test('a failed import says why, with no progress figure', { timeout: 45_000 }, async () => {
  const bundle = {
    format: 'mara-bundle/1',
    incidents: [
      { id: 'I-F-BAD', situation: 'SIT-VAL', date: '2025-13-45', date_precision: 'day', location: { name: 'Korvane' }, violations: ['rape'], victims: { women: 1, girls: 0, men: 0, boys: 0, unknown: 0 }, context: 'attack', nexus: [], status: 'reported', perpetrators: [{ party: 'P-NLF', standard: 'credible_information' }], sources: [] },
    ],
  };
  const f = path.join(stack.dir, 'forms-failed.json');
  fs.writeFileSync(f, JSON.stringify(bundle));
  const page = await openPage(stack, watch, 'import-failed');
  await login(page, stack, 'ana');
  await page.goto(`${stack.base}/import`);
  await page.getByRole('heading', { level: 1, name: 'Import' }).waitFor();
  await page.getByLabel('File to import').setInputFiles(f);
  await page.getByLabel('Upload').getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('#status.status-error').waitFor();
  const job = page.locator('.job');
  await job.waitFor();
  assert.equal(await job.locator('progress').count(), 0);
  const text = await job.textContent();
  assert.match(text, /^The import of forms-failed\.json.* failed: /);
  assert.match(text, /Nothing was imported/);
  assert.doesNotMatch(text, /%|at file|\/incidents/);
  assert.match(await page.locator('#status').textContent(), /^Import failed: /);
  const recent = page.locator('section', { has: page.getByRole('heading', { name: 'Recent imports' }) });
  await recent.getByRole('cell', { name: 'forms-failed.json' }).waitFor();
  assert.match(await recent.textContent(), /failed/);
  await page.context().close();
});

test('no console error, uncaught exception or CSP violation on any page', () => {
  assert.deepEqual(watch.problems, []);
});

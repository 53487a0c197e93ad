// The OpenAPI document against a fresh `mara serve` with the demo data (see
// harness.mjs; no browser): the served document is valid OpenAPI 3.1
// (@seriousme/openapi-schema-validator), and every route, called as the
// roles that may and may not use it, with valid and invalid input, answers
// with a status the document lists and a body that its schema for that
// status and media type accepts (Ajv, JSON Schema 2020-12), errors as
// application/problem+json. A route of the document that no call reaches
// fails the test, so a new route needs its calls here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { SITUATIONS, mara, password, startStack, stopStack } from './harness.mjs';

let stack;
let doc;
let ajv;
const sessions = {};
// "METHOD pattern" -> statuses met.
const met = new Map();
// Answers whose body breaks its schema.
const broken = [];

before(async () => {
  stack = await startStack({ browser: false });
  const res = await fetch(`${stack.base}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  doc = await res.json();
  ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // The components as one schema resource whose refs point into its $defs.
  const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/'));
  ajv.addSchema({ $id: 'mara:components', $defs: defs });
});
after(async () => {
  await stopStack(stack);
});

function schemaValidator(schema) {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const v = ajv.getSchema(`mara:components#/$defs/${name}`);
    assert.ok(v, `no component schema ${name}`);
    return v;
  }
  return ajv.compile(schema);
}

// The route (pattern) a concrete path and method belong to.
function routeOf(method, path) {
  const bare = path.split('?')[0];
  for (const [pattern, ops] of Object.entries(doc.paths)) {
    if (!ops[method.toLowerCase()]) continue;
    const re = new RegExp(`^${pattern.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(bare)) return pattern;
  }
  return null;
}

// The answer checked against the document: its status listed for the
// route (or the route's default), its media type there, its body accepted
// by the schema. Returns the answer.
async function call(who, method, path, { body, raw, ifMatch, form, expect } = {}) {
  const headers = {};
  const s = who ? sessions[who] : null;
  if (s) {
    headers.Cookie = s.cookie;
    if (method !== 'GET') headers['X-CSRF-Token'] = s.csrf;
  }
  if (ifMatch) headers['If-Match'] = ifMatch;
  let payload;
  if (form) {
    payload = form;
  } else if (raw !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = raw;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const url = path.startsWith('/api/') || !path.startsWith('/') || path === '/healthz' || path === '/readyz' || path === '/metrics' ? path : `/api/v1${path}`;
  const res = await fetch(`${stack.base}${url}`, { method, headers, body: payload });
  const text = await res.text();
  const label = `${method} ${url} as ${who ?? 'anonymous'}`;
  if (expect !== undefined) assert.equal(res.status, expect, `${label}: ${res.status} ${text.slice(0, 300)}`);
  const pattern = routeOf(method, url);
  assert.ok(pattern, `${label}: no route of the document`);
  const key = `${method} ${pattern}`;
  if (!met.has(key)) met.set(key, new Set());
  met.get(key).add(res.status);
  const op = doc.paths[pattern][method.toLowerCase()];
  const documented = op.responses[String(res.status)] ?? op.responses.default;
  assert.ok(documented, `${label}: status ${res.status} is not documented`);
  let json;
  if (res.status !== 204 && res.status !== 304) {
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    assert.ok(documented.content, `${label}: ${res.status} documents no content but got ${type}`);
    if (res.status >= 400) assert.equal(type, 'application/problem+json', `${label}: ${text.slice(0, 200)}`);
    const bare = (t) => t.split(';')[0].trim();
    const exact = Object.entries(documented.content).find(([t]) => bare(t) === type)?.[1];
    const media = exact ?? documented.content['*/*'];
    assert.ok(media, `${label}: ${type} is not documented for ${res.status} (${Object.keys(documented.content)})`);
    // A file served as it is (*/*) has no schema to meet.
    if (exact && (type === 'application/json' || type === 'application/problem+json')) {
      json = JSON.parse(text);
      const validate = schemaValidator(media.schema);
      // Collected, so one run names every body that breaks its schema.
      if (!validate(json)) broken.push(`${label} ${res.status}: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
    }
  } else {
    assert.equal(text, '', `${label}: a ${res.status} with a body`);
  }
  return { status: res.status, json, text, headers: res.headers };
}

// A 400 problem naming the member at fault: `field` the pointer, the
// detail its plain name.
async function refused(who, method, path, body, pointer, words) {
  const r = await call(who, method, path, { body, expect: 400 });
  assert.equal(r.json.field, pointer, JSON.stringify(r.json));
  assert.match(r.json.detail, new RegExp(`field '${words}'`), JSON.stringify(r.json));
  return r;
}

async function logIn(name) {
  const r = await call(null, 'POST', '/session', { body: { name, password: password(name) }, expect: 201 });
  const res = await fetch(`${stack.base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password: password(name) }),
  });
  assert.equal(res.status, 201);
  sessions[name] = { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: (await res.json()).csrf_token };
  return r;
}

const etagOf = async (who, path) => (await call(who, 'GET', path, { expect: 200 })).headers.get('etag');

test('the served document is valid OpenAPI 3.1 and names a schema for every body', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
  for (const [pattern, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        assert.ok(media.schema.$ref, `${method} ${pattern}: the ${type} request body has no named schema`);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type === 'application/json' || type === 'application/problem+json') {
            assert.ok(media.schema?.$ref, `${method} ${pattern} ${status}: no named schema`);
            if (Number(status) >= 400 || status === 'default') assert.equal(type, 'application/problem+json');
          }
        }
      }
    }
  }
  // Every component schema compiles under JSON Schema 2020-12.
  for (const name of Object.keys(doc.components.schemas)) schemaValidator({ $ref: `#/components/schemas/${name}` });
});

test('every route answers as its schemas say, errors included', { timeout: 120_000 }, async () => {
  // Anonymous.
  await call(null, 'GET', '/openapi.json', { expect: 200 });
  await call(null, 'GET', '/healthz', { expect: 200 });
  await call(null, 'GET', '/readyz', { expect: 200 });
  await call(null, 'GET', '/session', { expect: 401 });
  await call(null, 'GET', '/situations', { expect: 401 });
  await refused(null, 'POST', '/session', { name: 'view', password: 5 }, '/password', 'password');
  await refused(null, 'POST', '/session', { name: 'view', password: 'x', remember: true }, '/remember', 'remember');
  await call(null, 'POST', '/session', { raw: '{"name":', expect: 400 });
  await call(null, 'POST', '/session', { body: { name: 'view', password: 'wrong-password' }, expect: 401 });
  // Testimony's consent is changed by an editor of every situation.
  const everywhere = SITUATIONS.flatMap((s) => ['--situation', s]);
  mara(stack.db, ['user', 'add', 'editor', '--password-stdin', '--role', 'monitor', ...everywhere], `${password('editor')}\n`);
  for (const name of ['view', 'mon', 'rev', 'ana', 'dm', 'adm', 'chief', 'editor']) await logIn(name);

  await call('view', 'GET', '/session', { expect: 200 });
  await call('adm', 'GET', '/metrics', { expect: 200 });
  await call('view', 'GET', '/metrics', { expect: 403 });

  // Tokens.
  await refused('view', 'POST', '/tokens', { days: 0 }, '/days', 'days');
  const token = await call('view', 'POST', '/tokens', { body: { days: 30 }, expect: 201 });
  await call('view', 'DELETE', `/tokens/${token.json.id}`, { expect: 204 });
  await call('view', 'DELETE', '/tokens/0000000000000000');

  // Reads, in the public edition (view) and the confidential one (chief).
  const reads = [
    '/situations', '/parties', '/parties?situation=SIT-VAL', '/parties/P-VAF', '/parties/P-VAF/dossier',
    '/sources', '/findings', '/findings?cycle=2025', '/commitments', '/decisions', '/decisions/P-NLF/2025',
    '/incidents', '/incidents?limit=5&offset=2', '/incidents/I-2022-001', '/incidents/I-2022-001/history',
    '/cases/P-VAF/2025', '/stats', '/reports/2025', '/reports/2025?format=html', '/reports/2025?format=csv',
    '/designations', '/statements', '/engagements', '/review-queue', '/petitions', '/imports',
    '/annex/2025', '/policies', '/dashboard', '/publications',
  ];
  for (const who of ['view', 'chief']) {
    for (const path of reads) await call(who, 'GET', path, { expect: 200 });
  }
  for (const path of ['/assessments/2025', '/consistency/2025', '/sensitivity/2025']) {
    await call('ana', 'GET', path, { expect: 200 });
    await call('view', 'GET', path, { expect: 403 });
  }
  await call('chief', 'GET', '/evidence', { expect: 200 });
  await call('view', 'GET', '/evidence', { expect: 403 });
  await call('adm', 'GET', '/audit?limit=5', { expect: 200 });
  await call('adm', 'GET', '/audit/verification', { expect: 200 });
  await call('view', 'GET', '/audit', { expect: 403 });
  await call('adm', 'GET', '/name-reviews?all=true', { expect: 200 });
  await call('adm', 'GET', '/name-reviews?all=maybe', { expect: 400 });
  await call('view', 'GET', '/parties/P-NOPE', { expect: 404 });
  await call('view', 'GET', '/decisions/P-NLF/12', { expect: 400 });
  await call('view', 'GET', '/decisions/P-NOPE/2025', { expect: 404 });
  await call('view', 'GET', '/incidents?limit=0', { expect: 400 });
  await call('view', 'GET', '/incidents?colour=red', { expect: 400 });
  await call('view', 'GET', '/incidents/I-NOPE', { expect: 404 });
  await call('view', 'GET', '/incidents/I-NOPE/history', { expect: 404 });
  await call('view', 'GET', '/cases/P-VAF/abc', { expect: 400 });
  await call('view', 'GET', '/cases/P-VAF/2025?format=html', { expect: 200 });
  await call('view', 'GET', '/cases/P-VAF/2025?format=pdf', { expect: 400 });
  await call('view', 'GET', '/imports/IMP-000000000000000000000000', { expect: 404 });
  await call('view', 'GET', '/annex/2025?policy=nope', { expect: 400 });

  // Decisions.
  await refused('dm', 'POST', '/decisions', { party: 'P-NLF', cycle: 'x', status: 'listed', rationale: 'r' }, '/cycle', 'cycle');
  await refused('dm', 'POST', '/decisions', { party: 'P-NLF', cycle: 2025, status: 'famous', rationale: 'r' }, '/status', 'status');
  await refused('dm', 'POST', '/decisions', { party: 'P-NLF', cycle: 2025, status: 'listed' }, '/rationale', 'rationale');
  const decision = { party: 'P-NLF', cycle: 2025, status: 'listed', rationale: 'The schema test.' };
  await call('view', 'POST', '/decisions', { body: decision, ifMatch: await etagOf('view', '/decisions/P-NLF/2025'), expect: 403 });
  await call('dm', 'POST', '/decisions', { body: decision, expect: 428 });
  await call('dm', 'POST', '/decisions', { body: decision, ifMatch: '"stale"', expect: 412 });
  await call('dm', 'POST', '/decisions', { body: decision, ifMatch: await etagOf('dm', '/decisions/P-NLF/2025'), expect: 200 });
  await call('dm', 'POST', '/decisions', { body: { ...decision, party: 'P-VAF', cycle: 2024 }, expect: 201 });

  // Incidents.
  const incident = {
    id: 'I-SCHEMA-1',
    situation: 'SIT-VAL',
    date: '2025-08-01',
    location: { name: 'Korvane' },
    violations: ['rape'],
    victims: { women: 1 },
    context: 'attack',
    nexus: ['perpetrator_affiliation'],
    status: 'reported',
    perpetrators: [{ party: 'P-VAF', standard: 'credible_information' }],
    sources: ['S-JMT-VAL'],
    consent: 'aggregate_reporting',
  };
  await refused('mon', 'POST', '/incidents', { ...incident, situation: undefined }, '/situation', 'situation');
  await refused('mon', 'POST', '/incidents', { ...incident, victims: { women: -1 } }, '/victims/women', 'victims, women');
  await refused('mon', 'POST', '/incidents', { ...incident, perpetrators: [{ party: 'P-VAF', standard: 'rumour' }] }, '/perpetrators/0/standard', 'perpetrator 1, standard');
  await refused('mon', 'POST', '/incidents', { ...incident, date: '2025-02-30' }, '/date', 'date');
  await call('view', 'POST', '/incidents', { body: incident, expect: 403 });
  await call('mon', 'POST', '/incidents', { body: incident, expect: 201 });
  await call('mon', 'POST', '/incidents', { body: incident, expect: 409 });
  // Without an id, Mara gives the next number of its year.
  const generated = await call('mon', 'POST', '/incidents', { body: { ...incident, id: undefined }, expect: 201 });
  assert.match(generated.json.id, /^I-\d{4}-\d{6}$/);
  const edited = { ...incident, location: { name: 'Korvane market', lat: null } };
  await refused('mon', 'PUT', '/incidents/I-SCHEMA-1', { ...incident, location: { name: 'Korvane', lat: 91 } }, '/location/lat', 'location, lat');
  await call('mon', 'PUT', '/incidents/I-SCHEMA-1', { body: edited, expect: 428 });
  await call('mon', 'PUT', '/incidents/I-SCHEMA-1', { body: edited, ifMatch: await etagOf('mon', '/incidents/I-SCHEMA-1'), expect: 200 });
  await call('mon', 'PUT', '/incidents/I-SCHEMA-2', { body: { ...incident, id: undefined }, expect: 201 });
  await refused('mon', 'PUT', '/incidents/I-2022-002/consent', { consent: 'everyone' }, '/consent', 'consent');
  await call('mon', 'PUT', '/incidents/I-2022-002/consent', { body: { consent: 'identified_sharing' }, ifMatch: await etagOf('mon', '/incidents/I-2022-002'), expect: 200 });
  // Withdrawn consent: the answer is the incident or, when its author may
  // no longer see it, its id and consent.
  await call('mon', 'PUT', '/incidents/I-SCHEMA-2/consent', { body: { consent: 'withdrawn' }, ifMatch: await etagOf('mon', '/incidents/I-SCHEMA-2'), expect: 200 });
  await refused('rev', 'POST', '/incidents/I-2022-003/return', {}, '/comment', 'comment');
  await call('rev', 'POST', '/incidents/I-2022-003/return', { body: { comment: 'Check the date.' }, expect: 200 });
  await refused('rev', 'POST', '/incidents/I-2025-005/verification', { verified_on: '2025-13-01' }, '/verified_on', 'verified on');
  await call('rev', 'POST', '/incidents/I-2025-005/verification', { body: {}, expect: 428 });
  await call('rev', 'POST', '/incidents/I-2025-005/verification', { body: {}, ifMatch: await etagOf('rev', '/incidents/I-2025-005'), expect: 200 });
  await call('chief', 'GET', '/incidents/I-2025-005/history', { expect: 200 });
  await call('view', 'GET', '/incidents/I-2025-005/history', { expect: 200 });
  await refused('mon', 'POST', '/incidents/I-2023-005/consent-restoration', { consent: 'aggregate_reporting' }, '/reason', 'reason');
  await call('mon', 'POST', '/incidents/I-2023-005/consent-restoration', { body: { consent: 'aggregate_reporting', reason: 'Consent given again.' }, expect: 200 });
  await refused('rev', 'PUT', '/sources/S-SURV-1/consent', { consent: 1 }, '/consent', 'consent');
  await call('rev', 'PUT', '/sources/S-SURV-1/consent', { body: { consent: 'internal_use' }, expect: 403 });
  await call('editor', 'PUT', '/sources/S-SURV-1/consent', { body: { consent: 'internal_use' }, expect: 200 });

  // Petitions and name reviews.
  await refused('dm', 'POST', '/petitions', { party: 'P-NLF', grounds: '' }, '/grounds', 'grounds');
  await refused('dm', 'POST', '/petitions', { party: 'P-NLF', grounds: 'g', cycle: 20 }, '/cycle', 'cycle');
  await call('view', 'POST', '/petitions', { body: { party: 'P-NLF', grounds: 'New material.' }, expect: 403 });
  await call('dm', 'POST', '/petitions', { body: { party: 'P-NLF', grounds: 'New material.', cycle: null, new_material: true }, expect: 201 });
  await refused('dm', 'POST', '/petitions/P-TDF~2025-12-01/ruling', { outcome: 'maybe', rationale: 'r' }, '/outcome', 'outcome');
  await call('dm', 'POST', '/petitions/P-TDF~2025-12-01/ruling', { body: { outcome: 'granted', rationale: 'The material holds.' }, expect: 200 });
  await call('dm', 'POST', '/petitions/nonsense/ruling', { body: { outcome: 'granted', rationale: 'r' }, expect: 400 });
  await refused('adm', 'POST', '/name-reviews/1/decision', { action: 'ignore' }, '/action', 'action');
  await call('adm', 'POST', '/name-reviews/999/decision', { body: { action: 'reject' }, expect: 404 });

  // Evidence (multipart) and its custody.
  const upload = new FormData();
  upload.append('file', new Blob(['bytes of a scan'], { type: 'text/plain' }), 'scan.txt');
  upload.append('incident', 'I-2022-001');
  upload.append('description', 'schema test');
  const evidence = await call('mon', 'POST', '/evidence', { form: upload, expect: 201 });
  await call('mon', 'GET', `/evidence/${evidence.json.id}/content`, { expect: 200 });
  await call('mon', 'GET', `/evidence/${evidence.json.id}/custody`, { expect: 200 });
  await call('mon', 'GET', '/evidence?incident=I-2022-001', { expect: 200 });
  await call('view', 'GET', `/evidence/${evidence.json.id}/custody`, { expect: 403 });
  const noFile = new FormData();
  noFile.append('incident', 'I-2022-001');
  const missing = await call('mon', 'POST', '/evidence', { form: noFile, expect: 400 });
  assert.equal(missing.json.field, 'file');
  assert.match(missing.json.detail, /field 'file'/);
  const badFormat = new FormData();
  badFormat.append('file', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
  badFormat.append('format', 'xlsx');
  const refusedFormat = await call('ana', 'POST', '/imports', { form: badFormat, expect: 400 });
  assert.equal(refusedFormat.json.field, 'format');

  // Imports (multipart, in the background): a bundle with a name awaiting
  // review, which is then decided.
  const pendingName = {
    format: 'mara-bundle/1',
    situations: [],
    name_reviews: [{ origin: 'acled', query: 'Kell Brigade Unit', provisional_party: 'P-KB', reason: 'below the threshold', status: 'pending', candidates: [] }],
  };
  const bundle = new FormData();
  bundle.append('file', new Blob([JSON.stringify(pendingName)], { type: 'application/json' }), 'names.json');
  const started = await call('ana', 'POST', '/imports', { form: bundle, expect: 202 });
  let job;
  for (let i = 0; i < 200; i++) {
    job = await call('ana', 'GET', `/imports/${started.json.id}`, { expect: 200 });
    if (job.json.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(job.json.state, 'done', JSON.stringify(job.json));
  await call('ana', 'GET', '/imports', { expect: 200 });
  const queue = await call('adm', 'GET', '/name-reviews', { expect: 200 });
  const entry = queue.json.items.find((e) => e.query === 'Kell Brigade Unit');
  assert.ok(entry, JSON.stringify(queue.json));
  // The schema admits it; the route's own rule refuses it.
  const targeted = await call('adm', 'POST', `/name-reviews/${entry.id}/decision`, { body: { action: 'reject', target: 'P-KB' }, expect: 400 });
  assert.equal(targeted.json.field, '/target');
  await call('adm', 'POST', `/name-reviews/${entry.id}/decision`, { body: { action: 'reject', note: 'Not the brigade.' }, expect: 200 });
  await call('adm', 'GET', '/name-reviews?all=true', { expect: 200 });

  // Publications: a request, the four-eyes refusal, a sign-off, the files.
  await refused('dm', 'POST', '/publications', { cycle: 12, rationale: 'r' }, '/cycle', 'cycle');
  await refused('dm', 'POST', '/publications', { cycle: 2025 }, '/rationale', 'rationale');
  await call('dm', 'POST', '/publications', { body: { cycle: 2025, rationale: 'The annex as reviewed.' }, expect: 201 });
  await call('dm', 'POST', '/publications', { body: { cycle: 2025, rationale: 'Again.' }, expect: 409 });
  await refused('chief', 'POST', '/publications/2025/signoff', { now: true }, '/now', 'now');
  await call('dm', 'POST', '/publications/2025/signoff', { body: {}, expect: 403 });
  const published = await call('chief', 'POST', '/publications/2025/signoff', { body: {}, expect: 200 });
  for (const f of published.json.files) await call('view', 'GET', f.href, { expect: 200 });
  await call('view', 'GET', '/publications/2025/1/files/nope.txt', { expect: 404 });
  for (const who of ['view', 'chief']) {
    await call(who, 'GET', '/publications', { expect: 200 });
    await call(who, 'GET', '/annex/2025', { expect: 200 });
    await call(who, 'GET', '/dashboard', { expect: 200 });
  }
  await call('adm', 'GET', '/audit?limit=1000', { expect: 200 });

  // Users and one's own account.
  await call('adm', 'GET', '/users', { expect: 200 });
  await call('view', 'GET', '/users', { expect: 403 });
  await refused('adm', 'POST', '/users', { name: 'schema-user', password: 12 }, '/password', 'password');
  await call('adm', 'POST', '/users', { body: { name: 'schema-user', roles: ['viewer'], situations: [], password: password('schema-user') }, expect: 201 });
  await logIn('schema-user');
  await call('schema-user', 'GET', '/tokens', { expect: 200 });
  await refused('schema-user', 'PUT', '/account/language', { language: 'de' }, '/language', 'language');
  await call('schema-user', 'PUT', '/account/language', { body: { language: 'fr' }, expect: 200 });
  await call('schema-user', 'PUT', '/account/language', { body: { language: null }, expect: 200 });
  await call('schema-user', 'PUT', '/account/password', { body: { current_password: password('schema-user'), new_password: 7 }, expect: 400 });
  await call('schema-user', 'PUT', '/account/password', { body: { current_password: password('schema-user'), new_password: `${password('schema-user')}-next` }, expect: 204 });
  await refused('adm', 'POST', '/users/schema-user/assignment', { action: 'maybe' }, '/action', 'action');
  await call('adm', 'POST', '/users/schema-user/assignment', { body: { action: 'grant', roles: ['reviewer'] }, expect: 200 });
  await refused('adm', 'PUT', '/users/schema-user/language', { language: 'xx' }, '/language', 'language');
  await call('adm', 'PUT', '/users/schema-user/language', { body: { language: 'zh' }, expect: 200 });
  await call('view', 'PUT', '/users/schema-user/language', { body: { language: 'ar' }, expect: 403 });
  await refused('adm', 'PUT', '/users/schema-user/disabled', { disabled: 'yes' }, '/disabled', 'disabled');
  await call('adm', 'PUT', '/users/schema-user/disabled', { body: { disabled: true }, expect: 200 });
  // The consent register and an evidence item's check (four eyes).
  await call('mon', 'GET', '/consent-register', { expect: 200 });
  await call('view', 'GET', '/consent-register', { expect: 403 });
  await call('mon', 'POST', `/evidence/${evidence.json.id}/verification`, { expect: 403 });
  await call('rev', 'POST', `/evidence/${evidence.json.id}/verification`, { expect: 200 });

  // The registry (analysts write; If-Match guards each change).
  const party = { id: 'P-SCHEMA', name: 'Schema Brigade', kind: 'non_state', situation: 'SIT-VAL', aliases: ['SB'] };
  await refused('ana', 'POST', '/parties', { ...party, kind: 'club' }, '/kind', 'kind');
  await call('view', 'POST', '/parties', { body: party, expect: 403 });
  await call('ana', 'POST', '/parties', { body: party, expect: 201 });
  await refused('ana', 'PUT', '/parties/P-SCHEMA', { ...party, aliases: 'SB' }, '/aliases', 'aliases');
  await call('ana', 'PUT', '/parties/P-SCHEMA', { body: { ...party, id: undefined, aliases: ['SB', 'Schema'] }, expect: 428 });
  await call('ana', 'PUT', '/parties/P-SCHEMA', { body: { ...party, id: undefined, aliases: ['SB', 'Schema'] }, ifMatch: await etagOf('ana', '/parties/P-SCHEMA'), expect: 200 });
  await refused('ana', 'POST', '/parties/P-SCHEMA/rename', { from: '2025-01-01' }, '/name', 'name');
  await call('ana', 'POST', '/parties/P-SCHEMA/rename', { body: { name: 'Schema Front', from: '2025-01-01' }, ifMatch: await etagOf('ana', '/parties/P-SCHEMA'), expect: 200 });
  for (const who of ['view', 'chief']) await call(who, 'GET', '/parties/P-SCHEMA/history', { expect: 200 });
  await call('view', 'GET', '/parties/P-NOPE/history', { expect: 404 });

  const source = { id: 'S-SCHEMA', kind: 'ngo', title: 'Schema notes', publisher: 'NGO', reliability: 'C', credibility: 3, confidential: false };
  await refused('ana', 'POST', '/sources', { ...source, reliability: 'Z' }, '/reliability', 'reliability');
  await call('ana', 'POST', '/sources', { body: source, expect: 201 });
  await call('ana', 'POST', '/sources', { body: source, expect: 409 });
  await refused('ana', 'PUT', '/sources/S-SCHEMA', { ...source, confidential: 'no' }, '/confidential', 'confidential');
  await call('ana', 'PUT', '/sources/S-SCHEMA', { body: { ...source, credibility: '2' }, ifMatch: await etagOf('ana', '/sources/S-SCHEMA'), expect: 200 });
  for (const who of ['view', 'chief']) {
    await call(who, 'GET', '/sources/S-SCHEMA', { expect: 200 });
    await call(who, 'GET', '/sources/S-SCHEMA/history', { expect: 200 });
  }

  const commitment = { id: 'C-SCHEMA', party: 'P-VAF', kind: 'action_plan', signed: '2025-01-15', measures: [{ id: 'M-1', text: 'Train every unit', status: 'in_progress' }] };
  await refused('ana', 'POST', '/commitments', { ...commitment, kind: 'promise' }, '/kind', 'kind');
  await call('ana', 'POST', '/commitments', { body: commitment, expect: 201 });
  await refused('ana', 'PUT', '/commitments/C-SCHEMA', { ...commitment, signed: 20250115 }, '/signed', 'signed');
  await call('ana', 'PUT', '/commitments/C-SCHEMA', { body: { ...commitment, signed: '2025-01-16' }, ifMatch: await etagOf('ana', '/commitments/C-SCHEMA'), expect: 200 });
  await refused('rev', 'POST', '/commitments/C-SCHEMA/measures/M-1/verification', { verified_on: 20250601 }, '/verified_on', 'verified on');
  await call('ana', 'POST', '/commitments/C-SCHEMA/measures/M-1/verification', { body: {}, ifMatch: await etagOf('ana', '/commitments/C-SCHEMA'), expect: 403 });
  await call('rev', 'POST', '/commitments/C-SCHEMA/measures/M-1/verification', { body: { verified_on: '2025-06-01' }, ifMatch: await etagOf('rev', '/commitments/C-SCHEMA'), expect: 200 });
  for (const who of ['view', 'chief']) {
    await call(who, 'GET', '/commitments/C-SCHEMA', { expect: 200 });
    await call(who, 'GET', '/commitments/C-SCHEMA/history', { expect: 200 });
  }

  const statement = { id: 'ST-SCHEMA', by: 'Ministry of Defence', date: '2025-05-03', kind: 'dispute', incidents: ['I-2022-001'], text: 'We dispute the account.' };
  await refused('ana', 'POST', '/statements', { ...statement, incidents: 'I-2022-001' }, '/incidents', 'incidents');
  await call('ana', 'POST', '/statements', { body: statement, expect: 201 });
  await refused('ana', 'PUT', '/statements/ST-SCHEMA', { ...statement, by: 5 }, '/by', 'by');
  await call('ana', 'PUT', '/statements/ST-SCHEMA', { body: { ...statement, text: 'We dispute it still.' }, ifMatch: await etagOf('ana', '/statements/ST-SCHEMA'), expect: 200 });
  for (const who of ['view', 'chief']) {
    await call(who, 'GET', '/statements/ST-SCHEMA', { expect: 200 });
    await call(who, 'GET', '/statements/ST-SCHEMA/history', { expect: 200 });
  }

  const designation = { party: 'P-VAF', authority: 'Schema Council', program: 'Schema list', kind: 'sanctions', listed_on: '2024-03-01' };
  const designated = '/designations/P-VAF/2024-03-01';
  const key = '?authority=Schema%20Council&program=Schema%20list';
  await refused('ana', 'POST', '/designations', { ...designation, kind: 'naughty' }, '/kind', 'kind');
  await call('ana', 'POST', '/designations', { body: designation, expect: 201 });
  await refused('ana', 'PUT', designated, { ...designation, ended_on: 1 }, '/ended_on', 'ended on');
  await call('ana', 'PUT', designated, { body: { ...designation, ended_on: '2025-06-01' }, ifMatch: await etagOf('ana', designated + key), expect: 200 });
  for (const who of ['view', 'chief']) {
    await call(who, 'GET', designated + key, { expect: 200 });
    await call(who, 'GET', `${designated}/history${key}`, { expect: 200 });
  }
  await call('view', 'GET', designated, { expect: 400 });

  const engagement = { party: 'P-VAF', date: '2025-04-17', kind: 'contact', note: 'Schema liaison meeting' };
  const engaged = '/engagements/P-VAF/2025-04-17/contact';
  await refused('ana', 'POST', '/engagements', { ...engagement, note: 7 }, '/note', 'note');
  await call('ana', 'POST', '/engagements', { body: engagement, expect: 201 });
  await refused('ana', 'PUT', engaged, { note: ['x'] }, '/note', 'note');
  await call('ana', 'PUT', engaged, { body: { note: 'Schema liaison, second meeting' }, ifMatch: await etagOf('ana', engaged), expect: 200 });
  for (const who of ['view', 'chief']) {
    await call(who, 'GET', engaged, { expect: 200 });
    await call(who, 'GET', `${engaged}/history`, { expect: 200 });
  }
  await call('view', 'GET', '/engagements/P-VAF/2025-04-17/gossip', { expect: 400 });

  // Communications from outside (multipart), their list, a ruling and the
  // private follow link (no login).
  const communication = (kind) => {
    const form = new FormData();
    form.append('kind', kind);
    form.append('submitter_kind', 'ngo');
    form.append('submitter', 'Schema Watch');
    form.append('text', 'Information for the schema test.');
    form.append('attachment', new Blob(['a report'], { type: 'text/plain' }), 'report.txt');
    return form;
  };
  const badKind = await call('view', 'POST', '/communications', { form: communication('rumour'), expect: 400 });
  assert.equal(badKind.json.field, 'kind');
  assert.match(badKind.json.detail, /field 'kind'/);
  const submitted = await call('view', 'POST', '/communications', { form: communication('information'), expect: 201 });
  assert.equal(submitted.json.attachments, 1);
  await call(null, 'GET', `/follow/${submitted.json.follow_token}`, { expect: 200 });
  await call(null, 'GET', `/follow/${'a'.repeat(64)}`, { expect: 404 });
  await call('dm', 'GET', '/communications', { expect: 200 });
  await call('dm', 'GET', `/communications/${submitted.json.id}/attachments/1`, { expect: 200 });
  await call('view', 'GET', `/communications/${submitted.json.id}/attachments/1`, { expect: 403 });
  await call('dm', 'GET', `/communications/${submitted.json.id}/attachments/2`, { expect: 404 });
  await call('view', 'GET', '/communications', { expect: 403 });
  await refused('dm', 'POST', `/communications/${submitted.json.id}/ruling`, { status: 'maybe' }, '/status', 'status');
  await call('view', 'POST', `/communications/${submitted.json.id}/ruling`, { body: { status: 'noted', reason: 'Thank you.' }, expect: 403 });
  await call('dm', 'POST', `/communications/${submitted.json.id}/ruling`, { body: { status: 'noted', reason: 'Thank you.' }, expect: 200 });
  await call(null, 'GET', `/follow/${submitted.json.follow_token}`, { expect: 200 });

  // Log out.
  await call('view', 'DELETE', '/session', { expect: 204 });
  await call('view', 'GET', '/situations', { expect: 401 });

  // Every route of the document was called, and every route with a JSON
  // body was also refused a body that breaks its schema.
  const missed = [];
  for (const [pattern, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method.toUpperCase()} ${pattern}`;
      const statuses = met.get(key);
      if (!statuses) missed.push(`${key}: never called`);
      else if (![...statuses].some((s) => s < 300)) missed.push(`${key}: never succeeded`);
      else if (op.requestBody && !statuses.has(400)) missed.push(`${key}: never refused a body`);
    }
  }
  assert.deepEqual(missed, []);
  assert.deepEqual(broken, []);
});

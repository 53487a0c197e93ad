// Test harness: a fresh store in a temporary directory (demo data with
// unique marker strings seeded into every confidential field, one user
// per role), `mara serve` on a free loopback port serving the browser
// application compiled into the binary (no --ui, no MARA_UI_DIR), and
// Debian's Chromium driven by playwright-core. stop() ends both, also
// after a failure.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const uiDir = path.resolve(here, '..');
export const repoDir = path.resolve(uiDir, '..');
// Screenshots go to a temporary directory unless MARA_UI_SCREENSHOTS names
// one (scripts/ui-test.sh --screenshots sets it to docs/screenshots), so an
// ordinary test run leaves the checked-in pictures alone.
export const screenshotDir = process.env.MARA_UI_SCREENSHOTS
  ? path.resolve(process.env.MARA_UI_SCREENSHOTS)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'mara-ui-shots-'));

export const maraBin = process.env.MARA_BIN ?? path.resolve(repoDir, process.env.MARA_BUILD_DIR ?? 'build', 'mara');

export const SITUATIONS = ['SIT-QUE', 'SIT-TAR', 'SIT-VAL'];
// name -> roles (every scoped role is assigned to every situation).
export const USERS = {
  mon: ['monitor', 'reviewer'], // may verify in general, but never what it wrote
  rev: ['reviewer'],
  ana: ['analyst'],
  dm: ['decision_maker'],
  view: ['viewer'],
  adm: ['admin'],
  chief: ['monitor', 'analyst', 'reviewer', 'decision_maker', 'admin'],
};
export const password = (name) => `pw-${name}-correct-horse`;

export function mara(db, args, input) {
  const r = spawnSync(maraBin, ['--db', db, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`mara ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// The demo bundle with a unique marker in every confidential field.
function seededBundle(marker) {
  const bundle = JSON.parse(fs.readFileSync(path.join(repoDir, 'examples', 'demo.json'), 'utf8'));
  let n = 0;
  const mark = () => `${marker}-${++n}`;
  for (const i of bundle.incidents) i.narrative = `${i.narrative ?? 'Account.'} ${mark()}`;
  for (const s of bundle.sources) {
    if (s.confidential || /testimony|medical/.test(s.kind)) s.title = `${s.title ?? 'Testimony'} ${mark()}`;
  }
  for (const d of bundle.decisions) d.rationale = `${d.rationale} ${mark()}`;
  for (const e of bundle.engagements) e.note = `${e.note ?? 'Note.'} ${mark()}`;
  for (const s of bundle.statements) s.text = `${s.text ?? 'Text.'} ${mark()}`;
  return bundle;
}

async function waitForUrl(child) {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`mara serve did not start: ${err}`)), 20_000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /(http:\/\/[0-9.]+:\d+)\/api\/v1/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`mara serve exited (${code}): ${err}`)));
  });
}

// index.html and one of its hashed assets come from the copy built into
// `mara`, with the cache rules of docs/api.md ("The browser application").
export async function checkEmbeddedApplication(base, log) {
  const hint = 'build mara with node (>= 18) and npm installed, e.g. bash scripts/build.sh mara';
  const probe = await fetch(`${base}/`);
  const type = probe.headers.get('content-type') ?? '';
  if (!probe.ok || !type.includes('text/html')) {
    throw new Error(`mara serve does not serve the application at /: ${probe.status} ${type} (${hint})`);
  }
  const index = await probe.text();
  const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
  if (!asset) throw new Error(`index.html names no /assets/*.js: ${index.slice(0, 300)}`);
  const res = await fetch(`${base}${asset}`);
  const body = await res.text();
  if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('text/javascript') || body.length === 0) {
    throw new Error(`mara serve does not serve ${asset}: ${res.status}`);
  }
  if (!(res.headers.get('cache-control') ?? '').includes('immutable')) {
    throw new Error(`${asset} is not cached as immutable: ${res.headers.get('cache-control')}`);
  }
  // Wait for the line saying where the application comes from.
  for (let i = 0; i < 50 && !/browser application/.test(log()); i++) await new Promise((r) => setTimeout(r, 20));
  const source = process.env.MARA_UI_TEST_DIST ? /serving the browser application from/ : /serving the browser application built into mara/;
  if (!source.test(log())) {
    throw new Error(`mara serve did not serve its built-in application: ${log()}`);
  }
}

// `browser: false` starts the store and the server only (tests of the
// HTTP API itself).
export async function startStack({ browser = true } = {}) {
  if (!fs.existsSync(maraBin)) throw new Error(`no mara binary at ${maraBin} (set MARA_BUILD_DIR)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mara-ui-'));
  const db = path.join(dir, 'mara.db');
  const marker = `CONFMARK${crypto.randomBytes(6).toString('hex')}`;
  mara(db, ['init']);
  const bundleFile = path.join(dir, 'seed.json');
  fs.writeFileSync(bundleFile, JSON.stringify(seededBundle(marker)));
  mara(db, ['import', bundleFile]);
  for (const [name, roles] of Object.entries(USERS)) {
    const args = ['user', 'add', name, '--password-stdin'];
    for (const r of roles) args.push('--role', r);
    if (roles.some((r) => r === 'monitor' || r === 'analyst' || r === 'reviewer')) for (const s of SITUATIONS) args.push('--situation', s);
    mara(db, args, `${password(name)}\n`);
  }
  // No --ui and no MARA_UI_DIR: the application is the copy built into the
  // binary, as on an office machine after the quick start.
  // MARA_UI_TEST_DIST (for working on the application only) serves a
  // directory built by `npm run build` instead, with the binary as it is.
  const args = ['--db', db, 'serve', '--bind', '127.0.0.1', '--port', '0'];
  if (process.env.MARA_UI_TEST_DIST) args.push('--ui', path.resolve(process.env.MARA_UI_TEST_DIST));
  const env = { ...process.env };
  delete env.MARA_UI_DIR;
  const child = spawn(maraBin, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let serveLog = '';
  child.stderr.on('data', (d) => (serveLog += d));
  const stack = { dir, db, marker, child, browser: null, base: '', serveLog: () => serveLog };
  try {
    stack.base = await waitForUrl(child);
    await checkEmbeddedApplication(stack.base, stack.serveLog);
    stack.servesUi = true;
    if (!browser) return stack;
    stack.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      // launch() gives Chromium a new empty --user-data-dir of its own
      // (it refuses one in args) and removes it on close.
    });
  } catch (e) {
    await stopStack(stack);
    throw e;
  }
  return stack;
}

export async function stopStack(stack) {
  if (!stack) return;
  await stack.browser?.close().catch(() => {});
  if (stack.child && stack.child.exitCode === null) {
    stack.child.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        stack.child.kill('SIGKILL');
        r();
      }, 3000);
      stack.child.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  if (!process.env.MARA_UI_KEEP) fs.rmSync(stack.dir, { recursive: true, force: true });
}

// Console errors, uncaught exceptions and CSP violations of every page,
// with the HTTP statuses a test declared it expects the page to meet.
export class ConsoleWatch {
  constructor() {
    this.problems = [];
    this.allowed = new Set();
  }
  allow(status) {
    this.allowed.add(status);
  }
  reset() {
    this.allowed.clear();
  }
  attach(page, label) {
    page.on('console', (msg) => {
      if (msg.type() !== 'error' && !/Content.Security.Policy/i.test(msg.text())) return;
      const m = /status of (\d{3})/.exec(msg.text());
      if (m && this.allowed.has(Number(m[1]))) return;
      this.problems.push(`${label}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.problems.push(`${label}: uncaught ${err.message}`));
    page.on('response', async (res) => {
      if (res.status() < 500) return;
      const body = await res.text().catch(() => '');
      this.problems.push(`${label}: ${res.status()} from ${res.request().method()} ${res.url()} ${body.slice(0, 300)}`);
    });
  }
}

export async function openPage(stack, watch, label, width = 1280) {
  const context = await stack.browser.newContext({ viewport: { width, height: width < 600 ? 844 : 860 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watch.attach(page, label);
  trackRequests(page);
  return page;
}

// The requests each tracked page has in flight, and when that number last
// changed: what quiet() waits on.
const inFlight = new WeakMap();

// Counts a page's requests from the browser's own events: one up when a
// request starts, one down when it finishes or fails (a redirect finishes
// its request and starts a new one).
export function trackRequests(page) {
  if (inFlight.has(page)) return;
  const state = { count: 0, changed: Date.now() };
  inFlight.set(page, state);
  const down = () => {
    state.count -= 1;
    state.changed = Date.now();
  };
  page.on('request', () => {
    state.count += 1;
    state.changed = Date.now();
  });
  page.on('requestfinished', down);
  page.on('requestfailed', down);
}

// Waits until the page has had no request in flight for `ms` milliseconds:
// Playwright's 'networkidle' with a window of `ms` instead of its fixed
// 500 ms. A page not tracked (not opened with openPage) waits for
// 'networkidle'.
export async function quiet(page, ms = 150) {
  const state = inFlight.get(page);
  if (!state) return page.waitForLoadState('networkidle');
  const deadline = Date.now() + 15_000;
  while (state.count > 0 || Date.now() - state.changed < ms) {
    if (Date.now() > deadline) throw new Error(`quiet: ${state.count} request(s) still in flight after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function login(page, stack, name) {
  await page.goto(`${stack.base}/login`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password(name));
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

// Runs `fetch` inside the page (its cookie session) and returns JSON.
export async function apiGet(page, pathAndQuery) {
  return page.evaluate(async (p) => {
    const r = await fetch(`/api/v1${p}`);
    return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() };
  }, pathAndQuery);
}

export async function hasApiRoute(stack, template) {
  const r = await fetch(`${stack.base}/api/v1/openapi.json`);
  const doc = await r.json();
  return Object.hasOwn(doc.paths, `/api/v1${template}`);
}

// GET as `name` outside the browser (cookie session); returns the body text.
export async function apiAs(stack, name, pathAndQuery) {
  const res = await fetch(`${stack.base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password: password(name) }),
  });
  if (!res.ok) throw new Error(`login as ${name}: ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const r = await fetch(`${stack.base}/api/v1${pathAndQuery}`, { headers: { Cookie: cookie } });
  if (!r.ok) throw new Error(`GET ${pathAndQuery} as ${name}: ${r.status}`);
  return r.text();
}

// The kind of an application path: segments that are lowercase words stay
// (`/incidents/new`, `/incidents/ID/edit`), the others are identifiers.
export function pageKind(pathname) {
  return pathname
    .split('/')
    .map((s) => (s === '' || /^[a-z-]+$/.test(s) ? s : ':id'))
    .join('/');
}

// The links of the banner (the main navigation, and the links beside the
// user's name), as paths, each once.
export async function navLinks(page) {
  const paths = await page.locator('header a[href]').evaluateAll((as) =>
    as.map((a) => new URL(a.href)).filter((u) => u.origin === location.origin && !u.pathname.startsWith('/api/')).map((u) => u.pathname),
  );
  return [...new Set(paths)];
}

// Links in the main region to other pages of the application (no API
// routes, no downloads, no other sites), as paths with their query.
export async function mainLinks(page) {
  return page.locator('main a[href]').evaluateAll((as) =>
    as
      .filter((a) => !a.hasAttribute('download') && !a.target)
      .map((a) => new URL(a.href))
      .filter((u) => u.origin === location.origin && !u.pathname.startsWith('/api/'))
      .map((u) => u.pathname + u.search),
  );
}

// Waits until the page has rendered: its heading shown, the shell no
// longer busy, no request in flight.
export async function settle(page) {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('main[aria-busy]') && !document.querySelector('main .loading'));
  await quiet(page);
}

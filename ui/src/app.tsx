// Application shell: landmarks, navigation by role, routing (preact-iso's
// location and route patterns), the live status region, and the shared
// reference data (situations, parties, cycles) that several pages use.
import { render as renderInto } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { LocationProvider, useLocation } from 'preact-iso';
import { exec } from 'preact-iso/router';
import { ApiError, get } from './api';
import { humanize } from './components/common';
import { LANGUAGES, formatNumber, language, onLanguageChange, setLanguage, t, type Language } from './i18n';
import { plainMessage } from './messages';
import type { PageContext, PageDef } from './page';
import { counts, onDraftsChange } from './offline/store';
import { hasRole, logout, me, saveLanguage, unreachable } from './session';

export interface Situation {
  id: string;
  name: string;
  on_council_agenda: boolean;
}
export interface Party {
  id: string;
  name: string;
  aliases?: string[];
  kind: string;
  situation: string;
  parent?: string;
  splinter_of?: string;
  names_over_time?: Array<{ name: string; from?: string; to?: string }>;
  children?: string[];
  splinters?: string[];
}
export interface Stats {
  incidents: { by_cycle: Record<string, number>; by_situation: Record<string, number> };
}

// A page module's export: a page definition (page.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyPage = PageDef<any>;

interface RouteDef {
  // A preact-iso pattern: `/incidents/:id/edit`.
  path: string;
  page: () => Promise<AnyPage>;
  roles?: string[];
}

const routes: RouteDef[] = [];
// Declares a page at `path`; routes are tried in the order declared.
// `roles`: the page is offered only to principals holding one of them (the
// API decides what each may do; this only spares a page of refusals).
export function route(path: string, page: () => Promise<AnyPage>, roles?: string[]): void {
  routes.push({ path, page, roles });
}

type StatusKind = 'info' | 'error' | 'success';
interface StatusLine {
  message: string;
  kind: StatusKind;
}

// The shell's state that modules outside components change: the status
// line, and a counter bumped by navigate() so that going to the same
// address loads the page again.
let setStatus: (s: StatusLine) => void = () => {};
let routeTo: (url: string, replace?: boolean) => void = () => {};
let bumpVisit: () => void = () => {};

// Announce a message politely to screen readers and show it in the banner.
export function announce(message: string, kind: StatusKind = 'info'): void {
  setStatus({ message, kind });
}

// A message for the next page (shown after a navigation the action causes).
let pendingFlash: StatusLine | null = null;
export function flash(message: string, kind: StatusKind = 'success'): void {
  pendingFlash = { message, kind };
}

// An error in words for people: a problem from the API with its field
// named in words and no API routes (messages.ts).
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return plainMessage(e.detail);
  if (e instanceof Error) return e.message;
  return String(e);
}

// Goes to `path` (and loads it again when it is the current address).
export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search) bumpVisit();
  else routeTo(path, replace);
}

// Situations, parties and cycles change rarely; cache them per login.
let situationsCache: Promise<Situation[]> | null = null;
let partiesCache: Promise<Party[]> | null = null;
let cyclesCache: Promise<number[]> | null = null;
export function situations(): Promise<Situation[]> {
  situationsCache ??= get<{ items: Situation[] }>('/situations').then((r) => r.items);
  return situationsCache;
}
export function parties(): Promise<Party[]> {
  partiesCache ??= get<{ items: Party[] }>('/parties').then((r) => r.items);
  return partiesCache;
}
export function cycles(): Promise<number[]> {
  cyclesCache ??= get<Stats>('/stats').then((s) =>
    Object.keys(s.incidents.by_cycle)
      .map(Number)
      .sort((a, b) => a - b),
  );
  return cyclesCache;
}
export function resetCaches(): void {
  situationsCache = partiesCache = cyclesCache = null;
}

export async function partyName(id: string): Promise<string> {
  const p = (await parties()).find((x) => x.id === id);
  return p ? p.name : id;
}

// [address, message key of its link, roles offered it (null: everyone)]
const navItems: Array<[string, string, string[] | null]> = [
  ['/', 'shell.nav.dashboard', null],
  ['/incidents', 'shell.nav.incidents', null],
  ['/review', 'shell.nav.review', ['reviewer']],
  ['/parties', 'shell.nav.parties', null],
  ['/registry', 'shell.nav.registry', ['analyst', 'admin', 'reviewer']],
  ['/petitions', 'shell.nav.petitions', null],
  ['/communications', 'shell.nav.communications', null],
  ['/assessment', 'shell.nav.assessment', ['analyst', 'decision_maker', 'admin']],
  ['/reports', 'shell.nav.reports', null],
  ['/publications', 'shell.nav.publications', null],
  ['/evidence', 'shell.nav.evidence', ['monitor', 'analyst', 'reviewer', 'decision_maker', 'admin']],
  ['/consent', 'shell.nav.consent', ['monitor']],
  ['/outbox', 'shell.nav.outbox', ['monitor']],
  ['/import', 'shell.nav.import', ['analyst', 'admin']],
  ['/names', 'shell.nav.names', ['analyst', 'admin']],
  ['/users', 'shell.nav.users', ['admin']],
  ['/audit', 'shell.nav.audit', ['admin']],
  ['/account', 'shell.nav.account', null],
];

// The pages that work with no connection (the offline drafts), shown
// without a session when the server cannot be reached.
export function offlinePath(path: string): boolean {
  return path === '/outbox' || path.startsWith('/outbox/');
}

// The number of offline drafts not yet sent (IndexedDB), kept current.
function useOutboxCount(): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    const update = () =>
      void counts()
        .then((c) => setN(c.waiting + c.sending + c.failed + c.conflict))
        .catch(() => setN(0));
    update();
    return onDraftsChange(update);
  }, []);
  return n;
}

function MainNav({ path }: { path: string }) {
  const outbox = useOutboxCount();
  const offline = !me() && unreachable();
  if (!me() && !offline) return <nav aria-label={t('shell.mainNav')} class="mainnav" />;
  return (
    <nav aria-label={t('shell.mainNav')} class="mainnav">
      <ul>
        {navItems
          .filter(([href, , roles]) => (offline ? offlinePath(href) : !roles || hasRole(...roles)))
          .map(([href, key]) => {
            const active = href === '/' ? path === '/' : path.startsWith(href);
            return (
              <li key={href}>
                <a href={href} aria-current={active ? 'page' : undefined}>
                  {t(key)}
                  {href === '/outbox' && outbox > 0 ? (
                    <>
                      {' '}
                      <span class="badge outbox-count">{formatNumber(outbox)}</span>
                    </>
                  ) : null}
                </a>
              </li>
            );
          })}
      </ul>
    </nav>
  );
}

function UserBox() {
  const who = me();
  if (!who) return <div class="user" />;
  return (
    <div class="user">
      <span class="who">{t('shell.who', { name: who.name, roles: who.roles.map((r) => humanize(r)).join(', ') })}</span>
      <button
        type="button"
        class="secondary"
        onClick={async () => {
          await logout();
          resetCaches();
          navigate('/login');
        }}
      >
        {t('shell.logout')}
      </button>
    </div>
  );
}

// The menu of the six languages, each named in itself; the choice is kept
// in this browser (i18n.ts) and, when someone is logged in, saved on their
// account, so that it follows them to another browser and words what the
// server writes for them (reports, problems).
async function chooseLanguage(lang: Language): Promise<void> {
  await setLanguage(lang, true);
  try {
    await saveLanguage(lang);
  } catch (e) {
    announce(t('shell.languageNotSaved', { error: errorText(e) }), 'error');
  }
}

function LanguageMenu() {
  return (
    <div class="language">
      <label for="language-menu">{t('shell.language')}</label>
      <select
        id="language-menu"
        onChange={(ev) => void chooseLanguage((ev.currentTarget as HTMLSelectElement).value as Language)}
      >
        {LANGUAGES.map((l) => (
          <option value={l.code} lang={l.code} selected={l.code === language()} key={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}

// What the main region shows: a page's view with its data, or a message.
type Shown =
  | { kind: 'loading' }
  | { kind: 'page'; page: AnyPage; data: unknown; ctx: PageContext; key: number }
  | { kind: 'message'; title: string; body: preact.ComponentChildren };

let firstRender = true;

// Loads the page for the current address and shows it. A newer visit
// supersedes an older one still loading.
function Main({ path, search, visit }: { path: string; search: string; visit: number }) {
  const [shown, setShown] = useState<Shown>({ kind: 'loading' });
  const mainRef = useRef<HTMLElement>(null);
  const seq = useRef(0);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const mine = ++seq.current;
    const current = () => mine === seq.current;
    const params = new URLSearchParams(search);
    // With the server out of reach, the offline drafts are what works; they
    // need no session (the passphrase guards them).
    const offline = !me() && offlinePath(path);
    if (!me() && unreachable() && !offline && path !== '/follow') {
      routeTo('/outbox', true);
      return;
    }
    // The private follow page of a communication needs no login: its link is
    // the credential.
    if (!me() && !offline && path !== '/login' && path !== '/follow') {
      const next = path + search;
      routeTo(`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, true);
      return;
    }
    for (const r of routes) {
      const m = exec(path, r.path);
      if (!m) continue;
      if (r.roles && !hasRole(...r.roles) && !offline) {
        setShown({ kind: 'message', title: t('shell.notAvailable'), body: <p>{t('shell.notAvailableBody')}</p> });
        return;
      }
      setShown({ kind: 'loading' });
      void (async () => {
        try {
          const page = await r.page();
          const ctx: PageContext = { params, route: { ...(m.params as Record<string, string>) }, reload: () => setReloads((n) => n + 1) };
          const data = await page.load(ctx);
          if (current()) setShown({ kind: 'page', page, data, ctx, key: mine });
        } catch (e) {
          if (!current()) return;
          if (e instanceof ApiError && e.status === 401) {
            routeTo('/login', true);
            return;
          }
          setShown({ kind: 'message', title: t('shell.failed'), body: <p class="error">{errorText(e)}</p> });
          announce(errorText(e), 'error');
        }
      })();
      return;
    }
    setShown({
      kind: 'message',
      title: t('shell.notFound'),
      body: (
        <p>
          <a href="/">{t('shell.toDashboard')}</a>
        </p>
      ),
    });
  }, [path, search, visit, reloads]);

  // Once a page (or message) is shown: title the document after its
  // heading and, after the first page, move focus there. The first page
  // keeps focus where the browser put it (the skip link comes first).
  useLayoutEffect(() => {
    if (shown.kind === 'loading') return;
    const h1 = mainRef.current?.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      document.title = t('shell.documentTitle', { page: h1.textContent ?? '' });
      if (!firstRender) h1.focus();
    }
    firstRender = false;
  }, [shown]);

  let content: preact.ComponentChildren;
  if (shown.kind === 'loading') content = <p class="loading">{t('shell.loading')}</p>;
  else if (shown.kind === 'message')
    content = (
      <>
        <h1 tabindex={-1}>{shown.title}</h1>
        {shown.body}
      </>
    );
  else {
    const View = shown.page.View;
    content = (
      <div class="page" key={shown.key}>
        <View data={shown.data} ctx={shown.ctx} />
      </div>
    );
  }
  return (
    <main id="main" tabindex={-1} ref={mainRef} aria-busy={shown.kind === 'loading' ? 'true' : undefined}>
      {content}
    </main>
  );
}

function Shell() {
  const loc = useLocation();
  const [status, setStatusState] = useState<StatusLine>({ message: '', kind: 'info' });
  const [visit, setVisit] = useState(0);
  // A change of language renders everything again, the page loaded anew.
  const [lang, setLang] = useState(language());
  useEffect(() => onLanguageChange(() => setLang(language())), []);
  routeTo = loc.route;
  setStatus = setStatusState;
  bumpVisit = () => setVisit((n) => n + 1);
  const search = loc.url.includes('?') ? loc.url.slice(loc.url.indexOf('?')) : '';

  // Each visit starts with the message the previous action left, or none.
  useLayoutEffect(() => {
    setStatusState(pendingFlash ?? { message: '', kind: 'info' });
    pendingFlash = null;
  }, [loc.url, visit]);

  return (
    <>
      <header class="banner">
        <div class="brand">
          <a href="/" class="logo">
            Mara
          </a>
        </div>
        <MainNav path={loc.path} />
        <UserBox />
        <LanguageMenu />
      </header>
      <div class={`status status-${status.kind}`} role="status" aria-live="polite" id="status" hidden={status.message === ''}>
        {status.message}
      </div>
      <Main path={loc.path} search={search} visit={visit} key={lang} />
      <footer class="foot">{t('shell.footer')}</footer>
    </>
  );
}

// Renders the application into `root`. Links to the application's own
// pages navigate in place; links to the API (downloads) and links with a
// target or `download` are left to the browser.
export function mount(root: HTMLElement): void {
  renderInto(
    <LocationProvider scope={/^\/(?!api\/)/}>
      <Shell />
    </LocationProvider>,
    root,
  );
}


// Application shell: landmarks, navigation by role, history routing, the
// live status region, and the shared reference data (situations, parties,
// cycles) that several pages use.
import { ApiError, get } from './api';
import { clear, h, setTableAnnouncer } from './dom';
import { plainMessage } from './messages';
import { hasRole, logout, me } from './session';

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

export type Page = (main: HTMLElement, params: URLSearchParams, match: string[]) => Promise<void> | void;
interface RouteDef {
  pattern: RegExp;
  page: () => Promise<Page>;
  roles?: string[];
}

const routes: RouteDef[] = [];
export function route(pattern: RegExp, page: () => Promise<Page>, roles?: string[]): void {
  routes.push({ pattern, page, roles });
}

let mainEl: HTMLElement;
let statusEl: HTMLElement;
let navEl: HTMLElement;
let userEl: HTMLElement;

// Announce a message politely to screen readers and show it in the banner.
export function announce(message: string, kind: 'info' | 'error' | 'success' = 'info'): void {
  statusEl.className = `status status-${kind}`;
  statusEl.textContent = message;
  statusEl.hidden = message === '';
}

// A message for the next page (shown after a navigation the action causes).
let pendingFlash: [string, 'info' | 'error' | 'success'] | null = null;
export function flash(message: string, kind: 'info' | 'error' | 'success' = 'success'): void {
  pendingFlash = [message, kind];
}

// An error in words for people: a problem from the API with its field
// named in words and no API routes (messages.ts).
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return plainMessage(e.detail);
  if (e instanceof Error) return e.message;
  return String(e);
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
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

export function link(path: string, text: string, attrs: Record<string, unknown> = {}): HTMLAnchorElement {
  return h('a', { href: path, ...attrs }, text);
}

const navItems: Array<[string, string, string[] | null]> = [
  ['/', 'Dashboard', null],
  ['/incidents', 'Incidents', null],
  ['/review', 'Review queue', ['reviewer']],
  ['/parties', 'Parties', null],
  ['/registry', 'Registry', ['analyst', 'admin', 'reviewer']],
  ['/petitions', 'Petitions', null],
  ['/communications', 'Communications', null],
  ['/assessment', 'Assessment', ['analyst', 'decision_maker', 'admin']],
  ['/reports', 'Annex and reports', null],
  ['/publications', 'Publications', null],
  ['/evidence', 'Evidence', ['monitor', 'analyst', 'reviewer', 'decision_maker', 'admin']],
  ['/consent', 'Consent', ['monitor']],
  ['/import', 'Import', ['analyst', 'admin']],
  ['/names', 'Name review', ['analyst', 'admin']],
  ['/users', 'Users', ['admin']],
  ['/audit', 'Audit', ['admin']],
  ['/account', 'My account', null],
];

function renderChrome(path: string): void {
  const who = me();
  clear(
    navEl,
    who
      ? h(
          'ul',
          null,
          navItems
            .filter(([, , roles]) => !roles || hasRole(...roles))
            .map(([href, text]) => {
              const active = href === '/' ? path === '/' : path.startsWith(href);
              return h('li', null, h('a', { href, 'aria-current': active ? 'page' : undefined }, text));
            }),
        )
      : null,
  );
  clear(
    userEl,
    who
      ? [
          h('span', { class: 'who' }, `${who.name} (${who.roles.map((r) => r.replace('_', ' ')).join(', ')})`),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: async () => {
                await logout();
                resetCaches();
                navigate('/login');
              },
            },
            'Log out',
          ),
        ]
      : null,
  );
}

let renderSeq = 0;
export async function render(): Promise<void> {
  const seq = ++renderSeq;
  const path = location.pathname;
  const params = new URLSearchParams(location.search);
  // The private follow page of a communication needs no login: its link is
  // the credential.
  if (!me() && path !== '/login' && path !== '/follow') {
    const next = path + location.search;
    history.replaceState(null, '', `/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`);
    return render();
  }
  renderChrome(path);
  if (pendingFlash) announce(...pendingFlash);
  else announce('');
  pendingFlash = null;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.roles && !hasRole(...r.roles)) {
      clear(mainEl, h('h1', { tabindex: '-1' }, 'Not available'), h('p', null, 'Your roles do not give access to this page.'));
      focusHeading();
      return;
    }
    clear(mainEl, h('p', { class: 'loading' }, 'Loading…'));
    mainEl.setAttribute('aria-busy', 'true');
    try {
      const page = await r.page();
      if (seq !== renderSeq) return;
      const fresh = h('div', { class: 'page' });
      await page(fresh, params, m.slice(1).map(decodeURIComponent));
      if (seq !== renderSeq) return;
      clear(mainEl, fresh);
      focusHeading();
    } catch (e) {
      if (seq !== renderSeq) return;
      if (e instanceof ApiError && e.status === 401) {
        navigate('/login', true);
        return;
      }
      clear(mainEl, h('h1', { tabindex: '-1' }, 'Something went wrong'), h('p', { class: 'error' }, errorText(e)));
      announce(errorText(e), 'error');
    } finally {
      mainEl.removeAttribute('aria-busy');
    }
    return;
  }
  clear(mainEl, h('h1', { tabindex: '-1' }, 'Page not found'), h('p', null, link('/', 'Go to the dashboard')));
  focusHeading();
}

let firstRender = true;
function focusHeading(): void {
  const h1 = mainEl.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    document.title = `${h1.textContent} · Mara`;
    // The first page keeps focus where the browser put it (the skip link
    // comes first); later navigations move focus to the new heading.
    if (!firstRender) h1.focus();
  }
  firstRender = false;
}

export function mount(root: HTMLElement): void {
  statusEl = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'status', hidden: true });
  navEl = h('nav', { 'aria-label': 'Main', class: 'mainnav' });
  userEl = h('div', { class: 'user' });
  mainEl = h('main', { id: 'main', tabindex: '-1' });
  setTableAnnouncer((message) => announce(message));
  root.append(
    h(
      'header',
      { class: 'banner' },
      h('div', { class: 'brand' }, h('a', { href: '/', class: 'logo' }, 'Mara')),
      navEl,
      userEl,
    ),
    statusEl,
    mainEl,
    h('footer', { class: 'foot' }, 'Mara · monitoring and reporting on conflict-related sexual violence'),
  );
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element | null)?.closest?.('a');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('/api/') || a.hasAttribute('download') || a.target) return;
    ev.preventDefault();
    navigate(href);
  });
  window.addEventListener('popstate', () => void render());
}

// The logged-in principal and what the interface offers it. The API is the
// authority on every permission; these checks only hide controls that
// would be refused.
import { ApiError, call, get, setCsrf } from './api';
import { LANGUAGES, language, setLanguage, type Language } from './i18n';

export interface Me {
  name: string;
  roles: string[];
  situations: string[];
  // The language saved on the account (null: none), which the application
  // adopts when the principal logs in or opens it logged in.
  language?: Language | null;
  csrf_token: string;
}

let current: Me | null = null;

export function me(): Me | null {
  return current;
}

export function hasRole(...roles: string[]): boolean {
  return !!current && roles.some((r) => current!.roles.includes(r));
}

// Viewers read the public edition only; every other role reads the
// confidential record (in its situations).
export function readsConfidential(): boolean {
  return hasRole('monitor', 'analyst', 'reviewer', 'decision_maker', 'admin');
}

// A hint (not a secret: the cookie is HttpOnly) that this browser logged
// in, so that a fresh visit goes to the login page without asking the API
// (and logging a 401).
const HINT = 'mara.logged-in';
function hint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    // Storage disabled: every visit asks the API.
  }
}
function hinted(): boolean {
  try {
    return localStorage.getItem(HINT) !== '0' && localStorage.getItem(HINT) !== null;
  } catch {
    return true;
  }
}

// Whether the last look at the session failed for want of a network (the
// server unreachable): the offline drafts stay open then, and the hint is kept.
let serverUnreachable = false;
export function unreachable(): boolean {
  return serverUnreachable;
}

export async function loadSession(force = false): Promise<Me | null> {
  if (!force && !hinted()) return (current = null);
  try {
    current = await get<Me>('/session');
    setCsrf(current.csrf_token);
    serverUnreachable = false;
    hint(true);
  } catch (e) {
    current = null;
    serverUnreachable = !(e instanceof ApiError);
    if (!serverUnreachable) hint(false);
  }
  return current;
}

// The language saved on the account becomes the page's (and this
// browser's) when it is another one; nothing changes without one.
export async function adoptSavedLanguage(): Promise<void> {
  const saved = current?.language;
  if (!saved || !LANGUAGES.some((l) => l.code === saved) || saved === language()) return;
  await setLanguage(saved, true);
}

// Saves `lang` on the account of the principal logged in (nothing when
// nobody is); the page's language is set by the caller.
export async function saveLanguage(lang: Language): Promise<void> {
  if (!current || current.language === lang) return;
  const reply = await call<{ language: Language | null }>('PUT', '/account/language', { language: lang });
  if (current) current.language = reply.data.language;
}

export async function login(name: string, password: string): Promise<Me | null> {
  const reply = await call<{ csrf_token: string }>('POST', '/session', { name, password });
  setCsrf(reply.data.csrf_token);
  const who = await loadSession(true);
  await adoptSavedLanguage();
  return who;
}

// Forgets the login here without asking the server (which has ended it
// already, as after a password change).
export function forget(): void {
  current = null;
  setCsrf('');
  hint(false);
}

export async function logout(): Promise<void> {
  try {
    await call('DELETE', '/session');
  } finally {
    current = null;
    setCsrf('');
    hint(false);
  }
}

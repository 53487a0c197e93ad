// The application's languages and messages.
//
// Every text the application shows comes from a message catalogue:
// src/locales/<namespace>/<language>.json, flat objects of ICU
// MessageFormat messages (intl-messageformat: plurals, numbers and dates by
// the language's rules). `t('namespace.key', values)` gives the message in
// the chosen language. English is in the first chunk; another language is
// one chunk (the `virtual:locale/<language>` module that vite.config.mjs
// makes), loaded when it is chosen. tests/i18n_catalog.test.mjs fails when
// a catalogue lacks a key of the English one, holds one the code never
// uses, or a message does not parse.
//
// The language is the reader's choice (the banner's menu, kept in this
// browser), else the first of the browser's languages (its Accept-Language)
// that Mara has, else English. It sets `lang` and `dir` on the document;
// Arabic is laid out right to left. Names and other values put into a
// message are isolated (U+2068 … U+2069) whenever the page is right to left
// or the value holds right-to-left text, so that a Latin name in Arabic
// text, or an Arabic name in English text, keeps its order.
import { IntlMessageFormat } from 'intl-messageformat';
import en from 'virtual:locale/en';

export type Language = 'ar' | 'en' | 'es' | 'fr' | 'ru' | 'zh';

// The six languages, each named in itself, in the order of the menu.
export const LANGUAGES: ReadonlyArray<{ code: Language; name: string; dir: 'ltr' | 'rtl' }> = [
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'zh', name: '中文', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'ru', name: 'Русский', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
];

const loaders: Record<Exclude<Language, 'en'>, () => Promise<{ default: Record<string, string> }>> = {
  ar: () => import('virtual:locale/ar'),
  es: () => import('virtual:locale/es'),
  fr: () => import('virtual:locale/fr'),
  ru: () => import('virtual:locale/ru'),
  zh: () => import('virtual:locale/zh'),
};

const STORAGE_KEY = 'mara.language';
let current: Language = 'en';
let messages: Record<string, string> = en;
const compiled = new Map<string, IntlMessageFormat>();
const listeners = new Set<() => void>();

function isLanguage(s: string | null | undefined): s is Language {
  return !!s && LANGUAGES.some((l) => l.code === s);
}

// The language the reader chose in this browser, else the first of the
// browser's languages that Mara has ("fr-CA" gives "fr"), else English.
export function preferredLanguage(): Language {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export function language(): Language {
  return current;
}

export function direction(): 'ltr' | 'rtl' {
  return LANGUAGES.find((l) => l.code === current)?.dir ?? 'ltr';
}

// Loads `lang`'s messages and makes it the page's language (`lang`, `dir`).
// `remember`: keep the choice in this browser. Listeners (the shell) are
// told, so that everything shown is rendered again.
export async function setLanguage(lang: Language, remember = false): Promise<void> {
  const next = lang === 'en' ? en : (await loaders[lang]()).default;
  current = lang;
  messages = next;
  compiled.clear();
  document.documentElement.lang = lang;
  document.documentElement.dir = direction();
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // A browser that keeps nothing still shows the language chosen now.
    }
  }
  for (const listener of listeners) listener();
}

// Calls `listener` after every change of language; returns its removal.
export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const RTL_TEXT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
const FSI = '\u2068';
const PDI = '\u2069';

// `value` isolated from the text around it when either may run right to left.
export function isolate(value: string): string {
  return direction() === 'rtl' || RTL_TEXT.test(value) ? `${FSI}${value}${PDI}` : value;
}

export type MessageValues = Record<string, string | number | Date>;

// The message `key` in the current language with `values` put in (strings
// isolated: isolate()). A key missing from the catalogue gives the key
// itself, which the catalogue test keeps from ever shipping.
export function t(key: string, values: MessageValues = {}): string {
  let format = compiled.get(key);
  if (!format) {
    const text = messages[key] ?? en[key];
    if (text === undefined) return key;
    format = new IntlMessageFormat(text, current);
    compiled.set(key, format);
  }
  const put: Record<string, string | number | Date> = {};
  for (const [name, v] of Object.entries(values)) put[name] = typeof v === 'string' ? isolate(v) : v;
  return String(format.format(put));
}

// Whether the catalogue has `key` (for texts chosen by a value the server
// sends, such as a status, with the value itself as the fallback).
export function hasMessage(key: string): boolean {
  return key in en;
}

// A number in the current language's digits and grouping.
export function formatNumber(n: number): string {
  return new Intl.NumberFormat(current).format(n);
}

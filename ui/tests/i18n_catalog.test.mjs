// The message catalogues (src/locales/<namespace>/<language>.json) against
// each other and against the code, with no browser:
// - every namespace has all six languages, each with exactly the English
//   catalogue's keys (a missing key and a key English lacks both fail);
// - every message parses as ICU MessageFormat in its language and uses the
//   same arguments as the English one;
// - French messages follow French typography: a narrow no-break space
//   (U+202F) before ; ? ! and a no-break space (U+00A0 or U+202F) before :
//   and inside « »;
// - every key the code names exists, and every key is used: a key is used
//   when its whole name is a string literal of src/, or starts with the
//   fixed head of a template literal given to t() (`t(\`enum.${v}\`)`);
//   a key of `enum` is used when its value is a string literal of the
//   server's domain or of src/ (humanize() looks them up);
// - no text is left in the pages outside the catalogues: JSX text, the
//   text attributes of elements and components (label, title, hint,
//   aria-label, placeholder, alt, caption, empty, legend), a table's
//   headers, and literal
//   messages given to announce(), flash() or a refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import ts from 'typescript';

const ui = fileURLToPath(new URL('..', import.meta.url));
const localeDir = join(ui, 'src', 'locales');
const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];

function files(dir, pattern) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

const namespaces = readdirSync(localeDir).filter((n) => statSync(join(localeDir, n)).isDirectory());
function catalogue(ns, lang) {
  return JSON.parse(readFileSync(join(localeDir, ns, `${lang}.json`), 'utf8'));
}

// The argument names a message uses, sorted.
function argumentsOf(message, lang) {
  const names = new Set();
  const walk = (elements) => {
    for (const el of elements) {
      if (typeof el.value === 'string' && el.type !== 0 && el.type !== 7) names.add(el.value);
      if (el.options) for (const option of Object.values(el.options)) walk(option.value);
      if (el.children) walk(el.children);
    }
  };
  walk(new IntlMessageFormat(message, lang).getAst());
  return [...names].sort();
}

test('every namespace has the six languages with the same keys', () => {
  assert.ok(namespaces.length > 0);
  const problems = [];
  for (const ns of namespaces) {
    if (!existsSync(join(localeDir, ns, 'en.json'))) {
      problems.push(`${ns}: no en.json`);
      continue;
    }
    const english = Object.keys(catalogue(ns, 'en'));
    for (const lang of LANGUAGES) {
      if (!existsSync(join(localeDir, ns, `${lang}.json`))) {
        problems.push(`${ns}/${lang}.json is missing`);
        continue;
      }
      const keys = Object.keys(catalogue(ns, lang));
      for (const k of english) if (!keys.includes(k)) problems.push(`${ns}/${lang}.json lacks "${k}"`);
      for (const k of keys) if (!english.includes(k)) problems.push(`${ns}/${lang}.json holds "${k}", which English lacks`);
    }
    for (const file of readdirSync(join(localeDir, ns))) {
      if (!LANGUAGES.includes(file.replace(/\.json$/, ''))) problems.push(`${ns}/${file}: not a language of Mara`);
    }
  }
  assert.deepEqual(problems, []);
});

test('every message parses and uses the English message\'s arguments', () => {
  const problems = [];
  for (const ns of namespaces) {
    if (!existsSync(join(localeDir, ns, 'en.json'))) continue;
    const english = catalogue(ns, 'en');
    for (const lang of LANGUAGES) {
      if (!existsSync(join(localeDir, ns, `${lang}.json`))) continue; // the first test names it
      const messages = catalogue(ns, lang);
      for (const [key, text] of Object.entries(messages)) {
        if (typeof text !== 'string' || text.trim() === '') {
          problems.push(`${ns}/${lang}.json "${key}": empty`);
          continue;
        }
        try {
          const args = argumentsOf(text, lang);
          if (english[key] !== undefined) {
            const want = argumentsOf(english[key], 'en');
            if (args.join() !== want.join()) problems.push(`${ns}/${lang}.json "${key}": arguments ${args.join(', ')}; English has ${want.join(', ')}`);
          }
        } catch (e) {
          problems.push(`${ns}/${lang}.json "${key}": ${e.message}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

// The texts a message can show, its ICU syntax removed: an argument is
// "{name}", a plural's # stays "#", and a plural or select gives one text
// per option (all combinations, at most 256).
function textsOf(elements) {
  let texts = [''];
  for (const el of elements) {
    let parts;
    if (el.type === 0) parts = [el.value];
    else if (el.type === 7) parts = ['#'];
    else if (el.type === 5 || el.type === 6) parts = Object.values(el.options).flatMap((o) => textsOf(o.value));
    else if (el.type === 8) parts = textsOf(el.children);
    else parts = [`{${el.value}}`];
    texts = texts.flatMap((t) => parts.map((p) => t + p)).slice(0, 256);
  }
  return texts;
}

// Text of French messages that is not French and keeps its own punctuation:
// an HTTP header as it is typed.
const NOT_FRENCH = ['Authorization: Bearer'];
const NO_BREAK = new Set(['\u00A0', '\u202F']);

// What breaks French typography in a text: a ; ? ! not after a narrow
// no-break space, a : not after a no-break space (a time such as 10:30 and
// a URL's :// aside), a « not followed or a » not preceded by one.
function typographyProblems(text) {
  for (const literal of NOT_FRENCH) text = text.split(literal).join('{}');
  const problems = [];
  const around = (i) => JSON.stringify(text.slice(Math.max(0, i - 24), i + 24));
  const before = (i) => (i === 0 ? 'nothing' : text[i - 1] === ' ' ? 'a plain space' : text[i - 1] === '\u00A0' ? 'U+00A0' : `"${text[i - 1]}"`);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const prev = text[i - 1];
    const next = text[i + 1];
    if (';?!'.includes(c)) {
      if (prev !== '\u202F' && !(prev && '?!'.includes(prev))) problems.push(`"${c}" after ${before(i)}, not U+202F, in ${around(i)}`);
    } else if (c === ':') {
      if (NO_BREAK.has(prev) || (/\d/.test(prev ?? '') && /\d/.test(next ?? '')) || text.startsWith('//', i + 1)) continue;
      problems.push(`":" after ${before(i)}, not a no-break space, in ${around(i)}`);
    } else if (c === '«' && !NO_BREAK.has(next)) {
      problems.push(`"«" followed by ${next === ' ' ? 'a plain space' : next === undefined ? 'nothing' : `"${next}"`}, not a no-break space, in ${around(i)}`);
    } else if (c === '»' && !NO_BREAK.has(prev)) {
      problems.push(`"»" after ${before(i)}, not a no-break space, in ${around(i)}`);
    }
  }
  return problems;
}

test('French messages put no-break spaces before : ; ? ! and inside « »', () => {
  assert.deepEqual(typographyProblems('Motif\u00A0: {}\u202F; «\u00A0{}\u00A0» à 10:30, https://example.org'), []);
  assert.equal(typographyProblems('Motif : {}; « {}»').length, 4);
  const problems = [];
  for (const ns of namespaces) {
    if (!existsSync(join(localeDir, ns, 'fr.json'))) continue; // the first test names it
    for (const [key, message] of Object.entries(catalogue(ns, 'fr'))) {
      let texts;
      try {
        texts = textsOf(new IntlMessageFormat(message, 'fr').getAst());
      } catch {
        continue; // the second test names it
      }
      const found = new Set(texts.flatMap(typographyProblems));
      for (const p of found) problems.push(`${ns}/fr.json "${key}": ${p}`);
    }
  }
  assert.deepEqual(problems, []);
});

const sources = files(join(ui, 'src'), /\.(ts|tsx)$/).filter((f) => !f.endsWith('.d.ts'));
const parsed = sources.map((file) => ({
  file,
  sf: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS),
}));

function visit(node, fn) {
  fn(node);
  ts.forEachChild(node, (child) => visit(child, fn));
}

// The string literals of the code, and the fixed heads of the template
// literals given to t().
const literals = new Set();
const prefixes = new Set();
for (const { sf } of parsed) {
  visit(sf, (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
    if (ts.isCallExpression(node) && node.expression.getText() === 't' && node.arguments[0] && ts.isTemplateExpression(node.arguments[0])) {
      prefixes.add(node.arguments[0].head.text);
    }
  });
}
const domain = ['src/domain/enums.h', 'src/security/roles.cc', 'src/policy/engine.cc', 'src/api/schemas.cc']
  .map((f) => join(ui, '..', f))
  .filter((f) => existsSync(f))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

test('every key the code names exists, and every key is used', () => {
  const english = new Set();
  for (const ns of namespaces) for (const k of Object.keys(catalogue(ns, 'en'))) english.add(`${ns}.${k}`);
  const problems = [];
  for (const { file, sf } of parsed) {
    visit(sf, (node) => {
      if (ts.isCallExpression(node) && node.expression.getText() === 't' && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
        const key = node.arguments[0].text;
        if (!english.has(key)) problems.push(`${relative(ui, file)}: t('${key}') is in no catalogue`);
      }
    });
  }
  for (const key of english) {
    if (literals.has(key) || [...prefixes].some((p) => p && key.startsWith(p))) continue;
    if (key.startsWith('enum.')) {
      const value = key.slice('enum.'.length);
      if (literals.has(value) || domain.includes(`"${value}"`)) continue;
    }
    problems.push(`"${key}" is never used`);
  }
  assert.deepEqual(problems, []);
});

const TEXT_ATTRIBUTES = new Set(['label', 'title', 'hint', 'aria-label', 'placeholder', 'alt', 'caption', 'empty', 'legend', 'what']);
const MESSAGE_CALLS = new Map([
  ['announce', 0],
  ['flash', 0],
  ['refuse', 2],
]);
const words = (s) => /\p{L}{2,}/u.test(s);
// Text that is the same in every language: the name of the application.
const FIXED = new Set(['Mara']);

test('no text of the pages is left outside the catalogues', () => {
  const problems = [];
  for (const { file, sf } of parsed) {
    const where = (node) => `${relative(ui, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    visit(sf, (node) => {
      if (ts.isJsxText(node)) {
        const text = node.text.trim();
        if (words(text) && !FIXED.has(text)) problems.push(`${where(node)}: text "${text}"`);
      } else if (ts.isJsxAttribute(node) && node.name.getText() === 'headers' && node.initializer) {
        // A table's column headers.
        visit(node.initializer, (inner) => {
          // (an argument of a call, such as t('ns.key'), is not a header's text)
          if (ts.isStringLiteralLike(inner) && !ts.isCallExpression(inner.parent) && words(inner.text)) {
            problems.push(`${where(inner)}: header "${inner.text}"`);
          }
        });
      } else if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText()) && node.initializer) {
        const init = node.initializer;
        const literal = ts.isStringLiteral(init)
          ? init
          : ts.isJsxExpression(init) && init.expression && (ts.isStringLiteralLike(init.expression) || ts.isTemplateExpression(init.expression))
            ? init.expression
            : null;
        if (literal && words(literal.getText().replace(/\$\{[^}]*\}/g, ''))) problems.push(`${where(node)}: ${node.name.getText()}=${literal.getText()}`);
      } else if (ts.isJsxExpression(node) && node.expression && (ts.isStringLiteralLike(node.expression) || ts.isTemplateExpression(node.expression))) {
        const parent = node.parent;
        if ((ts.isJsxElement(parent) || ts.isJsxFragment(parent)) && words(node.expression.getText().replace(/\$\{[^}]*\}/g, ''))) {
          problems.push(`${where(node)}: text ${node.expression.getText()}`);
        }
      } else if (ts.isCallExpression(node)) {
        const callee = node.expression.getText().split('.').pop();
        if (!MESSAGE_CALLS.has(callee)) return;
        // The message: announce(message, kind), flash(message, kind),
        // refuse(form, error, what, labels).
        const arg = node.arguments[MESSAGE_CALLS.get(callee)];
        if (arg) {
          if ((ts.isStringLiteralLike(arg) || ts.isTemplateExpression(arg)) && words(arg.getText().replace(/\$\{[^}]*\}/g, ''))) {
            problems.push(`${where(node)}: ${callee}(${arg.getText()})`);
          }
        }
      }
    });
  }
  assert.deepEqual(problems, []);
});

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The message catalogues: src/locales/<namespace>/<language>.json, flat
// objects of ICU messages. `import messages from 'virtual:locale/fr'` gives
// one language's messages of every namespace, keyed `<namespace>.<key>`, so
// that each language is one chunk loaded when it is chosen.
const localeDir = fileURLToPath(new URL('./src/locales', import.meta.url));
function locales() {
  const prefix = 'virtual:locale/';
  return {
    name: 'mara-locales',
    resolveId(id) {
      return id.startsWith(prefix) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${prefix}`)) return null;
      const lang = id.slice(prefix.length + 1);
      if (!/^[a-z]{2}$/.test(lang)) throw new Error(`no such language: ${lang}`);
      const merged = {};
      for (const ns of readdirSync(localeDir).sort()) {
        const file = join(localeDir, ns, `${lang}.json`);
        if (!existsSync(file)) continue;
        this.addWatchFile(file);
        const messages = JSON.parse(readFileSync(file, 'utf8')) ;
        for (const [key, text] of Object.entries(messages)) merged[`${ns}.${key}`] = text;
      }
      return `export default ${JSON.stringify(merged)};`;
    },
  };
}

// The service worker (sw.js): the template with the list of the
// application's files (everything the build writes, and public/) and a
// version that changes with them, emitted as /sw.js.
const publicDir = fileURLToPath(new URL('./public', import.meta.url));
const swTemplate = fileURLToPath(new URL('./sw.js', import.meta.url));
function publicFiles(dir, prefix = '') {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...publicFiles(path, `${prefix}${name}/`));
    else out.push(`/${prefix}${name}`);
  }
  return out;
}
function serviceWorker() {
  return {
    name: 'mara-service-worker',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const built = Object.keys(bundle).map((f) => `/${f}`);
      const shell = [...new Set(['/index.html', ...built, ...(existsSync(publicDir) ? publicFiles(publicDir) : [])])]
        .filter((f) => f !== '/sw.js' && !f.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const f of shell) {
        hash.update(f);
        const item = bundle[f.slice(1)];
        if (item) hash.update(item.type === 'chunk' ? item.code : item.source);
        else if (existsSync(join(publicDir, f))) hash.update(readFileSync(join(publicDir, f)));
      }
      const template = readFileSync(swTemplate, 'utf8');
      hash.update(template);
      const version = hash.digest('hex').slice(0, 16);
      const source = template
        .replace('self.__MARA_SHELL__', JSON.stringify(shell))
        .replace('self.__MARA_VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

// The built files are served by `mara serve --ui ui/dist`, whose CSP allows
// only same-origin scripts and stylesheets: no inline code, no module preload
// polyfill (it is inlined), assets as files rather than data URLs.
export default defineConfig({
  base: '/',
  plugins: [locales(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});

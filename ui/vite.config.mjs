import { readdirSync, readFileSync, existsSync } from 'node:fs';
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

// The built files are served by `mara serve --ui ui/dist`, whose CSP allows
// only same-origin scripts and stylesheets: no inline code, no module preload
// polyfill (it is inlined), assets as files rather than data URLs.
export default defineConfig({
  base: '/',
  plugins: [locales()],
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

import { defineConfig } from 'vite';

// The built files are served by `mara serve --ui ui/dist`, whose CSP allows
// only same-origin scripts and stylesheets: no inline code, no module preload
// polyfill (it is inlined), assets as files rather than data URLs.
export default defineConfig({
  base: '/',
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

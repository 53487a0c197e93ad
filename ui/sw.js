// Mara's service worker: keeps the application's own files (index.html and
// every built file: pages loaded on demand, language chunks, the stylesheet,
// icons), so that the application opens and moves between pages with no
// network. The build (vite.config.mjs) puts the list of files and its
// version in place of SHELL and VERSION. Requests to /api/ are never
// answered from the cache nor kept: the server's data stays the server's.
const SHELL = self.__MARA_SHELL__;
const VERSION = self.__MARA_VERSION__;
const CACHE = `mara-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('mara-shell-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // A page: the server's index.html when it answers, else the one kept.
    event.respondWith(
      fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match('/index.html')).then((r) => r ?? Response.error())),
    );
    return;
  }
  if (!SHELL.includes(url.pathname)) return;
  // A file of the application: the copy kept (names under /assets/ change
  // with their content), else the network.
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname).then((hit) => hit ?? fetch(request))));
});

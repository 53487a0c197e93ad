// Entry module: styles, routes, and the first render once the session
// (if any) and the reader's language (the account's, else this browser's) are known. Each page module is loaded when its route is first
// visited.
import './styles.css';
import { mount, navigate, route } from './app';
import { preferredLanguage, setLanguage } from './i18n';
import { adoptSavedLanguage, loadSession, me } from './session';

const editors = ['monitor', 'analyst', 'reviewer', 'decision_maker', 'admin'];

route('/login', () => import('./pages/login').then((m) => m.loginPage));
route('/', () => import('./pages/dashboard').then((m) => m.dashboardPage));
route('/incidents', () => import('./pages/incidents').then((m) => m.incidentList));
route('/incidents/new', () => import('./pages/incident_form').then((m) => m.default), ['monitor']);
route('/incidents/:id/edit', () => import('./pages/incident_form').then((m) => m.default), ['monitor']);
route('/incidents/:id', () => import('./pages/incidents').then((m) => m.incidentDetail));
route('/review', () => import('./pages/incidents').then((m) => m.reviewQueue), ['reviewer']);
route('/parties', () => import('./pages/parties').then((m) => m.partyRegistry));
route('/parties/:id', () => import('./pages/parties').then((m) => m.partyDossier));
route('/registry', () => import('./pages/registry').then((m) => m.registryList));
route('/registry/:kind/new', () => import('./pages/registry').then((m) => m.registryNew), ['analyst', 'admin']);
route('/registry/:kind/edit', () => import('./pages/registry').then((m) => m.registryEdit));
route('/assessment', () => import('./pages/assessment').then((m) => m.default), ['analyst', 'decision_maker', 'admin']);
route('/reports', () => import('./pages/reports').then((m) => m.default));
route('/publications', () => import('./pages/publications').then((m) => m.default));
route('/import', () => import('./pages/import').then((m) => m.importPage), ['analyst', 'admin']);
route('/petitions', () => import('./pages/petitions').then((m) => m.default));
route('/communications', () => import('./pages/communications').then((m) => m.default));
route('/follow', () => import('./pages/communications').then((m) => m.follow));
route('/audit', () => import('./pages/audit').then((m) => m.default), ['admin']);
route('/names', () => import('./pages/names').then((m) => m.default), ['analyst', 'admin']);
route('/consent', () => import('./pages/consent').then((m) => m.consentRegister), ['monitor']);
route('/consent/:id/withdraw', () => import('./pages/consent').then((m) => m.withdrawConsent), ['monitor']);
route('/consent/:id/restore', () => import('./pages/consent').then((m) => m.restoreConsent), ['monitor']);
route('/evidence', () => import('./pages/evidence').then((m) => m.evidenceList), editors);
route('/evidence/:id', () => import('./pages/evidence').then((m) => m.evidenceItem), editors);
route('/outbox', () => import('./pages/outbox').then((m) => m.outbox), ['monitor']);
route('/outbox/new', () => import('./pages/outbox').then((m) => m.draftPage), ['monitor']);
route('/outbox/:id', () => import('./pages/outbox').then((m) => m.draftPage), ['monitor']);
route('/users', () => import('./pages/users').then((m) => m.userList), ['admin']);
route('/users/:id', () => import('./pages/users').then((m) => m.userDetail), ['admin']);
route('/account', () => import('./pages/account').then((m) => m.default));

const root = document.getElementById('app');
// The language saved on the account, when there is one, wins over this
// browser's choice.
if (root) {
  void Promise.all([loadSession(), setLanguage(preferredLanguage())])
    .then(() => adoptSavedLanguage())
    .then(() => mount(root));
}

// The service worker (public/sw.js, its list of files written by the build)
// keeps the application's files, so that it opens with no network.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {}));
}

// Back online: the session again, then the offline drafts are sent (when
// the monitor has unlocked them in this page).
window.addEventListener('online', () => {
  void (async () => {
    const before = me();
    await loadSession(true);
    await adoptSavedLanguage();
    if (!before && me()) navigate(location.pathname + location.search, true);
    const { sendAll } = await import('./offline/send');
    await sendAll();
    if (location.pathname === '/outbox') navigate('/outbox', true);
  })();
});

// Entry module: styles, routes, and the first render once the session
// (if any) is known.
import './styles.css';
import { mount, render, route } from './app';
import { loadSession } from './session';

route(/^\/login$/, () => import('./pages/login').then((m) => m.default));
route(/^\/$/, () => import('./pages/dashboard').then((m) => m.default));
route(/^\/incidents$/, () => import('./pages/incidents').then((m) => m.incidentList));
route(/^\/incidents\/new$/, () => import('./pages/incident_form').then((m) => m.default), ['monitor']);
route(/^\/incidents\/([^/]+)\/edit$/, () => import('./pages/incident_form').then((m) => m.default), ['monitor']);
route(/^\/incidents\/([^/]+)$/, () => import('./pages/incidents').then((m) => m.incidentDetail));
route(/^\/review$/, () => import('./pages/incidents').then((m) => m.reviewQueue), ['reviewer']);
route(/^\/parties$/, () => import('./pages/parties').then((m) => m.partyRegistry));
route(/^\/parties\/([^/]+)$/, () => import('./pages/parties').then((m) => m.partyDossier));
route(/^\/registry$/, () => import('./pages/registry').then((m) => m.registryList));
route(/^\/registry\/([a-z]+)\/(new)$/, () => import('./pages/registry').then((m) => m.registryForm), ['analyst', 'admin']);
route(/^\/registry\/([a-z]+)\/(edit)$/, () => import('./pages/registry').then((m) => m.registryForm));
route(/^\/assessment$/, () => import('./pages/assessment').then((m) => m.default), ['analyst', 'decision_maker', 'admin']);
route(/^\/reports$/, () => import('./pages/reports').then((m) => m.default));
route(/^\/publications$/, () => import('./pages/publications').then((m) => m.default));
route(/^\/import$/, () => import('./pages/import').then((m) => m.default), ['analyst', 'admin']);
route(/^\/petitions$/, () => import('./pages/petitions').then((m) => m.default));
route(/^\/communications$/, () => import('./pages/communications').then((m) => m.default));
route(/^\/follow$/, () => import('./pages/communications').then((m) => m.follow));
route(/^\/audit$/, () => import('./pages/audit').then((m) => m.default), ['admin']);
route(/^\/names$/, () => import('./pages/names').then((m) => m.default), ['analyst', 'admin']);
route(/^\/consent$/, () => import('./pages/consent').then((m) => m.consentRegister), ['monitor']);
route(/^\/consent\/([^/]+)\/withdraw$/, () => import('./pages/consent').then((m) => m.withdrawConsent), ['monitor']);
route(/^\/consent\/([^/]+)\/restore$/, () => import('./pages/consent').then((m) => m.restoreConsent), ['monitor']);
route(/^\/evidence$/, () => import('./pages/evidence').then((m) => m.evidenceList), ['monitor', 'analyst', 'reviewer', 'decision_maker', 'admin']);
route(/^\/evidence\/([^/]+)$/, () => import('./pages/evidence').then((m) => m.evidenceItem), ['monitor', 'analyst', 'reviewer', 'decision_maker', 'admin']);
route(/^\/users$/, () => import('./pages/users').then((m) => m.userList), ['admin']);
route(/^\/users\/([^/]+)$/, () => import('./pages/users').then((m) => m.userDetail), ['admin']);
route(/^\/account$/, () => import('./pages/account').then((m) => m.default));

const root = document.getElementById('app');
if (root) {
  mount(root);
  void loadSession().then(() => render());
}

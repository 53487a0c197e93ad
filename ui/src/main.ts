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
route(/^\/assessment$/, () => import('./pages/assessment').then((m) => m.default), ['analyst', 'decision_maker', 'admin']);
route(/^\/reports$/, () => import('./pages/reports').then((m) => m.default));
route(/^\/publications$/, () => import('./pages/publications').then((m) => m.default));
route(/^\/import$/, () => import('./pages/import').then((m) => m.default), ['analyst', 'admin']);
route(/^\/petitions$/, () => import('./pages/petitions').then((m) => m.default));
route(/^\/communications$/, () => import('./pages/communications').then((m) => m.default));
route(/^\/follow$/, () => import('./pages/communications').then((m) => m.follow));
route(/^\/audit$/, () => import('./pages/audit').then((m) => m.default), ['admin']);

const root = document.getElementById('app');
if (root) {
  mount(root);
  void loadSession().then(() => render());
}

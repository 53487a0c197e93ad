// What a page module exports, and what the shell gives it.
//
// A page is data plus a view: `load` fetches what the page shows (the shell
// shows "Loading…" and marks the main region busy meanwhile, so the page
// appears whole), and `View` renders it. The shell moves focus to the new
// page's first heading once the view is shown, and titles the document after
// it. After an action, a page calls `navigate()` (app.tsx) to go elsewhere or
// `reload()` to load itself again.
import type { FunctionComponent } from 'preact';

export interface PageContext {
  // The query string of the page's address.
  params: URLSearchParams;
  // The route's named segments (`/incidents/:id` gives `{ id }`), decoded.
  route: Record<string, string>;
  // Loads the page again (after an action changed what it shows).
  reload: () => void;
}

export interface PageProps<T> {
  data: T;
  ctx: PageContext;
}

export interface PageDef<T> {
  load: (ctx: PageContext) => Promise<T>;
  View: FunctionComponent<PageProps<T>>;
}

// A page whose data and view are typed together.
export function definePage<T>(def: PageDef<T>): PageDef<T> {
  return def;
}


// Client for /api/v1: JSON in and out, the session's CSRF token on every
// unsafe request, ETags kept for conditional updates, problem+json errors
// turned into ApiError (with the JSON pointer or parameter at fault in
// `field`).
import { language } from './i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly field?: string,
    readonly type?: string,
  ) {
    super(detail);
  }
}

export interface Reply<T> {
  data: T;
  etag: string | null;
  status: number;
  location: string | null;
}

let csrfToken = '';
export function setCsrf(token: string): void {
  csrfToken = token;
}

export const API = '/api/v1';

async function problem(res: Response): Promise<ApiError> {
  let detail = `${res.status} ${res.statusText}`;
  let fieldName: string | undefined;
  let type: string | undefined;
  try {
    const body = await res.json();
    if (body && typeof body === 'object') {
      detail = body.detail ?? body.title ?? detail;
      fieldName = body.field;
      type = body.type;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(res.status, detail, fieldName, type);
}

export interface CallOptions {
  ifMatch?: string | null;
  form?: FormData;
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<Reply<T>> {
  // The reader's language, for the texts the server words itself.
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': language() };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  let payload: BodyInit | undefined;
  if (options.form) {
    payload = options.form;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(API + path, {
    method,
    headers,
    body: payload,
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!res.ok) throw await problem(res);
  const text = res.status === 204 ? '' : await res.text();
  const data = (text ? JSON.parse(text) : null) as T;
  return { data, etag: res.headers.get('ETag'), status: res.status, location: res.headers.get('Location') };
}

export async function get<T>(path: string): Promise<T> {
  return (await call<T>('GET', path)).data;
}

// The route templates this server serves, from its OpenAPI document (no
// login needed). Pages use them to choose between a newer route and the
// older ones it summarises, without probing (a probe would log a 404).
let routeTable: Promise<Set<string>> | null = null;
export function hasRoute(template: string): Promise<boolean> {
  routeTable ??= fetch(`${API}/openapi.json`, { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : { paths: {} }))
    .then((doc: { paths?: Record<string, unknown> }) => new Set(Object.keys(doc.paths ?? {})))
    .catch(() => new Set<string>());
  return routeTable.then((t) => t.has(API + template));
}

// GET that answers null when the server has no route `template`, and for
// 404 (a resource that does not exist).
export async function getOptional<T>(path: string, template?: string): Promise<T | null> {
  if (template && !(await hasRoute(template))) return null;
  try {
    return await get<T>(path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

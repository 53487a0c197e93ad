// Sending the outbox: each draft becomes the monitor's own incident
// (POST /incidents), then each of its files evidence of it (POST /evidence,
// multipart). A draft leaves this browser only after the server confirmed
// the incident and every file; whatever the server refuses stays, marked
// for the monitor to settle (an id taken, a field the server names, a login
// that expired, a file whose hash differs from the one taken at capture).
import { API, ApiError, call } from '../api';
import { t } from '../i18n';
import { plainMessage } from '../messages';
import { forget, loadSession, me } from '../session';
import { fileBytes, getDraft, listDrafts, removeDraft, saveDraft, unlocked, type Draft } from './store';

export interface Sent {
  draft: string;
  incident: string;
  files: number;
}

export type Outcome = 'locked' | 'offline' | 'session' | 'done';

// Drafts sent in this visit (they are gone from the store).
export const recentlySent: Sent[] = [];

interface EvidenceReply {
  id: string;
  sha256: string;
}

interface OpenApiDoc {
  paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}
interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
}

// Whether this server's evidence upload lists the parts `captured_sha256`
// and `captured_at` (its multipart schema in the OpenAPI document): an
// older server refuses parts it does not know.
export async function serverTakesCapture(): Promise<boolean> {
  try {
    const res = await fetch(`${API}/openapi.json`, { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return false;
    const doc = (await res.json()) as OpenApiDoc;
    let schema = doc.paths?.[`${API}/evidence`]?.post?.requestBody?.content?.['multipart/form-data']?.schema;
    for (let i = 0; schema?.$ref && i < 5; i++) schema = doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''];
    const props = schema?.properties ?? {};
    return 'captured_sha256' in props && 'captured_at' in props;
  } catch {
    return false;
  }
}

// The JSON pointer a refusal names: its `field`, else one in its words.
export function fieldOf(e: ApiError): string | undefined {
  if (e.field) return e.field.startsWith('/') ? e.field : `/${e.field}`;
  return / (\/[a-z_]+(?:\/[A-Za-z0-9_-]+)*)[: ]/.exec(e.detail)?.[1];
}

function networkError(e: unknown): boolean {
  return !(e instanceof ApiError);
}

async function mark(d: Draft, change: Partial<Draft>): Promise<Draft> {
  const next = { ...d, ...change };
  await saveDraft(next);
  return next;
}

// Sends one draft; 'session' when the login has expired (nothing more can
// be sent), 'offline' when the network failed.
async function sendDraft(d: Draft, capture: boolean): Promise<'ok' | 'kept' | 'session' | 'offline'> {
  d = await mark(d, { state: 'sending', problem: undefined });
  if (!d.sent_id) {
    try {
      const reply = await call<{ id?: string }>('POST', '/incidents', d.body);
      const id = reply.data?.id ?? decodeURIComponent((reply.location ?? '').split('/').pop() ?? '');
      d = await mark(d, { sent_id: id });
    } catch (e) {
      if (networkError(e)) {
        await mark(d, { state: 'waiting' });
        return 'offline';
      }
      const err = e as ApiError;
      const field = fieldOf(err);
      const message = plainMessage(err.detail);
      if (err.status === 401) {
        await mark(d, { state: 'waiting', problem: { kind: 'session', message } });
        return 'session';
      }
      if (err.status === 409 || (err.status === 400 && field === '/id')) {
        await mark(d, { state: 'conflict', problem: { kind: 'idTaken', message, field: '/id' } });
      } else if (err.status >= 500) {
        await mark(d, { state: 'failed', problem: { kind: 'server', message } });
      } else {
        await mark(d, { state: 'conflict', problem: { kind: 'field', message, field: field ?? (/situation/.test(err.detail) ? '/situation' : undefined) } });
      }
      return 'kept';
    }
  }
  for (const f of d.files) {
    if (f.evidence) continue;
    try {
      const bytes = await fileBytes(f.id);
      const fd = new FormData();
      fd.append('file', new File([bytes as BlobPart], f.name, { type: f.type }));
      fd.append('incident', d.sent_id!);
      fd.append('description', '');
      if (capture) {
        fd.append('captured_sha256', f.sha256);
        fd.append('captured_at', f.captured_at);
      }
      const r = await call<EvidenceReply>('POST', '/evidence', undefined, { form: fd });
      f.evidence = r.data.id;
      if (r.data.sha256 !== f.sha256) f.server_sha256 = r.data.sha256;
      d = await mark(d, { files: d.files });
      if (f.server_sha256) {
        await mark(d, { state: 'conflict', problem: { kind: 'fileChanged', message: t('offline.problem.fileChanged', { name: f.name }) } });
        return 'kept';
      }
    } catch (e) {
      if (networkError(e)) {
        await mark(d, { state: 'waiting' });
        return 'offline';
      }
      const err = e as ApiError;
      if (err.status === 401) {
        await mark(d, { state: 'waiting', problem: { kind: 'session', message: plainMessage(err.detail) } });
        return 'session';
      }
      // A server that takes the capture's hash refuses bytes that differ from it.
      if (err.status === 400 && fieldOf(err) === '/captured_sha256') {
        await mark(d, { state: 'conflict', problem: { kind: 'fileChanged', message: t('offline.problem.fileChanged', { name: f.name }) } });
        return 'kept';
      }
      await mark(d, { state: 'failed', problem: { kind: 'server', message: plainMessage(err.detail) } });
      return 'kept';
    }
  }
  await removeDraft(d.id);
  recentlySent.push({ draft: d.id, incident: d.sent_id!, files: d.files.length });
  return 'ok';
}

let running: Promise<Outcome> | null = null;

// Sends every draft that is waiting (or failed before, or `only`): one at a
// time, in the order recorded.
export function sendAll(only?: string): Promise<Outcome> {
  running ??= (async (): Promise<Outcome> => {
    try {
      if (!unlocked()) return 'locked';
      if (!me()) {
        try {
          await fetch(`${API}/openapi.json`, { cache: 'no-store' });
        } catch {
          return 'offline';
        }
        if (!(await loadSession(true))) return 'session';
      }
      const capture = await serverTakesCapture();
      for (const d of await listDrafts()) {
        if (only ? d.id !== only : d.state === 'conflict') continue;
        const fresh = await getDraft(d.id);
        if (!fresh) continue;
        const r = await sendDraft(fresh, capture);
        // The login has ended: forgotten here too, the drafts kept.
        if (r === 'session') forget();
        if (r === 'session' || r === 'offline') return r;
      }
      return 'done';
    } finally {
      running = null;
    }
  })();
  return running;
}

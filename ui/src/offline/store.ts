// Offline drafts: incidents recorded (and files attached) with no
// connection, kept in this browser's IndexedDB, encrypted. The key is
// derived from a passphrase the monitor types (PBKDF2-SHA-256, a random
// salt, ITERATIONS rounds) and lives in memory only, never stored; every
// record is sealed with AES-GCM 256 under a fresh 12-byte IV. A check value
// sealed under the same key tells a wrong passphrase from the right one.
//
// Only a draft's state (waiting, sending, sent, conflict, failed) and the
// time it last changed are kept in clear, so that the navigation can count
// the waiting drafts before the vault is unlocked; the incident, the files
// and their names, hashes and capture times are sealed.

export type DraftState = 'waiting' | 'sending' | 'sent' | 'conflict' | 'failed';

// Why a draft could not be sent, for the monitor to settle.
export type ConflictKind = 'idTaken' | 'field' | 'session' | 'fileChanged' | 'server';

export interface DraftFile {
  id: string;
  name: string;
  type: string;
  size: number;
  // Hex SHA-256 of the bytes, taken when the file was chosen.
  sha256: string;
  // ISO 8601 UTC, when the file was chosen.
  captured_at: string;
  // The evidence item once the server confirmed it.
  evidence?: string;
  // The SHA-256 the server answered, when it differed from the capture.
  server_sha256?: string;
}

export interface DraftContent {
  body: Record<string, unknown>;
  files: DraftFile[];
  created_at: string;
  // The incident's id once the server created it.
  sent_id?: string;
  problem?: { kind: ConflictKind; message: string; field?: string };
}

export interface Draft extends DraftContent {
  id: string;
  state: DraftState;
  updated: number;
}

type Bytes = Uint8Array<ArrayBuffer>;
interface Sealed {
  iv: Bytes;
  data: ArrayBuffer;
}
interface DraftRecord {
  id: string;
  state: DraftState;
  updated: number;
  sealed: Sealed;
}
interface FileRecord {
  id: string;
  draft: string;
  sealed: Sealed;
}
interface VaultRecord {
  salt: Bytes;
  iterations: number;
  check: Sealed;
}

export const ITERATIONS = 600_000;
const DB_NAME = 'mara-offline';
const CHECK = 'mara-offline-check-v1';
const enc = new TextEncoder();
const dec = new TextDecoder();

let key: CryptoKey | null = null;
const listeners = new Set<() => void>();

// Calls `listener` after every change to the drafts or the lock; returns its removal.
export function onDraftsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function changed(): void {
  for (const l of listeners) l();
}

let dbPromise: Promise<IDBDatabase> | null = null;
function db(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const d = req.result;
      d.createObjectStore('vault');
      d.createObjectStore('drafts', { keyPath: 'id' });
      d.createObjectStore('files', { keyPath: 'id' }).createIndex('draft', 'draft');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function tx<T>(stores: string[], mode: IDBTransactionMode, work: (t: IDBTransaction) => Promise<T> | T): Promise<T> {
  const d = await db();
  const t = d.transaction(stores, mode);
  const done = new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
  const result = await work(t);
  await done;
  return result;
}

function randomId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// The SHA-256 of `bytes` in hex.
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

async function seal(k: CryptoKey, plain: Bytes): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return { iv, data: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, k, plain) };
}

async function open(k: CryptoKey, s: Sealed): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: s.iv }, k, s.data));
}

async function derive(passphrase: string, salt: Bytes, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', enc.encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

function needKey(): CryptoKey {
  if (!key) throw new Error('locked');
  return key;
}

async function vault(): Promise<VaultRecord | undefined> {
  return tx(['vault'], 'readonly', (t) => request(t.objectStore('vault').get('vault') as IDBRequest<VaultRecord | undefined>));
}

// Whether a passphrase was chosen in this browser already.
export async function hasVault(): Promise<boolean> {
  return (await vault()) !== undefined;
}

export function unlocked(): boolean {
  return key !== null;
}

// Chooses the passphrase (first use): a new salt and check value.
export async function createVault(passphrase: string): Promise<void> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const k = await derive(passphrase, salt, ITERATIONS);
  const check = await seal(k, enc.encode(CHECK));
  await tx(['vault'], 'readwrite', (t) => {
    t.objectStore('vault').put({ salt, iterations: ITERATIONS, check } satisfies VaultRecord, 'vault');
  });
  key = k;
  changed();
}

// Unlocks with `passphrase`; false when it is not the one chosen.
export async function unlock(passphrase: string): Promise<boolean> {
  const v = await vault();
  if (!v) return false;
  const k = await derive(passphrase, v.salt, v.iterations);
  try {
    if (dec.decode(await open(k, v.check)) !== CHECK) return false;
  } catch {
    return false;
  }
  key = k;
  changed();
  return true;
}

export function lock(): void {
  key = null;
  changed();
}

// Reference data kept sealed for the form offline (situations, parties, sources).
export async function saveReference(ref: unknown): Promise<void> {
  const sealed = await seal(needKey(), enc.encode(JSON.stringify(ref)));
  await tx(['vault'], 'readwrite', (t) => {
    t.objectStore('vault').put(sealed, 'reference');
  });
}

export async function loadReference<T>(): Promise<T | null> {
  const k = needKey();
  const s = await tx(['vault'], 'readonly', (t) => request(t.objectStore('vault').get('reference') as IDBRequest<Sealed | undefined>));
  if (!s) return null;
  return JSON.parse(dec.decode(await open(k, s))) as T;
}

// The number of drafts in each state, without the key.
export async function counts(): Promise<Record<DraftState, number>> {
  const out: Record<DraftState, number> = { waiting: 0, sending: 0, sent: 0, conflict: 0, failed: 0 };
  const all = await tx(['drafts'], 'readonly', (t) => request(t.objectStore('drafts').getAll() as IDBRequest<DraftRecord[]>));
  for (const r of all) out[r.state] += 1;
  return out;
}

async function decode(k: CryptoKey, r: DraftRecord): Promise<Draft> {
  const content = JSON.parse(dec.decode(await open(k, r.sealed))) as DraftContent;
  return { ...content, id: r.id, state: r.state, updated: r.updated };
}

export async function listDrafts(): Promise<Draft[]> {
  const k = needKey();
  const all = await tx(['drafts'], 'readonly', (t) => request(t.objectStore('drafts').getAll() as IDBRequest<DraftRecord[]>));
  const drafts = await Promise.all(all.map((r) => decode(k, r)));
  return drafts.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export async function getDraft(id: string): Promise<Draft | null> {
  const k = needKey();
  const r = await tx(['drafts'], 'readonly', (t) => request(t.objectStore('drafts').get(id) as IDBRequest<DraftRecord | undefined>));
  return r ? decode(k, r) : null;
}

// Writes `draft` (a new one when it has no id); returns its id.
export async function saveDraft(draft: DraftContent & { id?: string; state?: DraftState }): Promise<string> {
  const k = needKey();
  const id = draft.id ?? randomId();
  const content: DraftContent = { body: draft.body, files: draft.files, created_at: draft.created_at, sent_id: draft.sent_id, problem: draft.problem };
  const sealed = await seal(k, enc.encode(JSON.stringify(content)));
  const record: DraftRecord = { id, state: draft.state ?? 'waiting', updated: Date.now(), sealed };
  await tx(['drafts'], 'readwrite', (t) => {
    t.objectStore('drafts').put(record);
  });
  changed();
  return id;
}

// Keeps a file's bytes, sealed, for draft `draft`; returns the file's id.
export async function saveFile(draft: string, bytes: ArrayBuffer, fileId = randomId()): Promise<string> {
  const sealed = await seal(needKey(), new Uint8Array(bytes));
  await tx(['files'], 'readwrite', (t) => {
    t.objectStore('files').put({ id: fileId, draft, sealed } satisfies FileRecord);
  });
  return fileId;
}

export async function fileBytes(fileId: string): Promise<Bytes> {
  const k = needKey();
  const r = await tx(['files'], 'readonly', (t) => request(t.objectStore('files').get(fileId) as IDBRequest<FileRecord | undefined>));
  if (!r) throw new Error('missing file');
  return open(k, r.sealed);
}

// Removes a draft and its files.
export async function removeDraft(id: string): Promise<void> {
  await tx(['drafts', 'files'], 'readwrite', async (t) => {
    t.objectStore('drafts').delete(id);
    const keys = await request(t.objectStore('files').index('draft').getAllKeys(id));
    for (const fk of keys) t.objectStore('files').delete(fk);
  });
  changed();
}

export async function removeFile(fileId: string): Promise<void> {
  await tx(['files'], 'readwrite', (t) => {
    t.objectStore('files').delete(fileId);
  });
}

export { randomId };

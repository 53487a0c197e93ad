// The outbox: incidents recorded with no connection (offline drafts), kept
// encrypted in this browser (offline/store.ts), and their sending
// (offline/send.ts). The page asks for the passphrase before it shows or
// adds a draft; `/outbox/new` records a draft with the incident form's
// fields and files whose SHA-256 and time are taken when they are chosen;
// `/outbox/{draft}` edits one (after the server refused a field).
import { useRef, useState } from 'preact/hooks';
import { ApiError, enc, get } from '../api';
import { announce, flash, navigate, type Party, type Situation } from '../app';
import { Card } from '../components/common';
import { Field, useRefusals, when } from '../components/forms';
import { t } from '../i18n';
import { definePage } from '../page';
import { me, unreachable } from '../session';
import { recentlySent, sendAll, type Outcome } from '../offline/send';
import {
  createVault,
  getDraft,
  hasVault,
  listDrafts,
  loadReference,
  lock,
  randomId,
  removeDraft,
  saveDraft,
  saveFile,
  saveReference,
  sha256Hex,
  unlock,
  unlocked,
  type Draft,
  type DraftFile,
} from '../offline/store';
import { IncidentForm, type Loaded } from './incident_form';

const MIN_PASSPHRASE = 10;

interface Reference {
  sits: Array<{ id: string; name: string }>;
  ps: Party[];
  sources: Array<{ id: string; title?: string; kind: string }>;
}

// The situations, parties and sources for the form: from the server when it
// answers (kept, sealed, for the next time offline), else the copy kept.
async function reference(): Promise<Reference | null> {
  if (me()) {
    try {
      const [sits, ps, sources] = await Promise.all([
        get<{ items: Situation[] }>('/situations').then((r) => r.items.map((s) => ({ id: s.id, name: s.name }))),
        get<{ items: Party[] }>('/parties').then((r) => r.items),
        get<{ items: Reference['sources'] }>('/sources').then((r) => r.items),
      ]);
      const ref = { sits, ps, sources };
      await saveReference(ref);
      return ref;
    } catch (e) {
      if (e instanceof ApiError && e.status !== 401) throw e;
    }
  }
  return loadReference<Reference>();
}

// Asks for the passphrase: to choose one (first use) or to unlock.
function UnlockForm({ exists }: { exists: boolean }) {
  const refusals = useRefusals();
  const [busy, setBusy] = useState(false);
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const pass = String(data.get('passphrase') ?? '');
    if (!exists) {
      if (pass.length < MIN_PASSPHRASE) return refusals.set(form, 'passphrase', t('offline.unlock.tooShort', { min: MIN_PASSPHRASE }));
      if (pass !== String(data.get('repeat') ?? '')) return refusals.set(form, 'repeat', t('offline.unlock.mismatch'));
    }
    setBusy(true);
    try {
      if (!exists) await createVault(pass);
      else if (!(await unlock(pass))) {
        refusals.set(form, 'passphrase', t('offline.unlock.wrong'));
        announce(t('offline.unlock.wrong'), 'error');
        return;
      }
      flash(t('offline.unlock.done'));
      navigate('/outbox');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form noValidate onSubmit={submit} class="unlock">
      <p>{exists ? t('offline.unlock.intro') : t('offline.unlock.introNew')}</p>
      <div class="grid-form">
        <Field label={t('offline.unlock.passphrase')} pointer="passphrase" refusals={refusals} hint={exists ? undefined : t('offline.unlock.hint', { min: MIN_PASSPHRASE })}>
          <input type="password" name="passphrase" required autoComplete={exists ? 'current-password' : 'new-password'} />
        </Field>
        {exists ? null : (
          <Field label={t('offline.unlock.repeat')} pointer="repeat" refusals={refusals}>
            <input type="password" name="repeat" required autoComplete="new-password" />
          </Field>
        )}
      </div>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {exists ? t('offline.unlock.submit') : t('offline.unlock.create')}
        </button>
      </div>
    </form>
  );
}

// A file's facts: its name, size, SHA-256 and the time it was captured.
function FileFacts({ f }: { f: Omit<DraftFile, 'id'> }) {
  return (
    <li>
      <bdi>{f.name}</bdi> {t('offline.file.size', { size: f.size })}
      <br />
      {t('offline.file.sha256')} <code class="hash">{f.sha256}</code>
      <br />
      {t('offline.file.capturedAt', { at: when(f.captured_at) })}
      {f.server_sha256 ? (
        <>
          <br />
          <span class="error">
            {t('offline.file.serverSha256')} <code class="hash">{f.server_sha256}</code>
          </span>
        </>
      ) : null}
    </li>
  );
}

function stateText(d: Draft): string {
  return t(`offline.state.${d.state}`);
}

function problemText(d: Draft): string {
  if (!d.problem) return '';
  return t(`offline.problem.${d.problem.kind}Intro`, { message: d.problem.message });
}

function outcomeText(o: Outcome, sent: number): string {
  if (o === 'locked') return t('offline.send.locked');
  if (o === 'offline') return t('offline.send.offline');
  if (o === 'session') return t('offline.send.session');
  return t('offline.send.done', { count: sent });
}

// Sends what waits (or one draft) and shows the outcome on the reloaded page.
async function send(only?: string): Promise<void> {
  const before = recentlySent.length;
  const o = await sendAll(only);
  flash(outcomeText(o, recentlySent.length - before), o === 'done' ? 'success' : 'error');
  navigate('/outbox');
}

function DraftCard({ d }: { d: Draft }) {
  const [confirming, setConfirming] = useState(false);
  const body = d.body as { id?: string; situation?: string; date?: string; location?: { name?: string } };
  const headingId = `draft-${d.id}`;
  const title = body.id ? t('offline.draft.titleWithId', { id: body.id }) : t('offline.draft.title', { at: when(d.created_at) });
  return (
    <article class={`card draft draft-${d.state}`} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <dl class="facts">
        <dt>{t('offline.draft.state')}</dt>
        <dd>
          <span class={`badge badge-draft-${d.state}`}>{stateText(d)}</span>
        </dd>
        <dt>{t('offline.draft.situation')}</dt>
        <dd>{body.situation ?? ''}</dd>
        <dt>{t('offline.draft.date')}</dt>
        <dd>{body.date ?? ''}</dd>
        <dt>{t('offline.draft.place')}</dt>
        <dd>
          <bdi>{body.location?.name ?? ''}</bdi>
        </dd>
        <dt>{t('offline.draft.recorded')}</dt>
        <dd>{when(d.created_at)}</dd>
        {d.sent_id ? (
          <>
            <dt>{t('offline.draft.incident')}</dt>
            <dd>
              <a href={`/incidents/${enc(d.sent_id)}`}>{d.sent_id}</a>
            </dd>
          </>
        ) : null}
      </dl>
      {d.files.length ? (
        <>
          <h3>{t('offline.draft.files', { count: d.files.length })}</h3>
          <ul class="files">
            {d.files.map((f) => (
              <FileFacts f={f} key={f.id} />
            ))}
          </ul>
        </>
      ) : (
        <p>{t('offline.draft.noFiles')}</p>
      )}
      {d.problem ? <p class="error problem">{problemText(d)}</p> : null}
      <div class="actions">
        {d.problem?.kind === 'idTaken' ? (
          <button
            type="button"
            onClick={async () => {
              const rest = { ...d.body };
              delete rest.id;
              await saveDraft({ ...d, body: rest, state: 'waiting', problem: undefined });
              await send(d.id);
            }}
          >
            {t('offline.draft.newId')}
          </button>
        ) : null}
        {d.problem?.kind === 'session' ? (
          <a class="button" href="/login?next=%2Foutbox">
            {t('offline.draft.login')}
          </a>
        ) : null}
        {!d.sent_id ? (
          <a class="button secondary" href={`/outbox/${enc(d.id)}`}>
            {t('offline.draft.edit')}
          </a>
        ) : null}
        {d.state === 'conflict' && d.problem?.kind === 'field' ? null : d.state === 'conflict' || d.state === 'failed' ? (
          <button type="button" class="secondary" onClick={() => void send(d.id)}>
            {t('offline.draft.retry')}
          </button>
        ) : null}
        {confirming ? (
          <>
            <button
              type="button"
              class="danger"
              onClick={async () => {
                await removeDraft(d.id);
                flash(t('offline.draft.removed'));
                navigate('/outbox');
              }}
            >
              {t('offline.draft.confirmRemove')}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {t('offline.draft.keep')}
            </button>
          </>
        ) : (
          <button type="button" class="secondary" onClick={() => setConfirming(true)}>
            {t('offline.draft.remove')}
          </button>
        )}
      </div>
    </article>
  );
}

type OutboxData = { locked: true; exists: boolean } | { locked: false; drafts: Draft[] };

export const outbox = definePage({
  load: async (): Promise<OutboxData> => {
    if (!unlocked()) return { locked: true, exists: await hasVault() };
    // Keep the form's lists for the next time offline.
    if (me()) await reference().catch(() => null);
    return { locked: false, drafts: await listDrafts() };
  },
  View: ({ data }) => {
    if (data.locked)
      return (
        <>
          <h1>{t('offline.title')}</h1>
          <p>{t('offline.intro')}</p>
          <Card id="unlock-h" title={data.exists ? t('offline.unlock.title') : t('offline.unlock.titleNew')}>
            <UnlockForm exists={data.exists} />
          </Card>
        </>
      );
    const waiting = data.drafts.filter((d) => d.state !== 'conflict').length;
    return (
      <>
        <h1>{t('offline.title')}</h1>
        <p>{t('offline.intro')}</p>
        <p>{t('offline.summary', { count: data.drafts.length, waiting })}</p>
        {!me() && unreachable() ? <p class="note">{t('offline.noConnection')}</p> : null}
        {!me() && !unreachable() ? (
          <p class="note">
            {t('offline.send.session')}{' '}
            <a href="/login?next=%2Foutbox">{t('offline.draft.login')}</a>
          </p>
        ) : null}
        <div class="actions">
          <a class="button" href="/outbox/new">
            {t('offline.record')}
          </a>
          <button type="button" class="secondary" disabled={waiting === 0} onClick={() => void send()}>
            {t('offline.sendNow')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              lock();
              flash(t('offline.locked'));
              navigate('/outbox');
            }}
          >
            {t('offline.lock')}
          </button>
        </div>
        {data.drafts.length === 0 ? <p>{t('offline.empty')}</p> : null}
        <div class="drafts">
          {data.drafts.map((d) => (
            <DraftCard d={d} key={d.id} />
          ))}
        </div>
        {recentlySent.length ? (
          <section aria-labelledby="sent-h">
            <h2 id="sent-h">{t('offline.sent.title')}</h2>
            <ul>
              {recentlySent.map((s) => (
                <li key={s.draft}>
                  <span class="badge badge-draft-sent">{t('offline.state.sent')}</span>{' '}
                  {t('offline.sent.item', { files: s.files })} <a href={`/incidents/${enc(s.incident)}`}>{s.incident}</a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </>
    );
  },
});

interface Captured {
  file: Omit<DraftFile, 'id'>;
  bytes: ArrayBuffer;
}

// The files of a draft: each one's SHA-256 and time taken when it is chosen.
function FileCapture({ kept, onChange }: { kept: DraftFile[]; onChange: (c: Captured[], pending: Promise<void>) => void }) {
  const [captured, setCaptured] = useState<Captured[]>([]);
  const all = useRef<Captured[]>([]);
  const choose = (ev: Event) => {
    const input = ev.currentTarget as HTMLInputElement;
    const files = [...(input.files ?? [])];
    const pending = (async () => {
      for (const file of files) {
        const bytes = await file.arrayBuffer();
        const captured_at = new Date().toISOString();
        const sha256 = await sha256Hex(bytes);
        all.current = [...all.current, { file: { name: file.name, type: file.type || 'application/octet-stream', size: file.size, sha256, captured_at }, bytes }];
      }
      setCaptured(all.current);
      onChange(all.current, Promise.resolve());
      announce(t('offline.file.captured', { count: files.length }));
      input.value = '';
    })();
    onChange(all.current, pending);
  };
  return (
    <fieldset class="files">
      <legend>{t('offline.file.legend')}</legend>
      <Field label={t('offline.file.choose')} hint={t('offline.file.hint')}>
        <input type="file" name="files" multiple onChange={choose} />
      </Field>
      {kept.length || captured.length ? (
        <ul class="files" aria-label={t('offline.file.listLabel')}>
          {kept.map((f) => (
            <FileFacts f={f} key={f.id} />
          ))}
          {captured.map((c, i) => (
            <FileFacts f={c.file} key={`new-${i}`} />
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

interface DraftPageData {
  locked: boolean;
  draft: Draft | null;
  form: Loaded | null;
}

function DraftForm({ data }: { data: DraftPageData }) {
  const captured = useRef<Captured[]>([]);
  const pending = useRef<Promise<void>>(Promise.resolve());
  const draft = data.draft;
  const onDraft = async (body: Record<string, unknown>) => {
    await pending.current;
    const id = draft?.id ?? randomId();
    const files: DraftFile[] = [...(draft?.files ?? [])];
    for (const c of captured.current) {
      const fileId = await saveFile(id, c.bytes);
      files.push({ ...c.file, id: fileId });
    }
    await saveDraft({ id, body, files, created_at: draft?.created_at ?? new Date().toISOString(), state: 'waiting' });
    flash(t('offline.draft.kept'));
    navigate('/outbox');
  };
  return (
    <IncidentForm
      {...data.form!}
      onDraft={onDraft}
      submitLabel={t('offline.draft.save')}
      cancelHref="/outbox"
      extra={
        <FileCapture
          kept={draft?.files ?? []}
          onChange={(c, p) => {
            captured.current = c;
            pending.current = p;
          }}
        />
      }
    />
  );
}

export const draftPage = definePage({
  load: async ({ route }): Promise<DraftPageData> => {
    if (!unlocked()) return { locked: true, draft: null, form: null };
    const draft = route.id ? await getDraft(route.id) : null;
    const ref = await reference();
    const inc = draft
      ? (draft.body as Loaded['inc'])
      : { violations: [], perpetrators: [], nexus: [], sources: [], status: 'reported', date_precision: 'day', consent: 'aggregate_reporting' };
    return { locked: false, draft, form: { editing: false, inc, etag: null, ps: ref?.ps ?? [], sits: ref?.sits ?? [], sources: ref?.sources ?? [] } };
  },
  View: ({ data, ctx }) => {
    const crumbs = (
      <p class="crumbs">
        <a href="/outbox">{t('offline.title')}</a>
        {' / '}
        {ctx.route.id ? t('offline.draft.editCrumb') : t('offline.draft.newCrumb')}
      </p>
    );
    if (data.locked)
      return (
        <>
          {crumbs}
          <h1>{t('offline.draft.newTitle')}</h1>
          <p>
            {t('offline.draft.unlockFirst')} <a href="/outbox">{t('offline.draft.toOutbox')}</a>
          </p>
        </>
      );
    if (ctx.route.id && !data.draft)
      return (
        <>
          {crumbs}
          <h1>{t('offline.draft.editTitle')}</h1>
          <p>{t('offline.draft.notFound')}</p>
        </>
      );
    return (
      <>
        {crumbs}
        <h1>{data.draft ? t('offline.draft.editTitle') : t('offline.draft.newTitle')}</h1>
        <p>{t('offline.draft.formIntro')}</p>
        {data.form!.sits.length === 0 ? <p class="note">{t('offline.draft.noReference')}</p> : null}
        {data.draft?.problem ? <p class="error problem">{problemText(data.draft)}</p> : null}
        <DraftForm data={data} />
      </>
    );
  },
});


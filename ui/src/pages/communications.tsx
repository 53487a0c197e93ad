// Communications from outside (POST/GET /communications, POST
// /communications/{id}/ruling) and the private follow page (GET
// /follow/{token}). Every logged-in principal may submit one (partner
// organisations hold a viewer account); the answer carries the private
// link once, shown here and nowhere else. Confidential readers see the
// list; decision makers put a communication under review and rule on it
// with reasons. The follow page needs no login: the token, kept in the
// link's fragment so it never reaches a server log, shows that one
// communication's reference, dates, status and reasons, and nothing else.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { API, call, enc, get } from '../api';
import { announce, flash, navigate, parties } from '../app';
import { Card, humanize, Options } from '../components/common';
import { Field, useRefusals } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';
import { hasRole, me } from '../session';

interface Attachment {
  sha256: string;
  size: number;
  media_type: string;
}
interface Communication {
  id: string;
  kind: string;
  party?: string;
  submitter_kind?: string;
  submitter?: string;
  submitted_by?: string;
  received: string;
  text?: string;
  attachments?: Attachment[];
  status: string;
  review_started?: string;
  ruled?: string;
  ruled_by?: string;
  reason?: string;
}
interface Followed {
  id: string;
  received: string;
  review_started?: string;
  ruled?: string;
  status: string;
  reason?: string;
}
interface Submitted extends Followed {
  attachments: number;
  follow_token: string;
}

const KINDS: Array<[string, string]> = [
  ['listing_request', 'Request to list a party'],
  ['delisting_request', 'Request to delist a party'],
  ['information', 'Information'],
];
const SUBMITTERS: Array<[string, string]> = [
  ['ngo', 'Non-governmental organisation'],
  ['coalition', 'Coalition'],
  ['survivors_organisation', "Survivors' organisation"],
];
const RULINGS: Array<[string, string]> = [
  ['under_review', 'Under review'],
  ['accepted', 'Accepted'],
  ['declined', 'Declined'],
  ['noted', 'Noted'],
];

// The receipt of a submission, with its private link (shown this once).
function Receipt({ r }: { r: Submitted }) {
  const url = `${location.origin}/follow#${r.follow_token}`;
  return (
    <Card id="com-receipt-h" title={`Communication ${r.id} received`} class="receipt">
      <p>{`Received on ${r.received}${r.attachments ? ` with ${t('communications.attachments', { count: r.attachments })}` : ''}. Its status can be followed through this private link:`}</p>
      <p>
        <a href={`/follow#${r.follow_token}`} class="follow-link">
          {url}
        </a>
      </p>
      <p class="warning">
        Keep this link: it is shown only now and cannot be shown again. Anyone holding it sees the reference, the dates, the status and the reasons of the ruling, nothing else.
      </p>
    </Card>
  );
}

function IntakeForm({ options, after }: { options: Array<[string, string]>; after: (r: Submitted) => void }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const fields = new FormData(form);
    // The attachments go as files of the multipart body; an empty file
    // input sends none.
    const data = new FormData();
    data.append('kind', String(fields.get('kind')));
    if (fields.get('party')) data.append('party', String(fields.get('party')));
    data.append('submitter_kind', String(fields.get('submitter_kind')));
    data.append('submitter', String(fields.get('submitter')));
    data.append('text', String(fields.get('text')));
    for (const f of fields.getAll('attachment')) if (f instanceof File && f.name) data.append('attachment', f, f.name);
    try {
      const r = await call<Submitted>('POST', '/communications', undefined, { form: data });
      form.reset();
      after(r.data);
      announce(`Communication ${r.data.id} received. Keep its private link: it is shown only once.`, 'success');
    } catch (e) {
      refusals.refuse(form, e, 'Not submitted');
    }
  };
  return (
    <Card id="com-new-h" title="Submit a communication">
      <form class="communication-form" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label="Kind" pointer="/kind" refusals={refusals}>
            <select name="kind" required>
              <Options options={KINDS} value="listing_request" />
            </select>
          </Field>
          <Field label="Party concerned" pointer="/party" refusals={refusals} hint="Required for a request to list or delist.">
            <select name="party">
              <Options options={[['', 'No party'], ...options]} value="" />
            </select>
          </Field>
        </div>
        <div class="grid-form">
          <Field label="Organisation type" pointer="/submitter_kind" refusals={refusals}>
            <select name="submitter_kind" required>
              <Options options={SUBMITTERS} value="ngo" />
            </select>
          </Field>
          <Field label="Organisation" pointer="/submitter" refusals={refusals}>
            <input type="text" name="submitter" required autocomplete="organization" />
          </Field>
        </div>
        <Field label="Communication" pointer="/text" refusals={refusals} hint="What you ask or report. Only the listing office reads it.">
          <textarea name="text" rows={5} required />
        </Field>
        <Field label="Attachments" pointer="/attachments" refusals={refusals} hint="Optional, up to 10 files; stored encrypted.">
          <input type="file" name="attachment" multiple />
        </Field>
        <div class="actions">
          <button type="submit">Submit communication</button>
        </div>
      </form>
    </Card>
  );
}

function RuleForm({ open }: { open: Communication[] }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    try {
      const r = await call<Communication>('POST', `/communications/${enc(String(data.get('communication')))}/ruling`, { status: data.get('status'), reason: data.get('reason') });
      flash(`Communication ${r.data.id}: ${humanize(r.data.status)}.`);
      navigate('/communications', true);
    } catch (e) {
      refusals.refuse(form, e, 'Not recorded', { '/reason': 'Reasons', '/status': 'Status', id: 'Reference' });
    }
  };
  return (
    <Card id="com-rule-h" title="Review and rule">
      <form class="communication-ruling" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label="Reference" pointer="id" refusals={refusals}>
            <select name="communication" required>
              <Options options={open.map((c): [string, string] => [c.id, `${c.id} (${humanize(c.status)})`])} value={open[0]?.id} />
            </select>
          </Field>
          <Field label="Status" pointer="/status" refusals={refusals}>
            <select name="status" required>
              <Options options={RULINGS} value="under_review" />
            </select>
          </Field>
        </div>
        <Field label="Reasons" pointer="/reason" refusals={refusals} hint="Required to accept, decline or note it. The submitter reads them through the private link.">
          <textarea name="reason" rows={3} />
        </Field>
        <div class="actions">
          <button type="submit">Record status</button>
        </div>
      </form>
    </Card>
  );
}

// Each attachment as a download link named by its number, type and size;
// the sender's name for the file is never kept. Each download is recorded
// in the audit log.
function AttachmentLinks({ id, list }: { id: string; list: Attachment[] | undefined }) {
  if (!list?.length) return null;
  return (
    <ul class="plain">
      {list.map((a, i) => (
        <li key={a.sha256 + i}>
          <a href={`/api/v1/communications/${enc(id)}/attachments/${i + 1}`} download={`${id}-${i + 1}`}>
            {`Attachment ${i + 1}: ${a.media_type}, ${a.size} bytes`}
          </a>
          {`, SHA-256 ${a.sha256.slice(0, 12)}…`}
        </li>
      ))}
    </ul>
  );
}

export default definePage({
  load: async () => {
    const all = await parties();
    const reads = hasRole('reviewer', 'decision_maker', 'admin');
    const list = reads ? (await get<{ items: Communication[] }>('/communications')).items : [];
    return { all, reads, list };
  },
  View: ({ data: { all, reads, list } }) => {
    const [receipt, setReceipt] = useState<Submitted | null>(null);
    const names = new Map(all.map((p) => [p.id, p.name]));
    const options = all.map((p): [string, string] => [p.id, `${p.name} (${p.id})`]);
    const open = list.filter((c) => c.status === 'received' || c.status === 'under_review');
    return (
      <>
        <h1>Communications</h1>
        <p class="lead">
          Non-governmental organisations, coalitions and survivors' organisations may ask for a party's listing or delisting, or send information. Only the listing office reads what is sent; the
          sender follows the communication through a private link.
        </p>
        <div class="receipt-slot">{receipt ? <Receipt r={receipt} /> : null}</div>
        <IntakeForm options={options} after={setReceipt} />
        {hasRole('decision_maker') && open.length ? <RuleForm open={open} /> : null}
        {reads ? (
          <Card id="com-list-h" title="Communications received">
            <DataTable
              headers={['Reference', 'Received', 'Kind', 'Party', 'Organisation', 'Communication', 'Attachments', 'Status', 'Reasons']}
              rows={list.map((c) => [
                c.id,
                c.received,
                humanize(c.kind),
                c.party ? (names.get(c.party) ?? c.party) : '',
                c.submitter ? `${c.submitter}${c.submitter_kind ? ` (${humanize(c.submitter_kind)})` : ''}` : '',
                c.text ?? '',
                <AttachmentLinks id={c.id} list={c.attachments} />,
                humanize(c.status),
                c.reason ? `${c.reason}${c.ruled_by ? ` (${c.ruled_by}, ${c.ruled ?? ''})` : ''}` : '',
              ])}
              caption="Communications received"
              empty="No communications."
              rowKeys={list.map((c) => c.id)}
            />
          </Card>
        ) : null}
      </>
    );
  },
});

function FollowFacts({ f }: { f: Followed }) {
  const rows: Array<[string, string]> = [
    ['Reference', f.id],
    ['Received', f.received],
    ['Status', humanize(f.status)],
  ];
  if (f.review_started) rows.push(['Under review since', f.review_started]);
  if (f.ruled) rows.push(['Ruled on', f.ruled]);
  if (f.reason) rows.push(['Reasons', f.reason]);
  return (
    <dl class="facts follow" aria-label={`Status of communication ${f.id}`}>
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

// The form that takes a private link (or its token) and shows its status.
function FollowForm() {
  const submit = (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const value = String(new FormData(form).get('token') ?? '').trim();
    const token = value.includes('#') ? value.slice(value.indexOf('#') + 1) : value;
    // The token lives in the fragment, which routing ignores: set it, then
    // load the page at the same address again.
    history.pushState(null, '', `/follow#${token}`);
    navigate('/follow');
  };
  return (
    <form class="follow-form" noValidate onSubmit={submit}>
      <Field label="Private link or token">
        <input type="text" name="token" required autocomplete="off" spellcheck={false} />
      </Field>
      <div class="actions">
        <button type="submit">Show status</button>
      </div>
    </form>
  );
}

// The private follow page: /follow#TOKEN.
export const follow = definePage({
  load: async () => {
    const token = location.hash.replace(/^#/, '').trim();
    if (!token) return { token, followed: null };
    // The link is the credential: no session, no cookie needed.
    const res = await fetch(`${API}/follow/${enc(token)}`, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
    return { token, followed: res.ok ? ((await res.json()) as Followed) : null };
  },
  View: ({ data: { token, followed }, ctx }) => {
    // Another fragment (going back, or an edited address) is another link.
    useEffect(() => {
      addEventListener('hashchange', ctx.reload);
      return () => removeEventListener('hashchange', ctx.reload);
    }, [ctx]);
    return (
      <>
        <h1>Follow a communication</h1>
        {!token ? (
          <>
            <p>Paste the private link you were given when the communication was submitted.</p>
            <FollowForm />
          </>
        ) : !followed ? (
          <>
            <p class="error" role="alert">
              No communication answers this link. Check that you copied the whole link.
            </p>
            <FollowForm />
          </>
        ) : (
          <>
            <p class="lead">This page shows where your communication stands, and nothing else.</p>
            <FollowFacts f={followed} />
            {me() ? (
              <p>
                <a href="/communications">Communications</a>
              </p>
            ) : null}
          </>
        )}
      </>
    );
  },
});

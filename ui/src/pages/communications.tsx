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

// The status line's kind for a message of success.
const SUCCESS = 'success';

// The choices of the forms, as [value sent, words shown], in the reader's
// language.
const kinds = (): Array<[string, string]> => [
  ['listing_request', t('communications.kind.listingRequest')],
  ['delisting_request', t('communications.kind.delistingRequest')],
  ['information', t('communications.kind.information')],
];
const submitters = (): Array<[string, string]> => [
  ['ngo', t('communications.submitter.ngo')],
  ['coalition', t('communications.submitter.coalition')],
  ['survivors_organisation', t('communications.submitter.survivorsOrganisation')],
];
const rulings = (): Array<[string, string]> => [
  ['under_review', t('communications.ruling.underReview')],
  ['accepted', t('communications.ruling.accepted')],
  ['declined', t('communications.ruling.declined')],
  ['noted', t('communications.ruling.noted')],
];

// The receipt of a submission, with its private link (shown this once).
function Receipt({ r }: { r: Submitted }) {
  const url = `${location.origin}/follow#${r.follow_token}`;
  return (
    <Card id="com-receipt-h" title={t('communications.receipt.title', { id: r.id })} class="receipt">
      <p>
        {r.attachments
          ? t('communications.receipt.receivedWith', { received: r.received, attachments: t('communications.attachments', { count: r.attachments }) })
          : t('communications.receipt.received', { received: r.received })}
      </p>
      <p>
        <a href={`/follow#${r.follow_token}`} class="follow-link">
          {url}
        </a>
      </p>
      <p class="warning">{t('communications.receipt.keep')}</p>
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
      announce(t('communications.submitted', { id: r.data.id }), SUCCESS);
    } catch (e) {
      refusals.refuse(form, e, t('communications.notSubmitted'));
    }
  };
  return (
    <Card id="com-new-h" title={t('communications.new.title')}>
      <form class="communication-form" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label={t('communications.field.kind')} pointer="/kind" refusals={refusals}>
            <select name="kind" required>
              <Options options={kinds()} value="listing_request" />
            </select>
          </Field>
          <Field label={t('communications.field.party')} pointer="/party" refusals={refusals} hint={t('communications.field.partyHint')}>
            <select name="party">
              <Options options={[['', t('communications.noParty')], ...options]} value="" />
            </select>
          </Field>
        </div>
        <div class="grid-form">
          <Field label={t('communications.field.submitterKind')} pointer="/submitter_kind" refusals={refusals}>
            <select name="submitter_kind" required>
              <Options options={submitters()} value="ngo" />
            </select>
          </Field>
          <Field label={t('communications.field.submitter')} pointer="/submitter" refusals={refusals}>
            <input type="text" name="submitter" required autocomplete="organization" />
          </Field>
        </div>
        <Field label={t('communications.field.text')} pointer="/text" refusals={refusals} hint={t('communications.field.textHint')}>
          <textarea name="text" rows={5} required />
        </Field>
        <Field label={t('communications.field.attachments')} pointer="/attachments" refusals={refusals} hint={t('communications.field.attachmentsHint')}>
          <input type="file" name="attachment" multiple />
        </Field>
        <div class="actions">
          <button type="submit">{t('communications.new.submit')}</button>
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
      flash(t('communications.ruled', { id: r.data.id, status: humanize(r.data.status) }));
      navigate('/communications', true);
    } catch (e) {
      refusals.refuse(form, e, t('communications.notRecorded'), {
        '/reason': t('communications.field.reasons'),
        '/status': t('communications.field.status'),
        id: t('communications.field.reference'),
      });
    }
  };
  return (
    <Card id="com-rule-h" title={t('communications.rule.title')}>
      <form class="communication-ruling" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label={t('communications.field.reference')} pointer="id" refusals={refusals}>
            <select name="communication" required>
              <Options options={open.map((c): [string, string] => [c.id, `${c.id} (${humanize(c.status)})`])} value={open[0]?.id} />
            </select>
          </Field>
          <Field label={t('communications.field.status')} pointer="/status" refusals={refusals}>
            <select name="status" required>
              <Options options={rulings()} value="under_review" />
            </select>
          </Field>
        </div>
        <Field label={t('communications.field.reasons')} pointer="/reason" refusals={refusals} hint={t('communications.field.reasonsHint')}>
          <textarea name="reason" rows={3} />
        </Field>
        <div class="actions">
          <button type="submit">{t('communications.rule.submit')}</button>
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
            {t('communications.attachment.link', { n: i + 1, type: a.media_type, size: a.size })}
          </a>
          {t('communications.attachment.digest', { digest: a.sha256.slice(0, 12) })}
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
    const headers = [
      t('communications.field.reference'),
      t('communications.field.received'),
      t('communications.field.kind'),
      t('communications.list.party'),
      t('communications.field.submitter'),
      t('communications.field.text'),
      t('communications.field.attachments'),
      t('communications.field.status'),
      t('communications.field.reasons'),
    ];
    return (
      <>
        <h1>{t('communications.title')}</h1>
        <p class="lead">{t('communications.lead')}</p>
        <div class="receipt-slot">{receipt ? <Receipt r={receipt} /> : null}</div>
        <IntakeForm options={options} after={setReceipt} />
        {hasRole('decision_maker') && open.length ? <RuleForm open={open} /> : null}
        {reads ? (
          <Card id="com-list-h" title={t('communications.list.title')}>
            <DataTable
              headers={headers}
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
              caption={t('communications.list.title')}
              empty={t('communications.list.empty')}
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
    [t('communications.field.reference'), f.id],
    [t('communications.field.received'), f.received],
    [t('communications.field.status'), humanize(f.status)],
  ];
  if (f.review_started) rows.push([t('communications.follow.reviewStarted'), f.review_started]);
  if (f.ruled) rows.push([t('communications.follow.ruled'), f.ruled]);
  if (f.reason) rows.push([t('communications.field.reasons'), f.reason]);
  return (
    <dl class="facts follow" aria-label={t('communications.follow.status', { id: f.id })}>
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
      <Field label={t('communications.follow.token')}>
        <input type="text" name="token" required autocomplete="off" spellcheck={false} />
      </Field>
      <div class="actions">
        <button type="submit">{t('communications.follow.show')}</button>
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
        <h1>{t('communications.follow.title')}</h1>
        {!token ? (
          <>
            <p>{t('communications.follow.paste')}</p>
            <FollowForm />
          </>
        ) : !followed ? (
          <>
            <p class="error" role="alert">
              {t('communications.follow.unknown')}
            </p>
            <FollowForm />
          </>
        ) : (
          <>
            <p class="lead">{t('communications.follow.lead')}</p>
            <FollowFacts f={followed} />
            {me() ? (
              <p>
                <a href="/communications">{t('communications.title')}</a>
              </p>
            ) : null}
          </>
        )}
      </>
    );
  },
});

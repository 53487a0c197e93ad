// Communications from outside (POST/GET /communications, POST
// /communications/{id}/ruling) and the private follow page (GET
// /follow/{token}). Every logged-in principal may submit one (partner
// organisations hold a viewer account); the answer carries the private
// link once, shown here and nowhere else. Confidential readers see the
// list; decision makers put a communication under review and rule on it
// with reasons. The follow page needs no login: the token, kept in the
// link's fragment so it never reaches a server log, shows that one
// communication's reference, dates, status and reasons, and nothing else.
import { API, call, enc, get } from '../api';
import { announce, flash, navigate, parties } from '../app';
import { field, h, humanize, nodes, select, table } from '../dom';
import { hasRole, me } from '../session';
import { clearErrors, showRefusal } from './forms';

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

function followLink(token: string): string {
  return `${location.origin}/follow#${token}`;
}

function receipt(r: Submitted): HTMLElement {
  const url = followLink(r.follow_token);
  return h(
    'section',
    { class: 'card receipt', 'aria-labelledby': 'com-receipt-h' },
    h('h2', { id: 'com-receipt-h' }, `Communication ${r.id} received`),
    h('p', null, `Received on ${r.received}${r.attachments ? ` with ${r.attachments} ${r.attachments === 1 ? 'attachment' : 'attachments'}` : ''}. Its status can be followed through this private link:`),
    h('p', null, h('a', { href: `/follow#${r.follow_token}`, class: 'follow-link' }, url)),
    h('p', { class: 'warning' }, 'Keep this link: it is shown only now and cannot be shown again. Anyone holding it sees the reference, the dates, the status and the reasons of the ruling, nothing else.'),
  );
}

function intakeForm(options: Array<[string, string]>, after: (r: Submitted) => void): HTMLElement {
  const kind = select('kind', KINDS, 'listing_request', { required: true, 'data-pointer': '/kind' });
  const party = select('party', [['', 'No party'], ...options], '', { 'data-pointer': '/party' });
  const submitterKind = select('submitter_kind', SUBMITTERS, 'ngo', { required: true, 'data-pointer': '/submitter_kind' });
  const submitter = h('input', { type: 'text', name: 'submitter', required: true, autocomplete: 'organization', 'data-pointer': '/submitter' });
  const text = h('textarea', { name: 'text', rows: '5', required: true, 'data-pointer': '/text' });
  const files = h('input', { type: 'file', name: 'attachment', multiple: true, 'data-pointer': '/attachments' });
  const form = h(
    'form',
    { class: 'communication-form', novalidate: true },
    h('div', { class: 'grid-form' }, field('Kind', kind), field('Party concerned', party, 'Required for a request to list or delist.')),
    h('div', { class: 'grid-form' }, field('Organisation type', submitterKind), field('Organisation', submitter)),
    field('Communication', text, 'What you ask or report. Only the listing office reads it.'),
    field('Attachments', files, 'Optional, up to 10 files; stored encrypted.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Submit communication')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const data = new FormData();
    data.append('kind', kind.value);
    if (party.value) data.append('party', party.value);
    data.append('submitter_kind', submitterKind.value);
    data.append('submitter', submitter.value);
    data.append('text', text.value);
    for (const f of Array.from(files.files ?? [])) data.append('attachment', f, f.name);
    try {
      const r = await call<Submitted>('POST', '/communications', undefined, { form: data });
      form.reset();
      after(r.data);
      announce(`Communication ${r.data.id} received. Keep its private link: it is shown only once.`, 'success');
    } catch (e) {
      showRefusal(form, e, 'Not submitted', {
        '/kind': 'Kind',
        '/party': 'Party concerned',
        '/submitter_kind': 'Organisation type',
        '/submitter': 'Organisation',
        '/text': 'Communication',
        '/attachments': 'Attachments',
      });
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'com-new-h' }, h('h2', { id: 'com-new-h' }, 'Submit a communication'), form);
}

function ruleForm(open: Communication[]): HTMLElement {
  const which = select('communication', open.map((c): [string, string] => [c.id, `${c.id} (${humanize(c.status)})`]), open[0]?.id, { required: true, 'data-pointer': 'id' });
  const status = select('status', RULINGS, 'under_review', { required: true, 'data-pointer': '/status' });
  const reason = h('textarea', { name: 'reason', rows: '3', 'data-pointer': '/reason' });
  const form = h(
    'form',
    { class: 'communication-ruling', novalidate: true },
    h('div', { class: 'grid-form' }, field('Reference', which), field('Status', status)),
    field('Reasons', reason, 'Required to accept, decline or note it. The submitter reads them through the private link.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Record status')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    try {
      const r = await call<Communication>('POST', `/communications/${enc(which.value)}/ruling`, { status: status.value, reason: reason.value });
      flash(`Communication ${r.data.id}: ${humanize(r.data.status)}.`);
      navigate('/communications', true);
    } catch (e) {
      showRefusal(form, e, 'Not recorded', { '/reason': 'Reasons', '/status': 'Status', id: 'Reference' });
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'com-rule-h' }, h('h2', { id: 'com-rule-h' }, 'Review and rule'), form);
}

function attachmentsText(list: Attachment[] | undefined): string {
  if (!list?.length) return '';
  return list.map((a) => `${a.media_type}, ${a.size} bytes, SHA-256 ${a.sha256.slice(0, 12)}…`).join('; ');
}

export default async function communications(main: HTMLElement): Promise<void> {
  const all = await parties();
  const names = new Map(all.map((p) => [p.id, p.name]));
  const options = all.map((p): [string, string] => [p.id, `${p.name} (${p.id})`]);
  const reads = hasRole('reviewer', 'decision_maker', 'admin');
  const list = reads ? (await get<{ items: Communication[] }>('/communications')).items : [];
  const receiptSlot = h('div', { class: 'receipt-slot' });
  const open = list.filter((c) => c.status === 'received' || c.status === 'under_review');
  main.append(
    ...nodes(
      h('h1', null, 'Communications'),
      h(
        'p',
        { class: 'lead' },
        "Non-governmental organisations, coalitions and survivors' organisations may ask for a party's listing or delisting, or send information. Only the listing office reads what is sent; the sender follows the communication through a private link.",
      ),
      receiptSlot,
      intakeForm(options, (r) => receiptSlot.replaceChildren(receipt(r))),
      hasRole('decision_maker') && open.length ? ruleForm(open) : null,
      reads
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'com-list-h' },
            h('h2', { id: 'com-list-h' }, 'Communications received'),
            table(
              ['Reference', 'Received', 'Kind', 'Party', 'Organisation', 'Communication', 'Attachments', 'Status', 'Reasons'],
              list.map((c) => [
                c.id,
                c.received,
                humanize(c.kind),
                c.party ? names.get(c.party) ?? c.party : '',
                c.submitter ? `${c.submitter}${c.submitter_kind ? ` (${humanize(c.submitter_kind)})` : ''}` : '',
                c.text ?? '',
                attachmentsText(c.attachments),
                humanize(c.status),
                c.reason ? `${c.reason}${c.ruled_by ? ` (${c.ruled_by}, ${c.ruled ?? ''})` : ''}` : '',
              ]),
              'Communications received',
              undefined,
              { empty: 'No communications.' },
            ),
          )
        : null,
    ),
  );
}

function followView(f: Followed): HTMLElement {
  const rows: Array<[string, string]> = [
    ['Reference', f.id],
    ['Received', f.received],
    ['Status', humanize(f.status)],
  ];
  if (f.review_started) rows.push(['Under review since', f.review_started]);
  if (f.ruled) rows.push(['Ruled on', f.ruled]);
  if (f.reason) rows.push(['Reasons', f.reason]);
  return h('dl', { class: 'facts follow', 'aria-label': `Status of communication ${f.id}` }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

// The private follow page: /follow#TOKEN.
export async function follow(main: HTMLElement): Promise<void> {
  const token = location.hash.replace(/^#/, '').trim();
  main.append(h('h1', null, 'Follow a communication'));
  const form = h(
    'form',
    { class: 'follow-form', novalidate: true },
    field('Private link or token', h('input', { type: 'text', name: 'token', required: true, autocomplete: 'off', spellcheck: 'false' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show status')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = (form.elements.namedItem('token') as HTMLInputElement).value.trim();
    const t = value.includes('#') ? value.slice(value.indexOf('#') + 1) : value;
    navigate(`/follow#${t}`);
  });
  if (!token) {
    main.append(h('p', null, 'Paste the private link you were given when the communication was submitted.'), form);
    return;
  }
  // The link is the credential: no session, no cookie needed.
  const res = await fetch(`${API}/follow/${enc(token)}`, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
  if (!res.ok) {
    main.append(
      h('p', { class: 'error', role: 'alert' }, 'No communication answers this link. Check that you copied the whole link.'),
      form,
    );
    return;
  }
  const f = (await res.json()) as Followed;
  main.append(h('p', { class: 'lead' }, 'This page shows where your communication stands, and nothing else.'), followView(f));
  if (me()) main.append(h('p', null, h('a', { href: '/communications' }, 'Communications')));
}

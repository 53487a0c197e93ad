// Publications: the annexes published so far, each with its signed files,
// and for decision makers the two steps of publishing a cycle: a request
// with a statement, and the sign-off by another decision maker, which
// freezes the public edition (GET/POST /publications, POST
// /publications/{cycle}/signoff). The server decides who sees what: a
// reader without the confidential record gets published records without
// statements or names.
import { ApiError, call, enc } from '../api';
import { announce, cycles, errorText, flash, navigate } from '../app';
import { field, h, nodes, select, table } from '../dom';
import { plainMessage } from '../messages';
import { hasRole, me } from '../session';

export interface PublishedFile {
  name: string;
  format: string;
  bytes: number;
  sha256: string;
  href: string;
}
export interface Publication {
  cycle: number;
  number: number;
  state: string;
  rationale: string;
  requested_by: string;
  requested_at: string;
  signed_off_by: string;
  signed_off_at: string;
  policy: { name: string; version: string; digest: string };
  requested_data_digest: string;
  data_digest: string;
  audit_head: { seq: number; hash: string };
  directory: string;
  files: PublishedFile[];
}

const FORMAT_NAMES: Record<string, string> = { html: 'HTML', md: 'Markdown', json: 'JSON', csv: 'CSV', ftm: 'FollowTheMoney' };

// "2026-01-31T12:00:00Z" as "2026-01-31 12:00 UTC".
function when(iso: string): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
}

// The download links of a publication: each report file, then its signature.
export function fileLinks(p: { cycle: number; number: number; files: Array<{ name: string; format: string; href: string }> }): HTMLElement {
  const reports = p.files.filter((f) => f.format !== 'signature');
  return h(
    'ul',
    { class: 'file-list' },
    reports.map((f) => {
      const sig = p.files.find((s) => s.name === `${f.name}.sig`);
      const label = FORMAT_NAMES[f.format] ?? f.format;
      return h(
        'li',
        null,
        h('a', { href: f.href, download: f.name, 'aria-label': `${label} of publication ${p.cycle}-${p.number}` }, label),
        sig ? [' (', h('a', { href: sig.href, download: sig.name, 'aria-label': `Signature of the ${label} file of publication ${p.cycle}-${p.number}` }, 'signature'), ')'] : null,
      );
    }),
  );
}

function requestForm(cyc: number[]): HTMLElement {
  const latest = cyc.length ? cyc[cyc.length - 1] : new Date().getUTCFullYear();
  const cycleSel = select('cycle', cyc.map((c): [string, string] => [String(c), String(c)]), String(latest), { required: true, 'data-pointer': '/cycle' });
  const rationale = h('textarea', { name: 'rationale', rows: '3', required: true, 'data-pointer': '/rationale' });
  const form = h(
    'form',
    { class: 'publication-form', novalidate: true },
    h('div', { class: 'grid-form' }, field('Cycle', cycleSel)),
    field('Statement', rationale, 'Required. Why this annex is ready to be published; another decision maker signs it off.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Request publication')),
  );
  const setErr = (ctl: HTMLElement, msg: string) => {
    const p = ctl.closest('.field')?.querySelector<HTMLElement>('.field-error');
    if (!p) return;
    p.textContent = msg;
    p.hidden = false;
    ctl.setAttribute('aria-invalid', 'true');
    const described = new Set((ctl.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    described.add(p.id);
    ctl.setAttribute('aria-describedby', [...described].join(' '));
    ctl.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll<HTMLElement>('.field-error').forEach((p) => (p.hidden = true));
    form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
    if (!rationale.value.trim()) {
      setErr(rationale, 'Statement: a publication request needs a statement.');
      announce('Not requested: the statement is missing.', 'error');
      return;
    }
    try {
      const r = await call<Publication>('POST', '/publications', { cycle: Number(cycleSel.value), rationale: rationale.value });
      flash(`Publication ${r.data.cycle}-${r.data.number} requested; another decision maker signs it off.`);
      navigate('/publications', true);
    } catch (e) {
      const ctl = e instanceof ApiError && e.field ? form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(e.field)}"]`) : null;
      const label = ctl === rationale ? 'Statement' : ctl === cycleSel ? 'Cycle' : undefined;
      const message = e instanceof ApiError ? plainMessage(e.detail, label) : errorText(e);
      if (ctl) setErr(ctl, message);
      announce(`Not requested: ${message}`, 'error');
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'pub-req-h' }, h('h2', { id: 'pub-req-h' }, 'Request a publication'), form);
}

function signOffButton(p: Publication): HTMLElement {
  const self = me()?.name;
  if (p.requested_by === self) return h('span', { class: 'hint' }, 'Your request: another decision maker signs it off.');
  const button = h('button', { type: 'button', 'aria-label': `Sign off publication ${p.cycle}-${p.number}` }, 'Sign off');
  button.addEventListener('click', async () => {
    button.disabled = true;
    announce(`Writing and signing the annex of ${p.cycle}…`);
    try {
      const r = await call<Publication>('POST', `/publications/${enc(String(p.cycle))}/signoff`, {});
      flash(`Publication ${r.data.cycle}-${r.data.number} published: ${r.data.files.length} files signed.`);
      navigate('/publications', true);
    } catch (e) {
      button.disabled = false;
      announce(`Not signed off: ${errorText(e)}`, 'error');
    }
  });
  return button;
}

export default async function publications(main: HTMLElement): Promise<void> {
  const [list, cyc] = await Promise.all([call<{ items: Publication[] }>('GET', '/publications'), cycles()]);
  const items = list.data.items;
  const decides = hasRole('decision_maker');
  const pending = items.filter((p) => p.state === 'requested');
  const published = items.filter((p) => p.state === 'published').reverse();
  main.append(
    ...nodes(
      h('h1', null, 'Publications'),
      h(
        'p',
        { class: 'lead' },
        'A published annex is frozen: the public edition of the report, signed, as it was when a second decision maker signed off the request. Later changes to the data do not change it; a new publication of the same cycle gets the next number.',
      ),
      decides ? requestForm(cyc) : null,
      decides
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'pub-pend-h' },
            h('h2', { id: 'pub-pend-h' }, 'Awaiting sign-off'),
            table(
              ['Publication', 'Requested by', 'Requested at', 'Statement', 'Policy', 'Sign-off'],
              pending.map((p) => [`${p.cycle}-${p.number}`, p.requested_by, when(p.requested_at), p.rationale, `${p.policy.name} ${p.policy.version}`, signOffButton(p)]),
              'Publication requests awaiting sign-off',
              undefined,
              { empty: 'No request awaits sign-off.' },
            ),
          )
        : null,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'pub-list-h' },
        h('h2', { id: 'pub-list-h' }, 'Published'),
        table(
          ['Publication', 'Signed off', 'Requested by', 'Signed off by', 'Statement', 'Policy', 'Data digest', 'Files'],
          published.map((p) => [
            `${p.cycle}-${p.number}`,
            when(p.signed_off_at),
            p.requested_by,
            p.signed_off_by,
            p.rationale,
            `${p.policy.name} ${p.policy.version}`,
            h('code', { title: p.data_digest }, `${p.data_digest.slice(0, 16)}…`),
            fileLinks(p),
          ]),
          'Published annexes',
          undefined,
          { empty: 'Nothing has been published yet.' },
        ),
        h('p', { class: 'hint' }, 'Each file has a detached signature (mara-signature/1); check one with mara verify-report FILE --signature FILE.sig.'),
      ),
    ),
  );
}

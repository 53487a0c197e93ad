// Annex and reports: the annex as it will be published, and a download
// link for every format and edition the user may read.
import { qs } from '../api';
import { cycles, link, navigate, parties, situations } from '../app';
import { Annex, AnnexPublished, loadAnnex } from '../annex';
import { field, h, humanize, select, table } from '../dom';
import { readsConfidential } from '../session';
import { REPORT_FORMATS } from '../vocab';
import { fileLinks } from './publications';

// Which annex this is: the live one, and whether it is still the one
// published (GET /annex/{cycle} names the cycle's latest publication).
function publicationStatus(cycle: number, pub: AnnexPublished | null | undefined): HTMLElement {
  if (!pub) {
    return h(
      'section',
      { class: 'card publication-status live', 'aria-labelledby': 'pub-st-h' },
      h('h2', { id: 'pub-st-h' }, 'Live data, not published'),
      h('p', null, `No annex of ${cycle} has been published. The annex below is computed from the live data and changes with it.`),
      h('p', null, link('/publications', 'Publications')),
    );
  }
  const name = `${cycle}-${pub.number}`;
  const when = pub.signed_off_at.slice(0, 10);
  const digest = `${pub.data_digest.slice(0, 16)}…`;
  const [cls, heading, text] = pub.same_data
    ? ['published', `Published annex (publication ${name})`, `Publication ${name}, signed off on ${when}, was made from the data shown here (data digest ${digest}).`]
    : ['live', `Live data, changed since publication ${name}`, `The annex below is computed from the live data, which has changed since publication ${name} was signed off on ${when} (data digest ${digest}). The published annex is in its files:`];
  return h(
    'section',
    { class: `card publication-status ${cls}`, 'aria-labelledby': 'pub-st-h' },
    h('h2', { id: 'pub-st-h' }, heading),
    h('p', null, text),
    fileLinks({ cycle, number: pub.number, files: pub.files }),
  );
}

export default async function reports(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const [cyc, sits, ps] = await Promise.all([cycles(), situations(), parties()]);
  const cycle = Number(params.get('cycle') ?? cyc[cyc.length - 1]);
  const annex: Annex = await loadAnnex(cycle);
  const sitName = (id: string, n?: string) => n ?? sits.find((s) => s.id === id)?.name ?? id;
  const cycleSel = select('cycle', cyc.map((c): [string, string] => [String(c), String(c)]), String(cycle));
  const chooser = h('form', { class: 'inline-form' }, field('Cycle', cycleSel), h('button', { type: 'submit' }, 'Show'));
  chooser.addEventListener('submit', (ev) => {
    ev.preventDefault();
    navigate(`/reports${qs({ cycle: cycleSel.value })}`);
  });
  const group = (title: string, groups: Annex['listed'], idp: string) =>
    h(
      'section',
      { class: 'card', 'aria-labelledby': idp },
      h('h2', { id: idp }, title),
      groups.every((g) => !g.parties.length)
        ? h('p', null, 'None.')
        : groups
            .filter((g) => g.parties.length)
            .map((g) => [
              h('h3', null, sitName(g.situation, g.situation_name)),
              table(
                ['Party', 'Kind', 'Status', 'Violations'],
                g.parties.map((p) => [link(`/parties/${encodeURIComponent(p.id)}?cycle=${cycle}`, p.name), humanize(p.kind), `${humanize(p.status)}${p.newly_listed ? ' (new)' : ''}${p.persistent ? ' (persistent)' : ''}`, (p.violations ?? []).map(humanize).join(', ')]),
                `${title}: ${sitName(g.situation, g.situation_name)}`,
              ),
            ]),
    );
  const editions = readsConfidential() ? ['public', 'confidential'] : ['public'];
  const downloads = table(
    ['Edition', ...REPORT_FORMATS.map(([, n]) => n)],
    editions.map((ed) => [
      humanize(ed),
      ...REPORT_FORMATS.map(([fmt, n]) =>
        // The accessible name begins with the visible text and adds the edition.
        h(
          'a',
          { href: `/api/v1/reports/${cycle}?format=${fmt}&edition=${ed}`, download: `mara-report-${cycle}-${ed}.${fmt === 'ftm' ? 'ftm.json' : fmt}`, 'aria-label': `Download ${n}, ${ed} edition` },
          `Download ${n}`,
        ),
      ),
    ]),
    `Report ${cycle} downloads`,
    undefined,
    { sortable: false, exportable: false },
  );
  main.append(
    h('h1', null, `Annex and reports ${cycle}`),
    chooser,
    h('p', { class: 'lead' }, 'The annex computed from the live data.'),
    publicationStatus(cycle, annex.published),
    group('Listed parties', annex.listed, 'an-l'),
    group('Parties on notice', annex.on_notice, 'an-n'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'an-c' },
      h('h2', { id: 'an-c' }, 'Changes from the previous cycle'),
      table(['Party', 'From', 'To'], annex.changes.map((c) => [c.name ?? ps.find((p) => p.id === c.party)?.name ?? c.party, humanize(c.from), humanize(c.to)]), 'Changes'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'dl-h' },
      h('h2', { id: 'dl-h' }, 'Download the report'),
      readsConfidential() ? null : h('p', { class: 'hint' }, 'You can read the public edition.'),
      downloads,
      h('p', { class: 'hint' }, 'These downloads are made from the live data and are not signed. Signed, frozen files are those of a publication; PDF is made with the command line (mara report).'),
    ),
  );
}

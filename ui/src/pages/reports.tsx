// Annex and reports: the annex as it will be published, and a download
// link for every format and edition the user may read.
import { qs } from '../api';
import { cycles, navigate, parties, situations } from '../app';
import { AnnexSections, loadAnnex, type AnnexPublished } from '../annex';
import { Card, humanize, Options } from '../components/common';
import { Field } from '../components/forms';
import { DataTable } from '../components/table';
import { definePage } from '../page';
import { readsConfidential } from '../session';
import { REPORT_FORMATS } from '../vocab';
import { FileLinks } from './publications';

// Which annex this is: the live one, and whether it is still the one
// published (GET /annex/{cycle} names the cycle's latest publication).
function PublicationStatus({ cycle, pub }: { cycle: number; pub: AnnexPublished | null | undefined }) {
  if (!pub) {
    return (
      <Card id="pub-st-h" title="Live data, not published" class="publication-status live">
        <p>{`No annex of ${cycle} has been published. The annex below is computed from the live data and changes with it.`}</p>
        <p>
          <a href="/publications">Publications</a>
        </p>
      </Card>
    );
  }
  const name = `${cycle}-${pub.number}`;
  const when = pub.signed_off_at.slice(0, 10);
  const digest = `${pub.data_digest.slice(0, 16)}…`;
  const [cls, heading, text] = pub.same_data
    ? ['published', `Published annex (publication ${name})`, `Publication ${name}, signed off on ${when}, was made from the data shown here (data digest ${digest}).`]
    : [
        'live',
        `Live data, changed since publication ${name}`,
        `The annex below is computed from the live data, which has changed since publication ${name} was signed off on ${when} (data digest ${digest}). The published annex is in its files:`,
      ];
  return (
    <Card id="pub-st-h" title={heading} class={`publication-status ${cls}`}>
      <p>{text}</p>
      <FileLinks p={{ cycle, number: pub.number, files: pub.files }} />
    </Card>
  );
}

export default definePage({
  load: async ({ params }) => {
    const [cyc, sits, ps] = await Promise.all([cycles(), situations(), parties()]);
    const cycle = Number(params.get('cycle') ?? cyc[cyc.length - 1]);
    const annex = await loadAnnex(cycle);
    return { cyc, sits, ps, cycle, annex };
  },
  View: ({ data: { cyc, sits, ps, cycle, annex } }) => {
    const choose = (ev: SubmitEvent) => {
      ev.preventDefault();
      navigate(`/reports${qs({ cycle: String(new FormData(ev.currentTarget as HTMLFormElement).get('cycle')) })}`);
    };
    const confidential = readsConfidential();
    const editions = confidential ? ['public', 'confidential'] : ['public'];
    return (
      <>
        <h1>{`Annex and reports ${cycle}`}</h1>
        <form class="inline-form" onSubmit={choose}>
          <Field label="Cycle">
            <select name="cycle">
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(cycle)} />
            </select>
          </Field>
          <button type="submit">Show</button>
        </form>
        <p class="lead">The annex computed from the live data.</p>
        <PublicationStatus cycle={cycle} pub={annex.published} />
        <AnnexSections annex={annex} situations={sits} parties={ps} />
        <Card id="dl-h" title="Download the report">
          {confidential ? null : <p class="hint">You can read the public edition.</p>}
          <DataTable
            headers={['Edition', ...REPORT_FORMATS.map(([, n]) => n)]}
            rows={editions.map((ed) => [
              humanize(ed),
              ...REPORT_FORMATS.map(([fmt, n]) => (
                // The accessible name begins with the visible text and adds the edition.
                <a href={`/api/v1/reports/${cycle}?format=${fmt}&edition=${ed}`} download={`mara-report-${cycle}-${ed}.${fmt === 'ftm' ? 'ftm.json' : fmt}`} aria-label={`Download ${n}, ${ed} edition`}>
                  {`Download ${n}`}
                </a>
              )),
            ])}
            caption={`Report ${cycle} downloads`}
            sortable={false}
            exportable={false}
            rowKeys={editions}
          />
          <p class="hint">
            These downloads are made from the live data and are not signed. Signed, frozen files are those of a publication; PDF is made with the command line (mara report).
          </p>
        </Card>
      </>
    );
  },
});

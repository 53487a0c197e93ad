// Annex and reports: the annex as it will be published, and a download
// link for every format and edition the user may read.
import { qs } from '../api';
import { cycles, navigate, parties, situations } from '../app';
import { AnnexSections, loadAnnex, type AnnexPublished } from '../annex';
import { Card, humanize, Options } from '../components/common';
import { Field } from '../components/forms';
import { DataTable } from '../components/table';
import { language, t } from '../i18n';
import { definePage } from '../page';
import { readsConfidential } from '../session';
import { REPORT_FORMATS } from '../vocab';
import { FileLinks } from './publications';

// Which annex this is: the live one, and whether it is still the one
// published (GET /annex/{cycle} names the cycle's latest publication).
function PublicationStatus({ cycle, pub }: { cycle: number; pub: AnnexPublished | null | undefined }) {
  if (!pub) {
    return (
      <Card id="pub-st-h" title={t('reports.status.liveTitle')} class="publication-status live">
        <p>{t('reports.status.liveText', { cycle: String(cycle) })}</p>
        <p>
          <a href="/publications">{t('reports.status.publications')}</a>
        </p>
      </Card>
    );
  }
  const name = `${cycle}-${pub.number}`;
  const when = pub.signed_off_at.slice(0, 10);
  const digest = `${pub.data_digest.slice(0, 16)}…`;
  const [cls, heading, text] = pub.same_data
    ? ['published', t('reports.status.publishedTitle', { name }), t('reports.status.publishedText', { name, when, digest })]
    : ['live', t('reports.status.changedTitle', { name }), t('reports.status.changedText', { name, when, digest })];
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
    const headers = [t('reports.download.edition'), ...REPORT_FORMATS.map(([, n]) => n)];
    return (
      <>
        <h1>{t('reports.title', { cycle: String(cycle) })}</h1>
        <form class="inline-form" onSubmit={choose}>
          <Field label={t('reports.cycle')}>
            <select name="cycle">
              <Options options={cyc.map((c): [string, string] => [String(c), String(c)])} value={String(cycle)} />
            </select>
          </Field>
          <button type="submit">{t('reports.show')}</button>
        </form>
        <p class="lead">{t('reports.lead')}</p>
        <PublicationStatus cycle={cycle} pub={annex.published} />
        <AnnexSections annex={annex} situations={sits} parties={ps} />
        <Card id="dl-h" title={t('reports.download.title')}>
          {confidential ? null : <p class="hint">{t('reports.download.publicOnly')}</p>}
          <DataTable
            headers={headers}
            rows={editions.map((ed) => [
              humanize(ed),
              ...REPORT_FORMATS.map(([fmt, n]) => (
                // The accessible name begins with the visible text and adds the edition.
                <a href={`/api/v1/reports/${cycle}?format=${fmt}&edition=${ed}&lang=${language()}`} download={`mara-report-${cycle}-${ed}.${fmt === 'ftm' ? 'ftm.json' : fmt}`} aria-label={t(`reports.download.label.${ed}`, { format: n })}>
                  {t('reports.download.link', { format: n })}
                </a>
              )),
            ])}
            caption={t('reports.download.caption', { cycle: String(cycle) })}
            sortable={false}
            exportable={false}
            rowKeys={editions}
          />
          <p class="hint">{t('reports.download.hint')}</p>
        </Card>
      </>
    );
  },
});

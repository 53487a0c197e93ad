// Petitions of parties (GET/POST /petitions, POST /petitions/{id}/ruling):
// the list, per party when one is chosen; for decision makers and admins
// the form to file one a party sent; for decision makers the ruling, whose
// reason the server requires (its refusal is shown beside the field). What
// a reader sees of each petition is the server's view for its edition.
import { call, enc, get, qs } from '../api';
import { flash, navigate, parties } from '../app';
import { Card, humanize, Options } from '../components/common';
import { Field, useRefusals } from '../components/forms';
import { DataTable } from '../components/table';
import { t } from '../i18n';
import { definePage } from '../page';
import { hasRole } from '../session';

interface Petition {
  id: string;
  party: string;
  filed: string;
  cycle?: number;
  grounds?: string;
  new_material?: boolean;
  outcome: string;
  decided?: string;
  decided_by?: string;
  reason?: string;
}

function FileForm({ options, party }: { options: Array<[string, string]>; party: string }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    const body: Record<string, unknown> = { party: data.get('party'), grounds: data.get('grounds'), new_material: data.get('new_material') === 'on' };
    if (data.get('cycle')) body.cycle = Number(data.get('cycle'));
    try {
      const r = await call<Petition>('POST', '/petitions', body);
      flash(t('petitions.filed', { party: r.data.party, filed: r.data.filed }));
      navigate(`/petitions${qs({ party: r.data.party })}`, true);
    } catch (e) {
      refusals.refuse(form, e, t('petitions.notFiled'), { '/new_material': t('petitions.newMaterial') });
    }
  };
  return (
    <Card id="pet-file-h" title={t('petitions.file.title')}>
      <form class="petition-form" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label={t('petitions.field.party')} pointer="/party" refusals={refusals}>
            <select name="party" required>
              <Options options={[['', t('petitions.chooseParty')], ...options]} value={party} />
            </select>
          </Field>
          <Field label={t('petitions.field.cycleContested')} pointer="/cycle" refusals={refusals} hint={t('petitions.field.cycleContestedHint')}>
            <input type="number" name="cycle" min="1000" max="9999" inputMode="numeric" />
          </Field>
        </div>
        <Field label={t('petitions.field.grounds')} pointer="/grounds" refusals={refusals} hint={t('petitions.field.groundsHint')}>
          <textarea name="grounds" rows={3} required />
        </Field>
        <div class="field">
          <span class="check">
            <input type="checkbox" name="new_material" id="pet-new-material" data-pointer="/new_material" aria-invalid={refusals.errors['/new_material'] ? 'true' : undefined} />
            <label for="pet-new-material">{t('petitions.field.newMaterial')}</label>
          </span>
          <p class="field-error" id="pet-new-material-error" hidden={!refusals.errors['/new_material']}>
            {refusals.errors['/new_material'] ?? ''}
          </p>
        </div>
        <div class="actions">
          <button type="submit">{t('petitions.file.submit')}</button>
        </div>
      </form>
    </Card>
  );
}

function RuleForm({ pending, partyName }: { pending: Petition[]; partyName: (id: string) => string }) {
  const refusals = useRefusals();
  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    refusals.clear();
    const data = new FormData(form);
    try {
      const r = await call<Petition>('POST', `/petitions/${enc(String(data.get('petition')))}/ruling`, { outcome: data.get('outcome'), rationale: data.get('rationale') });
      flash(t('petitions.ruled', { party: r.data.party, filed: r.data.filed, outcome: humanize(r.data.outcome) }));
      navigate(`/petitions${qs({ party: r.data.party })}`, true);
    } catch (e) {
      refusals.refuse(form, e, t('petitions.notRuled'), {
        '/rationale': t('petitions.field.reason'),
        '/outcome': t('petitions.field.outcome'),
        id: t('petitions.field.petition'),
      });
    }
  };
  return (
    <Card id="pet-rule-h" title={t('petitions.rule.title')}>
      <form class="petition-ruling" noValidate onSubmit={submit}>
        <div class="grid-form">
          <Field label={t('petitions.field.petition')} pointer="id" refusals={refusals}>
            <select name="petition" required>
              <Options options={pending.map((p): [string, string] => [p.id, t('petitions.pendingOption', { party: partyName(p.party), filed: p.filed })])} value={pending[0]?.id} />
            </select>
          </Field>
          <Field label={t('petitions.field.outcome')} pointer="/outcome" refusals={refusals}>
            <select name="outcome" required>
              <Options
                options={[
                  ['rejected', t('petitions.outcome.rejected')],
                  ['granted', t('petitions.outcome.granted')],
                ]}
                value="rejected"
              />
            </select>
          </Field>
        </div>
        <Field
          label={t('petitions.field.reason')}
          pointer="/rationale"
          refusals={refusals}
          hint={t('petitions.field.reasonHint')}
        >
          <textarea name="rationale" rows={3} required />
        </Field>
        <div class="actions">
          <button type="submit">{t('petitions.rule.submit')}</button>
        </div>
      </form>
    </Card>
  );
}

export default definePage({
  load: async ({ params }) => {
    const party = params.get('party') ?? '';
    const [list, all] = await Promise.all([get<{ items: Petition[] }>(`/petitions${qs({ party })}`), parties()]);
    return { party, list: list.items, all };
  },
  View: ({ data: { party, list, all } }) => {
    const names = new Map(all.map((p) => [p.id, p.name]));
    const partyName = (id: string) => names.get(id) ?? id;
    const options = all.map((p): [string, string] => [p.id, `${p.name} (${p.id})`]);
    const pending = list.filter((p) => p.outcome === 'pending');
    const headers = [
      t('petitions.field.party'),
      t('petitions.list.filed'),
      t('petitions.list.cycle'),
      t('petitions.field.grounds'),
      t('petitions.field.outcome'),
      t('petitions.list.decided'),
      t('petitions.field.reason'),
    ];
    const shown = party ? t('petitions.titleOf', { party: partyName(party) }) : t('petitions.title');
    return (
      <>
        <h1>{shown}</h1>
        <p class="lead">{t('petitions.lead')}</p>
        <div class="field">
          <label for="pet-filter">{t('petitions.filter')}</label>
          <select name="party" id="pet-filter" onChange={(ev) => navigate(`/petitions${qs({ party: (ev.currentTarget as HTMLSelectElement).value })}`)}>
            <Options options={[['', t('petitions.allParties')], ...options]} value={party} />
          </select>
        </div>
        {hasRole('decision_maker', 'admin') ? <FileForm options={options} party={party} /> : null}
        {hasRole('decision_maker') && pending.length ? <RuleForm pending={pending} partyName={partyName} /> : null}
        <Card id="pet-list-h" title={t('petitions.list.title')}>
          <DataTable
            headers={headers}
            rows={list.map((p) => [partyName(p.party), p.filed, p.cycle ? String(p.cycle) : '', p.grounds ?? '', humanize(p.outcome), p.decided ?? '', p.reason ?? ''])}
            caption={shown}
            empty={t('petitions.list.empty')}
            rowKeys={list.map((p) => p.id)}
          />
        </Card>
      </>
    );
  },
});

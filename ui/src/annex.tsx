// The annex as published: GET /annex/{cycle}, as the server discloses it,
// and its rendering.
import { Fragment } from 'preact';
import { get } from './api';
import type { Party, Situation } from './app';
import { Card, humanize } from './components/common';
import { DataTable } from './components/table';
import { t } from './i18n';

export interface AnnexParty {
  id: string;
  name: string;
  kind: string;
  status: string;
  violations?: string[];
  newly_listed?: boolean;
  persistent?: boolean;
}
// The cycle's latest publication, as the annex route names it (null: the
// annex is live data only).
export interface AnnexPublished {
  number: number;
  signed_off_at: string;
  data_digest: string;
  policy: { name: string; version: string; digest: string };
  // Whether the store's data is still the published data.
  same_data: boolean;
  files: Array<{ name: string; format: string; href: string }>;
}
export interface Annex {
  cycle: number;
  published?: AnnexPublished | null;
  listed: Array<{ situation: string; situation_name?: string; parties: AnnexParty[] }>;
  on_notice: Array<{ situation: string; situation_name?: string; parties: AnnexParty[] }>;
  changes: Array<{ party: string; name?: string; from: string; to: string }>;
}

// The annex of a cycle as GET /annex/{cycle} gives it.
export async function loadAnnex(cycle: number): Promise<Annex> {
  return get<Annex>(`/annex/${cycle}`);
}

// The annex on a page: the listed parties and those on notice, each by
// situation with a table of their status and violations, and the changes
// from the previous cycle. Party names link to their dossier for the cycle.
export function AnnexSections({ annex, situations, parties }: { annex: Annex; situations: Situation[]; parties: Party[] }) {
  const partyHeaders = [t('annex.party'), t('annex.kind'), t('annex.status'), t('annex.violations')];
  const changeHeaders = [t('annex.party'), t('annex.changes.from'), t('annex.changes.to')];
  const sitName = (id: string, n?: string) => n ?? situations.find((s) => s.id === id)?.name ?? id;
  const group = (title: string, groups: Annex['listed'], idp: string) => (
    <Card id={idp} title={title}>
      {groups.every((g) => !g.parties.length) ? (
        <p>{t('annex.none')}</p>
      ) : (
        groups
          .filter((g) => g.parties.length)
          .map((g) => (
            <Fragment key={g.situation}>
              <h3>{sitName(g.situation, g.situation_name)}</h3>
              <DataTable
                headers={partyHeaders}
                rows={g.parties.map((p) => [
                  <a href={`/parties/${encodeURIComponent(p.id)}?cycle=${annex.cycle}`}>{p.name}</a>,
                  humanize(p.kind),
                  `${humanize(p.status)}${p.newly_listed ? t('annex.newlyListed') : ''}${p.persistent ? t('annex.persistent') : ''}`,
                  (p.violations ?? []).map(humanize).join(', '),
                ])}
                caption={t('annex.caption', { title, situation: sitName(g.situation, g.situation_name) })}
                rowKeys={g.parties.map((p) => p.id)}
              />
            </Fragment>
          ))
      )}
    </Card>
  );
  return (
    <>
      {group(t('annex.listed'), annex.listed, 'an-l')}
      {group(t('annex.onNotice'), annex.on_notice, 'an-n')}
      <Card id="an-c" title={t('annex.changes.title')}>
        <DataTable
          headers={changeHeaders}
          rows={annex.changes.map((c) => [c.name ?? parties.find((p) => p.id === c.party)?.name ?? c.party, humanize(c.from), humanize(c.to)])}
          caption={t('annex.changes.caption')}
        />
      </Card>
    </>
  );
}

// The annex as published: GET /annex/{cycle}, as the server discloses it,
// and its rendering.
import { Fragment } from 'preact';
import { get } from './api';
import type { Party, Situation } from './app';
import { Card, humanize } from './components/common';
import { DataTable } from './components/table';

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
  const sitName = (id: string, n?: string) => n ?? situations.find((s) => s.id === id)?.name ?? id;
  const group = (title: string, groups: Annex['listed'], idp: string) => (
    <Card id={idp} title={title}>
      {groups.every((g) => !g.parties.length) ? (
        <p>None.</p>
      ) : (
        groups
          .filter((g) => g.parties.length)
          .map((g) => (
            <Fragment key={g.situation}>
              <h3>{sitName(g.situation, g.situation_name)}</h3>
              <DataTable
                headers={['Party', 'Kind', 'Status', 'Violations']}
                rows={g.parties.map((p) => [
                  <a href={`/parties/${encodeURIComponent(p.id)}?cycle=${annex.cycle}`}>{p.name}</a>,
                  humanize(p.kind),
                  `${humanize(p.status)}${p.newly_listed ? ' (new)' : ''}${p.persistent ? ' (persistent)' : ''}`,
                  (p.violations ?? []).map(humanize).join(', '),
                ])}
                caption={`${title}: ${sitName(g.situation, g.situation_name)}`}
                rowKeys={g.parties.map((p) => p.id)}
              />
            </Fragment>
          ))
      )}
    </Card>
  );
  return (
    <>
      {group('Listed parties', annex.listed, 'an-l')}
      {group('Parties on notice', annex.on_notice, 'an-n')}
      <Card id="an-c" title="Changes from the previous cycle">
        <DataTable
          headers={['Party', 'From', 'To']}
          rows={annex.changes.map((c) => [c.name ?? parties.find((p) => p.id === c.party)?.name ?? c.party, humanize(c.from), humanize(c.to)])}
          caption="Changes"
        />
      </Card>
    </>
  );
}

// The annex as published: GET /annex/{cycle}; on a server without that
// route, the same content is read from the public JSON report (any reader
// may read it).
import { getOptional, get } from './api';

export interface AnnexParty {
  id: string;
  name: string;
  kind: string;
  status: string;
  violations?: string[];
  newly_listed?: boolean;
  persistent?: boolean;
}
export interface Annex {
  cycle: number;
  listed: Array<{ situation: string; situation_name?: string; parties: AnnexParty[] }>;
  on_notice: Array<{ situation: string; situation_name?: string; parties: AnnexParty[] }>;
  changes: Array<{ party: string; name?: string; from: string; to: string }>;
}

interface ReportParty extends AnnexParty {
  situation: string;
  previous_status: string;
}
interface ReportJson {
  cycle: number;
  annex: Array<{ situation: string; situation_name: string; state_parties: ReportParty[]; non_state_parties: ReportParty[] }>;
  notice: Array<{ party: ReportParty }>;
  removals: Array<{ party: ReportParty }>;
}

export async function loadAnnex(cycle: number): Promise<Annex> {
  const annex = await getOptional<Annex>(`/annex/${cycle}`, '/annex/{cycle}');
  if (annex) return annex;
  const report = await get<ReportJson>(`/reports/${cycle}?format=json&edition=public`);
  const listed = report.annex.map((s) => ({
    situation: s.situation,
    situation_name: s.situation_name,
    parties: [...s.state_parties, ...s.non_state_parties],
  }));
  const bySit = new Map<string, AnnexParty[]>();
  for (const n of report.notice) {
    const list = bySit.get(n.party.situation) ?? [];
    list.push(n.party);
    bySit.set(n.party.situation, list);
  }
  const all = [...listed.flatMap((s) => s.parties as ReportParty[]), ...report.notice.map((n) => n.party), ...report.removals.map((r) => r.party)];
  return {
    cycle: report.cycle,
    listed,
    on_notice: [...bySit].map(([situation, ps]) => ({ situation, parties: ps })),
    changes: all.filter((p) => p.previous_status !== p.status).map((p) => ({ party: p.id, from: p.previous_status, to: p.status })),
  };
}

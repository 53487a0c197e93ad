// The annex as published: GET /annex/{cycle}, as the server discloses it.
import { get } from './api';

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

// The annex of a cycle as GET /annex/{cycle} gives it.
export async function loadAnnex(cycle: number): Promise<Annex> {
  return get<Annex>(`/annex/${cycle}`);
}

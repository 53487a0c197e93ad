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

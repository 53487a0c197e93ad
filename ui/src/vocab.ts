// The domain's closed vocabularies (src/domain/enums.h).
export const VIOLATIONS = ['rape', 'sexual_slavery', 'forced_prostitution', 'forced_pregnancy', 'forced_abortion', 'enforced_sterilization', 'forced_marriage', 'sexual_torture', 'sexual_mutilation', 'forced_nudity', 'trafficking_sexual', 'other_comparable_gravity'];
export const CONTEXTS = ['detention', 'attack', 'displacement', 'checkpoint', 'abduction', 'home', 'other'];
export const NEXUS = ['perpetrator_affiliation', 'victim_profile', 'climate_of_impunity', 'cross_border', 'ceasefire_violation', 'temporal_geographic'];
export const STATUSES = ['reported', 'under_verification', 'verified', 'not_verified'];
export const STANDARDS = ['credible_information', 'reasonable_grounds', 'clear_and_convincing'];
export const CONSENTS = ['internal_use', 'aggregate_reporting', 'identified_sharing', 'withdrawn'];
export const PRECISIONS = ['day', 'week', 'month', 'year'];
export const PARTY_STATUSES = ['none', 'on_notice', 'listed'];
export const VICTIM_GROUPS = ['women', 'girls', 'men', 'boys', 'unknown'];
export const REPORT_FORMATS: Array<[string, string]> = [
  ['html', 'HTML'],
  ['md', 'Markdown'],
  ['json', 'JSON'],
  ['csv', 'CSV'],
  ['ftm', 'FollowTheMoney'],
];
export const IMPORT_FORMATS = ['bundle', 'incidents-csv', 'svac', 'ucdp-actors', 'acled', 'hxl'];
export const PARTY_KINDS = ['state', 'non_state'];
export const SOURCE_KINDS = ['un_monitoring', 'un_investigation', 'ngo', 'national_authority', 'judicial', 'sanctions_designation', 'media', 'survivor_testimony', 'witness_testimony', 'medical_record', 'academic_dataset'];
export const RELIABILITIES = ['A', 'B', 'C', 'D', 'E', 'F'];
export const CREDIBILITIES = ['1', '2', '3', '4', '5', '6'];
export const DESIGNATION_KINDS = ['terrorist', 'sanctions', 'criminal_charge'];
export const ENGAGEMENT_KINDS = ['contact', 'refused', 'severed', 'restored', 'access_denied', 'persona_non_grata'];
export const COMMITMENT_KINDS = ['joint_communique', 'action_plan', 'implementation_plan', 'framework_of_cooperation', 'unilateral'];
export const MEASURE_STATUSES = ['pending', 'in_progress', 'verified_implemented', 'not_implemented'];
export const STATEMENT_KINDS = ['condemnation', 'statement', 'report', 'dispute'];

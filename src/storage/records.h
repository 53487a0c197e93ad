// The plain records the store reads and writes besides the domain model
// (domain/model.h): import-log rows, name-review entries, principals,
// incident provenance and collection counts. Values only: this header may
// be included by every layer, unlike store.h, which the layers above the
// service layer cannot include (storage/inner_layer.h).
#ifndef MARA_STORAGE_RECORDS_H_
#define MARA_STORAGE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"

namespace mara {

// An incident's location as its row stores it: the location itself, or,
// when it is sealed, the sealed document in `name` and nothing else.
struct StoredLocation {
  std::string name;
  std::optional<std::string> admin1;
  std::optional<double> lat;
  std::optional<double> lon;
};

// What writing an incident derives from the incident alone, worked out ahead
// by Store::PrepareIncident (on any thread) for Store::PutPreparedIncident.
struct PreparedIncident {
  std::optional<std::string> narrative;  // as stored: sealed under the data key when there is one
  StoredLocation location;               // as stored (sealed for a consent that asks it)
  // The lists and dates as stored (storage/incident_columns.h).
  std::string date;
  std::optional<std::string> verified_on;
  std::string violations;
  std::string nexus;
  std::string perpetrators;
  std::string sources;
  std::string state_digest;  // set by the layer that keeps the state ledger
};

// One row of the import log.
struct ImportRecord {
  int64_t id = 0;  // assigned by the store
  std::string file;
  std::string format;
  std::string file_digest;  // BLAKE2b of the file bytes
  std::string started_at;   // ISO 8601 UTC
  int64_t accepted = 0;
  int64_t rejected = 0;
  std::string principal;  // who ran the import ("" when unknown)
};

enum class PutOutcome {
  kInserted,
  kUpdated,
  // The same id was already written by this same import: a duplicate id
  // within one file. Nothing was written.
  kDuplicateInImport,
};

// One row of the state ledger (docs/audit_log_format.md §4b): audit record
// `seq` wrote the record `id` of `collection` with the state `digest` ("":
// deleted), as its `ord`-th write (0-based). Kept by the service layer.
struct StateEntry {
  uint64_t seq = 0;
  uint64_t ord = 0;
  std::string collection;
  std::string id;
  std::string digest;
};

struct CollectionCounts {
  int64_t counts[12] = {};  // indexed by Collection
  int64_t Of(Collection c) const { return counts[static_cast<size_t>(c)]; }
};

// One entry of the name-review queue: a name an importer met in some data
// set and could not match to a party with confidence (ingest/party_matcher.h,
// `mara names review`). Key: (origin, query).
struct NameReview {
  int64_t id = 0;      // assigned by the store, kept when the entry is updated
  std::string origin;  // the importer that met the name: "acled", "hxl", "ucdp-actors"
  std::string query;   // the name as the data spells it
  // The party the import attributed the name to while it waits (a party
  // created for the name, or the record that could not be merged).
  std::string provisional_party;
  std::string candidates;  // JSON array, best first: [{"party", "name", "score", "features"}]
  std::string reason;      // why it is in review, one line
  std::string status = "pending";  // pending | accepted | rejected | created
  std::string resolved_party;      // the party chosen when accepted or created, else ""
  std::string decided_by;          // "" while pending
  std::string decided_at;          // ISO 8601 UTC, "" while pending
  // The decider's note (free text, sealed at rest); "" when none was given.
  std::string note;
};

// A principal as stored (src/security/roles.h gives the meaning of roles).
struct UserRecord {
  std::string name;                     // an id (domain IsValidId)
  std::string password_hash;            // Argon2id PHC string; "" when no password is set
  std::vector<std::string> roles;       // role names, sorted
  std::vector<std::string> situations;  // assigned situation ids, sorted
  bool disabled = false;
  std::string created_at;  // ISO 8601 UTC
  // The preferred language of the reports, the browser application and the
  // API's problem titles: "ar", "en", "es", "fr", "ru" or "zh"; "" when
  // none is set (service/users.h checks the value).
  std::string language;
};

// Who created an incident and who last changed it, for the four-eyes rule.
// An import attributes the incidents it writes to the import's principal.
struct IncidentProvenance {
  std::string created_by;
  std::string last_edited_by;
};

}  // namespace mara

#endif  // MARA_STORAGE_RECORDS_H_

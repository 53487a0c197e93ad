// Human decisions and petitions (docs/design.md, docs/policy.md): the system
// recommends, a person decides; parties may petition for review or delisting.
//
// Contract:
// - RecordDecision stores a Decision for (party, cycle), replacing any
//   earlier one for that key. kInvalidArgument for an empty rationale or
//   decided_by, text that is not valid UTF-8 or too long, a cycle outside
//   1000..9999 or after today's year, or a date after `today`; kNotFound
//   for an unknown party.
// - `today` is the caller's (its session clock's) date: every date these
//   functions store (decision date, petition filed and decided) must not be
//   after it, nor any cycle they name after its year (kInvalidArgument
//   naming the option: "--date: 2030-01-05 is after today (2026-12-03)").
// - FilePetition stores a new petition. A party with a pending petition gets
//   kConflict (nothing stored), as does a second petition on the same filing
//   date. A repeat petition without new material since the party's last
//   decided (granted or rejected) petition is stored with outcome
//   inadmissible and the reason, and returned normally: the caller reports
//   the refusal (the CLI exits with the conflict code).
// - DecidePetition rules on a pending petition (kNotFound if there is none
//   for that party and filing date, kConflict if it is already decided).
//   Every ruling needs a non-blank reason (kInvalidArgument naming
//   --reason), which a granted petition's Decision carries as rationale.
//   A granted petition must name a cycle (at filing or here); when the
//   party's status in that cycle, assessed under `policy`, is listed or on
//   notice, a Decision with status none is recorded for that cycle in the
//   same transaction.
// Store failures come back unchanged. A Store is used from one thread.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_DECISIONS_H_
#define MARA_SERVICE_DECISIONS_H_

#include <optional>
#include <string>

#include "common/date.h"
#include "common/status.h"
#include "domain/model.h"
#include "policy/policy.h"

namespace mara {

struct PetitionFiling {
  std::string party;
  std::string grounds;
  bool new_material = false;
  std::optional<int> cycle;
  Date filed;
};

struct PetitionRuling {
  std::string party;
  Date filed;
  PetitionOutcome outcome = PetitionOutcome::kRejected;  // granted or rejected
  std::optional<std::string> reason;
  std::string decided_by;
  Date decided;
  std::optional<int> cycle;  // overrides the cycle named at filing
};

struct PetitionRulingResult {
  Petition petition;
  std::optional<Decision> decision;  // recorded for a granted petition
};

}  // namespace mara

#endif  // MARA_SERVICE_DECISIONS_H_

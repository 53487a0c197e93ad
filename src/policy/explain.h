// The engine's explanation of a party's status in plain sentences: why it
// has the status it has, what each criterion measured, how the criteria
// combine and what would change the status. One source for every reader:
// `mara case`, the statements of case in the reports, and the API's
// assessment and dossier (which the browser application shows as is).
//
// Contract:
// - Pure: a function of the PartyAssessment (with its criteria, history and
//   evidence), the policy it was assessed under and the cycle. No I/O.
// - Sentences are in the language asked for (English by default), built
//   from the "explain.*" messages of src/policy/locales/LANG.json
//   (i18n/messages.h) with the language's plurals and number formatting;
//   statuses and standards read as in the report's annex (the report
//   catalogue's party_status.* and standard.* words). They are complete
//   and name numbers with their unit and the policy's thresholds; they
//   never name a policy key alone. Years are written without grouping.
// - Every criterion of the assessment has exactly one sentence, in the
//   engine's order, with its met flag; a criterion the engine adds that has
//   no sentence of its own still gets a generic one naming its measure.
#ifndef MARA_POLICY_EXPLAIN_H_
#define MARA_POLICY_EXPLAIN_H_

#include <string>
#include <string_view>
#include <vector>

#include "i18n/messages.h"
#include "policy/engine.h"
#include "policy/policy.h"

namespace mara {

struct ExplainedCriterion {
  std::string rule;      // the criterion's policy key, for machines
  std::string evidence;  // its evidence group (listing, notice, findings, ...)
  bool met = false;
  std::string sentence;
};

struct Explanation {
  // Why the party has its status in the cycle: the rule that gave it, or
  // the decision that replaced the recommendation.
  std::string summary;
  // How the criteria combine into the status, with this party's case.
  std::string combination;
  std::vector<ExplainedCriterion> criteria;
  // What would change the status in this cycle (empty when nothing the
  // rules read could).
  std::vector<std::string> would_change;
};

Explanation Explain(const PartyAssessment& party, const Policy& policy, int cycle,
                    i18n::Language lang = i18n::Language::kEn);

// Reading an assessment's criteria, for every text that words a status
// (this file and the report's annex): the criterion of `rule` measured on
// `evidence` (nullptr when the assessment has none), whether it is met,
// and Pattern(E) of the listing or notice evidence, from its three
// criteria as docs/policy.md defines it.
const Criterion* FindCriterion(const PartyAssessment& party, std::string_view rule,
                               std::string_view evidence);
bool CriterionMet(const PartyAssessment& party, std::string_view rule, std::string_view evidence);
bool PatternMet(const PartyAssessment& party, std::string_view evidence);

}  // namespace mara

#endif  // MARA_POLICY_EXPLAIN_H_

// BuildReport: the annual report of one cycle, for one edition, as the
// session's principal may read it
// (docs/reports.md lists each section and what it counts).
//
// Contract:
// - The record comes from the service layer (service/report_input.h
//   ReadForReport), which authorises the session's principal for the
//   edition, refuses a cycle outside 1000..9999 or after the current year
//   (kInvalidArgument), and gives the builder only the incidents the
//   edition may include, in their disclosed view, in ONE pass that also
//   feeds the assessment engine (the same Assessor AssessCycle uses, so
//   statuses are those of `mara assess`). Memory grows with parties,
//   cycles and situations, plus the incidents of the report's cycle that a
//   listed or on-notice party may cite (kept for the statements of case),
//   never with the whole store.
// - Statements of case come from service/case.h (StatementOfCaseFrom and
//   CaseIncidentFor), the rule BuildStatementOfCase applies.
// - Headline counts use only `verified` incidents; other statuses are
//   counted apart. Records with consent `withdrawn` are in no section; the
//   public edition applies domain/disclosure.h (through report/edition.h).
// - Failures of the service come back unchanged. A Session is used from
//   one thread.
#ifndef MARA_REPORT_BUILDER_H_
#define MARA_REPORT_BUILDER_H_

#include "common/status.h"
#include "policy/policy.h"
#include "report/edition.h"
#include "report/model.h"
#include "service/session.h"

namespace mara::report {

// With `reference`, the report also compares its list with that reference
// list (section 10; service/compare.h CompareWithReference, which needs
// kRunAssessment in every situation).
Result<Report> BuildReport(Session& session, const Policy& policy, int cycle, Edition edition,
                           const std::vector<ReferenceEntry>* reference = nullptr);

}  // namespace mara::report

#endif  // MARA_REPORT_BUILDER_H_

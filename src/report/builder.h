// BuildReport: the annual report of one cycle, for one edition, from a store
// (docs/reports.md lists each section and what it counts).
//
// Contract:
// - Reads the registry once, the data digest (service/digest.h), and the
//   incidents with ONE Store::ScanIncidents pass that feeds the assessment
//   engine (the same Assessor AssessCycle uses, so statuses are those of
//   `mara assess`) and the report's counts together. Memory grows with
//   parties, cycles and situations, plus the incidents of the report's
//   cycle that a listed or on-notice party may cite (kept for the
//   statements of case), never with the whole store.
// - Statements of case come from service/case.h (StatementOfCaseFrom and
//   CaseIncidentFor), the rule BuildStatementOfCase applies.
// - Headline counts use only `verified` incidents; other statuses are
//   counted apart. Records with consent `withdrawn` are in no section; the
//   public edition applies report/edition.h.
// - kInvalidArgument for a cycle outside 1000..9999 or after
//   `current_year` (the caller's clock's year, e.g. Today(session.clock())
//   .year(): a cycle that has not begun has no report); store failures come
//   back unchanged. A Store is used from one thread.
#ifndef MARA_REPORT_BUILDER_H_
#define MARA_REPORT_BUILDER_H_

#include "common/status.h"
#include "policy/policy.h"
#include "report/edition.h"
#include "report/model.h"
#include "storage/store.h"

namespace mara::report {

Result<Report> BuildReport(Store& store, const Policy& policy, int cycle, Edition edition,
                           int current_year);

}  // namespace mara::report

#endif  // MARA_REPORT_BUILDER_H_

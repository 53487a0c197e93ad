// The record as the annual report of one cycle reads it (report/builder.h
// renders it; docs/reports.md). The report layer never holds a Store: this
// operation authorises the reader, reads the record once and hands the
// report builder only what the edition may contain.
//
// Contract:
// - ReadForReport() authorises first: the public edition needs kReadPublic
//   in at least one situation (it is what the office publishes); the
//   confidential edition needs kReadConfidential everywhere, since it
//   covers every situation. Refusal is kPermissionDenied with the reason.
// - Then CheckCycle(cycle, current year of the session clock): a cycle
//   outside 1000..9999 or after this year is kInvalidArgument.
// - It loads the registry and the data digest (digest.h; computed without
//   writing on a read-only store), calls reader.Begin(registry, digest)
//   once, then scans the incidents ONCE: every incident's facts feed the
//   assessment engine (the same Assessor AssessCycle uses, so statuses are
//   those of `mara assess`), and every incident the edition may include
//   (IncludesConsent: never a withdrawn one) is passed to reader.Add() in
//   its disclosed view (disclosure.h Disclosed: the public edition without
//   narratives or coordinates). Finally reader.Finish(assessor,
//   assessment) with the finished engine; its status is returned.
// - The registry passed to Begin() outlives Finish(). Store failures come
//   back unchanged. Memory is the registry and the engine's per-party
//   state, never the whole set of incidents.
#ifndef MARA_SERVICE_REPORT_INPUT_H_
#define MARA_SERVICE_REPORT_INPUT_H_

#include <string>

#include "common/status.h"
#include "domain/disclosure.h"
#include "domain/model.h"
#include "policy/engine.h"
#include "policy/policy.h"
#include "service/audit.h"
#include "service/session.h"

namespace mara {

// What the report builder implements to receive the record.
class ReportReader {
 public:
  virtual ~ReportReader() = default;
  // `audit_head`: the signed head of the store's audit chain, when it has one.
  virtual void Begin(const Bundle& registry, const std::string& data_digest,
                     const std::optional<SignedAuditHead>& audit_head) = 0;
  virtual void Add(const Incident& incident) = 0;
  virtual Status Finish(const Assessor& assessor, const Assessment& assessment) = 0;
};

Status ReadForReport(Session& session, const Policy& policy, int cycle, Edition edition,
                     ReportReader& reader);

// The edition of the annual report a caller gets: `requested` when given
// (ReadForReport authorises it), else the most it may read: confidential
// with kReadConfidential everywhere, public otherwise.
Edition ReportEditionFor(Session& session, std::optional<Edition> requested);

}  // namespace mara

#endif  // MARA_SERVICE_REPORT_INPUT_H_

// `mara audit verify` and reading the audit log (docs/audit_log_format.md).
//
// Contract: VerifyAudit needs security::Operation::kReadAuditLog and checks
// the store's whole chain against the installation's signing key (and any
// `extra_trusted` keys, e.g. a signing key used before a rotation). The
// result names the first damaged record; ToStatus() turns it into
// kCorruption. The verification itself is audited (after the check, so a
// damaged chain is reported, not extended). ScanAuditLog needs
// kReadAuditLog too and calls `visit` with each record whose seq is above
// `after_seq`, in order; a visit's error stops the scan and is returned. A Session is used from one
// thread.
#ifndef MARA_SERVICE_AUDIT_H_
#define MARA_SERVICE_AUDIT_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "common/status.h"
#include "security/audit_log.h"
#include "service/session.h"

namespace mara {

Result<security::AuditVerification> VerifyAudit(
    Session& session, const std::vector<security::PublicKey>& extra_trusted = {});
Status ScanAuditLog(Session& session, uint64_t after_seq,
                    const std::function<Status(const security::AuditRecord&)>& visit);

}  // namespace mara

#endif  // MARA_SERVICE_AUDIT_H_

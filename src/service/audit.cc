#include "service/audit.h"

#include "service/core.h"

namespace mara {

Result<security::AuditVerification> VerifyAudit(
    Session& session, const std::vector<security::PublicKey>& extra_trusted) {
  MARA_RETURN_IF_ERROR(session.Authorize(security::Operation::kReadAuditLog));
  std::vector<security::PublicKey> trusted = extra_trusted;
  trusted.push_back(session.keys().signing_key->public_key());
  StoreAuditSink sink(session.store());
  MARA_ASSIGN_OR_RETURN(security::AuditVerification result,
                        security::VerifyAuditLog(sink, trusted));
  if (result.ok()) MARA_RETURN_IF_ERROR(session.AuditRead({"", "audit.verify", "", "", "", ""}));
  return result;
}

Status ScanAuditLog(Session& session, uint64_t after_seq,
                    const std::function<Status(const security::AuditRecord&)>& visit) {
  MARA_RETURN_IF_ERROR(session.Authorize(security::Operation::kReadAuditLog));
  return session.store().ScanAuditRecords([&](const security::AuditRecord& r) -> Status {
    if (r.seq <= after_seq) return Status::Ok();
    return visit(r);
  });
}

}  // namespace mara

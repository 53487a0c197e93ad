// API tokens: bearer credentials for scripts (Authorization: Bearer ...),
// kept in the store's meta table so they survive a restart.
//
// Contract:
// - A token reads "mara_<id>_<secret>": <id> 16 hex digits naming it,
//   <secret> 64 hex digits from the system CSPRNG. The store keeps only the
//   BLAKE2b of the secret, the principal, the expiry and the revocation
//   under meta key "api_token:<id>"; the secret is shown once, at issue.
// - IssueApiToken issues one for the session's own principal, valid `days`
//   (1..365, kInvalidArgument otherwise), and audits `api_token.issue`.
// - ResolveApiToken returns the principal a presented token acts as, or
//   kPermissionDenied with one message for a malformed, unknown, revoked or
//   expired token (so a caller learns nothing about which). The principal's
//   own state (disabled, roles) is applied later by its Session.
// - RevokeApiToken: the token's principal, or an admin
//   (Operation::kManageUsers); kNotFound for an unknown id; audits
//   `api_token.revoke`. Idempotent for a revoked token.
// - ListOwnApiTokens: the session principal's own tokens (never another's,
//   whatever its roles), newest first, with id, issue and expiry times and
//   whether revoked; never the secret or its digest. A disabled principal is
//   kPermissionDenied.
// - RevokePrincipalTokens revokes every token of `principal` that is not
//   revoked yet, auditing each as `api_token.revoke`, inside the caller's
//   open transaction (it begins none): users.h calls it whenever a
//   principal's password, roles, situations or status change, so a token
//   never outlives the credentials it was issued under.
// Each function uses the Session it is given, from one thread. The HTTP
// API calls these; the records are the service layer's alone.
#ifndef MARA_SERVICE_API_TOKENS_H_
#define MARA_SERVICE_API_TOKENS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "service/session.h"

namespace mara {

struct IssuedToken {
  std::string id;
  std::string token;       // the whole bearer credential, shown once
  int64_t expires_at = 0;  // Unix seconds
};

Result<IssuedToken> IssueApiToken(Session& session, int days);
Result<std::string> ResolveApiToken(Session& session, std::string_view token, int64_t now_unix);
Status RevokeApiToken(Session& session, std::string_view id);

struct ApiTokenInfo {
  std::string id;
  std::string issued_at;   // ISO 8601 UTC; "" when not recorded
  int64_t expires_at = 0;  // Unix seconds
  bool revoked = false;
};
Result<std::vector<ApiTokenInfo>> ListOwnApiTokens(Session& session);
Status RevokePrincipalTokens(Session& session, const std::string& principal);

}  // namespace mara

#endif  // MARA_SERVICE_API_TOKENS_H_

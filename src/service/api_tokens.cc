#include "service/api_tokens.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "security/encoding.h"
#include "security/random.h"
#include "service/core.h"

namespace mara {
namespace {

using RecordJson = nlohmann::json;
using security::IsLowerHex;

constexpr std::string_view kPrefix = "mara_";
constexpr size_t kIdHex = 16;
constexpr size_t kSecretHex = 64;

std::string MetaKey(std::string_view id) { return "api_token:" + std::string(id); }

std::string RandomHex(size_t bytes) {
  security::SystemRandom random;
  std::array<uint8_t, 32> buffer{};
  random.Fill(std::span<uint8_t>(buffer.data(), bytes));
  return security::ToHex(std::span<const uint8_t>(buffer.data(), bytes));
}

Result<RecordJson> LoadRecord(Store& store, std::string_view id) {
  MARA_ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetMeta(MetaKey(id)));
  if (!text) return Status::NotFound("no API token " + QuoteForMessage(id));
  RecordJson j = RecordJson::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("principal") || !j.contains("digest") ||
      !j.contains("expires_at")) {
    return Status::Corruption("API token " + QuoteForMessage(id) + ": unreadable record");
  }
  return j;
}

Status SaveRecord(Session& session, std::string_view id, const RecordJson& record,
                  security::AuditEntry entry) {
  Store& store = session.store();
  MARA_RETURN_IF_ERROR(store.Begin());
  Status s = store.PutMeta(MetaKey(id), record.dump());
  if (s.ok()) s = session.Audit(std::move(entry));
  if (s.ok()) s = store.Commit();
  if (!s.ok()) store.Rollback();
  return s;
}

}  // namespace

Result<IssuedToken> IssueApiToken(Session& session, int days) {
  if (days < 1 || days > 365) {
    return Status::InvalidArgument("/days: expected 1 to 365, got " + std::to_string(days));
  }
  if (session.principal().disabled) {
    return Status::PermissionDenied("a disabled principal gets no token");
  }
  IssuedToken issued;
  issued.id = RandomHex(kIdHex / 2);
  const std::string secret = RandomHex(kSecretHex / 2);
  issued.token = std::string(kPrefix) + issued.id + "_" + secret;
  issued.expires_at = session.clock().NowMillis() / 1000 + int64_t{days} * 86400;
  RecordJson record = {{"principal", session.name()},
                       {"digest", Blake2bHex(secret)},
                       {"expires_at", issued.expires_at},
                       {"revoked", false},
                       {"issued_at", NowIso(session.clock())}};
  MARA_RETURN_IF_ERROR(SaveRecord(session, issued.id, record,
                                  {.action = "api_token.issue", .target_id = issued.id}));
  return issued;
}

Result<std::string> ResolveApiToken(Session& session, std::string_view token, int64_t now_unix) {
  const Status refused = Status::PermissionDenied("invalid, revoked or expired API token");
  if (token.size() != kPrefix.size() + kIdHex + 1 + kSecretHex ||
      token.substr(0, kPrefix.size()) != kPrefix || token[kPrefix.size() + kIdHex] != '_') {
    return refused;
  }
  const std::string_view id = token.substr(kPrefix.size(), kIdHex);
  const std::string_view secret = token.substr(kPrefix.size() + kIdHex + 1);
  if (!IsLowerHex(id) || !IsLowerHex(secret)) return refused;
  Result<RecordJson> record = LoadRecord(session.store(), id);
  if (!record.ok()) {
    return record.status().code() == StatusCode::kNotFound ? refused : record.status();
  }
  const std::string digest = Blake2bHex(secret);
  const std::string stored =
      (*record)["digest"].is_string() ? (*record)["digest"].get<std::string>() : std::string();
  if (stored.size() != digest.size() ||
      sodium_memcmp(stored.data(), digest.data(), digest.size()) != 0) {
    return refused;
  }
  if ((*record).value("revoked", true)) return refused;
  if (!(*record)["expires_at"].is_number_integer() ||
      (*record)["expires_at"].get<int64_t>() <= now_unix) {
    return refused;
  }
  if (!(*record)["principal"].is_string()) return refused;
  return (*record)["principal"].get<std::string>();
}

Status RevokeApiToken(Session& session, std::string_view id) {
  if (id.size() != kIdHex || !IsLowerHex(id)) {
    return Status::NotFound("no API token " + QuoteForMessage(id));
  }
  MARA_ASSIGN_OR_RETURN(RecordJson record, LoadRecord(session.store(), id));
  const std::string owner =
      record["principal"].is_string() ? record["principal"].get<std::string>() : std::string();
  if (owner != session.name()) {
    MARA_RETURN_IF_ERROR(session.Require(security::Operation::kManageUsers,
                                         {.target = "API token " + std::string(id)}));
  }
  if (record.value("revoked", false)) return Status::Ok();
  record["revoked"] = true;
  return SaveRecord(session, id, record,
                    {.action = "api_token.revoke", .target_id = std::string(id)});
}

Result<std::vector<ApiTokenInfo>> ListOwnApiTokens(Session& session) {
  if (session.principal().disabled) {
    return Status::PermissionDenied("principal " + QuoteForMessage(session.name()) +
                                    " is disabled");
  }
  const std::string prefix = MetaKey("");
  MARA_ASSIGN_OR_RETURN(auto records, session.store().ListMeta(prefix));
  std::vector<ApiTokenInfo> out;
  for (const auto& [key, text] : records) {
    RecordJson record = RecordJson::parse(text, nullptr, false);
    if (!record.is_object() || !record.contains("principal") || !record["principal"].is_string() ||
        record["principal"].get<std::string>() != session.name()) {
      continue;
    }
    ApiTokenInfo info;
    info.id = key.substr(prefix.size());
    if (record.contains("issued_at") && record["issued_at"].is_string()) {
      info.issued_at = record["issued_at"].get<std::string>();
    }
    if (record.contains("expires_at") && record["expires_at"].is_number_integer()) {
      info.expires_at = record["expires_at"].get<int64_t>();
    }
    info.revoked = record.value("revoked", false);
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), [](const ApiTokenInfo& a, const ApiTokenInfo& b) {
    return a.issued_at != b.issued_at ? a.issued_at > b.issued_at : a.id < b.id;
  });
  return out;
}

Status RevokePrincipalTokens(Session& session, const std::string& principal) {
  const std::string prefix = MetaKey("");
  MARA_ASSIGN_OR_RETURN(auto records, session.store().ListMeta(prefix));
  for (const auto& [key, text] : records) {
    RecordJson record = RecordJson::parse(text, nullptr, false);
    if (!record.is_object() || !record.contains("principal") || !record["principal"].is_string() ||
        record["principal"].get<std::string>() != principal || record.value("revoked", false)) {
      continue;
    }
    record["revoked"] = true;
    const std::string id = key.substr(prefix.size());
    MARA_RETURN_IF_ERROR(session.store().PutMeta(key, record.dump()));
    MARA_RETURN_IF_ERROR(session.Audit({.action = "api_token.revoke", .target_id = id}));
  }
  return Status::Ok();
}

}  // namespace mara

#include "service/users.h"

#include <algorithm>
#include <set>

#include "common/text.h"
#include "security/roles.h"
#include "service/api_tokens.h"
#include "service/core.h"
#include "service/freshness.h"

namespace mara {
namespace {

using security::Operation;

// What a principal may do and how it proves who it is: a change revokes
// its API tokens.
std::string SecurityDigest(const UserRecord& u) {
  std::string roles, situations;
  for (const auto& r : u.roles) roles += r + ";";
  for (const auto& s : u.situations) situations += s + ";";
  return Blake2bHex(u.name + "\n" + roles + "\n" + situations + "\n" + (u.disabled ? "1" : "0") +
                    "\n" + u.password_hash);
}

// The record's digest in the audit chain: the security digest alone for a
// principal without a preferred language (as before principals had one).
std::string UserDigest(const UserRecord& u) {
  if (u.language.empty()) return SecurityDigest(u);
  return Blake2bHex(SecurityDigest(u) + "\nlanguage:" + u.language);
}

Status CheckNames(const std::vector<std::string>& roles,
                  const std::vector<std::string>& situations) {
  for (const std::string& r : roles) MARA_RETURN_IF_ERROR(security::ParseRole(r).status());
  for (const std::string& s : situations) {
    if (!IsValidId(s)) {
      return Status::InvalidArgument("situation " + QuoteForMessage(s) + " is not a valid id");
    }
  }
  return Status::Ok();
}

std::vector<std::string> SortedUnique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

Result<UserRecord> Existing(Session& session, const std::string& name) {
  MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> user, session.store().GetUser(name));
  if (!user) return Status::NotFound("no principal " + QuoteForMessage(name));
  return *user;
}

// Writes `after` and audits the change in one transaction. A change to an
// existing principal's password, roles, situations or disabled flag revokes its API
// tokens in the same transaction; its login sessions in `mara serve` end
// because the digest of its record no longer matches (api/server.h).
Status Save(Session& session, const std::string& action, const std::optional<UserRecord>& before,
            const UserRecord& after) {
  Transaction tx(&session.store());
  MARA_RETURN_IF_ERROR(tx.Begin());
  MARA_RETURN_IF_ERROR(session.store().PutUser(after));
  MARA_RETURN_IF_ERROR(session.Audit(
      {"", action, "users", after.name, before ? UserDigest(*before) : "", UserDigest(after)}));
  if (before && SecurityDigest(*before) != SecurityDigest(after)) {
    MARA_RETURN_IF_ERROR(RevokePrincipalTokens(session, after.name));
  }
  MARA_RETURN_IF_ERROR(tx.Commit());
  if (after.name == session.name()) return session.ReloadPrincipal();
  return Status::Ok();
}

}  // namespace

Status AddUser(Session& session, const NewUser& user) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kManageUsers));
  if (!IsValidId(user.name)) {
    return Status::InvalidArgument("principal name " + QuoteForMessage(user.name) +
                                   " is not valid (letters, digits, '.', '_', '-'; up to 64, "
                                   "starting with a letter or digit)");
  }
  MARA_RETURN_IF_ERROR(CheckNames(user.roles, user.situations));
  MARA_RETURN_IF_ERROR(CheckUserLanguage(user.language));
  MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> existing, session.store().GetUser(user.name));
  if (existing) return Status::Conflict("principal " + QuoteForMessage(user.name) + " exists");
  UserRecord record;
  record.name = user.name;
  record.roles = SortedUnique(user.roles);
  record.situations = SortedUnique(user.situations);
  record.created_at = NowIso(session.clock());
  record.language = user.language;
  if (user.password) {
    MARA_ASSIGN_OR_RETURN(record.password_hash,
                          security::HashPassword(*user.password, user.limits));
  }
  return Save(session, "user.add", std::nullopt, record);
}

Result<std::vector<UserRecord>> ListUsers(Session& session) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kManageUsers));
  return session.store().ListUsers();
}

Status SetUserDisabled(Session& session, const std::string& name, bool disabled) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kManageUsers));
  MARA_ASSIGN_OR_RETURN(UserRecord user, Existing(session, name));
  if (disabled && name == session.name()) {
    return Status::Conflict("principal " + QuoteForMessage(name) +
                            " may not disable themselves; another admin must");
  }
  UserRecord after = user;
  after.disabled = disabled;
  return Save(session, disabled ? "user.disable" : "user.enable", user, after);
}

Status SetUserPassword(Session& session, const std::string& name, const std::string& password,
                       const security::PasswordLimits& limits) {
  if (name != session.name()) MARA_RETURN_IF_ERROR(session.Require(Operation::kManageUsers));
  if (session.principal().disabled) {
    return Status::PermissionDenied("principal " + QuoteForMessage(session.name()) +
                                    " is disabled");
  }
  MARA_ASSIGN_OR_RETURN(UserRecord user, Existing(session, name));
  UserRecord after = user;
  MARA_ASSIGN_OR_RETURN(after.password_hash, security::HashPassword(password, limits));
  return Save(session, "user.passwd", user, after);
}

Status CheckUserLanguage(std::string_view language) {
  if (language.empty()) return Status::Ok();
  for (std::string_view known : kUserLanguages) {
    if (language == known) return Status::Ok();
  }
  return Status::InvalidArgument(
      "language: expected ar, en, es, fr, ru or zh (or none to clear it), got " +
      QuoteForMessage(language));
}

Status SetUserLanguage(Session& session, const std::string& name, const std::string& language) {
  if (name != session.name()) MARA_RETURN_IF_ERROR(session.Require(Operation::kManageUsers));
  if (session.principal().disabled) {
    return Status::PermissionDenied("principal " + QuoteForMessage(session.name()) +
                                    " is disabled");
  }
  MARA_RETURN_IF_ERROR(CheckUserLanguage(language));
  MARA_ASSIGN_OR_RETURN(UserRecord user, Existing(session, name));
  if (user.language == language) return Status::Ok();
  UserRecord after = user;
  after.language = language;
  return Save(session, "user.language", user, after);
}

Status CheckNewPassword(std::string_view password) {
  if (!IsValidUtf8(password) || password.size() > 1024) {
    return Status::InvalidArgument("new password: expected UTF-8 text of at most 1024 bytes");
  }
  size_t characters = 0;
  for (char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
  }
  if (characters < kMinPasswordLength) {
    return Status::InvalidArgument("new password: at least " + std::to_string(kMinPasswordLength) +
                                   " characters");
  }
  return Status::Ok();
}

Status ChangeOwnPassword(Session& session, const std::string& old_password,
                         const std::string& new_password, const security::PasswordLimits& limits) {
  MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> user, session.store().GetUser(session.name()));
  if (!user || user->disabled || user->password_hash.empty() ||
      !security::VerifyPassword(user->password_hash, old_password).ok()) {
    // Recorded on its own (no transaction is open), so repeated guesses
    // through a logged-in session show in the audit log; best effort.
    (void)session.Audit({"", "user.passwd.refused", "users", session.name(), "", ""});
    return Status::PermissionDenied("current password: the current password is wrong");
  }
  MARA_RETURN_IF_ERROR(CheckNewPassword(new_password));
  if (new_password == old_password) {
    return Status::InvalidArgument("new password: must differ from the current one");
  }
  return SetUserPassword(session, session.name(), new_password, limits);
}

Status AssignUser(Session& session, const std::string& name, const std::vector<std::string>& roles,
                  const std::vector<std::string>& situations, bool remove) {
  MARA_RETURN_IF_ERROR(session.Require(Operation::kManageUsers));
  MARA_RETURN_IF_ERROR(CheckNames(roles, situations));
  MARA_ASSIGN_OR_RETURN(UserRecord user, Existing(session, name));
  UserRecord after = user;
  auto apply = [remove](std::vector<std::string>& into, const std::vector<std::string>& what) {
    std::set<std::string> set(into.begin(), into.end());
    for (const std::string& w : what) {
      if (remove) {
        set.erase(w);
      } else {
        set.insert(w);
      }
    }
    into.assign(set.begin(), set.end());
  };
  apply(after.roles, roles);
  apply(after.situations, situations);
  if (name == session.name() && remove &&
      std::find(after.roles.begin(), after.roles.end(), "admin") == after.roles.end() &&
      std::find(user.roles.begin(), user.roles.end(), "admin") != user.roles.end()) {
    return Status::Conflict("principal " + QuoteForMessage(name) +
                            " may not take away their own admin role; another admin must");
  }
  return Save(session, "user.assign", user, after);
}

Result<bool> HasUsablePassword(Session& session) {
  MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> user, session.store().GetUser(session.name()));
  return user && !user->disabled && !user->password_hash.empty();
}

Result<std::optional<std::string>> StoredPrincipalDigest(Session& session) {
  MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> user, session.store().GetUser(session.name()));
  if (!user) return std::optional<std::string>();
  return std::optional<std::string>(PrincipalRecordDigest(*user));
}

Status CheckPassword(Session& session, const std::string& password) {
  const Status refused = Status::PermissionDenied("wrong principal name or password");
  MARA_ASSIGN_OR_RETURN(std::optional<UserRecord> user, session.store().GetUser(session.name()));
  if (!user || user->disabled || user->password_hash.empty()) return refused;
  if (!security::VerifyPassword(user->password_hash, password).ok()) return refused;
  return Status::Ok();
}

}  // namespace mara

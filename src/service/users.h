// Principals (`mara user add|list|disable|passwd|assign`): the service side,
// every function authorised (security::Operation::kManageUsers, except that
// anybody may change their own password) and audited.
//
// Contract: names and situations must be ids, roles one of the six and a
// preferred language one of kUserLanguages (kInvalidArgument otherwise); AddUser of an existing
// name is kConflict; the others are kNotFound for an unknown name. Every change to an existing
// principal but its language revokes its API tokens (service/api_tokens.h) in its transaction. An
// admin cannot disable themselves or take their own admin role away (kConflict), so a store never
// loses its last way in by accident. Passwords are stored only as Argon2id hashes
// (security/password.h). A Session is used from one thread.
#ifndef MARA_SERVICE_USERS_H_
#define MARA_SERVICE_USERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "security/password.h"
#include "service/session.h"

namespace mara {

struct NewUser {
  std::string name;
  std::vector<std::string> roles;
  std::vector<std::string> situations;
  std::optional<std::string> password;
  std::string language;  // "" (none) or one of kUserLanguages
  security::PasswordLimits limits = security::PasswordLimits::Interactive();
};

// The languages a principal may prefer (the six of the reports and the
// browser application).
inline constexpr std::string_view kUserLanguages[] = {"ar", "en", "es", "fr", "ru", "zh"};
// Ok for one of kUserLanguages or "" (none); otherwise kInvalidArgument
// "language: expected ar, en, es, fr, ru or zh (or none to clear it), got
// '<text>'".
Status CheckUserLanguage(std::string_view language);

Status AddUser(Session& session, const NewUser& user);
Result<std::vector<UserRecord>> ListUsers(Session& session);
Status SetUserDisabled(Session& session, const std::string& name, bool disabled);
Status SetUserPassword(
    Session& session, const std::string& name, const std::string& password,
    const security::PasswordLimits& limits = security::PasswordLimits::Interactive());
// The principal's own password change: `old_password` must be its current
// one (kPermissionDenied "the current password is wrong" otherwise, and for
// a disabled principal or one without a password; a wrong one is recorded
// in the audit chain as `user.passwd.refused`), and the new one must
// differ from it and pass CheckNewPassword. Revokes its API tokens and ends
// its logins as every change to a principal does.
// CheckNewPassword: valid UTF-8 of at least kMinPasswordLength characters
// (code points) and at most 1024 bytes, else kInvalidArgument naming "new
// password"; the browser's forms (users and one's own account) apply it.
inline constexpr size_t kMinPasswordLength = 12;
Status CheckNewPassword(std::string_view password);
Status ChangeOwnPassword(
    Session& session, const std::string& old_password, const std::string& new_password,
    const security::PasswordLimits& limits = security::PasswordLimits::Interactive());
// Sets a principal's preferred language, or clears it with "": anybody
// their own (unless disabled: kPermissionDenied), an admin anyone's.
// Audited as `user.language`; unlike the other changes it neither revokes
// the principal's API tokens nor ends its logins (the language is not part
// of PrincipalRecordDigest). Setting the language it already has changes
// and audits nothing.
Status SetUserLanguage(Session& session, const std::string& name, const std::string& language);
// Adds (or with `remove`, takes away) roles and situations.
Status AssignUser(Session& session, const std::string& name, const std::vector<std::string>& roles,
                  const std::vector<std::string>& situations, bool remove);
// For logins (the HTTP API), on a Session opened as the principal who logs
// in. HasUsablePassword: the principal is enabled and has a password (so a
// caller can spend the same time on a dummy check otherwise).
// CheckPassword: Ok, or kPermissionDenied for a disabled principal, one
// without a password or a wrong password (one message for all, so a caller
// learns nothing about which).
Result<bool> HasUsablePassword(Session& session);
// The digest of the session principal's stored record, as FreshnessReader
// reads it (service/freshness.h); nullopt when it has no record. A login
// keeps it and is ended when it changes.
Result<std::optional<std::string>> StoredPrincipalDigest(Session& session);
Status CheckPassword(Session& session, const std::string& password);

}  // namespace mara

#endif  // MARA_SERVICE_USERS_H_

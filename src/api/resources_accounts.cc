// Principals and one's own account over HTTP (docs/api.md): the users an
// admin manages (list, create, grant and revoke roles and situations,
// disable and enable, set the preferred language) and the caller's own
// password, preferred language and API tokens. Every
// rule (who may, what an admin may not do to themselves, tokens revoked by a
// change) lives in service/users.h and service/api_tokens.h; these handlers
// parse and call.
#include <optional>
#include <string>
#include <utility>

#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/text.h"
#include "service/api_tokens.h"
#include "service/users.h"

namespace mara::api::internal {
namespace {

Response NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Json UserView(const UserRecord& u) {
  return {{"name", u.name},
          {"roles", u.roles},
          {"situations", u.situations},
          {"disabled", u.disabled},
          {"has_password", !u.password_hash.empty()},
          {"created_at", u.created_at},
          {"language", u.language.empty() ? Json(nullptr) : Json(u.language)}};
}

// The body's `language`: a code, or "" for null (the schema admits only
// the six codes and null); absent is nullopt.
std::optional<std::string> LanguageMember(const Json& body) {
  auto it = body.find("language");
  if (it == body.end()) return std::nullopt;
  return it->is_string() ? it->get<std::string>() : std::string();
}

// The user view of `name` after a change, or 204 when it is gone.
Response UserAfterChange(Session& session, const std::string& name) {
  Result<std::vector<UserRecord>> users = ListUsers(session);
  if (!users.ok()) return ProblemFor(users.status());
  for (const UserRecord& u : *users) {
    if (u.name == name) return JsonResponse(UserView(u));
  }
  return NoContent();
}

// A list of strings {name: [..]} (absent: empty), or the 400 naming /name.
Result<std::vector<std::string>> StringList(const Json& body, const std::string& name) {
  std::vector<std::string> out;
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return Status::InvalidArgument("/" + name + ": expected a list of names");
  for (const Json& v : *it) {
    if (!v.is_string()) return Status::InvalidArgument("/" + name + ": expected a list of names");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// The service's "new password: ..." or "current password: ..." as the
// member it is about, "/new_password: ...".
Response PasswordProblem(const Status& s) {
  for (auto [prefix, member] :
       {std::pair<std::string_view, std::string_view>{"new password: ", "/new_password"},
        {"current password: ", "/current_password"}}) {
    if (s.message().starts_with(prefix)) {
      return ProblemFor(
          Status(s.code(), std::string(member) + ": " + s.message().substr(prefix.size())), member);
    }
  }
  return ProblemFor(s);
}

// A role or situation the service refused, as the member that named it.
std::string AssignmentField(const Status& s) {
  if (s.message().starts_with("unknown role")) return "/roles";
  if (s.message().starts_with("situation")) return "/situations";
  return "";
}

Response ListUsersRoute(Request&, Session& session) {
  Result<std::vector<UserRecord>> users = ListUsers(session);
  if (!users.ok()) return ProblemFor(users.status());
  Json items = Json::array();
  for (const UserRecord& u : *users) items.push_back(UserView(u));
  return JsonResponse({{"items", std::move(items)}});
}

Response PostUser(Request& req, Session& session) {
  Result<Json> body = ParseBody(req);
  if (!body.ok()) return ProblemFor(body.status(), "body");
  NewUser user;
  Result<std::string> name = StringMember(*body, "name", true);
  if (!name.ok()) return ProblemFor(name.status(), "/name");
  user.name = *name;
  if (!IsValidId(user.name)) {
    return Problem(400, "invalid_argument",
                   "/name: letters, digits, '.', '_' and '-', up to 64, starting with a letter or "
                   "digit",
                   "/name");
  }
  Result<std::vector<std::string>> roles = StringList(*body, "roles");
  if (!roles.ok()) return ProblemFor(roles.status(), "/roles");
  Result<std::vector<std::string>> situations = StringList(*body, "situations");
  if (!situations.ok()) return ProblemFor(situations.status(), "/situations");
  user.roles = *roles;
  user.situations = *situations;
  Result<std::string> password = StringMember(*body, "password", true);
  if (!password.ok()) return ProblemFor(password.status(), "/password");
  if (Status checked = CheckNewPassword(*password); !checked.ok()) {
    // "new password: ..." of the service, about this member.
    return ProblemFor(Status(checked.code(), "/password: " + checked.message().substr(
                                                                 checked.message().find(": ") + 2)),
                      "/password");
  }
  user.password = *password;
  user.language = LanguageMember(*body).value_or("");
  Status added = AddUser(session, user);
  if (!added.ok()) {
    const std::string field = added.code() == StatusCode::kConflict       ? "/name"
                              : added.message().starts_with("language: ") ? "/language"
                                                                          : AssignmentField(added);
    return ProblemFor(added, field);
  }
  Result<std::vector<UserRecord>> users = ListUsers(session);
  if (!users.ok()) return ProblemFor(users.status());
  for (const UserRecord& u : *users) {
    if (u.name != user.name) continue;
    return JsonResponse(UserView(u), 201);
  }
  return Problem(500, "internal", "the new principal was not found after it was added");
}

Response PostAssignment(Request& req, Session& session) {
  const std::string& name = req.params.at("name");
  Result<Json> body = ParseBody(req);
  if (!body.ok()) return ProblemFor(body.status(), "body");
  Result<std::string> action = StringMember(*body, "action", true);
  if (!action.ok()) return ProblemFor(action.status(), "/action");
  if (*action != "grant" && *action != "revoke") {
    return Problem(400, "invalid_argument",
                   "/action: expected grant or revoke, got " + QuoteForMessage(*action), "/action");
  }
  Result<std::vector<std::string>> roles = StringList(*body, "roles");
  if (!roles.ok()) return ProblemFor(roles.status(), "/roles");
  Result<std::vector<std::string>> situations = StringList(*body, "situations");
  if (!situations.ok()) return ProblemFor(situations.status(), "/situations");
  if (roles->empty() && situations->empty()) {
    return Problem(400, "invalid_argument", "/roles: name at least one role or situation",
                   "/roles");
  }
  Status assigned = AssignUser(session, name, *roles, *situations, *action == "revoke");
  if (!assigned.ok()) {
    const std::string field =
        assigned.code() == StatusCode::kNotFound ? "name" : AssignmentField(assigned);
    return ProblemFor(assigned,
                      field.empty() && assigned.code() == StatusCode::kConflict ? "/roles" : field);
  }
  return UserAfterChange(session, name);
}

Response PutDisabled(Request& req, Session& session) {
  const std::string& name = req.params.at("name");
  Result<Json> body = ParseBody(req);
  if (!body.ok()) return ProblemFor(body.status(), "body");
  auto it = body->find("disabled");
  if (it == body->end() || !it->is_boolean()) {
    return Problem(400, "invalid_argument", "/disabled: expected true or false", "/disabled");
  }
  Status changed = SetUserDisabled(session, name, it->get<bool>());
  if (!changed.ok()) {
    return ProblemFor(changed, changed.code() == StatusCode::kConflict ? "/disabled" : "name");
  }
  return UserAfterChange(session, name);
}

Response PutOwnPassword(Request& req, Session& session) {
  Result<Json> body = ParseBody(req);
  if (!body.ok()) return ProblemFor(body.status(), "body");
  Result<std::string> current = StringMember(*body, "current_password", true);
  if (!current.ok()) return ProblemFor(current.status(), "/current_password");
  Result<std::string> next = StringMember(*body, "new_password", true);
  if (!next.ok()) return ProblemFor(next.status(), "/new_password");
  Status changed = ChangeOwnPassword(session, *current, *next);
  if (!changed.ok()) return PasswordProblem(changed);
  return NoContent();
}

Response PutUserLanguage(Request& req, Session& session) {
  const std::string& name = req.params.at("name");
  Result<Json> body = ParseBody(req);
  if (!body.ok()) return ProblemFor(body.status(), "body");
  Status changed = SetUserLanguage(session, name, LanguageMember(*body).value_or(""));
  if (!changed.ok()) {
    return ProblemFor(changed,
                      changed.code() == StatusCode::kInvalidArgument ? "/language" : "name");
  }
  return UserAfterChange(session, name);
}

Response PutOwnLanguage(Request& req, Session& session) {
  Result<Json> body = ParseBody(req);
  if (!body.ok()) return ProblemFor(body.status(), "body");
  const std::string language = LanguageMember(*body).value_or("");
  Status changed = SetUserLanguage(session, session.name(), language);
  if (!changed.ok()) {
    return ProblemFor(changed, changed.code() == StatusCode::kInvalidArgument ? "/language" : "");
  }
  return JsonResponse({{"language", language.empty() ? Json(nullptr) : Json(language)}});
}

Response ListOwnTokens(Request&, Session& session) {
  Result<std::vector<ApiTokenInfo>> tokens = ListOwnApiTokens(session);
  if (!tokens.ok()) return ProblemFor(tokens.status());
  Json items = Json::array();
  for (const ApiTokenInfo& t : *tokens) {
    Json j = {{"id", t.id}, {"expires_at", t.expires_at}, {"revoked", t.revoked}};
    if (!t.issued_at.empty()) j["issued_at"] = t.issued_at;
    items.push_back(std::move(j));
  }
  return JsonResponse({{"items", std::move(items)}});
}

}  // namespace

std::vector<SessionRoute> AccountRoutes() {
  std::vector<SessionRoute> routes;
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/users",
                     .summary = "Principals with their roles, situations and state (admins)",
                     .response_schema = "UserList"},
                    ListUsersRoute});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/users",
                     .summary = "Create a principal {name, roles, situations, password} (admins)",
                     .has_body = true,
                     .success_status = 201,
                     .request_schema = "UserInput",
                     .response_schema = "User"},
                    PostUser});
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/users/{name}/assignment",
                     .summary = "Grant or revoke roles and situations {action: grant|revoke, "
                                "roles, situations} (admins; revokes the principal's tokens)",
                     .has_body = true,
                     .request_schema = "AssignmentInput",
                     .response_schema = "User"},
                    PostAssignment});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/users/{name}/disabled",
                     .summary = "Disable or enable a principal {disabled} (admins; never "
                                "oneself)",
                     .has_body = true,
                     .request_schema = "DisabledInput",
                     .response_schema = "User"},
                    PutDisabled});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/users/{name}/language",
                     .summary = "Set or clear a principal's preferred language {language: ar, en, "
                                "es, fr, ru, zh or null} (admins)",
                     .has_body = true,
                     .request_schema = "LanguageInput",
                     .response_schema = "User"},
                    PutUserLanguage});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/account/language",
                     .summary = "Set or clear your own preferred language {language: ar, en, es, "
                                "fr, ru, zh or null}; the API and the browser application answer "
                                "in it",
                     .has_body = true,
                     .request_schema = "LanguageInput",
                     .response_schema = "AccountLanguage"},
                    PutOwnLanguage});
  routes.push_back({{.method = "PUT",
                     .pattern = "/api/v1/account/password",
                     .summary = "Change your own password {current_password, new_password}; "
                                "ends your logins and revokes your tokens",
                     .has_body = true,
                     .success_status = 204,
                     .request_schema = "PasswordChangeInput",
                     .checks_password = true},
                    PutOwnPassword});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/tokens",
                     .summary = "Your own API tokens (never their secrets)",
                     .response_schema = "OwnTokenList"},
                    ListOwnTokens});
  return routes;
}

}  // namespace mara::api::internal

// Helpers shared by the resource files of src/api (resources*.cc); not part
// of the API's public surface. The views here are the single definition of
// what a principal may see (resources.h states the public-edition rule), so
// every route applies the same rule.
//
// Contract: pure functions over a Session (used from one thread); failures
// come back as Status/Result, or as the problem Response naming the field.
#ifndef MARA_API_RESOURCES_INTERNAL_H_
#define MARA_API_RESOURCES_INTERNAL_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/resources.h"
#include "api/router.h"
#include "common/status.h"
#include "domain/disclosure.h"
#include "domain/model.h"
#include "i18n/messages.h"
#include "policy/policy.h"
#include "service/session.h"
#include "service/visibility.h"

namespace mara::api::internal {

using Json = nlohmann::ordered_json;

// The policies a server offers: its own (the default one) and, when that is
// not the built-in policy, the built-in one too.
struct PolicySet {
  std::shared_ptr<const Policy> server;
  std::shared_ptr<const Policy> builtin;  // null when `server` is the built-in policy
};
PolicySet MakePolicySet(std::shared_ptr<const Policy> server_policy);
// ?policy=NAME (kInvalidArgument naming "policy" for an unknown name); the
// server's policy when absent.
Result<std::shared_ptr<const Policy>> PolicyFor(const Request& req, const PolicySet& policies);

// The headers of an answer worded in `lang`: Content-Language, and Vary:
// Accept-Language (the answer changes with that header).
void AddLanguageHeaders(i18n::Language lang, Response* out);
// The `lang` query parameter as routes declare it.
QueryParam LanguageParam(std::string_view what);

// kReadPublic somewhere (everywhere, or in one assigned situation).
Status CanRead(Session& session);
bool ReadsConfidential(Session& session, const std::string& situation = "");
std::set<std::string> ConfidentialSources(const Bundle& registry);
// The incident as this principal may see it; nullopt when it may not.
std::optional<Json> IncidentView(Session& session, const Incident& incident,
                                 const std::set<std::string>& confidential_sources, int min_cell);
// Loads and views one incident (nullopt: absent or not visible).
Result<std::optional<Json>> IncidentFor(Session& session, const std::string& id, int min_cell);
// EtagOf the compact dump of a JSON representation.
std::string EtagOfJson(const Json& j);

Result<Json> ParseBody(const Request& req);
// "" when absent and not required.
Result<std::string> StringMember(const Json& body, const std::string& name, bool required);
Result<int64_t> ParseInt(std::string_view text, int64_t lo, int64_t hi, std::string_view field);
// An optional integer query parameter.
Result<std::optional<int64_t>> IntQuery(const Request& req, std::string_view name, int64_t lo,
                                        int64_t hi);
// A `/pointer: ...` message's pointer, or `fallback`.
std::string FieldOf(const Status& status, std::string_view fallback);
// A service refusal as a problem naming the field its message starts with.
Response Refused(const Status& status);

// The latest cycle of any incident the store holds (nullopt: none).
Result<std::optional<int>> LatestCycle(Session& session);

// One audit record as the API shows it (the audit log and evidence custody).
Json AuditRecordJson(const security::AuditRecord& r);

// Writes `bytes` to a new file `path` created with mode 0600, 1 MiB at a
// time (a large upload's bytes are a view into its mapped spool file).
Status WritePrivateFile(const std::string& path, std::string_view bytes);
// The extension of an uploaded file name (".csv"), or "" when it is not a
// short alphanumeric one: the name never becomes a path.
std::string SafeExtension(std::string_view filename);

// Route tables of the resource files (resources_write.cc, resources_views.cc,
// resources_evidence.cc).
std::vector<SessionRoute> WriteRoutes(const PolicySet& policies);
std::vector<SessionRoute> ViewRoutes(const PolicySet& policies);
std::vector<SessionRoute> EvidenceRoutes();
// resources_accounts.cc: users (admins) and one's own password and tokens.
std::vector<SessionRoute> AccountRoutes();
// resources_registry.cc: the registry's writes, single reads and histories.
std::vector<SessionRoute> RegistryRoutes();
// A party as GET /api/v1/parties/{id} shows it (and its ETag covers): the
// record with the ids of its children (units naming it as parent) and
// splinters.
Json PartyView(const Bundle& registry, const Party& party);
// resources_communications.cc
std::vector<SessionRoute> CommunicationRoutes();
// resources_publications.cc
std::vector<SessionRoute> PublicationRoutes(const PolicySet& policies);
// The latest publication of `cycle` as the annex names it (null: none):
// number, sign-off time, data digest, policy, whether the store's data
// digest is still the published one (null when the caller may not read the
// digest) and the files' routes.
Result<Json> PublishedJson(Session& session, int cycle);

}  // namespace mara::api::internal

#endif  // MARA_API_RESOURCES_INTERNAL_H_

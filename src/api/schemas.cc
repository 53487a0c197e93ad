#include "api/schemas.h"

#include <initializer_list>
#include <utility>
#include <vector>

#include "api/resources_imports.h"
#include "domain/enums.h"
#include "domain/model.h"

namespace mara::api {
namespace {

using Json = nlohmann::ordered_json;

// --- building blocks ---

Json Type(std::string_view type) { return Json{{"type", type}}; }
Json Str() { return Type("string"); }
Json Bool() { return Type("boolean"); }
Json Num() { return Type("number"); }
Json Int() { return Type("integer"); }
Json Int(int64_t lo) { return Json{{"type", "integer"}, {"minimum", lo}}; }
Json Int(int64_t lo, int64_t hi) {
  return Json{{"type", "integer"}, {"minimum", lo}, {"maximum", hi}};
}
Json Cycle() { return Int(1000, 9999); }
Json NonEmpty() { return Json{{"type", "string"}, {"minLength", 1}}; }
Json Text(int64_t max) { return Json{{"type", "string"}, {"maxLength", max}}; }
Json Day() { return Json{{"type", "string"}, {"format", "date"}}; }
Json AnyObject() { return Type("object"); }
Json Any() { return Json::object(); }
Json List(Json items) { return Json{{"type", "array"}, {"items", std::move(items)}}; }
Json Strings() { return List(Str()); }
Json Described(Json schema, std::string_view description) {
  schema["description"] = description;
  return schema;
}
// A value or null.
Json OrNull(Json schema) {
  if (schema.contains("type") && schema["type"].is_string()) {
    schema["type"] = Json::array({schema["type"], "null"});
    if (schema.contains("enum")) schema["enum"].push_back(nullptr);
    return schema;
  }
  return Json{{"oneOf", Json::array({Type("null"), std::move(schema)})}};
}
// A principal's preferred language, null when none is set.
Json PreferredLanguage() {
  return Described(OrNull(Json{{"type", "string"}, {"enum", {"ar", "en", "es", "fr", "ru", "zh"}}}),
                   "the preferred language: ar, en, es, fr, ru or zh; null when none is set");
}
// One of the domain's spellings of E (domain/enums.h).
template <typename E>
Json Enum() {
  Json values = Json::array();
  for (std::string_view name : EnumNames<E>::kNames) values.push_back(name);
  return Json{{"type", "string"}, {"enum", std::move(values)}};
}
template <typename E>
Json Enums() {
  return List(Enum<E>());
}

using Members = std::initializer_list<std::pair<const char*, Json>>;

Json Object(Members members, std::initializer_list<const char*> required, bool closed) {
  Json j = Type("object");
  if (required.size() > 0) {
    Json req = Json::array();
    for (const char* name : required) req.push_back(name);
    j["required"] = std::move(req);
  }
  Json props = Json::object();
  for (const auto& [name, schema] : members) props[name] = schema;
  j["properties"] = std::move(props);
  if (closed) j["additionalProperties"] = false;
  return j;
}
// A response: open to members added later.
Json Reply(Members members, std::initializer_list<const char*> required) {
  return Object(members, required, false);
}
// A request body: closed, so a member the handler would not read is refused.
Json Input(Members members, std::initializer_list<const char*> required) {
  return Object(members, required, true);
}
Json Items(std::string_view name) { return Reply({{"items", List(SchemaRef(name))}}, {"items"}); }
Json CountOrCell() {
  return Described(Json{{"type", Json::array({"integer", "string"})}},
                   "a count; in the public edition the published cell (\"<5\", a number as text)");
}

// --- records (the mara-bundle/1 form of domain/json_codec.h, as the
// caller's edition shows it: domain/disclosure.h leaves members out) ---

void Records(Json& s) {
  s["Situation"] = Reply({{"id", Str()},
                          {"name", Str()},
                          {"on_council_agenda", Bool()},
                          {"iso3", Str()},
                          {"gwno", Int()}},
                         {"id", "name", "on_council_agenda"});
  s["Party"] = Reply(
      {{"id", Str()},
       {"name", Str()},
       {"aliases", Strings()},
       {"kind", Enum<PartyKind>()},
       {"situation", Str()},
       {"parent", Str()},
       {"splinter_of", Str()},
       {"names_over_time",
        List(Reply({{"name", Str()}, {"from", Day()}, {"to", Day()}}, {"name"}))},
       {"dissolved", Reply({{"date", Day()}, {"source", Str()}}, {"source"})},
       {"names", Described(Reply({{"ar", Str()},
                                  {"en", Str()},
                                  {"es", Str()},
                                  {"fr", Str()},
                                  {"ru", Str()},
                                  {"zh", Str()}},
                                 {}),
                           "the party's name by language, when it has any; `name` is the "
                           "canonical name")},
       {"children", Described(Strings(), "GET /parties/{id} only: parties that answer to it")},
       {"splinters", Described(Strings(), "GET /parties/{id} only: parties that split from it")}},
      {"id", "name", "aliases", "kind", "situation", "names_over_time"});
  s["Source"] =
      Reply({{"id", Str()},
             {"kind", Enum<SourceKind>()},
             {"title", Str()},
             {"publisher", Str()},
             {"date", Day()},
             {"url", Str()},
             {"reliability", Str()},
             {"credibility", Str()},
             {"confidential", Bool()},
             {"consent", Enum<Consent>()}},
            {"id", "kind", "title", "publisher", "reliability", "credibility", "confidential"});
  s["Victims"] = Reply({{"women", CountOrCell()},
                        {"girls", CountOrCell()},
                        {"men", CountOrCell()},
                        {"boys", CountOrCell()},
                        {"unknown", CountOrCell()},
                        {"total", CountOrCell()}},
                       {"women", "girls", "men", "boys", "unknown"});
  s["Attribution"] =
      Reply({{"party", Str()}, {"standard", Enum<Standard>()}}, {"party", "standard"});
  s["Incident"] = Reply(
      {{"id", Str()},
       {"situation", Str()},
       {"date", Day()},
       {"date_precision", Enum<DatePrecision>()},
       {"location",
        Reply({{"name", Str()}, {"admin1", Str()}, {"lat", Num()}, {"lon", Num()}}, {"name"})},
       {"violations", Enums<Violation>()},
       {"victims", SchemaRef("Victims")},
       {"context", Enum<Context>()},
       {"nexus", Enums<Nexus>()},
       {"status", Enum<IncidentStatus>()},
       {"verified_on", Day()},
       {"perpetrators", List(SchemaRef("Attribution"))},
       {"sources", Strings()},
       {"narrative", Described(Str(), "confidential readers only")},
       {"consent", Enum<Consent>()},
       {"created_by", Described(Str(), "the review queue only")},
       {"last_edited_by", Described(Str(), "the review queue only")}},
      {"id", "situation", "date", "date_precision", "location", "violations", "victims", "context",
       "nexus", "status", "perpetrators", "sources", "consent"});
  s["Finding"] = Reply({{"party", Str()},
                        {"cycle", Cycle()},
                        {"source", Str()},
                        {"level", Int(0, 3)},
                        {"forms", Enums<Violation>()}},
                       {"party", "cycle", "level", "forms"});
  s["Commitment"] = Reply({{"id", Str()},
                           {"party", Str()},
                           {"kind", Enum<CommitmentKind>()},
                           {"signed", Day()},
                           {"measures", List(Reply({{"id", Str()},
                                                    {"text", Str()},
                                                    {"due", Day()},
                                                    {"status", Enum<MeasureStatus>()},
                                                    {"verified_on", Day()}},
                                                   {"id", "text", "status"}))}},
                          {"id", "party", "kind", "measures"});
  s["Decision"] = Reply({{"party", Str()},
                         {"cycle", Cycle()},
                         {"status", Enum<PartyStatus>()},
                         {"decided_by", Described(Str(), "confidential readers only")},
                         {"date", Day()},
                         {"rationale", Described(Str(), "confidential readers only")}},
                        {"party", "cycle", "status", "date"});
  s["Designation"] = Reply({{"party", Str()},
                            {"authority", Str()},
                            {"program", Str()},
                            {"kind", Enum<DesignationKind>()},
                            {"listed_on", Day()},
                            {"ended_on", Day()},
                            {"source", Str()}},
                           {"party", "authority", "program", "kind", "listed_on"});
  s["Statement"] = Reply({{"id", Str()},
                          {"by", Str()},
                          {"date", Day()},
                          {"kind", Enum<StatementKind>()},
                          {"incidents", Strings()},
                          {"text", Described(Str(), "confidential readers only")}},
                         {"id", "by", "date", "kind"});
  s["Engagement"] = Reply({{"party", Str()},
                           {"date", Day()},
                           {"kind", Enum<EngagementKind>()},
                           {"note", Described(Str(), "confidential readers only")}},
                          {"party", "date", "kind"});
  s["Petition"] = Reply(
      {{"id", Described(Str(), "PARTY~YYYY-MM-DD (party and filing day)")},
       {"party", Str()},
       {"filed", Day()},
       {"cycle", Cycle()},
       {"grounds", Str()},
       {"new_material", Bool()},
       {"outcome", Enum<PetitionOutcome>()},
       {"decided", Day()},
       {"decided_by", Described(Str(), "confidential readers only")},
       {"reason", Described(Str(), "confidential readers only")},
       {"decision", Described(SchemaRef("Decision"), "a ruling only: the decision it recorded")}},
      {"id", "party", "filed", "grounds", "new_material", "outcome"});
}

// --- request bodies: what each handler reads, and nothing else ---

// domain/json_codec.h reads a null member as an absent one: the optional
// members of a record it decodes may be null.
Json NullWhereOptional(Json object) {
  const Json required = object.value("required", Json::array());
  for (auto& [name, member] : object["properties"].items()) {
    bool needed = false;
    for (const Json& r : required) needed = needed || r == name;
    if (!needed) member = OrNull(std::move(member));
  }
  return object;
}

Json IncidentInput(bool id_required) {
  Json counts = NullWhereOptional(Input({{"women", Int(0)},
                                         {"girls", Int(0)},
                                         {"men", Int(0)},
                                         {"boys", Int(0)},
                                         {"unknown", Int(0)}},
                                        {}));
  Json location = Input({{"name", Str()},
                         {"admin1", Str()},
                         {"lat", Json{{"type", "number"}, {"minimum", -90}, {"maximum", 90}}},
                         {"lon", Json{{"type", "number"}, {"minimum", -180}, {"maximum", 180}}}},
                        {"name"});
  location = NullWhereOptional(std::move(location));
  Members members = {
      {"id",
       Described(Str(), id_required ? "a new incident's id; without it Mara gives the next number "
                                      "of the incident's year, I-YYYY-NNNNNN"
                                    : "optional; when present, the id in the path")},
      {"situation", Str()},
      {"date", Day()},
      {"date_precision", Enum<DatePrecision>()},
      {"location", location},
      {"violations", Enums<Violation>()},
      {"victims", counts},
      {"context", Enum<Context>()},
      {"nexus", Enums<Nexus>()},
      {"status", Enum<IncidentStatus>()},
      {"verified_on", Day()},
      {"perpetrators",
       List(Input({{"party", Str()}, {"standard", Enum<Standard>()}}, {"party", "standard"}))},
      {"sources", Strings()},
      {"narrative", Str()},
      {"consent", Enum<Consent>()}};
  return NullWhereOptional(
      Input(members, {"situation", "date", "location", "violations", "context", "status"}));
}

// A PUT's body: the record's input without the members its path names
// (api/resources_registry.cc puts them in; present, they must match).
Json WithoutRequired(Json input, std::initializer_list<const char*> from_path) {
  Json required = Json::array();
  for (const Json& name : input.value("required", Json::array())) {
    bool in_path = false;
    for (const char* p : from_path) in_path = in_path || name == p;
    if (!in_path) required.push_back(name);
  }
  if (required.empty()) {
    input.erase("required");
  } else {
    input["required"] = std::move(required);
  }
  return input;
}

// The registry's records as POST and PUT decode them (domain/json_codec.h).
void RegistryInputs(Json& s) {
  Json names_over_time =
      List(NullWhereOptional(Input({{"name", Str()}, {"from", Day()}, {"to", Day()}}, {"name"})));
  Json dissolved = NullWhereOptional(Input({{"date", Day()}, {"source", Str()}}, {"source"}));
  Json names = NullWhereOptional(Input({{"ar", NonEmpty()},
                                        {"en", NonEmpty()},
                                        {"es", NonEmpty()},
                                        {"fr", NonEmpty()},
                                        {"ru", NonEmpty()},
                                        {"zh", NonEmpty()}},
                                       {}));
  s["PartyInput"] = NullWhereOptional(Input(
      {{"id", Str()},
       {"name", Str()},
       {"aliases", Strings()},
       {"kind", Enum<PartyKind>()},
       {"situation", Str()},
       {"parent", Described(Str(), "the party this unit answers to")},
       {"splinter_of", Described(Str(), "the party this group broke away from")},
       {"names_over_time", names_over_time},
       {"dissolved",
        Described(dissolved, "a change of it needs a decision maker; null: not dissolved")},
       {"names", Described(names,
                           "the party's name in other languages and scripts, by report language; "
                           "a report in that language prints it instead of `name` (null or a "
                           "left-out language: none)")}},
      {"id", "name", "kind", "situation"}));
  s["PartyReplacement"] = WithoutRequired(s["PartyInput"], {"id"});
  s["RenameInput"] =
      Input({{"name", Str()},
             {"from", Described(Day(), "the first day of the new name (default: today)")}},
            {"name"});
  s["SourceInput"] = NullWhereOptional(Input(
      {{"id", Str()},
       {"kind", Enum<SourceKind>()},
       {"title", Str()},
       {"publisher", Str()},
       {"date", Day()},
       {"url", Str()},
       {"reliability", Described(Json{{"type", "string"}, {"pattern", "^[A-F]$"}},
                                 "the source's reliability, A to F")},
       {"credibility",
        Described(Json{{"oneOf", Json::array({Json{{"type", "string"}, {"pattern", "^[1-6]$"}},
                                              Int(1, 6)})}},
                  "the information's credibility, 1 to 6 (a number or its digit as text)")},
       {"confidential", Bool()},
       {"consent", Described(Enum<Consent>(), "a testimony's; changed only through /consent")}},
      {"id", "kind", "title", "confidential"}));
  s["SourceReplacement"] = WithoutRequired(s["SourceInput"], {"id"});
  Json measure = NullWhereOptional(
      Input({{"id", Str()},
             {"text", Str()},
             {"due", Day()},
             {"status", Described(Enum<MeasureStatus>(),
                                  "verified_implemented only through the measure's verification")},
             {"verified_on", Day()}},
            {"id", "text", "status"}));
  s["CommitmentInput"] = NullWhereOptional(Input({{"id", Str()},
                                                  {"party", Str()},
                                                  {"kind", Enum<CommitmentKind>()},
                                                  {"signed", Day()},
                                                  {"measures", List(measure)}},
                                                 {"id", "party", "kind"}));
  s["CommitmentReplacement"] = WithoutRequired(s["CommitmentInput"], {"id"});
  s["StatementInput"] =
      NullWhereOptional(Input({{"id", Str()},
                               {"by", Str()},
                               {"date", Day()},
                               {"kind", Enum<StatementKind>()},
                               {"incidents", Described(Strings(), "the incidents it answers")},
                               {"text", Str()}},
                              {"id", "by", "date", "kind"}));
  s["StatementReplacement"] = WithoutRequired(s["StatementInput"], {"id"});
  s["DesignationInput"] = NullWhereOptional(
      Input({{"party", Str()},
             {"authority", Str()},
             {"program", Described(Str(), "the list or regime; absent when it has none")},
             {"kind", Enum<DesignationKind>()},
             {"listed_on", Day()},
             {"ended_on", Day()},
             {"source", Str()}},
            {"party", "authority", "kind", "listed_on"}));
  s["DesignationReplacement"] = WithoutRequired(s["DesignationInput"], {"party", "listed_on"});
  s["EngagementInput"] = NullWhereOptional(
      Input({{"party", Str()}, {"date", Day()}, {"kind", Enum<EngagementKind>()}, {"note", Str()}},
            {"party", "date", "kind"}));
  s["EngagementReplacement"] = WithoutRequired(s["EngagementInput"], {"party", "date", "kind"});
}

void Inputs(Json& s) {
  s["LoginInput"] = Input({{"name", NonEmpty()}, {"password", NonEmpty()}}, {"name", "password"});
  s["UserInput"] = Input({{"name", NonEmpty()},
                          {"roles", Strings()},
                          {"situations", Strings()},
                          {"password", Described(NonEmpty(), "at least 12 characters")},
                          {"language", PreferredLanguage()}},
                         {"name", "password"});
  s["AssignmentInput"] = Input({{"action", Json{{"type", "string"}, {"enum", {"grant", "revoke"}}}},
                                {"roles", Strings()},
                                {"situations", Strings()}},
                               {"action"});
  s["DisabledInput"] = Input({{"disabled", Bool()}}, {"disabled"});
  s["LanguageInput"] = Input({{"language", PreferredLanguage()}}, {"language"});
  s["PasswordChangeInput"] = Input({{"current_password", Str()}, {"new_password", Str()}},
                                   {"current_password", "new_password"});
  s["TokenInput"] =
      Input({{"days", Described(Int(1, 365), "the token's lifetime (default 90)")}}, {});
  s["DecisionInput"] =
      Input({{"party", Str()},
             {"cycle", Cycle()},
             {"status", Enum<PartyStatus>()},
             {"rationale", Str()},
             {"date", Described(Day(), "the day of the decision (default: today)")}},
            {"party", "cycle", "status", "rationale"});
  s["VerificationInput"] =
      Input({{"verified_on", Described(Day(), "the day of verification (default: today)")}}, {});
  s["IncidentInput"] = IncidentInput(true);
  s["IncidentReplacement"] = IncidentInput(false);
  s["ConsentInput"] = Input({{"consent", Enum<Consent>()}}, {"consent"});
  s["ReturnInput"] = Input({{"comment", Str()}}, {"comment"});
  s["ConsentRestorationInput"] =
      Input({{"consent", Enum<Consent>()}, {"reason", Str()}}, {"consent", "reason"});
  s["PetitionInput"] = Input({{"party", Str()},
                              {"grounds", NonEmpty()},
                              {"filed_on", Described(Day(), "the filing day (default: today)")},
                              {"cycle", OrNull(Cycle())},
                              {"new_material", Bool()}},
                             {"party", "grounds"});
  s["RulingInput"] =
      Input({{"outcome", Json{{"type", "string"}, {"enum", {"granted", "rejected"}}}},
             {"rationale", NonEmpty()},
             {"cycle", OrNull(Cycle())}},
            {"outcome", "rationale"});
  s["NameReviewDecisionInput"] = Input(
      {{"action", Described(Json{{"type", "string"},
                                 {"enum", {"accept", "merge", "reject", "create", "separate"}}},
                            "merge is accept and separate is create, in the browser's words")},
       {"target", Described(Str(), "accept (merge) only: the party the name is")},
       {"note", Text(static_cast<int64_t>(kMaxTextLength))}},
      {"action"});
  s["PublicationInput"] =
      Input({{"cycle", Cycle()}, {"rationale", NonEmpty()}}, {"cycle", "rationale"});
  // multipart/form-data: each part a member, a file's part holding its bytes.
  const Json file =
      Described(Json{{"type", "string"}, {"format", "binary"}}, "the file: a part with a filename");
  s["EvidenceUpload"] = Input(
      {{"file", file},
       {"incident", Described(NonEmpty(), "the incident's id")},
       {"description", Text(4096)},
       {"captured_sha256", Described(Str(),
                                     "a file captured offline: the SHA-256 (64 lowercase hex) "
                                     "taken at capture; refused unless the bytes match")},
       {"captured_at", Described(Str(),
                                 "a file captured offline: when, ISO "
                                 "8601 UTC (2026-03-01T09:30:00Z)")}},
      {"file", "incident"});
  Json formats = Json::array({""});
  for (std::string_view format : kImportFormats) formats.push_back(format);
  s["ImportUpload"] =
      Input({{"file", file},
             {"format", Described(Json{{"type", "string"}, {"enum", formats}},
                                  "required unless the file name ends in .json or .csv")},
             {"skip_invalid", Json{{"type", "string"}, {"enum", {"", "true", "false"}}}}},
            {"file"});
  s["CommunicationUpload"] =
      Input({{"kind", Enum<CommunicationKind>()},
             {"party", Described(Text(65536),
                                 "the party concerned; required for a listing or "
                                 "delisting request")},
             {"submitter_kind", Enum<SubmitterKind>()},
             {"submitter", Described(Text(65536), "the organisation that writes")},
             {"text", Described(Text(65536), "what it asks or reports (at most 65536 bytes)")},
             {"attachment", Described(file, "a file; the part may be repeated, up to 10 times")}},
            {"kind", "submitter_kind"});
  s["CommunicationRulingInput"] = Input(
      {{"status",
        Json{{"type", "string"}, {"enum", {"under_review", "accepted", "declined", "noted"}}}},
       {"reason", Described(Str(), "required for a ruling (accepted, declined, noted)")}},
      {"status"});
  s["SignOffInput"] = Described(Input({}, {}), "an empty object: the cycle is in the path");
}

// --- views and answers of the routes ---

Json PolicyId() {
  return Reply({{"name", Str()}, {"version", Str()}, {"digest", Str()}}, {"name", "version"});
}
Json Counts() { return Json{{"type", "object"}, {"additionalProperties", Int(0)}}; }
Json Criterion() {
  Json value = Json{{"type", Json::array({"boolean", "integer", "number", "string"})}};
  return Reply({{"rule", Str()},
                {"threshold", value},
                {"observed", value},
                {"met", Bool()},
                {"evidence", Str()}},
               {"rule", "met"});
}
Json AnnexLine() {
  return Reply({{"id", Str()},
                {"name", Str()},
                {"kind", Enum<PartyKind>()},
                {"status", Enum<PartyStatus>()},
                {"violations", Enums<Violation>()}},
               {"id", "name", "kind", "status", "violations"});
}

void Views(Json& s) {
  s["SituationList"] = Items("Situation");
  s["PartyList"] = Items("Party");
  s["SourceList"] = Items("Source");
  s["FindingList"] = Items("Finding");
  s["CommitmentList"] = Items("Commitment");
  s["DecisionList"] = Items("Decision");
  s["DesignationList"] = Items("Designation");
  s["StatementList"] = Items("Statement");
  s["EngagementList"] = Items("Engagement");
  s["PetitionList"] = Items("Petition");
  s["IncidentList"] = Reply({{"items", List(SchemaRef("Incident"))},
                             {"total", Int(0)},
                             {"limit", Int(1)},
                             {"offset", Int(0)}},
                            {"items", "total", "limit", "offset"});
  s["ConsentOutcome"] =
      Described(Json{{"oneOf", Json::array({SchemaRef("Incident"),
                                            Object({{"id", Str()}, {"consent", Enum<Consent>()}},
                                                   {"id", "consent"}, true)})}},
                "the incident, or only its id and consent when the caller may no longer see it "
                "(withdrawn)");
  s["IncidentQueue"] = Described(Items("Incident"),
                                 "incidents the caller may verify, with created_by and "
                                 "last_edited_by");
  s["IncidentHistory"] = Reply(
      {{"id", Str()},
       {"history",
        List(Reply({{"action", Str()},
                    {"by", Described(Str(), "confidential readers only")},
                    {"at", Str()},
                    {"status", Enum<IncidentStatus>()},
                    {"comment", Described(Str(), "confidential readers only")},
                    {"changes", List(Reply({{"field", Str()}, {"before", Any()}, {"after", Any()}},
                                           {"field"}))}},
                   {"action", "at", "status"}))}},
      {"id", "history"});
  s["Principal"] = Reply({{"name", Str()},
                          {"roles", Strings()},
                          {"situations", Strings()},
                          {"disabled", Bool()},
                          {"language", PreferredLanguage()},
                          {"csrf_token", Described(Str(), "empty for a bearer token")}},
                         {"name", "roles", "situations", "disabled", "csrf_token"});
  s["LoginResult"] =
      Reply({{"name", Str()}, {"language", PreferredLanguage()}, {"csrf_token", Str()}},
            {"name", "csrf_token"});
  s["AccountLanguage"] = Reply({{"language", PreferredLanguage()}}, {"language"});
  s["IssuedToken"] = Reply({{"id", Str()},
                            {"token", Described(Str(), "shown once: mara_...")},
                            {"principal", Str()},
                            {"expires_at", Described(Int(), "Unix seconds")}},
                           {"id", "token", "principal", "expires_at"});
  s["OpenApiDocument"] = Reply({{"openapi", Str()}, {"info", AnyObject()}, {"paths", AnyObject()}},
                               {"openapi", "info", "paths"});
  s["Health"] =
      Reply({{"status", Json{{"type", "string"}, {"enum", {"ok", "ready"}}}}}, {"status"});
  s["AuditRecord"] =
      Reply({{"seq", Int(1)},
             {"time_ms", Int()},
             {"principal", Str()},
             {"action", Str()},
             {"collection", Str()},
             {"target_id", Str()},
             {"before_digest", Str()},
             {"after_digest", Str()},
             {"hash", Str()},
             {"changes", Described(OrNull(Type("array")),
                                   "GET /audit only: an incident's changes, as its "
                                   "history shows them to the caller")}},
            {"seq", "time_ms", "principal", "action", "collection", "target_id", "hash"});
  s["AuditPage"] =
      Reply({{"items", List(SchemaRef("AuditRecord"))},
             {"next_after_seq", Described(Int(0), "present when more records follow")}},
            {"items"});
  s["CustodyLog"] = Items("AuditRecord");
  s["EvidenceCheck"] = Reply({{"id", Str()},
                              {"sha256", Str()},
                              {"intact", Bool()},
                              {"verified_by", Str()},
                              {"verified_at", Str()},
                              {"problem", Described(Str(), "what is wrong when not intact")}},
                             {"id", "sha256", "intact", "verified_by", "verified_at"});
  s["User"] = Reply({{"name", Str()},
                     {"roles", Strings()},
                     {"situations", Strings()},
                     {"disabled", Bool()},
                     {"has_password", Bool()},
                     {"created_at", Str()},
                     {"language", PreferredLanguage()}},
                    {"name", "roles", "situations", "disabled", "has_password", "created_at"});
  s["UserList"] = Items("User");
  s["OwnToken"] = Reply({{"id", Str()},
                         {"expires_at", Described(Int(), "Unix seconds")},
                         {"revoked", Bool()},
                         {"issued_at", Str()}},
                        {"id", "expires_at", "revoked"});
  s["OwnTokenList"] = Items("OwnToken");
  s["ConsentRegisterEntry"] =
      Reply({{"id", Str()},
             {"situation", Str()},
             {"date", Day()},
             {"consent", Enum<Consent>()},
             {"last_change", Reply({{"action", Str()},
                                    {"by", Str()},
                                    {"at", Str()},
                                    {"reason", Described(Str(), "a restoration's reason")}},
                                   {"action", "by", "at"})}},
            {"id", "situation", "date", "consent"});
  s["ConsentRegister"] = Items("ConsentRegisterEntry");
  s["AuditVerification"] = Reply({{"ok", Bool()},
                                  {"records", Int(0)},
                                  {"checkpoints", Int(0)},
                                  {"head_seq", Int(0)},
                                  {"state_covered", Bool()},
                                  {"state_records", Int(0)},
                                  {"state_findings", Type("array")},
                                  {"state_note", Str()},
                                  {"problem", Str()}},
                                 {"ok", "records", "checkpoints", "head_seq"});
  s["Stats"] = Reply({{"collections", Counts()},
                      {"incidents", Reply({{"total", Int(0)},
                                           {"victims", Int(0)},
                                           {"by_cycle", Counts()},
                                           {"by_situation", Counts()},
                                           {"by_status", Counts()},
                                           {"by_violation", Counts()}},
                                          {"total"})}},
                     {"collections", "incidents"});
  s["Criterion"] = Criterion();
  s["PartyAssessment"] = Reply({{"id", Str()},
                                {"name", Str()},
                                {"situation", Str()},
                                {"kind", Enum<PartyKind>()},
                                {"previous_status", Enum<PartyStatus>()},
                                {"recommended_status", Enum<PartyStatus>()},
                                {"status", Enum<PartyStatus>()},
                                {"decided", Bool()},
                                {"override", Bool()},
                                {"persistent", Bool()},
                                {"consecutive_listed_cycles", Int(0)},
                                {"evidence", AnyObject()},
                                {"criteria", List(SchemaRef("Criterion"))},
                                {"in_scope", Bool()},
                                {"parent", OrNull(Str())},
                                {"splinter_of", OrNull(Str())},
                                {"rule", Int()},
                                {"delisted", Bool()},
                                {"history", Type("array")}},
                               {"id", "name", "situation", "kind", "previous_status",
                                "recommended_status", "status", "decided", "criteria"});
  s["ConsistencyItem"] = Reply(
      {{"party", Str()}, {"status", Str()}, {"reason", Str()}, {"compared_with", Type("array")}},
      {"party", "status", "reason"});
  s["SensitivityItem"] =
      Reply({{"parameter", Str()},
             {"direction", Str()},
             {"value", Json{{"type", Json::array({"integer", "number", "string", "boolean"})}}},
             {"new_value", Json{{"type", Json::array({"integer", "number", "string", "boolean"})}}},
             {"changes", Type("array")}},
            {"parameter", "direction", "changes"});
  s["Assessment"] = Reply({{"cycle", Cycle()},
                           {"policy", PolicyId()},
                           {"data_digest", Str()},
                           {"parties", List(SchemaRef("PartyAssessment"))},
                           {"consistency", List(SchemaRef("ConsistencyItem"))},
                           {"sensitivity", List(SchemaRef("SensitivityItem"))},
                           {"first_cycle", Cycle()}},
                          {"cycle", "policy", "parties"});
  s["Consistency"] = Reply({{"cycle", Cycle()}, {"items", List(SchemaRef("ConsistencyItem"))}},
                           {"cycle", "items"});
  s["Sensitivity"] = Reply({{"cycle", Cycle()}, {"items", List(SchemaRef("SensitivityItem"))}},
                           {"cycle", "items"});
  s["StatementOfCase"] =
      Reply({{"party", Str()},
             {"name", Str()},
             {"cycle", Cycle()},
             {"edition", Json{{"type", "string"}, {"enum", {"public", "confidential"}}}},
             {"policy", PolicyId()},
             {"data_digest", Str()},
             {"status", Enum<PartyStatus>()},
             {"recommended_status", Enum<PartyStatus>()},
             {"previous_status", Enum<PartyStatus>()},
             {"decided", Bool()},
             {"override", Bool()},
             {"persistent", Bool()},
             {"party_record", SchemaRef("Party")},
             {"splinter_of", OrNull(AnyObject())},
             {"parent", OrNull(AnyObject())},
             {"evidence", AnyObject()},
             {"criteria", List(SchemaRef("Criterion"))},
             {"explanation", AnyObject()},
             {"history", Type("array")},
             {"incidents", List(AnyObject())},
             {"findings", List(SchemaRef("Finding"))},
             {"commitments", List(SchemaRef("Commitment"))},
             {"designations", List(SchemaRef("Designation"))},
             {"engagements", List(SchemaRef("Engagement"))},
             {"decisions", List(SchemaRef("Decision"))},
             {"petitions", List(AnyObject())}},
            {"party", "name", "cycle", "edition", "status", "criteria"});
  s["Report"] =
      Described(Reply({{"format", Str()},
                       {"cycle", Cycle()},
                       {"edition", Json{{"type", "string"}, {"enum", {"public", "confidential"}}}},
                       {"policy", PolicyId()},
                       {"data_digest", Str()},
                       {"audit_head", AnyObject()},
                       {"publication_min_cell", Int(0)},
                       {"summary", AnyObject()},
                       {"trends", List(AnyObject())},
                       {"situations", List(AnyObject())},
                       {"annex", List(AnyObject())},
                       {"notice", List(AnyObject())},
                       {"removals", List(AnyObject())},
                       {"late_verifications", AnyObject()},
                       {"responses", AnyObject()},
                       {"engagement", List(AnyObject())},
                       {"statements_of_case", List(AnyObject())}},
                      {"format", "cycle", "edition", "policy", "summary", "annex"}),
                "format=json; the other formats are text");
  s["PublishedAnnex"] = Reply(
      {{"number", Int(1)},
       {"signed_off_at", Str()},
       {"data_digest", Str()},
       {"policy", PolicyId()},
       {"same_data",
        Described(OrNull(Bool()), "whether the data is still what was published (null: unknown)")},
       {"files",
        List(Reply({{"name", Str()}, {"format", Str()}, {"href", Str()}}, {"name", "href"}))}},
      {"number", "files"});
  s["Annex"] =
      Reply({{"cycle", Cycle()},
             {"policy", PolicyId()},
             {"listed",
              List(Reply(
                  {{"situation", Str()}, {"situation_name", Str()}, {"parties", List(AnnexLine())}},
                  {"situation", "parties"}))},
             {"on_notice", List(Reply({{"situation", Str()}, {"parties", List(AnnexLine())}},
                                      {"situation", "parties"}))},
             {"changes", List(Reply({{"party", Str()},
                                     {"name", Str()},
                                     {"situation", Str()},
                                     {"from", Enum<PartyStatus>()},
                                     {"to", Enum<PartyStatus>()}},
                                    {"party", "from", "to"}))},
             {"published", Described(OrNull(SchemaRef("PublishedAnnex")),
                                     "the latest publication of the cycle (null: none)")}},
            {"cycle", "policy", "listed", "on_notice", "changes", "published"});
  s["PolicyList"] = Reply(
      {{"items",
        List(Reply({{"name", Str()}, {"version", Str()}, {"digest", Str()}, {"default", Bool()}},
                   {"name", "version", "digest", "default"}))}},
      {"items"});
  s["Dossier"] =
      Reply({{"party", SchemaRef("Party")},
             {"aliases", Strings()},
             {"children", List(Reply({{"id", Str()}, {"name", Str()}}, {"id"}))},
             {"lineage", Type("array")},
             {"history", List(AnyObject())},
             {"incidents", Reply({{"counted", Int(0)},
                                  {"by_cycle", List(Reply({{"cycle", Cycle()}, {"count", Int(0)}},
                                                          {"cycle", "count"}))}},
                                 {"counted"})},
             {"case", OrNull(AnyObject())},
             {"commitments", List(SchemaRef("Commitment"))},
             {"designations", List(SchemaRef("Designation"))},
             {"engagements", List(SchemaRef("Engagement"))},
             {"petitions", List(AnyObject())}},
            {"party"});
  s["Dashboard"] =
      Reply({{"cycles", List(Reply({{"cycle", Cycle()},
                                    {"verified", Int(0)},
                                    {"by_situation", Counts()},
                                    {"by_violation", Counts()}},
                                   {"cycle", "verified"}))},
             {"locations",
              List(Reply({{"lat", Num()}, {"lon", Num()}, {"name", Str()}, {"count", Int(0)}},
                         {"lat", "lon", "count"}))},
             {"annex_cycle", OrNull(Cycle())},
             {"annex", OrNull(SchemaRef("Annex"))}},
            {"cycles", "locations"});
  s["Evidence"] = Reply({{"id", Str()},
                         {"sha256", Str()},
                         {"size", Int(0)},
                         {"media_type", Str()},
                         {"source", Str()},
                         {"incident", Str()},
                         {"description", Str()},
                         {"added", Day()},
                         {"captured_at", Described(Str(),
                                                   "when a file captured offline was "
                                                   "captured (ISO 8601 UTC)")},
                         {"blake2b", Described(Str(), "an upload's answer only")},
                         {"received_at", Described(Str(), "an upload's answer only")},
                         {"received_by", Described(Str(), "an upload's answer only")}},
                        {"id", "sha256", "size", "media_type"});
  s["EvidenceList"] = Items("Evidence");
  s["Import"] =
      Reply({{"id", Str()},
             {"state", Described(Json{{"type", "string"}, {"enum", {"running", "done", "failed"}}},
                                 "the answer of POST /imports has only id and state")},
             {"bytes_done", Int(0)},
             {"bytes_total", Int(0)},
             {"file", Str()},
             {"format", Str()},
             {"principal", Str()},
             {"started_at", Str()},
             {"error", Any()},
             {"report", Any()},
             {"rejects", Described(Any(), "GET /imports/{id} only")}},
            {"id", "state"});
  s["ImportList"] = Items("Import");
  s["NameReview"] = Reply({{"id", Int()},
                           {"origin", Str()},
                           {"query", Str()},
                           {"provisional_party", Str()},
                           {"candidates", Type("array")},
                           {"reason", Str()},
                           {"status", Str()},
                           {"resolved_party", Str()},
                           {"decided_by", Str()},
                           {"decided_at", Str()},
                           {"note", Str()},
                           {"aliases_added", Described(Int(0), "a decision's answer only")},
                           {"incidents_moved", Described(Int(0), "a decision's answer only")}},
                          {"id", "origin", "query", "candidates", "status"});
  s["NameReviewList"] = Items("NameReview");
  s["Publication"] = Reply({{"cycle", Cycle()},
                            {"number", Int(1)},
                            {"state", Str()},
                            {"rationale", Str()},
                            {"requested_by", Str()},
                            {"requested_at", Str()},
                            {"signed_off_by", Str()},
                            {"signed_off_at", Str()},
                            {"policy", PolicyId()},
                            {"requested_data_digest", Str()},
                            {"data_digest", Str()},
                            {"audit_head", AnyObject()},
                            {"directory", Str()},
                            {"files", List(Reply({{"name", Str()},
                                                  {"format", Str()},
                                                  {"bytes", Int(0)},
                                                  {"sha256", Str()},
                                                  {"href", Str()}},
                                                 {"name"}))}},
                           {"cycle", "number", "state", "files"});
  s["PublicationList"] = Items("Publication");
  s["RegistryHistory"] = Reply(
      {{"kind", Described(Str(), "the collection: parties, sources, ...")},
       {"key", Str()},
       {"history",
        List(Reply(
            {{"action", Str()},
             {"by", Described(Str(), "confidential readers only")},
             {"at", Str()},
             {"comment", Described(Str(), "confidential readers only")},
             {"changes", List(Reply({{"field", Str()},
                                     {"before", Described(Any(), "confidential readers only")},
                                     {"after", Described(Any(), "confidential readers only")}},
                                    {"field"}))}},
            {"action", "at", "changes"}))}},
      {"kind", "key", "history"});
  s["Communication"] = Reply(
      {{"id", Str()},
       {"kind", Enum<CommunicationKind>()},
       {"party", Str()},
       {"submitter_kind", Enum<SubmitterKind>()},
       {"submitter", Str()},
       {"submitted_by", Str()},
       {"received", Day()},
       {"text", Str()},
       {"attachments", List(Reply({{"sha256", Str()}, {"size", Int(0)}, {"media_type", Str()}},
                                  {"sha256", "size", "media_type"}))},
       {"status", Enum<CommunicationStatus>()},
       {"review_started", Day()},
       {"ruled", Day()},
       {"ruled_by", Str()},
       {"reason", Str()}},
      {"id", "kind", "received", "status"});
  s["CommunicationList"] = Items("Communication");
  s["CommunicationFollow"] =
      Reply({{"id", Str()},
             {"received", Day()},
             {"review_started", Day()},
             {"ruled", Day()},
             {"status", Enum<CommunicationStatus>()},
             {"reason", Described(Str(), "the ruling's reasons, once ruled")}},
            {"id", "received", "status"});
  s["CommunicationReceipt"] =
      Reply({{"id", Str()},
             {"received", Day()},
             {"status", Enum<CommunicationStatus>()},
             {"attachments", Described(Int(0), "how many files were received")},
             {"follow_token", Described(Str(), "shown once: the private link's credential")},
             {"follow_path", Described(Str(), "/api/v1/follow/{token}")}},
            {"id", "received", "status", "attachments", "follow_token", "follow_path"});
}

void Problems(Json& s) {
  s["Problem"] = Described(
      Reply({{"type", Described(Str(), "urn:mara:problem:<name>, e.g. invalid_argument")},
             {"title", Described(Str(), "the HTTP reason")},
             {"status", Int(400, 599)},
             {"detail", Described(Str(), "one line; a field at fault is named first")},
             {"field", Described(Str(),
                                 "the input at fault: a JSON pointer into the body "
                                 "(/victims/women), a query or path parameter, a header")}},
            {"type", "title", "status", "detail"}),
      "RFC 9457 problem details (application/problem+json)");
}

Json Build() {
  Json s = Json::object();
  Problems(s);
  Records(s);
  Views(s);
  Inputs(s);
  RegistryInputs(s);
  return s;
}

}  // namespace

const Json& ComponentSchemas() {
  static const Json kSchemas = Build();
  return kSchemas;
}

bool HasSchema(std::string_view name) { return ComponentSchemas().contains(std::string(name)); }

Json SchemaRef(std::string_view name) {
  return Json{{"$ref", "#/components/schemas/" + std::string(name)}};
}

}  // namespace mara::api

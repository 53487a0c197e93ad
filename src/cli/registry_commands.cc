// registry add|update|rename|verify-measure|history: parties, sources,
// designations, engagements, commitments (with their measures) and
// statements kept in Mara, one record at a time (service/registry.h). A
// record comes from a JSON file holding one object in the mara-bundle/1
// form (--file), from flags, or both (flags win); an update starts from the
// stored record as the principal reads it (service/visibility.h
// ReadRegistry), so flags change only what they name.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/date.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "domain/validate.h"
#include "service/registry.h"
#include "service/visibility.h"

namespace mara::cli {
namespace {

enum class FlagType { kText, kBool, kList };

// One flag of a kind: --flag sets the bundle member `member`.
struct Flag {
  const char* flag;
  const char* member;
  FlagType type;
  const char* help;
};

const std::vector<Flag>& FlagsOf(RegistryKind kind) {
  static const std::map<RegistryKind, std::vector<Flag>> kFlags = {
      {RegistryKind::kParty,
       {{"--id", "id", FlagType::kText, "Party id"},
        {"--name", "name", FlagType::kText, "Current name"},
        {"--kind", "kind", FlagType::kText, "state or non_state"},
        {"--situation", "situation", FlagType::kText, "Situation id"},
        {"--parent", "parent", FlagType::kText, "The party this unit or wing belongs to"},
        {"--splinter-of", "splinter_of", FlagType::kText, "The party it broke away from"},
        {"--alias", "aliases", FlagType::kList, "Another name it is known by (repeatable)"}}},
      {RegistryKind::kSource,
       {{"--id", "id", FlagType::kText, "Source id"},
        {"--kind", "kind", FlagType::kText,
         "un_monitoring, un_investigation, ngo, national_authority, judicial, "
         "sanctions_designation, media, survivor_testimony, witness_testimony, medical_record "
         "or academic_dataset"},
        {"--title", "title", FlagType::kText, "Title"},
        {"--publisher", "publisher", FlagType::kText, "Publisher"},
        {"--date", "date", FlagType::kText, "Date (YYYY-MM-DD)"},
        {"--url", "url", FlagType::kText, "Where it can be found"},
        {"--reliability", "reliability", FlagType::kText,
         "Reliability of the source, A (reliable) to F (cannot be judged)"},
        {"--credibility", "credibility", FlagType::kText,
         "Credibility of the information, 1 (confirmed) to 6 (cannot be judged)"},
        {"--confidential", "confidential", FlagType::kBool, "true or false"}}},
      {RegistryKind::kDesignation,
       {{"--party", "party", FlagType::kText, "Party id (part of the key)"},
        {"--authority", "authority", FlagType::kText, "Who designated it (part of the key)"},
        {"--program", "program", FlagType::kText, "The list or regime (part of the key)"},
        {"--kind", "kind", FlagType::kText, "terrorist, sanctions or criminal_charge"},
        {"--listed-on", "listed_on", FlagType::kText, "Date listed (part of the key)"},
        {"--ended-on", "ended_on", FlagType::kText, "Date the designation ended"},
        {"--source", "source", FlagType::kText, "Source id"}}},
      {RegistryKind::kEngagement,
       {{"--party", "party", FlagType::kText, "Party id (part of the key)"},
        {"--date", "date", FlagType::kText, "Date (part of the key)"},
        {"--kind", "kind", FlagType::kText,
         "contact, refused, severed, restored, access_denied or persona_non_grata (part of the "
         "key)"},
        {"--note", "note", FlagType::kText, "What happened (confidential)"}}},
      {RegistryKind::kCommitment,
       {{"--id", "id", FlagType::kText, "Commitment id"},
        {"--party", "party", FlagType::kText, "Party id"},
        {"--kind", "kind", FlagType::kText,
         "joint_communique, action_plan, implementation_plan, framework_of_cooperation or "
         "unilateral"},
        {"--signed", "signed", FlagType::kText, "Date signed"}}},
      {RegistryKind::kStatement,
       {{"--id", "id", FlagType::kText, "Statement id"},
        {"--by", "by", FlagType::kText, "Who made it (an institution)"},
        {"--date", "date", FlagType::kText, "Date"},
        {"--kind", "kind", FlagType::kText, "condemnation, statement, report or dispute"},
        {"--incident", "incidents", FlagType::kList, "An incident it answers (repeatable)"},
        {"--text", "text", FlagType::kText, "Its text (confidential)"}}},
  };
  return kFlags.at(kind);
}

struct RecordArgs {
  std::string file;
  std::string if_version;
  std::map<std::string, std::string> text;                // member -> value
  std::map<std::string, std::vector<std::string>> lists;  // member -> values
  // Parties: the dissolution; commitments: measures as ID:VALUE.
  std::string dissolved_on;
  std::string dissolved_source;
  bool not_dissolved = false;
  // Parties: names by language as LANG=NAME (an empty NAME removes it).
  std::vector<std::string> names_in;
  std::vector<std::string> measures, measure_due, measure_status;
};

Result<Json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(QuoteForMessage(path) + ": cannot open");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!IsValidUtf8(text))
    return Status::InvalidArgument(QuoteForMessage(path) + ": not valid UTF-8");
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return Status::InvalidArgument(QuoteForMessage(path) + ": not a JSON object");
  }
  return json;
}

// "ID:VALUE" of a measure flag.
Result<std::pair<std::string, std::string>> MeasurePair(std::string_view flag,
                                                        const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument(std::string(flag) + ": expected MEASURE-ID:VALUE, got " +
                                   QuoteForMessage(text));
  }
  return std::make_pair(text.substr(0, colon), text.substr(colon + 1));
}

Json& MeasureIn(Json& record, const std::string& id) {
  if (!record.contains("measures") || !record["measures"].is_array()) {
    record["measures"] = Json::array();
  }
  for (Json& m : record["measures"]) {
    if (m.is_object() && m.value("id", "") == id) return m;
  }
  record["measures"].push_back({{"id", id}, {"text", ""}, {"status", "pending"}});
  return record["measures"].back();
}

// Applies the flags to `record` (the bundle form).
Status ApplyFlags(RegistryKind kind, const RecordArgs& args, Json& record) {
  for (const Flag& f : FlagsOf(kind)) {
    if (f.type == FlagType::kList) {
      auto it = args.lists.find(f.member);
      if (it != args.lists.end()) record[f.member] = it->second;
      continue;
    }
    auto it = args.text.find(f.member);
    if (it == args.text.end()) continue;
    if (f.type == FlagType::kBool) {
      if (it->second != "true" && it->second != "false") {
        return Status::InvalidArgument(std::string(f.flag) + ": expected true or false, got " +
                                       QuoteForMessage(it->second));
      }
      record[f.member] = it->second == "true";
    } else if (it->second.empty()) {
      record.erase(f.member);  // an empty value clears an optional member
    } else {
      record[f.member] = it->second;
    }
  }
  if (kind == RegistryKind::kParty) {
    for (const std::string& n : args.names_in) {
      const size_t eq = n.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Status::InvalidArgument(
            "--name-in: expected LANG=NAME (LANG one of ar, en, es, fr, ru, zh), got " +
            QuoteForMessage(n));
      }
      const std::string language = n.substr(0, eq);
      const std::string name = n.substr(eq + 1);
      if (!record.contains("names") || !record["names"].is_object()) {
        record["names"] = Json::object();
      }
      if (name.empty()) {
        record["names"].erase(language);
      } else {
        record["names"][language] = name;
      }
    }
    if (record.contains("names") && record["names"].is_object() && record["names"].empty()) {
      record.erase("names");
    }
    if (args.not_dissolved) record.erase("dissolved");
    if (!args.dissolved_source.empty() || !args.dissolved_on.empty()) {
      Json d = record.contains("dissolved") ? record["dissolved"] : Json::object();
      if (!args.dissolved_source.empty()) d["source"] = args.dissolved_source;
      if (!args.dissolved_on.empty()) d["date"] = args.dissolved_on;
      record["dissolved"] = d;
    }
  }
  if (kind == RegistryKind::kCommitment) {
    for (const std::string& m : args.measures) {
      MARA_ASSIGN_OR_RETURN(auto pair, MeasurePair("--measure", m));
      MeasureIn(record, pair.first)["text"] = pair.second;
    }
    for (const std::string& m : args.measure_due) {
      MARA_ASSIGN_OR_RETURN(auto pair, MeasurePair("--measure-due", m));
      MeasureIn(record, pair.first)["due"] = pair.second;
    }
    for (const std::string& m : args.measure_status) {
      MARA_ASSIGN_OR_RETURN(auto pair, MeasurePair("--measure-status", m));
      MeasureIn(record, pair.first)["status"] = pair.second;
    }
  }
  return Status::Ok();
}

// A refusal's JSON pointer as the flag that sets its member (given, or
// missing), when a flag does.
Status InFlagTerms(RegistryKind kind, Status status) {
  const std::string& m = status.message();
  if (m.empty() || m[0] != '/') return status;
  const size_t end = m.find(':');
  const std::string member = m.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  if (kind == RegistryKind::kParty && (member == "names" || member.rfind("names/", 0) == 0)) {
    return Status(status.code(), "--name-in (" + m.substr(0, end) + ")" +
                                     m.substr(end == std::string::npos ? m.size() : end));
  }
  for (const Flag& f : FlagsOf(kind)) {
    if (member == f.member || member.rfind(std::string(f.member) + "/", 0) == 0) {
      return Status(status.code(), std::string(f.flag) + " (" + m.substr(0, end) + ")" +
                                       m.substr(end == std::string::npos ? m.size() : end));
    }
  }
  return status;
}

// The stored record whose key members equal those of `proposed`.
template <typename T>
std::optional<Json> StoredJson(const std::vector<T>& stored, const Json& proposed,
                               std::initializer_list<const char*> key) {
  for (const T& r : stored) {
    const Json j = ToJson(r);
    bool same = true;
    for (const char* member : key) {
      if (!proposed.contains(member) || !j.contains(member) || proposed[member] != j[member]) {
        same = false;
      }
    }
    if (same) return j;
  }
  return std::nullopt;
}

Result<std::optional<Json>> FindStored(Session& session, RegistryKind kind, const Json& proposed) {
  MARA_ASSIGN_OR_RETURN(Bundle registry, ReadRegistry(session));
  switch (kind) {
    case RegistryKind::kParty:
      return StoredJson(registry.parties, proposed, {"id"});
    case RegistryKind::kSource:
      return StoredJson(registry.sources, proposed, {"id"});
    case RegistryKind::kDesignation:
      return StoredJson(registry.designations, proposed,
                        {"party", "authority", "program", "listed_on"});
    case RegistryKind::kEngagement:
      return StoredJson(registry.engagements, proposed, {"party", "date", "kind"});
    case RegistryKind::kCommitment:
      return StoredJson(registry.commitments, proposed, {"id"});
    case RegistryKind::kStatement:
      return StoredJson(registry.statements, proposed, {"id"});
  }
  return std::optional<Json>();
}

template <typename T>
Result<T> Decode(const Json& j) {
  T v;
  MARA_RETURN_IF_ERROR(FromJson(j, &v));
  return v;
}

// Decodes and writes; prints what happened and the new version.
Status Write(Session& session, RegistryKind kind, const Json& j, bool create,
             const std::string& if_version) {
  std::string key, version;
  switch (kind) {
    case RegistryKind::kParty: {
      MARA_ASSIGN_OR_RETURN(Party v, Decode<Party>(j));
      MARA_RETURN_IF_ERROR(create ? CreateParty(session, v) : UpdateParty(session, v, if_version));
      key = v.id;
      version = RegistryVersion(v);
      break;
    }
    case RegistryKind::kSource: {
      MARA_ASSIGN_OR_RETURN(Source v, Decode<Source>(j));
      MARA_RETURN_IF_ERROR(create ? CreateSource(session, v)
                                  : UpdateSource(session, v, if_version));
      key = v.id;
      version = RegistryVersion(v);
      break;
    }
    case RegistryKind::kDesignation: {
      MARA_ASSIGN_OR_RETURN(Designation v, Decode<Designation>(j));
      MARA_RETURN_IF_ERROR(create ? CreateDesignation(session, v)
                                  : UpdateDesignation(session, v, if_version));
      key = RegistryKey(v);
      version = RegistryVersion(v);
      break;
    }
    case RegistryKind::kEngagement: {
      MARA_ASSIGN_OR_RETURN(Engagement v, Decode<Engagement>(j));
      MARA_RETURN_IF_ERROR(create ? CreateEngagement(session, v)
                                  : UpdateEngagement(session, v, if_version));
      key = RegistryKey(v);
      version = RegistryVersion(v);
      break;
    }
    case RegistryKind::kCommitment: {
      MARA_ASSIGN_OR_RETURN(Commitment v, Decode<Commitment>(j));
      MARA_RETURN_IF_ERROR(create ? CreateCommitment(session, v)
                                  : UpdateCommitment(session, v, if_version));
      key = v.id;
      break;
    }
    case RegistryKind::kStatement: {
      MARA_ASSIGN_OR_RETURN(Statement v, Decode<Statement>(j));
      MARA_RETURN_IF_ERROR(create ? CreateStatement(session, v)
                                  : UpdateStatement(session, v, if_version));
      key = v.id;
      version = RegistryVersion(v);
      break;
    }
  }
  if (kind == RegistryKind::kCommitment) {
    // The service may have set a measure's verification aside: the
    // version is the stored record's.
    MARA_ASSIGN_OR_RETURN(std::optional<Json> stored, FindStored(session, kind, j));
    if (stored) {
      Commitment c;
      MARA_RETURN_IF_ERROR(FromJson(*stored, &c));
      version = RegistryVersion(c);
    }
  }
  std::printf("%s %s %s as %s (version %s)\n", create ? "Created" : "Updated",
              std::string(SingularName(kind)).c_str(), key.c_str(), session.name().c_str(),
              version.c_str());
  return session.Finish();
}

const char* const kKindHelp =
    "party, source, designation, engagement, commitment or statement (singular or plural)";

void AddRecordFlags(CLI::App* cmd, RecordArgs& args) {
  cmd->add_option("--file", args.file,
                  "JSON file holding one record in the mara-bundle/1 form (flags override it)");
  // Every kind's flags, each applying where the kind has the member.
  std::map<std::string, std::string> help;
  std::map<std::string, std::pair<std::string, FlagType>> member;
  for (RegistryKind kind : kRegistryKinds) {
    for (const Flag& f : FlagsOf(kind)) {
      std::string& h = help[f.flag];
      if (!h.empty()) h += "; ";
      h += std::string(SingularName(kind)) + ": " + f.help;
      member[f.flag] = {f.member, f.type};
    }
  }
  for (const auto& [flag, h] : help) {
    const auto [name, type] = member[flag];
    // Same flag, different member by kind (--date, --kind): the member is
    // looked up again for the kind chosen, through the flag's name.
    const std::string key = flag;
    if (type == FlagType::kList) {
      cmd->add_option_function<std::vector<std::string>>(
          flag, [&args, key](const std::vector<std::string>& v) { args.lists[key] = v; }, h);
    } else {
      cmd->add_option_function<std::string>(
          flag, [&args, key](const std::string& v) { args.text[key] = v; }, h);
    }
  }
  cmd->add_option("--dissolved-on", args.dissolved_on, "party: date of its dissolution");
  cmd->add_option("--dissolved-source", args.dissolved_source,
                  "party: what records the dissolution (a source id or a citation); recording "
                  "or changing a dissolution needs a decision maker");
  cmd->add_flag("--not-dissolved", args.not_dissolved, "party: remove the dissolution record");
  cmd->add_option("--name-in", args.names_in,
                  "party: LANG=NAME, its name in a report language (ar, en, es, fr, ru or zh), "
                  "which the reports in that language print; an empty NAME removes it "
                  "(repeatable)");
  cmd->add_option("--measure", args.measures,
                  "commitment: MEASURE-ID:TEXT adds a measure or sets its text (repeatable)");
  cmd->add_option("--measure-due", args.measure_due,
                  "commitment: MEASURE-ID:YYYY-MM-DD, its due date (repeatable)");
  cmd->add_option("--measure-status", args.measure_status,
                  "commitment: MEASURE-ID:STATUS, pending, in_progress or not_implemented "
                  "(verified_implemented only through verify-measure) (repeatable)");
}

// The flags were collected by flag name; the kind decides their members.
RecordArgs ForKind(RegistryKind kind, const RecordArgs& raw, Status& unknown) {
  RecordArgs out = raw;
  out.text.clear();
  out.lists.clear();
  for (const auto& [flag, value] : raw.text) {
    bool found = false;
    for (const Flag& f : FlagsOf(kind)) {
      if (flag == f.flag) {
        out.text[f.member] = value;
        found = true;
      }
    }
    if (!found && unknown.ok()) {
      unknown =
          Status::InvalidArgument(flag + ": not a member of a " + std::string(SingularName(kind)));
    }
  }
  for (const auto& [flag, values] : raw.lists) {
    bool found = false;
    for (const Flag& f : FlagsOf(kind)) {
      if (flag == f.flag) {
        out.lists[f.member] = values;
        found = true;
      }
    }
    if (!found && unknown.ok()) {
      unknown =
          Status::InvalidArgument(flag + ": not a member of a " + std::string(SingularName(kind)));
    }
  }
  const bool party_flags = !raw.dissolved_on.empty() || !raw.dissolved_source.empty() ||
                           raw.not_dissolved || !raw.names_in.empty();
  const bool measure_flags =
      !raw.measures.empty() || !raw.measure_due.empty() || !raw.measure_status.empty();
  if (party_flags && kind != RegistryKind::kParty && unknown.ok()) {
    unknown = Status::InvalidArgument(raw.names_in.empty()
                                          ? "--dissolved-*: only parties are dissolved"
                                          : "--name-in: only parties carry names by language");
  }
  if (measure_flags && kind != RegistryKind::kCommitment && unknown.ok()) {
    unknown = Status::InvalidArgument("--measure*: only commitments carry measures");
  }
  return out;
}

struct Args {
  std::string kind;
  std::string key;
  std::string name;
  std::string from;
  std::string commitment;
  std::string measure;
  std::string on;
  std::string if_version;
  bool json = false;
  RecordArgs record;
};

void RegisterWrite(CLI::App* registry, Context& ctx, bool create) {
  auto a = std::make_shared<Args>();
  CLI::App* cmd = registry->add_subcommand(
      create ? "add" : "update",
      create ? "Create one record of the registry (an analyst of its situation, or an admin)"
             : "Change one stored record: its key (id, or the natural key's members) names it; "
               "flags change only what they name");
  cmd->add_option("KIND", a->kind, kKindHelp)->required();
  AddRecordFlags(cmd, a->record);
  if (!create) {
    cmd->add_option("--if-version", a->if_version,
                    "Refuse the change unless the stored record is still this version (printed "
                    "by add and update)");
  }
  cmd->callback([&ctx, a, create] {
    ctx.run = [&ctx, a, create]() -> Status {
      MARA_ASSIGN_OR_RETURN(RegistryKind kind, ParseRegistryKind(a->kind));
      Status unknown = Status::Ok();
      RecordArgs args = ForKind(kind, a->record, unknown);
      MARA_RETURN_IF_ERROR(unknown);
      Json record = Json::object();
      if (!args.file.empty()) {
        MARA_ASSIGN_OR_RETURN(record, ReadJsonFile(args.file));
      }
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      if (!create) {
        // Start from the stored record; the file and the flags change it.
        Json keyed = record;
        MARA_RETURN_IF_ERROR(ApplyFlags(kind, args, keyed));
        MARA_ASSIGN_OR_RETURN(std::optional<Json> stored, FindStored(*session, kind, keyed));
        if (!stored) {
          return Status::NotFound("no such " + std::string(SingularName(kind)) +
                                  " to update; `registry add` creates one");
        }
        for (auto& [k, v] : record.items()) (*stored)[k] = v;
        record = *stored;
      } else if (kind == RegistryKind::kCommitment && !record.contains("measures")) {
        record["measures"] = Json::array();
      }
      MARA_RETURN_IF_ERROR(ApplyFlags(kind, args, record));
      Status written = Write(*session, kind, record, create, a->if_version);
      if (!written.ok() && args.file.empty()) return InFlagTerms(kind, written);
      return written;
    };
  });
}

}  // namespace

void RegisterRegistryCommands(CLI::App& app, Context& ctx) {
  CLI::App* registry = app.add_subcommand(
      "registry",
      "Parties, sources, designations, engagements, commitments and statements kept in Mara, "
      "one record at a time (checked, audited, with a history)");
  registry->require_subcommand(1);
  RegisterWrite(registry, ctx, /*create=*/true);
  RegisterWrite(registry, ctx, /*create=*/false);

  auto r = std::make_shared<Args>();
  CLI::App* rename = registry->add_subcommand(
      "rename",
      "Give a party a new name from a date on; the old name is kept in names_over_time and the "
      "id, with its history, stays");
  rename->add_option("PARTY", r->key, "Party id")->required();
  rename->add_option("--name", r->name, "The new name")->required();
  rename->add_option("--from", r->from, "The day the new name applies from (default: today)");
  rename->add_option("--if-version", r->if_version,
                     "Refuse unless the party is still this version");
  rename->callback([&ctx, r] {
    ctx.run = [&ctx, r]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      Date from = Today(session->clock());
      if (!r->from.empty()) {
        Result<Date> parsed = Date::Parse(r->from);
        if (!parsed.ok()) return parsed.status().WithPrefix("--from");
        from = *parsed;
      }
      Result<Party> renamed = RenameParty(*session, r->key, r->name, from, r->if_version);
      if (!renamed.ok()) {
        const std::string& m = renamed.status().message();
        if (m.rfind("/name:", 0) == 0)
          return Status(renamed.status().code(), "--name" + m.substr(5));
        if (m.rfind("/from:", 0) == 0)
          return Status(renamed.status().code(), "--from" + m.substr(5));
        return renamed.status();
      }
      std::printf("Renamed party %s to %s from %s (version %s)\n", r->key.c_str(),
                  renamed->name.c_str(), from.ToString().c_str(),
                  RegistryVersion(*renamed).c_str());
      return session->Finish();
    };
  });

  auto v = std::make_shared<Args>();
  CLI::App* verify = registry->add_subcommand(
      "verify-measure",
      "Confirm a commitment's measure as verified implemented (a reviewer who neither created "
      "nor last edited the commitment: four eyes)");
  verify->add_option("COMMITMENT", v->commitment, "Commitment id")->required();
  verify->add_option("MEASURE", v->measure, "Measure id")->required();
  verify->add_option("--on", v->on, "Verification date (default: today)");
  verify->add_option("--if-version", v->if_version,
                     "Refuse unless the commitment is still this version");
  verify->callback([&ctx, v] {
    ctx.run = [&ctx, v]() -> Status {
      std::optional<Date> on;
      if (!v->on.empty()) {
        Result<Date> parsed = Date::Parse(v->on);
        if (!parsed.ok()) return parsed.status().WithPrefix("--on");
        on = *parsed;
      }
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      Result<Commitment> verified =
          VerifyMeasure(*session, v->commitment, v->measure, on, v->if_version);
      if (!verified.ok()) {
        const std::string& m = verified.status().message();
        if (m.rfind("/verified_on:", 0) == 0) {
          return Status(verified.status().code(), "--on" + m.substr(12));
        }
        return verified.status();
      }
      std::printf("Verified measure %s of commitment %s by %s (version %s)\n", v->measure.c_str(),
                  v->commitment.c_str(), session->name().c_str(),
                  RegistryVersion(*verified).c_str());
      return session->Finish();
    };
  });

  auto h = std::make_shared<Args>();
  CLI::App* history = registry->add_subcommand(
      "history", "Who created or changed one record in Mara, when, and what changed");
  history->add_option("KIND", h->kind, kKindHelp)->required();
  history
      ->add_option("KEY", h->key,
                   "The record's id; a designation's party/authority/program/listed_on, an "
                   "engagement's party/date/kind")
      ->required();
  history->add_flag("--json", h->json, "Print the history as JSON");
  history->callback([&ctx, h] {
    ctx.run = [&ctx, h]() -> Status {
      MARA_ASSIGN_OR_RETURN(RegistryKind kind, ParseRegistryKind(h->kind));
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_ASSIGN_OR_RETURN(Json out, RegistryHistory(*session, kind, h->key));
      if (h->json) {
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      PrintHistory(std::string("History of ") + std::string(SingularName(kind)) + " " + h->key,
                   out);
      return Status::Ok();
    };
  });
}

}  // namespace mara::cli

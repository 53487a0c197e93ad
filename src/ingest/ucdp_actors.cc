#include "ingest/ucdp_actors.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/text.h"
#include "domain/json_codec.h"
#include "ingest/names/name_fold.h"
#include "ingest/party_matcher.h"

namespace mara {
namespace {

bool IsSpelling(std::string_view s) { return !IsMissingValue(s); }

constexpr std::string_view kJoinSource = "UCDP actor list ";

std::vector<std::string> SplitList(std::string_view cell) {
  std::vector<std::string> out;
  while (!cell.empty()) {
    const size_t comma = cell.find(',');
    const std::string_view item = TrimBlanks(cell.substr(0, comma));
    if (IsSpelling(item)) out.emplace_back(item);
    cell = comma == std::string_view::npos ? std::string_view() : cell.substr(comma + 1);
  }
  return out;
}

struct UcdpRecord {
  int64_t id = 0;
  uint64_t line = 0;
  std::string name;
  std::vector<std::string> spellings;  // NameOrig, NameOrigFull, NameOrigFullEng
  std::vector<std::string> new_names;  // later names, in order
  int64_t org = 0;
  bool splinter = false;
  std::vector<int64_t> previous;  // ActorIdPrev
  std::vector<std::string> alliance_ids;
  std::vector<std::string> alliance_names;
  std::vector<std::string> locations;
  std::vector<std::string> location_gwnos;  // GWNOLoc, one per location
  bool joined = false;                      // JoinGroup = 1: joined another group
  std::string group_name;                   // GroupName, "" when missing
  std::string group_ids;                    // ActorIdGroup, "" when missing
  std::string version;
};

class UcdpImport {
 public:
  UcdpImport(Store& store, const DatasetImportOptions& options, const DatasetSink& sink,
             DatasetImportResult* result)
      : store_(store), options_(options), sink_(sink), result_(*result) {}

  Status Run(const std::string& path) {
    MARA_ASSIGN_OR_RETURN(AgendaRule agenda, AgendaRule::Parse(options_.agenda));
    MARA_ASSIGN_OR_RETURN(
        std::unique_ptr<CsvTable> table,
        CsvTable::Open(path, {"ActorId", "NameData", "Org", "Version"},
                       {"NameOrig", "NameOrigFull", "NameOrigFullEng", "NameChange", "NewName",
                        "Splinter", "ActorIdPrev", "Alliance", "ActorIdAlliance", "NameAlliance",
                        "Location", "GWNOLoc", "JoinGroup", "GroupName", "ActorIdGroup"},
                       options_.max_record_bytes));
    table_ = table.get();
    MARA_RETURN_IF_ERROR(ForEachRow(*table, options_, sink_, &result_, [this] { return Row(); }));
    return Write(agenda);
  }

 private:
  Status Row() {
    const CsvTable& t = *table_;
    UcdpRecord r;
    r.line = t.line();
    MARA_ASSIGN_OR_RETURN(r.id, t.Int("ActorId"));
    if (r.id < 0) return t.FieldError("ActorId", "expected a non-negative actor id");
    if (index_.count(r.id)) {
      return t.FieldError("ActorId", "actor id " + std::to_string(r.id) +
                                         " repeats the record on line " +
                                         std::to_string(records_[index_[r.id]].line));
    }
    MARA_ASSIGN_OR_RETURN(const std::string_view name, t.Required("NameData"));
    r.name = std::string(name);
    for (std::string_view column : {"NameOrig", "NameOrigFull", "NameOrigFullEng"}) {
      const std::string_view s = t.Get(column);
      if (IsSpelling(s)) r.spellings.emplace_back(s);
    }
    MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> name_change, t.OptionalInt("NameChange"));
    if (name_change == 1) r.new_names = SplitList(t.Get("NewName"));
    MARA_ASSIGN_OR_RETURN(r.org, t.Int("Org"));
    MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> splinter, t.OptionalInt("Splinter"));
    r.splinter = splinter == 1;
    for (const std::string& prev : SplitList(t.Get("ActorIdPrev"))) {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(prev.data(), prev.data() + prev.size(), v);
      if (ec != std::errc() || end != prev.data() + prev.size()) {
        return t.FieldError("ActorIdPrev", "expected actor ids, got " + QuoteForMessage(prev));
      }
      r.previous.push_back(v);
    }
    r.alliance_ids = SplitList(t.Get("ActorIdAlliance"));
    r.alliance_names = SplitList(t.Get("NameAlliance"));
    r.locations = SplitList(t.Get("Location"));
    r.location_gwnos = SplitList(t.Get("GWNOLoc"));
    MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> join_group, t.OptionalInt("JoinGroup"));
    r.joined = join_group == 1;
    r.group_name = std::string(t.Get("GroupName"));
    r.group_ids = std::string(t.Get("ActorIdGroup"));
    MARA_ASSIGN_OR_RETURN(const std::string_view version, t.Required("Version"));
    r.version = std::string(version);
    if (!IsValidId("UCDP-" + r.version + "-0")) {
      return t.FieldError("Version",
                          "expected a release such as 23.1, got " + QuoteForMessage(version));
    }
    index_[r.id] = records_.size();
    records_.push_back(std::move(r));
    return Status::Ok();
  }

  // The situation of an actor's first location: the country it names
  // (countries.h), or failing that the country of its first GWNOLoc
  // number; else SituationIdFor(location), and "Unknown location" without
  // a location or a known GWNOLoc.
  static Situation HomeSituation(const UcdpRecord& r) {
    const std::string place =
        r.locations.empty() ? std::string("Unknown location") : r.locations.front();
    const Country* country = r.locations.empty() ? nullptr : FindCountryByName(place);
    if (country == nullptr && !r.location_gwnos.empty()) {
      const std::string& g = r.location_gwnos.front();
      int n = 0;
      auto [end, ec] = std::from_chars(g.data(), g.data() + g.size(), n);
      if (ec == std::errc() && end == g.data() + g.size()) country = FindCountryByGwno(n);
    }
    return SituationOfPlace(place, country);
  }

  // An actor that joined another group (JoinGroup = 1) ceased to exist on
  // its own: dissolved, without a date, "UCDP actor list <Version>: joined
  // <GroupName> (<ActorIdGroup>)" ("another group" for a missing name, no
  // parenthesis for missing ids). A dissolution already recorded with a
  // date, or from another source, is kept; one this importer wrote is
  // replaced, so a later release's reading wins.
  static void RecordJoin(const UcdpRecord& r, Party* p) {
    if (p->dissolved && (p->dissolved->date || !p->dissolved->source.starts_with(kJoinSource))) {
      return;
    }
    std::string source = std::string(kJoinSource) + r.version + ": joined " +
                         (r.group_name.empty() ? std::string("another group") : r.group_name);
    if (!r.group_ids.empty()) source += " (" + r.group_ids + ")";
    p->dissolved = Dissolution{std::nullopt, std::move(source)};
  }

  // Whether the stored party and the actor have names that agree.
  double Agreement(const names::NameResolver& resolver, const Party& stored,
                   const std::string& target) const {
    double best = 0;
    std::vector<std::string> names = stored.aliases;
    names.insert(names.begin(), stored.name);
    for (const std::string& n : names) {
      for (const std::string& q : {n, "Government of " + n}) {
        const names::Resolution r = resolver.Resolve(q);
        for (const names::Candidate& c : r.candidates) {
          if (c.party_id == target) best = std::max(best, c.features.score);
        }
      }
    }
    return best;
  }

  Status Write(const AgendaRule& agenda) {
    MARA_ASSIGN_OR_RETURN(std::unique_ptr<RegistryWriter> writer,
                          RegistryWriter::Load(store_, &result_));
    std::vector<names::PartyNames> registry;
    registry.reserve(records_.size());
    for (const UcdpRecord& r : records_) {
      names::PartyNames n{"UCDP-" + std::to_string(r.id), r.name, r.spellings};
      n.aliases.insert(n.aliases.end(), r.new_names.begin(), r.new_names.end());
      std::erase_if(n.aliases, [](const std::string& a) {
        return !IsValidUtf8(a) || names::FoldNameText(a).empty();
      });
      registry.push_back(std::move(n));
    }
    MARA_ASSIGN_OR_RETURN(names::NameResolver resolver,
                          names::NameResolver::Build(registry, options_.resolver));
    MARA_ASSIGN_OR_RETURN(std::vector<NameReview> reviews, store_.ListNameReviews());
    std::unordered_set<std::string> decided;
    for (const NameReview& r : reviews) {
      if (r.origin == "ucdp-actors" && r.status != "pending") decided.insert(r.query);
    }

    // First the id each actor will have, so that splinters can point at it.
    std::unordered_map<int64_t, std::string> party_of;
    std::vector<bool> merge(records_.size(), false);
    std::vector<double> agreement(records_.size(), 0);
    int64_t merged = 0, conflicted = 0, joined = 0;
    for (size_t i = 0; i < records_.size(); ++i) {
      const UcdpRecord& r = records_[i];
      const std::string id = "UCDP-" + std::to_string(r.id);
      const Party* stored = writer->StoredParty(id);
      if (stored == nullptr) {
        party_of[r.id] = id;
        continue;
      }
      agreement[i] = Agreement(resolver, *stored, id);
      if (agreement[i] >= options_.resolver.accept_threshold) {
        merge[i] = true;
        ++merged;
        party_of[r.id] = id;
      } else {
        ++conflicted;
        party_of[r.id] = "UCDP-" + r.version + "-" + std::to_string(r.id);
      }
    }

    for (size_t i = 0; i < records_.size(); ++i) {
      const UcdpRecord& r = records_[i];
      const std::string& id = party_of[r.id];
      Situation home = HomeSituation(r);
      const std::string situation = home.id;
      if (!writer->SituationExists(situation)) {
        home.on_council_agenda = agenda.OnAgenda(home);
        MARA_RETURN_IF_ERROR(writer->Put(home));
      }
      Party p;
      if (merge[i]) {
        p = *writer->StoredParty(id);
      } else {
        p.id = id;
        p.name = r.name;
        p.kind = r.org == 4 ? PartyKind::kState : PartyKind::kNonState;
        p.situation = situation;
      }
      AddAlias(&p, r.name);
      for (const std::string& s : r.spellings) AddAlias(&p, s);
      for (const std::string& s : r.new_names) AddAlias(&p, s);
      if (!r.new_names.empty()) {
        std::vector<NameOverTime> over_time;
        over_time.push_back({r.name, std::nullopt, std::nullopt});
        for (const std::string& n : r.new_names)
          over_time.push_back({n, std::nullopt, std::nullopt});
        p.names_over_time = std::move(over_time);
      }
      if (r.joined) {
        RecordJoin(r, &p);
        ++joined;
      }
      if (r.splinter && !p.splinter_of) {
        for (int64_t prev : r.previous) {
          auto it = party_of.find(prev);
          if (it != party_of.end() && it->second != id) {
            p.splinter_of = it->second;
            break;
          }
        }
      }
      Status s = writer->Put(p);
      if (!s.ok()) return s.WithPrefix("line " + std::to_string(r.line));

      Json extra = {{"actor_id", r.id},
                    {"release", r.version},
                    {"party", id},
                    {"alliance_ids", r.alliance_ids},
                    {"alliance_names", r.alliance_names},
                    {"locations", r.locations}};
      MARA_RETURN_IF_ERROR(
          store_.PutMeta("ucdp-actor/" + std::to_string(r.id),
                         extra.dump(-1, ' ', false, Json::error_handler_t::replace)));

      const std::string stored_id = "UCDP-" + std::to_string(r.id);
      if (id != stored_id && !decided.count(r.name)) {
        const Party* stored = writer->StoredParty(stored_id);
        // How alike the two actors' names are: the best pair of this
        // record's spellings and the stored party's name and aliases.
        names::MatchFeatures alike;
        std::vector<std::string> ours = r.spellings;
        ours.insert(ours.begin(), r.name);
        std::vector<std::string> theirs = stored->aliases;
        theirs.insert(theirs.begin(), stored->name);
        for (const std::string& a : ours) {
          for (const std::string& b : theirs) {
            if (!IsValidUtf8(a) || !IsValidUtf8(b)) continue;
            names::MatchFeatures f = names::CompareNameTexts(a, b);
            if (f.score > alike.score) alike = f;
          }
        }
        char score[16];
        std::snprintf(score, sizeof score, "%.3f", std::max(agreement[i], alike.score));
        NameReview entry;
        entry.origin = "ucdp-actors";
        entry.query = r.name;
        entry.provisional_party = id;
        entry.candidates =
            Json::array({Json{{"party", stored_id},
                              {"name", stored->name},
                              {"score", std::stod(score)},
                              {"features", "same UCDP actor id; " + alike.Describe()}}})
                .dump();
        entry.reason = "UCDP " + r.version + " actor " + std::to_string(r.id) + " is named " +
                       "\"" + r.name + "\" but the stored party " + stored_id + " is named \"" +
                       stored->name + "\" (similarity " + score + ", " + alike.Describe() +
                       "): accept to merge them";
        MARA_RETURN_IF_ERROR(store_.PutNameReview(entry).status());
      }
    }
    result_.notes.push_back("ucdp-actors: " + std::to_string(records_.size()) + " actors, " +
                            std::to_string(merged) + " merged into stored parties, " +
                            std::to_string(conflicted) +
                            " conflicted (same id, other names; in review: mara names review), " +
                            std::to_string(joined) + " joined another group (dissolved)");
    return Status::Ok();
  }

  Store& store_;
  const DatasetImportOptions& options_;
  const DatasetSink& sink_;
  DatasetImportResult& result_;
  const CsvTable* table_ = nullptr;
  std::vector<UcdpRecord> records_;
  std::unordered_map<int64_t, size_t> index_;
};

}  // namespace

Status ImportUcdpActors(Store& store, const std::string& path, const DatasetImportOptions& options,
                        const DatasetSink& sink, DatasetImportResult* result) {
  UcdpImport job(store, options, sink, result);
  return job.Run(path);
}

}  // namespace mara

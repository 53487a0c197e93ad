#include "ingest/svac.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "common/text.h"

namespace mara {
namespace {

constexpr std::array<std::string_view, 3> kPrevalenceColumns = {"state_prev", "ai_prev",
                                                                "hrw_prev"};

struct Actor {
  std::string id;
  uint64_t first_line = 0;
  int latest_year = 0;
  std::string latest_name;
  std::vector<std::string> names;  // every spelling, first seen first
  int state_votes = 0;
  int non_state_votes = 0;
  std::vector<std::pair<std::string, int>> locations;  // first seen first, with row counts
};

struct FindingKey {
  std::string party;
  int year;
  int source;
  bool operator<(const FindingKey& o) const {
    return std::tie(party, year, source) < std::tie(o.party, o.year, o.source);
  }
};

struct FindingValue {
  int level = 0;
  std::set<Violation> forms;
};

class SvacImport {
 public:
  SvacImport(Store& store, const DatasetImportOptions& options, const DatasetSink& sink,
             DatasetImportResult* result)
      : store_(store), options_(options), sink_(sink), result_(*result) {}

  Status Run(const std::string& path) {
    MARA_ASSIGN_OR_RETURN(AgendaRule agenda, AgendaRule::Parse(options_.agenda));
    MARA_ASSIGN_OR_RETURN(
        std::unique_ptr<CsvTable> table,
        CsvTable::Open(
            path, {"year", "actor", "actorid", "location", "state_prev", "ai_prev", "hrw_prev"},
            {"actor_type", "form"}, options_.max_record_bytes));
    table_ = table.get();
    MARA_RETURN_IF_ERROR(ForEachRow(*table, options_, sink_, &result_, [this] { return Row(); }));
    return Write(agenda);
  }

 private:
  Status Row() {
    const CsvTable& t = *table_;
    MARA_ASSIGN_OR_RETURN(int64_t year, t.Int("year"));
    if (year < 1000 || year > 9999) return t.FieldError("year", "expected a year, 1000..9999");
    MARA_ASSIGN_OR_RETURN(const std::string_view name, t.Required("actor"));
    MARA_ASSIGN_OR_RETURN(const std::string_view location, t.Required("location"));
    const std::string_view actor_id = t.Get("actorid");
    std::string party;
    if (actor_id.empty()) {
      party = SlugId("SVAC", std::string(name) + " in " + std::string(location));
    } else {
      MARA_ASSIGN_OR_RETURN(int64_t id, t.Int("actorid"));
      if (id < 0) return t.FieldError("actorid", "expected a UCDP actor id, got a negative number");
      party = "UCDP-" + std::to_string(id);
    }
    int kind_vote = 0;  // 1 state, -1 non-state, 0 none
    MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> type, t.OptionalInt("actor_type"));
    if (type) {
      if (*type < 1 || *type > 6) return t.FieldError("actor_type", "expected 1..6");
      kind_vote = (*type == 3 || *type == 6) ? -1 : 1;
    }
    int levels[3];
    for (size_t s = 0; s < kPrevalenceColumns.size(); ++s) {
      levels[s] = -99;
      MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> v, t.OptionalInt(kPrevalenceColumns[s]));
      if (!v) continue;
      if (*v != -99 && (*v < 0 || *v > 3)) {
        return t.FieldError(kPrevalenceColumns[s],
                            "expected -99 or 0..3, got " + std::to_string(*v));
      }
      levels[s] = static_cast<int>(*v);
    }
    std::set<Violation> forms;
    MARA_RETURN_IF_ERROR(ParseForms(t.Get("form"), &forms));

    // Everything checked: only now does the row change the aggregate, so a
    // rejected row leaves no trace.
    auto [it, added] = actors_.try_emplace(party);
    Actor& a = it->second;
    if (added) {
      a.id = party;
      a.first_line = t.line();
      order_.push_back(party);
    }
    const std::string name_text(name);
    if (std::find(a.names.begin(), a.names.end(), name_text) == a.names.end()) {
      a.names.push_back(name_text);
    }
    if (static_cast<int>(year) >= a.latest_year) {
      a.latest_year = static_cast<int>(year);
      a.latest_name = name_text;
    }
    if (kind_vote > 0) ++a.state_votes;
    if (kind_vote < 0) ++a.non_state_votes;
    const std::string location_text(location);
    auto loc = std::find_if(a.locations.begin(), a.locations.end(),
                            [&](const auto& p) { return p.first == location_text; });
    if (loc == a.locations.end()) {
      a.locations.emplace_back(location_text, 1);
    } else {
      ++loc->second;
    }
    for (int s = 0; s < 3; ++s) {
      if (levels[s] < 0) continue;
      FindingValue& f = findings_[{party, static_cast<int>(year), s}];
      f.level = std::max(f.level, levels[s]);
      if (levels[s] >= 1) f.forms.insert(forms.begin(), forms.end());
    }
    return Status::Ok();
  }

  Status ParseForms(std::string_view cell, std::set<Violation>* out) const {
    std::string_view rest = cell;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view item = TrimBlanks(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (IsMissingValue(item) || item == "-99") continue;
      if (item.size() != 1 || item[0] < '1' || item[0] > '7') {
        return table_->FieldError(
            "form", "unknown form code " + QuoteForMessage(item) + " (expected 1..7 or -99)");
      }
      switch (item[0]) {
        case '1':
          out->insert(Violation::kRape);
          break;
        case '2':
          out->insert(Violation::kSexualSlavery);
          break;
        case '3':
          out->insert(Violation::kForcedProstitution);
          break;
        case '4':
          out->insert(Violation::kForcedPregnancy);
          break;
        case '5':
          out->insert(Violation::kEnforcedSterilization);
          out->insert(Violation::kForcedAbortion);
          break;
        case '6':
          out->insert(Violation::kSexualMutilation);
          break;
        case '7':
          out->insert(Violation::kSexualTorture);
          break;
      }
    }
    return Status::Ok();
  }

  Status Write(const AgendaRule& agenda) {
    MARA_ASSIGN_OR_RETURN(std::unique_ptr<RegistryWriter> writer,
                          RegistryWriter::Load(store_, &result_));
    std::map<std::string, std::string> situations;  // id -> name
    for (const std::string& id : order_) {
      const Actor& a = actors_.at(id);
      const auto home =
          std::max_element(a.locations.begin(), a.locations.end(),
                           [](const auto& x, const auto& y) { return x.second < y.second; });
      const std::string situation = SituationIdFor(home->first);
      situations.emplace(situation, home->first);

      Party p;
      if (const Party* stored = writer->StoredParty(id)) {
        p = *stored;
      } else {
        p.id = id;
        p.name = a.latest_name;
        p.kind = a.state_votes > a.non_state_votes ? PartyKind::kState : PartyKind::kNonState;
        p.situation = situation;
      }
      for (const std::string& n : a.names) AddAlias(&p, n);
      Status s = writer->Put(p);
      if (!s.ok()) return s.WithPrefix("line " + std::to_string(a.first_line));
    }
    for (const auto& [id, name] : situations) {
      MARA_RETURN_IF_ERROR(writer->Put(Situation{id, name, agenda.OnAgenda(name)}));
    }
    static constexpr std::array<std::string_view, 3> kTitles = {
        "Country Reports on Human Rights Practices, as coded in SVAC 3.2",
        "Annual reports of Amnesty International, as coded in SVAC 3.2",
        "World Reports of Human Rights Watch, as coded in SVAC 3.2"};
    static constexpr std::array<std::string_view, 3> kPublishers = {
        "US Department of State", "Amnesty International", "Human Rights Watch"};
    for (int s = 0; s < 3; ++s) {
      Source source;
      source.id = std::string(kSvacSourceIds[s]);
      source.kind = s == 0 ? SourceKind::kNationalAuthority : SourceKind::kNgo;
      source.title = std::string(kTitles[s]);
      source.publisher = std::string(kPublishers[s]);
      source.url = "https://www.sexualviolencedata.org/";
      MARA_RETURN_IF_ERROR(writer->Put(source));
    }
    for (const auto& [key, value] : findings_) {
      Finding f;
      f.party = key.party;
      f.cycle = key.year;
      f.source = std::string(kSvacSourceIds[key.source]);
      f.level = value.level;
      f.forms.assign(value.forms.begin(), value.forms.end());
      MARA_RETURN_IF_ERROR(writer->Put(f));
    }
    result_.notes.push_back("svac: " + std::to_string(actors_.size()) + " actors, " +
                            std::to_string(situations.size()) + " situations, " +
                            std::to_string(findings_.size()) + " findings");
    return Status::Ok();
  }

  Store& store_;
  const DatasetImportOptions& options_;
  const DatasetSink& sink_;
  DatasetImportResult& result_;
  const CsvTable* table_ = nullptr;
  std::unordered_map<std::string, Actor> actors_;
  std::vector<std::string> order_;  // party ids, first seen first
  std::map<FindingKey, FindingValue> findings_;
};

}  // namespace

Status ImportSvac(Store& store, const std::string& path, const DatasetImportOptions& options,
                  const DatasetSink& sink, DatasetImportResult* result) {
  SvacImport job(store, options, sink, result);
  return job.Run(path);
}

}  // namespace mara

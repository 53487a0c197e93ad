#include "ingest/svac.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "common/text.h"
#include "domain/json_codec.h"
#include "ingest/names/name_fold.h"
#include "ingest/names/resolver.h"
#include "ingest/names/similarity.h"

namespace mara {
namespace {

constexpr std::array<std::string_view, 3> kPrevalenceColumns = {"state_prev", "ai_prev",
                                                                "hrw_prev"};

// One data row, checked, as read.
struct SvacRow {
  std::string party;      // before id resolution: "UCDP-<actorid>" or the SVAC slug
  int64_t actor_id = -1;  // -1 for a row without an actorid
  std::string name;
  std::string location;   // as spelled
  std::string situation;  // its situation's id (SituationOfPlace)
  int year = 0;
  int kind_vote = 0;  // 1 state, -1 non-state, 0 none
  std::array<int, 3> levels{};
  std::set<Violation> forms;
  uint64_t line = 0;
};

// A name's spelling key: folded (case, accents, date parentheticals,
// punctuation) with the spaces taken out too, so that spelling slips such as
// "SriLanka" and "Sri Lanka" or "Russia (SovietUnion)" and "Russia (Soviet
// Union)" are one name.
std::string SpellingKey(std::string_view name) {
  std::string key = names::FoldNameText(name);
  std::erase(key, ' ');
  return key;
}

size_t WordCount(std::string_view name) { return names::FoldName(name).tokens.size(); }

// The names a set of rows carries, grouped by spelling key.
class Spellings {
 public:
  struct Spelling {
    std::string text;
    int rows = 0;
    int latest_year = 0;
    size_t words = 0;
  };
  struct Group {
    std::string key;
    std::vector<Spelling> spellings;  // first seen first
    std::vector<size_t> rows;         // indexes of the rows, in file order
    int first_year = 0;
    int latest_year = 0;
    // The best-spelled spelling: the most words (a slip runs words
    // together), then the most rows, then the latest year, then the first seen.
    const std::string& Best() const {
      const Spelling* best = &spellings.front();
      for (const Spelling& s : spellings) {
        if (std::tie(s.words, s.rows, s.latest_year) >
            std::tie(best->words, best->rows, best->latest_year)) {
          best = &s;
        }
      }
      return best->text;
    }
  };

  void Add(const std::string& name, int year, size_t row) {
    const std::string key = SpellingKey(name);
    auto g = std::find_if(groups_.begin(), groups_.end(),
                          [&key](const Group& x) { return x.key == key; });
    if (g == groups_.end()) {
      groups_.push_back(Group{key, {}, {}, year, year});
      g = groups_.end() - 1;
    }
    g->rows.push_back(row);
    g->first_year = std::min(g->first_year, year);
    g->latest_year = std::max(g->latest_year, year);
    auto s = std::find_if(g->spellings.begin(), g->spellings.end(),
                          [&name](const Spelling& x) { return x.text == name; });
    if (s == g->spellings.end()) {
      g->spellings.push_back(Spelling{name, 0, year, WordCount(name)});
      s = g->spellings.end() - 1;
    }
    ++s->rows;
    s->latest_year = std::max(s->latest_year, year);
  }

  const std::vector<Group>& groups() const { return groups_; }
  // The index of the group that names the actor: the most rows, then the
  // latest year, then the first seen.
  size_t Canonical() const {
    size_t best = 0;
    for (size_t i = 1; i < groups_.size(); ++i) {
      const Group& g = groups_[i];
      const Group& b = groups_[best];
      if (std::make_pair(g.rows.size(), g.latest_year) >
          std::make_pair(b.rows.size(), b.latest_year)) {
        best = i;
      }
    }
    return best;
  }

 private:
  std::vector<Group> groups_;
};

std::string YearSpan(int first, int latest) {
  return first == latest ? std::to_string(first)
                         : std::to_string(first) + "-" + std::to_string(latest);
}

std::string RowCount(size_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

// Similarity of two names as the resolver scores them (uniform token weights).
names::MatchFeatures NameSimilarity(std::string_view query, std::string_view candidate) {
  auto weight = [](std::string_view) { return 1.0; };
  const names::PreparedName q = names::Prepare(names::FoldName(query), weight);
  const names::PreparedName c = names::Prepare(names::FoldName(candidate), weight, false);
  return names::CompareNames(q, c);
}

double Rounded(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.3f", score);
  return std::stod(text);
}

// A name's parts: the whole, and for "A (B)" also A and B, as spelling keys.
std::vector<std::string> NameParts(std::string_view name) {
  std::vector<std::string> parts = {SpellingKey(name)};
  const std::string_view trimmed = TrimBlanks(name);
  const size_t open = trimmed.rfind('(');
  if (open != std::string_view::npos && open > 0 && trimmed.back() == ')') {
    parts.push_back(SpellingKey(trimmed.substr(0, open)));
    parts.push_back(SpellingKey(trimmed.substr(open + 1, trimmed.size() - open - 2)));
  }
  std::erase(parts, std::string());
  return parts;
}

// Whether two names one SVAC id carries are names of the same actor: the
// same spelling key, one name the other's parenthetical or the part before
// it ("LRA" and "Lord's Resistance Army (LRA)", "Sri Lanka" and "Sri Lanka
// (Ceylon)", "Democratic Republic of Congo (Zaire)" and "DR Congo
// (Zaire)"), or one name the acronym of the other ("MQM" and "Mohajir Quami
// Movement"). Within one id these are strong enough; across ids they are
// not used.
bool SameActorNames(std::string_view a, std::string_view b) {
  const std::vector<std::string> pa = NameParts(a), pb = NameParts(b);
  for (const std::string& x : pa) {
    if (std::find(pb.begin(), pb.end(), x) != pb.end()) return true;
  }
  const names::FoldedName fa = names::FoldName(a), fb = names::FoldName(b);
  return names::IsAcronymOf(fa, fb) || names::IsAcronymOf(fb, fa);
}

struct Actor {
  std::string id;
  uint64_t first_line = 0;
  Spellings names;
  int state_votes = 0;
  int non_state_votes = 0;
  std::vector<std::pair<std::string, int>> situations;  // first seen first, with row counts
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

// What the id resolution did, for the summary.
struct IdStats {
  int ids_with_spellings = 0;  // ids with more than one spelling
  int ids_disagreeing = 0;     // ids with more than one name (spelling key)
  int ids_resolved = 0;        // every other name moved or found the same actor
  int ids_in_review = 0;       // some name went to the review queue
  int names_moved = 0;         // names moved to the id whose name they are
  int names_same_actor = 0;    // names similar enough to the id's own name
  int names_in_review = 0;     // names queued
  int names_decided = 0;       // names a review decision placed
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
            {"actor_type", "form", "gwnoloc", "gwnoloc2"}, options_.max_record_bytes));
    table_ = table.get();
    MARA_RETURN_IF_ERROR(ForEachRow(*table, options_, sink_, &result_, [this] { return Row(); }));
    return Write(agenda);
  }

 private:
  // The situation of a row's location, remembered for Write(): the country
  // the location names (countries.h), or failing that the country of the
  // row's Gleditsch-Ward number when it gives one (gwnoloc a single number,
  // gwnoloc2 missing or 0); else SituationIdFor(location). A location that
  // names several countries ("Iran, Israel") is a situation of its own, as
  // the conflict's gwnoloc numbers are no actor's country.
  std::string SituationOf(std::string_view location) {
    const Country* country = FindCountryByName(location);
    if (country == nullptr) {
      const std::string_view gwno = table_->Get("gwnoloc");
      const std::string_view gwno2 = table_->Get("gwnoloc2");
      int n = 0;
      auto [end, ec] = std::from_chars(gwno.data(), gwno.data() + gwno.size(), n);
      if (!gwno.empty() && ec == std::errc() && end == gwno.data() + gwno.size() &&
          (gwno2.empty() || gwno2 == "0")) {
        country = FindCountryByGwno(n);
      }
    }
    Situation s = SituationOfPlace(location, country);
    std::string id = s.id;
    situations_.try_emplace(id, std::move(s));
    return id;
  }

  Status Row() {
    const CsvTable& t = *table_;
    SvacRow r;
    r.line = t.line();
    MARA_ASSIGN_OR_RETURN(int64_t year, t.Int("year"));
    if (year < 1000 || year > 9999) return t.FieldError("year", "expected a year, 1000..9999");
    r.year = static_cast<int>(year);
    MARA_ASSIGN_OR_RETURN(const std::string_view name, t.Required("actor"));
    MARA_ASSIGN_OR_RETURN(const std::string_view location, t.Required("location"));
    r.name = std::string(name);
    r.location = std::string(location);
    r.situation = SituationOf(location);
    const std::string_view actor_id = t.Get("actorid");
    if (actor_id.empty()) {
      r.party = SlugId("SVAC", r.name + " in " + r.location);
    } else {
      MARA_ASSIGN_OR_RETURN(int64_t id, t.Int("actorid"));
      if (id < 0) return t.FieldError("actorid", "expected a UCDP actor id, got a negative number");
      r.actor_id = id;
      r.party = "UCDP-" + std::to_string(id);
    }
    MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> type, t.OptionalInt("actor_type"));
    if (type) {
      if (*type < 1 || *type > 6) return t.FieldError("actor_type", "expected 1..6");
      r.kind_vote = (*type == 3 || *type == 6) ? -1 : 1;
    }
    for (size_t s = 0; s < kPrevalenceColumns.size(); ++s) {
      r.levels[s] = -99;
      MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> v, t.OptionalInt(kPrevalenceColumns[s]));
      if (!v) continue;
      if (*v != -99 && (*v < 0 || *v > 3)) {
        return t.FieldError(kPrevalenceColumns[s],
                            "expected -99 or 0..3, got " + std::to_string(*v));
      }
      r.levels[s] = static_cast<int>(*v);
    }
    MARA_RETURN_IF_ERROR(ParseForms(t.Get("form"), &r.forms));
    // Everything checked: only now is the row kept, so a rejected row
    // leaves no trace.
    rows_.push_back(std::move(r));
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

  // The names of one id: its spelling groups, joined into clusters of names
  // of the same actor (SameActorNames), the own cluster (most rows, then the
  // latest year) first.
  struct IdNames {
    struct Cluster {
      std::vector<const Spellings::Group*> groups;  // the largest first
      size_t rows = 0;
      int first_year = 0;
      int latest_year = 0;
      const std::string& Name() const { return groups.front()->Best(); }
    };
    std::vector<Cluster> clusters;
  };

  static IdNames Cluster(const Spellings& spellings) {
    const auto& groups = spellings.groups();
    std::vector<size_t> root(groups.size());
    for (size_t i = 0; i < root.size(); ++i) root[i] = i;
    auto find = [&root](size_t i) {
      while (root[i] != i) i = root[i] = root[root[i]];
      return i;
    };
    for (size_t i = 0; i < groups.size(); ++i) {
      for (size_t j = i + 1; j < groups.size(); ++j) {
        if (SameActorNames(groups[i].Best(), groups[j].Best())) root[find(j)] = find(i);
      }
    }
    IdNames out;
    std::map<size_t, size_t> cluster_of_root;
    for (size_t i = 0; i < groups.size(); ++i) {
      auto [it, added] = cluster_of_root.try_emplace(find(i), out.clusters.size());
      if (added) out.clusters.push_back({{}, 0, groups[i].first_year, groups[i].latest_year});
      IdNames::Cluster& c = out.clusters[it->second];
      c.groups.push_back(&groups[i]);
      c.rows += groups[i].rows.size();
      c.first_year = std::min(c.first_year, groups[i].first_year);
      c.latest_year = std::max(c.latest_year, groups[i].latest_year);
    }
    for (IdNames::Cluster& c : out.clusters) {
      std::stable_sort(c.groups.begin(), c.groups.end(),
                       [](const Spellings::Group* a, const Spellings::Group* b) {
                         return std::make_pair(a->rows.size(), a->latest_year) >
                                std::make_pair(b->rows.size(), b->latest_year);
                       });
    }
    std::stable_sort(out.clusters.begin(), out.clusters.end(),
                     [](const IdNames::Cluster& a, const IdNames::Cluster& b) {
                       return std::make_pair(a.rows, a.latest_year) >
                              std::make_pair(b.rows, b.latest_year);
                     });
    return out;
  }

  // Decides which party each row belongs to. Rows with an actorid start at
  // "UCDP-<actorid>". When one id's rows carry names of more than one actor
  // (names that are not spellings of each other, SameActorNames), the
  // cluster of most rows (ties: the latest year) is the id's own, and each
  // other cluster goes, in this order:
  // 1. where a review decision on its name (origin "svac") sent it;
  // 2. to the one other id whose own cluster has that name (spelling key)
  //    and rows in a location where the name's rows are (SVAC shifts ids
  //    from year to year: 1160's 2021 "APCLS" rows belong to 1200, whose
  //    own name is APCLS);
  // 3. nowhere, when no other id has the name there and it scores at or
  //    above the accept threshold against a spelling of the own name;
  // 4. else to a provisional party SlugId("SVAC", "<actorid> <name>"), and
  //    the name to the review queue with the id's party and the other ids
  //    of the name (any location) as candidates.
  Status ResolveIds(RegistryWriter& writer) {
    assigned_.resize(rows_.size());
    for (size_t i = 0; i < rows_.size(); ++i) assigned_[i] = rows_[i].party;

    std::map<int64_t, Spellings> by_id;
    for (size_t i = 0; i < rows_.size(); ++i) {
      if (rows_[i].actor_id >= 0) by_id[rows_[i].actor_id].Add(rows_[i].name, rows_[i].year, i);
    }
    std::map<int64_t, IdNames> clusters;
    std::unordered_map<std::string, std::vector<int64_t>> own_by_key;
    std::unordered_map<int64_t, std::set<std::string>> own_locations;
    std::vector<names::PartyNames> registry;
    for (const auto& entry : by_id) {
      const int64_t id = entry.first;
      const IdNames& names = clusters[id] = Cluster(entry.second);
      const IdNames::Cluster& own = names.clusters.front();
      std::set<std::string>& locations = own_locations[id];
      names::PartyNames n{"UCDP-" + std::to_string(id), own.Name(), {}};
      for (const Spellings::Group* g : own.groups) {
        own_by_key[g->key].push_back(id);
        for (size_t row : g->rows) locations.insert(rows_[row].situation);
        for (const Spellings::Spelling& s : g->spellings) {
          if (s.text != n.name && !names::FoldNameText(s.text).empty()) {
            n.aliases.push_back(s.text);
          }
        }
      }
      if (!names::FoldNameText(n.name).empty()) registry.push_back(std::move(n));
    }
    MARA_ASSIGN_OR_RETURN(names::NameResolver resolver,
                          names::NameResolver::Build(registry, options_.resolver));
    MARA_ASSIGN_OR_RETURN(std::vector<NameReview> reviews, store_.ListNameReviews());
    std::unordered_map<std::string, NameReview> decided;
    for (NameReview& r : reviews) {
      if (r.origin == "svac" && r.status != "pending") decided[r.query] = std::move(r);
    }
    auto own_name_of = [&clusters](int64_t other) {
      return clusters.at(other).clusters.front().Name();
    };

    for (const auto& entry : by_id) {
      const int64_t id = entry.first;
      const Spellings& spellings = entry.second;
      const IdNames& names = clusters.at(id);
      size_t spelling_count = 0;
      for (const Spellings::Group& g : spellings.groups()) spelling_count += g.spellings.size();
      if (spelling_count > 1) ++stats_.ids_with_spellings;
      if (spellings.groups().size() < 2) continue;
      ++stats_.ids_disagreeing;
      const std::string own_party = "UCDP-" + std::to_string(id);
      const IdNames::Cluster& own = names.clusters.front();
      stats_.names_same_actor += static_cast<int>(own.groups.size()) - 1;
      bool queued = false;
      for (size_t c = 1; c < names.clusters.size(); ++c) {
        const IdNames::Cluster& cluster = names.clusters[c];
        const std::string query = cluster.Name();
        const std::string provisional = SlugId("SVAC", std::to_string(id) + " " + query);
        auto move_rows = [this, &cluster](const std::string& party) {
          for (const Spellings::Group* g : cluster.groups) {
            for (size_t row : g->rows) assigned_[row] = party;
          }
        };
        if (auto d = decided.find(query); d != decided.end()) {
          const NameReview& r = d->second;
          std::string party =
              r.status == "accepted" && !r.resolved_party.empty() ? r.resolved_party : provisional;
          if (writer.CurrentParty(party) == nullptr &&
              !std::any_of(rows_.begin(), rows_.end(),
                           [&party](const SvacRow& x) { return x.party == party; })) {
            party = provisional;
          }
          if (party != own_party) move_rows(party);
          ++stats_.names_decided;
          continue;
        }
        std::set<std::string> locations;
        for (const Spellings::Group* g : cluster.groups) {
          for (size_t row : g->rows) locations.insert(rows_[row].situation);
        }
        std::vector<int64_t> same_name, elsewhere;  // other ids whose own name this is
        for (const Spellings::Group* g : cluster.groups) {
          auto it = own_by_key.find(g->key);
          if (it == own_by_key.end()) continue;
          for (int64_t other : it->second) {
            if (other == id || std::count(same_name.begin(), same_name.end(), other) ||
                std::count(elsewhere.begin(), elsewhere.end(), other)) {
              continue;
            }
            const std::set<std::string>& theirs = own_locations[other];
            const bool shared =
                std::any_of(locations.begin(), locations.end(),
                            [&theirs](const std::string& l) { return theirs.count(l) > 0; });
            (shared ? same_name : elsewhere).push_back(other);
          }
        }
        if (same_name.size() == 1) {
          move_rows("UCDP-" + std::to_string(same_name.front()));
          ++stats_.names_moved;
          continue;
        }
        names::MatchFeatures best;
        std::string best_spelling = own.Name();
        for (const Spellings::Group* g : own.groups) {
          for (const Spellings::Spelling& s : g->spellings) {
            const names::MatchFeatures f = NameSimilarity(query, s.text);
            if (f.score > best.score) {
              best = f;
              best_spelling = s.text;
            }
          }
        }
        if (same_name.empty() && best.score >= options_.resolver.accept_threshold) {
          ++stats_.names_same_actor;
          continue;
        }

        // Review: the name's rows wait on a provisional party.
        move_rows(provisional);
        ++stats_.names_in_review;
        queued = true;
        Json candidates = Json::array();
        std::set<std::string> listed;
        auto add = [&candidates, &listed](const std::string& party, const std::string& name,
                                          const names::MatchFeatures& f) {
          if (!listed.insert(party).second) return;
          candidates.push_back({{"party", party},
                                {"name", name},
                                {"score", Rounded(f.score)},
                                {"features", f.Describe()}});
        };
        for (int64_t other : same_name) {
          add("UCDP-" + std::to_string(other), own_name_of(other),
              NameSimilarity(query, own_name_of(other)));
        }
        add(own_party, best_spelling, best);
        for (int64_t other : elsewhere) {
          add("UCDP-" + std::to_string(other), own_name_of(other),
              NameSimilarity(query, own_name_of(other)));
        }
        for (const names::Candidate& cand : resolver.Resolve(query).candidates) {
          add(cand.party_id, cand.matched_name, cand.features);
        }
        char score[16];
        std::snprintf(score, sizeof score, "%.3f", best.score);
        std::string reason = "SVAC actor " + std::to_string(id) + " is \"" + own.Name() + "\" in " +
                             YearSpan(own.first_year, own.latest_year) + " (" + RowCount(own.rows) +
                             ") but \"" + query + "\" in " +
                             YearSpan(cluster.first_year, cluster.latest_year) + " (" +
                             RowCount(cluster.rows) + "), score " + score;
        auto id_list = [](const std::vector<int64_t>& ids) {
          std::string out;
          for (int64_t x : ids) out += (out.empty() ? "" : ", ") + std::to_string(x);
          return out;
        };
        if (!same_name.empty()) {
          reason += "; \"" + query + "\" is also the name of actors " + id_list(same_name) +
                    " in the same location";
        } else if (!elsewhere.empty()) {
          reason += "; \"" + query + "\" is the name of actor" +
                    (elsewhere.size() == 1 ? " " : "s ") + id_list(elsewhere) +
                    " only in other locations";
        }
        reason += ": accept to merge it into a candidate, create to keep it apart";
        NameReview review;
        review.origin = "svac";
        review.query = query;
        review.provisional_party = provisional;
        review.candidates = candidates.dump(-1, ' ', false, Json::error_handler_t::replace);
        review.reason = std::move(reason);
        MARA_RETURN_IF_ERROR(store_.PutNameReview(review).status());
      }
      ++(queued ? stats_.ids_in_review : stats_.ids_resolved);
    }
    return Status::Ok();
  }

  // The parties, situations and findings of the rows as assigned.
  void Aggregate() {
    for (size_t i = 0; i < rows_.size(); ++i) {
      const SvacRow& r = rows_[i];
      const std::string& party = assigned_[i];
      auto [it, added] = actors_.try_emplace(party);
      Actor& a = it->second;
      if (added) {
        a.id = party;
        a.first_line = r.line;
        order_.push_back(party);
      }
      a.names.Add(r.name, r.year, i);
      if (r.kind_vote > 0) ++a.state_votes;
      if (r.kind_vote < 0) ++a.non_state_votes;
      auto loc = std::find_if(a.situations.begin(), a.situations.end(),
                              [&r](const auto& p) { return p.first == r.situation; });
      if (loc == a.situations.end()) {
        a.situations.emplace_back(r.situation, 1);
      } else {
        ++loc->second;
      }
      for (int s = 0; s < 3; ++s) {
        if (r.levels[s] < 0) continue;
        FindingValue& f = findings_[{party, r.year, s}];
        f.level = std::max(f.level, r.levels[s]);
        if (r.levels[s] >= 1) f.forms.insert(r.forms.begin(), r.forms.end());
      }
    }
  }

  Status Write(const AgendaRule& agenda) {
    MARA_ASSIGN_OR_RETURN(std::unique_ptr<RegistryWriter> writer,
                          RegistryWriter::Load(store_, &result_));
    MARA_RETURN_IF_ERROR(ResolveIds(*writer));
    Aggregate();
    std::map<std::string, Situation> situations;  // the parties' homes, by id
    for (const std::string& id : order_) {
      const Actor& a = actors_.at(id);
      const auto home =
          std::max_element(a.situations.begin(), a.situations.end(),
                           [](const auto& x, const auto& y) { return x.second < y.second; });
      const std::string& situation = home->first;
      situations.emplace(situation, situations_.at(situation));

      Party p;
      if (const Party* stored = writer->StoredParty(id)) {
        p = *stored;
      } else {
        p.id = id;
        p.name = a.names.groups()[a.names.Canonical()].Best();
        p.kind = a.state_votes > a.non_state_votes ? PartyKind::kState : PartyKind::kNonState;
        p.situation = situation;
      }
      for (const Spellings::Group& g : a.names.groups()) {
        for (const Spellings::Spelling& s : g.spellings) AddAlias(&p, s.text);
      }
      Status s = writer->Put(p);
      if (!s.ok()) return s.WithPrefix("line " + std::to_string(a.first_line));
    }
    for (auto& entry : situations) {
      Situation& s = entry.second;
      s.on_council_agenda = agenda.OnAgenda(s);
      MARA_RETURN_IF_ERROR(writer->Put(s));
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
    if (stats_.ids_disagreeing > 0) {
      result_.notes.push_back(
          "svac ids: " + std::to_string(stats_.ids_disagreeing) + " carry more than one name (" +
          std::to_string(stats_.ids_resolved) + " resolved by name, " +
          std::to_string(stats_.ids_in_review) + " with names in review; " +
          std::to_string(stats_.ids_with_spellings) + " have more than one spelling); names: " +
          std::to_string(stats_.names_moved) + " moved to the id whose name they are, " +
          std::to_string(stats_.names_same_actor) + " the same actor, " +
          std::to_string(stats_.names_decided) + " placed by review decisions, " +
          std::to_string(stats_.names_in_review) + " in review (mara names review)");
    }
    return Status::Ok();
  }

  Store& store_;
  const DatasetImportOptions& options_;
  const DatasetSink& sink_;
  DatasetImportResult& result_;
  const CsvTable* table_ = nullptr;
  std::vector<SvacRow> rows_;
  std::vector<std::string> assigned_;                      // the party of each row
  std::unordered_map<std::string, Situation> situations_;  // of the rows' locations, by id
  IdStats stats_;
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

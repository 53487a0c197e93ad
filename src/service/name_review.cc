#include "service/name_review.h"

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "common/text.h"
#include "domain/json_codec.h"
#include "ingest/dataset_import.h"
#include "ingest/party_matcher.h"
#include "service/core.h"

namespace mara {

Result<names::ResolverOptions> LoadNameResolutionConfig(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": no such file");
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path + ": line " + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  names::ResolverOptions options;
  for (const auto& [key, node] : doc) {
    if (key.str() != "names") {
      return Status::InvalidArgument(path + ": unknown table or key " + QuoteForMessage(key.str()) +
                                     " (expected [names])");
    }
  }
  const toml::table* names_table = doc["names"].as_table();
  if (names_table == nullptr) return options;
  for (const auto& [key, node] : *names_table) {
    const std::string k(key.str());
    const std::string where =
        path + ": line " + std::to_string(node.source().begin.line) + ": names." + k;
    if (k == "accept_threshold" || k == "review_threshold" || k == "ambiguity_margin") {
      std::optional<double> v = node.value<double>();
      if (!v) return Status::InvalidArgument(where + ": expected a number");
      (k == "accept_threshold"   ? options.accept_threshold
       : k == "review_threshold" ? options.review_threshold
                                 : options.ambiguity_margin) = *v;
    } else if (k == "trigram_candidates" || k == "max_alternatives") {
      std::optional<int64_t> v = node.value<int64_t>();
      if (!v || *v < 0) return Status::InvalidArgument(where + ": expected a non-negative integer");
      (k == "trigram_candidates" ? options.trigram_candidates : options.max_alternatives) =
          static_cast<size_t>(*v);
    } else {
      return Status::InvalidArgument(where + ": unknown key");
    }
  }
  Status valid = options.Validate();
  if (!valid.ok()) return valid.WithPrefix(path);
  return options;
}

Result<std::vector<NameReview>> ListNameReviews(Store& store, bool all) {
  MARA_ASSIGN_OR_RETURN(std::vector<NameReview> entries, store.ListNameReviews());
  if (!all) std::erase_if(entries, [](const NameReview& r) { return r.status != "pending"; });
  return entries;
}

Result<ReviewOutcome> DecideNameReview(Store& store, const ReviewDecision& decision) {
  MARA_ASSIGN_OR_RETURN(std::optional<NameReview> found, store.GetNameReview(decision.id));
  if (!found) {
    return Status::NotFound("no name review " + std::to_string(decision.id) +
                            " (see mara names review)");
  }
  if (!IsValidUtf8(decision.note) || decision.note.size() > kMaxTextLength) {
    return Status::InvalidArgument("name review " + std::to_string(decision.id) +
                                   ": the note must be valid UTF-8 of at most " +
                                   std::to_string(kMaxTextLength) + " bytes");
  }
  ReviewOutcome out;
  NameReview& entry = *found;
  if (entry.status != "pending") {
    return Status::Conflict("name review " + std::to_string(decision.id) + " was already " +
                            entry.status + " by " + QuoteForMessage(entry.decided_by) + " on " +
                            entry.decided_at);
  }
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  auto find_party = [&registry](std::string_view id) -> Party* {
    for (Party& p : registry.parties) {
      if (p.id == id) return &p;
    }
    return nullptr;
  };

  // Inside the caller's transaction (the audited Session wrapper's, so the
  // decision and its audit record commit together) no new one is begun.
  const bool own = !store.InTransaction();
  Transaction tx(&store);
  if (own) MARA_RETURN_IF_ERROR(tx.Begin());
  switch (decision.choice) {
    case ReviewChoice::kAccept: {
      std::string target = decision.party;
      if (target.empty()) {
        Json candidates = Json::parse(entry.candidates, nullptr, /*allow_exceptions=*/false);
        if (candidates.is_array() && !candidates.empty() && candidates[0].contains("party") &&
            candidates[0]["party"].is_string()) {
          target = candidates[0]["party"].get<std::string>();
        }
      }
      if (target.empty()) {
        return Status::InvalidArgument("name review " + std::to_string(decision.id) +
                                       " has no candidate; give --party");
      }
      Party* party = find_party(target);
      if (party == nullptr) return Status::NotFound("no party " + QuoteForMessage(target));
      if (AddAlias(party, entry.query)) ++out.aliases_added;
      const Party* provisional =
          entry.provisional_party.empty() || entry.provisional_party == target
              ? nullptr
              : find_party(entry.provisional_party);
      if (provisional != nullptr) {
        if (AddAlias(party, provisional->name)) ++out.aliases_added;
        for (const std::string& a : provisional->aliases) {
          if (AddAlias(party, a)) ++out.aliases_added;
        }
        std::vector<Incident> moved;
        MARA_RETURN_IF_ERROR(store.ScanIncidents([&](const Incident& v) {
          for (const Attribution& a : v.perpetrators) {
            if (a.party == provisional->id) {
              moved.push_back(v);
              break;
            }
          }
          return Status::Ok();
        }));
        for (Incident& v : moved) {
          std::vector<Attribution> perpetrators;
          for (Attribution a : v.perpetrators) {
            if (a.party == provisional->id) a.party = target;
            auto same = std::find_if(perpetrators.begin(), perpetrators.end(),
                                     [&](const Attribution& b) { return b.party == a.party; });
            if (same == perpetrators.end()) {
              perpetrators.push_back(a);
            } else if (a.standard > same->standard) {
              same->standard = a.standard;
            }
          }
          v.perpetrators = std::move(perpetrators);
          MARA_RETURN_IF_ERROR(store.PutIncident(v, 0).status());
          ++out.incidents_moved;
        }
      }
      MARA_RETURN_IF_ERROR(store.Put(*party));
      entry.status = "accepted";
      entry.resolved_party = target;
      break;
    }
    case ReviewChoice::kReject:
      entry.status = "rejected";
      entry.resolved_party.clear();
      break;
    case ReviewChoice::kCreate:
      if (entry.provisional_party.empty() || find_party(entry.provisional_party) == nullptr) {
        return Status::NotFound("name review " + std::to_string(decision.id) +
                                ": its provisional party " +
                                QuoteForMessage(entry.provisional_party) + " is not stored");
      }
      entry.status = "created";
      entry.resolved_party = entry.provisional_party;
      break;
  }
  entry.decided_by = decision.decided_by;
  entry.decided_at = decision.decided_at.empty() ? NowUtc() : decision.decided_at;
  entry.note = decision.note;
  MARA_RETURN_IF_ERROR(store.PutNameReview(entry).status());
  if (own) MARA_RETURN_IF_ERROR(tx.Commit());
  out.entry = std::move(entry);
  return out;
}

std::string PlainText(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size() || !IsValidUtf8(s.substr(i, len))) {
      out += kReplacement;
      ++i;
      continue;
    }
    const bool c0 = len == 1 && (c < 0x20 || c == 0x7F);
    const bool c1 = len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (c == '\t' || c == '\n' || c == '\r') {
      out.push_back(' ');  // one line
    } else if (c0 || c1) {
      out += kReplacement;
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

namespace {

std::string Quoted(std::string_view s) { return "\"" + PlainText(s) + "\""; }

}  // namespace

std::string FormatNameResolution(const NameResolution& n) {
  const names::Resolution& r = n.resolution;
  std::string out = Quoted(r.query);
  if (!n.situation.empty()) out += " in " + Quoted(n.situation);
  out += ": " + std::string(names::DecisionName(r.decision));
  if (const names::Candidate* best = r.best()) {
    char score[16];
    std::snprintf(score, sizeof score, "%.3f", best->features.score);
    out += r.decision == names::Decision::kNew ? " (a new party; nearest " : " ";
    out += best->party_id + " " + Quoted(best->matched_name) + " score " + score;
    if (r.decision == names::Decision::kNew) out += ")";
  }
  if (r.ambiguous) out += " (several parties score alike)";
  out += "\n";
  if (!r.state_force.empty())
    out += "  read as a state force of " + PlainText(r.state_force) + "\n";
  if (!r.note.empty()) out += "  note: " + PlainText(r.note) + "\n";
  for (const names::Candidate& c : r.candidates) {
    char score[16];
    std::snprintf(score, sizeof score, "%.3f", c.features.score);
    out += "  candidate " + c.party_id + " " + Quoted(c.matched_name) + " score " + score + "\n";
    out += "    " + PlainText(c.Describe()) + "\n";
  }
  return out;
}

std::string NameResolutionJson(const NameResolution& n) {
  const names::Resolution& r = n.resolution;
  Json out = {{"query", r.query},
              {"situation", n.situation},
              {"decision", std::string(names::DecisionName(r.decision))},
              {"ambiguous", r.ambiguous},
              {"state_force", r.state_force},
              {"note", r.note},
              {"candidates", CandidatesJson(r)}};
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string FormatNameReviews(const std::vector<NameReview>& entries) {
  if (entries.empty()) return "No names waiting for review.\n";
  std::string out;
  for (const NameReview& r : entries) {
    out += "#" + std::to_string(r.id) + " [" + r.status + "] " + Quoted(r.query) + " (from " +
           r.origin +
           (r.provisional_party.empty() ? std::string()
                                        : "; provisional party " + r.provisional_party) +
           ")\n";
    out += "    " + PlainText(r.reason) + "\n";
    Json candidates = Json::parse(r.candidates, nullptr, /*allow_exceptions=*/false);
    if (candidates.is_array()) {
      for (const Json& c : candidates) {
        if (!c.is_object() || !c.contains("party") || !c["party"].is_string()) continue;
        const Json& name = c.contains("name") ? c["name"] : Json();
        const Json& score = c.contains("score") ? c["score"] : Json();
        char text[16];
        std::snprintf(text, sizeof text, "%.3f", score.is_number() ? score.get<double>() : 0.0);
        const Json& features = c.contains("features") ? c["features"] : Json();
        out += "    candidate " + PlainText(c["party"].get<std::string>()) + " " +
               Quoted(name.is_string() ? name.get<std::string>() : std::string()) + " score " +
               text +
               (features.is_string() ? " (" + PlainText(features.get<std::string>()) + ")"
                                     : std::string()) +
               "\n";
      }
    }
    if (r.status != "pending") {
      out += "    decided by " + r.decided_by + " on " + r.decided_at +
             (r.resolved_party.empty() ? "" : ": " + r.resolved_party) + "\n";
    }
    if (!r.note.empty()) {
      // In full, on one line: control characters cannot move the terminal.
      out += "    note: " + PlainText(r.note) + "\n";
    }
  }
  return out;
}

}  // namespace mara

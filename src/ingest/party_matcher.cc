#include "ingest/party_matcher.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/text.h"
#include "ingest/names/name_fold.h"

namespace mara {

std::string NowUtc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<names::PartyNames> ResolverNames(const std::vector<Party>& parties) {
  std::vector<names::PartyNames> out;
  out.reserve(parties.size());
  for (const Party& p : parties) {
    if (p.id.empty() || !IsValidUtf8(p.name) || names::FoldNameText(p.name).empty()) continue;
    names::PartyNames n{p.id, p.name, {}, p.kind == PartyKind::kState, {}};
    if (!p.situation.empty()) n.countries.push_back(p.situation);
    auto add = [&n](const std::string& alias) {
      if (IsValidUtf8(alias) && !names::FoldNameText(alias).empty()) n.aliases.push_back(alias);
    };
    for (const std::string& a : p.aliases) add(a);
    for (const NameOverTime& t : p.names_over_time) add(t.name);
    out.push_back(std::move(n));
  }
  return out;
}

Json CandidatesJson(const names::Resolution& r) {
  Json out = Json::array();
  for (const names::Candidate& c : r.candidates) {
    char score[16];
    std::snprintf(score, sizeof score, "%.3f", c.features.score);
    out.push_back({{"party", c.party_id},
                   {"name", c.matched_name},
                   {"score", std::stod(score)},
                   {"features", c.Describe()}});
  }
  return out;
}

Result<std::unique_ptr<PartyMatcher>> PartyMatcher::Load(RegistryWriter& writer, std::string origin,
                                                         std::string id_prefix,
                                                         const names::ResolverOptions& options) {
  MARA_ASSIGN_OR_RETURN(
      names::NameResolver resolver,
      names::NameResolver::Build(ResolverNames(writer.stored().parties), options));
  auto m = std::make_unique<PartyMatcher>(writer, std::move(origin), std::move(id_prefix),
                                          std::move(resolver));
  MARA_ASSIGN_OR_RETURN(std::vector<NameReview> reviews, writer.store().ListNameReviews());
  for (NameReview& r : reviews) {
    if (r.status != "pending") m->decided_[names::FoldNameText(r.query)] = std::move(r);
  }
  return m;
}

Result<std::string> PartyMatcher::CreateParty(std::string_view name, std::string_view situation,
                                              PartyKind kind) {
  const std::string id = SlugId(id_prefix_, name);
  if (writer_.CurrentParty(id) == nullptr) {
    Party p;
    p.id = id;
    p.name = std::string(name);
    p.kind = kind;
    p.situation = std::string(situation);
    MARA_RETURN_IF_ERROR(writer_.Put(p));
  }
  return id;
}

Result<std::string> PartyMatcher::CreateUnit(std::string_view name, const std::string& government) {
  const std::string id = SlugId(id_prefix_, name);
  if (id == government) return government;
  if (writer_.CurrentParty(id) == nullptr) {
    const Party* parent = writer_.CurrentParty(government);
    if (parent == nullptr) return government;
    Party p;
    p.id = id;
    p.name = std::string(name);
    p.kind = PartyKind::kState;
    p.situation = parent->situation;
    p.parent = government;
    MARA_RETURN_IF_ERROR(writer_.Put(p));
  }
  return id;
}

Result<std::string> PartyMatcher::Match(std::string_view name, std::string_view situation,
                                        PartyKind kind_if_new,
                                        const std::vector<std::string>& fallbacks) {
  if (!IsValidUtf8(name)) {
    return Status::InvalidArgument("party name " + QuoteForMessage(name) + " is not valid UTF-8");
  }
  const std::string folded = names::FoldNameText(name);
  if (folded.empty()) {
    return Status::InvalidArgument("party name " + QuoteForMessage(name) +
                                   " has no letters or digits to match");
  }
  if (auto it = matched_.find(folded); it != matched_.end()) return it->second;

  std::string party;
  if (auto it = decided_.find(folded); it != decided_.end()) {
    const NameReview& r = it->second;
    party =
        r.status == "rejected" || r.resolved_party.empty() ? r.provisional_party : r.resolved_party;
    if (!party.empty() && writer_.CurrentParty(party) != nullptr) {
      ++counts_.decided;
      matched_[folded] = party;
      return party;
    }
  }

  const names::QueryContext context{std::string(situation)};
  const names::Resolution r = resolver_.Resolve(name, context);
  if (r.decision != names::Decision::kAccept) {
    for (const std::string& other : fallbacks) {
      if (!IsValidUtf8(other)) continue;
      const names::Resolution o = resolver_.Resolve(other, context);
      if (o.decision != names::Decision::kAccept) continue;
      ++counts_.accepted;
      MARA_RETURN_IF_ERROR(RecordAccept(name, o, "as " + QuoteForMessage(other) + ": "));
      matched_[folded] = o.best()->party_id;
      return o.best()->party_id;
    }
  }
  switch (r.decision) {
    case names::Decision::kAccept:
      party = r.best()->party_id;
      ++counts_.accepted;
      if (!r.state_force.empty() && r.best_is_government && !r.names_government) {
        MARA_ASSIGN_OR_RETURN(party, CreateUnit(name, party));
      }
      if (party == r.best()->party_id) {
        MARA_RETURN_IF_ERROR(RecordAccept(name, r, ""));
      } else {
        MARA_RETURN_IF_ERROR(
            RecordAccept(name, r, "as a unit of " + r.best()->party_id + ", ", party));
      }
      break;
    case names::Decision::kReview: {
      MARA_ASSIGN_OR_RETURN(party, CreateParty(name, situation, kind_if_new));
      NameReview entry;
      entry.origin = origin_;
      entry.query = std::string(name);
      entry.provisional_party = party;
      entry.candidates = CandidatesJson(r).dump();
      entry.reason = r.best() == nullptr ? r.note : r.best()->features.Describe();
      if (r.ambiguous) entry.reason += "; several parties score alike";
      MARA_RETURN_IF_ERROR(writer_.store().PutNameReview(entry).status());
      ++counts_.reviewed;
      break;
    }
    case names::Decision::kNew:
      MARA_ASSIGN_OR_RETURN(party, CreateParty(name, situation, kind_if_new));
      ++counts_.created;
      break;
  }
  matched_[folded] = party;
  return party;
}

Status PartyMatcher::RecordAccept(std::string_view name, const names::Resolution& r,
                                  const std::string& how, const std::string& party) {
  const names::Candidate& best = *r.best();
  // A name that is the party's own name or alias needs no record.
  if (best.features.decided_by == names::Feature::kExactName && best.why.empty() && how.empty()) {
    return Status::Ok();
  }
  char score[16];
  std::snprintf(score, sizeof score, "%.3f", best.features.score);
  NameReview entry;
  entry.origin = origin_;
  entry.query = std::string(name);
  entry.candidates = CandidatesJson(r).dump(-1, ' ', false, Json::error_handler_t::replace);
  entry.reason = "auto-accepted " + how + "score " + score + ": " + best.Describe();
  entry.status = "accepted";
  entry.resolved_party = party.empty() ? best.party_id : party;
  entry.decided_by = "auto";
  entry.decided_at = NowUtc();
  return writer_.store().PutNameReview(entry).status();
}

std::string PartyMatcher::Note() const {
  return origin_ + " names: " + std::to_string(counts_.accepted + counts_.decided) + " matched (" +
         std::to_string(counts_.decided) + " by earlier review decisions), " +
         std::to_string(counts_.reviewed) + " in review (mara names review), " +
         std::to_string(counts_.created) + " new parties";
}

}  // namespace mara

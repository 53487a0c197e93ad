#include "policy/explain.h"

#include <algorithm>
#include <string_view>
#include <variant>

#include "domain/enums.h"

namespace mara {
namespace {

std::string Words(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string StandardWords(Standard s) { return Words(ToString(s)); }

std::string StatusWords(PartyStatus s) {
  switch (s) {
    case PartyStatus::kListed:
      return "listed";
    case PartyStatus::kOnNotice:
      return "on notice";
    case PartyStatus::kNone:
      break;
  }
  return "none";
}

std::string Count(int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

int64_t Int(const ParamValue& v) {
  if (const int64_t* i = std::get_if<int64_t>(&v)) return *i;
  if (const bool* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return 0;
}

bool Bool(const ParamValue& v) {
  if (const bool* b = std::get_if<bool>(&v)) return *b;
  return Int(v) != 0;
}

bool Met(const PartyAssessment& p, std::string_view rule, std::string_view evidence) {
  return CriterionMet(p, rule, evidence);
}

int64_t Observed(const PartyAssessment& p, std::string_view rule, std::string_view evidence) {
  const Criterion* c = FindCriterion(p, rule, evidence);
  return c != nullptr ? Int(c->observed) : 0;
}

bool Pattern(const PartyAssessment& p, std::string_view evidence) {
  return PatternMet(p, evidence);
}

std::string CriterionSentence(const Criterion& c, const Policy& policy, int cycle) {
  const int64_t n = Int(c.observed);
  const int64_t t = Int(c.threshold);
  const bool listing = c.evidence == "listing";
  if (c.rule == "pattern.min_incidents") {
    const std::string which =
        listing ? "verified, at " + StandardWords(policy.listing_min_standard) + " or higher"
                : "verified or under verification, at " +
                      StandardWords(policy.notice_min_standard) + " or higher";
    return Count(n, "counted incident", "counted incidents") + " in " + std::to_string(cycle) +
           " (" + which + (n == 1 ? ") makes the " : ") make the ") + c.evidence +
           " evidence; a pattern needs at least " + std::to_string(t) + ".";
  }
  if (c.rule == "pattern.min_locations") {
    return "The " + c.evidence + " evidence comes from " +
           Count(n, "distinct location", "distinct locations") + "; a pattern needs at least " +
           std::to_string(t) + ", or the span of days instead.";
  }
  if (c.rule == "pattern.min_span_days") {
    return "The " + c.evidence + " evidence spans " + Count(n, "day", "days") +
           " from the first incident to the last; a pattern needs at least " + std::to_string(t) +
           ", or the number of locations instead.";
  }
  if (c.rule == "findings.list_min_sources") {
    return Count(n, "source gives", "sources give") + " findings about the party at level " +
           std::to_string(policy.findings_list_level) + " or above in " + std::to_string(cycle) +
           "; findings establish a listing pattern with at least " + std::to_string(t) + ".";
  }
  if (c.rule == "findings.notice_min_sources") {
    return Count(n, "source gives", "sources give") + " findings about the party at level " +
           std::to_string(policy.findings_notice_level) + " or above in " + std::to_string(cycle) +
           "; findings indicate a pattern (notice) with at least " + std::to_string(t) + ".";
  }
  if (c.rule == "situation.on_council_agenda") {
    return Bool(c.observed)
               ? "The party's situation is on the Security Council's agenda, so it can be listed "
                 "or put on notice."
               : "The party's situation is not on the Security Council's agenda, so it cannot "
                 "be newly listed or put on notice.";
  }
  if (c.rule == "delisting.clean_cycles") {
    return Count(n, "clean cycle", "clean cycles") + " in a row up to " + std::to_string(cycle) +
           " (no listing evidence and no finding at any level); delisting needs " +
           std::to_string(t) + ".";
  }
  if (c.rule == "listing.min_cycles") {
    return "Listed for " + Count(n, "consecutive cycle", "consecutive cycles") + " up to " +
           std::to_string(cycle - 1) + "; delisting needs at least " + std::to_string(t) + ".";
  }
  if (c.rule == "delisting.requires_commitments") {
    if (!Bool(c.threshold)) return "This policy does not require commitments for delisting.";
    return Bool(c.observed) ? "The party has commitments in force with every measure verified "
                              "implemented by the end of " +
                                  std::to_string(cycle) + ", as delisting requires."
                            : "Delisting requires at least one commitment with every measure "
                              "verified implemented by the end of " +
                                  std::to_string(cycle) + "; the party's do not meet this.";
  }
  if (c.rule == "delisting.dissolved_clean_cycles") {
    if (t == 0) return "This policy does not delist dissolved parties on clean cycles alone.";
    return "The party is recorded as dissolved; " + Count(n, "clean cycle", "clean cycles") +
           " in a row count toward delisting it without commitments, which needs " +
           std::to_string(t) + ".";
  }
  if (c.rule == "notice.min_cycles") {
    return "On notice for " + Count(n, "consecutive cycle", "consecutive cycles") + " up to " +
           std::to_string(cycle - 1) + "; a party on notice stays on notice until it has been " +
           "on notice for " + std::to_string(t) + ".";
  }
  if (c.rule == "persistent.cycles") {
    return "Listed for " + Count(n, "consecutive cycle", "consecutive cycles") + " ending in " +
           std::to_string(cycle) + "; a persistent perpetrator has been listed for at least " +
           std::to_string(t) + ".";
  }
  return "The " + c.evidence + " measure " + c.rule + " is " + ParamValueToString(c.observed) +
         "; its threshold is " + ParamValueToString(c.threshold) + ".";
}

// Why the rules recommend what they do.
std::string RuleSentence(const PartyAssessment& p, const Policy& policy, int cycle) {
  const std::string previous = std::to_string(cycle - 1);
  const bool list_pattern = Pattern(p, "listing");
  const bool list_findings = Met(p, "findings.list_min_sources", "findings");
  const bool notice_pattern = Pattern(p, "notice");
  const bool notice_findings = Met(p, "findings.notice_min_sources", "findings");
  switch (p.rule) {
    case 1: {
      std::string why = list_pattern && list_findings
                            ? "its verified incidents form a pattern and findings establish one"
                        : list_pattern ? "its verified incidents at " +
                                             StandardWords(policy.listing_min_standard) +
                                             " or higher form a pattern"
                                       : "findings from enough sources establish a pattern";
      return "Listed by rule 1: " + why + ", and " +
             (p.in_scope ? std::string("its situation is on the agenda.")
                         : "it was already listed in " + previous + ".");
    }
    case 2:
      if (p.recommended_status == PartyStatus::kListed) {
        return "Listed by rule 2: it was listed in " + previous +
               " and is not yet eligible for delisting, so it stays listed whatever this "
               "cycle's evidence.";
      }
      return Met(p, "delisting.dissolved_clean_cycles", "delisting") &&
                     !(Met(p, "delisting.clean_cycles", "delisting") &&
                       Met(p, "listing.min_cycles", "delisting") &&
                       Met(p, "delisting.requires_commitments", "delisting"))
                 ? "Taken off the list by rule 2: it was listed in " + previous +
                       ", is recorded as dissolved and has had enough clean cycles."
                 : "Taken off the list by rule 2: it was listed in " + previous +
                       " and meets every condition of delisting.";
    case 3:
      return std::string("On notice by rule 3: its situation is on the agenda and ") +
             (notice_pattern ? "its verified or under-verification incidents form a pattern"
                             : "findings indicate a pattern") +
             (notice_pattern && notice_findings ? ", as do the findings" : "") +
             ", but there is no pattern for listing.";
    case 4:
      return "On notice by rule 4: it was on notice in " + previous + " for fewer than " +
             Count(policy.notice_min_cycles, "cycle", "cycles") + ", so it stays on notice.";
    default:
      break;
  }
  std::string why = "No status by rule 5: ";
  if (!list_pattern && !list_findings) {
    why += "there is no pattern for listing";
  } else {
    why += "the pattern for listing does not count outside the agenda";
  }
  if (p.in_scope) {
    why += (!notice_pattern && !notice_findings) ? " and none for notice" : "";
  } else {
    why += ", and its situation is not on the Security Council's agenda";
  }
  return why + ".";
}

std::string CombinationSentence(const PartyAssessment& p, const Policy& policy) {
  std::string out =
      "How the criteria combine: a party is listed when its listing evidence forms a pattern "
      "(at least " +
      Count(policy.pattern_min_incidents, "incident", "incidents") + ", and either " +
      Count(policy.pattern_min_locations, "location", "locations") + " or " +
      Count(policy.pattern_min_span_days, "day", "days") +
      " from the first to the last) or when at least " +
      Count(policy.findings_list_min_sources, "source gives", "sources give") +
      " findings at level " + std::to_string(policy.findings_list_level) +
      " or above; either is enough. It must be in a situation on the agenda, unless it was "
      "listed the cycle before. A listed party stays listed until it has " +
      Count(policy.delisting_clean_cycles, "clean cycle", "clean cycles") +
      " in a row, has been listed for " + Count(policy.listing_min_cycles, "cycle", "cycles") +
      (policy.delisting_requires_commitments ? " and has fulfilled its commitments" : "") +
      (policy.delisting_dissolved_clean_cycles > 0
           ? " (a party recorded as dissolved, which can make no commitment, after " +
                 Count(policy.delisting_dissolved_clean_cycles, "clean cycle", "clean cycles") +
                 " in a row)"
           : "") +
      ". Otherwise a party in a situation on the agenda is put on notice when its notice "
      "evidence forms a pattern or " +
      Count(policy.findings_notice_min_sources, "source gives", "sources give") +
      " findings at level " + std::to_string(policy.findings_notice_level) +
      " or above. A decision recorded for a cycle replaces the result of the rules.";
  const bool list_pattern = Pattern(p, "listing");
  const bool list_findings = Met(p, "findings.list_min_sources", "findings");
  if (p.rule == 1 && list_pattern && !list_findings) {
    out += " Here the pattern of incidents is enough: the findings criterion need not be met.";
  } else if (p.rule == 1 && list_findings && !list_pattern) {
    out += " Here the findings are enough: the incident criteria need not be met.";
  } else if (p.rule == 2 && p.recommended_status == PartyStatus::kListed) {
    out += " Here this cycle's evidence does not decide: only the conditions of delisting do.";
  } else if (p.rule == 3) {
    out += " Here the listing criteria are not met, so notice is the highest status.";
  }
  return out;
}

std::vector<std::string> WouldChange(const PartyAssessment& p, const Policy& policy, int cycle) {
  std::vector<std::string> out;
  const std::string y = std::to_string(cycle);
  if (p.decided) {
    out.push_back("A new decision for " + y + " would replace the one recorded.");
  }
  auto more = [&](std::string_view evidence) {
    return std::max<int64_t>(
        0, policy.pattern_min_incidents - Observed(p, "pattern.min_incidents", evidence));
  };
  switch (p.rule) {
    case 1:
      out.push_back("Only a decision could change it in " + y +
                    "; in later cycles it stays listed until it is eligible for delisting.");
      break;
    case 2:
      if (p.recommended_status == PartyStatus::kListed) {
        for (const Criterion& c : p.criteria) {
          if (c.evidence != "delisting" || c.met) continue;
          if (c.rule == "delisting.clean_cycles") {
            out.push_back(Count(std::max<int64_t>(1, Int(c.threshold) - Int(c.observed)),
                                "more clean cycle", "more clean cycles") +
                          " in a row would make it eligible for delisting, with the other "
                          "conditions.");
          } else if (c.rule == "listing.min_cycles") {
            out.push_back("It must have been listed for " +
                          Count(Int(c.threshold), "cycle", "cycles") +
                          " before it can be delisted.");
          } else if (c.rule == "delisting.requires_commitments") {
            out.push_back(
                "A commitment with every measure verified implemented is needed for delisting.");
          }
        }
      } else {
        out.push_back("Listing evidence or findings in " + y + " would have kept it listed.");
      }
      break;
    case 3:
    case 4:
      out.push_back(Count(std::max<int64_t>(1, more("listing")), "more verified incident",
                          "more verified incidents") +
                    " at " + StandardWords(policy.listing_min_standard) +
                    " or higher (with the location or span condition), or findings from " +
                    Count(policy.findings_list_min_sources, "source", "sources") +
                    ", would list it.");
      break;
    default:
      if (p.in_scope) {
        out.push_back(
            Count(std::max<int64_t>(1, more("notice")), "more incident", "more incidents") +
            " verified or under verification at " + StandardWords(policy.notice_min_standard) +
            " or higher (with the location or span condition) would put it on notice.");
        out.push_back(Count(std::max<int64_t>(1, more("listing")), "more verified incident",
                            "more verified incidents") +
                      " at " + StandardWords(policy.listing_min_standard) +
                      " or higher (with the location or span condition) would list it.");
      } else {
        out.push_back(
            "Its situation would have to be on the Security Council's agenda before a pattern "
            "could list it or put it on notice.");
      }
      break;
  }
  return out;
}

}  // namespace

const Criterion* FindCriterion(const PartyAssessment& party, std::string_view rule,
                               std::string_view evidence) {
  for (const Criterion& c : party.criteria) {
    if (c.rule == rule && c.evidence == evidence) return &c;
  }
  return nullptr;
}

bool CriterionMet(const PartyAssessment& party, std::string_view rule, std::string_view evidence) {
  const Criterion* c = FindCriterion(party, rule, evidence);
  return c != nullptr && c->met;
}

bool PatternMet(const PartyAssessment& party, std::string_view evidence) {
  return CriterionMet(party, "pattern.min_incidents", evidence) &&
         (CriterionMet(party, "pattern.min_locations", evidence) ||
          CriterionMet(party, "pattern.min_span_days", evidence));
}

Explanation Explain(const PartyAssessment& party, const Policy& policy, int cycle) {
  Explanation out;
  const std::string rules = RuleSentence(party, policy, cycle);
  if (party.decided) {
    out.summary = "Status " + StatusWords(party.status) + ": a decision recorded for " +
                  std::to_string(cycle) + " sets it" +
                  (party.override ? ", where the rules recommend " +
                                        StatusWords(party.recommended_status) + ". "
                                  : ", as the rules recommend. ") +
                  "The rules alone: " + rules;
  } else {
    out.summary = rules;
  }
  out.combination = CombinationSentence(party, policy);
  for (const Criterion& c : party.criteria) {
    out.criteria.push_back({c.rule, c.evidence, c.met, CriterionSentence(c, policy, cycle)});
  }
  out.would_change = WouldChange(party, policy, cycle);
  return out;
}

}  // namespace mara

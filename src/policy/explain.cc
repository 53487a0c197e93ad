#include "policy/explain.h"

#include <algorithm>
#include <string_view>
#include <variant>

#include "domain/enums.h"

namespace mara {
namespace {

using i18n::Language;
using i18n::MessageArg;

// The sentences of one explanation in one language: every text comes from
// the "explain.*" messages of src/policy/locales, the words of statuses and
// standards from the report's catalogue (the same words as the annex).
class Sentences {
 public:
  explicit Sentences(Language lang) : lang_(lang) {}

  std::string M(std::string_view key, std::initializer_list<MessageArg> args = {}) const {
    return i18n::Message(lang_, key, args);
  }
  // A count or threshold in the language's digits and grouping.
  std::string Num(int64_t n) const { return i18n::FormatCount(lang_, n); }
  // A year: a name, not a quantity, so without grouping.
  std::string Year(int y) const { return i18n::FormatCount(lang_, y, /*grouping=*/false); }
  std::string StandardWord(Standard s) const { return M("standard." + std::string(ToString(s))); }
  std::string StatusWord(PartyStatus s) const {
    return M("party_status." + std::string(ToString(s)));
  }
  Language lang() const { return lang_; }

 private:
  Language lang_;
};

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

// "listing" for the listing evidence, "notice" for any other (the engine
// measures patterns on these two only).
const char* EvidenceSelector(std::string_view evidence) {
  return evidence == "listing" ? "listing" : "notice";
}

std::string CriterionSentence(const Sentences& t, const Criterion& c, const Policy& policy,
                              int cycle) {
  const int64_t n = Int(c.observed);

  const std::string year = t.Year(cycle);
  const std::string previous = t.Year(cycle - 1);
  const bool listing = c.evidence == "listing";
  if (c.rule == "pattern.min_incidents") {
    return t.M("explain.criterion.incidents",
               {{"evidence", EvidenceSelector(c.evidence)},
                {"count", n},
                {"cycle", year},
                {"standard", t.StandardWord(listing ? policy.listing_min_standard
                                                    : policy.notice_min_standard)},
                {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "pattern.min_locations") {
    return t.M("explain.criterion.locations", {{"evidence", EvidenceSelector(c.evidence)},
                                               {"count", n},
                                               {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "pattern.min_span_days") {
    return t.M("explain.criterion.span_days", {{"evidence", EvidenceSelector(c.evidence)},
                                               {"count", n},
                                               {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "findings.list_min_sources") {
    return t.M("explain.criterion.findings_list", {{"count", n},
                                                   {"level", policy.findings_list_level},
                                                   {"cycle", year},
                                                   {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "findings.notice_min_sources") {
    return t.M("explain.criterion.findings_notice", {{"count", n},
                                                     {"level", policy.findings_notice_level},
                                                     {"cycle", year},
                                                     {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "situation.on_council_agenda") {
    return t.M("explain.criterion.agenda", {{"on_agenda", Bool(c.observed) ? "yes" : "no"}});
  }
  if (c.rule == "delisting.clean_cycles") {
    return t.M("explain.criterion.clean_cycles",
               {{"count", n}, {"cycle", year}, {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "listing.min_cycles") {
    return t.M("explain.criterion.listed_cycles",
               {{"count", n}, {"previous_cycle", previous}, {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "delisting.requires_commitments") {
    const char* state = !Bool(c.threshold) ? "not_required" : Bool(c.observed) ? "met" : "unmet";
    return t.M("explain.criterion.commitments", {{"state", state}, {"cycle", year}});
  }
  if (c.rule == "delisting.dissolved_clean_cycles") {
    if (Int(c.threshold) == 0) return t.M("explain.criterion.dissolved_not_delisted");
    return t.M("explain.criterion.dissolved_clean_cycles",
               {{"count", n}, {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "notice.min_cycles") {
    return t.M("explain.criterion.notice_cycles",
               {{"count", n}, {"previous_cycle", previous}, {"threshold", Int(c.threshold)}});
  }
  if (c.rule == "persistent.cycles") {
    return t.M("explain.criterion.persistent",
               {{"count", n}, {"cycle", year}, {"threshold", Int(c.threshold)}});
  }
  // A measure with no sentence of its own: its key and values are data.
  auto value = [&](const ParamValue& v) {
    return std::holds_alternative<int64_t>(v) ? t.Num(std::get<int64_t>(v)) : ParamValueToString(v);
  };
  return t.M("explain.criterion.generic", {{"evidence", c.evidence},
                                           {"rule", c.rule},
                                           {"observed", value(c.observed)},
                                           {"threshold", value(c.threshold)}});
}

// Why the rules recommend what they do.
std::string RuleSentence(const Sentences& t, const PartyAssessment& p, const Policy& policy,
                         int cycle) {
  const std::string previous = t.Year(cycle - 1);
  const bool list_pattern = Pattern(p, "listing");
  const bool list_findings = Met(p, "findings.list_min_sources", "findings");
  const bool notice_pattern = Pattern(p, "notice");
  const bool notice_findings = Met(p, "findings.notice_min_sources", "findings");
  switch (p.rule) {
    case 1:
      return t.M("explain.rule1", {{"why", list_pattern && list_findings ? "both"
                                           : list_pattern                ? "pattern"
                                                                         : "findings"},
                                   {"standard", t.StandardWord(policy.listing_min_standard)},
                                   {"in_scope", p.in_scope ? "yes" : "no"},
                                   {"previous_cycle", previous}});
    case 2:
      if (p.recommended_status == PartyStatus::kListed) {
        return t.M("explain.rule2.listed", {{"previous_cycle", previous}});
      }
      return t.M(Met(p, "delisting.dissolved_clean_cycles", "delisting") &&
                         !(Met(p, "delisting.clean_cycles", "delisting") &&
                           Met(p, "listing.min_cycles", "delisting") &&
                           Met(p, "delisting.requires_commitments", "delisting"))
                     ? "explain.rule2.delisted_dissolved"
                     : "explain.rule2.delisted",
                 {{"previous_cycle", previous}});
    case 3:
      return t.M("explain.rule3", {{"why", notice_pattern && notice_findings ? "both"
                                           : notice_pattern                  ? "pattern"
                                                                             : "findings"}});
    case 4:
      return t.M("explain.rule4",
                 {{"previous_cycle", previous}, {"cycles", policy.notice_min_cycles}});
    default:
      break;
  }
  const char* scope = !p.in_scope                             ? "outside"
                      : (!notice_pattern && !notice_findings) ? "none_for_notice"
                                                              : "notice";
  return t.M("explain.rule5",
             {{"listing", !list_pattern && !list_findings ? "no" : "yes"}, {"scope", scope}});
}

std::string CombinationSentence(const Sentences& t, const PartyAssessment& p,
                                const Policy& policy) {
  std::string out = t.M("explain.combination",
                        {{"incidents", policy.pattern_min_incidents},
                         {"locations", policy.pattern_min_locations},
                         {"days", policy.pattern_min_span_days},
                         {"list_sources", policy.findings_list_min_sources},
                         {"list_level", policy.findings_list_level},
                         {"clean_cycles", policy.delisting_clean_cycles},
                         {"listed_cycles", policy.listing_min_cycles},
                         {"commitments", policy.delisting_requires_commitments ? "yes" : "no"},
                         {"dissolved_cycles", std::max(0, policy.delisting_dissolved_clean_cycles)},
                         {"notice_sources", policy.findings_notice_min_sources},
                         {"notice_level", policy.findings_notice_level}});
  const bool list_pattern = Pattern(p, "listing");
  const bool list_findings = Met(p, "findings.list_min_sources", "findings");
  if (p.rule == 1 && list_pattern && !list_findings) {
    out += t.M("explain.here.pattern");
  } else if (p.rule == 1 && list_findings && !list_pattern) {
    out += t.M("explain.here.findings");
  } else if (p.rule == 2 && p.recommended_status == PartyStatus::kListed) {
    out += t.M("explain.here.delisting");
  } else if (p.rule == 3) {
    out += t.M("explain.here.notice");
  }
  return out;
}

std::vector<std::string> WouldChange(const Sentences& t, const PartyAssessment& p,
                                     const Policy& policy, int cycle) {
  std::vector<std::string> out;
  const std::string y = t.Year(cycle);
  if (p.decided) out.push_back(t.M("explain.change.decision", {{"cycle", y}}));
  auto more = [&](std::string_view evidence) {
    return std::max<int64_t>(
        1, policy.pattern_min_incidents - Observed(p, "pattern.min_incidents", evidence));
  };
  switch (p.rule) {
    case 1:
      out.push_back(t.M("explain.change.only_decision", {{"cycle", y}}));
      break;
    case 2:
      if (p.recommended_status == PartyStatus::kListed) {
        for (const Criterion& c : p.criteria) {
          if (c.evidence != "delisting" || c.met) continue;
          if (c.rule == "delisting.clean_cycles") {
            out.push_back(
                t.M("explain.change.clean_cycles",
                    {{"count", std::max<int64_t>(1, Int(c.threshold) - Int(c.observed))}}));
          } else if (c.rule == "listing.min_cycles") {
            out.push_back(t.M("explain.change.listed_cycles", {{"count", Int(c.threshold)}}));
          } else if (c.rule == "delisting.requires_commitments") {
            out.push_back(t.M("explain.change.commitment"));
          }
        }
      } else {
        out.push_back(t.M("explain.change.kept_listed", {{"cycle", y}}));
      }
      break;
    case 3:
    case 4:
      out.push_back(
          t.M("explain.change.list", {{"count", more("listing")},
                                      {"standard", t.StandardWord(policy.listing_min_standard)},
                                      {"sources", policy.findings_list_min_sources}}));
      break;
    default:
      if (p.in_scope) {
        out.push_back(t.M(
            "explain.change.notice",
            {{"count", more("notice")}, {"standard", t.StandardWord(policy.notice_min_standard)}}));
        out.push_back(t.M("explain.change.list_by_incidents",
                          {{"count", more("listing")},
                           {"standard", t.StandardWord(policy.listing_min_standard)}}));
      } else {
        out.push_back(t.M("explain.change.agenda"));
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

Explanation Explain(const PartyAssessment& party, const Policy& policy, int cycle,
                    i18n::Language lang) {
  const Sentences t(lang);
  Explanation out;
  const std::string rules = RuleSentence(t, party, policy, cycle);
  if (party.decided) {
    out.summary = t.M("explain.decision", {{"status", t.StatusWord(party.status)},
                                           {"cycle", t.Year(cycle)},
                                           {"override", party.override ? "yes" : "no"},
                                           {"recommended", t.StatusWord(party.recommended_status)},
                                           {"rules", rules}});
  } else {
    out.summary = rules;
  }
  out.combination = CombinationSentence(t, party, policy);
  for (const Criterion& c : party.criteria) {
    out.criteria.push_back({c.rule, c.evidence, c.met, CriterionSentence(t, c, policy, cycle)});
  }
  out.would_change = WouldChange(t, party, policy, cycle);
  return out;
}

}  // namespace mara

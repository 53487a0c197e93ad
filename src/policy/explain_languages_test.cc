// The explanations in the six languages (policy/explain.h, i18n/messages.h):
// for fixture assessments covering every criterion rule, every rule of the
// engine (1 to 5), decisions that agree with the rules and that override
// them, and delistings, every language renders every sentence from its
// catalogue with no missing message, Arabic in Arabic letters, Chinese in
// Han characters, numbers in the language's formatting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "policy/explain.h"

namespace mara {
namespace {

Criterion Crit(std::string rule, std::string evidence, ParamValue threshold, ParamValue observed,
               bool met) {
  return {std::move(rule), std::move(evidence), std::move(threshold), std::move(observed), met};
}

// Criteria of every rule the engine reads, with the given observations.
struct Observed {
  int64_t listing_incidents = 0, listing_locations = 0, listing_days = 0;
  int64_t notice_incidents = 0, notice_locations = 0, notice_days = 0;
  int64_t list_sources = 0, notice_sources = 0;
  bool agenda = true;
  int64_t listed_cycles = 0;
};

std::vector<Criterion> CriteriaOf(const Observed& o, const Policy& p) {
  auto pattern = [&](std::string_view evidence, int64_t n, int64_t locations, int64_t days) {
    return std::vector<Criterion>{
        Crit("pattern.min_incidents", std::string(evidence), int64_t{p.pattern_min_incidents}, n,
             n >= p.pattern_min_incidents),
        Crit("pattern.min_locations", std::string(evidence), int64_t{p.pattern_min_locations},
             locations, locations >= p.pattern_min_locations),
        Crit("pattern.min_span_days", std::string(evidence), int64_t{p.pattern_min_span_days}, days,
             days >= p.pattern_min_span_days)};
  };
  std::vector<Criterion> out =
      pattern("listing", o.listing_incidents, o.listing_locations, o.listing_days);
  for (Criterion& c : pattern("notice", o.notice_incidents, o.notice_locations, o.notice_days)) {
    out.push_back(std::move(c));
  }
  out.push_back(Crit("findings.list_min_sources", "findings", int64_t{p.findings_list_min_sources},
                     o.list_sources, o.list_sources >= p.findings_list_min_sources));
  out.push_back(Crit("findings.notice_min_sources", "findings",
                     int64_t{p.findings_notice_min_sources}, o.notice_sources,
                     o.notice_sources >= p.findings_notice_min_sources));
  out.push_back(Crit("situation.on_council_agenda", "scope", true, o.agenda, o.agenda));
  out.push_back(Crit("persistent.cycles", "persistent", int64_t{p.persistent_cycles},
                     o.listed_cycles, o.listed_cycles >= p.persistent_cycles));
  return out;
}

struct Fixture {
  std::string name;
  PartyAssessment party;
  Policy policy;
};

PartyAssessment AssessedParty(int rule, PartyStatus status, bool in_scope,
                              std::vector<Criterion> c) {
  PartyAssessment p;
  p.id = "P-1";
  p.name = "Party One";
  p.situation = "SIT-A";
  p.rule = rule;
  p.status = status;
  p.recommended_status = status;
  p.in_scope = in_scope;
  p.criteria = std::move(c);
  return p;
}

std::vector<Fixture> Fixtures() {
  std::vector<Fixture> out;
  const Policy def;
  const Observed pattern{.listing_incidents = 3,
                         .listing_locations = 3,
                         .listing_days = 12,
                         .notice_incidents = 3,
                         .notice_locations = 3,
                         .notice_days = 12};
  out.push_back({"listed_by_pattern",
                 AssessedParty(1, PartyStatus::kListed, true, CriteriaOf(pattern, def)), def});
  Observed findings{.listing_incidents = 1,
                    .listing_locations = 1,
                    .notice_incidents = 1,
                    .notice_locations = 1,
                    .list_sources = 2,
                    .notice_sources = 2};
  out.push_back({"listed_by_findings",
                 AssessedParty(1, PartyStatus::kListed, true, CriteriaOf(findings, def)), def});
  Observed both = pattern;
  both.list_sources = 4;
  both.notice_sources = 4;
  both.listing_days = 45;
  both.listed_cycles = 6;
  out.push_back(
      {"listed_by_both", AssessedParty(1, PartyStatus::kListed, true, CriteriaOf(both, def)), def});
  Observed outside = pattern;
  outside.agenda = false;
  out.push_back({"listed_outside_the_agenda",
                 AssessedParty(1, PartyStatus::kListed, false, CriteriaOf(outside, def)), def});

  // Rule 2: stays listed, with every condition of delisting unmet.
  {
    std::vector<Criterion> c = CriteriaOf(Observed{}, def);
    c.push_back(Crit("delisting.clean_cycles", "delisting", int64_t{2}, int64_t{0}, false));
    c.push_back(Crit("listing.min_cycles", "delisting", int64_t{3}, int64_t{1}, false));
    c.push_back(Crit("delisting.requires_commitments", "delisting", true, false, false));
    c.push_back(
        Crit("delisting.dissolved_clean_cycles", "delisting", int64_t{2}, int64_t{0}, false));
    Policy p = def;
    p.delisting_clean_cycles = 2;
    p.listing_min_cycles = 3;
    out.push_back({"stays_listed", AssessedParty(2, PartyStatus::kListed, true, c), p});
    // The same with one cycle missing: singular counts.
    std::vector<Criterion> one = CriteriaOf(Observed{}, def);
    one.push_back(Crit("delisting.clean_cycles", "delisting", int64_t{2}, int64_t{1}, false));
    one.push_back(Crit("listing.min_cycles", "delisting", int64_t{1}, int64_t{1}, true));
    one.push_back(Crit("delisting.requires_commitments", "delisting", true, true, true));
    one.push_back(
        Crit("delisting.dissolved_clean_cycles", "delisting", int64_t{1}, int64_t{1}, true));
    out.push_back(
        {"stays_listed_one_cycle_short", AssessedParty(2, PartyStatus::kListed, true, one), p});
  }
  // Rule 2: delisted on every condition, and as a dissolved party.
  {
    std::vector<Criterion> c = CriteriaOf(Observed{}, def);
    c.push_back(Crit("delisting.clean_cycles", "delisting", int64_t{1}, int64_t{1}, true));
    c.push_back(Crit("listing.min_cycles", "delisting", int64_t{1}, int64_t{4}, true));
    c.push_back(Crit("delisting.requires_commitments", "delisting", true, true, true));
    c.push_back(
        Crit("delisting.dissolved_clean_cycles", "delisting", int64_t{2}, int64_t{1}, false));
    PartyAssessment p = AssessedParty(2, PartyStatus::kNone, true, c);
    p.previous_status = PartyStatus::kListed;
    p.delisted = true;
    out.push_back({"delisted", p, def});
    std::vector<Criterion> d = CriteriaOf(Observed{}, def);
    d.push_back(Crit("delisting.clean_cycles", "delisting", int64_t{1}, int64_t{2}, true));
    d.push_back(Crit("listing.min_cycles", "delisting", int64_t{1}, int64_t{4}, true));
    d.push_back(Crit("delisting.requires_commitments", "delisting", true, false, false));
    d.push_back(
        Crit("delisting.dissolved_clean_cycles", "delisting", int64_t{2}, int64_t{2}, true));
    PartyAssessment q = AssessedParty(2, PartyStatus::kNone, true, d);
    q.previous_status = PartyStatus::kListed;
    q.delisted = true;
    out.push_back({"delisted_dissolved", q, def});
    // A policy that requires no commitment and never delists dissolved
    // parties on clean cycles alone.
    Policy lenient = def;
    lenient.delisting_requires_commitments = false;
    lenient.delisting_dissolved_clean_cycles = 0;
    std::vector<Criterion> e = CriteriaOf(Observed{}, lenient);
    e.push_back(Crit("delisting.clean_cycles", "delisting", int64_t{1}, int64_t{1}, true));
    e.push_back(Crit("listing.min_cycles", "delisting", int64_t{1}, int64_t{1}, true));
    e.push_back(Crit("delisting.requires_commitments", "delisting", false, false, true));
    e.push_back(
        Crit("delisting.dissolved_clean_cycles", "delisting", int64_t{0}, int64_t{1}, true));
    PartyAssessment r = AssessedParty(2, PartyStatus::kNone, true, e);
    r.previous_status = PartyStatus::kListed;
    out.push_back({"delisted_lenient_policy", r, lenient});
  }
  // Rules 3 and 4: on notice.
  {
    const Observed notice{.listing_incidents = 1,
                          .listing_locations = 1,
                          .notice_incidents = 4,
                          .notice_locations = 2,
                          .notice_days = 40};
    out.push_back({"notice_by_pattern",
                   AssessedParty(3, PartyStatus::kOnNotice, true, CriteriaOf(notice, def)), def});
    const Observed by_findings{.notice_sources = 1};
    out.push_back({"notice_by_findings",
                   AssessedParty(3, PartyStatus::kOnNotice, true, CriteriaOf(by_findings, def)),
                   def});
    Observed both_notice = notice;
    both_notice.notice_sources = 1;
    out.push_back({"notice_by_both",
                   AssessedParty(3, PartyStatus::kOnNotice, true, CriteriaOf(both_notice, def)),
                   def});
    Policy two = def;
    two.notice_min_cycles = 2;
    std::vector<Criterion> c = CriteriaOf(Observed{}, two);
    c.push_back(Crit("notice.min_cycles", "notice", int64_t{2}, int64_t{1}, false));
    PartyAssessment p = AssessedParty(4, PartyStatus::kOnNotice, true, c);
    p.previous_status = PartyStatus::kOnNotice;
    out.push_back({"stays_on_notice", p, two});
    std::vector<Criterion> one = CriteriaOf(Observed{}, def);
    one.push_back(Crit("notice.min_cycles", "notice", int64_t{1}, int64_t{0}, false));
    out.push_back(
        {"stays_on_notice_one_cycle", AssessedParty(4, PartyStatus::kOnNotice, true, one), def});
  }
  // Rule 5: no status.
  {
    const Observed some{.listing_incidents = 1,
                        .listing_locations = 1,
                        .notice_incidents = 2,
                        .notice_locations = 1};
    out.push_back(
        {"none_in_scope", AssessedParty(5, PartyStatus::kNone, true, CriteriaOf(some, def)), def});
    Observed none_out{.agenda = false};
    out.push_back({"none_outside_the_agenda",
                   AssessedParty(5, PartyStatus::kNone, false, CriteriaOf(none_out, def)), def});
    Observed pattern_out = pattern;
    pattern_out.agenda = false;
    out.push_back({"pattern_outside_the_agenda",
                   AssessedParty(5, PartyStatus::kNone, false, CriteriaOf(pattern_out, def)), def});
    const Observed only_notice_findings{.notice_sources = 1};
    out.push_back(
        {"none_with_notice_findings_in_scope",
         AssessedParty(5, PartyStatus::kNone, true, CriteriaOf(only_notice_findings, def)), def});
    // Large numbers, formatted in each language.
    const Observed large{.listing_incidents = 2,
                         .listing_locations = 1,
                         .listing_days = 1234567,
                         .notice_incidents = 2,
                         .notice_locations = 1,
                         .notice_days = 1234567};
    Policy big = def;
    big.pattern_min_span_days = 1000000;
    out.push_back(
        {"large_numbers", AssessedParty(5, PartyStatus::kNone, true, CriteriaOf(large, big)), big});
  }
  // Decisions: agreeing with the rules and overriding them.
  {
    PartyAssessment agree = AssessedParty(1, PartyStatus::kListed, true, CriteriaOf(pattern, def));
    agree.decided = true;
    out.push_back({"decision_agrees", agree, def});
    PartyAssessment over = AssessedParty(1, PartyStatus::kOnNotice, true, CriteriaOf(pattern, def));
    over.recommended_status = PartyStatus::kListed;
    over.decided = true;
    over.override = true;
    out.push_back({"decision_overrides", over, def});
    PartyAssessment up = AssessedParty(5, PartyStatus::kListed, true, CriteriaOf(Observed{}, def));
    up.recommended_status = PartyStatus::kNone;
    up.decided = true;
    up.override = true;
    out.push_back({"decision_lists", up, def});
    PartyAssessment none =
        AssessedParty(3, PartyStatus::kNone, true, CriteriaOf(Observed{.notice_sources = 1}, def));
    none.recommended_status = PartyStatus::kOnNotice;
    none.decided = true;
    none.override = true;
    out.push_back({"decision_removes_notice", none, def});
  }
  // A criterion with no sentence of its own.
  {
    std::vector<Criterion> c = CriteriaOf(pattern, def);
    c.push_back(Crit("custom.measure", "listing", int64_t{4}, int64_t{2}, false));
    out.push_back({"generic_criterion", AssessedParty(1, PartyStatus::kListed, true, c), def});
  }
  return out;
}

std::string Dump(const Explanation& e) {
  std::string out = "summary: " + e.summary + "\ncombination: " + e.combination + "\n";
  for (const ExplainedCriterion& c : e.criteria) {
    out += "criterion " + c.rule + " " + c.evidence + (c.met ? " met: " : " not met: ") +
           c.sentence + "\n";
  }
  for (const std::string& w : e.would_change) out += "would change: " + w + "\n";
  return out;
}

// Every text of an explanation, in order.
std::vector<std::string> Sentences(const Explanation& e) {
  std::vector<std::string> out = {e.summary, e.combination};
  for (const ExplainedCriterion& c : e.criteria) out.push_back(c.sentence);
  for (const std::string& w : e.would_change) out.push_back(w);
  return out;
}

// Whether `text` (UTF-8) has a code point in [lo, hi].
bool HasCodePointIn(std::string_view text, char32_t lo, char32_t hi) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      len = 2;
    }
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (cp >= lo && cp <= hi) return true;
    i += len;
  }
  return false;
}

bool HasArabicLetters(std::string_view text) { return HasCodePointIn(text, 0x0620, 0x064A); }
bool HasHan(std::string_view text) { return HasCodePointIn(text, 0x4E00, 0x9FFF); }

const Fixture& FixtureNamed(const std::vector<Fixture>& all, std::string_view name) {
  for (const Fixture& f : all) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no fixture " << name;
  return all.front();
}

TEST(ExplainLanguagesTest, EveryFixtureReadsInEveryLanguage) {
  const std::vector<Fixture> fixtures = Fixtures();
  for (const Fixture& f : fixtures) {
    const Explanation english = Explain(f.party, f.policy, 2025);
    EXPECT_EQ(Dump(Explain(f.party, f.policy, 2025, i18n::Language::kEn)), Dump(english));
    for (i18n::Language lang : i18n::kAllLanguages) {
      const std::string where = f.name + " in " + std::string(i18n::LanguageCode(lang));
      const Explanation e = Explain(f.party, f.policy, 2025, lang);
      ASSERT_EQ(e.criteria.size(), f.party.criteria.size()) << where;
      ASSERT_EQ(e.would_change.size(), english.would_change.size()) << where;
      for (size_t i = 0; i < e.criteria.size(); ++i) {
        EXPECT_EQ(e.criteria[i].rule, f.party.criteria[i].rule) << where;
        EXPECT_EQ(e.criteria[i].met, f.party.criteria[i].met) << where;
      }
      for (const std::string& s : Sentences(e)) {
        EXPECT_FALSE(s.empty()) << where;
        EXPECT_EQ(s.find("[["), std::string::npos) << where << ": " << s;
        EXPECT_EQ(s.find('{'), std::string::npos) << where << ": " << s;
        if (lang == i18n::Language::kAr) {
          EXPECT_TRUE(HasArabicLetters(s)) << where << ": " << s;
        }
        if (lang == i18n::Language::kZh) {
          EXPECT_TRUE(HasHan(s)) << where << ": " << s;
        }
      }
      if (lang != i18n::Language::kEn) {
        EXPECT_NE(e.summary, english.summary) << where;
        EXPECT_NE(e.combination, english.combination) << where;
      }
    }
  }
  EXPECT_THAT(i18n::MissingLookups(), ::testing::IsEmpty());
}

TEST(ExplainLanguagesTest, NumbersYearsAndPluralsFollowTheLanguage) {
  const std::vector<Fixture> fixtures = Fixtures();
  const Fixture& large = FixtureNamed(fixtures, "large_numbers");
  for (i18n::Language lang : i18n::kAllLanguages) {
    const std::string code(i18n::LanguageCode(lang));
    const Explanation e = Explain(large.party, large.policy, 2025, lang);
    // pattern.min_span_days of the listing evidence: 1234567 days of 1000000.
    ASSERT_GE(e.criteria.size(), 3u);
    EXPECT_THAT(e.criteria[2].sentence, ::testing::HasSubstr(i18n::FormatCount(lang, 1234567)))
        << code;
    EXPECT_THAT(e.criteria[2].sentence, ::testing::HasSubstr(i18n::FormatCount(lang, 1000000)))
        << code;
    EXPECT_THAT(e.combination, ::testing::HasSubstr(i18n::FormatCount(lang, 1000000))) << code;
    // Years are names: never grouped.
    EXPECT_THAT(e.criteria[0].sentence, ::testing::HasSubstr("2025")) << code;
  }
  EXPECT_NE(i18n::FormatCount(i18n::Language::kFr, 1234567), "1234567");

  const Fixture& pattern = FixtureNamed(fixtures, "listed_by_pattern");
  const Fixture& none = FixtureNamed(fixtures, "none_in_scope");
  // Russian: 3 is "few"; 0 is "many".
  const Explanation ru = Explain(pattern.party, pattern.policy, 2025, i18n::Language::kRu);
  EXPECT_THAT(ru.criteria[0].sentence, ::testing::HasSubstr("3 учтенных в 2025 году инцидента"));
  EXPECT_THAT(ru.criteria[6].sentence, ::testing::HasSubstr("0 источниках"));
  // Arabic: 2 is "two", 3 is "few", 1 is "one".
  const Explanation ar = Explain(none.party, none.policy, 2025, i18n::Language::kAr);
  EXPECT_THAT(ar.criteria[3].sentence, ::testing::HasSubstr("حادثتان محتسبتان"));
  const Explanation ar3 = Explain(pattern.party, pattern.policy, 2025, i18n::Language::kAr);
  EXPECT_THAT(ar3.criteria[0].sentence, ::testing::HasSubstr("3 حوادث محتسبة"));
  EXPECT_THAT(ar.criteria[0].sentence, ::testing::HasSubstr("حادثة محتسبة واحدة"));
  // Chinese has one form.
  const Explanation zh = Explain(pattern.party, pattern.policy, 2025, i18n::Language::kZh);
  EXPECT_THAT(zh.criteria[0].sentence, ::testing::HasSubstr("3 起事件"));
  // French: 0 and 1 are singular.
  const Explanation fr = Explain(pattern.party, pattern.policy, 2025, i18n::Language::kFr);
  EXPECT_THAT(fr.criteria[6].sentence, ::testing::HasSubstr("0 source fait"));
  EXPECT_THAT(fr.criteria[0].sentence, ::testing::HasSubstr("3 incidents pris en compte en 2025"));
}

// The words of statuses and standards are the report's (its annex and
// statements of case), in every language.
TEST(ExplainLanguagesTest, StatusesAndStandardsReadAsInTheReport) {
  const std::vector<Fixture> fixtures = Fixtures();
  const Fixture& over = FixtureNamed(fixtures, "decision_overrides");
  for (i18n::Language lang : i18n::kAllLanguages) {
    const Explanation e = Explain(over.party, over.policy, 2025, lang);
    EXPECT_THAT(e.summary, ::testing::HasSubstr(i18n::Message(lang, "party_status.on_notice")));
    EXPECT_THAT(e.summary, ::testing::HasSubstr(i18n::Message(lang, "party_status.listed")));
    EXPECT_THAT(e.criteria[0].sentence,
                ::testing::HasSubstr(i18n::Message(lang, "standard.reasonable_grounds")));
    EXPECT_THAT(e.criteria[3].sentence,
                ::testing::HasSubstr(i18n::Message(lang, "standard.credible_information")));
  }
}

// English is the reference text: every fixture's explanation, as Mara has
// always written it, is in testdata/explanations_en.txt (with
// MARA_UPDATE_GOLDEN=1 the test writes the file instead).
TEST(ExplainLanguagesTest, EnglishIsTheReferenceText) {
  std::string text;
  for (const Fixture& f : Fixtures()) {
    text += "== " + f.name + "\n" + Dump(Explain(f.party, f.policy, 2025)) + "\n";
  }
  const std::string path =
      std::string(MARA_SOURCE_DIR) + "/src/policy/testdata/explanations_en.txt";
  if (std::getenv("MARA_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << text;
    return;
  }
  std::ifstream in(path);
  const std::string golden(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(text, golden);
}

}  // namespace
}  // namespace mara

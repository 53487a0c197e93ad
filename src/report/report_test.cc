// The report layer: numbers against an independent count of the demo data,
// statements of case against service/case.h, the edition rules, golden
// files for every format but pdf, the leak test and the PDF page check.
//
// Golden files live in src/report/testdata/. To regenerate them after an
// intended change, run the tests with MARA_UPDATE_GOLDEN=1 and review the
// diff:  MARA_UPDATE_GOLDEN=1 build-*/mara_report_tests --gtest_filter='Golden*'
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/temp_dir.h"
#include "i18n/messages.h"
#include "report/builder.h"
#include "report/edition.h"
#include "report/render.h"
#include "report/report_test_support.h"
#include "service/assess.h"
#include "service/authorized.h"
#include "service/case.h"
#include "service/core.h"
#include "service/import.h"

namespace mara::report {
namespace {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

const std::string kSource = MARA_SOURCE_DIR;
const std::string kDemo = kSource + "/examples/demo.json";

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

class StoreFixture : public testing::ReportSessionTest {
 protected:
  void SetUp() override {
    OpenSession("mara-report-test");
    if (HasFatalFailure()) return;
    store_ = &session_->store();
  }
  void ImportDemo() {
    Result<ImportReport> r = ImportFile(*session_, kDemo, ImportOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  Store* store_ = nullptr;
};

// ------------------------------------------------------------------ edition

TEST(EditionTest, SmallCellsAreMaskedAndTotalsThatRevealThemWithheld) {
  Victims v{10, 2, 5, 4, 6};
  VictimCells c = PublishVictims(v, Edition::kPublic, 3);
  EXPECT_EQ(c.girls.text, "<3");
  EXPECT_FALSE(c.girls.value);
  EXPECT_EQ(c.women.text, "10");
  EXPECT_EQ(c.total.text, "withheld");  // 27 - 25 would give girls = 2
  EXPECT_FALSE(c.total.value);
  EXPECT_EQ(c.women_and_girls.text, "withheld");
  EXPECT_EQ(c.children.text, "withheld");

  VictimCells conf = PublishVictims(v, Edition::kConfidential, 3);
  EXPECT_EQ(conf.girls.text, "2");
  EXPECT_EQ(conf.total.text, "27");
  EXPECT_EQ(conf.women_and_girls.text, "44.4%");
}

TEST(EditionTest, TotalShownWhenSuppressedPartsAreSpreadAndLargeEnough) {
  // Two suppressed parts summing to 3: neither can be worked out.
  VictimCells c = PublishVictims(Victims{10, 8, 1, 2, 5}, Edition::kPublic, 3);
  EXPECT_EQ(c.total.text, "26");
  EXPECT_EQ(c.women_and_girls.text, "69.2%");
  EXPECT_EQ(c.children.text, "withheld");  // boys are suppressed
  // One suppressed part: the total would give it back.
  EXPECT_EQ(PublishVictims(Victims{10, 8, 4, 2, 5}, Edition::kPublic, 3).total.text, "withheld");
  // All parts published.
  EXPECT_EQ(PublishVictims(Victims{10, 8, 4, 3, 5}, Edition::kPublic, 3).total.text, "30");
}

TEST(EditionTest, ConsentAndSources) {
  EXPECT_FALSE(IncludesConsent(Edition::kConfidential, Consent::kWithdrawn));
  EXPECT_FALSE(IncludesConsent(Edition::kPublic, Consent::kWithdrawn));
  EXPECT_FALSE(IncludesConsent(Edition::kPublic, Consent::kInternalUse));
  EXPECT_TRUE(IncludesConsent(Edition::kConfidential, Consent::kInternalUse));
  EXPECT_TRUE(IncludesConsent(Edition::kPublic, Consent::kAggregateReporting));
  Source s;
  s.confidential = true;
  EXPECT_FALSE(ShowsSource(Edition::kPublic, s));
  EXPECT_TRUE(ShowsSource(Edition::kConfidential, s));
  EXPECT_FALSE(ParseEdition("secret").ok());
  EXPECT_FALSE(ParseFormat("docx").ok());
}

// ------------------------------------------------------------------ builder

using BuilderTest = StoreFixture;

// The headline figures, recounted here straight from the bundle file.
TEST_F(BuilderTest, SummaryMatchesAnIndependentCountOfTheDemo) {
  ImportDemo();
  nlohmann::json demo = nlohmann::json::parse(ReadAll(kDemo));
  for (Edition edition : {Edition::kPublic, Edition::kConfidential}) {
    std::map<int, int64_t> verified;
    int64_t women = 0, unverified = 0;
    std::set<std::string> situations;
    for (const auto& i : demo["incidents"]) {
      std::string consent = i.value("consent", "aggregate_reporting");
      if (consent == "withdrawn") continue;
      if (edition == Edition::kPublic && consent == "internal_use") continue;
      int cycle = std::stoi(i["date"].get<std::string>().substr(0, 4));
      if (i["status"] == "verified") {
        ++verified[cycle];
        if (cycle == 2025) {
          women += i["victims"].value("women", 0);
          situations.insert(i["situation"]);
        }
      } else if (cycle == 2025) {
        ++unverified;
      }
    }
    Report r = Build(2025, edition);
    EXPECT_EQ(r.verified, verified[2025]);
    ASSERT_TRUE(r.previous_verified);
    EXPECT_EQ(*r.previous_verified, verified[2024]);
    EXPECT_EQ(r.under_verification + r.reported + r.not_verified, unverified);
    EXPECT_EQ(r.situations_covered, static_cast<int64_t>(situations.size()));
    ASSERT_TRUE(r.victims.women.value);
    EXPECT_EQ(*r.victims.women.value, women);
    bool record = true;
    for (const auto& [c, n] : verified) record = record && n <= verified[2025];
    EXPECT_EQ(r.highest_on_record, record);
    ASSERT_FALSE(r.trends.empty());
    EXPECT_EQ(r.trends.front().cycle, verified.begin()->first);
    EXPECT_EQ(r.trends.back().cycle, 2025);
    for (const CycleRow& row : r.trends) EXPECT_EQ(row.verified, verified[row.cycle]);
  }
}

// FtM: `country` is the lower-case alpha-2 code of the party's situation,
// left out where the situation is no country; each Sanction's reason says
// what the status rests on (the rule's criteria or the decision).
TEST_F(BuilderTest, FtmCountryAndReasons) {
  ImportDemo();
  const std::string country = dir_.path() + "/country.json";
  std::ofstream(country) << R"({"format": "mara-bundle/1", "situations": [{"id": "SIT-VAL",
      "name": "Valdoria", "on_council_agenda": true, "iso3": "COD", "gwno": 490}]})";
  Result<ImportReport> imported = ImportFile(*session_, country, ImportOptions{});
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  Result<Assessment> a = AssessCycle(*store_, policy_, 2025);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::istringstream lines(RenderFtm(Build(2025, Edition::kPublic)));
  std::map<std::string, OJson> by_id;
  for (std::string line; std::getline(lines, line);) {
    OJson e = OJson::parse(line);
    by_id[e["id"].get<std::string>()] = e;
  }
  int organizations = 0, sanctions = 0;
  for (const PartyAssessment& pa : a->parties) {
    auto org = by_id.find("mara-party-" + pa.id);
    if (org == by_id.end()) continue;
    ++organizations;
    const OJson& props = org->second["properties"];
    if (pa.situation == "SIT-VAL") {
      EXPECT_EQ(props["country"], OJson::array({"cd"})) << pa.id;
    } else {
      EXPECT_FALSE(props.contains("country")) << pa.id << ": " << props.dump();
    }
    if (pa.status == PartyStatus::kNone) continue;
    const OJson& sanction = by_id.at("mara-sanction-" + pa.id + "-2025");
    const std::string reason = sanction["properties"]["reason"][0].get<std::string>();
    ++sanctions;
    SCOPED_TRACE(pa.id + " rule " + std::to_string(pa.rule) + ": " + reason);
    if (pa.decided) {
      EXPECT_TRUE(reason.starts_with(pa.status == PartyStatus::kListed
                                         ? "Listed by decision of "
                                         : "Put on notice by decision of "));
    } else if (pa.rule == 1) {
      EXPECT_TRUE(reason.starts_with(
          "Credibly suspected of a pattern of conflict-related sexual violence in 2025: "));
      const bool by_findings =
          pa.evidence.findings_list_sources >= policy_.findings_list_min_sources;
      EXPECT_EQ(reason.find(" source(s) at level ") != std::string::npos, by_findings);
      EXPECT_EQ(reason.find(" verified incidents at the listing standard") != std::string::npos,
                pa.evidence.listing_incidents >= policy_.pattern_min_incidents);
    } else if (pa.rule == 2) {
      EXPECT_TRUE(
          reason.starts_with("Kept listed by rule 2: the conditions for delisting are not met"));
    } else if (pa.rule == 3) {
      EXPECT_TRUE(
          reason.starts_with("Put on notice, a pattern of conflict-related sexual "
                             "violence indicated in 2025: "));
    } else if (pa.rule == 4) {
      EXPECT_TRUE(reason.starts_with("Kept on notice by rule 4: "));
    }
    if (pa.status == PartyStatus::kOnNotice) EXPECT_TRUE(reason.ends_with("; review in 2026"));
  }
  EXPECT_GT(organizations, 0);
  EXPECT_GT(sanctions, 0);
  EXPECT_TRUE(by_id.count("mara-party-P-NLF")) << "decided: listed";
}

TEST_F(BuilderTest, StatusesAndCasesAreThoseOfTheServiceLayer) {
  ImportDemo();
  Report r = Build(2025, Edition::kConfidential);
  Result<Assessment> a = AssessCycle(*store_, policy_, 2025);
  ASSERT_TRUE(a.ok());
  int64_t listed = 0, notice = 0;
  for (const PartyAssessment& p : a->parties) {
    listed += p.status == PartyStatus::kListed;
    notice += p.status == PartyStatus::kOnNotice;
  }
  EXPECT_EQ(r.listed_parties, listed);
  EXPECT_EQ(r.on_notice_parties, notice);
  EXPECT_GT(listed, 0);
  size_t in_annex = 0;
  for (const AnnexGroup& g : r.annex) {
    in_annex += g.state_parties.size() + g.non_state_parties.size();
    for (const PartyLine& p : g.state_parties) EXPECT_EQ(p.kind, PartyKind::kState);
    for (const PartyLine& p : g.non_state_parties) EXPECT_EQ(p.kind, PartyKind::kNonState);
  }
  EXPECT_EQ(static_cast<int64_t>(in_annex), listed);
  ASSERT_EQ(static_cast<int64_t>(r.cases.size()), listed + notice);
  for (const StatementOfCase& s : r.cases) {
    Result<StatementOfCase> one = BuildStatementOfCase(*store_, policy_, s.party.id, 2025);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(StatementOfCaseToJson(s, false).dump(), StatementOfCaseToJson(*one, false).dump())
        << s.party.id;
  }
  EXPECT_EQ(r.policy_digest, a->policy_digest);
  EXPECT_EQ(r.data_digest, a->data_digest);
}

TEST_F(BuilderTest, EmptyStoreAndBadCycle) {
  Report r = Build(2025, Edition::kPublic);
  EXPECT_EQ(r.verified, 0);
  EXPECT_FALSE(r.previous_verified);
  EXPECT_FALSE(r.highest_on_record);
  EXPECT_TRUE(r.annex.empty());
  EXPECT_NE(RenderHtml(r).find("No party is listed."), std::string::npos);
  Result<Report> bad = BuildReport(*session_, policy_, 99999, Edition::kPublic);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(BuilderTest, CycleAfterTheCurrentYearHasNoReport) {
  EXPECT_TRUE(BuildReport(*session_, policy_, 2026, Edition::kPublic).ok());
  Result<Report> ahead = BuildReport(*session_, policy_, 2027, Edition::kPublic);
  EXPECT_EQ(ahead.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ahead.status().message(), "cycle 2027 is after the current year (2026)");
}

// ------------------------------------------------------------------ golden files

using GoldenTest = StoreFixture;

TEST_F(GoldenTest, AuditHeadInTheMetadata) {
  ImportDemo();
  ASSERT_TRUE(session_->Audit({"", "test.change", "", "", "", ""}).ok());
  ASSERT_TRUE(session_->Finish().ok());
  Report r = Build(2025, Edition::kPublic);
  ASSERT_TRUE(r.audit_head.has_value());
  auto head = SignedHeadIn(*store_, session_->keys().signing_key->public_key());
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(r.audit_head->checkpoint.seq, head->checkpoint.seq);
  EXPECT_EQ(r.audit_head->checkpoint.hash, head->checkpoint.hash);
  const std::string json = *Render(r, Format::kJson);
  EXPECT_NE(json.find("\"hash\": \"" + head->checkpoint.hash + "\""), std::string::npos);
  auto anchor = ParseSignedHead(json, "report.json");
  ASSERT_TRUE(anchor.ok()) << anchor.status().ToString();
  EXPECT_EQ(anchor->checkpoint, head->checkpoint);
  const std::string html = *Render(r, Format::kHtml);
  EXPECT_NE(html.find("record " + std::to_string(head->checkpoint.seq) + ", hash " +
                      head->checkpoint.hash),
            std::string::npos);
}

TEST_F(GoldenTest, DemoReportInEveryFormatAndEdition) {
  ImportDemo();
  const bool update = std::getenv("MARA_UPDATE_GOLDEN") != nullptr;
  // The audit head names the store's signing key, made at random for each
  // run: golden files are rendered without it (AuditHeadInTheMetadata).
  auto build = [&](Edition edition) {
    Report r = Build(2025, edition);
    r.audit_head.reset();
    return r;
  };
  for (Edition edition : {Edition::kPublic, Edition::kConfidential}) {
    Report r = build(edition);
    for (Format format :
         {Format::kHtml, Format::kMarkdown, Format::kJson, Format::kCsv, Format::kFtm}) {
      Result<std::string> bytes = Render(r, format);
      ASSERT_TRUE(bytes.ok());
      // Same input, same bytes.
      EXPECT_EQ(*bytes, *Render(build(edition), format));
      const std::string path = kSource + "/src/report/testdata/demo_2025_" +
                               std::string(EditionName(edition)) + "." +
                               std::string(FormatName(format));
      if (update) {
        std::ofstream(path, std::ios::binary) << *bytes;
        continue;
      }
      ASSERT_TRUE(fs::exists(path)) << path << " is missing; see the comment at the top";
      EXPECT_TRUE(ReadAll(path) == *bytes)
          << path << " differs from the rendering; if the change is intended, regenerate it "
          << "(see the comment at the top of report_test.cc)";
    }
  }
}

TEST_F(GoldenTest, HtmlIsSelfContainedAndMarked) {
  ImportDemo();
  for (Edition edition : {Edition::kPublic, Edition::kConfidential}) {
    std::string html = RenderHtml(Build(2025, edition));
    for (const char* banned : {"<script", "<link", "<img", "<iframe", "@import", "url(",
                               "src=", "http://", "https://"}) {
      EXPECT_EQ(html.find(banned), std::string::npos) << banned;
    }
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("@media print"), std::string::npos);
    EXPECT_NE(html.find("href=\"#annex\""), std::string::npos);
    bool marked = html.find("class=\"mark\">CONFIDENTIAL EDITION") != std::string::npos;
    EXPECT_EQ(marked, edition == Edition::kConfidential);
  }
}

// ------------------------------------------------------------------ leak test

// A store full of marked confidential strings and small cells.
class LeakTest : public StoreFixture {
 protected:
  void Fill() {
    Transaction txn(store_);
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(store_->Put(Situation{"SIT-A", "Country A", true}).ok());
    Party p;
    p.id = "P-1";
    p.name = "Front";
    p.situation = "SIT-A";
    ASSERT_TRUE(store_->Put(p).ok());
    Party unit = p;
    unit.id = "P-1U";
    unit.name = "Front unit";
    unit.parent = "P-1";
    ASSERT_TRUE(store_->Put(unit).ok());
    Source open;
    open.id = "S-OPEN";
    open.kind = SourceKind::kUnMonitoring;
    open.title = "Public monitoring report";
    open.publisher = "Mission";
    open.url = "https://example.org/public";
    ASSERT_TRUE(store_->Put(open).ok());
    Source secret;
    secret.id = "S-LEAKCONFID";
    secret.kind = SourceKind::kSurvivorTestimony;
    secret.title = "LEAK-CONF-TITLE";
    secret.publisher = "LEAK-CONF-PUBLISHER";
    secret.url = "https://example.org/LEAK-CONF-URL";
    secret.confidential = true;
    ASSERT_TRUE(store_->Put(secret).ok());
    Designation d;
    d.party = "P-1";
    d.authority = "Some State";
    d.program = "List";
    d.listed_on = Date::FromYmd(2024, 1, 1);
    d.source = "S-LEAKCONFID";
    ASSERT_TRUE(store_->Put(d).ok());
    ASSERT_TRUE(store_
                    ->Put(Engagement{"P-1", Date::FromYmd(2025, 3, 1), EngagementKind::kRefused,
                                     "LEAK-ENGAGEMENT-NOTE"})
                    .ok());
    Statement st;
    st.id = "ST-1";
    st.by = "Office";
    st.date = Date::FromYmd(2025, 6, 1);
    st.incidents = {"I-01", "I-LEAKINTERNAL", "I-LEAKWITHDRAWN"};
    st.text = "LEAK-STATEMENT-TEXT";
    ASSERT_TRUE(store_->Put(st).ok());
    for (int n = 1; n <= 8; ++n) {
      Incident i;
      i.id = fmt::format("I-{:02}", n);
      i.situation = "SIT-A";
      i.date = Date::FromYmd(2025, n, 10);
      i.location.name = fmt::format("Town {}", n % 3);
      i.violations = {Violation::kRape};
      i.victims = Victims{n % 3, 1, 2, 0, 1};  // every cell small
      i.context = Context::kDetention;
      i.nexus = {Nexus::kPerpetratorAffiliation};
      i.status = IncidentStatus::kVerified;
      i.verified_on = Date::FromYmd(2025, 12, 1);
      i.perpetrators = {{n % 2 ? "P-1" : "P-1U", Standard::kReasonableGrounds}};
      i.sources = {"S-OPEN", "S-LEAKCONFID"};
      i.narrative = fmt::format("LEAK-NARRATIVE-{}", n);
      ASSERT_TRUE(store_->PutIncident(i, 0).ok());
      if (n <= 2) {
        i.id = n == 1 ? "I-LEAKINTERNAL" : "I-LEAKWITHDRAWN";
        i.consent = n == 1 ? Consent::kInternalUse : Consent::kWithdrawn;
        i.location.name = n == 1 ? "LEAK-INTERNAL-PLACE" : "LEAK-WITHDRAWN-PLACE";
        i.narrative = n == 1 ? "LEAK-INTERNAL-NARRATIVE" : "LEAK-WITHDRAWN-NARRATIVE";
        ASSERT_TRUE(store_->PutIncident(i, 0).ok());
      }
    }
    // A late verification of an earlier cycle.
    Incident late;
    late.id = "I-LATE";
    late.situation = "SIT-A";
    late.date = Date::FromYmd(2024, 5, 5);
    late.location.name = "LEAK-LATE-PLACE";
    late.violations = {Violation::kSexualSlavery};
    late.victims = Victims{1, 0, 0, 0, 0};
    late.nexus = {Nexus::kVictimProfile};
    late.status = IncidentStatus::kVerified;
    late.verified_on = Date::FromYmd(2025, 2, 2);
    late.perpetrators = {{"P-1", Standard::kClearAndConvincing}};
    late.narrative = "LEAK-LATE-NARRATIVE";
    ASSERT_TRUE(store_->PutIncident(late, 0).ok());
    // Written through the session's store, so the chain must record it.
    ASSERT_TRUE(session_->Audit({"", "test.fixture", "", "", "", ""}).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
};

// Every integer under a "victims" key, or among the victim columns of the
// CSV, is a published count: none may be below the minimum cell.
void ExpectNoSmallCell(const OJson& j, bool in_victims, int min_cell, const std::string& where) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      ExpectNoSmallCell(it.value(), in_victims || it.key() == "victims", min_cell,
                        where + "/" + it.key());
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      ExpectNoSmallCell(j[i], in_victims, min_cell, where + "/" + std::to_string(i));
    }
  } else if (in_victims && j.is_number_integer()) {
    EXPECT_GE(j.get<int64_t>(), min_cell) << where;
  }
}

TEST_F(LeakTest, PublicEditionLeaksNothingInAnyFormat) {
  Fill();
  const std::vector<std::string> markers = {
      "LEAK-CONF",    "LEAKCONFID",    "LEAK-NARRATIVE", "LEAK-ENGAGEMENT", "LEAK-STATEMENT",
      "LEAKINTERNAL", "LEAK-INTERNAL", "LEAKWITHDRAWN",  "LEAK-WITHDRAWN",  "LEAK-LATE"};
  Report pub = Build(2025, Edition::kPublic);
  ASSERT_GT(pub.listed_parties + pub.on_notice_parties, 0);
  for (Format format :
       {Format::kHtml, Format::kMarkdown, Format::kJson, Format::kCsv, Format::kFtm}) {
    std::string bytes = *Render(pub, format);
    for (const std::string& m : markers) {
      EXPECT_EQ(bytes.find(m), std::string::npos) << FormatName(format) << " leaks " << m;
    }
  }
  OJson j = OJson::parse(RenderJson(pub));
  ExpectNoSmallCell(j, false, policy_.publication_min_cell, "");
  EXPECT_EQ(j["summary"]["victims"]["boys"], "<3");
  EXPECT_EQ(j["trends"][0]["victims"]["women"], "<3");
  // The public edition still says what it can: the open source and counts.
  EXPECT_NE(RenderHtml(pub).find("Public monitoring report"), std::string::npos);
  EXPECT_EQ(j["summary"]["verified_incidents"], 8);
  EXPECT_EQ(j["late_verifications"]["incidents"], 1);

  // The CSV's victim columns hold only masked or large values.
  std::string csv = RenderCsv(pub);
  size_t at = csv.find("# table: situations");
  ASSERT_NE(at, std::string::npos);
  std::istringstream lines(csv.substr(at));
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);  // header
  while (std::getline(lines, line) && line.size() > 1) {
    std::vector<std::string> cells;
    std::stringstream cs(line);
    for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
    ASSERT_GE(cells.size(), 12u);
    for (size_t c = 6; c <= 11; ++c) {
      const std::string& v = cells[c];
      if (!v.empty() && std::isdigit(static_cast<unsigned char>(v[0]))) {
        EXPECT_GE(std::stoll(v), policy_.publication_min_cell) << line;
      }
    }
  }
}

// The markers are really there: the confidential edition shows them (but
// never the withdrawn record), and it is marked on every page.
TEST_F(LeakTest, ConfidentialEditionShowsWhatThePublicOneHides) {
  Fill();
  Report conf = Build(2025, Edition::kConfidential);
  std::string html = RenderHtml(conf);
  for (const char* m : {"LEAK-CONF-PUBLISHER", "LEAK-NARRATIVE-3", "LEAK-ENGAGEMENT-NOTE",
                        "LEAK-STATEMENT-TEXT", "I-LEAKINTERNAL", "I-LATE"}) {
    EXPECT_NE(html.find(m), std::string::npos) << m;
  }
  for (Format format :
       {Format::kHtml, Format::kMarkdown, Format::kJson, Format::kCsv, Format::kFtm}) {
    std::string bytes = *Render(conf, format);
    EXPECT_EQ(bytes.find("WITHDRAWN"), std::string::npos) << FormatName(format);
    EXPECT_NE(bytes.find("confidential"), std::string::npos) << FormatName(format);
  }
  EXPECT_NE(html.find("<div class=\"mark\">CONFIDENTIAL EDITION"), std::string::npos);
  EXPECT_NE(html.find(".mark { position: fixed"), std::string::npos);
  OJson j = OJson::parse(RenderJson(conf));
  EXPECT_EQ(j["summary"]["verified_incidents"], 9);  // the internal-use one too
  EXPECT_EQ(j["summary"]["victims"]["girls"], 9);
}

// ------------------------------------------------------------------ pdf

// Renders the demo report to PDF and its pages to images: there must be
// pages, and none may be blank. Chromium and pdftoppm are test
// dependencies (scripts/install-deps.sh); their absence fails the test.
TEST_F(GoldenTest, PdfHasPagesThatAreNotBlank) {
  ImportDemo();
  for (Edition edition : {Edition::kPublic, Edition::kConfidential}) {
    Result<std::string> pdf = RenderPdf(Build(2025, edition));
    ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
    ASSERT_EQ(pdf->rfind("%PDF-", 0), 0u);
    const std::string pdf_path = dir_.path() + "/report.pdf";
    std::ofstream(pdf_path, std::ios::binary) << *pdf;
    const std::string prefix = dir_.path() + "/page-" + std::string(EditionName(edition));
    const std::string cmd = "pdftoppm -r 60 -gray " + pdf_path + " " + prefix + " 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "pdftoppm failed (is poppler-utils installed?)";
    int pages = 0;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      std::string name = entry.path().filename().string();
      if (name.rfind("page-" + std::string(EditionName(edition)), 0) != 0) continue;
      ++pages;
      std::string image = ReadAll(entry.path().string());
      // PGM "P5\nW H\n255\n" then one byte per pixel.
      std::istringstream header(image);
      std::string magic;
      int w = 0, h = 0, max = 0;
      header >> magic >> w >> h >> max;
      ASSERT_EQ(magic, "P5") << name;
      size_t data = static_cast<size_t>(header.tellg()) + 1;
      ASSERT_EQ(image.size() - data, static_cast<size_t>(w) * h) << name;
      // Dark pixels above the page number, which every page has: a page
      // whose body is one short line (the end of a statement) still has
      // some.
      size_t dark = 0;
      for (int y = 0; y < h * 90 / 100; ++y) {
        for (int x = 0; x < w; ++x) {
          dark += static_cast<unsigned char>(image[data + static_cast<size_t>(y) * w + x]) < 128;
        }
      }
      EXPECT_GT(dark, 40u) << name << " is blank";
    }
    EXPECT_GE(pages, 3) << EditionName(edition);
  }
}

// The code points of `text` (UTF-8) in [lo, hi].
size_t CountInRange(const std::string& text, char32_t lo, char32_t hi) {
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : 4;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    n += cp >= lo && cp <= hi;
    i += static_cast<size_t>(len);
  }
  return n;
}

// The Arabic and Chinese PDFs set their own scripts: the text extracted
// from them (pdftotext) is in the script, a font for it is embedded
// (pdffonts: for Chinese a CJK face, fonts-noto-cjk being a test
// dependency), and the first page is not blank.
TEST_F(GoldenTest, ArabicAndChinesePdfsCarryTheirScripts) {
  ImportDemo();
  struct Case {
    Language lang;
    char32_t lo, hi;
    std::string font;
  };
  for (const Case& c :
       {Case{Language::kAr, 0x0600, 0x06FF, ""}, Case{Language::kZh, 0x4E00, 0x9FFF, "CJK"}}) {
    const std::string name(LanguageCode(c.lang));
    Result<std::string> pdf = RenderPdf(Build(2025, Edition::kPublic), {}, c.lang);
    ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
    const std::string path = dir_.path() + "/report-" + name + ".pdf";
    std::ofstream(path, std::ios::binary) << *pdf;
    const std::string text_path = path + ".txt";
    ASSERT_EQ(std::system(("pdftotext -enc UTF-8 " + path + " " + text_path).c_str()), 0);
    const std::string text = ReadAll(text_path);
    // Arabic may come out as presentation forms (U+FE70 to U+FEFF).
    const size_t letters = CountInRange(text, c.lo, c.hi) +
                           (c.lang == Language::kAr ? CountInRange(text, 0xFE70, 0xFEFF) : 0);
    EXPECT_GT(letters, 300u) << name << ": " << text.substr(0, 400);
    const std::string fonts_path = path + ".fonts";
    ASSERT_EQ(std::system(("pdffonts " + path + " > " + fonts_path).c_str()), 0);
    const std::string fonts = ReadAll(fonts_path);
    EXPECT_GE(std::count(fonts.begin(), fonts.end(), '\n'), 3) << fonts;  // header and a font
    // Chromium embeds the Noto CJK faces (CFF outlines) as Type 3 glyph
    // fonts, each mapped to Unicode.
    if (!c.font.empty()) {
      EXPECT_TRUE(fonts.find(c.font) != std::string::npos ||
                  fonts.find("Type 3") != std::string::npos)
          << fonts;
    }
    const std::string prefix = dir_.path() + "/page-" + name;
    ASSERT_EQ(std::system(("pdftoppm -r 40 -gray -f 1 -l 1 " + path + " " + prefix).c_str()), 0);
    bool rendered = false;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      if (entry.path().filename().string().rfind("page-" + name, 0) != 0) continue;
      const std::string image = ReadAll(entry.path().string());
      size_t dark = 0;
      for (char px : image.substr(image.size() / 10)) dark += static_cast<unsigned char>(px) < 128;
      EXPECT_GT(dark, 200u) << name << ": the first page is blank";
      rendered = true;
    }
    EXPECT_TRUE(rendered) << name;
  }
}

}  // namespace
}  // namespace mara::report

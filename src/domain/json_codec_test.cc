#include "domain/json_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/validate.h"

namespace mara {
namespace {

// Decodes `text` as a T and returns the error message ("" when it decodes).
template <typename T>
std::string DecodeError(const std::string& text) {
  T v;
  Status s = FromJson(Json::parse(text), &v);
  if (s.ok()) return "";
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  return s.message();
}

// Patches one field of a valid record and returns the decode error.
template <typename T>
std::string PatchError(const Json& valid, const std::string& pointer, const Json& value) {
  Json j = valid;
  j[Json::json_pointer(pointer)] = value;
  T v;
  Status s = FromJson(j, &v);
  return s.ok() ? "" : s.message();
}

template <typename T>
std::string RemoveError(const Json& valid, const std::string& key) {
  Json j = valid;
  j.erase(key);
  T v;
  Status s = FromJson(j, &v);
  return s.ok() ? "" : s.message();
}

Incident FullIncident() {
  Incident v;
  v.id = "I-1";
  v.situation = "SIT-A";
  v.date = Date::FromYmd(2025, 1, 10);
  v.date_precision = DatePrecision::kWeek;
  v.location = {"Town X", "North", 1.5, 30.25};
  v.violations = {Violation::kRape, Violation::kForcedNudity};
  v.victims = {2, 1, 0, 3, 4};
  v.context = Context::kDetention;
  v.nexus = {Nexus::kPerpetratorAffiliation, Nexus::kCrossBorder};
  v.status = IncidentStatus::kVerified;
  v.verified_on = Date::FromYmd(2025, 3, 1);
  v.perpetrators = {{"P-1", Standard::kReasonableGrounds}, {"P-2", Standard::kClearAndConvincing}};
  v.sources = {"S-1", "S-2"};
  v.narrative = "Naïve text, with \"quotes\"\nand a newline";
  v.consent = Consent::kIdentifiedSharing;
  return v;
}

template <typename T>
void ExpectRoundTrip(const T& v) {
  const std::string first = ToJson(v).dump();
  T back;
  Status s = FromJson(Json::parse(first), &back);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(ToJson(back).dump(), first);
}

TEST(JsonCodecTest, RoundTripsFullyPopulatedRecords) {
  ExpectRoundTrip(Situation{"SIT-A", "Country A", true});
  ExpectRoundTrip(Situation{"SIT-MMR", "Myanmar", true, "MMR", 775});
  Party p;
  p.id = "P-2";
  p.name = "Unit";
  p.aliases = {"U", "The Unit"};
  p.kind = PartyKind::kState;
  p.situation = "SIT-A";
  p.parent = "P-1";
  p.splinter_of = "P-0";
  p.names_over_time = {{"Old name", Date::FromYmd(2001, 1, 1), Date::FromYmd(2010, 12, 31)}};
  ExpectRoundTrip(p);
  Source s{"S-1",
           SourceKind::kUnMonitoring,
           "T",
           "Pub",
           Date::FromYmd(2025, 2, 1),
           "https://example.org/x",
           'B',
           2,
           true};
  ExpectRoundTrip(s);
  ExpectRoundTrip(FullIncident());
  EvidenceItem e{"E-1",  std::string(64, 'a'),     123, "application/pdf", "S-1", "I-1",
                 "scan", Date::FromYmd(2025, 4, 1)};
  ExpectRoundTrip(e);
  ExpectRoundTrip(Finding{"P-1", 2024, "S-1", 2, {Violation::kRape}});
  Commitment c{"C-1",
               "P-1",
               CommitmentKind::kActionPlan,
               Date::FromYmd(2023, 5, 1),
               {{"M-1", "Orders", Date::FromYmd(2024, 5, 1), MeasureStatus::kVerifiedImplemented,
                 Date::FromYmd(2024, 6, 1)}}};
  ExpectRoundTrip(c);
  ExpectRoundTrip(Decision{"P-1", 2025, PartyStatus::kListed, "Office", Date::FromYmd(2026, 4, 1),
                           "Pattern established"});
  ExpectRoundTrip(Designation{"P-1", "EU", "Sanctions regime", DesignationKind::kSanctions,
                              Date::FromYmd(2020, 1, 1), Date::FromYmd(2022, 1, 1), "S-1"});
  ExpectRoundTrip(Statement{"ST-1",
                            "UN entity",
                            Date::FromYmd(2025, 3, 3),
                            StatementKind::kCondemnation,
                            {"I-1"},
                            "Condemned"});
  ExpectRoundTrip(Engagement{"P-1", Date::FromYmd(2025, 1, 1), EngagementKind::kAccessDenied, "n"});
  ExpectRoundTrip(Petition{"P-1", Date::FromYmd(2026, 1, 1), 2025, "New facts", true,
                           PetitionOutcome::kRejected, Date::FromYmd(2026, 3, 1), "Office", "No"});
}

TEST(JsonCodecTest, WritesCanonicalKeyOrder) {
  EXPECT_EQ(ToJson(FullIncident()).dump(),
            R"({"id":"I-1","situation":"SIT-A","date":"2025-01-10","date_precision":"week",)"
            R"("location":{"name":"Town X","admin1":"North","lat":1.5,"lon":30.25},)"
            R"("violations":["rape","forced_nudity"],)"
            R"("victims":{"women":2,"girls":1,"men":0,"boys":3,"unknown":4},)"
            R"("context":"detention","nexus":["perpetrator_affiliation","cross_border"],)"
            R"("status":"verified","verified_on":"2025-03-01",)"
            R"("perpetrators":[{"party":"P-1","standard":"reasonable_grounds"},)"
            R"({"party":"P-2","standard":"clear_and_convincing"}],"sources":["S-1","S-2"],)"
            R"("narrative":"Naïve text, with \"quotes\"\nand a newline",)"
            R"("consent":"identified_sharing"})");
  Source s{"S-1", SourceKind::kNgo, "T", "P", std::nullopt, std::nullopt, 'B', 2, false};
  EXPECT_EQ(ToJson(s).dump(),
            R"({"id":"S-1","kind":"ngo","title":"T","publisher":"P","reliability":"B",)"
            R"("credibility":"2","confidential":false})");
  Commitment c{"C-1", "P-1", CommitmentKind::kUnilateral, Date::FromYmd(2023, 5, 1), {}};
  EXPECT_EQ(
      ToJson(c).dump(),
      R"({"id":"C-1","party":"P-1","kind":"unilateral","signed":"2023-05-01","measures":[]})");
}

TEST(JsonCodecTest, AcceptsTheDesignExampleAndDefaults) {
  Incident v;
  Status s = FromJson(Json::parse(R"({"id": "I-1", "situation": "SIT-A", "date": "2025-01-10",
      "location": {"name": "Town X", "admin1": null, "lat": 1, "lon": -30.2},
      "violations": ["rape"], "victims": {"women": 2, "girls": 1}, "context": "detention",
      "status": "verified", "verified_on": null, "narrative": null})"),
                      &v);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(v.consent, Consent::kAggregateReporting);
  EXPECT_EQ(v.date_precision, DatePrecision::kDay);
  EXPECT_EQ(v.victims.Total(), 3);
  EXPECT_FALSE(v.location.admin1.has_value());
  EXPECT_EQ(*v.location.lat, 1.0);
  EXPECT_FALSE(v.verified_on.has_value());

  Source src;
  ASSERT_TRUE(FromJson(Json::parse(R"({"id":"S-1","kind":"ngo","title":"t","publisher":"p",
      "reliability":"B","credibility":2,"confidential":false})"),
                       &src)
                  .ok());
  EXPECT_EQ(src.credibility, 2);
  ASSERT_TRUE(FromJson(Json::parse(R"({"id":"S-1","kind":"ngo","title":"t","publisher":"p",
      "reliability":"C","credibility":"5","confidential":true})"),
                       &src)
                  .ok());
  EXPECT_EQ(src.credibility, 5);
  EXPECT_EQ(src.reliability, 'C');

  Party p;
  ASSERT_TRUE(FromJson(Json::parse(R"({"id": "P-1", "name": "Army of A", "aliases": ["AA"],
      "kind": "state", "situation": "SIT-A", "parent": null, "splinter_of": null})"),
                       &p)
                  .ok());
  EXPECT_FALSE(p.parent.has_value());
}

const Json& ValidIncident() {
  static const Json j = ToJson(FullIncident());
  return j;
}

TEST(JsonCodecTest, RejectsEveryIncidentFieldFailure) {
  using T = Incident;
  const Json& j = ValidIncident();
  EXPECT_EQ(PatchError<T>(j, "/victims/women", -2),
            "/victims/women: expected a non-negative integer, got -2");
  EXPECT_EQ(PatchError<T>(j, "/victims/girls", 2.5),
            "/victims/girls: expected a non-negative integer, got 2.5");
  EXPECT_EQ(PatchError<T>(j, "/victims/men", "3"),
            "/victims/men: expected a non-negative integer, got a string");
  EXPECT_EQ(PatchError<T>(j, "/date", "2025-02-30"), "/date: no such calendar date '2025-02-30'");
  EXPECT_EQ(PatchError<T>(j, "/date", 20250101),
            "/date: expected a date string YYYY-MM-DD, got 20250101");
  EXPECT_EQ(PatchError<T>(j, "/verified_on", "2025-13-01"),
            "/verified_on: no such calendar date '2025-13-01'");
  EXPECT_EQ(PatchError<T>(j, "/status", "verifed"),
            "/status: unknown value 'verifed' (expected reported, under_verification, verified or "
            "not_verified)");
  EXPECT_NE(PatchError<T>(j, "/context", "market").find("/context: unknown value 'market'"),
            std::string::npos);
  EXPECT_NE(PatchError<T>(j, "/date_precision", "day ").find("/date_precision: unknown value"),
            std::string::npos);
  EXPECT_NE(PatchError<T>(j, "/consent", "yes").find("/consent: unknown value 'yes'"),
            std::string::npos);
  EXPECT_NE(PatchError<T>(j, "/violations/1", "theft").find("/violations/1: unknown value"),
            std::string::npos);
  EXPECT_NE(PatchError<T>(j, "/nexus/0", 3).find("/nexus/0: expected one of"), std::string::npos);
  EXPECT_EQ(PatchError<T>(j, "/violations", Json::array()),
            "/violations: at least one violation is required");
  EXPECT_EQ(PatchError<T>(j, "/violations", "rape"),
            "/violations: expected an array, got a string");
  EXPECT_EQ(PatchError<T>(j, "/location/lat", 91),
            "/location/lat: expected a number from -90 to 90, got 91");
  EXPECT_EQ(PatchError<T>(j, "/location/lon", "30"),
            "/location/lon: expected a number from -180 to 180, got a string");
  EXPECT_EQ(PatchError<T>(j, "/location/name", ""), "/location/name: must not be empty");
  EXPECT_EQ(PatchError<T>(j, "/location/town", "x").substr(0, 35),
            "/location/town: unknown field (expe");
  EXPECT_EQ(PatchError<T>(j, "/perpetrators/0/standard", "likely").substr(0, 42),
            "/perpetrators/0/standard: unknown value 'l");
  EXPECT_NE(PatchError<T>(j, "/perpetrators/1/party", "P 2")
                .find("/perpetrators/1/party: invalid id 'P 2'"),
            std::string::npos);
  EXPECT_NE(PatchError<T>(j, "/sources/0", "S;1").find("/sources/0: invalid id"),
            std::string::npos);
  EXPECT_NE(PatchError<T>(j, "/id", "").find("/id: an id is required"), std::string::npos);
  EXPECT_NE(PatchError<T>(j, "/id", std::string(65, 'a')).find("/id: invalid id"),
            std::string::npos);
  EXPECT_EQ(PatchError<T>(j, "/narrative", std::string(kMaxTextLength + 1, 'x')),
            "/narrative: text of 1048577 bytes is longer than the limit of 1048576");
  EXPECT_EQ(PatchError<T>(j, "/narrative", std::string("bad \xC3\x28 utf8")),
            "/narrative: invalid UTF-8 at byte 4");
  EXPECT_EQ(PatchError<T>(j, "/colour", "red").substr(0, 24), "/colour: unknown field (");
  EXPECT_EQ(PatchError<T>(j, "/victims", Json::array()),
            "/victims: expected an object, got an array");
  EXPECT_EQ(RemoveError<T>(j, "date"), "/date: missing required field");
  EXPECT_EQ(RemoveError<T>(j, "location"), "/location: missing required field");
  EXPECT_EQ(RemoveError<T>(j, "violations"), "/violations: missing required field");
  EXPECT_EQ(PatchError<T>(j, "/situation", nullptr), "/situation: expected a string, got null");
  EXPECT_EQ(DecodeError<T>("[]"), ": expected an object, got an array");
}

TEST(JsonCodecTest, RejectsEveryOtherRecordFieldFailure) {
  Json situation = ToJson(Situation{"SIT-A", "A", false});
  EXPECT_EQ(PatchError<Situation>(situation, "/on_council_agenda", "yes"),
            "/on_council_agenda: expected true or false, got a string");
  EXPECT_EQ(RemoveError<Situation>(situation, "on_council_agenda"),
            "/on_council_agenda: missing required field");
  EXPECT_EQ(PatchError<Situation>(situation, "/name", " "), "/name: must not be empty");
  EXPECT_EQ(PatchError<Situation>(situation, "/iso3", "mmr"),
            "/iso3: expected an ISO 3166-1 alpha-3 code of three capital letters, got 'mmr'");
  EXPECT_EQ(PatchError<Situation>(situation, "/gwno", 0),
            "/gwno: expected a Gleditsch-Ward number 1..999, got 0");
  EXPECT_EQ(PatchError<Situation>(situation, "/gwno", "775"),
            "/gwno: expected a Gleditsch-Ward number 1..999, got a string");

  Party party;
  party.id = "P-1";
  party.name = "A";
  party.situation = "SIT-A";
  Json pj = ToJson(party);
  EXPECT_NE(PatchError<Party>(pj, "/kind", "rebel").find("/kind: unknown value 'rebel'"),
            std::string::npos);
  EXPECT_EQ(PatchError<Party>(pj, "/parent", "P-1"), "/parent: a party cannot be its own parent");
  EXPECT_EQ(PatchError<Party>(pj, "/aliases", Json::array({1})),
            "/aliases/0: expected a string, got 1");
  EXPECT_EQ(
      PatchError<Party>(pj, "/names_over_time",
                        Json::parse(R"([{"name":"X","from":"2020-01-01","to":"2019-01-01"}])")),
      "/names_over_time/0/to: 2019-01-01 is before from 2020-01-01");

  Json sj =
      ToJson(Source{"S-1", SourceKind::kNgo, "T", "P", std::nullopt, std::nullopt, 'B', 2, false});
  EXPECT_EQ(PatchError<Source>(sj, "/reliability", "G"),
            "/reliability: expected one letter from A to F, got 'G'");
  EXPECT_EQ(PatchError<Source>(sj, "/reliability", 1),
            "/reliability: expected one letter from A to F, got 1");
  EXPECT_EQ(PatchError<Source>(sj, "/credibility", "7"),
            "/credibility: expected a grade from 1 to 6, got '7'");
  EXPECT_EQ(PatchError<Source>(sj, "/credibility", 0),
            "/credibility: expected a grade from 1 to 6, got 0");
  EXPECT_EQ(RemoveError<Source>(sj, "confidential"), "/confidential: missing required field");
  EXPECT_NE(PatchError<Source>(sj, "/kind", "blog").find("/kind: unknown value"),
            std::string::npos);

  Json fj = ToJson(Finding{"P-1", 2024, "S-1", 2, {}});
  EXPECT_EQ(PatchError<Finding>(fj, "/level", 4), "/level: expected a level from 0 to 3, got 4");
  EXPECT_EQ(PatchError<Finding>(fj, "/cycle", 24),
            "/cycle: expected a cycle (year) from 1000 to 9999, got 24");

  Json dj =
      ToJson(Decision{"P-1", 2025, PartyStatus::kListed, "Office", Date::FromYmd(2026, 1, 1), "r"});
  EXPECT_EQ(PatchError<Decision>(dj, "/rationale", "  "),
            "/rationale: a decision requires a rationale");
  EXPECT_EQ(RemoveError<Decision>(dj, "rationale"), "/rationale: missing required field");
  EXPECT_NE(PatchError<Decision>(dj, "/status", "delisted").find("/status: unknown value"),
            std::string::npos);

  Json cj = ToJson(Commitment{"C-1",
                              "P-1",
                              CommitmentKind::kUnilateral,
                              std::nullopt,
                              {{"M-1", "t", std::nullopt, MeasureStatus::kPending, std::nullopt},
                               {"M-2", "t", std::nullopt, MeasureStatus::kPending, std::nullopt}}});
  EXPECT_EQ(PatchError<Commitment>(cj, "/measures/1/id", "M-1"),
            "/measures/1/id: duplicate measure id 'M-1'");
  EXPECT_EQ(PatchError<Commitment>(cj, "/signed", "2023-02-29"),
            "/signed: no such calendar date '2023-02-29'");

  Json ej = ToJson(EvidenceItem{"E-1", std::string(64, 'a'), 1, "text/plain", {}, {}, {}, {}});
  EXPECT_NE(PatchError<EvidenceItem>(ej, "/sha256", "ABC").find("/sha256: expected 64 lowercase"),
            std::string::npos);
  EXPECT_EQ(PatchError<EvidenceItem>(ej, "/size", -1),
            "/size: expected a non-negative integer, got -1");

  Json gj = ToJson(
      Designation{"P-1", "EU", "", DesignationKind::kTerrorist, Date::FromYmd(2020, 1, 1), {}, {}});
  EXPECT_EQ(PatchError<Designation>(gj, "/ended_on", "2019-01-01"),
            "/ended_on: 2019-01-01 is before listed_on 2020-01-01");
  Json stj =
      ToJson(Statement{"ST-1", "UN", Date::FromYmd(2025, 1, 1), StatementKind::kReport, {}, ""});
  EXPECT_EQ(PatchError<Statement>(stj, "/incidents", Json::array({"I 1"})).substr(0, 26),
            "/incidents/0: invalid id '");
  Json enj = ToJson(Engagement{"P-1", Date::FromYmd(2025, 1, 1), EngagementKind::kContact, ""});
  EXPECT_NE(PatchError<Engagement>(enj, "/kind", "call").find("/kind: unknown value"),
            std::string::npos);
  Json ptj = ToJson(Petition{
      "P-1", Date::FromYmd(2025, 1, 1), {}, "g", false, PetitionOutcome::kPending, {}, {}, {}});
  EXPECT_EQ(PatchError<Petition>(ptj, "/new_material", 1),
            "/new_material: expected true or false, got 1");
}

TEST(JsonCodecTest, SituationWithoutCountryKeepsItsJson) {
  // Absent iso3 and gwno are left out, so such a situation's JSON (and the
  // digests over it) is what it was before the fields existed.
  EXPECT_EQ(ToJson(Situation{"SIT-A", "A", false}).dump(),
            R"({"id":"SIT-A","name":"A","on_council_agenda":false})");
  EXPECT_EQ(
      ToJson(Situation{"SIT-MMR", "Myanmar", true, "MMR", 775}).dump(),
      R"({"id":"SIT-MMR","name":"Myanmar","on_council_agenda":true,"iso3":"MMR","gwno":775})");
  Situation s;
  ASSERT_TRUE(FromJson(Json::parse(R"({"id":"SIT-A","name":"A","on_council_agenda":false,
                                      "iso3":null,"gwno":null})"),
                       &s)
                  .ok());
  EXPECT_EQ(s.iso3, std::nullopt);
  EXPECT_EQ(s.gwno, std::nullopt);
}

TEST(JsonCodecTest, PartyNamesByLanguageRoundTripAndAreOmittedWhenEmpty) {
  Party p;
  p.id = "P-1";
  p.name = "Armed Group";
  p.situation = "SIT-A";
  // Without names the party's JSON is what it was before the field existed.
  EXPECT_EQ(ToJson(p).dump(), R"({"id":"P-1","name":"Armed Group","aliases":[],"kind":"non_state",)"
                              R"("situation":"SIT-A","names_over_time":[]})");
  p.names = {{"fr", "Groupe armé"}, {"ar", "الجماعة المسلحة"}, {"zh", "武装团体"}};
  ExpectRoundTrip(p);
  EXPECT_EQ(ToJson(p).dump(),
            R"({"id":"P-1","name":"Armed Group","aliases":[],"kind":"non_state",)"
            R"("situation":"SIT-A","names_over_time":[],)"
            R"("names":{"ar":"الجماعة المسلحة","fr":"Groupe armé","zh":"武装团体"}})");
  Party back;
  ASSERT_TRUE(FromJson(ToJson(p), &back).ok());
  EXPECT_EQ(back.names, p.names);
  // null and {} both mean no names.
  Json j = ToJson(p);
  j["names"] = nullptr;
  ASSERT_TRUE(FromJson(j, &back).ok());
  EXPECT_TRUE(back.names.empty());
  j["names"] = Json::object();
  ASSERT_TRUE(FromJson(j, &back).ok());
  EXPECT_TRUE(back.names.empty());
  EXPECT_EQ(ToJson(back).dump().find("names\":{"), std::string::npos);
}

TEST(JsonCodecTest, PartyNamesByLanguageAreChecked) {
  Party party;
  party.id = "P-1";
  party.name = "A";
  party.situation = "SIT-A";
  const Json pj = ToJson(party);
  struct Case {
    Json names;
    std::string error;  // "" when accepted
  };
  const std::vector<Case> cases = {
      {Json::parse(R"({"ar":"الجماعة","en":"E","es":"E","fr":"F","ru":"Р","zh":"中"})"), ""},
      {Json::parse(R"({"de":"Bewaffnete Gruppe"})"),
       "/names: unknown language 'de' (expected one of: ar, en, es, fr, ru, zh)"},
      {Json::parse(R"({"AR":"x"})"),
       "/names: unknown language 'AR' (expected one of: ar, en, es, fr, ru, zh)"},
      {Json::parse(R"({"":"x"})"),
       "/names: unknown language '' (expected one of: ar, en, es, fr, ru, zh)"},
      {Json::parse(R"({"ar-EG":"x"})"),
       "/names: unknown language 'ar-EG' (expected one of: ar, en, es, fr, ru, zh)"},
      {Json::parse(R"({"a/b\u0001":"x"})"),
       "/names: unknown language 'a/b\\x01' (expected one of: ar, en, es, fr, ru, zh)"},
      {Json::parse(R"({"fr":""})"), "/names/fr: must not be empty"},
      {Json::parse(R"({"fr":"   "})"), "/names/fr: must not be empty"},
      {Json::parse(R"({"fr":" Groupe"})"), "/names/fr: must not begin or end with spaces"},
      {Json::parse(R"({"fr":"Groupe\n"})"), "/names/fr: must not begin or end with spaces"},
      {Json::parse(R"({"fr":"Grou\u0000pe"})"),
       "/names/fr: must not contain control characters (byte 4)"},
      {Json::parse(R"({"ru":"Груп\tпа"})"),
       "/names/ru: must not contain control characters (byte 8)"},
      {Json::parse(R"({"es":"a\u007fb"})"),
       "/names/es: must not contain control characters (byte 1)"},
      {Json::parse(R"({"zh":"a\u0085b"})"),
       "/names/zh: must not contain control characters (byte 1)"},
      {Json::parse(R"({"fr":7})"), "/names/fr: expected a string, got 7"},
      {Json::parse(R"({"fr":null,"ar":"الجماعة"})"), ""},
      {Json::array({"fr"}), "/names: expected an object of names by language, got an array"},
      {Json("Groupe"), "/names: expected an object of names by language, got a string"},
      {Json{{"fr", std::string(kMaxTextLength + 1, 'x')}},
       "/names/fr: text of 1048577 bytes is longer than the limit of 1048576"},
      // Hostile text that is not a control character is data: it is kept as
      // given and escaped where it is printed.
      {Json::parse(R"({"fr":"<script>alert(1)</script> & \"q\" ' \u202e"})"), ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PatchError<Party>(pj, "/names", c.names), c.error) << c.names.dump();
  }
  // Invalid UTF-8 never reaches the record.
  Json bad = pj;
  bad["names"] = Json::object();
  bad["names"]["fr"] = std::string("Gr\xff");
  Party v;
  Status s = FromJson(bad, &v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "/names/fr: invalid UTF-8 at byte 2");
  // The validator itself (the path every input takes, not only JSON).
  Party direct = party;
  direct.names["ar"] = "\x01";
  ASSERT_TRUE(CheckRecord(direct).has_value());
  EXPECT_EQ(CheckRecord(direct)->field, "/names/ar");
}

TEST(JsonCodecTest, PartyNameInGivesTheLanguagesNameOrTheCanonicalOne) {
  Party p;
  p.name = "Armed Group";
  p.names = {{"ar", "الجماعة المسلحة"}, {"fr", "Groupe armé"}};
  EXPECT_EQ(PartyNameIn(p, "ar"), "الجماعة المسلحة");
  EXPECT_EQ(PartyNameIn(p, "fr"), "Groupe armé");
  EXPECT_EQ(PartyNameIn(p, "en"), "Armed Group");
  EXPECT_EQ(PartyNameIn(p, "ru"), "Armed Group");
  EXPECT_EQ(PartyNameIn(p, ""), "Armed Group");
}

TEST(JsonCodecTest, EscapesHostileUnknownKeys) {
  Json j = ToJson(Situation{"SIT-A", "A", false});
  j["a/b\x01"] = 1;
  Situation s;
  Status st = FromJson(j, &s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().substr(0, 16), "/'a~1b\\x01': unk");
}

TEST(JsonCodecTest, PrefixPointer) {
  EXPECT_EQ(PrefixPointer(Status::InvalidArgument("/date: bad"), "/incidents/3").message(),
            "/incidents/3/date: bad");
  EXPECT_TRUE(PrefixPointer(Status::Ok(), "/x").ok());
}

}  // namespace
}  // namespace mara

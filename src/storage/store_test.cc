// Conformance tests of the Store contract (storage/store.h), run against
// every backend through a factory, followed by tests specific to SQLite.
#include "storage/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/text.h"
#include "domain/json_codec.h"
#include "security/random.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/test_server.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_store.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- fixtures

// A directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mara-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A backend under test: opens the store named by `location` (a path inside a
// fresh temporary directory; a server backend maps it to its own database).
struct Backend {
  std::string name;
  std::function<Result<std::unique_ptr<Store>>(const std::string& location,
                                               const StoreOptions& options)>
      open;
  // Removes what `open` created outside the temporary directory (a server
  // backend's database); empty when there is nothing to remove.
  std::function<void(const std::string& location)> drop;
};

std::ostream& operator<<(std::ostream& os, const Backend& b) { return os << b.name; }

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    location_ = (dir_.path() / "mara.db").string();
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    if (GetParam().drop) GetParam().drop(location_);
  }

  void Reopen() {
    store_.reset();
    auto opened = GetParam().open(location_, StoreOptions{});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  Store& store() { return *store_; }

  // Closes the fixture's store and opens the same location with key
  // material generated from `seed`.
  std::unique_ptr<Store> OpenWithKeys(uint64_t seed) {
    security::SeededRandom random(seed);
    auto material = std::make_shared<security::KeyMaterial>(security::GenerateKeyMaterial(random));
    store_.reset();
    StoreOptions with_keys;
    with_keys.keys = material;
    auto opened = GetParam().open(location_, with_keys);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  TempDir dir_;
  std::string location_;
  std::unique_ptr<Store> store_;
};

// ---------------------------------------------------------------- sample data

Date D(int y, int m, int d) { return Date::FromYmd(y, m, d); }

Situation MakeSituation(std::string id) {
  return {std::move(id), "Country " + std::string(1, 'A'), true};
}

Party MakeParty(std::string id, std::string situation) {
  Party p;
  p.id = std::move(id);
  p.name = "Army of A";
  p.aliases = {"AA", "Forces armées"};
  p.kind = PartyKind::kState;
  p.situation = std::move(situation);
  p.names_over_time = {{"Old Army", D(2001, 1, 1), D(2010, 12, 31)},
                       {"Army of A", D(2011, 1, 1), {}}};
  return p;
}

Source MakeSource(std::string id) {
  Source s;
  s.id = std::move(id);
  s.kind = SourceKind::kUnMonitoring;
  s.title = "Monthly report";
  s.publisher = "Mission";
  s.date = D(2025, 2, 1);
  s.url = "https://example.org/r/1";
  s.reliability = 'B';
  s.credibility = 2;
  s.confidential = true;
  return s;
}

Incident MakeIncident(std::string id) {
  Incident v;
  v.id = std::move(id);
  v.situation = "SIT-A";
  v.date = D(2025, 1, 10);
  v.date_precision = DatePrecision::kWeek;
  v.location = {"Town X", "North", 1.5, -30.25};
  v.violations = {Violation::kRape, Violation::kForcedMarriage};
  v.victims = {2, 1, 0, 3, 4};
  v.context = Context::kDetention;
  v.nexus = {Nexus::kPerpetratorAffiliation, Nexus::kCrossBorder};
  v.status = IncidentStatus::kVerified;
  v.verified_on = D(2025, 3, 1);
  v.perpetrators = {{"P-1", Standard::kReasonableGrounds}, {"P-2", Standard::kClearAndConvincing}};
  v.sources = {"S-1", "S-2"};
  v.narrative = "Confidential; text: with separators\nand a new line";
  v.consent = Consent::kIdentifiedSharing;
  return v;
}

// An incident with every optional absent and every list as short as allowed.
Incident MinimalIncident(std::string id) {
  Incident v;
  v.id = std::move(id);
  v.situation = "SIT-A";
  v.date = D(2024, 12, 31);
  v.location.name = "Village";
  v.violations = {Violation::kOtherComparableGravity};
  return v;
}

struct Registry {
  Situation situation = MakeSituation("SIT-A");
  Party party = MakeParty("P-1", "SIT-A");
  Party unit = [] {
    Party p = MakeParty("P-2", "SIT-A");
    p.kind = PartyKind::kNonState;
    p.aliases.clear();
    p.names_over_time.clear();
    p.parent = "P-1";
    p.splinter_of = "P-1";
    return p;
  }();
  Source source = MakeSource("S-1");
  EvidenceItem evidence = [] {
    EvidenceItem e;
    e.id = "E-1";
    e.sha256 = std::string(64, 'a');
    e.size = 1234;
    e.media_type = "application/pdf";
    e.source = "S-1";
    e.incident = "I-1";
    e.description = "Scan";
    e.added = D(2025, 2, 3);
    return e;
  }();
  Finding finding{"P-1", 2024, "S-1", 2, {Violation::kRape, Violation::kSexualSlavery}};
  Commitment commitment = [] {
    Commitment c;
    c.id = "C-1";
    c.party = "P-1";
    c.kind = CommitmentKind::kJointCommunique;
    c.signed_on = D(2023, 5, 1);
    c.measures = {
        {"M-1", "Orders", D(2024, 5, 1), MeasureStatus::kVerifiedImplemented, D(2024, 6, 1)},
        {"M-2", "Access", {}, MeasureStatus::kPending, {}}};
    return c;
  }();
  Decision decision{"P-1", 2025, PartyStatus::kListed, "Office", D(2026, 4, 1), "Pattern"};
  Designation designation{"P-1",         "EU",          "Sanctions", DesignationKind::kSanctions,
                          D(2020, 1, 2), D(2022, 3, 4), "S-1"};
  Statement statement{"ST-1",         "Mission",   D(2025, 3, 1), StatementKind::kCondemnation,
                      {"I-1", "I-2"}, "We condemn"};
  Engagement engagement{"P-1", D(2025, 6, 1), EngagementKind::kAccessDenied, "Refused entry"};
  Petition petition{"P-1",         D(2026, 5, 1), 2025,
                    "New facts",   true,          PetitionOutcome::kRejected,
                    D(2026, 7, 1), "Panel",       "Not enough"};
};

Status PutAll(Store& s, const Registry& r) {
  MARA_RETURN_IF_ERROR(s.Put(r.situation));
  // Children before parents: references are checked at commit, not per row.
  MARA_RETURN_IF_ERROR(s.Put(r.unit));
  MARA_RETURN_IF_ERROR(s.Put(r.party));
  MARA_RETURN_IF_ERROR(s.Put(r.source));
  MARA_RETURN_IF_ERROR(s.Put(r.evidence));
  MARA_RETURN_IF_ERROR(s.Put(r.finding));
  MARA_RETURN_IF_ERROR(s.Put(r.commitment));
  MARA_RETURN_IF_ERROR(s.Put(r.decision));
  MARA_RETURN_IF_ERROR(s.Put(r.designation));
  MARA_RETURN_IF_ERROR(s.Put(r.statement));
  MARA_RETURN_IF_ERROR(s.Put(r.engagement));
  return s.Put(r.petition);
}

// ---------------------------------------------------------------- field-by-field equality

auto Tie(const Situation& v) { return std::tie(v.id, v.name, v.on_council_agenda, v.iso3, v.gwno); }
auto Tie(const NameOverTime& v) { return std::tie(v.name, v.from, v.to); }
auto Tie(const Party& v) {
  return std::tie(v.id, v.name, v.aliases, v.kind, v.situation, v.parent, v.splinter_of);
}
auto Tie(const Source& v) {
  return std::tie(v.id, v.kind, v.title, v.publisher, v.date, v.url, v.reliability, v.credibility,
                  v.confidential);
}
auto Tie(const Attribution& v) { return std::tie(v.party, v.standard); }
auto Tie(const Incident& v) {
  return std::tie(v.id, v.situation, v.date, v.date_precision, v.location.name, v.location.admin1,
                  v.location.lat, v.location.lon, v.violations, v.victims.women, v.victims.girls,
                  v.victims.men, v.victims.boys, v.victims.unknown, v.context, v.nexus, v.status,
                  v.verified_on, v.sources, v.narrative, v.consent);
}
auto Tie(const EvidenceItem& v) {
  return std::tie(v.id, v.sha256, v.size, v.media_type, v.source, v.incident, v.description,
                  v.added);
}
auto Tie(const Finding& v) { return std::tie(v.party, v.cycle, v.source, v.level, v.forms); }
auto Tie(const Measure& v) { return std::tie(v.id, v.text, v.due, v.status, v.verified_on); }
auto Tie(const Commitment& v) { return std::tie(v.id, v.party, v.kind, v.signed_on); }
auto Tie(const Decision& v) {
  return std::tie(v.party, v.cycle, v.status, v.decided_by, v.date, v.rationale);
}
auto Tie(const Designation& v) {
  return std::tie(v.party, v.authority, v.program, v.kind, v.listed_on, v.ended_on, v.source);
}
auto Tie(const Statement& v) { return std::tie(v.id, v.by, v.date, v.kind, v.incidents, v.text); }
auto Tie(const Engagement& v) { return std::tie(v.party, v.date, v.kind, v.note); }
auto Tie(const Petition& v) {
  return std::tie(v.party, v.filed, v.cycle, v.grounds, v.new_material, v.outcome, v.decided,
                  v.decided_by, v.reason);
}

template <typename T>
auto Ties(const std::vector<T>& values) {
  std::vector<decltype(Tie(values.front()))> out;
  for (const T& v : values) out.push_back(Tie(v));
  return out;
}

template <typename T>
void ExpectSame(const T& a, const T& b) {
  EXPECT_TRUE(Tie(a) == Tie(b));
  if constexpr (std::is_same_v<T, Party>) {
    EXPECT_TRUE(Ties(a.names_over_time) == Ties(b.names_over_time));
    EXPECT_EQ(a.names, b.names);
  }
  if constexpr (std::is_same_v<T, Incident>) {
    EXPECT_TRUE(Ties(a.perpetrators) == Ties(b.perpetrators));
  }
  if constexpr (std::is_same_v<T, Commitment>) {
    EXPECT_TRUE(Ties(a.measures) == Ties(b.measures));
  }
}

template <typename T>
void ExpectOne(const std::vector<T>& loaded, const T& expected, const char* collection) {
  SCOPED_TRACE(collection);
  ASSERT_EQ(loaded.size(), 1u);
  ExpectSame(loaded[0], expected);
}

std::vector<std::string> ScanIds(Store& s) {
  std::vector<std::string> ids;
  Status st = s.ScanIncidents([&](const Incident& v) {
    ids.push_back(v.id);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return ids;
}

int64_t Version(Store& s) {
  auto v = s.DataVersion();
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : -1;
}

ImportRecord MakeImport(std::string file) {
  return {0, std::move(file), "incidents-csv", std::string(64, 'd'), "2025-01-01T00:00:00Z", 0,
          0, "analyst"};
}

// ---------------------------------------------------------------- conformance

TEST_P(StoreTest, NewStoreIsEmptyAndCurrent) {
  EXPECT_EQ(store().SchemaVersion(), sqlite::kLatestSchemaVersion);
  EXPECT_FALSE(store().InTransaction());
  auto counts = store().Counts();
  ASSERT_TRUE(counts.ok());
  for (int64_t c : counts->counts) EXPECT_EQ(c, 0);
  EXPECT_EQ(Version(store()), 0);
  auto imports = store().ListImports();
  ASSERT_TRUE(imports.ok());
  EXPECT_TRUE(imports->empty());
}

TEST_P(StoreTest, EveryRegistryEntityRoundTripsFieldByField) {
  Registry r;
  ASSERT_TRUE(store().Begin().ok());
  Status put = PutAll(store(), r);
  ASSERT_TRUE(put.ok()) << put.ToString();
  Status commit = store().Commit();
  ASSERT_TRUE(commit.ok()) << commit.ToString();
  Reopen();

  auto loaded = store().LoadRegistry();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Bundle& b = *loaded;
  ExpectOne(b.situations, r.situation, "situations");
  ASSERT_EQ(b.parties.size(), 2u);
  ExpectSame(b.parties[0], r.party);
  ExpectSame(b.parties[1], r.unit);
  ExpectOne(b.sources, r.source, "sources");
  ExpectOne(b.evidence, r.evidence, "evidence");
  ExpectOne(b.findings, r.finding, "findings");
  ExpectOne(b.commitments, r.commitment, "commitments");
  ExpectOne(b.decisions, r.decision, "decisions");
  ExpectOne(b.designations, r.designation, "designations");
  ExpectOne(b.statements, r.statement, "statements");
  ExpectOne(b.engagements, r.engagement, "engagements");
  ExpectOne(b.petitions, r.petition, "petitions");
  EXPECT_TRUE(b.incidents.empty());

  auto counts = store().Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->Of(Collection::kSituations), 1);
  EXPECT_EQ(counts->Of(Collection::kParties), 2);
  EXPECT_EQ(counts->Of(Collection::kIncidents), 0);
  for (Collection c : {Collection::kSources, Collection::kEvidence, Collection::kFindings,
                       Collection::kCommitments, Collection::kDecisions, Collection::kDesignations,
                       Collection::kStatements, Collection::kEngagements, Collection::kPetitions}) {
    EXPECT_EQ(counts->Of(c), 1) << kCollectionNames[static_cast<size_t>(c)];
  }
}

TEST_P(StoreTest, SituationKeepsItsCountry) {
  Situation country = MakeSituation("SIT-MMR");
  country.iso3 = "MMR";
  country.gwno = 775;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(country).ok());
  ASSERT_TRUE(store().Put(MakeSituation("SIT-iran-israel")).ok());
  ASSERT_TRUE(store().Commit().ok());
  Reopen();
  auto loaded = store().LoadRegistry();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->situations.size(), 2u);
  for (const Situation& s : loaded->situations) {
    if (s.id == country.id) {
      ExpectSame(s, country);
    } else {
      EXPECT_EQ(s.iso3, std::nullopt);
      EXPECT_EQ(s.gwno, std::nullopt);
    }
  }
}

TEST_P(StoreTest, PartyKeepsItsNamesByLanguage) {
  Party named = MakeParty("P-1", "SIT-A");
  named.names = {{"ar", "جيش أ"},
                 {"fr", "Armée de A"},
                 {"ru", "Армия А"},
                 {"zh", "A国军队"},
                 {"es", "Ejército de \"A\"; 'A' \\ <b>"}};
  Party plain = MakeParty("P-2", "SIT-A");
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(MakeSituation("SIT-A")).ok());
  ASSERT_TRUE(store().Put(named).ok());
  ASSERT_TRUE(store().Put(plain).ok());
  ASSERT_TRUE(store().Commit().ok());
  Reopen();
  auto loaded = store().LoadRegistry();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->parties.size(), 2u);
  ExpectSame(loaded->parties[0], named);
  ExpectSame(loaded->parties[1], plain);
  EXPECT_TRUE(loaded->parties[1].names.empty());
  // A party's names can be replaced and removed.
  named.names = {{"ar", "جيش أ الجديد"}};
  plain.names = {{"en", "Army of A (English)"}};
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(named).ok());
  ASSERT_TRUE(store().Put(plain).ok());
  ASSERT_TRUE(store().Commit().ok());
  loaded = store().LoadRegistry();
  ASSERT_TRUE(loaded.ok());
  ExpectSame(loaded->parties[0], named);
  ExpectSame(loaded->parties[1], plain);
}

TEST_P(StoreTest, RegistryComesBackInCanonicalOrder) {
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(MakeSituation("SIT-A")).ok());
  for (const char* id : {"P-2", "P-10", "P-1"}) {
    ASSERT_TRUE(store().Put(MakeParty(id, "SIT-A")).ok());
  }
  ASSERT_TRUE(store().Put(MakeSource("S-1")).ok());
  // Parties compare as strings (P-10 before P-2), then cycles.
  for (auto [party, cycle] : std::vector<std::pair<const char*, int>>{
           {"P-2", 2025}, {"P-1", 2025}, {"P-1", 2024}, {"P-10", 2000}}) {
    ASSERT_TRUE(
        store().Put(Decision{party, cycle, PartyStatus::kNone, "x", D(2026, 1, 1), "r"}).ok());
  }
  for (const char* date : {"2025-06-02", "2025-06-01"}) {
    for (EngagementKind kind : {EngagementKind::kSevered, EngagementKind::kContact}) {
      ASSERT_TRUE(store().Put(Engagement{"P-1", *Date::Parse(date), kind, ""}).ok());
    }
  }
  ASSERT_TRUE(store().Put(Finding{"P-1", 2025, "S-1", 1, {}}).ok());
  ASSERT_TRUE(store().Put(Finding{"P-1", 2024, "S-1", 1, {}}).ok());
  ASSERT_TRUE(store().Commit().ok());

  auto b = store().LoadRegistry();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  std::vector<std::string> parties;
  for (const Party& p : b->parties) parties.push_back(p.id);
  EXPECT_EQ(parties, (std::vector<std::string>{"P-1", "P-10", "P-2"}));
  std::vector<std::pair<std::string, int>> decisions;
  for (const Decision& d : b->decisions) decisions.emplace_back(d.party, d.cycle);
  EXPECT_EQ(decisions, (std::vector<std::pair<std::string, int>>{
                           {"P-1", 2024}, {"P-1", 2025}, {"P-10", 2000}, {"P-2", 2025}}));
  std::vector<std::string> engagements;
  for (const Engagement& e : b->engagements) {
    engagements.push_back(e.date.ToString() + "/" + std::string(ToString(e.kind)));
  }
  EXPECT_EQ(engagements, (std::vector<std::string>{"2025-06-01/contact", "2025-06-01/severed",
                                                   "2025-06-02/contact", "2025-06-02/severed"}));
  ASSERT_EQ(b->findings.size(), 2u);
  EXPECT_EQ(b->findings[0].cycle, 2024);
}

TEST_P(StoreTest, PutReplacesTheWholeRecord) {
  Registry r;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(PutAll(store(), r).ok());
  ASSERT_TRUE(store().Commit().ok());

  Party unit = r.unit;
  unit.name = "Renamed unit";
  unit.parent.reset();
  unit.splinter_of.reset();
  unit.aliases = {"U"};
  Commitment commitment = r.commitment;
  commitment.measures.pop_back();
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(unit).ok());
  ASSERT_TRUE(store().Put(commitment).ok());
  ASSERT_TRUE(store().Commit().ok());

  auto b = store().LoadRegistry();
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->parties.size(), 2u);
  ExpectSame(b->parties[1], unit);
  ExpectOne(b->commitments, commitment, "commitments");
}

TEST_P(StoreTest, IncidentRoundTripsWithAndWithoutOptionals) {
  const Incident full = MakeIncident("I-1");
  const Incident minimal = MinimalIncident("I-2");
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutIncident(full, 0).ok());
  ASSERT_TRUE(store().PutIncident(minimal, 0).ok());
  ASSERT_TRUE(store().Commit().ok());
  Reopen();

  auto got = store().GetIncident("I-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  ExpectSame(**got, full);
  got = store().GetIncident("I-2");
  ASSERT_TRUE(got.ok() && got->has_value());
  ExpectSame(**got, minimal);
  EXPECT_FALSE((*got)->narrative.has_value());
  EXPECT_FALSE((*got)->location.lat.has_value());
  EXPECT_TRUE((*got)->nexus.empty());
  EXPECT_TRUE((*got)->perpetrators.empty());

  auto missing = store().GetIncident("I-3");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_TRUE(*store().HasIncident("I-1"));
  EXPECT_FALSE(*store().HasIncident("I-3"));
}

TEST_P(StoreTest, PutIncidentInsertsUpdatesAndSeesDuplicatesWithinAnImport) {
  ASSERT_TRUE(store().Begin().ok());
  auto first = store().StartImport(MakeImport("a.csv"));
  ASSERT_TRUE(first.ok());
  Incident v = MakeIncident("I-1");
  auto put = store().PutIncident(v, *first);
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(*put, PutOutcome::kInserted);

  Incident again = v;
  again.location.name = "Other town";
  put = store().PutIncident(again, *first);
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(*put, PutOutcome::kDuplicateInImport);
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ((*store().GetIncident("I-1"))->location.name, "Town X");  // the first one stays

  ASSERT_TRUE(store().Begin().ok());
  auto second = store().StartImport(MakeImport("b.csv"));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
  put = store().PutIncident(again, *second);
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(*put, PutOutcome::kUpdated);
  put = store().PutIncident(v, *second);
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(*put, PutOutcome::kDuplicateInImport);
  ASSERT_TRUE(store().Commit().ok());

  EXPECT_EQ((*store().GetIncident("I-1"))->location.name, "Other town");
  EXPECT_EQ(store().Counts()->Of(Collection::kIncidents), 1);
}

TEST_P(StoreTest, ImportZeroAlwaysUpdates) {
  ASSERT_TRUE(store().Begin().ok());
  Incident v = MakeIncident("I-1");
  EXPECT_EQ(*store().PutIncident(v, 0), PutOutcome::kInserted);
  v.status = IncidentStatus::kNotVerified;
  EXPECT_EQ(*store().PutIncident(v, 0), PutOutcome::kUpdated);
  v.status = IncidentStatus::kUnderVerification;
  EXPECT_EQ(*store().PutIncident(v, 0), PutOutcome::kUpdated);
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ((*store().GetIncident("I-1"))->status, IncidentStatus::kUnderVerification);
}

TEST_P(StoreTest, PutIncidentReplacingHandsBackTheReplacedIncident) {
  ASSERT_TRUE(store().Begin().ok());
  Incident v = MakeIncident("I-1");
  v.narrative = "first account";
  std::optional<Incident> replaced;
  EXPECT_EQ(*store().PutIncidentReplacing(v, 0, &replaced), PutOutcome::kInserted);
  EXPECT_FALSE(replaced.has_value());
  Incident edited = v;
  edited.status = IncidentStatus::kNotVerified;
  edited.narrative = "second account";
  // Within the transaction that inserted it, and after a commit.
  EXPECT_EQ(*store().PutIncidentReplacing(edited, 0, &replaced), PutOutcome::kUpdated);
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->status, v.status);
  EXPECT_EQ(replaced->narrative, v.narrative);
  ASSERT_TRUE(store().Commit().ok());
  ASSERT_TRUE(store().Begin().ok());
  Incident third = edited;
  third.victims.girls = 4;
  EXPECT_EQ(*store().PutIncidentReplacing(third, 0, &replaced), PutOutcome::kUpdated);
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->status, IncidentStatus::kNotVerified);
  EXPECT_EQ(replaced->narrative, edited.narrative);
  EXPECT_EQ(replaced->victims.girls, edited.victims.girls);
  ASSERT_TRUE(store().Commit().ok());
  // The update itself wrote what it was given.
  auto stored = store().GetIncident("I-1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->victims.girls, 4);
  EXPECT_EQ((*stored)->narrative, third.narrative);
  // The ledger's index serves registry records only.
  EXPECT_EQ(store().LatestStateDigest("incidents", "I-1").status().code(),
            StatusCode::kInvalidArgument);
  auto none = store().LatestStateDigest("parties", "P-NONE");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
}

TEST_P(StoreTest, IncidentsPreparedOnAnotherThreadAreStoredAsPutIncidentStoresThem) {
  std::unique_ptr<Store> sealed = OpenWithKeys(11);
  ASSERT_NE(sealed, nullptr);
  ASSERT_TRUE(sealed->Begin().ok());
  ASSERT_TRUE(sealed->Put(MakeSituation("SIT-A")).ok());
  ASSERT_TRUE(sealed->Put(MakeSource("S-1")).ok());
  // Half the incidents are written plainly; the other half are prepared on a
  // second thread while the first writes, as an import does.
  constexpr int kCount = 400;
  std::vector<Incident> incidents;
  for (int i = 0; i < kCount; ++i) {
    Incident v = MakeIncident("I-" + std::to_string(1000 + i));
    v.consent = i % 3 == 0 ? Consent::kIdentifiedSharing : Consent::kInternalUse;
    v.location.lat = 1.5 + i;
    incidents.push_back(std::move(v));
  }
  std::vector<PreparedIncident> prepared(kCount);
  std::vector<Status> prepared_status(kCount);
  std::thread preparing([&] {
    for (int i = 1; i < kCount; i += 2) {
      prepared_status[i] = sealed->PrepareIncident(incidents[i], &prepared[i]);
    }
  });
  for (int i = 0; i < kCount; i += 2) {
    ASSERT_EQ(*sealed->PutIncident(incidents[i], 0), PutOutcome::kInserted);
  }
  preparing.join();
  for (int i = 1; i < kCount; i += 2) {
    ASSERT_TRUE(prepared_status[i].ok()) << prepared_status[i].ToString();
    // Sealed under the data key: the stored form is not the plain text.
    EXPECT_NE(prepared[i].narrative, incidents[i].narrative);
    auto outcome = sealed->PutPreparedIncident(incidents[i], prepared[i], 0, nullptr);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(*outcome, PutOutcome::kInserted);
  }
  ASSERT_TRUE(sealed->Commit().ok());
  for (const Incident& v : incidents) {
    auto back = sealed->GetIncident(v.id);
    ASSERT_TRUE(back.ok() && back->has_value()) << back.status().ToString();
    ExpectSame(**back, v);
  }
}

TEST_P(StoreTest, RollbackLeavesTheStoreExactlyAsBefore) {
  Registry r;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(PutAll(store(), r).ok());
  auto import_id = store().StartImport(MakeImport("base.csv"));
  ASSERT_TRUE(import_id.ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), *import_id).ok());
  ASSERT_TRUE(store().FinishImport(*import_id, 1, 0).ok());
  ASSERT_TRUE(store().Commit().ok());

  const CollectionCounts counts_before = *store().Counts();
  const auto imports_before = *store().ListImports();
  const int64_t version_before = Version(store());

  ASSERT_TRUE(store().Begin().ok());
  auto rolled = store().StartImport(MakeImport("rolled.csv"));
  ASSERT_TRUE(rolled.ok());
  Incident changed = MakeIncident("I-1");
  changed.location.name = "Changed";
  ASSERT_TRUE(store().PutIncident(changed, *rolled).ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-2"), *rolled).ok());
  Situation sit = r.situation;
  sit.name = "Changed";
  ASSERT_TRUE(store().Put(sit).ok());
  ASSERT_TRUE(store().Put(MakeSituation("SIT-B")).ok());
  ASSERT_TRUE(store().DeleteDecision("P-1", 2025).ok());
  ASSERT_TRUE(store().FinishImport(*rolled, 2, 0).ok());
  EXPECT_EQ(store().Counts()->Of(Collection::kIncidents), 2);  // visible inside
  store().Rollback();
  EXPECT_FALSE(store().InTransaction());

  const CollectionCounts counts_after = *store().Counts();
  for (size_t i = 0; i < 12; ++i) EXPECT_EQ(counts_after.counts[i], counts_before.counts[i]) << i;
  const auto imports_after = *store().ListImports();
  ASSERT_EQ(imports_after.size(), imports_before.size());
  EXPECT_EQ(imports_after[0].file, "base.csv");
  EXPECT_EQ(imports_after[0].accepted, 1);
  EXPECT_EQ(Version(store()), version_before);
  EXPECT_EQ((*store().GetIncident("I-1"))->location.name, "Town X");
  EXPECT_FALSE(*store().HasIncident("I-2"));
  auto b = store().LoadRegistry();
  ASSERT_TRUE(b.ok());
  ExpectOne(b->situations, r.situation, "situations");
  ExpectOne(b->decisions, r.decision, "decisions");

  // The rolled-back import left nothing behind that could make a later
  // import's rows look like duplicates.
  ASSERT_TRUE(store().Begin().ok());
  auto next = store().StartImport(MakeImport("next.csv"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*store().PutIncident(MakeIncident("I-2"), *next), PutOutcome::kInserted);
  store().Rollback();
  store().Rollback();  // harmless without a transaction
}

TEST_P(StoreTest, TransactionObjectRollsBackUnlessCommitted) {
  {
    Transaction txn(&store());
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), 0).ok());
  }
  EXPECT_FALSE(store().InTransaction());
  EXPECT_FALSE(*store().HasIncident("I-1"));
  {
    Transaction txn(&store());
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), 0).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_TRUE(*store().HasIncident("I-1"));
}

TEST_P(StoreTest, ClosingWithAnOpenTransactionKeepsNothing) {
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(MakeSituation("SIT-A")).ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), 0).ok());
  Reopen();
  EXPECT_FALSE(*store().HasIncident("I-1"));
  EXPECT_EQ(store().Counts()->Of(Collection::kSituations), 0);
  EXPECT_EQ(Version(store()), 0);
}

TEST_P(StoreTest, CommitBumpsDataVersionOnlyWhenSomethingWasWritten) {
  const int64_t v0 = Version(store());
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ(Version(store()), v0);

  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), 0).ok());
  ASSERT_TRUE(store().Commit().ok());
  const int64_t v1 = Version(store());
  EXPECT_GT(v1, v0);

  // A duplicate within an import writes nothing; a missing decision neither.
  ASSERT_TRUE(store().Begin().ok());
  auto import_id = store().StartImport(MakeImport("a.csv"));
  ASSERT_TRUE(import_id.ok());
  ASSERT_TRUE(store().Commit().ok());
  const int64_t v2 = Version(store());
  EXPECT_GT(v2, v1);  // the import log is data too

  ASSERT_TRUE(store().Begin().ok());
  Status missing = store().DeleteDecision("P-9", 2025);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ(Version(store()), v2);

  // Meta holds caches: writing it does not make the data newer.
  ASSERT_TRUE(store().PutMeta("digest_cache", "abc").ok());
  EXPECT_EQ(Version(store()), v2);

  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(MakeSituation("SIT-A")).ok());
  store().Rollback();
  EXPECT_EQ(Version(store()), v2);
  Reopen();
  EXPECT_EQ(Version(store()), v2);
}

TEST_P(StoreTest, WritesOutsideATransactionAreRefused) {
  EXPECT_EQ(store().PutIncident(MakeIncident("I-1"), 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Put(MakeSituation("SIT-A")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().StartImport(MakeImport("a.csv")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Commit().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store().Begin().ok());
  EXPECT_EQ(store().Begin().code(), StatusCode::kInvalidArgument);
  store().Rollback();
  EXPECT_EQ(store().Counts()->Of(Collection::kIncidents), 0);
}

TEST_P(StoreTest, ScansAreInIdOrderAndFactsCoverEveryIncident) {
  ASSERT_TRUE(store().Begin().ok());
  for (const char* id : {"I-3", "I-10", "I-1", "A-9", "I-2"}) {
    ASSERT_TRUE(store().PutIncident(MakeIncident(id), 0).ok());
  }
  ASSERT_TRUE(store().Commit().ok());
  const std::vector<std::string> expected = {"A-9", "I-1", "I-10", "I-2", "I-3"};
  EXPECT_EQ(ScanIds(store()), expected);
  std::vector<std::string> facts_ids;
  ASSERT_TRUE(store()
                  .ScanIncidentFacts([&](const IncidentFacts& f) {
                    facts_ids.emplace_back(f.id);
                    return Status::Ok();
                  })
                  .ok());
  std::sort(facts_ids.begin(), facts_ids.end());  // facts come in no particular order
  EXPECT_EQ(facts_ids, expected);

  // A scan decodes every field, like GetIncident.
  Status s = store().ScanIncidents([&](const Incident& v) {
    ExpectSame(v, MakeIncident(v.id));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
  // The scan without narratives gives the same records, narrative unread.
  std::vector<std::string> without;
  s = store().ScanIncidentsWithoutNarratives([&](const Incident& v) {
    without.push_back(v.id);
    EXPECT_FALSE(v.narrative.has_value()) << v.id;
    Incident expected = MakeIncident(v.id);
    expected.narrative.reset();
    ExpectSame(v, expected);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(without, expected);
}

TEST_P(StoreTest, ScanStopsAtTheCallbacksError) {
  ASSERT_TRUE(store().Begin().ok());
  for (const char* id : {"I-1", "I-2", "I-3"}) {
    ASSERT_TRUE(store().PutIncident(MakeIncident(id), 0).ok());
  }
  ASSERT_TRUE(store().Commit().ok());
  int seen = 0;
  Status s = store().ScanIncidentFacts(
      [&](const IncidentFacts&) { return ++seen == 2 ? Status::Conflict("stop") : Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_EQ(seen, 2);
  // The store stays usable, and a scan nested in a scan works.
  int outer = 0, inner = 0;
  s = store().ScanIncidents([&](const Incident&) {
    ++outer;
    return store().ScanIncidents([&](const Incident&) {
      ++inner;
      return Status::Ok();
    });
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(outer, 3);
  EXPECT_EQ(inner, 9);
}

TEST_P(StoreTest, ScanIncidentFactsProjectsTheAssessmentFields) {
  Incident a = MakeIncident("I-1");
  a.perpetrators = {{"P-1", Standard::kCredibleInformation},
                    {"P-2.unit_x", Standard::kReasonableGrounds},
                    {"P-3", Standard::kClearAndConvincing}};
  a.consent = Consent::kWithdrawn;
  Incident b = MinimalIncident("I-2");
  b.status = IncidentStatus::kUnderVerification;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutIncident(a, 0).ok());
  ASSERT_TRUE(store().PutIncident(b, 0).ok());
  ASSERT_TRUE(store().Commit().ok());

  struct Seen {
    std::string id, situation, location;
    Date date;
    IncidentStatus status;
    Consent consent;
    size_t violations, nexus;
    std::vector<std::pair<std::string, Standard>> perpetrators;
  };
  std::vector<Seen> seen;
  ASSERT_TRUE(store()
                  .ScanIncidentFacts([&](const IncidentFacts& f) {
                    Seen s{std::string(f.id),
                           std::string(f.situation),
                           std::string(f.location_name),
                           f.date,
                           f.status,
                           f.consent,
                           f.violation_count,
                           f.nexus_count,
                           {}};
                    for (const FactAttribution& p : f.perpetrators) {
                      s.perpetrators.emplace_back(std::string(p.party), p.standard);
                    }
                    seen.push_back(std::move(s));
                    return Status::Ok();
                  })
                  .ok());
  // Facts come in no particular order.
  std::sort(seen.begin(), seen.end(), [](const Seen& x, const Seen& y) { return x.id < y.id; });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].id, "I-1");
  EXPECT_EQ(seen[0].situation, "SIT-A");
  EXPECT_EQ(seen[0].location, "Town X");
  EXPECT_EQ(seen[0].date, D(2025, 1, 10));
  EXPECT_EQ(seen[0].status, IncidentStatus::kVerified);
  EXPECT_EQ(seen[0].consent, Consent::kWithdrawn);
  EXPECT_EQ(seen[0].violations, 2u);
  EXPECT_EQ(seen[0].nexus, 2u);
  const std::vector<std::pair<std::string, Standard>> perps = {
      {"P-1", Standard::kCredibleInformation},
      {"P-2.unit_x", Standard::kReasonableGrounds},
      {"P-3", Standard::kClearAndConvincing}};
  EXPECT_EQ(seen[0].perpetrators, perps);
  EXPECT_EQ(seen[1].id, "I-2");
  EXPECT_EQ(seen[1].status, IncidentStatus::kUnderVerification);
  EXPECT_EQ(seen[1].consent, Consent::kAggregateReporting);
  EXPECT_EQ(seen[1].violations, 1u);
  EXPECT_EQ(seen[1].nexus, 0u);
  EXPECT_TRUE(seen[1].perpetrators.empty());

  // FactsOf() on the stored incident agrees with the scan.
  const Incident stored = **store().GetIncident("I-1");
  const IncidentFacts direct = FactsOf(stored);
  EXPECT_EQ(direct.violation_count, seen[0].violations);
  EXPECT_EQ(direct.perpetrators.size(), seen[0].perpetrators.size());
}

TEST_P(StoreTest, ReopenKeepsEverything) {
  Registry r;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(PutAll(store(), r).ok());
  auto import_id = store().StartImport(MakeImport("a.csv"));
  ASSERT_TRUE(import_id.ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), *import_id).ok());
  ASSERT_TRUE(store().FinishImport(*import_id, 1, 2).ok());
  ASSERT_TRUE(store().Commit().ok());
  ASSERT_TRUE(store().PutMeta("k", "v").ok());
  const int64_t version = Version(store());
  const int schema = store().SchemaVersion();
  Reopen();
  EXPECT_EQ(Version(store()), version);
  EXPECT_EQ(store().SchemaVersion(), schema);
  EXPECT_EQ(*store().GetMeta("k"), std::optional<std::string>("v"));
  EXPECT_TRUE(*store().HasIncident("I-1"));
  auto imports = store().ListImports();
  ASSERT_TRUE(imports.ok());
  ASSERT_EQ(imports->size(), 1u);
  const ImportRecord& rec = (*imports)[0];
  EXPECT_EQ(rec.id, *import_id);
  EXPECT_EQ(rec.file, "a.csv");
  EXPECT_EQ(rec.format, "incidents-csv");
  EXPECT_EQ(rec.file_digest, std::string(64, 'd'));
  EXPECT_EQ(rec.started_at, "2025-01-01T00:00:00Z");
  EXPECT_EQ(rec.accepted, 1);
  EXPECT_EQ(rec.rejected, 2);
  EXPECT_EQ(rec.principal, "analyst");
  EXPECT_EQ(store().LoadRegistry()->parties.size(), 2u);
}

TEST_P(StoreTest, ImportLog) {
  ASSERT_TRUE(store().Begin().ok());
  auto a = store().StartImport(MakeImport("a.csv"));
  auto b = store().StartImport(MakeImport("b.csv"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT(*a, 0);
  EXPECT_GT(*b, *a);
  ASSERT_TRUE(store().FinishImport(*b, 5, 1).ok());
  EXPECT_EQ(store().FinishImport(*b + 100, 1, 1).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store().Commit().ok());
  auto list = store().ListImports();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].file, "a.csv");
  EXPECT_EQ((*list)[0].accepted, 0);
  EXPECT_EQ((*list)[1].accepted, 5);
  EXPECT_EQ((*list)[1].rejected, 1);
}

TEST_P(StoreTest, DeleteDecision) {
  Registry r;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(PutAll(store(), r).ok());
  ASSERT_TRUE(store().Commit().ok());
  ASSERT_TRUE(store().Begin().ok());
  EXPECT_EQ(store().DeleteDecision("P-1", 2024).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store().DeleteDecision("P-1", 2025).ok());
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_TRUE(store().LoadRegistry()->decisions.empty());
}

TEST_P(StoreTest, Meta) {
  auto missing = store().GetMeta("nothing");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(store().PutMeta("k", "one").ok());
  ASSERT_TRUE(store().PutMeta("k", "two").ok());
  EXPECT_EQ(*store().GetMeta("k"), std::optional<std::string>("two"));
  ASSERT_TRUE(store().PutMeta("empty", "").ok());
  EXPECT_EQ(*store().GetMeta("empty"), std::optional<std::string>(""));
  EXPECT_EQ(store().PutMeta("data_version", "7").code(), StatusCode::kInvalidArgument);
  // ListMeta: the keys with a prefix, in key order; no wildcard in it.
  for (const char* key : {"api_token:b", "api_token:a", "api_token;x", "api_tokenx", "%_token:"}) {
    ASSERT_TRUE(store().PutMeta(key, std::string(key) + "=v").ok());
  }
  auto tokens = store().ListMeta("api_token:");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0], std::make_pair(std::string("api_token:a"), std::string("api_token:a=v")));
  EXPECT_EQ((*tokens)[1].first, "api_token:b");
  auto wild = store().ListMeta("%_");
  ASSERT_TRUE(wild.ok());
  ASSERT_EQ(wild->size(), 1u);
  EXPECT_EQ((*wild)[0].first, "%_token:");
}

TEST_P(StoreTest, NameReviewsUpsertByOriginAndQueryAndKeepTheirId) {
  EXPECT_TRUE(store().ListNameReviews().value().empty());
  EXPECT_FALSE(store().GetNameReview(1).value().has_value());

  NameReview first;
  first.origin = "acled";
  first.query = "Forces armées de A";
  first.provisional_party = "ACLED-P-1";
  first.candidates = R"([{"party":"P-1","name":"Army of A","score":0.85}])";
  first.reason = "score 0.850 by tokens";
  NameReview second = first;
  second.query = "Militia B";
  second.provisional_party = "ACLED-P-2";

  NameReview outside = first;
  EXPECT_FALSE(store().PutNameReview(outside).ok()) << "writes need a transaction";

  ASSERT_TRUE(store().Begin().ok());
  auto id1 = store().PutNameReview(first);
  auto id2 = store().PutNameReview(second);
  ASSERT_TRUE(id1.ok()) << id1.status().ToString();
  ASSERT_TRUE(id2.ok()) << id2.status().ToString();
  EXPECT_NE(*id1, *id2);
  NameReview bad = first;
  bad.status = "maybe";
  EXPECT_EQ(store().PutNameReview(bad).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store().Commit().ok());

  // Deciding an entry replaces its fields but keeps its id.
  NameReview decided = first;
  decided.status = "accepted";
  decided.resolved_party = "P-1";
  decided.decided_by = "analyst";
  decided.decided_at = "2025-03-01T10:00:00Z";
  ASSERT_TRUE(store().Begin().ok());
  auto again = store().PutNameReview(decided);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *id1);
  ASSERT_TRUE(store().Commit().ok());

  Reopen();
  auto got = store().GetNameReview(*id1);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->origin, "acled");
  EXPECT_EQ((*got)->query, "Forces armées de A");
  EXPECT_EQ((*got)->provisional_party, "ACLED-P-1");
  EXPECT_EQ((*got)->candidates, first.candidates);
  EXPECT_EQ((*got)->reason, first.reason);
  EXPECT_EQ((*got)->status, "accepted");
  EXPECT_EQ((*got)->resolved_party, "P-1");
  EXPECT_EQ((*got)->decided_by, "analyst");
  EXPECT_EQ((*got)->decided_at, "2025-03-01T10:00:00Z");

  auto all = store().ListNameReviews();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *id1);
  EXPECT_EQ((*all)[1].id, *id2);
  EXPECT_EQ((*all)[1].status, "pending");
  EXPECT_EQ((*all)[1].query, "Militia B");
}

TEST_P(StoreTest, RolledBackNameReviewsLeaveNothing) {
  NameReview v;
  v.origin = "hxl";
  v.query = "Group C";
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutNameReview(v).ok());
  store().Rollback();
  EXPECT_TRUE(store().ListNameReviews().value().empty());
}

TEST_P(StoreTest, IntegrityCheckIsOk) {
  Registry r;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(PutAll(store(), r).ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), 0).ok());
  ASSERT_TRUE(store().Commit().ok());
  auto check = store().IntegrityCheck();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(*check, "ok");
}

TEST_P(StoreTest, TenThousandIncidentsInOneTransaction) {
  constexpr int kCount = 10000;
  ASSERT_TRUE(store().Begin().ok());
  auto import_id = store().StartImport(MakeImport("big.csv"));
  ASSERT_TRUE(import_id.ok());
  Incident v = MakeIncident("");
  char id[32];
  for (int i = kCount; i > 0; --i) {  // reverse order: the store sorts
    std::snprintf(id, sizeof id, "I-%06d", i);
    v.id = id;
    v.victims.women = i;
    auto put = store().PutIncident(v, *import_id);
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    ASSERT_EQ(*put, PutOutcome::kInserted);
  }
  ASSERT_TRUE(store().FinishImport(*import_id, kCount, 0).ok());
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ(store().Counts()->Of(Collection::kIncidents), kCount);
  int n = 0;
  std::string last;
  Status s = store().ScanIncidents([&](const Incident& got) {
    ++n;
    EXPECT_LT(last, got.id);
    EXPECT_EQ(got.victims.women, n);
    last = got.id;
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(n, kCount);
}

// Many writers, each with its own store, append to the audit chain at once,
// each re-reading the head and retrying when another writer got there
// first. The chain must come out whole: seqs 1..N without a gap, each record
// linked to the one before, and a record that does not extend the head is
// refused.
TEST_P(StoreTest, AuditAppendsFromManyWritersFormOneChain) {
  constexpr int kWriters = 6;
  constexpr int kEach = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto opened = GetParam().open(location_, StoreOptions{});
      if (!opened.ok()) {
        ++failures;
        ADD_FAILURE() << opened.status().ToString();
        return;
      }
      std::unique_ptr<Store> s = std::move(opened).value();
      for (int i = 0; i < kEach; ++i) {
        for (int attempt = 0;; ++attempt) {
          auto head = s->GetAuditHead();
          if (!head.ok() || attempt > 1000) {
            ++failures;
            ADD_FAILURE() << (head.ok() ? "no progress" : head.status().ToString());
            return;
          }
          security::AuditRecord r;
          r.seq = head->seq + 1;
          r.time_ms = 1735689600000 + i;
          r.principal = "writer-" + std::to_string(w);
          r.action = "test.append";
          r.prev_hash = head->hash;
          r.hash = Blake2bHex(r.principal + "/" + std::to_string(i) + "/" + r.prev_hash);
          Status st = s->AppendAuditRecord(r);
          if (st.ok()) break;
          if (st.code() != StatusCode::kConflict) {
            ++failures;
            ADD_FAILURE() << st.ToString();
            return;
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);

  uint64_t expected_seq = 1;
  std::string prev = security::AuditGenesisHash();
  Status scan = store().ScanAuditRecords([&](const security::AuditRecord& r) {
    EXPECT_EQ(r.seq, expected_seq);
    EXPECT_EQ(r.prev_hash, prev);
    ++expected_seq;
    prev = r.hash;
    return Status::Ok();
  });
  ASSERT_TRUE(scan.ok()) << scan.ToString();
  EXPECT_EQ(expected_seq - 1, static_cast<uint64_t>(kWriters * kEach));
  auto head = store().GetAuditHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, static_cast<uint64_t>(kWriters * kEach));
  EXPECT_EQ(head->hash, prev);

  // A fork (a second record after the same predecessor) is refused.
  security::AuditRecord fork;
  fork.seq = head->seq;
  fork.time_ms = 1;
  fork.principal = "forker";
  fork.action = "test.fork";
  fork.hash = std::string(64, 'f');
  auto before_last = [&] {
    std::string h = security::AuditGenesisHash();
    (void)store().ScanAuditRecords([&](const security::AuditRecord& r) {
      if (r.seq + 1 == head->seq) h = r.hash;
      return Status::Ok();
    });
    return h;
  }();
  fork.prev_hash = before_last;
  EXPECT_EQ(store().AppendAuditRecord(fork).code(), StatusCode::kConflict);
  EXPECT_EQ(Version(store()), 0);  // audit writes are not data changes
}

// Two imports run at once, each in its own store and transaction, with
// overlapping ids. The result is that of running them one after the other:
// every shared id carries the values of one import only (the later one), and
// nothing is lost.
TEST_P(StoreTest, TwoImportsAtOnceEndAsOneAfterTheOther) {
  auto run = [&](const std::string& file, int first, int last, Status* out) {
    auto opened = GetParam().open(location_, StoreOptions{});
    if (!opened.ok()) {
      *out = opened.status();
      return;
    }
    std::unique_ptr<Store> s = std::move(opened).value();
    *out = [&]() -> Status {
      Transaction txn(s.get());
      MARA_RETURN_IF_ERROR(txn.Begin());
      MARA_ASSIGN_OR_RETURN(int64_t import_id, s->StartImport(MakeImport(file)));
      Incident v = MakeIncident("");
      v.location.name = file;
      char id[32];
      for (int i = first; i <= last; ++i) {
        std::snprintf(id, sizeof id, "I-%05d", i);
        v.id = id;
        MARA_ASSIGN_OR_RETURN(PutOutcome outcome, s->PutIncident(v, import_id));
        (void)outcome;
        if (i % 50 == 0) std::this_thread::yield();
      }
      MARA_RETURN_IF_ERROR(s->FinishImport(import_id, last - first + 1, 0));
      return txn.Commit();
    }();
  };
  Status a, b;
  std::thread ta(run, "a.csv", 0, 599, &a);
  std::thread tb(run, "b.csv", 300, 899, &b);
  ta.join();
  tb.join();
  ASSERT_TRUE(a.ok()) << a.ToString();
  ASSERT_TRUE(b.ok()) << b.ToString();

  auto imports = store().ListImports();
  ASSERT_TRUE(imports.ok());
  ASSERT_EQ(imports->size(), 2u);
  const std::string later = (*imports)[1].file;
  EXPECT_EQ(store().Counts()->Of(Collection::kIncidents), 900);
  int shared = 0;
  Status scan = store().ScanIncidents([&](const Incident& v) {
    const int n = std::stoi(v.id.substr(2));
    const std::string expected = n < 300 ? "a.csv" : n >= 600 ? "b.csv" : later;
    EXPECT_EQ(v.location.name, expected) << v.id;
    if (n >= 300 && n < 600) ++shared;
    return Status::Ok();
  });
  ASSERT_TRUE(scan.ok()) << scan.ToString();
  EXPECT_EQ(shared, 300);
  EXPECT_EQ(Version(store()), 2);
}

// Sixteen writers, each with its own store (its own connection), increment
// one incident's counter by reading it and writing it back inside one
// transaction. Because writers are serialised and a transaction reads what
// was committed before it, no increment is lost: the read, the comparison
// and the write of a transaction form a compare-and-swap across connections.
TEST_P(StoreTest, ReadThenWriteInOneTransactionLosesNoUpdateAcrossConnections) {
  constexpr int kWriters = 16;
  constexpr int kEach = 6;
  ASSERT_TRUE(store().Begin().ok());
  Incident seed = MakeIncident("I-CAS");
  seed.victims.women = 0;
  ASSERT_TRUE(store().PutIncident(seed, 0).ok());
  ASSERT_TRUE(store().Commit().ok());
  const int64_t version_before = Version(store());

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&] {
      auto opened = GetParam().open(location_, StoreOptions{});
      if (!opened.ok()) {
        ++failures;
        ADD_FAILURE() << opened.status().ToString();
        return;
      }
      std::unique_ptr<Store> s = std::move(opened).value();
      for (int i = 0; i < kEach; ++i) {
        Status st = [&]() -> Status {
          Transaction txn(s.get());
          MARA_RETURN_IF_ERROR(txn.Begin());
          MARA_ASSIGN_OR_RETURN(std::optional<Incident> v, s->GetIncident("I-CAS"));
          if (!v) return Status::NotFound("I-CAS vanished");
          std::this_thread::yield();  // widen the window a lost update would need
          ++v->victims.women;
          MARA_RETURN_IF_ERROR(s->PutIncident(*v, 0).status());
          return txn.Commit();
        }();
        if (!st.ok()) {
          ++failures;
          ADD_FAILURE() << st.ToString();
          return;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  auto after = store().GetIncident("I-CAS");
  ASSERT_TRUE(after.ok() && after->has_value()) << after.status().ToString();
  EXPECT_EQ((*after)->victims.women, kWriters * kEach);
  EXPECT_EQ(Version(store()), version_before + kWriters * kEach);
}

// ---------------------------------------------------------------- security

TEST_P(StoreTest, UsersRoundTripInNameOrder) {
  UserRecord a{"zoe", "$argon2id$x",         {"analyst", "monitor"}, {"SIT-A", "SIT-B"},
               false, "2025-01-01T00:00:00Z"};
  UserRecord b{"amal", "", {"reviewer"}, {}, true, "2025-01-02T00:00:00Z"};
  EXPECT_EQ(store().PutUser(a).code(), StatusCode::kInvalidArgument);  // no transaction
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutUser(a).ok());
  ASSERT_TRUE(store().PutUser(b).ok());
  ASSERT_TRUE(store().Commit().ok());
  auto users = store().ListUsers();
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "amal");
  EXPECT_TRUE((*users)[0].disabled);
  EXPECT_TRUE((*users)[0].situations.empty());
  EXPECT_EQ((*users)[1].roles, (std::vector<std::string>{"analyst", "monitor"}));
  EXPECT_EQ((*users)[1].situations, (std::vector<std::string>{"SIT-A", "SIT-B"}));
  EXPECT_EQ((*users)[1].password_hash, "$argon2id$x");
  // Upsert replaces the record whole.
  a.roles = {"viewer"};
  a.disabled = true;
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutUser(a).ok());
  ASSERT_TRUE(store().Commit().ok());
  auto got = store().GetUser("zoe");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->roles, (std::vector<std::string>{"viewer"}));
  EXPECT_TRUE((*got)->disabled);
  auto missing = store().GetUser("nobody");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreTest, UsersKeepTheirPreferredLanguage) {
  UserRecord a{"zoe", "", {"viewer"}, {}, false, "2025-01-01T00:00:00Z", "ar"};
  UserRecord b{"amal", "", {"viewer"}, {}, false, "2025-01-02T00:00:00Z"};
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutUser(a).ok());
  ASSERT_TRUE(store().PutUser(b).ok());
  ASSERT_TRUE(store().Commit().ok());
  auto users = store().ListUsers();
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].language, "");
  EXPECT_EQ((*users)[1].language, "ar");
  // Changed and cleared by the upsert, like every other field.
  a.language = "zh";
  b.language = "fr";
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutUser(a).ok());
  ASSERT_TRUE(store().PutUser(b).ok());
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ((*store().GetUser("zoe"))->language, "zh");
  EXPECT_EQ((*store().GetUser("amal"))->language, "fr");
  a.language.clear();
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().PutUser(a).ok());
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ((*store().GetUser("zoe"))->language, "");
}

TEST_P(StoreTest, ImportPrincipalIsCreatorAndEditorUntilAnEditInMara) {
  ASSERT_TRUE(store().Begin().ok());
  auto import_id = store().StartImport(MakeImport("a.csv"));  // principal "analyst"
  ASSERT_TRUE(import_id.ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), *import_id).ok());
  ASSERT_TRUE(store().Commit().ok());
  auto p = store().GetIncidentProvenance("I-1");
  ASSERT_TRUE(p.ok() && p->has_value()) << p.status().ToString();
  EXPECT_EQ((*p)->created_by, "analyst");
  EXPECT_EQ((*p)->last_edited_by, "analyst");

  ASSERT_TRUE(store().Begin().ok());
  ImportRecord second = MakeImport("b.csv");
  second.principal = "admin2";
  auto second_id = store().StartImport(second);
  ASSERT_TRUE(second_id.ok());
  ASSERT_TRUE(store().PutIncident(MakeIncident("I-1"), *second_id).ok());
  ASSERT_TRUE(store().SetIncidentEditor("I-1", "monitor1").ok());
  EXPECT_EQ(store().SetIncidentEditor("I-404", "monitor1").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store().Commit().ok());
  p = store().GetIncidentProvenance("I-1");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->created_by, "analyst");
  EXPECT_EQ((*p)->last_edited_by, "monitor1");
  auto none = store().GetIncidentProvenance("I-404");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_P(StoreTest, AuditHeadStartsAtGenesisAndCheckpointsListInOrder) {
  auto head = store().GetAuditHead();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->seq, 0u);
  EXPECT_EQ(head->hash, security::AuditGenesisHash());
  security::AuditRecord r;
  r.seq = 1;
  r.time_ms = 5;
  r.principal = "operator";
  r.action = "user.add";
  r.prev_hash = security::AuditGenesisHash();
  r.hash = std::string(64, 'a');
  ASSERT_TRUE(store().AppendAuditRecord(r).ok());  // outside a transaction
  // Inside a rolled-back transaction nothing stays.
  ASSERT_TRUE(store().Begin().ok());
  security::AuditRecord r2 = r;
  r2.seq = 2;
  r2.prev_hash = r.hash;
  r2.hash = std::string(64, 'b');
  ASSERT_TRUE(store().AppendAuditRecord(r2).ok());
  store().Rollback();
  head = store().GetAuditHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 1u);
  EXPECT_EQ(head->hash, r.hash);
  ASSERT_TRUE(store().AppendAuditCheckpoint({1, r.hash, "k1", "sig1"}).ok());
  ASSERT_TRUE(store().AppendAuditCheckpoint({1, r.hash, "k2", "sig2"}).ok());
  auto cps = store().ListAuditCheckpoints();
  ASSERT_TRUE(cps.ok());
  ASSERT_EQ(cps->size(), 2u);
  EXPECT_EQ((*cps)[0].key_id, "k1");
  EXPECT_EQ((*cps)[1].signature, "sig2");
  std::vector<security::AuditRecord> all;
  ASSERT_TRUE(store()
                  .ScanAuditRecords([&](const security::AuditRecord& x) {
                    all.push_back(x);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], r);
}

TEST_P(StoreTest, SealedFieldsNeedTheKeyAndSurviveRotation) {
  security::SeededRandom random(7);
  auto keys = std::make_shared<security::KeyMaterial>(security::GenerateKeyMaterial(random));
  store_.reset();
  StoreOptions with_keys;
  with_keys.keys = keys;
  auto opened = GetParam().open(location_, with_keys);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Store> sealed = std::move(opened).value();
  EXPECT_TRUE(sealed->HasDataKey());
  Source testimony = MakeSource("S-T");
  testimony.kind = SourceKind::kSurvivorTestimony;
  testimony.confidential = false;
  testimony.title = "What the witness said";
  ASSERT_TRUE(sealed->Begin().ok());
  ASSERT_TRUE(sealed->Put(MakeSituation("SIT-A")).ok());
  ASSERT_TRUE(sealed->Put(testimony).ok());
  ASSERT_TRUE(sealed->PutIncident(MakeIncident("I-1"), 0).ok());
  ASSERT_TRUE(sealed->Commit().ok());
  auto back = sealed->GetIncident("I-1");
  ASSERT_TRUE(back.ok() && back->has_value()) << back.status().ToString();
  EXPECT_EQ((*back)->narrative, MakeIncident("I-1").narrative);
  auto registry = sealed->LoadRegistry();
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  ASSERT_EQ(registry->sources.size(), 1u);
  EXPECT_EQ(registry->sources[0].title, "What the witness said");

  // Without the key the sealed fields are refused, not shown as ciphertext.
  Reopen();
  EXPECT_FALSE(store().HasDataKey());
  EXPECT_EQ(store().GetIncident("I-1").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store().LoadRegistry().status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(store().Begin().ok());
  EXPECT_EQ(store().ResealFields().status().code(), StatusCode::kPermissionDenied);
  store().Rollback();

  // Rotation: the new key current, the old one retired; after ResealFields
  // the old key alone no longer opens them.
  auto rotated = std::make_shared<security::KeyMaterial>(keys->Clone());
  security::RotateDataKey(*rotated, random);
  sealed.reset();
  with_keys.keys = rotated;
  opened = GetParam().open(location_, with_keys);
  ASSERT_TRUE(opened.ok());
  sealed = std::move(opened).value();
  ASSERT_TRUE(sealed->Begin().ok());
  auto n = sealed->ResealFields();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);  // the narrative and the testimony source
  ASSERT_TRUE(sealed->Commit().ok());
  ASSERT_TRUE(sealed->Begin().ok());
  n = sealed->ResealFields();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);  // already under the current key
  sealed->Rollback();
  auto only_new = std::make_shared<security::KeyMaterial>(rotated->Clone());
  security::DropRetiredDataKeys(*only_new);
  sealed.reset();
  with_keys.keys = only_new;
  opened = GetParam().open(location_, with_keys);
  ASSERT_TRUE(opened.ok());
  sealed = std::move(opened).value();
  back = sealed->GetIncident("I-1");
  ASSERT_TRUE(back.ok() && back->has_value()) << back.status().ToString();
  EXPECT_EQ((*back)->narrative, MakeIncident("I-1").narrative);
  sealed.reset();
  with_keys.keys = keys;  // the old key only
  opened = GetParam().open(location_, with_keys);
  ASSERT_TRUE(opened.ok());
  sealed = std::move(opened).value();
  EXPECT_EQ(sealed->GetIncident("I-1").status().code(), StatusCode::kNotFound);
}

Communication MakeCommunication(std::string id, std::string digest_seed) {
  Communication c;
  c.id = std::move(id);
  c.kind = CommunicationKind::kListingRequest;
  c.party = "P-1";
  c.submitter_kind = SubmitterKind::kCoalition;
  c.submitter = "Coalition for the North";
  c.submitted_by = "partner";
  c.received = D(2026, 2, 1);
  c.text = "What the coalition documented";
  c.attachments = {{std::string(64, 'a'), 12, "application/pdf"}};
  c.follow_digest = Blake2bHex(digest_seed);
  return c;
}

TEST_P(StoreTest, CommunicationsRoundTripFindByFollowDigestAndNeedTheirParty) {
  ASSERT_TRUE(store().Begin().ok());
  ASSERT_TRUE(store().Put(MakeSituation("SIT-A")).ok());
  ASSERT_TRUE(store().Put(MakeParty("P-1", "SIT-A")).ok());
  Communication b = MakeCommunication("COM-2026-0002", "token b");
  b.status = CommunicationStatus::kNoted;
  b.review_started = D(2026, 2, 2);
  b.ruled = D(2026, 2, 3);
  b.ruled_by = "dm";
  b.reason = "Kept on file";
  Communication info = MakeCommunication("COM-2026-0001", "token a");
  info.kind = CommunicationKind::kInformation;
  info.party.reset();
  ASSERT_TRUE(store().PutCommunication(b).ok());
  ASSERT_TRUE(store().PutCommunication(info).ok());
  ASSERT_TRUE(store().Commit().ok());

  auto listed = store().ListCommunications();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "COM-2026-0001");
  EXPECT_EQ(ToJson((*listed)[1]), ToJson(b));
  auto got = store().GetCommunication("COM-2026-0001");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(ToJson(**got), ToJson(info));
  EXPECT_FALSE(store().GetCommunication("COM-2026-0009").value().has_value());
  auto found = store().FindCommunicationByFollowDigest(Blake2bHex("token b"));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, "COM-2026-0002");
  EXPECT_FALSE(store().FindCommunicationByFollowDigest(Blake2bHex("x")).value().has_value());
  // Not part of the registry.
  EXPECT_TRUE(store().LoadRegistry().ok());

  // An update keeps the id; another record with the same follow digest is
  // refused; a party that does not exist fails the commit.
  ASSERT_TRUE(store().Begin().ok());
  info.text = "Corrected";
  ASSERT_TRUE(store().PutCommunication(info).ok());
  ASSERT_TRUE(store().Commit().ok());
  EXPECT_EQ(store().GetCommunication("COM-2026-0001").value()->text, "Corrected");
  ASSERT_TRUE(store().Begin().ok());
  Status dup = store().PutCommunication(MakeCommunication("COM-2026-0003", "token b"));
  EXPECT_EQ(dup.code(), StatusCode::kConflict) << dup.ToString();
  store().Rollback();
  ASSERT_TRUE(store().Begin().ok());
  Communication orphan = MakeCommunication("COM-2026-0004", "token d");
  orphan.party = "P-404";
  ASSERT_TRUE(store().PutCommunication(orphan).ok());
  EXPECT_EQ(store().Commit().code(), StatusCode::kConflict);
  store().Rollback();
  EXPECT_EQ(store().ListCommunications().value().size(), 2u);
}

TEST_P(StoreTest, CommunicationsAreSealedAtRest) {
  std::unique_ptr<Store> sealed = OpenWithKeys(11);
  ASSERT_NE(sealed, nullptr);
  ASSERT_TRUE(sealed->Begin().ok());
  ASSERT_TRUE(sealed->Put(MakeSituation("SIT-A")).ok());
  ASSERT_TRUE(sealed->Put(MakeParty("P-1", "SIT-A")).ok());
  ASSERT_TRUE(sealed->PutCommunication(MakeCommunication("COM-2026-0001", "t")).ok());
  ASSERT_TRUE(sealed->Commit().ok());
  auto back = sealed->FindCommunicationByFollowDigest(Blake2bHex("t"));
  ASSERT_TRUE(back.ok() && back->has_value()) << back.status().ToString();
  EXPECT_EQ((*back)->text, "What the coalition documented");
  // Without the key the document is refused, not shown.
  sealed.reset();
  Reopen();
  EXPECT_EQ(store().ListCommunications().status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store().FindCommunicationByFollowDigest(Blake2bHex("t")).status().code(),
            StatusCode::kPermissionDenied);
}

std::vector<Backend> Backends() {
  Backend sqlite{"sqlite", [](const std::string& location, const StoreOptions& options) {
                   return OpenSqliteStore(location, options);
                 }};
  // One scratch database per test on the server of MARA_TEST_PG_URL; without
  // a server every PostgreSQL test fails in SetUp, saying how to start one.
  Backend postgres{"postgresql",
                   [](const std::string& location,
                      const StoreOptions& options) -> Result<std::unique_ptr<Store>> {
                     MARA_ASSIGN_OR_RETURN(std::string url,
                                           pg::testing::ScratchDatabaseUrl(location));
                     return OpenPostgresStore(url, options);
                   },
                   [](const std::string& location) {
                     Status dropped = pg::testing::DropScratchDatabase(location);
                     EXPECT_TRUE(dropped.ok()) << dropped.ToString();
                   }};
  return {sqlite, postgres};
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------- SQLite only

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string PathOf(const std::string& name) { return (dir_.path() / name).string(); }

  // Runs SQL on the file directly, behind the store's back.
  void RawExec(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  std::string RawQuery(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
          if (!out.empty()) out += "|";
          const unsigned char* text = sqlite3_column_text(stmt, 0);
          out += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
        }
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return out;
  }

  std::unique_ptr<Store> MustOpen(const std::string& path) {
    auto s = OpenSqliteStore(path, {});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  TempDir dir_;
};

TEST_F(SqliteStoreTest, MissingFileWithoutCreateIsNotFound) {
  const std::string path = PathOf("absent.db");
  auto s = OpenSqliteStore(path, StoreOptions{.create_if_missing = false});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(), "database '" + path + "' does not exist (run `mara init`)");
  EXPECT_FALSE(fs::exists(path));

  ASSERT_NE(MustOpen(path), nullptr);  // creates it
  EXPECT_TRUE(OpenSqliteStore(path, StoreOptions{.create_if_missing = false}).ok());
}

TEST_F(SqliteStoreTest, FilesThatAreNotDatabasesAreCorruption) {
  std::mt19937 rng(42);
  for (size_t size : {1u, 99u, 100u, 4096u, 65536u, 300000u}) {
    SCOPED_TRACE(size);
    const std::string path = PathOf("garbage-" + std::to_string(size) + ".db");
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(size));
    for (bool create : {true, false}) {
      auto s = OpenSqliteStore(path, StoreOptions{.create_if_missing = create});
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.status().code(), StatusCode::kCorruption) << s.status().ToString();
      EXPECT_NE(s.status().message().find(path), std::string::npos) << s.status().message();
    }
    std::ifstream in(path, std::ios::binary);
    const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(after, bytes);  // left untouched
  }
}

TEST_F(SqliteStoreTest, SchemaVersionIsRecordedAndNewerVersionsAreRefused) {
  const std::string path = PathOf("v.db");
  ASSERT_NE(MustOpen(path), nullptr);
  EXPECT_EQ(RawQuery(path, "SELECT max(version) FROM schema_version"),
            std::to_string(sqlite::kLatestSchemaVersion));
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM schema_version"),
            std::to_string(sqlite::kLatestSchemaVersion));
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(static_cast<int>(sqlite::Migrations().size()), sqlite::kLatestSchemaVersion);

  // Opening again applies nothing twice.
  ASSERT_NE(MustOpen(path), nullptr);
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM schema_version"),
            std::to_string(sqlite::kLatestSchemaVersion));

  RawExec(path,
          "INSERT INTO schema_version(version, description, applied_at) "
          "VALUES (999, 'future', '2100-01-01T00:00:00Z')");
  auto s = OpenSqliteStore(path, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("schema version 999"), std::string::npos)
      << s.status().message();
}

TEST_F(SqliteStoreTest, AStoreOfVersion10GainsThePreferredLanguage) {
  const std::string path = PathOf("v10.db");
  {
    auto store = MustOpen(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Begin().ok());
    ASSERT_TRUE(
        store->PutUser({"zoe", "", {"viewer"}, {}, false, "2025-01-01T00:00:00Z", "ru"}).ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  // Back to version 10: no language column, no record of migration 11.
  RawExec(path, "ALTER TABLE users DROP COLUMN language");
  RawExec(path, "DELETE FROM schema_version WHERE version = 11");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), 11);
  EXPECT_EQ(RawQuery(path, "SELECT max(version) FROM schema_version"), "11");
  auto zoe = store->GetUser("zoe");
  ASSERT_TRUE(zoe.ok() && zoe->has_value());
  EXPECT_EQ((*zoe)->roles, (std::vector<std::string>{"viewer"}));
  EXPECT_EQ((*zoe)->language, "");
}

TEST_F(SqliteStoreTest, AnotherApplicationsDatabaseIsRefused) {
  const std::string path = PathOf("other.db");
  RawExec(path, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
  auto s = OpenSqliteStore(path, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_schema"), "1");  // untouched
}

TEST_F(SqliteStoreTest, DamagedStoredRecordsAreCorruption) {
  const std::string path = PathOf("damaged.db");
  {
    auto store = MustOpen(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Begin().ok());
    ASSERT_TRUE(store->Put(MakeSituation("SIT-A")).ok());
    ASSERT_TRUE(store->PutIncident(MakeIncident("I-1"), 0).ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  RawExec(path, "UPDATE situations SET doc = '{\"id\": ' WHERE id = 'SIT-A'");
  RawExec(path, "UPDATE incidents SET perpetrators = 'P-1:beyond_doubt' WHERE id = 'I-1'");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  auto registry = store->LoadRegistry();
  EXPECT_EQ(registry.status().code(), StatusCode::kCorruption);
  EXPECT_NE(registry.status().message().find("SIT-A"), std::string::npos);
  auto incident = store->GetIncident("I-1");
  EXPECT_EQ(incident.status().code(), StatusCode::kCorruption);
  EXPECT_NE(incident.status().message().find("beyond_doubt"), std::string::npos)
      << incident.status().message();
  // The assessment reads the facts projection, written by the store; the
  // integrity check compares it with the rows and names the damaged one.
  auto check = store->IntegrityCheck();
  ASSERT_TRUE(check.ok());
  EXPECT_NE(check->find("'P-1:beyond_doubt'"), std::string::npos) << *check;

  RawExec(path, "UPDATE situations SET doc = '{\"id\": \"SIT-A\", \"bogus\": 1}'");
  EXPECT_EQ(store->LoadRegistry().status().code(), StatusCode::kCorruption);
  RawExec(path, "UPDATE incidents SET perpetrators = '', date = '2025-02-30'");
  EXPECT_EQ(store->GetIncident("I-1").status().code(), StatusCode::kCorruption);
}

TEST_F(SqliteStoreTest, BrokenReferencesAreRefusedAtCommitWithTheRecordNamed) {
  auto store = MustOpen(PathOf("fk.db"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Begin().ok());
  ASSERT_TRUE(store->Put(MakeParty("P-1", "SIT-NOWHERE")).ok());  // deferred
  Status commit = store->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kConflict);
  EXPECT_NE(commit.message().find("parties 'P-1': situation 'SIT-NOWHERE'"), std::string::npos)
      << commit.message();
  EXPECT_FALSE(store->InTransaction());
  EXPECT_EQ(store->Counts()->Of(Collection::kParties), 0);
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
}

TEST_F(SqliteStoreTest, IntegrityCheckReportsBrokenReferences) {
  const std::string path = PathOf("fk2.db");
  ASSERT_NE(MustOpen(path), nullptr);
  RawExec(path,
          "INSERT INTO parties(id, situation, parent, doc) VALUES ('P-1', 'SIT-X', NULL, '{}')");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  auto check = store->IntegrityCheck();
  ASSERT_TRUE(check.ok());
  EXPECT_NE(check->find("parties 'P-1': situation 'SIT-X' does not exist in situations"),
            std::string::npos)
      << *check;
}

TEST_F(SqliteStoreTest, TwoWritersQueueInsteadOfFailing) {
  const std::string path = PathOf("queue.db");
  auto first = MustOpen(path);
  auto second = MustOpen(path);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Begin().ok());
  ASSERT_TRUE(first->PutIncident(MakeIncident("I-1"), 0).ok());
  std::atomic<bool> began{false};
  Status second_begin;
  std::thread waiter([&] {
    second_begin = second->Begin();
    began = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(began.load());  // waiting for the first writer
  ASSERT_TRUE(first->Commit().ok());
  waiter.join();
  ASSERT_TRUE(second_begin.ok()) << second_begin.ToString();
  EXPECT_TRUE(*second->HasIncident("I-1"));  // sees the first writer's commit
  EXPECT_EQ(*second->PutIncident(MakeIncident("I-1"), 0), PutOutcome::kUpdated);
  ASSERT_TRUE(second->Commit().ok());
  EXPECT_EQ(*first->DataVersion(), 2);
}

// Not a test: `--gtest_also_run_disabled_tests --gtest_filter=*Million*`
// measures one million PutIncident calls in one transaction.
TEST_F(SqliteStoreTest, DISABLED_MillionIncidentsTiming) {
  auto store = MustOpen(PathOf("million.db"));
  ASSERT_NE(store, nullptr);
  Incident v = MinimalIncident("");
  v.perpetrators = {{"P-1", Standard::kReasonableGrounds}};
  v.sources = {"S-1"};
  v.nexus = {Nexus::kVictimProfile};
  char id[32];
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->Begin().ok());
  for (int i = 0; i < 1000000; ++i) {
    std::snprintf(id, sizeof id, "I-%08d", i);
    v.id = id;
    ASSERT_TRUE(store->PutIncident(v, 1).ok());
  }
  ASSERT_TRUE(store->Commit().ok());
  const auto put_done = std::chrono::steady_clock::now();
  int64_t n = 0;
  ASSERT_TRUE(store
                  ->ScanIncidentFacts([&](const IncidentFacts&) {
                    ++n;
                    return Status::Ok();
                  })
                  .ok());
  const auto scan_done = std::chrono::steady_clock::now();
  std::printf("1M PutIncident + Commit: %.2f s; ScanIncidentFacts: %.2f s (%lld rows)\n",
              std::chrono::duration<double>(put_done - start).count(),
              std::chrono::duration<double>(scan_done - put_done).count(),
              static_cast<long long>(n));
}

}  // namespace
}  // namespace mara

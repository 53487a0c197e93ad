// Every bad input of the import contract, through ImportFile on a real SQLite
// store: the status, the one-line message naming file, record and field, and
// a store exactly as it was before.
#include "service/import.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/temp_dir.h"
#include "service/core.h"
#include "service/digest.h"
#include "service/export.h"
#include "storage/store.h"

namespace mara {
namespace {

constexpr const char* kRegistry = R"({"format": "mara-bundle/1",
  "situations": [{"id": "SIT-A", "name": "Country A", "on_council_agenda": true},
                 {"id": "SIT-B", "name": "Country B", "on_council_agenda": false}],
  "parties": [{"id": "P-2", "name": "Prison service", "aliases": [], "kind": "state",
               "situation": "SIT-A", "parent": "P-1"},
              {"id": "P-1", "name": "Army of A", "aliases": ["AA"], "kind": "state",
               "situation": "SIT-A", "parent": null, "splinter_of": null},
              {"id": "P-3", "name": "Movement", "kind": "non_state", "situation": "SIT-B"}],
  "sources": [{"id": "S-1", "kind": "un_monitoring", "title": "Report", "publisher": "UN",
               "date": "2025-02-01", "reliability": "B", "credibility": "2", "confidential": false},
              {"id": "S-2", "kind": "ngo", "title": "Brief", "publisher": "NGO",
               "reliability": "C", "credibility": 3, "confidential": true}],
  "incidents": [{"id": "I-0", "situation": "SIT-A", "date": "2024-12-01",
                 "location": {"name": "Town Y"}, "violations": ["sexual_slavery"],
                 "context": "abduction", "status": "reported"}],
  "findings": [{"party": "P-1", "cycle": 2024, "source": "S-1", "level": 2, "forms": ["rape"]}],
  "commitments": [{"id": "C-1", "party": "P-1", "kind": "joint_communique", "signed": "2023-05-01",
                   "measures": [{"id": "M-1", "text": "Orders", "due": "2024-05-01",
                                 "status": "verified_implemented"}]}],
  "decisions": [{"party": "P-1", "cycle": 2025, "status": "listed", "decided_by": "Office",
                 "date": "2026-04-01", "rationale": "Pattern"}],
  "designations": [{"party": "P-3", "authority": "EU", "program": "Regime", "kind": "sanctions",
                    "listed_on": "2020-01-01", "source": "S-2"}],
  "statements": [{"id": "ST-1", "by": "UN entity", "date": "2025-01-20", "kind": "condemnation",
                  "incidents": ["I-0"], "text": "Condemned"}],
  "engagements": [{"party": "P-3", "date": "2025-02-01", "kind": "refused", "note": "No reply"}],
  "petitions": [{"party": "P-1", "filed": "2026-05-01", "cycle": 2025, "grounds": "Reforms",
                 "new_material": true}]
})";

constexpr const char* kHeader =
    "id,situation,date,date_precision,location,admin1,lat,lon,violations,women,girls,men,boys,"
    "unknown,context,nexus,status,verified_on,perpetrators,sources,narrative,consent\n";

std::string Row(const std::string& id, const std::string& overrides = "") {
  // Column values by name, overridable as "name=value|name=value".
  std::map<std::string, std::string> v = {{"id", id},
                                          {"situation", "SIT-A"},
                                          {"date", "2025-01-10"},
                                          {"location", "Town X"},
                                          {"violations", "rape"},
                                          {"women", "2"},
                                          {"context", "detention"},
                                          {"nexus", "perpetrator_affiliation"},
                                          {"status", "verified"},
                                          {"perpetrators", "P-2:reasonable_grounds"},
                                          {"sources", "S-1"}};
  std::stringstream in(overrides);
  std::string item;
  while (std::getline(in, item, '|')) {
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    v[item.substr(0, eq)] = item.substr(eq + 1);
  }
  std::string out;
  const char* names[] = {"id",        "situation", "date",        "date_precision", "location",
                         "admin1",    "lat",       "lon",         "violations",     "women",
                         "girls",     "men",       "boys",        "unknown",        "context",
                         "nexus",     "status",    "verified_on", "perpetrators",   "sources",
                         "narrative", "consent"};
  for (const char* n : names) {
    if (!out.empty()) out += ",";
    out += v[n];
  }
  return out + "\n";
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = ScopedTempDir::Create("mara-import");
    ASSERT_TRUE(tmp.ok()) << tmp.status().message();
    tmp_ = std::move(tmp).value();
    dir_ = tmp_.path();
    store_ = Open("mara.db");
    ASSERT_TRUE(ImportFile(*store_, Write("registry.json", kRegistry), {}).ok());
  }
  void TearDown() override { store_.reset(); }

  std::unique_ptr<Store> Open(const std::string& name) {
    auto store = OpenStore(dir_ + "/" + name);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static std::string Export(Store& store, ExportFormat format) {
    std::ostringstream out;
    Status s = ExportStore(store, format, out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out.str();
  }

  // Everything an import could change: the data and the import log.
  std::string Snapshot() {
    auto imports = store_->ListImports();
    EXPECT_TRUE(imports.ok());
    return Export(*store_, ExportFormat::kBundle) + "\nimports: " + std::to_string(imports->size());
  }

  // Imports a file expected to fail; checks the store is unchanged and
  // returns the message, which must be one line starting with the path.
  std::string Fails(const std::string& name, const std::string& bytes, StatusCode code,
                    ImportOptions options = {}) {
    const std::string before = Snapshot();
    const std::string path = Write(name, bytes);
    Result<ImportReport> r = ImportFile(*store_, path, options);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return "";
    EXPECT_EQ(r.status().code(), code) << r.status().message();
    EXPECT_EQ(Snapshot(), before) << "the store changed";
    const std::string& m = r.status().message();
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_EQ(m.rfind(path + ": ", 0), 0u) << m;
    return m.substr(path.size() + 2);
  }

  ScopedTempDir tmp_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImportTest, CsvWithBomCrlfAndQuotedNewlinesIsAccepted) {
  std::string csv =
      "\xEF\xBB\xBF" + std::string(kHeader) + Row("I-1") +
      Row("I-2", "narrative=\"Two\r\nlines, and a \"\"quote\"\"\"|lat=1.5|lon=-30.25");
  for (size_t at = csv.find('\n'); at != std::string::npos; at = csv.find('\n', at + 2)) {
    if (csv[at - 1] != '\r') csv.insert(at, "\r");
  }
  auto r = ImportFile(*store_, Write("in.csv", csv), {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 2);
  EXPECT_EQ(r->format, "incidents-csv");
  EXPECT_EQ(r->file_digest.size(), 64u);
  auto i2 = store_->GetIncident("I-2");
  ASSERT_TRUE(i2.ok() && i2->has_value());
  EXPECT_EQ(*(*i2)->narrative, "Two\r\nlines, and a \"quote\"");
  EXPECT_EQ(*(*i2)->location.lon, -30.25);
}

TEST_F(ImportTest, WrongColumnCount) {
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1") + "I-2,SIT-A,2025-01-10\n",
                  StatusCode::kInvalidArgument),
            "line 3: expected 22 fields as in the header, got 3");
}

TEST_F(ImportTest, InvalidUtf8InCsvAndJson) {
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1", "location=Bad \xC3\x28 town"),
                  StatusCode::kInvalidArgument),
            "line 2, field 'location': invalid UTF-8 at byte 5 of the field");
  EXPECT_EQ(Fails("in.json", "{\"format\":\"mara-bundle/1\",\"situations\":[{\"id\":\"\xFF\"}]}",
                  StatusCode::kInvalidArgument),
            "byte 48: invalid UTF-8");
}

TEST_F(ImportTest, FiftyMegabyteField) {
  const std::string big(50u << 20, 'x');
  EXPECT_EQ(
      Fails("in.csv", std::string(kHeader) + Row("I-1", "narrative=\"" + big + "\""),
            StatusCode::kInvalidArgument),
      "line 2: field 'narrative': text of 52428800 bytes is longer than the limit of 1048576");
  ImportOptions tight;
  tight.max_csv_record_bytes = 1u << 20;
  EXPECT_EQ(Fails("in2.csv", std::string(kHeader) + Row("I-1", "narrative=" + big),
                  StatusCode::kInvalidArgument, tight),
            "line 2: record larger than the limit of 1048576 bytes (field 21)");
}

TEST_F(ImportTest, UnterminatedQuoteAtEndOfFile) {
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1") + Row("I-2", "narrative=\"open"),
                  StatusCode::kInvalidArgument),
            "line 3: quoted field opened here is never closed");
}

TEST_F(ImportTest, UnknownEnumValues) {
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1", "status=confirmed"),
                  StatusCode::kInvalidArgument),
            "line 2: field 'status': unknown value 'confirmed' (expected reported, "
            "under_verification, verified or not_verified)");
  std::string bundle = R"({"format":"mara-bundle/1","incidents":[{"id":"I-9","situation":"SIT-A",
    "date":"2025-01-01","location":{"name":"T"},"violations":["rape","looting"],
    "context":"home","status":"reported"}]})";
  EXPECT_EQ(Fails("in.json", bundle, StatusCode::kInvalidArgument).substr(0, 52),
            "/incidents/0/violations/1: unknown value 'looting' (");
}

TEST_F(ImportTest, BadDates) {
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1") + Row("I-2", "date=2025-02-30"),
                  StatusCode::kInvalidArgument),
            "line 3: field 'date': no such calendar date '2025-02-30'");
  EXPECT_EQ(Fails("in.json",
                  R"({"format":"mara-bundle/1","decisions":[{"party":"P-1","cycle":2024,
                  "status":"none","decided_by":"O","date":"2025-02-30","rationale":"r"}]})",
                  StatusCode::kInvalidArgument),
            "/decisions/0/date: no such calendar date '2025-02-30'");
}

// The import's clock: 2026-12-03T10:00:00Z.
ImportOptions OnDecember3(bool skip_invalid = false) {
  ImportOptions options;
  options.skip_invalid = skip_invalid;
  options.clock = [] {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(1796292000000));
  };
  return options;
}

TEST_F(ImportTest, DatesAfterTodayAreRefused) {
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1") + Row("I-2", "date=2026-12-04"),
                  StatusCode::kInvalidArgument, OnDecember3()),
            "line 3: field 'date': 2026-12-04 is after today (2026-12-03)");
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1", "verified_on=2030-01-05"),
                  StatusCode::kInvalidArgument, OnDecember3()),
            "line 2: field 'verified_on': 2030-01-05 is after today (2026-12-03)");
  EXPECT_EQ(Fails("in.json",
                  R"({"format":"mara-bundle/1","petitions":[{"party":"P-1","filed":"2026-11-01",
                  "grounds":"g","outcome":"rejected","decided":"2027-01-05","reason":"r"}]})",
                  StatusCode::kInvalidArgument, OnDecember3()),
            "/petitions/0/decided: 2027-01-05 is after today (2026-12-03)");
  // Today itself is fine.
  auto today =
      ImportFile(*store_, Write("ok.csv", std::string(kHeader) + Row("I-3", "date=2026-12-03")),
                 OnDecember3());
  EXPECT_TRUE(today.ok()) << today.status().message();
}

TEST_F(ImportTest, SkipInvalidRejectsRecordsDatedAfterToday) {
  auto csv = ImportFile(
      *store_, Write("in.csv", std::string(kHeader) + Row("I-1") + Row("I-2", "date=2030-01-05")),
      OnDecember3(/*skip_invalid=*/true));
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  EXPECT_EQ(csv->rejected, 1);
  EXPECT_TRUE(store_->HasIncident("I-1").value());
  EXPECT_FALSE(store_->HasIncident("I-2").value());
  std::ifstream in(csv->rejects_path, std::ios::binary);
  std::string rejects((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(rejects.find(",line 3: field 'date': 2030-01-05 is after today (2026-12-03)\n"),
            std::string::npos)
      << rejects;

  auto bundle = ImportFile(*store_, Write("in.json", R"({"format":"mara-bundle/1",
    "engagements":[{"party":"P-1","date":"2025-01-01","kind":"contact"},
                   {"party":"P-1","date":"2027-01-01","kind":"contact"}]})"),
                           OnDecember3(/*skip_invalid=*/true));
  ASSERT_TRUE(bundle.ok()) << bundle.status().message();
  EXPECT_EQ(bundle->rejected, 1);
  EXPECT_EQ(bundle->inserted.Of(Collection::kEngagements), 1);
  std::ifstream bin(bundle->rejects_path, std::ios::binary);
  std::string brejects((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
  EXPECT_NE(brejects.find("/engagements/1,/engagements/1/date: 2027-01-01 is after today "
                          "(2026-12-03),"),
            std::string::npos)
      << brejects;
}

TEST_F(ImportTest, NegativeCounts) {
  EXPECT_EQ(
      Fails("in.csv", std::string(kHeader) + Row("I-1", "women=-2"), StatusCode::kInvalidArgument),
      "line 2: field 'women': expected a non-negative integer, got -2");
  EXPECT_EQ(Fails("in.json",
                  R"({"format":"mara-bundle/1","incidents":[{"id":"I-9","situation":"SIT-A",
    "date":"2025-01-01","location":{"name":"T"},"violations":["rape"],"victims":{"girls":-1},
    "context":"home","status":"reported"}]})",
                  StatusCode::kInvalidArgument),
            "/incidents/0/victims/girls: expected a non-negative integer, got -1");
}

TEST_F(ImportTest, DuplicateIdsWithinAFile) {
  EXPECT_EQ(Fails("in.csv", std::string(kHeader) + Row("I-1") + Row("I-2") + Row("I-1"),
                  StatusCode::kInvalidArgument),
            "line 4: field 'id': duplicate id 'I-1': an earlier row of this file has the same id");
  // I-0 is already stored: a CSV that updates it once is fine, twice is not.
  EXPECT_EQ(Fails("in2.csv", std::string(kHeader) + Row("I-0") + Row("I-0"),
                  StatusCode::kInvalidArgument),
            "line 3: field 'id': duplicate id 'I-0': an earlier row of this file has the same id");
  EXPECT_EQ(Fails("in.json",
                  R"({"format":"mara-bundle/1","situations":[
                  {"id":"SIT-C","name":"C","on_council_agenda":true},
                  {"id":"SIT-C","name":"C2","on_council_agenda":true}]})",
                  StatusCode::kInvalidArgument),
            "/situations/1/id: duplicate id 'SIT-C' (first at /situations/0)");
}

// The reading thread finds bad rows and the writing thread duplicates; over
// files of many slots the error reported is still the first in the file.
TEST_F(ImportTest, TheFirstBadRowOfALongFileIsReportedWhicheverThreadFindsIt) {
  std::string csv(kHeader);
  for (int i = 1; i <= 3000; ++i) {
    const std::string id = "I-" + std::to_string(i);
    if (i == 2222) {
      csv += Row("I-17");  // line 2223: a duplicate, found by the store
    } else if (i == 2900) {
      csv += Row(id, "date=2025-02-30");  // line 2901: found by the reader
    } else {
      csv += Row(id);
    }
  }
  EXPECT_EQ(Fails("long.csv", csv, StatusCode::kInvalidArgument),
            "line 2223: field 'id': duplicate id 'I-17': an earlier row of this file has the same "
            "id");
  // The other way round: the reader's row first.
  std::string swapped(kHeader);
  for (int i = 1; i <= 3000; ++i) {
    const std::string id = "I-" + std::to_string(i);
    if (i == 1500) {
      swapped += Row(id, "date=2025-02-30");
    } else if (i == 2500) {
      swapped += Row("I-17");
    } else {
      swapped += Row(id);
    }
  }
  EXPECT_EQ(Fails("swapped.csv", swapped, StatusCode::kInvalidArgument),
            "line 1501: field 'date': no such calendar date '2025-02-30'");
  // A file that breaks (an unterminated quote) after a bad row: the bad row.
  std::string broken(kHeader);
  for (int i = 1; i <= 1000; ++i) broken += Row("I-" + std::to_string(i));
  broken += Row("I-5");
  for (int i = 1001; i <= 2000; ++i) broken += Row("I-" + std::to_string(i));
  broken += "I-X,\"never closed\n";
  EXPECT_EQ(Fails("broken.csv", broken, StatusCode::kInvalidArgument),
            "line 1002: field 'id': duplicate id 'I-5': an earlier row of this file has the same "
            "id");
}

TEST_F(ImportTest, SkipInvalidKeepsFileOrderOverManySlots) {
  ImportOptions skip;
  skip.skip_invalid = true;
  std::string csv(kHeader);
  std::string expected(kHeader);
  expected.insert(expected.size() - 1, ",reject_reason");
  int accepted = 0;
  for (int i = 1; i <= 2000; ++i) {
    const std::string line = std::to_string(i + 1);
    std::string row;
    std::string reason;
    if (i % 97 == 0) {
      row = Row("I-" + std::to_string(i), "date=2025-02-30");
      reason = "line " + line + ": field 'date': no such calendar date '2025-02-30'";
    } else if (i % 101 == 0) {
      row = Row("I-1");
      reason = "line " + line +
               ": field 'id': duplicate id 'I-1': an earlier row of this file has the same id";
    } else {
      row = Row("I-" + std::to_string(i));
      ++accepted;
    }
    csv += row;
    if (!reason.empty()) {
      row.insert(row.size() - 1, "," + reason);
      expected += row;
    }
  }
  const std::string path = Write("many.csv", csv);
  auto r = ImportFile(*store_, path, skip);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), accepted);
  EXPECT_EQ(r->rejected, 2000 - accepted);
  std::ifstream in(r->rejects_path, std::ios::binary);
  std::string rejects((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rejects, expected);
  EXPECT_TRUE(store_->HasIncident("I-1999").value());
  EXPECT_FALSE(store_->HasIncident("I-97").value());
}

TEST_F(ImportTest, UnknownReferences) {
  EXPECT_EQ(Fails("a.csv",
                  std::string(kHeader) +
                      Row("I-1", "perpetrators=P-1:reasonable_grounds;P-9:credible_information"),
                  StatusCode::kInvalidArgument),
            "line 2: field 'perpetrators': unknown party 'P-9'");
  EXPECT_EQ(Fails("b.csv", std::string(kHeader) + Row("I-1", "situation=SIT-Z"),
                  StatusCode::kInvalidArgument),
            "line 2: field 'situation': unknown situation 'SIT-Z'");
  EXPECT_EQ(Fails("c.csv", std::string(kHeader) + Row("I-1", "sources=S-1;S-7"),
                  StatusCode::kInvalidArgument),
            "line 2: field 'sources': unknown source 'S-7'");
  EXPECT_EQ(Fails("d.json",
                  R"({"format":"mara-bundle/1","parties":[{"id":"P-8","name":"X","kind":"state",
                  "situation":"SIT-A","parent":"P-404"}]})",
                  StatusCode::kInvalidArgument),
            "/parties/0/parent: unknown party 'P-404'");
  // A parent cycle through a stored party: P-2's stored parent is P-1.
  EXPECT_EQ(Fails("e.json",
                  R"({"format":"mara-bundle/1","parties":[{"id":"P-1","name":"Army of A",
                  "kind":"state","situation":"SIT-A","parent":"P-2"}]})",
                  StatusCode::kInvalidArgument),
            "/parties/0/parent: the parent chain returns to 'P-1' (P-1 -> P-2 -> P-1)");
}

TEST_F(ImportTest, NameReviewQueueTravelsInBundles) {
  const std::string head = R"({"format":"mara-bundle/1","name_reviews":[)";
  EXPECT_EQ(Fails("n1.json", head + R"({"origin":"acled","query":"X","status":"maybe"}]})",
                  StatusCode::kInvalidArgument),
            "/name_reviews/0/status: unknown status 'maybe' (expected pending, accepted, "
            "rejected or created)");
  EXPECT_EQ(Fails("n2.json", head + R"({"origin":"acled","query":"X","status":"accepted",
                  "resolved_party":"P-404"}]})",
                  StatusCode::kInvalidArgument),
            "/name_reviews/0/resolved_party: unknown party 'P-404'");
  EXPECT_EQ(Fails("n3.json", head + R"({"origin":"acled","query":"X","status":"pending",
                  "id":7}]})",
                  StatusCode::kInvalidArgument),
            "/name_reviews/0/'id': unknown field");
  EXPECT_EQ(Fails("n4.json", head + R"({"origin":"acled","query":"X","status":"pending",
                  "candidates":"P-1"}]})",
                  StatusCode::kInvalidArgument),
            "/name_reviews/0/candidates: expected an array");
  EXPECT_EQ(Fails("n5.json", head + R"({"query":"X","status":"pending"}]})",
                  StatusCode::kInvalidArgument),
            "/name_reviews/0/origin: required");
  // Skipping invalid records does not skip part of the queue.
  ImportOptions skip;
  skip.skip_invalid = true;
  EXPECT_EQ(Fails("n6.json", head + R"(7]})", StatusCode::kInvalidArgument, skip),
            "/name_reviews/0: expected an object");

  const std::string good =
      head + R"j({"origin":"acled","query":"Army of A (2019-)","status":"accepted",
      "provisional_party":"P-1","resolved_party":"P-1","decided_by":"analyst",
      "decided_at":"2025-05-02T10:00:00Z","reason":"close","candidates":[{"party":"P-1"}]}]})j";
  const std::string path = Write("good.json", good);
  ASSERT_TRUE(ImportFile(*store_, path, {}).ok());
  ASSERT_TRUE(ImportFile(*store_, path, {}).ok());  // upserted by (origin, query)
  auto reviews = store_->ListNameReviews();
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 1u);
  EXPECT_EQ((*reviews)[0].resolved_party, "P-1");
  EXPECT_EQ((*reviews)[0].candidates, R"([{"party":"P-1"}])");
  const std::string exported = Export(*store_, ExportFormat::kBundle);
  EXPECT_NE(exported.find("\n\"name_reviews\":[\n{\"origin\":\"acled\""), std::string::npos)
      << exported;
}

TEST_F(ImportTest, BrokenJson) {
  EXPECT_EQ(Fails("t.json", R"({"format":"mara-bundle/1","situations":[{"id":"A",)",
                  StatusCode::kInvalidArgument),
            "byte 50: unexpected end of input; expected string literal");
  EXPECT_EQ(Fails("w.json", R"({"format":"mara-bundle/1","situations":{"id":"A"}})",
                  StatusCode::kInvalidArgument),
            "/situations: expected an array, got an object");
  EXPECT_EQ(
      Fails(
          "w2.json",
          R"({"format":"mara-bundle/1","situations":[{"id":"A","name":7,"on_council_agenda":true}]})",
          StatusCode::kInvalidArgument),
      "/situations/0/name: expected a string, got 7");
  EXPECT_EQ(Fails("w3.json", R"(["mara-bundle/1"])", StatusCode::kInvalidArgument),
            "expected a JSON object at the top level, got an array");
  EXPECT_EQ(Fails("deep.json", std::string(100000, '[') + std::string(100000, ']'),
                  StatusCode::kInvalidArgument),
            "byte 65: nesting deeper than 64 levels");
}

TEST_F(ImportTest, EmptyAndMissingFiles) {
  EXPECT_EQ(Fails("e.csv", "", StatusCode::kInvalidArgument), "empty file, expected a header row");
  EXPECT_EQ(Fails("e.json", "", StatusCode::kInvalidArgument),
            "empty file, expected a mara-bundle/1 JSON document");
  const std::string before = Snapshot();
  auto r = ImportFile(*store_, dir_ + "/absent.csv", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), dir_ + "/absent.csv: no such file");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_NE(Fails("data.txt", "x", StatusCode::kInvalidArgument).find("--format"),
            std::string::npos);
  EXPECT_EQ(Fails("h.csv", "id,situation\n", StatusCode::kInvalidArgument),
            "line 1: missing required column(s) in the header: date, location, violations, "
            "context, status");
}

TEST_F(ImportTest, SkipInvalidCsvWritesRejectsAndCommitsTheRest) {
  ImportOptions skip;
  skip.skip_invalid = true;
  const std::string path =
      Write("in.csv", std::string(kHeader) + Row("I-1") + Row("I-2", "date=2025-02-30") +
                          Row("I-3", "narrative=\"a, b\"") + Row("I-1") + "short,row\n" +
                          Row("I-4", "location=\xC3\x28"));
  auto r = ImportFile(*store_, path, skip);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->inserted.Of(Collection::kIncidents), 2);
  EXPECT_EQ(r->rejected, 4);
  EXPECT_EQ(r->rejects_path, path + ".rejects.csv");
  std::ifstream in(r->rejects_path, std::ios::binary);
  std::string rejects((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string expected = std::string(kHeader);
  expected.insert(expected.size() - 1, ",reject_reason");
  std::string row2 = Row("I-2", "date=2025-02-30");
  row2.insert(row2.size() - 1, ",line 3: field 'date': no such calendar date '2025-02-30'");
  std::string row4 = Row("I-1");
  row4.insert(
      row4.size() - 1,
      ",line 5: field 'id': duplicate id 'I-1': an earlier row of this file has the same id");
  std::string row6 = Row("I-4", "location=\xC3\x28");
  row6.insert(row6.size() - 1,
              ",\"line 7, field 'location': invalid UTF-8 at byte 1 of the field\"");
  expected +=
      row2 + row4 + "short,row,\"line 6: expected 22 fields as in the header, got 2\"\n" + row6;
  EXPECT_EQ(rejects, expected);
  EXPECT_TRUE(store_->HasIncident("I-3").value());
  EXPECT_FALSE(store_->HasIncident("I-2").value());
  auto imports = store_->ListImports();
  ASSERT_TRUE(imports.ok());
  EXPECT_EQ(imports->back().accepted, 2);
  EXPECT_EQ(imports->back().rejected, 4);
}

TEST_F(ImportTest, SkipInvalidBundle) {
  ImportOptions skip;
  skip.skip_invalid = true;
  const std::string path = Write("in.json", R"({"format":"mara-bundle/1",
    "situations":[{"id":"SIT-C","name":"C","on_council_agenda":"no"}],
    "parties":[{"id":"P-7","name":"Seven","kind":"state","situation":"SIT-C"},
               {"id":"P-8","name":"Eight","kind":"state","situation":"SIT-A"}],
    "engagements":[{"party":"P-8","date":"2025-01-01","kind":"contact"}]})");
  auto r = ImportFile(*store_, path, skip);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rejected, 2);
  EXPECT_EQ(r->inserted.Of(Collection::kParties), 1);
  EXPECT_EQ(r->inserted.Of(Collection::kEngagements), 1);
  std::ifstream in(r->rejects_path, std::ios::binary);
  std::string rejects((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(
      rejects,
      "pointer,reason,record\n"
      "/situations/0,\"/situations/0/on_council_agenda: expected true or false, got a string\","
      "\"{\"\"id\"\":\"\"SIT-C\"\",\"\"name\"\":\"\"C\"\",\"\"on_council_agenda\"\":\"\"no\"\"}\"\n"
      "/parties/0,/parties/0/situation: unknown situation 'SIT-C',"
      "\"{\"\"id\"\":\"\"P-7\"\",\"\"name\"\":\"\"Seven\"\",\"\"kind\"\":\"\"state\"\","
      "\"\"situation\"\":\"\"SIT-C\"\"}\"\n");
}

TEST_F(ImportTest, ReimportIsIdempotent) {
  const std::string csv = Write("in.csv", std::string(kHeader) + Row("I-1") + Row("I-2"));
  ASSERT_TRUE(ImportFile(*store_, csv, {}).ok());
  const std::string after_first = Export(*store_, ExportFormat::kBundle);
  auto digest = DataDigest(*store_);
  ASSERT_TRUE(digest.ok());
  auto again = ImportFile(*store_, csv, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted.Of(Collection::kIncidents), 0);
  EXPECT_EQ(again->updated.Of(Collection::kIncidents), 2);
  auto bundle_again = ImportFile(*store_, dir_ + "/registry.json", {});
  ASSERT_TRUE(bundle_again.ok());
  EXPECT_EQ(bundle_again->inserted.Of(Collection::kSituations), 0);
  EXPECT_EQ(bundle_again->updated.Of(Collection::kSituations), 2);
  EXPECT_EQ(bundle_again->updated.Of(Collection::kDecisions), 1);
  EXPECT_EQ(Export(*store_, ExportFormat::kBundle), after_first);
  EXPECT_EQ(DataDigest(*store_).value(), digest.value());
}

TEST_F(ImportTest, RoundTripsAreByteStable) {
  ASSERT_TRUE(
      ImportFile(
          *store_,
          Write("in.csv", std::string(kHeader) + Row("I-1", "lat=0.1|lon=-0.30000000000000004") +
                              Row("I-2", "narrative=\"x,\"\"y\"\"\nz\"|admin1=North")),
          {})
          .ok());
  for (ExportFormat format : {ExportFormat::kBundle, ExportFormat::kIncidentsCsv}) {
    const std::string first = Export(*store_, format);
    std::unique_ptr<Store> fresh = Open(format == ExportFormat::kBundle ? "b.db" : "c.db");
    if (format == ExportFormat::kIncidentsCsv) {
      // Incidents need their registry first.
      ASSERT_TRUE(ImportFile(*fresh, dir_ + "/registry.json", {}).ok());
    }
    const std::string path = Write(format == ExportFormat::kBundle ? "out.json" : "out.csv", first);
    auto r = ImportFile(*fresh, path, {});
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(Export(*fresh, format), first);
    if (format == ExportFormat::kBundle) {
      EXPECT_EQ(DataDigest(*fresh).value(), DataDigest(*store_).value());
    }
  }
}

}  // namespace
}  // namespace mara

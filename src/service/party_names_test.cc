// A party's names by language (domain/model.h Party::names) through the
// service layer on both backends: kept by import, export, a second import
// and export (byte-identical), the data digest (which counts them), a copy
// to another store, an update and a rename.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/json_codec.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/core.h"
#include "service/digest.h"
#include "service/registry.h"
#include "storage/store.h"

namespace mara {
namespace {

constexpr char kNamedBundle[] = R"({"format": "mara-bundle/1",
  "situations": [{"id": "SIT-A", "name": "Country A", "on_council_agenda": true}],
  "parties": [
    {"id": "P-A", "name": "Armed Front", "kind": "non_state", "situation": "SIT-A",
     "names": {"fr": "Front armé", "ar": "الجبهة المسلحة"}},
    {"id": "P-B", "name": "Army of A", "kind": "state", "situation": "SIT-A"}]})";

class PartyNamesTest : public testing::BackendTest {
 protected:
  PartyNamesTest() : BackendTest("party_names") {}

  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    auto admin = Open(/*create=*/true);
    ASSERT_NE(admin, nullptr);
    const std::string bundle = (dir_ / "bundle.json").string();
    std::ofstream(bundle) << kNamedBundle;
    auto imported = ImportFile(*admin, bundle, {});
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    ASSERT_TRUE(admin->Finish().ok());
  }

  static std::string Export(Store& store) {
    std::ostringstream out;
    Status s = ExportStore(store, ExportFormat::kBundle, out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out.str();
  }
};

TEST_P(PartyNamesTest, ExportImportDigestAndCopyKeepThem) {
  auto s = Open(false, "operator");
  ASSERT_NE(s, nullptr);
  const std::string exported = Export(s->store());
  EXPECT_NE(exported.find(R"("names":{"ar":"الجبهة المسلحة","fr":"Front armé"})"),
            std::string::npos)
      << exported;
  // The party without names has no "names" member at all.
  EXPECT_EQ(exported.find(R"("names":)"), exported.rfind(R"("names":)"));

  // The digest of the export file is the store's, names included.
  const std::string file = (dir_ / "export.json").string();
  std::ofstream(file, std::ios::binary) << exported;
  auto digest = DataDigest(s->store());
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  auto file_digest = BundleDataDigest(file);
  ASSERT_TRUE(file_digest.ok()) << file_digest.status().ToString();
  EXPECT_EQ(*file_digest, *digest);

  // Import into a fresh store: the same export, byte for byte.
  auto fresh = OpenStore((dir_ / "fresh.db").string());
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  auto again = ImportFile(**fresh, file, ImportOptions{.principal = "importer"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Export(**fresh), exported);

  // A copy of the store (to SQLite) keeps them, and so its digest.
  auto copy = OpenStore((dir_ / "copy.db").string());
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto copied = CopyStore(s->store(), **copy);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  EXPECT_EQ(copied->data_digest, *digest);
  auto registry = (*copy)->LoadRegistry();
  ASSERT_TRUE(registry.ok());
  ASSERT_EQ(registry->parties.size(), 2u);
  EXPECT_EQ(registry->parties[0].names.at("ar"), "الجبهة المسلحة");
  EXPECT_EQ(registry->parties[0].names.at("fr"), "Front armé");
  EXPECT_TRUE(registry->parties[1].names.empty());
}

TEST_P(PartyNamesTest, UpdateAndRenameKeepOrChangeThemAndTheDigestFollows) {
  auto s = Open(false, "operator");
  ASSERT_NE(s, nullptr);
  auto before = DataDigest(s->store());
  ASSERT_TRUE(before.ok());
  auto registry = s->store().LoadRegistry();
  ASSERT_TRUE(registry.ok());
  Party b = registry->parties[1];
  ASSERT_EQ(b.id, "P-B");
  b.names["ru"] = "Армия А";
  Status updated = UpdateParty(*s, b);
  ASSERT_TRUE(updated.ok()) << updated.ToString();
  auto after = DataDigest(s->store());
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, *before);

  // A bad name is refused with its field and writes nothing.
  Party bad = b;
  bad.names["de"] = "Armee von A";
  Status refused = UpdateParty(*s, bad);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message().rfind("/names: unknown language 'de'", 0), 0u) << refused.message();
  bad = b;
  bad.names["ru"] = "Армия\nА";
  refused = UpdateParty(*s, bad);
  EXPECT_EQ(refused.message().rfind("/names/ru: ", 0), 0u) << refused.message();
  EXPECT_EQ(*DataDigest(s->store()), *after);

  // A rename changes the canonical name and keeps the others.
  auto renamed = RenameParty(*s, "P-A", "Armed Front of A", Date::FromYmd(2025, 6, 1));
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(renamed->name, "Armed Front of A");
  EXPECT_EQ(renamed->names.at("fr"), "Front armé");
  EXPECT_EQ(PartyNameIn(*renamed, "ar"), "الجبهة المسلحة");
  EXPECT_EQ(PartyNameIn(*renamed, "es"), "Armed Front of A");

  // Removing every name leaves the record without the member.
  registry = s->store().LoadRegistry();
  ASSERT_TRUE(registry.ok());
  Party a = registry->parties[0];
  a.names.clear();
  ASSERT_TRUE(UpdateParty(*s, a).ok());
  registry = s->store().LoadRegistry();
  ASSERT_TRUE(registry.ok());
  EXPECT_TRUE(registry->parties[0].names.empty());
  EXPECT_EQ(ToJson(registry->parties[0]).dump().find("\"names\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartyNamesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara

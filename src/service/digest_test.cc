#include "service/digest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/temp_dir.h"
#include "security/key_file.h"
#include "service/authorized.h"
#include "service/backend_test_support.h"
#include "service/core.h"
#include "service/export.h"
#include "service/incidents.h"
#include "service/users.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

TEST(DigestAccumulatorTest, AddAndRemoveAreInversesAndOrderDoesNotMatter) {
  DigestAccumulator a;
  DigestAccumulator b;
  const DigestAccumulator empty;
  a.Add("parties", "P-1", "d1");
  a.Add("incidents", "INC-1", "d2");
  b.Add("incidents", "INC-1", "d2");
  b.Add("parties", "P-1", "d1");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Hex(), b.Hex());
  EXPECT_NE(a.Hex(), empty.Hex());
  a.Remove("parties", "P-1", "d1");
  a.Remove("incidents", "INC-1", "d2");
  EXPECT_EQ(a, empty);
  // Each part of an element counts, and the length prefixes keep a part's
  // bytes from moving into its neighbour.
  DigestAccumulator c;
  DigestAccumulator d;
  c.Add("parties", "P-1", "d1");
  d.Add("parties", "P-", "1d1");
  EXPECT_NE(c.Hex(), d.Hex());
  DigestAccumulator e;
  e.Add("sources", "P-1", "d1");
  EXPECT_NE(c.Hex(), e.Hex());
  // A multiset: the same element twice is not the element once.
  DigestAccumulator twice = c;
  twice.Add("parties", "P-1", "d1");
  EXPECT_NE(twice.Hex(), c.Hex());
}

TEST(DigestAccumulatorTest, StoredFormRoundTripsAndRefusesGarbage) {
  DigestAccumulator a;
  a.Add("incidents", "INC-1", "abc");
  StoredDigestState state{42, a};
  const std::string text = EncodeDigestState(state);
  EXPECT_TRUE(text.starts_with("2 42 ")) << text;
  std::optional<StoredDigestState> back = DecodeDigestState(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->data_version, 42);
  EXPECT_EQ(back->accumulator, a);
  for (std::string_view bad :
       {"", "2", "2 42", "1 42 AAAA", "2 x AAAA", "2 42 AAAA", "2 42 !!!!", "3 42 AAAA"}) {
    EXPECT_FALSE(DecodeDigestState(bad).has_value()) << bad;
  }
}

TEST(ElementBatcherTest, SumsWhatItQueuedAsTheAccumulatorWould) {
  DigestAccumulator direct;
  ElementBatcher batcher;
  // More than two batches, removals among them, then a settle, then more.
  for (int i = 0; i < 2 * static_cast<int>(ElementBatcher::kBatch) + 17; ++i) {
    const std::string key = "I-" + std::to_string(i);
    direct.Add("incidents", key, "d" + std::to_string(i));
    batcher.Add("incidents", key, "d" + std::to_string(i));
    if (i % 5 == 0) {
      direct.Remove("incidents", key, "d" + std::to_string(i));
      batcher.Remove("incidents", key, "d" + std::to_string(i));
    }
  }
  DigestAccumulator summed = batcher.Settle();
  EXPECT_EQ(summed, direct);
  batcher.Add("parties", "P-1", "x");
  DigestAccumulator one;
  one.Add("parties", "P-1", "x");
  EXPECT_EQ(batcher.Settle(), one);
  // Cleared elements are forgotten.
  for (size_t i = 0; i < ElementBatcher::kBatch + 1; ++i) batcher.Add("parties", "P-2", "y");
  batcher.Clear();
  EXPECT_EQ(batcher.Settle(), DigestAccumulator());
}

// The maintained digest against a recomputation from the records and from
// the export read back, over a random sequence of writes through sessions,
// on both backends.
class DigestStoreTest : public testing::BackendTest {
 protected:
  DigestStoreTest() : BackendTest("digest") {}

  // The stored accumulator is current and equals both recomputations.
  void ExpectMaintained(Session& session, const std::string& when) {
    Store& store = session.store();
    auto text = store.GetMeta(kDataDigestStateKey);
    ASSERT_TRUE(text.ok() && text->has_value()) << when << ": no stored accumulator";
    std::optional<StoredDigestState> state = DecodeDigestState(**text);
    ASSERT_TRUE(state.has_value()) << when;
    EXPECT_EQ(state->data_version, store.DataVersion().value()) << when << ": stale";
    auto recomputed = RecomputeDigest(store);
    ASSERT_TRUE(recomputed.ok()) << recomputed.status().ToString();
    EXPECT_EQ(state->accumulator.Hex(), recomputed->Hex()) << when;
    EXPECT_EQ(DataDigest(store).value(), recomputed->Hex()) << when;
    const fs::path file = dir_ / "export.json";
    {
      std::ofstream out(file, std::ios::binary);
      ASSERT_TRUE(ExportStore(store, ExportFormat::kBundle, out).ok());
    }
    auto from_file = BundleDataDigest(file.string());
    ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
    EXPECT_EQ(*from_file, recomputed->Hex()) << when;
  }
};

TEST_P(DigestStoreTest, MaintainedByEveryWriteAndEqualToARecomputation) {
  auto session = Open(/*create=*/true);
  ASSERT_NE(session, nullptr);
  auto imported = ImportFile(*session, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ExpectMaintained(*session, "after the import");
  NewUser editor;
  editor.name = "editor";
  editor.roles = {"monitor", "decision_maker"};
  const Bundle situations = session->store().LoadRegistry().value();
  for (const Situation& v : situations.situations) editor.situations.push_back(v.id);
  ASSERT_TRUE(AddUser(*session, editor).ok());
  session = Open(/*create=*/false, "editor");
  ASSERT_NE(session, nullptr);
  std::vector<Incident> incidents;
  ASSERT_TRUE(session->store()
                  .ScanIncidents([&](const Incident& v) {
                    incidents.push_back(v);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_FALSE(incidents.empty());
  Bundle registry = session->store().LoadRegistry().value();
  ASSERT_FALSE(registry.parties.empty());
  std::mt19937 rng(20261204);
  for (int step = 0; step < 40; ++step) {
    const std::string when = "step " + std::to_string(step);
    const Incident& pick = incidents[rng() % incidents.size()];
    Status s;
    switch (rng() % 4) {
      case 0: {  // an edited incident
        auto current = session->store().GetIncident(pick.id).value();
        ASSERT_TRUE(current.has_value());
        if (current->consent == Consent::kWithdrawn) {
          s = RestoreIncidentConsent(*session, pick.id, Consent::kAggregateReporting,
                                     "The survivor agreed again");
          break;
        }
        Incident edited = *current;
        edited.victims.women += 1;
        s = SaveIncident(*session, edited).status();
        break;
      }
      case 1: {  // a new incident
        Incident fresh = pick;
        fresh.id = "INC-DIGEST-" + std::to_string(step);
        fresh.status = IncidentStatus::kReported;
        fresh.verified_on.reset();
        fresh.consent = Consent::kAggregateReporting;
        s = SaveIncident(*session, fresh).status();
        break;
      }
      case 2: {  // a decision, new or replacing one
        const Party& party = registry.parties[rng() % registry.parties.size()];
        Decision d{party.id,
                   2020 + static_cast<int>(rng() % 3),
                   PartyStatus::kNone,
                   "",
                   Date::FromYmd(2025, 4, 1),
                   "Reviewed at step " + std::to_string(step)};
        s = RecordDecision(*session, d);
        break;
      }
      default: {  // consent narrowed, withdrawn or restored
        auto current = session->store().GetIncident(pick.id).value();
        ASSERT_TRUE(current.has_value());
        if (current->consent == Consent::kWithdrawn) {
          s = RestoreIncidentConsent(*session, pick.id, Consent::kInternalUse,
                                     "The survivor agreed to internal use");
        } else {
          const Consent next[] = {Consent::kInternalUse, Consent::kAggregateReporting,
                                  Consent::kWithdrawn};
          s = SetIncidentConsent(*session, pick.id, next[rng() % 3]);
        }
        break;
      }
    }
    ASSERT_TRUE(s.ok()) << when << ": " << s.ToString();
    if (step % 8 == 7) ExpectMaintained(*session, when);
  }
  ExpectMaintained(*session, "at the end");
  // Another session sees the same digest without recomputing it.
  const std::string digest = DataDigest(session->store()).value();
  session.reset();
  auto again = Open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(DataDigest(*again).value(), digest);
}

TEST_P(DigestStoreTest, AWriteAroundTheServiceLayerMakesItRecomputedNotWrong) {
  {
    auto session = Open(/*create=*/true);
    ASSERT_NE(session, nullptr);
    ASSERT_TRUE(
        ImportFile(*session, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {}).ok());
    ExpectMaintained(*session, "after the import");
  }
  // The store written directly, as a tool with the database could.
  auto keys = security::LoadKeys({(dir_ / "mara.keys").string(), std::nullopt});
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  StoreOptions options;
  options.keys = std::make_shared<const security::KeyMaterial>(std::move(*keys));
  auto raw = OpenStore(db_, options);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  const std::string before = DataDigest(**raw).value();
  {
    Transaction tx(raw->get());
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE((*raw)->Put(Situation{"SIT-ZZZ", "Added around the service", false}).ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  const std::string after = DataDigest(**raw).value();
  EXPECT_NE(after, before);
  EXPECT_EQ(after, RecomputeDigest(**raw).value().Hex());
  // The recomputation was stored, under the current version.
  auto state = DecodeDigestState((*raw)->GetMeta(kDataDigestStateKey).value().value());
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->data_version, (*raw)->DataVersion().value());
  raw->reset();
  // Sessions maintain it again from there.
  auto session = Open();
  ASSERT_NE(session, nullptr);
  Decision d{"P-VAF", 2024, PartyStatus::kListed, "", Date::FromYmd(2025, 4, 1), "Pattern"};
  ASSERT_TRUE(RecordDecision(*session, d).ok());
  ExpectMaintained(*session, "after a decision");
}

INSTANTIATE_TEST_SUITE_P(Backends, DigestStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mara

// Corruption tests in the spirit of LevelDB's: build a valid chain, damage it
// the way an attacker with write access to the storage would, and check that
// verification names the first damaged record.
#include "security/audit_log.h"

#include <gtest/gtest.h>

#include <chrono>

#include "security/encoding.h"

namespace mara::security {
namespace {

constexpr int64_t kT0 = 1'735'689'600'000;  // 2025-01-01T00:00:00Z

AuditEntry Entry(int i) {
  return {"mon-" + std::to_string(i % 3),
          i % 2 == 0 ? "incident.edit" : "incident.create",
          "incidents",
          "I-" + std::to_string(i),
          i % 2 == 0 ? std::string(64, 'a') : "",
          std::string(64, static_cast<char>('0' + i % 10))};
}

class AuditLogTest : public ::testing::Test {
 protected:
  // n records; with an interval other than the default, record 1 is the
  // settings record that sets it (as `mara audit settings` does).
  void Build(int n, uint64_t checkpoint_every = 10) {
    AuditLog log(sink_, clock_, key_, {kDefaultCheckpointEvery});
    for (int i = 1; i <= n; ++i) {
      const bool settings = i == 1 && checkpoint_every != kDefaultCheckpointEvery;
      auto r = log.Append(settings ? SettingsEntry(checkpoint_every) : Entry(i));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(r->seq, static_cast<uint64_t>(i));
      if (settings) log.set_checkpoint_every(checkpoint_every);
    }
  }

  static AuditEntry SettingsEntry(uint64_t every) {
    return {"admin",
            std::string(kSettingsAction),
            "settings",
            std::string(kCheckpointEveryTarget),
            CheckpointEveryDigest(kDefaultCheckpointEvery),
            CheckpointEveryDigest(every)};
  }

  AuditVerification Verify() {
    auto v = VerifyAuditLog(sink_, trusted_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : AuditVerification{};
  }

  void ExpectProblemAt(uint64_t seq, std::string_view words) {
    AuditVerification v = Verify();
    ASSERT_TRUE(v.problem.has_value()) << "damage not detected";
    EXPECT_EQ(v.problem->seq, seq) << v.problem->what;
    EXPECT_NE(v.problem->what.find(words), std::string::npos) << v.problem->what;
    Status s = v.ToStatus();
    EXPECT_EQ(s.code(), StatusCode::kCorruption);
    EXPECT_TRUE(s.message().starts_with("audit log record " + std::to_string(seq) + ": "))
        << s.message();
  }

  // Recomputes the hashes from record `from` on and moves the head: what an
  // attacker who knows the format (but not the signing key) can do.
  void Rechain(size_t from_index) {
    auto& recs = sink_.records();
    for (size_t i = from_index; i < recs.size(); ++i) {
      recs[i].prev_hash = i == 0 ? AuditGenesisHash() : recs[i - 1].hash;
      recs[i].hash = *ComputeAuditHash(recs[i]);
    }
    sink_.head() = {recs.back().seq, recs.back().hash};
  }

  MemoryAuditSink sink_;
  FixedClock clock_{kT0, 1000};
  SeededRandom random_{5};
  SigningKey key_ = SigningKey::Generate(random_);
  std::vector<PublicKey> trusted_{key_.public_key()};
};

TEST_F(AuditLogTest, AnEmptyLogVerifies) {
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.records, 0u);
  EXPECT_TRUE(v.ToStatus().ok());
}

TEST_F(AuditLogTest, AppendChainsRecordsWithTimeAndCheckpoints) {
  Build(25);
  const auto& recs = sink_.records();
  ASSERT_EQ(recs.size(), 25u);
  EXPECT_EQ(recs[0].prev_hash, AuditGenesisHash());
  EXPECT_EQ(recs[0].time_ms, kT0);
  EXPECT_EQ(recs[1].time_ms, kT0 + 1000);
  EXPECT_EQ(recs[1].prev_hash, recs[0].hash);
  EXPECT_EQ(recs[4].principal, "mon-2");
  EXPECT_EQ(recs[4].target_id, "I-5");
  // Record 1 (the settings record) at the default interval, then every 10.
  ASSERT_EQ(sink_.checkpoints().size(), 3u);
  EXPECT_EQ(sink_.checkpoints()[0].seq, 1u);
  EXPECT_EQ(sink_.checkpoints()[0].every, 1u);
  EXPECT_EQ(sink_.checkpoints()[2].seq, 20u);
  EXPECT_EQ(sink_.checkpoints()[2].every, 10u);
  EXPECT_EQ(sink_.checkpoints()[2].hash, recs[19].hash);
  EXPECT_EQ(sink_.checkpoints()[2].key_id, key_.id());

  AuditLog log(sink_, clock_, key_, {10});
  ASSERT_TRUE(log.Checkpoint().ok());
  ASSERT_TRUE(log.Checkpoint().ok());  // the head is already sealed
  ASSERT_EQ(sink_.checkpoints().size(), 4u);
  EXPECT_EQ(sink_.checkpoints()[3].seq, 25u);

  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok()) << v.problem->what;
  EXPECT_EQ(v.records, 25u);
  EXPECT_EQ(v.checkpoints, 4u);
  EXPECT_EQ(v.head_seq, 25u);
}

TEST_F(AuditLogTest, AppendValidatesEntries) {
  AuditLog log(sink_, clock_, key_);
  AuditEntry e = Entry(1);
  e.principal = "";
  EXPECT_EQ(log.Append(e).status().code(), StatusCode::kInvalidArgument);
  e = Entry(1);
  e.action = "";
  EXPECT_EQ(log.Append(e).status().code(), StatusCode::kInvalidArgument);
  e = Entry(1);
  e.target_id = "I-\xff";
  EXPECT_EQ(log.Append(e).status().code(), StatusCode::kInvalidArgument);
  e = Entry(1);
  e.after_digest = "ABCDEF";
  EXPECT_EQ(log.Append(e).status().code(), StatusCode::kInvalidArgument);
  e = Entry(1);
  e.collection = std::string(kMaxAuditFieldBytes + 1, 'c');
  EXPECT_EQ(log.Append(e).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(sink_.records().empty());
}

TEST_F(AuditLogTest, TheSinkRefusesARecordThatDoesNotExtendTheHead) {
  Build(3);
  AuditRecord fork = sink_.records()[1];
  EXPECT_EQ(sink_.Append(fork).code(), StatusCode::kConflict);
  fork.seq = 4;  // right seq, wrong prev_hash
  EXPECT_EQ(sink_.Append(fork).code(), StatusCode::kConflict);
  EXPECT_EQ(sink_.records().size(), 3u);
}

TEST_F(AuditLogTest, AFlippedByteInAnyFieldIsDetected) {
  Build(60);
  const AuditRecord original = sink_.records()[49];  // seq 50
  using Mutator = void (*)(AuditRecord&);
  const std::pair<const char*, Mutator> fields[] = {
      {"seq", [](AuditRecord& r) { r.seq ^= 1; }},
      {"time", [](AuditRecord& r) { r.time_ms ^= 1; }},
      {"principal", [](AuditRecord& r) { r.principal[0] ^= 1; }},
      {"action", [](AuditRecord& r) { r.action[3] ^= 1; }},
      {"collection", [](AuditRecord& r) { r.collection.back() ^= 1; }},
      {"target_id", [](AuditRecord& r) { r.target_id[2] ^= 1; }},
      {"before_digest", [](AuditRecord& r) { r.before_digest[10] ^= 1; }},
      {"after_digest", [](AuditRecord& r) { r.after_digest[63] ^= 1; }},
      {"prev_hash", [](AuditRecord& r) { r.prev_hash[0] ^= 1; }},
      {"hash", [](AuditRecord& r) { r.hash[5] ^= 1; }},
  };
  for (const auto& [name, mutate] : fields) {
    SCOPED_TRACE(name);
    mutate(sink_.records()[49]);
    ASSERT_NE(sink_.records()[49], original);
    ExpectProblemAt(50, "");
    sink_.records()[49] = original;
    ASSERT_TRUE(Verify().ok());
  }
}

TEST_F(AuditLogTest, AnAlteredRecordIsReportedAsAlteredContent) {
  Build(20);
  sink_.records()[4].principal = "someone-else";
  ExpectProblemAt(5, "content does not match its hash");
}

TEST_F(AuditLogTest, ADeletedRecordIsDetected) {
  Build(60);
  sink_.records().erase(sink_.records().begin() + 49);
  ExpectProblemAt(50, "deleted");
}

TEST_F(AuditLogTest, ADeletedRecordWithTheChainRebuiltIsCaughtByACheckpoint) {
  Build(60);
  auto& recs = sink_.records();
  recs.erase(recs.begin() + 44);  // seq 45
  for (size_t i = 44; i < recs.size(); ++i) recs[i].seq -= 1;
  Rechain(44);
  ExpectProblemAt(50, "checkpoint names a different hash");
}

TEST_F(AuditLogTest, ReorderedRecordsAreDetected) {
  Build(60);
  std::swap(sink_.records()[49], sink_.records()[50]);
  ExpectProblemAt(50, "reordered");
}

TEST_F(AuditLogTest, ReorderedContentsUnderTheOriginalSeqsAreDetected) {
  Build(60);
  auto& recs = sink_.records();
  std::swap(recs[49], recs[50]);
  std::swap(recs[49].seq, recs[50].seq);
  ExpectProblemAt(50, "prev_hash does not match");
}

TEST_F(AuditLogTest, ATruncatedTailIsDetectedAgainstTheHead) {
  Build(60);
  sink_.records().resize(55);
  ExpectProblemAt(56, "truncated");
}

TEST_F(AuditLogTest, ATruncatedTailWithARewrittenHeadIsDetectedByTheLatestCheckpoint) {
  Build(60);
  sink_.records().resize(55);
  sink_.head() = {55, sink_.records().back().hash};
  ExpectProblemAt(56, "signed checkpoint seals record 60");
}

TEST_F(AuditLogTest, TruncationPastTheLastCheckpointLeavesAnUnsealedHead) {
  Build(57);
  sink_.records().resize(55);
  sink_.head() = {55, sink_.records().back().hash};
  ExpectProblemAt(51, "not sealed by a signed checkpoint");
}

TEST_F(AuditLogTest, TruncationToASignedRecordIsCaughtByAnAnchoredHead) {
  // The documented limit (docs/audit_log_format.md §5): a log cut back to a
  // record that a checkpoint seals, with the later checkpoints deleted, is
  // a valid older log. Only a head kept outside the store tells.
  Build(60);
  const AuditCheckpoint anchor = sink_.checkpoints().back();
  ASSERT_EQ(anchor.seq, 60u);
  sink_.records().resize(50);
  sink_.head() = {50, sink_.records().back().hash};
  std::erase_if(sink_.checkpoints(), [](const AuditCheckpoint& c) { return c.seq > 50; });
  EXPECT_TRUE(Verify().ok());
  auto v = VerifyAuditLog(sink_, trusted_, &anchor);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->problem.has_value());
  EXPECT_EQ(v->problem->seq, 51u);
  EXPECT_NE(v->problem->what.find("anchored head"), std::string::npos) << v->problem->what;
}

TEST_F(AuditLogTest, AnAnchoredHeadCatchesAChainRebuiltWithTheSigningKey) {
  // Someone who holds the signing key rebuilds the whole log: every
  // signature verifies, but the anchored head's record is gone.
  Build(30);
  const AuditCheckpoint anchor = sink_.checkpoints().back();
  sink_ = MemoryAuditSink();
  clock_.Set(kT0 + 3600 * 1000);
  Build(30);
  EXPECT_TRUE(Verify().ok());
  auto v = VerifyAuditLog(sink_, trusted_, &anchor);
  ASSERT_TRUE(v.ok() && v->problem.has_value());
  EXPECT_EQ(v->problem->seq, 30u);
  EXPECT_NE(v->problem->what.find("rewritten"), std::string::npos) << v->problem->what;
  // The anchor of the rebuilt log itself is found.
  const AuditCheckpoint fresh = sink_.checkpoints().back();
  auto ok = VerifyAuditLog(sink_, trusted_, &fresh);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->ok());
  EXPECT_TRUE(ok->anchor_checked);
}

TEST_F(AuditLogTest, AnAnchorSignedByAnotherKeyIsRefused) {
  Build(20);
  SeededRandom random(7);
  const SigningKey other = SigningKey::Generate(random);
  const AuditCheckpoint anchor = SignCheckpoint(20, sink_.records()[19].hash, 10, other);
  auto v = VerifyAuditLog(sink_, trusted_, &anchor);
  ASSERT_TRUE(v.ok() && v->problem.has_value());
  EXPECT_NE(v->problem->what.find("anchored head does not verify"), std::string::npos);
}

TEST_F(AuditLogTest, DeletedCheckpointsAreTampering) {
  Build(60);
  std::erase_if(sink_.checkpoints(), [](const AuditCheckpoint& c) { return c.seq == 30; });
  ExpectProblemAt(21, "checkpoints were deleted");
}

TEST_F(AuditLogTest, DeletingTheCheckpointsFromSomeRecordOnAndRechainingIsDetected) {
  Build(60, kDefaultCheckpointEvery);  // every record sealed
  sink_.records()[39].principal = "someone-else";
  Rechain(39);
  std::erase_if(sink_.checkpoints(), [](const AuditCheckpoint& c) { return c.seq >= 40; });
  ExpectProblemAt(40, "not sealed by a signed checkpoint");
  // All of them.
  sink_.checkpoints().clear();
  ExpectProblemAt(1, "not sealed by a signed checkpoint");
}

TEST_F(AuditLogTest, AnIntervalRaisedOutsideTheChainIsDetected) {
  // The store's setting was edited to 5 directly: the signer obeys it, but no
  // settings record in the chain says so.
  AuditLog log(sink_, clock_, key_, {5});
  for (int i = 1; i <= 12; ++i) ASSERT_TRUE(log.Append(Entry(i)).ok());
  ASSERT_TRUE(log.Checkpoint().ok());
  ExpectProblemAt(5, "not the interval the audit chain set");
}

TEST_F(AuditLogTest, VersionOneCheckpointsKeepVerifyingAtTheirInterval) {
  // A log written before checkpoints signed their interval: every 1000
  // records and at the head, with the version-1 message.
  AuditLog log(sink_, clock_, key_, {1000000});
  for (int i = 1; i <= 1500; ++i) ASSERT_TRUE(log.Append(Entry(i)).ok());
  auto& recs = sink_.records();
  sink_.checkpoints() = {SignCheckpoint(1000, recs[999].hash, 0, key_),
                         SignCheckpoint(1500, recs[1499].hash, 0, key_)};
  EXPECT_TRUE(Verify().ok());
  sink_.checkpoints().erase(sink_.checkpoints().begin());
  ExpectProblemAt(1, "checkpoints were deleted");
}

TEST_F(AuditLogTest, ARecordInsertedOutOfChainIsDetected) {
  Build(60);
  AuditRecord forged = sink_.records()[50];  // seq 51
  forged.principal = "intruder";
  forged.prev_hash = std::string(64, 'e');
  forged.hash = *ComputeAuditHash(forged);
  sink_.records().insert(sink_.records().begin() + 50, forged);
  ExpectProblemAt(51, "inserted out of chain");
}

TEST_F(AuditLogTest, AWellFormedInsertedRecordIsDetectedByTheSeqThatFollows) {
  Build(60);
  AuditRecord forged = sink_.records()[50];  // seq 51, chained onto record 50
  forged.principal = "intruder";
  forged.hash = *ComputeAuditHash(forged);
  sink_.records().insert(sink_.records().begin() + 50, forged);
  ExpectProblemAt(51, "out of order");
}

TEST_F(AuditLogTest, RecordsAppendedOutsideTheLogAreDetected) {
  Build(20);
  AuditRecord extra = sink_.records().back();
  extra.seq = 21;
  extra.prev_hash = extra.hash;
  extra.hash = *ComputeAuditHash(extra);
  sink_.records().push_back(extra);  // the head is not moved
  ExpectProblemAt(21, "beyond the head");
}

TEST_F(AuditLogTest, ARewrittenChainIsCaughtByTheCheckpointItContradicts) {
  Build(60);
  sink_.records()[33].action = "incident.delete";
  Rechain(33);
  ExpectProblemAt(40, "checkpoint names a different hash");
}

TEST_F(AuditLogTest, ACheckpointSignedWithAnotherKeyIsDetected) {
  Build(60);
  SigningKey other = SigningKey::Generate(random_);
  auto& cps = sink_.checkpoints();  // at 1 (the settings record), 10, 20, 30, ...
  // Another key that names itself: not trusted.
  cps[3] = SignCheckpoint(30, sink_.records()[29].hash, 10, other);
  ExpectProblemAt(30, "not trusted");
  // Another key under the trusted key's id: the signature fails.
  cps[3].key_id = key_.id();
  ExpectProblemAt(30, "does not verify");
  // A flipped byte in a signature or a sealed hash.
  cps[3] = SignCheckpoint(30, sink_.records()[29].hash, 10, key_);
  ASSERT_TRUE(Verify().ok());
  cps[3].signature[4] = cps[3].signature[4] == 'A' ? 'B' : 'A';
  ExpectProblemAt(30, "does not verify");
  cps[3] = SignCheckpoint(30, sink_.records()[29].hash, 10, key_);
  cps[3].seq = 31;
  ExpectProblemAt(31, "does not verify");
}

TEST_F(AuditLogTest, VerificationNeedsTheInstallationsPublicKey) {
  Build(20);
  SigningKey other = SigningKey::Generate(random_);
  trusted_ = {other.public_key()};
  ExpectProblemAt(1, "not trusted");
  trusted_ = {other.public_key(), key_.public_key()};  // after a signing-key rotation
  EXPECT_TRUE(Verify().ok());
}

TEST_F(AuditLogTest, AForgedCheckpointBeyondTheEndIsNotMistakenForTruncation) {
  Build(20);
  SigningKey other = SigningKey::Generate(random_);
  sink_.checkpoints().push_back(SignCheckpoint(30, std::string(64, 'f'), 10, other));
  ExpectProblemAt(30, "not trusted");
}

// The exact bytes of docs/audit_log_format.md §2 for one record: if this test
// changes, the format version must change with it.
TEST_F(AuditLogTest, TheEncodingMatchesTheSpecification) {
  AuditRecord r;
  r.seq = 1;
  r.time_ms = kT0;
  r.principal = "operator";
  r.action = "import";
  r.collection = "incidents";
  r.target_id = "I-1";
  r.before_digest = "";
  r.after_digest = "ab";
  r.prev_hash = AuditGenesisHash();
  auto enc = EncodeAuditRecord(r);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(ToHex(AsBytes(*enc)),
            "6d6172612d61756469742f3100"  // "mara-audit/1\0"
            "0000000000000001"            // seq
            "000001941f297c00"            // time_ms
            "000000086f70657261746f72"    // "operator"
            "00000006696d706f7274"        // "import"
            "00000009696e636964656e7473"  // "incidents"
            "00000003492d31"              // "I-1"
            "00000000"                    // ""
            "000000026162"                // "ab"
            "0000000000000000000000000000000000000000000000000000000000000000");
  auto hash = ComputeAuditHash(r);
  ASSERT_TRUE(hash.ok());
  // BLAKE2b-256 of the bytes above, computed independently (Python hashlib).
  EXPECT_EQ(*hash, "1f91f76e504b544f45666ba48ed2310730fd9abd80662fb362ce21cdc21710b8");
  r.prev_hash = "not hex";
  EXPECT_EQ(EncodeAuditRecord(r).status().code(), StatusCode::kCorruption);
}

TEST_F(AuditLogTest, AHundredThousandRecordsVerifyQuickly) {
  AuditLog log(sink_, clock_, key_);
  ASSERT_TRUE(log.Append(SettingsEntry(1000)).ok());
  log.set_checkpoint_every(1000);
  for (int i = 2; i <= 100000; ++i) ASSERT_TRUE(log.Append(Entry(i)).ok());
  ASSERT_TRUE(log.Checkpoint().ok());
  const auto start = std::chrono::steady_clock::now();
  AuditVerification v = Verify();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.records, 100000u);
  EXPECT_EQ(v.checkpoints, 101u);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 5000);
  sink_.records()[99998].target_id = "I-0";
  ExpectProblemAt(99999, "content does not match");
}

}  // namespace
}  // namespace mara::security

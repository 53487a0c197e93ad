// Injected file-system faults (docs/reliability.md): a full disk, a short
// write and an fsync error at every write of an import, of a decision (an
// audit append with its change) and of an evidence intake, one fault point
// after another until the operation succeeds untouched. After each failure:
// a clear error, the data digest and the audit head as before, PRAGMA
// integrity_check "ok" and the audit chain verified; after a success the
// data equals that of a run without faults. SQLite's writes go through
// tests/fault_vfs.h; evidence files through SetEvidenceFileOpsForTesting.
#include <errno.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "common/temp_dir.h"
#include "fault_vfs.h"
#include "service/audit.h"
#include "service/authorized.h"
#include "service/core.h"
#include "service/digest.h"
#include "service/evidence.h"
#include "service/import.h"
#include "service/session.h"

namespace mara {
namespace {

namespace fs = std::filesystem;
using ::mara::testing::FaultVfs;
using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr long kMaxFaultPoints = 5000;
const std::string kDemo = std::string(MARA_SOURCE_DIR) + "/examples/demo.json";

struct Snapshot {
  std::string digest;
  uint64_t audit_head = 0;
  std::set<std::string> evidence_files;
};

std::set<std::string> FilesIn(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.insert(e.path().filename().string());
  return out;
}

void CopyStore(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

Result<std::unique_ptr<Session>> OpenAt(const fs::path& dir, bool create = false) {
  SessionOptions options;
  options.db = (dir / "office.db").string();
  options.key_file = (dir / "office.keys").string();
  options.evidence_dir = (dir / "evidence").string();
  options.create = create;
  return Session::Open(options);
}

// Opens the store without faults and checks it whole: integrity, the audit
// chain; returns what the comparisons need.
Snapshot CheckStore(const fs::path& dir) {
  Snapshot snap;
  auto session = OpenAt(dir);
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return snap;
  auto integrity = (*session)->store().IntegrityCheck();
  EXPECT_TRUE(integrity.ok() && *integrity == "ok")
      << (integrity.ok() ? *integrity : integrity.status().message());
  auto digest = DataDigest((*session)->store());
  EXPECT_TRUE(digest.ok()) << digest.status().message();
  if (digest.ok()) snap.digest = *digest;
  auto audit = VerifyAudit(**session);
  EXPECT_TRUE(audit.ok()) << audit.status().message();
  if (audit.ok()) {
    EXPECT_TRUE(audit->ok()) << audit->ToStatus().message();
    snap.audit_head = audit->head_seq;
  }
  snap.evidence_files = FilesIn(dir / "evidence");
  return snap;
}

const char* FaultName(FaultVfs::Fault f) {
  switch (f) {
    case FaultVfs::Fault::kDiskFull:
      return "disk full";
    case FaultVfs::Fault::kShortWrite:
      return "short write";
    case FaultVfs::Fault::kSyncError:
      return "fsync error";
  }
  return "";
}

class ReliabilityFaultTest : public ::testing::Test {
 protected:
  using Operation = std::function<Status(Session&)>;

  void SetUp() override {
    vfs_ = &FaultVfs::Install();
    auto tmp = ScopedTempDir::Create("mara-fault");
    ASSERT_TRUE(tmp.ok());
    tmp_ = std::move(*tmp);
    root_ = tmp_.path();
    // An empty store (init) and one holding the demo data.
    empty_ = root_ / "empty";
    demo_ = root_ / "demo";
    fs::create_directories(empty_);
    {
      auto s = OpenAt(empty_, /*create=*/true);
      ASSERT_TRUE(s.ok()) << s.status().message();
    }
    CopyStore(empty_, demo_);
    {
      auto s = OpenAt(demo_);
      ASSERT_TRUE(s.ok()) << s.status().message();
      auto r = ImportFile(**s, kDemo, ImportOptions{});
      ASSERT_TRUE(r.ok()) << r.status().message();
    }
    std::ofstream(root_ / "scan.pdf") << std::string(200 * 1024, 'x') << "a scanned statement";
  }

  // Sweeps fault point 1, 2, ... of `fault` (on files ending in `suffix`)
  // over `op` run on a fresh copy of `base`, until `op` succeeds without
  // meeting the fault. Returns the number of fault points that failed it.
  long Sweep(const fs::path& base, FaultVfs::Fault fault, const std::string& suffix,
             const Operation& op) {
    const fs::path ref = root_ / "ref", after = root_ / "after", step = root_ / "step";
    CopyStore(base, ref);
    const Snapshot before = CheckStore(ref);
    CopyStore(base, after);
    {
      auto s = OpenAt(after);
      EXPECT_TRUE(s.ok());
      Status st = op(**s);
      EXPECT_TRUE(st.ok()) << st.message();
    }
    const Snapshot done = CheckStore(after);
    EXPECT_NE(before.digest, done.digest);
    long failures = 0;
    for (long n = 1; n <= kMaxFaultPoints; ++n) {
      CopyStore(base, step);
      Status result;
      long fired = 0;
      {
        auto s = OpenAt(step);
        EXPECT_TRUE(s.ok()) << s.status().message();
        if (!s.ok()) return failures;
        vfs_->Arm(fault, n, suffix);
        result = op(**s);
        fired = vfs_->fired();
        vfs_->Disarm();
      }
      const Snapshot now = CheckStore(step);
      SCOPED_TRACE(std::string(FaultName(fault)) + " at write " + std::to_string(n) + ": " +
                   result.message());
      if (result.ok()) {
        // Committed: all of it is there (an fsync that fails after the
        // commit, in a checkpoint, costs nothing the commit made durable).
        EXPECT_EQ(now.digest, done.digest);
        if (fired == 0) return failures;
        continue;
      }
      ++failures;
      EXPECT_THAT(result.message(),
                  AnyOf(HasSubstr("disk is full"), HasSubstr("disk I/O error"),
                        HasSubstr("No space left"), HasSubstr("Input/output error")));
      EXPECT_EQ(now.digest, before.digest);
      EXPECT_EQ(now.audit_head, before.audit_head);
      EXPECT_EQ(now.evidence_files, before.evidence_files);
      if (::testing::Test::HasFailure()) return failures;
    }
    ADD_FAILURE() << "the operation never succeeded within " << kMaxFaultPoints << " fault points";
    return failures;
  }

  void Report(const char* what, FaultVfs::Fault fault, long failures) {
    std::printf("[reliability] %s, %s: %ld fault points, each refused cleanly\n", what,
                FaultName(fault), failures);
  }

  FaultVfs* vfs_ = nullptr;
  ScopedTempDir tmp_;
  fs::path root_, empty_, demo_;
};

Status ImportDemo(Session& session) { return ImportFile(session, kDemo, ImportOptions{}).status(); }

Status Decide(Session& session) {
  Decision d;
  d.party = "P-VAF";
  d.cycle = 2024;
  d.status = PartyStatus::kListed;
  d.date = *Date::Parse("2025-12-01");
  d.rationale = "Pattern of violations'); DROP TABLE decisions; --";
  return RecordDecision(session, d);
}

Status AddScan(Session& session, const fs::path& file) {
  EvidenceIntake intake;
  intake.source = "S-SURV-1";
  intake.description = "scan";
  return AddEvidence(session, file.string(), intake).status();
}

TEST_F(ReliabilityFaultTest, ImportSurvivesEveryFailedWrite) {
  for (auto fault : {FaultVfs::Fault::kDiskFull, FaultVfs::Fault::kShortWrite}) {
    const long n = Sweep(empty_, fault, "", ImportDemo);
    EXPECT_GT(n, 5);
    Report("import of examples/demo.json", fault, n);
  }
}

TEST_F(ReliabilityFaultTest, ImportSurvivesFailedWalWritesAndSyncs) {
  const long wal = Sweep(empty_, FaultVfs::Fault::kDiskFull, "-wal", ImportDemo);
  EXPECT_GT(wal, 5);
  Report("import, -wal only", FaultVfs::Fault::kDiskFull, wal);
  const long sync = Sweep(empty_, FaultVfs::Fault::kSyncError, "", ImportDemo);
  Report("import", FaultVfs::Fault::kSyncError, sync);
}

TEST_F(ReliabilityFaultTest, DecisionAndItsAuditRecordFailTogether) {
  for (auto fault :
       {FaultVfs::Fault::kDiskFull, FaultVfs::Fault::kShortWrite, FaultVfs::Fault::kSyncError}) {
    const long n = Sweep(demo_, fault, "", Decide);
    if (fault != FaultVfs::Fault::kSyncError) {
      EXPECT_GT(n, 0);
    }
    Report("decision + audit append", fault, n);
  }
}

TEST_F(ReliabilityFaultTest, EvidenceIntakeWithFailingStoreLeavesNoFile) {
  const fs::path scan = root_ / "scan.pdf";
  for (auto fault : {FaultVfs::Fault::kDiskFull, FaultVfs::Fault::kShortWrite}) {
    const long n = Sweep(demo_, fault, "", [&](Session& s) { return AddScan(s, scan); });
    EXPECT_GT(n, 0);
    Report("evidence intake, store writes", fault, n);
  }
}

// The evidence file's own writes and fsync, through the seam.
std::atomic<long> g_calls{0};
std::atomic<long> g_fail_at{0};
std::atomic<int> g_mode{0};  // 0 ENOSPC, 1 short write then ENOSPC, 2 fsync EIO

ssize_t FaultyWrite(int fd, const void* data, size_t size) {
  if (g_mode != 2 && ++g_calls >= g_fail_at) {
    if (g_mode == 1 && size > 1 && g_calls == g_fail_at) return ::write(fd, data, size / 2);
    errno = ENOSPC;
    return -1;
  }
  return ::write(fd, data, size);
}

int FaultyFsync(int fd) {
  if (g_mode == 2 && ++g_calls >= g_fail_at) {
    errno = EIO;
    return -1;
  }
  return ::fsync(fd);
}

TEST_F(ReliabilityFaultTest, EvidenceIntakeWithFailingFileWritesLeavesNoFile) {
  const fs::path scan = root_ / "scan.pdf";
  const fs::path ref = root_ / "ref", step = root_ / "step";
  CopyStore(demo_, ref);
  const Snapshot before = CheckStore(ref);
  const EvidenceFileOps faulty{&FaultyWrite, &FaultyFsync};
  const char* names[] = {"ENOSPC", "short write", "fsync EIO"};
  for (int mode = 0; mode < 3; ++mode) {
    long failures = 0;
    for (long n = 1; n <= 100; ++n) {
      CopyStore(demo_, step);
      Status result;
      {
        auto s = OpenAt(step);
        ASSERT_TRUE(s.ok());
        g_mode = mode;
        g_calls = 0;
        g_fail_at = n;
        const EvidenceFileOps previous = SetEvidenceFileOpsForTesting(faulty);
        result = AddScan(**s, scan);
        SetEvidenceFileOpsForTesting(previous);
      }
      const Snapshot now = CheckStore(step);
      if (result.ok()) {
        EXPECT_EQ(now.evidence_files.size(), before.evidence_files.size() + 1);
        break;
      }
      ++failures;
      SCOPED_TRACE(std::string(names[mode]) + " at call " + std::to_string(n));
      EXPECT_EQ(result.code(), StatusCode::kIOError);
      EXPECT_THAT(result.message(),
                  AnyOf(HasSubstr("No space left on device"), HasSubstr("Input/output error")));
      EXPECT_EQ(now.digest, before.digest);
      EXPECT_EQ(now.audit_head, before.audit_head);
      EXPECT_EQ(now.evidence_files, before.evidence_files);  // no partial or temporary file
      if (HasFailure()) return;
    }
    EXPECT_GT(failures, 0);
    std::printf("[reliability] evidence intake, file %s: %ld fault points, each refused cleanly\n",
                names[mode], failures);
  }
}

}  // namespace
}  // namespace mara

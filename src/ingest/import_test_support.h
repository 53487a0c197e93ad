// Test support for the dataset importers' tests (header only, used by
// *_test.cc): a real SQLite store in a temporary directory, a run of one
// importer in a transaction the way the import service runs it, and the
// paths of the hand-written fixtures (the real data sets: MARA_REAL_DATA).
#ifndef MARA_INGEST_IMPORT_TEST_SUPPORT_H_
#define MARA_INGEST_IMPORT_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/real_data_test_support.h"
#include "common/temp_dir.h"
#include "ingest/dataset_import.h"
#include "storage/store.h"

namespace mara::testing_support {

inline std::string Fixture(const std::string& file) {
  return std::string(MARA_SOURCE_DIR) + "/src/ingest/testdata/" + file;
}

using Importer = Status (*)(Store&, const std::string&, const DatasetImportOptions&,
                            const DatasetSink&, DatasetImportResult*);

struct Rejected {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // fields then the reason
};

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::Create("mara-ingest");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(dir).value();
    auto store = OpenStore(dir_.path() + "/mara.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // Runs `importer` in one transaction, committing only on success.
  Result<DatasetImportResult> Run(Importer importer, const std::string& path,
                                  DatasetImportOptions options = {}) {
    rejected_ = {};
    DatasetSink sink;
    sink.reject_header = [this](const std::vector<std::string_view>& columns) {
      rejected_.header.assign(columns.begin(), columns.end());
    };
    sink.reject = [this](const std::vector<std::string_view>& fields, std::string_view reason) {
      std::vector<std::string> row(fields.begin(), fields.end());
      row.emplace_back(reason);
      rejected_.rows.push_back(std::move(row));
    };
    Transaction tx(store_.get());
    MARA_RETURN_IF_ERROR(tx.Begin());
    ImportRecord record;
    record.file = path;
    record.format = "test";
    record.file_digest = "0";
    record.started_at = "2025-01-01T00:00:00Z";
    MARA_ASSIGN_OR_RETURN(options.import_id, store_->StartImport(record));
    DatasetImportResult result;
    MARA_RETURN_IF_ERROR(importer(*store_, path, options, sink, &result));
    MARA_RETURN_IF_ERROR(tx.Commit());
    return result;
  }

  Bundle Registry() {
    auto b = store_->LoadRegistry();
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? *b : Bundle{};
  }

  const Party* FindParty(const Bundle& b, const std::string& id) {
    for (const Party& p : b.parties) {
      if (p.id == id) return &p;
    }
    return nullptr;
  }

  ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
  Rejected rejected_;
};

inline int64_t Total(const CollectionCounts& c) {
  int64_t n = 0;
  for (int64_t v : c.counts) n += v;
  return n;
}

}  // namespace mara::testing_support

#endif  // MARA_INGEST_IMPORT_TEST_SUPPORT_H_

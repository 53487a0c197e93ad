#include "ingest/csv_reader.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"

namespace mara {
namespace {

class CsvReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tmp = ScopedTempDir::Create("mara-csv");
    ASSERT_TRUE(tmp.ok()) << tmp.status().message();
    tmp_ = std::move(tmp).value();
    dir_ = tmp_.path();
  }

  std::string Write(const std::string& bytes) {
    const std::string path = dir_ + "/f" + std::to_string(n_++) + ".csv";
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // Reads every record as a vector of fields; an error ends the list with
  // "ERROR: <message>".
  std::vector<std::vector<std::string>> ReadAll(const std::string& bytes,
                                                CsvReader::Options options = {}) {
    std::vector<std::vector<std::string>> out;
    auto reader = CsvReader::Open(Write(bytes), options);
    EXPECT_TRUE(reader.ok());
    for (;;) {
      Result<bool> next = (*reader)->Next();
      if (!next.ok()) {
        out.push_back({"ERROR: " + next.status().message()});
        if (!(*reader)->recoverable()) return out;
        continue;
      }
      if (!*next) return out;
      lines_.push_back((*reader)->line());
      out.emplace_back((*reader)->fields().begin(), (*reader)->fields().end());
    }
  }

  ScopedTempDir tmp_;
  std::string dir_;
  int n_ = 0;
  std::vector<uint64_t> lines_;
};

using Rows = std::vector<std::vector<std::string>>;

TEST_F(CsvReaderTest, PlainQuotedAndEmptyFields) {
  EXPECT_EQ(ReadAll("a,b,c\n1,,\"x,y\"\n"), (Rows{{"a", "b", "c"}, {"1", "", "x,y"}}));
  EXPECT_EQ(ReadAll("a,b"), (Rows{{"a", "b"}}));  // no final line end
  EXPECT_EQ(ReadAll("\"he said \"\"hi\"\"\",\"\"\n"), (Rows{{"he said \"hi\"", ""}}));
}

TEST_F(CsvReaderTest, CrlfBomAndEmbeddedNewlines) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFid,n\r\n1,\"two\r\nlines\"\r\n2,x\r\n"),
            (Rows{{"id", "n"}, {"1", "two\r\nlines"}, {"2", "x"}}));
  EXPECT_EQ(lines_, (std::vector<uint64_t>{1, 2, 4}));
}

TEST_F(CsvReaderTest, SkipsBlankLinesAndCountsThem) {
  EXPECT_EQ(ReadAll("a\n\n\nb\n"), (Rows{{"a"}, {"b"}}));
  EXPECT_EQ(lines_, (std::vector<uint64_t>{1, 4}));
  EXPECT_EQ(ReadAll(""), Rows{});
  EXPECT_EQ(ReadAll("\xEF\xBB\xBF"), Rows{});
}

TEST_F(CsvReaderTest, RecordsAcrossChunkBoundaries) {
  CsvReader::Options small;
  small.chunk_bytes = 4;
  EXPECT_EQ(ReadAll("\xEF\xBB\xBF"
                    "abc,\"d\"\"e\nf\",ghijk\r\nl,m\n",
                    small),
            (Rows{{"abc", "d\"e\nf", "ghijk"}, {"l", "m"}}));
}

TEST_F(CsvReaderTest, UnterminatedQuoteNamesTheLineItOpened) {
  Rows rows = ReadAll("a,b\n1,2\n3,\"open\nstill open\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2][0], "ERROR: line 3: quoted field opened here is never closed");
}

TEST_F(CsvReaderTest, QuoteInsideUnquotedField) {
  Rows rows = ReadAll("a,b\n1,x\"y\n");
  EXPECT_EQ(rows.back()[0],
            "ERROR: line 2: quote inside an unquoted field (field 2; quote the whole field and "
            "double the quote)");
  rows = ReadAll("\"a\"b,c\n");
  EXPECT_EQ(rows.back()[0].substr(0, 55),
            "ERROR: line 1: unexpected character after the closing q");
}

TEST_F(CsvReaderTest, InvalidUtf8IsRecoverable) {
  Rows rows = ReadAll("a,b\nok,b\xC3\x28z\nnext,row\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "ERROR: line 2, field 2: invalid UTF-8 at byte 2 of the field");
  EXPECT_EQ(rows[2], (std::vector<std::string>{"next", "row"}));
}

TEST_F(CsvReaderTest, RecordLimit) {
  CsvReader::Options limited;
  limited.max_record_bytes = 10;
  Rows rows = ReadAll("a,b\n12345,678901\n", limited);
  EXPECT_EQ(rows.back()[0], "ERROR: line 2: record larger than the limit of 10 bytes (field 2)");
}

TEST_F(CsvReaderTest, FiftyMegabyteField) {
  std::string big(50u << 20, 'x');
  auto rows = ReadAll("a,b\n1,\"" + big + "\"\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1].size(), big.size());
  CsvReader::Options limited;
  limited.max_record_bytes = 1u << 20;
  rows = ReadAll("a,b\n1,\"" + big + "\"\n", limited);
  EXPECT_EQ(rows.back()[0],
            "ERROR: line 2: record larger than the limit of 1048576 bytes (field 2)");
}

TEST_F(CsvReaderTest, MissingFileAndProgress) {
  auto missing = CsvReader::Open(dir_ + "/nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), dir_ + "/nope.csv: no such file");

  auto reader = CsvReader::Open(Write("ab,c\nd,e\n"));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->file_size(), 9u);
  ASSERT_TRUE(*(*reader)->Next());
  EXPECT_EQ((*reader)->bytes_consumed(), 5u);
  ASSERT_TRUE(*(*reader)->Next());
  EXPECT_EQ((*reader)->bytes_consumed(), 9u);
  EXPECT_FALSE(*(*reader)->Next());
}

}  // namespace
}  // namespace mara

// CsvReader: a streaming RFC 4180 reader over a file.
//
// Contract:
// - Reads the file in large buffered chunks and never holds more of it than
//   one record (plus one chunk), so files of any size stream in constant
//   memory. Accepts quoted fields with "" escapes and embedded CR/LF, CRLF,
//   LF or lone CR line ends, and skips a UTF-8 byte order mark at the start.
//   Lines that are completely empty are skipped.
// - Next() moves to the following record and returns true, or false at the
//   end of the file. The fields of the current record are views into the
//   reader's buffer, valid until the next call to Next().
// - line() is the physical line (1-based) where the current record starts,
//   bytes_consumed() how far into the file the reader is (for progress).
// - Errors are kInvalidArgument with a message that starts with the line
//   ("line 7: quoted field opened here is never closed") but not the file
//   name, which the caller adds: an unterminated quote, a quote inside an
//   unquoted field, a character after a closing quote, a record larger than
//   Options::max_record_bytes, invalid UTF-8 (with the field and byte).
//   After an invalid-UTF-8 error the record was read whole: fields() holds
//   it and recoverable() is true, so a caller may reject the record and go
//   on. After any other error the reader is spent. Open() returns kNotFound
//   for a missing file and kIOError when it cannot be read; both messages
//   start with the path.
// - A CsvReader is used from one thread at a time.
#ifndef MARA_INGEST_CSV_READER_H_
#define MARA_INGEST_CSV_READER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mara {

class CsvReader {
 public:
  struct Options {
    size_t max_record_bytes = size_t{64} << 20;  // 64 MiB
    size_t chunk_bytes = size_t{1} << 20;
  };

  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path) {
    return Open(path, Options());
  }
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  Result<bool> Next();

  const std::vector<std::string_view>& fields() const { return fields_; }
  uint64_t line() const { return record_line_; }
  uint64_t bytes_consumed() const { return file_offset_ - (end_ - pos_); }
  uint64_t file_size() const { return file_size_; }
  bool recoverable() const { return recoverable_; }
  // Column names from the header, so errors say field 'date' rather than a
  // field number.
  void SetFieldNames(std::vector<std::string> names) { field_names_ = std::move(names); }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  using File = std::unique_ptr<std::FILE, FileCloser>;

  CsvReader(File file, uint64_t file_size, Options options);
  std::string FieldName(size_t index) const;
  // Makes at least one byte available; false at the end of the file or on a
  // read error (kept in io_status_). A bool, not a Result, because it runs
  // for every field.
  bool Fill();
  // Marks the reader spent; a pending read error wins over `status`.
  Status Fail(Status status);
  Status Append(const char* data, size_t n);
  Status ParseRecord(bool* got_record);

  File file_;
  uint64_t file_size_;
  Options options_;
  std::unique_ptr<char[]> chunk_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t file_offset_ = 0;  // bytes read from the file so far
  bool eof_ = false;
  bool started_ = false;
  bool spent_ = false;
  bool recoverable_ = false;
  Status io_status_;
  uint64_t line_ = 1;  // physical line at the current position
  uint64_t record_line_ = 0;
  std::string record_;        // unescaped bytes of the current record's fields
  std::vector<size_t> ends_;  // end offset of each field within record_
  std::vector<std::string_view> fields_;
  std::vector<std::string> field_names_;
};

}  // namespace mara

#endif  // MARA_INGEST_CSV_READER_H_

#include "ingest/csv_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "common/text.h"

namespace mara {
namespace {

// Bytes that end a run of an unquoted field.
constexpr std::array<bool, 256> MakeSpecial() {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('"')] = true;
  t[static_cast<unsigned char>('\r')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecial();

std::string Line(uint64_t line) { return "line " + std::to_string(line); }

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, Options options) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + ": is a directory, not a file");
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  if (options.chunk_bytes < 4) options.chunk_bytes = 4;
  return std::unique_ptr<CsvReader>(
      new CsvReader(std::move(file), static_cast<uint64_t>(st.st_size), options));
}

CsvReader::CsvReader(File file, uint64_t file_size, Options options)
    : file_(std::move(file)),
      file_size_(file_size),
      options_(options),
      chunk_(std::make_unique<char[]>(options.chunk_bytes)) {}

bool CsvReader::Fill() {
  if (pos_ < end_) return true;
  if (eof_) return false;
  const size_t n = std::fread(chunk_.get(), 1, options_.chunk_bytes, file_.get());
  if (n == 0) {
    if (std::ferror(file_.get()))
      io_status_ = Status::IOError(std::string("read failed: ") + std::strerror(errno));
    eof_ = true;
    return false;
  }
  pos_ = 0;
  end_ = n;
  file_offset_ += n;
  if (!started_) {
    started_ = true;
    if (n >= 3 && std::memcmp(chunk_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    return pos_ < end_ || Fill();
  }
  return true;
}

Status CsvReader::Fail(Status status) {
  spent_ = true;
  if (!io_status_.ok()) return io_status_;
  return status;
}

Status CsvReader::Append(const char* data, size_t n) {
  if (record_.size() + n > options_.max_record_bytes) {
    return Fail(Status::InvalidArgument(Line(record_line_) + ": record larger than the limit of " +
                                        std::to_string(options_.max_record_bytes) +
                                        " bytes (field " + std::to_string(ends_.size() + 1) + ")"));
  }
  record_.append(data, n);
  return Status::Ok();
}

Status CsvReader::ParseRecord(bool* got_record) {
  *got_record = false;
  for (;;) {
    record_.clear();
    ends_.clear();
    fields_.clear();
    if (!Fill()) return io_status_.ok() ? Status::Ok() : Fail(io_status_);
    record_line_ = line_;
    bool any_quoted = false;
    for (;;) {
      if (Fill() && chunk_[pos_] == '"') {
        any_quoted = true;
        const uint64_t open_line = line_;
        ++pos_;
        for (;;) {
          if (!Fill()) {
            return Fail(Status::InvalidArgument(Line(open_line) +
                                                ": quoted field opened here is never closed"));
          }
          const char* start = chunk_.get() + pos_;
          const size_t avail = end_ - pos_;
          const char* quote = static_cast<const char*>(std::memchr(start, '"', avail));
          const size_t run = quote ? static_cast<size_t>(quote - start) : avail;
          line_ += static_cast<uint64_t>(std::count(start, start + run, '\n'));
          MARA_RETURN_IF_ERROR(Append(start, run));
          pos_ += run;
          if (!quote) continue;
          ++pos_;
          if (Fill() && chunk_[pos_] == '"') {
            MARA_RETURN_IF_ERROR(Append("\"", 1));
            ++pos_;
            continue;
          }
          break;
        }
        if (Fill()) {
          const char c = chunk_[pos_];
          if (c != ',' && c != '\r' && c != '\n') {
            return Fail(Status::InvalidArgument(
                Line(line_) + ": unexpected character after the closing quote of field " +
                std::to_string(ends_.size() + 1) + " (a quote inside a field must be doubled)"));
          }
        }
      } else {
        while (Fill()) {
          const char* start = chunk_.get() + pos_;
          const char* stop = chunk_.get() + end_;
          const char* p = start;
          while (p < stop && !kSpecial[static_cast<unsigned char>(*p)]) ++p;
          MARA_RETURN_IF_ERROR(Append(start, static_cast<size_t>(p - start)));
          pos_ += static_cast<size_t>(p - start);
          if (p == stop) continue;
          if (*p == '"') {
            return Fail(Status::InvalidArgument(Line(line_) +
                                                ": quote inside an unquoted field (field " +
                                                std::to_string(ends_.size() + 1) +
                                                "; quote the whole field and double the quote)"));
          }
          break;
        }
      }
      ends_.push_back(record_.size());
      if (!Fill()) break;
      const char c = chunk_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      ++pos_;
      ++line_;
      if (c == '\r' && Fill() && chunk_[pos_] == '\n') ++pos_;
      break;
    }
    if (!io_status_.ok()) return Fail(io_status_);
    if (ends_.size() == 1 && record_.empty() && !any_quoted) continue;  // a blank line
    size_t begin = 0;
    for (size_t end : ends_) {
      fields_.emplace_back(record_.data() + begin, end - begin);
      begin = end;
    }
    *got_record = true;
    return Status::Ok();
  }
}

std::string CsvReader::FieldName(size_t index) const {
  if (index < field_names_.size()) return "'" + field_names_[index] + "'";
  return std::to_string(index + 1);
}

Result<bool> CsvReader::Next() {
  recoverable_ = false;
  if (spent_) return Status::InvalidArgument("the CSV reader stopped at an earlier error");
  bool got = false;
  MARA_RETURN_IF_ERROR(ParseRecord(&got));
  if (!got) return false;
  size_t bad = 0;
  if (!IsValidUtf8(record_, &bad)) {
    size_t field = 0;
    while (field + 1 < ends_.size() && ends_[field] <= bad) ++field;
    const size_t field_start = field == 0 ? 0 : ends_[field - 1];
    recoverable_ = true;
    return Status::InvalidArgument(Line(record_line_) + ", field " + FieldName(field) +
                                   ": invalid UTF-8 at byte " +
                                   std::to_string(bad - field_start + 1) + " of the field");
  }
  return true;
}

}  // namespace mara

#include "storage/postgres/pg.h"

#include <charconv>
#include <cstring>
#include <map>

#include "common/text.h"

namespace mara::pg {

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  // postgresql://user:password@host/db: drop ":password".
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t at = out.find('@', start);
    const size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  // key=value form and ?password= in a URI.
  for (std::string_view key : {"password="}) {
    size_t pos = 0;
    while ((pos = out.find(key, pos)) != std::string::npos) {
      const size_t value = pos + key.size();
      size_t end = out.find_first_of(" &", value);
      if (end == std::string::npos) end = out.size();
      out.replace(value, end - value, "***");
      pos = value + 3;
    }
  }
  return QuoteForMessage(out);
}

// ---------------------------------------------------------------- Params

std::string& Params::Next() {
  if (storage_.size() <= size_) {
    storage_.emplace_back();
    null_.push_back(false);
    binary_.push_back(false);
  }
  null_[size_] = false;
  binary_[size_] = false;
  std::string& s = storage_[size_++];
  s.clear();
  return s;
}

void Params::Add(std::string_view value) { Next().assign(value); }

void Params::AddBytes(std::string_view value) {
  Next().assign(value);
  binary_[size_ - 1] = true;
}

void Params::AddNull() {
  Next();
  null_[size_ - 1] = true;
}

void Params::AddInt(int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  Next().assign(buf, end);
}

void Params::AddDouble(double value) {
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  Next().assign(buf, end);
}

void Params::AddOptional(const std::optional<std::string>& value) {
  if (value) {
    Add(*value);
  } else {
    AddNull();
  }
}

void Params::AddOptionalDouble(const std::optional<double>& value) {
  if (value) {
    AddDouble(*value);
  } else {
    AddNull();
  }
}

const char* const* Params::values() {
  pointers_.resize(size_);
  for (size_t i = 0; i < size_; ++i) pointers_[i] = null_[i] ? nullptr : storage_[i].c_str();
  return pointers_.data();
}

const int* Params::lengths() {
  lengths_.resize(size_);
  for (size_t i = 0; i < size_; ++i) lengths_[i] = static_cast<int>(storage_[i].size());
  return lengths_.data();
}

const int* Params::formats() {
  formats_.resize(size_);
  for (size_t i = 0; i < size_; ++i) formats_[i] = binary_[i] ? 1 : 0;
  return formats_.data();
}

int Params::FirstWithNul() const {
  for (size_t i = 0; i < size_; ++i) {
    if (!null_[i] && !binary_[i] && storage_[i].find('\0') != std::string::npos) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

// ---------------------------------------------------------------- Rows

std::optional<std::string> Rows::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::string(Text(row, column));
}

Result<int64_t> Rows::BinaryInt(int row, int column) const {
  const std::string_view bytes = Text(row, column);
  if (bytes.size() != 2 && bytes.size() != 4 && bytes.size() != 8) {
    return Status::Corruption("column " + std::string(PQfname(result_.get(), column)) + " holds " +
                              std::to_string(bytes.size()) + " bytes, not a binary integer");
  }
  uint64_t value = 0;
  for (char c : bytes) value = value << 8 | static_cast<uint8_t>(c);
  // Sign-extend from the column's width.
  const int shift = 64 - 8 * static_cast<int>(bytes.size());
  return static_cast<int64_t>(value << shift) >> shift;
}

Result<int64_t> Rows::Int(int row, int column) const {
  const std::string_view text = Text(row, column);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption("column " + std::string(PQfname(result_.get(), column)) + " holds " +
                              QuoteForMessage(text) + ", not an integer");
  }
  return value;
}

Result<double> Rows::Double(int row, int column) const {
  const std::string_view text = Text(row, column);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption("column " + std::string(PQfname(result_.get(), column)) + " holds " +
                              QuoteForMessage(text) + ", not a number");
  }
  return value;
}

int64_t Rows::Affected() const {
  const char* n = PQcmdTuples(result_.get());
  int64_t value = 0;
  if (n != nullptr) std::from_chars(n, n + std::strlen(n), value);
  return value;
}

// ---------------------------------------------------------------- Conn

Result<std::unique_ptr<Conn>> Conn::Open(const std::string& url) {
  std::string where = "database " + RedactUrl(url);
  PGconn* raw = PQconnectdb(url.c_str());
  if (raw == nullptr) return Status::IOError(where + ": out of memory while connecting");
  auto conn = std::make_unique<Conn>(Key(), raw, std::move(where));
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string message = PQerrorMessage(raw);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    for (char& c : message) {
      if (c == '\n') c = ' ';
    }
    return Status::IOError(conn->where_ + ": cannot connect: " + message);
  }
  // Every text the store writes is UTF-8, whatever the server's locale.
  MARA_RETURN_IF_ERROR(conn->Exec("SET client_encoding = 'UTF8'"));
  return conn;
}

Conn::~Conn() { PQfinish(conn_); }

Status Conn::Error(const PGresult* r) const {
  std::string message = r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
  if (r != nullptr) {
    const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    const char* context = PQresultErrorField(r, PG_DIAG_CONTEXT);
    if (primary != nullptr) {
      message = primary;
      if (detail != nullptr) message += std::string(" (") + detail + ")";
      if (context != nullptr) message += std::string(" [") + context + "]";
    }
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  if (message.empty()) message = "unknown error";
  std::string text = where_ + ": " + message;
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view code = state != nullptr ? state : "";
  if (code.substr(0, 2) == "23" || code == "40001" || code == "40P01") {
    return Status::Conflict(std::move(text));
  }
  if (code == "XX001" || code == "XX002") return Status::Corruption(std::move(text));
  if (code.substr(0, 2) == "22") return Status::InvalidArgument(std::move(text));
  return Status::IOError(std::move(text));
}

Result<Rows> Conn::Finish(PGresult* raw) {
  ResultPtr result(raw);
  if (!result) return Error(nullptr);
  const ExecStatusType st = PQresultStatus(result.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Rows(std::move(result));
  return Error(result.get());
}

Status Conn::Exec(std::string_view sql) {
  MARA_RETURN_IF_ERROR(EndCopy());
  const std::string text(sql);
  // PQexec may return several results for several statements; it keeps the
  // last, and stops at the first error, which is the one reported.
  MARA_ASSIGN_OR_RETURN(Rows ignored, Finish(PQexec(conn_, text.c_str())));
  return Status::Ok();
}

Result<Rows> Conn::Query(std::string_view sql, Params& params, ResultFormat format) {
  MARA_RETURN_IF_ERROR(EndCopy());
  if (int bad = params.FirstWithNul()) {
    return Status::InvalidArgument(where_ + ": value $" + std::to_string(bad) +
                                   " holds a NUL byte, which text cannot store");
  }
  const std::string text(sql);
  return Finish(PQexecParams(conn_, text.c_str(), params.size(), nullptr, params.values(),
                             params.lengths(), params.formats(), static_cast<int>(format)));
}

Result<Rows> Conn::Prepared(std::string_view name, std::string_view sql, Params& params,
                            ResultFormat format) {
  MARA_RETURN_IF_ERROR(EndCopy());
  if (int bad = params.FirstWithNul()) {
    return Status::InvalidArgument(where_ + ": value $" + std::to_string(bad) +
                                   " holds a NUL byte, which text cannot store");
  }
  const std::string statement(name);
  if (prepared_.find(statement) == prepared_.end()) {
    const std::string text(sql);
    MARA_ASSIGN_OR_RETURN(Rows ignored, Finish(PQprepare(conn_, statement.c_str(), text.c_str(),
                                                         params.size(), nullptr)));
    prepared_.insert(statement);
  }
  return Finish(PQexecPrepared(conn_, statement.c_str(), params.size(), params.values(),
                               params.lengths(), params.formats(), static_cast<int>(format)));
}

Status Conn::BeginCopy(std::string_view sql) {
  if (in_copy_ && copy_sql_ == sql) return Status::Ok();
  MARA_RETURN_IF_ERROR(EndCopy());
  copy_sql_.assign(sql);
  ResultPtr result(PQexec(conn_, copy_sql_.c_str()));
  if (!result || PQresultStatus(result.get()) != PGRES_COPY_IN) return Error(result.get());
  in_copy_ = true;
  copy_buffer_.clear();
  return Status::Ok();
}

Status Conn::FlushCopy() {
  if (copy_buffer_.empty()) return Status::Ok();
  if (PQputCopyData(conn_, copy_buffer_.data(), static_cast<int>(copy_buffer_.size())) != 1) {
    return Error(nullptr);
  }
  copy_buffer_.clear();
  return Status::Ok();
}

constexpr size_t kCopyChunkBytes = size_t{16} << 10;

Status Conn::CopyRow(std::string_view line) {
  copy_buffer_.append(line);
  // Small chunks (libpq's own flush size is 8 KiB), so that a write
  // returns at once and the server ingests a chunk while the next rows are
  // prepared. With 256 KiB chunks, more than a Unix socket's buffer, each
  // write waited for the server, which then waited for the next chunk:
  // client and server took turns instead of working at once, and 300,000
  // incidents took 2.6 s instead of 1.3 s (bench/postgres).
  if (copy_buffer_.size() >= kCopyChunkBytes) return FlushCopy();
  return Status::Ok();
}

Status Conn::EndCopy() {
  if (!in_copy_) return Status::Ok();
  in_copy_ = false;
  Status s = FlushCopy();
  copy_buffer_.clear();
  if (PQputCopyEnd(conn_, s.ok() ? nullptr : "aborted by the client") != 1 && s.ok()) {
    s = Error(nullptr);
  }
  // Drain every result so the connection is ready for the next statement.
  while (PGresult* raw = PQgetResult(conn_)) {
    ResultPtr result(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && s.ok()) s = Error(raw);
  }
  return s;
}

bool Conn::Ping() {
  ResultPtr result(PQexec(conn_, ""));
  return result && PQresultStatus(result.get()) == PGRES_EMPTY_QUERY;
}

bool Conn::InTransactionBlock() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

bool Conn::Reusable() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE &&
         !in_copy_;
}

void AppendCopyText(std::string_view value, std::string* out) {
  // Runs without a character to escape are appended whole.
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c != '\\' && c != '\t' && c != '\n' && c != '\r') continue;
    out->append(value.data() + start, i - start);
    out->push_back('\\');
    out->push_back(c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
    start = i + 1;
  }
  out->append(value.data() + start, value.size() - start);
}

// ---------------------------------------------------------------- Pool

Lease::~Lease() {
  if (pool_ && conn_) pool_->Release(std::move(conn_));
}

namespace {

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

// Pools live for the process: their idle connections are what makes
// opening a store cheap after the first time.
std::map<std::string, std::shared_ptr<Pool>>& Registry() {
  static std::map<std::string, std::shared_ptr<Pool>> pools;
  return pools;
}

}  // namespace

std::shared_ptr<Pool> Pool::For(const std::string& url) {
  std::lock_guard lock(RegistryMutex());
  std::shared_ptr<Pool>& pool = Registry()[url];
  if (!pool) pool = std::make_shared<Pool>(url);
  return pool;
}

void Pool::CloseAllIdle() {
  std::vector<std::shared_ptr<Pool>> pools;
  {
    std::lock_guard lock(RegistryMutex());
    for (auto& [url, pool] : Registry()) pools.push_back(pool);
  }
  for (auto& pool : pools) pool->CloseIdle();
}

void Pool::CloseIdle() {
  std::vector<std::unique_ptr<Conn>> closing;
  std::lock_guard lock(mu_);
  closing.swap(idle_);
}

Result<Lease> Pool::Acquire() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      std::unique_ptr<Conn> conn = std::move(idle_.back());
      idle_.pop_back();
      // An idle connection may have been closed by the server meanwhile.
      if (conn->Reusable() && conn->Ping()) return Lease(shared_from_this(), std::move(conn));
    }
  }
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Conn> conn, Conn::Open(url_));
  return Lease(shared_from_this(), std::move(conn));
}

void Pool::Release(std::unique_ptr<Conn> conn) {
  if (!conn->Reusable()) return;  // closed here rather than handed on broken or mid-transaction
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
}

// ---------------------------------------------------------------- databases

namespace {

bool IsPlainName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string PercentEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

Result<std::string> WithDatabase(const std::string& url, std::string_view name) {
  if (!IsPlainName(name)) {
    return Status::InvalidArgument("database name " + QuoteForMessage(name) +
                                   ": use lowercase letters, digits and '_'");
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return Status::InvalidArgument("database " + RedactUrl(url) + ": " + message);
  }
  std::string out = "postgresql:///" + std::string(name);
  char separator = '?';
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string_view(o->keyword) == "dbname") continue;
    out += separator;
    out += o->keyword;
    out += '=';
    out += PercentEncode(o->val);
    separator = '&';
  }
  PQconninfoFree(options);
  return out;
}

Status CreateDatabase(const std::string& url, std::string_view name) {
  if (!IsPlainName(name)) return WithDatabase(url, name).status();
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Conn> conn, Conn::Open(url));
  Params params;
  params.Add(name);
  MARA_ASSIGN_OR_RETURN(Rows rows,
                        conn->Query("SELECT 1 FROM pg_database WHERE datname = $1", params));
  if (rows.size() > 0) return Status::Ok();
  // The name was checked above: only [a-z0-9_].
  return conn->Exec("CREATE DATABASE " + std::string(name));
}

Status DropDatabase(const std::string& url, std::string_view name) {
  if (!IsPlainName(name)) return WithDatabase(url, name).status();
  Pool::CloseAllIdle();
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Conn> conn, Conn::Open(url));
  return conn->Exec("DROP DATABASE IF EXISTS " + std::string(name) + " WITH (FORCE)");
}

}  // namespace mara::pg

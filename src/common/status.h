// Status and Result<T>: expected failures as values.
//
// Contract: every operation that can fail for a reason a user or the
// environment can cause (bad input, a missing record, a full disk) returns a
// [[nodiscard]] Status or Result<T>. The set of codes is closed; ExitCodeFor
// maps them to exit codes, and api::HttpStatusFor (src/api/problem.h) to HTTP
// statuses. Exceptions are reserved for the unexpected (bugs, bad_alloc).
// Status and Result are values: copyable, movable, not thread-safe to mutate
// concurrently (like any value).
#ifndef MARA_COMMON_STATUS_H_
#define MARA_COMMON_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mara {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the input is malformed or breaks a rule
  kNotFound,          // a referenced record or file does not exist
  kConflict,          // duplicate id, stale version, inadmissible repeat
  kPermissionDenied,  // the principal may not do this
  kCorruption,        // stored data fails an integrity check
  kIOError,           // the file system or database failed
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>"
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; used to add the
  // file or record an error happened in as it travels up.
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Process exit code for a status: 0 for ok, 2 for invalid argument, 3 not
// found, 4 conflict, 5 permission denied, 6 corruption, 7 I/O error.
int ExitCodeFor(const Status& status);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an ok Status carries no value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace mara

#define MARA_CONCAT_INNER_(a, b) a##b
#define MARA_CONCAT_(a, b) MARA_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not ok.
#define MARA_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::mara::Status mara_status_ = (expr);        \
    if (!mara_status_.ok()) return mara_status_; \
  } while (0)

// `MARA_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or
// returns its status.
#define MARA_ASSIGN_OR_RETURN(lhs, expr) \
  MARA_ASSIGN_OR_RETURN_IMPL_(MARA_CONCAT_(mara_result_, __LINE__), lhs, expr)
#define MARA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // MARA_COMMON_STATUS_H_

// Wall-clock time for the security layer, behind an interface so tests can
// freeze it (audit records carry the time they were appended).
//
// Contract: NowMillis() returns milliseconds since the Unix epoch (UTC).
// SystemClock is stateless and thread-safe. FixedClock returns the time it
// was set to, optionally advancing by a step on every call; it is not
// thread-safe (tests use it from one thread).
#ifndef MARA_SECURITY_CLOCK_H_
#define MARA_SECURITY_CLOCK_H_

#include <cstdint>
#include <string>

namespace mara::security {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMillis() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t NowMillis() const override;
};

class FixedClock : public Clock {
 public:
  explicit FixedClock(int64_t millis, int64_t step_millis = 0) : now_(millis), step_(step_millis) {}
  int64_t NowMillis() const override;
  void Set(int64_t millis) { now_ = millis; }

 private:
  mutable int64_t now_;
  int64_t step_;
};

// "2025-01-31T12:00:00.250Z": the UTC rendering used in messages and logs.
std::string FormatMillisUtc(int64_t millis);

}  // namespace mara::security

#endif  // MARA_SECURITY_CLOCK_H_

// ProgressBar: a one-line progress indicator for long imports and
// generation, drawn on a terminal and erased when the work ends.
//
// Contract:
// - The bar draws nothing until `delay` (default 1 s) has passed since it was
//   built, so short jobs print nothing at all; after that it redraws at most
//   once per `min_interval` (default 100 ms, i.e. <= 10 redraws per second).
// - Every redraw starts with '\r' and overwrites the previous one; Finish()
//   (also run by the destructor) erases the line and leaves the cursor at
//   column 0, but only when something was drawn.
// - Time comes from an injected ProgressBar::Clock and output goes to an
//   injected sink, so tests can freeze time and capture the bytes. The clock
//   must outlive the bar.
// - MakeTerminalProgress() builds a bar on stderr when stderr is a terminal
//   and a silent one otherwise (scripts and pipes see no control bytes).
// - A ProgressBar is used from one thread at a time. It never fails: output
//   errors are ignored, as progress is advisory.
#ifndef MARA_COMMON_PROGRESS_H_
#define MARA_COMMON_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mara {

struct ProgressOptions {
  std::chrono::milliseconds delay{1000};
  std::chrono::milliseconds min_interval{100};
  int width = 30;      // cells of the bar itself
  bool bytes = false;  // counts are bytes: shown in MB
};

class ProgressBar {
 public:
  class Clock {
   public:
    virtual ~Clock() = default;
    virtual std::chrono::steady_clock::time_point Now() const = 0;
  };
  // The process's monotonic clock; a static instance, never destroyed early.
  static const Clock& SteadyClock();

  using Sink = std::function<void(std::string_view)>;

  // `total` 0 means unknown: the bar then shows the count and rate only.
  // A null `sink` makes a silent bar.
  ProgressBar(std::string label, uint64_t total, const Clock& clock, Sink sink,
              ProgressOptions options = {});
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();

  void SetTotal(uint64_t total) { total_ = total; }
  // Records progress and redraws when the delay and interval allow.
  void Update(uint64_t done);
  // Erases the line if anything was drawn. Later Update() calls draw nothing.
  void Finish();

  bool drawn() const { return drawn_; }
  int redraws() const { return redraws_; }
  // The text of a redraw (without '\r'), exposed for tests.
  std::string Render(uint64_t done, std::chrono::steady_clock::duration elapsed) const;

 private:
  std::string label_;
  uint64_t total_;
  const Clock& clock_;
  Sink sink_;
  ProgressOptions options_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  size_t last_width_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
  int redraws_ = 0;
};

// A bar writing to stderr when stderr is a terminal, silent otherwise.
std::unique_ptr<ProgressBar> MakeTerminalProgress(std::string label, uint64_t total,
                                                  ProgressOptions options = {});

}  // namespace mara

#endif  // MARA_COMMON_PROGRESS_H_

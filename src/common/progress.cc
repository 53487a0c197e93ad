#include "common/progress.h"

#include <unistd.h>

#include <cstdio>
#include <utility>

namespace mara {
namespace {

class SteadyClockImpl : public ProgressBar::Clock {
 public:
  std::chrono::steady_clock::time_point Now() const override {
    return std::chrono::steady_clock::now();
  }
};

// 1234567 -> "1,234,567": counts in the millions are unreadable otherwise.
std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  int lead = static_cast<int>(digits.size() % 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && static_cast<int>(i) % 3 == lead) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatDuration(int64_t seconds) {
  char buf[32];
  if (seconds >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  }
  return buf;
}

std::string Megabytes(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(n) / 1e6);
  return buf;
}

}  // namespace

const ProgressBar::Clock& ProgressBar::SteadyClock() {
  static const SteadyClockImpl clock;
  return clock;
}

ProgressBar::ProgressBar(std::string label, uint64_t total, const Clock& clock, Sink sink,
                         ProgressOptions options)
    : label_(std::move(label)),
      total_(total),
      clock_(clock),
      sink_(std::move(sink)),
      options_(options),
      start_(clock.Now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Render(uint64_t done, std::chrono::steady_clock::duration elapsed) const {
  double seconds = std::chrono::duration<double>(elapsed).count();
  uint64_t rate = seconds > 0 ? static_cast<uint64_t>(static_cast<double>(done) / seconds) : 0;
  std::string line = label_;
  if (total_ > 0) {
    uint64_t shown = done > total_ ? total_ : done;
    int filled =
        static_cast<int>(static_cast<double>(shown) / static_cast<double>(total_) * options_.width);
    line += " [";
    line.append(static_cast<size_t>(filled), '#');
    line.append(static_cast<size_t>(options_.width - filled), '-');
    char pct[16];
    std::snprintf(pct, sizeof pct, "] %3d%% ",
                  static_cast<int>(static_cast<double>(shown) * 100 / static_cast<double>(total_)));
    line += pct;
    line += options_.bytes ? Megabytes(shown) + "/" + Megabytes(total_) + " MB"
                           : Grouped(shown) + "/" + Grouped(total_);
  } else {
    line += " " + (options_.bytes ? Megabytes(done) + " MB" : Grouped(done));
  }
  line += "  " + (options_.bytes ? Megabytes(rate) + " MB" : Grouped(rate)) + "/s";
  if (total_ > 0 && rate > 0 && done < total_) {
    line += "  eta " + FormatDuration(static_cast<int64_t>((total_ - done) / rate));
  }
  return line;
}

void ProgressBar::Update(uint64_t done) {
  if (!sink_ || finished_) return;
  auto now = clock_.Now();
  if (now - start_ < options_.delay) return;
  if (drawn_ && now - last_draw_ < options_.min_interval) return;
  std::string line = Render(done, now - start_);
  size_t width = line.size();
  // A shorter line must blank what the longer previous one left behind.
  if (width < last_width_) line.append(last_width_ - width, ' ');
  sink_("\r" + line);
  last_width_ = width;
  last_draw_ = now;
  drawn_ = true;
  ++redraws_;
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_ && sink_) sink_("\r" + std::string(last_width_, ' ') + "\r");
}

std::unique_ptr<ProgressBar> MakeTerminalProgress(std::string label, uint64_t total,
                                                  ProgressOptions options) {
  ProgressBar::Sink sink;
  if (isatty(STDERR_FILENO)) {
    sink = [](std::string_view bytes) {
      std::fwrite(bytes.data(), 1, bytes.size(), stderr);
      std::fflush(stderr);
    };
  }
  return std::make_unique<ProgressBar>(std::move(label), total, ProgressBar::SteadyClock(),
                                       std::move(sink), options);
}

}  // namespace mara

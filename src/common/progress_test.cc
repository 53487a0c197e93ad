#include "common/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace mara {
namespace {

using std::chrono::milliseconds;

class FrozenClock : public ProgressBar::Clock {
 public:
  std::chrono::steady_clock::time_point Now() const override { return now_; }
  void Advance(milliseconds d) { now_ += d; }

 private:
  std::chrono::steady_clock::time_point now_{};
};

struct Fixture {
  FrozenClock clock;
  std::string out;
  ProgressBar::Sink Sink() {
    return [this](std::string_view s) { out.append(s); };
  }
};

TEST(ProgressBarTest, ShortJobDrawsNothing) {
  Fixture f;
  {
    ProgressBar bar("importing", 100, f.clock, f.Sink());
    for (int i = 0; i <= 100; ++i) {
      bar.Update(i);
      f.clock.Advance(milliseconds(9));  // 909 ms in all: under the 1 s delay
    }
    EXPECT_FALSE(bar.drawn());
  }
  EXPECT_EQ(f.out, "");
}

TEST(ProgressBarTest, DrawsAfterDelayAndThrottles) {
  Fixture f;
  ProgressBar bar("importing", 1000, f.clock, f.Sink());
  f.clock.Advance(milliseconds(1000));
  // 2 s of updates every 10 ms: at most 10 redraws per second.
  for (int i = 0; i < 200; ++i) {
    bar.Update(i * 5);
    f.clock.Advance(milliseconds(10));
  }
  EXPECT_TRUE(bar.drawn());
  EXPECT_EQ(bar.redraws(), 20);
  EXPECT_EQ(f.out.front(), '\r');
}

TEST(ProgressBarTest, FinishErasesTheLine) {
  Fixture f;
  ProgressBar bar("importing", 10, f.clock, f.Sink());
  f.clock.Advance(milliseconds(2000));
  bar.Update(5);
  std::string drawn = f.out;
  ASSERT_FALSE(drawn.empty());
  bar.Finish();
  std::string erase = f.out.substr(drawn.size());
  EXPECT_EQ(erase, "\r" + std::string(drawn.size() - 1, ' ') + "\r");
  f.clock.Advance(milliseconds(2000));
  bar.Update(10);
  EXPECT_EQ(f.out.size(), drawn.size() + erase.size()) << "no drawing after Finish";
}

TEST(ProgressBarTest, ShorterLineBlanksTheRest) {
  Fixture f;
  ProgressBar bar("generating", 0, f.clock, f.Sink());
  f.clock.Advance(milliseconds(1000));
  bar.Update(123456789);
  size_t first = f.out.size();
  f.clock.Advance(milliseconds(1000000));  // the rate falls, so the line shrinks
  bar.Update(123456790);
  EXPECT_EQ(f.out.size() - first, first);
}

TEST(ProgressBarTest, RenderShowsBarPercentCountsRateAndEta) {
  Fixture f;
  ProgressBar bar("importing", 1000, f.clock, f.Sink(), {.width = 10});
  EXPECT_EQ(bar.Render(250, std::chrono::seconds(5)),
            "importing [##--------]  25% 250/1,000  50/s  eta 0:15");
  EXPECT_EQ(bar.Render(1000, std::chrono::seconds(1)),
            "importing [##########] 100% 1,000/1,000  1,000/s");
  ProgressBar unknown("generating", 0, f.clock, f.Sink());
  EXPECT_EQ(unknown.Render(1234567, std::chrono::seconds(1)), "generating 1,234,567  1,234,567/s");
}

TEST(ProgressBarTest, ByteCountsInMegabytes) {
  Fixture f;
  ProgressBar bar("importing", 87300000, f.clock, f.Sink(), {.width = 4, .bytes = true});
  EXPECT_EQ(bar.Render(43650000, std::chrono::seconds(2)),
            "importing [##--]  50% 43.6/87.3 MB  21.8 MB/s  eta 0:02");
}

TEST(ProgressBarTest, LongEtaUsesHours) {
  Fixture f;
  ProgressBar bar("importing", 1000000, f.clock, f.Sink(), {.width = 4});
  EXPECT_EQ(bar.Render(1, std::chrono::seconds(1)),
            "importing [----]   0% 1/1,000,000  1/s  eta 277:46:39");
}

TEST(ProgressBarTest, SilentWithoutSink) {
  Fixture f;
  ProgressBar bar("importing", 10, f.clock, nullptr);
  f.clock.Advance(milliseconds(5000));
  bar.Update(5);
  EXPECT_FALSE(bar.drawn());
}

}  // namespace
}  // namespace mara

#include "common/handoff.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace mara {
namespace {

struct Slot {
  std::vector<int> values;
  bool last = false;
};

TEST(HandoffTest, TheConsumerSeesEveryValueInTheOrderProduced) {
  Handoff<Slot> handoff(3);
  std::thread producer([&] {
    int next = 0;
    for (int round = 0; round < 200; ++round) {
      Slot* slot = handoff.Fill();
      ASSERT_NE(slot, nullptr);
      slot->values.clear();
      for (int i = 0; i < 7; ++i) slot->values.push_back(next++);
      slot->last = round == 199;
      handoff.Publish(slot);
    }
  });
  std::vector<int> seen;
  for (;;) {
    Slot* slot = handoff.Drain();
    ASSERT_NE(slot, nullptr);
    seen.insert(seen.end(), slot->values.begin(), slot->values.end());
    const bool last = slot->last;
    handoff.Recycle(slot);
    if (last) break;
  }
  producer.join();
  ASSERT_EQ(seen.size(), 1400u);
  for (int i = 0; i < 1400; ++i) EXPECT_EQ(seen[i], i);
}

TEST(HandoffTest, CancelReleasesAProducerWaitingForAFreeSlot) {
  Handoff<Slot> handoff(2);
  std::atomic<int> published = 0;
  std::thread producer([&] {
    while (Slot* slot = handoff.Fill()) {
      ++published;
      handoff.Publish(slot);
    }
  });
  // The consumer takes one slot and fails: the producer, with both slots
  // published or held, waits in Fill() until the cancel.
  Slot* first = handoff.Drain();
  ASSERT_NE(first, nullptr);
  while (published.load() < 2) std::this_thread::yield();
  handoff.Cancel();
  producer.join();
  EXPECT_EQ(published, 2);
  EXPECT_EQ(handoff.Drain(), nullptr);
  EXPECT_EQ(handoff.Fill(), nullptr);
}

TEST(HandoffTest, CancelReleasesAConsumerWaitingForAPublishedSlot) {
  Handoff<Slot> handoff(2);
  Slot* got = reinterpret_cast<Slot*>(1);
  std::thread consumer([&] { got = handoff.Drain(); });
  handoff.Cancel();
  consumer.join();
  EXPECT_EQ(got, nullptr);
}

}  // namespace
}  // namespace mara

// Handoff<T>: a fixed set of T slots passed between one producer thread and
// one consumer thread, in order, so that the producer fills the next slot
// while the consumer drains the last one.
//
// Contract:
// - The slots are made once (`slots` default-constructed T) and reused: the
//   producer takes an empty slot with Fill(), writes it and hands it over
//   with Publish(); the consumer takes published slots with Drain(), in the
//   order they were published, and returns each with Recycle(). A slot keeps
//   what it held when recycled, so its buffers keep their capacity.
// - Fill() blocks while every slot is published or held; Drain() blocks
//   while none is published. After Cancel() both return nullptr at once and
//   forever, which is how either side tells the other to stop: the consumer
//   cancels when it fails, and the producer ends by publishing a slot that
//   says it is the last (the meaning of a slot is the caller's).
// - One producer thread and one consumer thread; the calls are thread-safe
//   between them. The slots outlive every pointer handed out only while the
//   Handoff lives: join the producer before destroying it.
#ifndef MARA_COMMON_HANDOFF_H_
#define MARA_COMMON_HANDOFF_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace mara {

template <typename T>
class Handoff {
 public:
  explicit Handoff(size_t slots) {
    slots_.reserve(slots);
    for (size_t i = 0; i < slots; ++i) {
      slots_.push_back(std::make_unique<T>());
      empty_.push_back(slots_.back().get());
    }
  }
  Handoff(const Handoff&) = delete;
  Handoff& operator=(const Handoff&) = delete;

  // Producer: an empty slot to fill, or nullptr once cancelled.
  T* Fill() { return Take(&empty_); }
  // Producer: hands a slot from Fill() to the consumer.
  void Publish(T* slot) { Give(&full_, slot); }
  // Consumer: the next published slot, or nullptr once cancelled.
  T* Drain() { return Take(&full_); }
  // Consumer: gives a slot from Drain() back to the producer.
  void Recycle(T* slot) { Give(&empty_, slot); }
  // Wakes both sides; every later Fill() and Drain() returns nullptr.
  void Cancel() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    changed_.notify_all();
  }

 private:
  T* Take(std::deque<T*>* from) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return cancelled_ || !from->empty(); });
    if (cancelled_) return nullptr;
    T* slot = from->front();
    from->pop_front();
    return slot;
  }
  void Give(std::deque<T*>* to, T* slot) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      to->push_back(slot);
    }
    changed_.notify_all();
  }

  std::vector<std::unique_ptr<T>> slots_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<T*> empty_;
  std::deque<T*> full_;
  bool cancelled_ = false;
};

}  // namespace mara

#endif  // MARA_COMMON_HANDOFF_H_

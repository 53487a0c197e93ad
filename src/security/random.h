// Randomness for nonces and keys, behind an interface so tests can make it
// repeatable.
//
// Contract: Fill() overwrites every byte of `out`. SystemRandom draws from
// libsodium's CSPRNG (randombytes_buf) and is thread-safe. SeededRandom is a
// deterministic stream (ChaCha20 keyed by the seed, via
// randombytes_buf_deterministic with a call counter), so the same seed gives
// the same bytes in the same order; it is for tests only and not
// thread-safe. Nothing here can fail.
#ifndef MARA_SECURITY_RANDOM_H_
#define MARA_SECURITY_RANDOM_H_

#include <cstdint>
#include <span>

namespace mara::security {

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;
};

class SystemRandom : public Random {
 public:
  void Fill(std::span<uint8_t> out) override;
};

class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : seed_(seed) {}
  void Fill(std::span<uint8_t> out) override;

 private:
  uint64_t seed_;
  uint64_t calls_ = 0;
};

// The process-wide SystemRandom.
Random& DefaultRandom();

}  // namespace mara::security

#endif  // MARA_SECURITY_RANDOM_H_

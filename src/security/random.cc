#include "security/random.h"

#include <sodium.h>

#include "security/secret.h"

namespace mara::security {

void SystemRandom::Fill(std::span<uint8_t> out) {
  EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

void SeededRandom::Fill(std::span<uint8_t> out) {
  EnsureSodium();
  unsigned char seed[randombytes_SEEDBYTES] = {};
  for (int i = 0; i < 8; ++i) {
    seed[i] = static_cast<unsigned char>(seed_ >> (8 * i));
    seed[8 + i] = static_cast<unsigned char>(calls_ >> (8 * i));
  }
  ++calls_;
  randombytes_buf_deterministic(out.data(), out.size(), seed);
}

Random& DefaultRandom() {
  static SystemRandom random;
  return random;
}

}  // namespace mara::security

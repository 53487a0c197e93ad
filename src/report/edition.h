// Editions of the annual report and what each may disclose (docs/reports.md).
//
// Contract: pure functions and plain values, thread-safe.
// - The confidential edition shows everything the store holds except
//   records whose consent is `withdrawn` (they are in no output at all).
// - The public edition also leaves out incidents whose consent is
//   `internal_use`, every confidential source, every narrative and every
//   free-text note, and publishes victim counts through PublishVictims: a
//   count below the policy's publication.min_cell reads "<N", and a total or
//   share from which such a count could be worked back is withheld. The
//   withheld numbers are never stored in the published values, so no
//   renderer can print them by mistake.
#ifndef MARA_REPORT_EDITION_H_
#define MARA_REPORT_EDITION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/model.h"

namespace mara::report {

enum class Edition { kPublic, kConfidential };

std::string_view EditionName(Edition edition);
// "public" or "confidential"; kInvalidArgument otherwise.
Result<Edition> ParseEdition(std::string_view text);

// Whether an incident with this consent enters the edition at all.
bool IncludesConsent(Edition edition, Consent consent);
// Whether the edition may name this source.
bool ShowsSource(Edition edition, const Source& source);

// One published count: `text` is what every renderer prints ("12", "<3",
// "withheld"); `value` is the number when it is published, else absent.
struct Cell {
  std::optional<int64_t> value;
  std::string text;
};

// A share in percent with one decimal, or withheld.
struct Share {
  std::optional<double> percent;
  std::string text;  // "42.5%", "withheld" or "-" when the total is 0
};

struct VictimCells {
  Cell women, girls, men, boys, unknown, total;
  Share women_and_girls;  // (women + girls) / total
  Share children;         // (girls + boys) / total
};

inline constexpr std::string_view kWithheld = "withheld";

VictimCells PublishVictims(const Victims& v, Edition edition, int min_cell);
// A single victim count outside a breakdown.
Cell PublishVictimCount(int64_t n, Edition edition, int min_cell);

}  // namespace mara::report

#endif  // MARA_REPORT_EDITION_H_

#include "report/edition.h"

#include <fmt/format.h>

#include <utility>

#include "common/text.h"

namespace mara::report {
namespace {

Cell Shown(int64_t n) { return Cell{n, std::to_string(n)}; }

Share ShareOf(int64_t part, int64_t total) {
  if (total == 0) return Share{std::nullopt, "-"};
  double percent = 100.0 * static_cast<double>(part) / static_cast<double>(total);
  return Share{percent, fmt::format("{:.1f}%", percent)};
}

Share WithheldShare() { return Share{std::nullopt, std::string(kWithheld)}; }

}  // namespace

std::string_view EditionName(Edition edition) {
  return edition == Edition::kPublic ? "public" : "confidential";
}

Result<Edition> ParseEdition(std::string_view text) {
  if (text == "public") return Edition::kPublic;
  if (text == "confidential") return Edition::kConfidential;
  return Status::InvalidArgument("--edition: unknown edition " + QuoteForMessage(text) +
                                 " (expected public or confidential)");
}

bool IncludesConsent(Edition edition, Consent consent) {
  if (consent == Consent::kWithdrawn) return false;
  return edition == Edition::kConfidential || consent != Consent::kInternalUse;
}

bool ShowsSource(Edition edition, const Source& source) {
  if (source.consent && !IncludesConsent(edition, *source.consent)) return false;
  return edition == Edition::kConfidential || !source.confidential;
}

Cell PublishVictimCount(int64_t n, Edition edition, int min_cell) {
  if (edition == Edition::kPublic && n < min_cell) {
    return Cell{std::nullopt, "<" + std::to_string(min_cell)};
  }
  return Shown(n);
}

VictimCells PublishVictims(const Victims& v, Edition edition, int min_cell) {
  VictimCells c;
  c.women = PublishVictimCount(v.women, edition, min_cell);
  c.girls = PublishVictimCount(v.girls, edition, min_cell);
  c.men = PublishVictimCount(v.men, edition, min_cell);
  c.boys = PublishVictimCount(v.boys, edition, min_cell);
  c.unknown = PublishVictimCount(v.unknown, edition, min_cell);
  const int64_t total = v.Total();
  c.total = PublishVictimCount(total, edition, min_cell);
  c.women_and_girls = ShareOf(v.women + v.girls, total);
  c.children = ShareOf(v.girls + v.boys, total);
  if (edition != Edition::kPublic) return c;
  // The total minus the published parts gives back the sum of the
  // suppressed ones: publish it only when that sum is itself no small cell
  // and spreads over at least two parts, so no single part can be derived.
  int masked = 0;
  int64_t masked_sum = 0;
  for (const auto& [cell, n] :
       {std::pair{&c.women, v.women}, std::pair{&c.girls, v.girls}, std::pair{&c.men, v.men},
        std::pair{&c.boys, v.boys}, std::pair{&c.unknown, v.unknown}}) {
    if (!cell->value) {
      ++masked;
      masked_sum += n;
    }
  }
  bool total_safe = masked == 0 || (masked >= 2 && masked_sum >= min_cell);
  if (c.total.value && !total_safe) c.total = Cell{std::nullopt, std::string(kWithheld)};
  // A share with a published total reveals its numerator.
  if (!c.total.value || !c.women.value || !c.girls.value) c.women_and_girls = WithheldShare();
  if (!c.total.value || !c.girls.value || !c.boys.value) c.children = WithheldShare();
  return c;
}

}  // namespace mara::report

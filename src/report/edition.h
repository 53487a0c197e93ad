// Editions of the annual report. What each edition may disclose is decided
// by the disclosure module (domain/disclosure.h); the report layer names
// its types here so renderers read as before.
#ifndef MARA_REPORT_EDITION_H_
#define MARA_REPORT_EDITION_H_

#include "domain/disclosure.h"

namespace mara::report {

using ::mara::Cell;
using ::mara::Edition;
using ::mara::EditionName;
using ::mara::IncludesConsent;
using ::mara::kWithheld;
using ::mara::ParseEdition;
using ::mara::PublishVictimCount;
using ::mara::PublishVictims;
using ::mara::Share;
using ::mara::ShowsSource;
using ::mara::VictimCells;

}  // namespace mara::report

#endif  // MARA_REPORT_EDITION_H_

// The files of a publication (service/publication.h): the public edition of
// the annual report of a cycle in every format that is deterministic and
// signed beside the file (html, md, json, csv, ftm; not pdf, whose bytes
// carry the time of printing and which needs Chromium), built once and
// rendered from the same Report, so every file names the same data digest.
//
// Contract: RenderPublicEdition is a service/publication.h
// PublicationRenderer: BuildReport's checks and failures (kReadPublic, the
// cycle), then the files `report-<cycle>-public.<ext>` in the order above.
// A Session is used from one thread.
#ifndef MARA_REPORT_PUBLICATION_H_
#define MARA_REPORT_PUBLICATION_H_

#include "common/status.h"
#include "policy/policy.h"
#include "service/publication.h"
#include "service/session.h"

namespace mara::report {

Result<RenderedSet> RenderPublicEdition(Session& session, const Policy& policy, int cycle);

}  // namespace mara::report

#endif  // MARA_REPORT_PUBLICATION_H_

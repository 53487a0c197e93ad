#include "report/publication.h"

#include <string>
#include <utility>

#include "report/builder.h"
#include "report/render.h"

namespace mara::report {

Result<RenderedSet> RenderPublicEdition(Session& session, const Policy& policy, int cycle) {
  MARA_ASSIGN_OR_RETURN(Report r, BuildReport(session, policy, cycle, Edition::kPublic));
  RenderedSet set;
  set.data_digest = r.data_digest;
  for (Format format :
       {Format::kHtml, Format::kMarkdown, Format::kJson, Format::kCsv, Format::kFtm}) {
    MARA_ASSIGN_OR_RETURN(std::string bytes, Render(r, format));
    const std::string name(FormatName(format));
    set.files.push_back(
        {"report-" + std::to_string(cycle) + "-public." + name, name, std::move(bytes)});
  }
  return set;
}

}  // namespace mara::report

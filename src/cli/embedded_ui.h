// The browser application compiled into the `mara` executable: the files
// of ui/dist as the build found them (cmake/embed_ui.cmake writes the
// definitions into the build tree), served by `mara serve` when no UI
// directory is given or installed (api/static_files.h).
//
// Contract: EmbeddedUi() is every file by its path ("/index.html",
// "/assets/..."), in static storage, or empty when the executable was
// built without the application (no node or npm, or -DMARA_UI=OFF);
// EmbeddedUiBytes() is the sum of their sizes.
#ifndef MARA_CLI_EMBEDDED_UI_H_
#define MARA_CLI_EMBEDDED_UI_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "api/static_files.h"

namespace mara::cli {

std::span<const api::EmbeddedFile> EmbeddedUi();
size_t EmbeddedUiBytes();

}  // namespace mara::cli

#endif  // MARA_CLI_EMBEDDED_UI_H_

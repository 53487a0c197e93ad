#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.h"

namespace mara::cli {

Result<std::unique_ptr<Store>> Context::OpenDb(bool create) const {
  StoreOptions options;
  options.create_if_missing = create;
  return OpenStore(db, options);
}

}  // namespace mara::cli

int main(int argc, char** argv) {
  mara::cli::Context ctx;
  CLI::App app{
      "Mara: monitoring, analysis and reporting of conflict-related sexual violence, and the "
      "listing of parties by a published policy.",
      "mara"};
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  app.add_option("--db", ctx.db, "Database: a SQLite file path or a postgresql:// URL")
      ->envname("MARA_DB");
  app.set_version_flag("--version", "mara 0.1.0");
  mara::cli::RegisterCoreCommands(app, ctx);
  mara::cli::RegisterPolicyCommands(app, ctx);
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!ctx.run) return 0;
  mara::Status status;
  try {
    status = ctx.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mara: internal error: %s\n", e.what());
    return 1;
  }
  if (!status.ok()) {
    std::string line = status.message();
    for (char& c : line) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    std::fprintf(stderr, "mara: %s\n", line.c_str());
    return mara::ExitCodeFor(status);
  }
  return 0;
}

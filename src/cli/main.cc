#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>

#include "cli/commands.h"

namespace mara::cli {

SessionOptions Context::SessionOptionsFor(bool create) const {
  SessionOptions options;
  options.db = db;
  options.key_file = key_file;
  options.evidence_dir = evidence_dir;
  options.principal = as;
  options.create = create;
  options.read_only = read_only;
  return options;
}

Result<std::unique_ptr<Session>> Context::OpenSession(bool create) const {
  return Session::Open(SessionOptionsFor(create));
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
  app.add_option("--as", ctx.as, "Act as this principal (default: operator)")->envname("MARA_AS");
  app.add_option("--key-file", ctx.key_file,
                 "Key file (default: $MARA_KEY_FILE, else the database path + .keys)");
  app.add_option("--evidence-dir", ctx.evidence_dir,
                 "Evidence directory (default: the database path + .evidence)");
  app.add_flag("--read-only", ctx.read_only,
               "Open the store for reading only (SQLite read-only open; PostgreSQL read-only "
               "transactions), as on a replica");
  std::string umask_text = "077";
  app.add_option("--umask", umask_text,
                 "File-creation mask for every file Mara writes (store, WAL, backups, exports, "
                 "rejects, reports, signatures, keys), in octal; the default 077 makes them 0600")
      ->envname("MARA_UMASK");
  app.set_version_flag("--version", "mara 0.1.0");
  mara::cli::RegisterCoreCommands(app, ctx);
  mara::cli::RegisterPolicyCommands(app, ctx);
  mara::cli::RegisterCommunicationCommands(app, ctx);
  mara::cli::RegisterSecurityCommands(app, ctx);
  mara::cli::RegisterNamesCommands(app, ctx);
  mara::cli::RegisterRegistryCommands(app, ctx);
  mara::cli::RegisterReportCommands(app, ctx);
  mara::cli::RegisterStoreCommands(app, ctx);
  mara::cli::RegisterServeCommands(app, ctx);
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!ctx.run) return 0;
  {
    char* end = nullptr;
    const long mask = std::strtol(umask_text.c_str(), &end, 8);
    if (umask_text.empty() || *end != '\0' || mask < 0 || mask > 0777) {
      std::fprintf(stderr, "mara: --umask: %s is not an octal file mode mask (e.g. 077)\n",
                   umask_text.c_str());
      return 2;
    }
    umask(static_cast<mode_t>(mask));
  }
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

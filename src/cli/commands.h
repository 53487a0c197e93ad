// The `mara` command line (docs/user-guide.md). Each group of subcommands lives in
// its own file and registers itself on the shared CLI11 app.
//
// Contract: a Register* function adds subcommands to `app`; each subcommand's
// CLI11 callback stores the work to do in `ctx.run`. main() parses, then
// calls ctx.run once and maps the returned Status to the exit code
// (ExitCodeFor) and a one-line error on stderr. Commands write results to
// stdout (or --out) and diagnostics and progress to stderr only. Commands
// call the service layer (src/service/) and never the storage layer's SQL.
#ifndef MARA_CLI_COMMANDS_H_
#define MARA_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "domain/json_codec.h"
#include "service/session.h"
#include "service/signing.h"

namespace mara::cli {

struct Context {
  std::string db = "./mara.db";  // --db: a path (SQLite) or postgresql:// URL
  std::function<Status()> run;   // set by the chosen subcommand
  std::string as;                // --as: the acting principal ("" = operator)
  std::string key_file;          // --key-file ("" = $MARA_KEY_FILE or <db>.keys)
  std::string evidence_dir;      // --evidence-dir ("" = <db>.evidence)
  bool read_only = false;        // --read-only: open the store for reading only

  // The store, keys and acting principal (service/session.h): every
  // command reaches the record through it. `create` is false for commands
  // that only read, so a mistyped path is reported instead of silently
  // created; with `create` the database, key file and operator are created
  // when missing.
  Result<std::unique_ptr<Session>> OpenSession(bool create) const;
  SessionOptions SessionOptionsFor(bool create) const;
};

// init, import, export, generate, stats
void RegisterCoreCommands(CLI::App& app, Context& ctx);
// assess, decide, petition, case
void RegisterPolicyCommands(CLI::App& app, Context& ctx);
// communication submit|rule|list|status, petition list (after
// RegisterPolicyCommands, which adds the petition group)
void RegisterCommunicationCommands(CLI::App& app, Context& ctx);
// user, key, audit, evidence, incident, verify-report
void RegisterSecurityCommands(CLI::App& app, Context& ctx);
// names review
void RegisterNamesCommands(CLI::App& app, Context& ctx);
// registry add|update|rename|verify-measure|history
void RegisterRegistryCommands(CLI::App& app, Context& ctx);
// report, publish
void RegisterReportCommands(CLI::App& app, Context& ctx);

// Writes `bytes` to `out` ("-": standard output) for --out: a regular file
// is replaced atomically and gets its detached signature (`<out>.sig`,
// service/signing.h), reported on standard error; standard output and
// devices go unsigned. `what` names the document in the message.
Status WriteSignedOutput(Session& session, const std::string& out, std::string_view bytes,
                         const ReportProvenance& provenance, const std::string& what);

// Prints a record's history as the service returns it ({"history": [{at,
// action, by?, status?, comment?, changes: [{field, before?, after?}]}]})
// under `title`: one line per entry (with " -> status" when the entry has
// one), then its comment and each changed field, with its values when the
// reader may see them.
void PrintHistory(const std::string& title, const Json& history);

// store copy, backup
void RegisterStoreCommands(CLI::App& app, Context& ctx);
// serve (the HTTP API)
void RegisterServeCommands(CLI::App& app, Context& ctx);

}  // namespace mara::cli

#endif  // MARA_CLI_COMMANDS_H_

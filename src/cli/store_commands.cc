// Store administration (service/store_transfer.h):
//
//   mara store copy --from SRC --to DST   copy everything into an empty store
//   mara [--db DB] backup --out FILE      a consistent backup of a live store
//   mara [--db DB] digest [--bundle FILE] the data digest of the store, or of
//                                         an exported bundle read back
//
// SRC, DST and DB are SQLite paths or postgresql:// URLs, so `store copy`
// moves a store from one backend to the other in either direction. Both act
// as the principal named by --as (an admin; operator by default) of the
// source store, and are audited in its chain (service/store_transfer.h).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "service/authorized.h"
#include "service/digest.h"
#include "service/store_transfer.h"

namespace mara::cli {
namespace {

struct CopyArgs {
  std::string from;
  std::string to;
};

Status RunCopy(const Context& ctx, const CopyArgs& args) {
  if (args.from == args.to) {
    return Status::InvalidArgument("--from and --to name the same store");
  }
  Context source = ctx;
  source.db = args.from;
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, source.OpenSession(/*create=*/false));
  Context destination = ctx;
  destination.db = args.to;
  MARA_ASSIGN_OR_RETURN(CopyReport report,
                        CopyStoreTo(*session, destination.SessionOptionsFor(/*create=*/true)));
  std::fputs(FormatCopyReport(report).c_str(), stdout);
  return Status::Ok();
}

Status RunBackup(const Context& ctx, const std::string& out) {
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
  MARA_ASSIGN_OR_RETURN(BackupReport report, BackupStore(*session, out));
  std::printf("backup of the %s store written to %s\ndata digest %s\n", report.backend.c_str(),
              report.file.c_str(), report.data_digest.c_str());
  return Status::Ok();
}

Status RunDigest(const Context& ctx, const std::string& bundle) {
  std::string digest;
  if (!bundle.empty()) {
    MARA_ASSIGN_OR_RETURN(digest, BundleDataDigest(bundle));
  } else {
    MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
    MARA_ASSIGN_OR_RETURN(digest, DataDigest(*session));
  }
  std::printf("%s\n", digest.c_str());
  return Status::Ok();
}

}  // namespace

void RegisterStoreCommands(CLI::App& app, Context& ctx) {
  CLI::App* store = app.add_subcommand("store", "Store administration");
  store->require_subcommand(1);
  auto copy_args = std::make_shared<CopyArgs>();
  CLI::App* copy = store->add_subcommand(
      "copy",
      "Copy everything (audit log, evidence metadata and users included) into an empty "
      "store; the data digest must come out equal");
  copy->add_option("--from", copy_args->from, "Source: a SQLite path or postgresql:// URL")
      ->required();
  copy->add_option("--to", copy_args->to, "Destination (empty or new)")->required();
  copy->callback(
      [&ctx, copy_args] { ctx.run = [&ctx, copy_args] { return RunCopy(ctx, *copy_args); }; });

  auto out = std::make_shared<std::string>();
  CLI::App* backup = app.add_subcommand(
      "backup",
      "A consistent backup of the --db store, taken while it is in use (SQLite online "
      "backup; pg_dump --format=custom for PostgreSQL)");
  backup->add_option("--out", *out, "The backup file (must not exist)")->required();
  backup->callback([&ctx, out] { ctx.run = [&ctx, out] { return RunBackup(ctx, *out); }; });

  auto bundle = std::make_shared<std::string>();
  CLI::App* digest = app.add_subcommand(
      "digest",
      "Print the data digest of the --db store, or with --bundle of an exported bundle, "
      "recomputed from the file alone");
  digest->add_option("--bundle", *bundle, "A bundle written by `mara export --format bundle`");
  digest->callback(
      [&ctx, bundle] { ctx.run = [&ctx, bundle] { return RunDigest(ctx, *bundle); }; });
}

}  // namespace mara::cli

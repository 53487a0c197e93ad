// init, import, export, generate and stats (docs/user-guide.md). Each command
// parses its options, calls one service, and prints the outcome on stdout;
// progress goes to stderr and errors travel back to main() as a Status.
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "cli/commands.h"
#include "common/progress.h"
#include "ingest/generator.h"
#include "service/authorized.h"
#include "service/export.h"
#include "service/import.h"
#include "service/stats.h"

namespace mara::cli {
namespace {

namespace fs = std::filesystem;

// The store's location as a user would look for it: an absolute path for a
// file, the URL unchanged otherwise.
std::string Where(const std::string& db) {
  if (db.find("://") != std::string::npos) return db;
  std::error_code ec;
  fs::path absolute = fs::absolute(db, ec);
  return ec ? db : absolute.lexically_normal().string();
}

void RegisterInit(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand(
      "init",
      "Create the database, its key file (mode 0600) and the operator admin, or bring an "
      "existing database to the current schema");
  cmd->callback([&ctx] {
    ctx.run = [&ctx]() -> Status {
      bool existed = ctx.db.find("://") == std::string::npos && fs::exists(ctx.db);
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/true));
      std::printf("%s %s store at %s (schema version %d)\n", existed ? "Opened" : "Created",
                  std::string(session->backend()).c_str(), Where(ctx.db).c_str(),
                  session->schema_version());
      std::printf("Key file %s; acting as %s\n", Where(session->key_file()).c_str(),
                  session->name().c_str());
      return session->Finish();
    };
  });
}

struct ImportArgs {
  std::string file;
  std::string format;
  bool skip_invalid = false;
  std::string agenda = "all";
  std::string mapping;
  std::string names_config;
};

void RegisterImport(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Import a mara-bundle/1 JSON document or an incidents CSV in one transaction: a file "
      "with any invalid record changes nothing, unless --skip-invalid");
  cmd->add_option("FILE", args->file, "The file to import")->required();
  cmd->add_option("--format", args->format,
                  "bundle, incidents-csv, svac, ucdp-actors, acled or hxl (default: from the "
                  "file name, .csv is incidents-csv)")
      ->check(CLI::IsMember({"bundle", "incidents-csv", "svac", "ucdp-actors", "acled", "hxl"}));
  cmd->add_option("--agenda", args->agenda,
                  "svac, ucdp-actors, acled, hxl: situations on the Council's agenda: all, none "
                  "or a file naming one situation per line");
  cmd->add_option("--mapping", args->mapping, "hxl: a mapping file (docs/importers.md)");
  cmd->add_option("--names-config", args->names_config,
                  "Name-resolution thresholds, a TOML file with a [names] table");
  cmd->add_flag("--skip-invalid", args->skip_invalid,
                "Commit the valid records and write each rejected one, with its reason, to "
                "FILE.rejects.csv");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/true));
      std::unique_ptr<ProgressBar> bar = MakeTerminalProgress("importing", 0, {.bytes = true});
      ImportOptions options;
      options.format = args->format;
      options.skip_invalid = args->skip_invalid;
      options.agenda = args->agenda;
      options.mapping = args->mapping;
      options.names_config = args->names_config;
      options.progress = [&bar](uint64_t done, uint64_t total) {
        bar->SetTotal(total);
        bar->Update(done);
      };
      Result<ImportSummary> summary = ImportFile(*session, args->file, options);
      bar->Finish();
      if (!summary.ok()) return summary.status();
      std::fputs(FormatImportSummary(*summary).c_str(), stdout);
      return Status::Ok();
    };
  });
}

struct ExportArgs {
  std::string format = "bundle";
  std::string out;
};

// Writes to a temporary file beside `path` and renames it into place, so a
// failed export never leaves a truncated file under the requested name.
Status ExportToFile(Session& session, const std::string& format, const std::string& path) {
  fs::path target(path);
  fs::path temp = target;
  temp += ".partial";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError(path + ": cannot open for writing");
    Status status = ExportStore(session, format, out);
    out.flush();
    if (status.ok() && !out) status = Status::IOError(path + ": write failed");
    if (!status.ok()) {
      out.close();
      std::error_code ignored;
      fs::remove(temp, ignored);
      return status;
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) return Status::IOError(path + ": " + ec.message());
  return Status::Ok();
}

void RegisterExport(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write the whole store as a mara-bundle/1 document or an incidents CSV");
  cmd->add_option("--format", args->format, "bundle or incidents-csv")
      ->check(CLI::IsMember({"bundle", "incidents-csv"}));
  cmd->add_option("--out", args->out, "Output file (default: standard output)");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      if (!args->out.empty()) return ExportToFile(*session, args->format, args->out);
      MARA_RETURN_IF_ERROR(ExportStore(*session, args->format, std::cout));
      std::cout.flush();
      if (!std::cout) return Status::IOError("standard output: write failed");
      return Status::Ok();
    };
  });
}

void RegisterGenerate(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<GeneratorOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Write a deterministic synthetic data set (fictional names): a bundle for .json; for .csv "
      "the incidents CSV, <stem>.registry.json (import it first) and <stem>.statements.json "
      "(import it last)");
  cmd->add_option("--incidents", options->incidents, "Number of incidents")->required();
  cmd->add_option("--parties", options->parties, "Number of parties (0: chosen from --incidents)");
  cmd->add_option("--cycles", options->cycles, "Number of cycles (years)");
  cmd->add_option("--first-cycle", options->first_cycle, "First cycle (year)");
  cmd->add_option("--seed", options->seed, "Seed: the same seed gives the same bytes");
  cmd->add_option("--out", *out, "Output file, ending in .json or .csv")->required();
  cmd->callback([&ctx, options, out] {
    ctx.run = [options, out]() -> Status {
      std::unique_ptr<ProgressBar> bar =
          MakeTerminalProgress("generating", static_cast<uint64_t>(options->incidents));
      Status status = Generate(*options, *out, [&bar](int64_t done, int64_t total) {
        bar->SetTotal(static_cast<uint64_t>(total));
        bar->Update(static_cast<uint64_t>(done));
      });
      bar->Finish();
      MARA_RETURN_IF_ERROR(status);
      std::printf("Wrote %s: %lld incidents, %d parties, %d cycles from %d, seed %llu\n",
                  out->c_str(), static_cast<long long>(options->incidents),
                  EffectivePartyCount(*options), options->cycles, options->first_cycle,
                  static_cast<unsigned long long>(options->seed));
      fs::path path(*out);
      if (path.extension() == ".csv") {
        fs::path stem = path.parent_path() / path.stem();
        std::printf("Wrote %s.registry.json: the other collections; import it before the CSV\n",
                    stem.string().c_str());
        std::printf("Wrote %s.statements.json: the statements; import it after the CSV\n",
                    stem.string().c_str());
      }
      return Status::Ok();
    };
  });
}

void RegisterStats(CLI::App& app, Context& ctx) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "stats",
      "Count records per collection and incidents per cycle, situation, status and "
      "violation type");
  cmd->add_flag("--json", *json, "Print one JSON object instead of a table");
  cmd->callback([&ctx, json] {
    ctx.run = [&ctx, json]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Stats stats, ComputeStats(*session));
      std::string text = *json ? StatsToJson(stats).dump(2) + "\n" : StatsToText(stats);
      std::fputs(text.c_str(), stdout);
      return Status::Ok();
    };
  });
}

}  // namespace

void RegisterCoreCommands(CLI::App& app, Context& ctx) {
  RegisterInit(app, ctx);
  RegisterImport(app, ctx);
  RegisterExport(app, ctx);
  RegisterGenerate(app, ctx);
  RegisterStats(app, ctx);
}

}  // namespace mara::cli

// `mara serve`: runs the HTTP API (api/server.h, docs/api.md) on the store
// named by --db until the process is interrupted.
//
//   mara [--db DB] serve [--bind 127.0.0.1] [--port 8080] [--threads 4]
//                        [--cache-staleness-ms 100]
//                        [--policy FILE] [--secure-cookies] [--ui DIR]
//                        [--trusted-proxy CIDR]... [--access-log FILE | --no-access-log]
//
// The browser application is served from --ui DIR, else $MARA_UI_DIR, else
// <exe dir>/../share/mara/ui (api/static_files.h), else from the copy
// compiled into this executable (cli/embedded_ui.h), when it has one.
//
// Every request acts as its logged-in principal; --as does not apply.
#include <cstdio>
#include <memory>
#include <string>

#include "api/server.h"
#include "api/static_files.h"
#include "cli/commands.h"
#include "cli/embedded_ui.h"
#include "common/text.h"

namespace mara::cli {
namespace {

struct ServeArgs {
  api::ServerOptions options;
  int64_t cache_staleness_ms = 100;
  std::string ui;
  std::string access_log = "-";
  bool no_access_log = false;
};

Status RunServe(const Context& ctx, ServeArgs& args) {
  args.options.db = ctx.db;
  args.options.cache_staleness = std::chrono::milliseconds(args.cache_staleness_ms);
  args.options.key_file = ctx.key_file;
  args.options.access_log = args.no_access_log ? "" : args.access_log;
  args.options.evidence_dir = ctx.evidence_dir;
  args.options.ui_dir = api::FindUiDir(args.ui);
  if (!args.ui.empty() && args.options.ui_dir.empty()) {
    return Status::NotFound("--ui " + QuoteForMessage(args.ui) +
                            ": no index.html there (build the UI with `npm run build` in ui/)");
  }
  if (args.options.ui_dir.empty()) args.options.embedded_ui = EmbeddedUi();
  api::Server server(args.options);
  MARA_RETURN_IF_ERROR(server.Start());
  std::fprintf(stderr, "mara: serving the API on http://%s:%d/api/v1 (Ctrl-C stops)\n",
               args.options.bind.c_str(), server.port());
  if (!args.options.ui_dir.empty()) {
    std::fprintf(stderr, "mara: serving the browser application from %s at http://%s:%d/\n",
                 args.options.ui_dir.c_str(), args.options.bind.c_str(), server.port());
  } else if (!args.options.embedded_ui.empty()) {
    std::fprintf(stderr,
                 "mara: serving the browser application built into mara (%zu files, %zu KiB) at "
                 "http://%s:%d/\n",
                 args.options.embedded_ui.size(), (EmbeddedUiBytes() + 1023) / 1024,
                 args.options.bind.c_str(), server.port());
  } else {
    std::fprintf(stderr,
                 "mara: no browser application: this mara was built without it (node and npm "
                 "missing); give one with --ui DIR or MARA_UI_DIR\n");
  }
  // SIGINT and SIGTERM end the process; the store's WAL keeps committed
  // work, and no transaction spans two requests.
  server.Wait();
  return Status::Ok();
}

}  // namespace

void RegisterServeCommands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the HTTP API (docs/api.md)");
  cmd->add_option("--bind", args->options.bind, "Address to listen on");
  cmd->add_option("--port", args->options.port, "TCP port (0: any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", args->options.threads, "Worker threads")->check(CLI::Range(1, 256));
  cmd->add_option("--cache-staleness-ms", args->cache_staleness_ms,
                  "How old, in ms, the data version behind a cached answer may be for changes "
                  "made by other processes (0: check the store on every request)")
      ->check(CLI::Range(int64_t{0}, int64_t{60000}));
  cmd->add_option("--policy", args->options.policy_file,
                  "Policy file (TOML); default: the built-in policies/default.toml");
  cmd->add_flag("--secure-cookies", args->options.secure_cookies,
                "Mark the session cookie Secure (behind a TLS-terminating proxy)");
  cmd->add_option("--ui", args->ui,
                  "Directory of the built browser application (default: $MARA_UI_DIR, else "
                  "<exe dir>/../share/mara/ui, else the copy built into mara)");
  cmd->add_option("--trusted-proxy", args->options.trusted_proxies,
                  "A reverse proxy (IPv4 or IPv6 address or CIDR, repeatable) whose "
                  "X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host are believed: the "
                  "login limits then count the right-most forwarded address that is not a "
                  "trusted proxy (default: none; the TCP peer is the client)")
      ->allow_extra_args(false);
  cmd->add_option("--access-log", args->access_log,
                  "Append the access log (one JSON line per request: time, request id, method, "
                  "route template, status, duration, bytes) to this file; '-', the default, is "
                  "standard error");
  cmd->add_flag("--no-access-log", args->no_access_log, "Write no access log");
  cmd->add_option("--max-upload-bytes", args->options.max_upload_bytes,
                  "Largest evidence or import upload accepted (default 256 MiB)");
  cmd->callback([&ctx, args] { ctx.run = [&ctx, args] { return RunServe(ctx, *args); }; });
}

}  // namespace mara::cli

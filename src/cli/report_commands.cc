// report (docs/reports.md): the annual report of a cycle in one format
// and edition. The file is written whole or not at all: the bytes go to a
// temporary file beside --out, which is renamed over it at the end.
// publish request|signoff|list: the publication of a cycle's annex, four
// eyes and a frozen, signed set of the public edition's files
// (service/publication.h).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/text.h"
#include "policy/policy.h"
#include "report/builder.h"
#include "report/publication.h"
#include "report/render.h"
#include "service/compare.h"
#include "service/publication.h"
#include "service/session.h"
#include "service/signing.h"

namespace mara::cli {
namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  int cycle = 0;
  std::string format;
  std::string edition = "public";
  std::string out;
  std::string policy;
  std::string reference;
  std::string lang = "en";
};

Status WriteBytes(std::ofstream& f, const std::string& path, std::string_view bytes) {
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return Status::IOError("--out " + QuoteForMessage(path) + ": write failed");
  return Status::Ok();
}

// A regular file (or a new one) is replaced by renaming a complete temporary
// file over it; anything else that exists (a device such as /dev/null, a
// pipe) is written in place, never renamed over.
Status WriteAtomically(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    if (fs::is_directory(status)) {
      return Status::InvalidArgument("--out " + QuoteForMessage(path) + ": is a directory");
    }
    std::ofstream f(path, std::ios::binary);
    if (!f) return Status::IOError("--out " + QuoteForMessage(path) + ": cannot open");
    return WriteBytes(f, path, bytes);
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::IOError("--out " + QuoteForMessage(path) + ": cannot create " + tmp);
    Status written = WriteBytes(f, path, bytes);
    if (!written.ok()) {
      fs::remove(tmp, ec);
      return written;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::IOError("--out " + QuoteForMessage(path) + ": cannot rename into place");
  }
  return Status::Ok();
}

void RegisterReport(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write the annual report of a cycle: summary, trends, situations, annex, notice, late "
      "verifications, responses, engagement and statements of case");
  cmd->add_option("--cycle", args->cycle, "The cycle (year) of the report")->required();
  cmd->add_option("--format", args->format, "html, md, json, csv, ftm or pdf")
      ->required()
      ->check(CLI::IsMember({"html", "md", "json", "csv", "ftm", "pdf"}));
  cmd->add_option("--edition", args->edition,
                  "public (no confidential source, narrative or small victim count) or "
                  "confidential")
      ->check(CLI::IsMember({"public", "confidential"}));
  cmd->add_option("--out", args->out, "Output file, or - for standard output")->required();
  cmd->add_option("--lang", args->lang,
                  "Language of the report's fixed texts (html, md, pdf): ar, en, es, fr, ru or "
                  "zh; default en")
      ->check(CLI::IsMember({"ar", "en", "es", "fr", "ru", "zh"}));
  cmd->add_option("--policy", args->policy,
                  "Policy file (TOML); default: the built-in policies/default.toml");
  cmd->add_option("--reference", args->reference,
                  "A reference list (CSV cycle,situation,party,status,ucdp_id): adds section 10, "
                  "the comparison of the report's list with it");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      MARA_ASSIGN_OR_RETURN(report::Format format, report::ParseFormat(args->format));
      MARA_ASSIGN_OR_RETURN(report::Edition edition, report::ParseEdition(args->edition));
      MARA_ASSIGN_OR_RETURN(i18n::Language lang, i18n::ParseLanguage(args->lang));
      MARA_ASSIGN_OR_RETURN(Policy policy,
                            args->policy.empty() ? DefaultPolicy() : LoadPolicyFile(args->policy));
      std::optional<std::vector<ReferenceEntry>> reference;
      if (!args->reference.empty()) {
        MARA_ASSIGN_OR_RETURN(reference, ReadReferenceList(args->reference));
      }
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(report::Report r,
                            report::BuildReport(*session, policy, args->cycle, edition,
                                                reference ? &*reference : nullptr));
      MARA_ASSIGN_OR_RETURN(std::string bytes, report::Render(r, format, lang));
      ReportProvenance provenance;
      provenance.data_digest = r.data_digest;
      provenance.policy_digest = r.policy_digest;
      provenance.policy_name = r.policy_name;
      provenance.cycle = r.cycle;
      provenance.edition = args->edition;
      provenance.format = std::string(report::FormatName(format));
      if (report::FormatHasLanguage(format)) {
        provenance.language = std::string(i18n::LanguageCode(lang));
      }
      MARA_RETURN_IF_ERROR(
          WriteSignedOutput(*session, args->out, bytes, provenance,
                            fmt::format("{} {} edition of the {} report",
                                        report::FormatName(format), args->edition, args->cycle)));
      return Status::Ok();
    };
  });
}

struct PublishArgs {
  int cycle = 0;
  std::string rationale;
  std::string policy;
  bool json = false;
};

void PrintPublication(const Publication& p, const std::string& root) {
  std::printf("%d-%d  %s", p.cycle, p.number, p.state.c_str());
  if (!p.requested_by.empty()) std::printf("  requested by %s", p.requested_by.c_str());
  std::printf(" at %s", p.requested_at.c_str());
  if (p.state == "published") {
    if (!p.signed_off_by.empty()) std::printf("; signed off by %s", p.signed_off_by.c_str());
    std::printf(" at %s", p.signed_off_at.c_str());
  }
  std::printf("\n  policy %s %s  policy_digest=%s\n", p.policy_name.c_str(),
              p.policy_version.c_str(), p.policy_digest.c_str());
  if (!p.rationale.empty()) std::printf("  statement: %s\n", p.rationale.c_str());
  if (p.state != "published") return;
  std::printf("  data_digest=%s  audit head %llu %s\n", p.data_digest.c_str(),
              static_cast<unsigned long long>(p.audit_seq), p.audit_hash.c_str());
  const std::string dir = (fs::path(root) / p.directory).string();
  for (const PublishedFile& f : p.files) {
    std::printf("  %s/%s  %llu bytes  sha256=%s\n", dir.c_str(), f.name.c_str(),
                static_cast<unsigned long long>(f.bytes), f.sha256.c_str());
  }
}

void RegisterPublish(CLI::App& app, Context& ctx) {
  CLI::App* publish = app.add_subcommand(
      "publish",
      "Publish a cycle's annex: one decision maker requests it, another signs it off, and the "
      "sign-off writes the signed public edition of the report into the publications folder");
  publish->require_subcommand(1);

  auto request = std::make_shared<PublishArgs>();
  CLI::App* req = publish->add_subcommand(
      "request", "Request the publication of a cycle's annex, with a statement of why");
  req->add_option("CYCLE", request->cycle, "The cycle (year)")->required();
  req->add_option("--rationale", request->rationale, "The statement (required)")->required();
  req->add_option("--policy", request->policy,
                  "Policy file (TOML); default: the built-in policies/default.toml");
  req->callback([&ctx, request] {
    ctx.run = [&ctx, request]() -> Status {
      MARA_ASSIGN_OR_RETURN(Policy policy, request->policy.empty()
                                               ? DefaultPolicy()
                                               : LoadPolicyFile(request->policy));
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(
          Publication p, RequestPublication(*session, policy, request->cycle, request->rationale));
      std::printf(
          "Requested publication %d-%d of the %d annex (policy %s %s); another decision maker "
          "signs it off: mara publish signoff %d\n",
          p.cycle, p.number, p.cycle, p.policy_name.c_str(), p.policy_version.c_str(), p.cycle);
      return Status::Ok();
    };
  });

  auto signoff = std::make_shared<PublishArgs>();
  CLI::App* sign = publish->add_subcommand(
      "signoff",
      "Sign off the cycle's pending publication request (not your own): write and sign the "
      "public edition's files and record the publication");
  sign->add_option("CYCLE", signoff->cycle, "The cycle (year)")->required();
  sign->add_option(
      "--policy", signoff->policy,
      "Policy file (TOML), the request's; default: the built-in policies/default.toml");
  sign->callback([&ctx, signoff] {
    ctx.run = [&ctx, signoff]() -> Status {
      MARA_ASSIGN_OR_RETURN(Policy policy, signoff->policy.empty()
                                               ? DefaultPolicy()
                                               : LoadPolicyFile(signoff->policy));
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Publication p, SignOffPublication(*session, policy, signoff->cycle,
                                                              report::RenderPublicEdition));
      std::printf("Published %d-%d of the %d annex (data_digest=%s)\n", p.cycle, p.number, p.cycle,
                  p.data_digest.c_str());
      PrintPublication(p, PublicationsDir(*session));
      return Status::Ok();
    };
  });

  auto list = std::make_shared<PublishArgs>();
  CLI::App* ls = publish->add_subcommand("list", "List the publications and pending requests");
  ls->add_flag("--json", list->json, "Print JSON");
  ls->callback([&ctx, list] {
    ctx.run = [&ctx, list]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(std::vector<Publication> all, ListPublications(*session));
      const std::string root = PublicationsDir(*session);
      if (list->json) {
        nlohmann::ordered_json out = {{"directory", root},
                                      {"publications", nlohmann::ordered_json::array()}};
        for (const Publication& p : all) out["publications"].push_back(PublicationToJson(p));
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      if (all.empty()) std::printf("No publications (folder %s)\n", root.c_str());
      for (const Publication& p : all) PrintPublication(p, root);
      return Status::Ok();
    };
  });
}

}  // namespace

Status WriteSignedOutput(Session& session, const std::string& out, std::string_view bytes,
                         const ReportProvenance& provenance, const std::string& what) {
  if (out == "-") {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    if (!std::cout) return Status::IOError("standard output: write failed");
    return Status::Ok();
  }
  MARA_RETURN_IF_ERROR(WriteAtomically(out, bytes));
  std::fprintf(stderr, "Wrote %s: %s (%zu bytes)\n", out.c_str(), what.c_str(), bytes.size());
  // A regular file gets its detached signature; a pipe or device cannot be
  // re-read, so they go unsigned.
  std::error_code ec;
  if (fs::is_regular_file(out, ec)) {
    MARA_ASSIGN_OR_RETURN(std::string signature, SignReportFile(session, out, provenance));
    std::fprintf(stderr, "Signed: %s\n", signature.c_str());
  }
  return Status::Ok();
}

void RegisterReportCommands(CLI::App& app, Context& ctx) {
  RegisterReport(app, ctx);
  RegisterPublish(app, ctx);
}

}  // namespace mara::cli

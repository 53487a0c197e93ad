// user, key, audit, evidence, incident and verify-report (docs/security.md).
// Each command opens a Session as the acting principal (--as), calls one
// service and prints the outcome; the services authorise and audit.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/date.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "security/clock.h"
#include "service/audit.h"
#include "service/evidence.h"
#include "service/incidents.h"
#include "service/keys.h"
#include "service/signing.h"
#include "service/users.h"

namespace mara::cli {
namespace {

std::string JoinComma(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "-" : out;
}

// A password from the first line of standard input, so it never appears in
// the process list or the shell history.
Result<std::string> PasswordFromStdin() {
  std::string line;
  if (!std::getline(std::cin, line) || line.empty()) {
    return Status::InvalidArgument("expected the password on the first line of standard input");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

struct UserArgs {
  std::string name;
  std::vector<std::string> roles;
  std::vector<std::string> situations;
  bool password_stdin = false;
  bool remove = false;
  std::optional<std::string> language;
};

// `--language`: a code, or "none" to clear the preferred language.
std::string LanguageArg(const std::string& value) { return value == "none" ? "" : value; }

void RegisterUser(CLI::App& app, Context& ctx) {
  CLI::App* user = app.add_subcommand("user", "Principals and their roles (admin only)");
  user->require_subcommand(1);

  auto add_args = std::make_shared<UserArgs>();
  CLI::App* add = user->add_subcommand("add", "Add a principal");
  add->add_option("NAME", add_args->name, "Principal name")->required();
  add->add_option("--role", add_args->roles,
                  "viewer, monitor, analyst, reviewer, decision_maker or admin (repeatable)");
  add->add_option("--situation", add_args->situations,
                  "Assigned situation for monitor and analyst (repeatable)");
  add->add_flag("--password-stdin", add_args->password_stdin,
                "Read a password (for the HTTP API) from standard input");
  add->add_option("--language", add_args->language,
                  "Preferred language: ar, en, es, fr, ru or zh (reports, browser, API)");
  add->callback([&ctx, add_args] {
    ctx.run = [&ctx, add_args]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      NewUser u;
      u.name = add_args->name;
      u.roles = add_args->roles;
      u.situations = add_args->situations;
      u.language = LanguageArg(add_args->language.value_or(""));
      if (add_args->password_stdin) {
        MARA_ASSIGN_OR_RETURN(u.password, PasswordFromStdin());
      }
      MARA_RETURN_IF_ERROR(AddUser(*session, u));
      std::printf("Added principal %s (roles %s)\n", u.name.c_str(), JoinComma(u.roles).c_str());
      return session->Finish();
    };
  });

  auto json = std::make_shared<bool>(false);
  CLI::App* list = user->add_subcommand("list", "List the principals");
  list->add_flag("--json", *json, "Print JSON");
  list->callback([&ctx, json] {
    ctx.run = [&ctx, json]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_ASSIGN_OR_RETURN(std::vector<UserRecord> users, ListUsers(*session));
      if (*json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const UserRecord& u : users) {
          out.push_back({{"name", u.name},
                         {"roles", u.roles},
                         {"situations", u.situations},
                         {"disabled", u.disabled},
                         {"password", !u.password_hash.empty()},
                         {"created_at", u.created_at},
                         {"language", u.language.empty() ? nlohmann::ordered_json(nullptr)
                                                         : nlohmann::ordered_json(u.language)}});
        }
        std::printf("%s\n", out.dump(2).c_str());
      } else {
        for (const UserRecord& u : users) {
          std::printf("%-24s %-40s %-24s %-2s%s\n", u.name.c_str(), JoinComma(u.roles).c_str(),
                      JoinComma(u.situations).c_str(),
                      u.language.empty() ? "-" : u.language.c_str(), u.disabled ? " disabled" : "");
        }
      }
      return Status::Ok();
    };
  });

  for (bool disable : {true, false}) {
    auto name = std::make_shared<std::string>();
    CLI::App* cmd = user->add_subcommand(
        disable ? "disable" : "enable",
        disable ? "Disable a principal: it may do nothing" : "Enable a disabled principal");
    cmd->add_option("NAME", *name, "Principal name")->required();
    cmd->callback([&ctx, name, disable] {
      ctx.run = [&ctx, name, disable]() -> Status {
        MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
        MARA_RETURN_IF_ERROR(SetUserDisabled(*session, *name, disable));
        std::printf("%s principal %s\n", disable ? "Disabled" : "Enabled", name->c_str());
        return session->Finish();
      };
    });
  }

  auto passwd_name = std::make_shared<std::string>();
  CLI::App* passwd = user->add_subcommand(
      "passwd", "Set a principal's password from the first line of standard input");
  passwd->add_option("NAME", *passwd_name, "Principal name")->required();
  passwd->callback([&ctx, passwd_name] {
    ctx.run = [&ctx, passwd_name]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_ASSIGN_OR_RETURN(std::string password, PasswordFromStdin());
      MARA_RETURN_IF_ERROR(SetUserPassword(*session, *passwd_name, password));
      std::printf("Password set for %s\n", passwd_name->c_str());
      return session->Finish();
    };
  });

  auto assign_args = std::make_shared<UserArgs>();
  CLI::App* assign =
      user->add_subcommand("assign", "Give a principal roles and situations (or --remove them)");
  assign->add_option("NAME", assign_args->name, "Principal name")->required();
  assign->add_option("--role", assign_args->roles, "Role (repeatable)");
  assign->add_option("--situation", assign_args->situations, "Situation id (repeatable)");
  assign->add_flag("--remove", assign_args->remove, "Take the roles and situations away");
  assign->add_option("--language", assign_args->language,
                     "Set the preferred language: ar, en, es, fr, ru or zh (none clears it)");
  assign->callback([&ctx, assign_args] {
    ctx.run = [&ctx, assign_args]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      if (!assign_args->language && assign_args->roles.empty() && assign_args->situations.empty()) {
        return Status::InvalidArgument("name a --role, a --situation or a --language");
      }
      if (!assign_args->roles.empty() || !assign_args->situations.empty()) {
        MARA_RETURN_IF_ERROR(AssignUser(*session, assign_args->name, assign_args->roles,
                                        assign_args->situations, assign_args->remove));
      }
      if (assign_args->language) {
        MARA_RETURN_IF_ERROR(
            SetUserLanguage(*session, assign_args->name, LanguageArg(*assign_args->language)));
      }
      std::printf("Updated principal %s\n", assign_args->name.c_str());
      return session->Finish();
    };
  });
}

void RegisterKey(CLI::App& app, Context& ctx) {
  CLI::App* key = app.add_subcommand("key", "The data key (admin only)");
  key->require_subcommand(1);
  CLI::App* rotate = key->add_subcommand(
      "rotate", "Make a new data key and re-encrypt every sealed field and evidence file");
  rotate->callback([&ctx] {
    ctx.run = [&ctx]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_ASSIGN_OR_RETURN(RotationReport r, RotateDataKey(*session));
      std::printf("Rotated data key %s -> %s: %lld fields and %lld evidence files re-encrypted\n",
                  r.old_key_id.c_str(), r.new_key_id.c_str(), static_cast<long long>(r.fields),
                  static_cast<long long>(r.evidence_files));
      return session->Finish();
    };
  });
}

struct AuditArgs {
  std::vector<std::string> public_keys;
  std::string head_file;
  std::string out;
  std::string trusted_keys;
  uint64_t every = 0;
  bool json = false;
  // audit list
  std::string principal, action, record, from, to;
  uint64_t after_seq = 0;
  size_t limit = 100;
};

// The session for audit commands that only read: the store opened
// read-only, so nothing is appended or signed whatever happens.
Result<std::unique_ptr<Session>> OpenReadOnly(const Context& ctx) {
  SessionOptions options = ctx.SessionOptionsFor(false);
  options.read_only = true;
  return Session::Open(options);
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + QuoteForMessage(path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void RegisterAudit(CLI::App& app, Context& ctx) {
  CLI::App* audit = app.add_subcommand("audit", "The tamper-evident audit log");
  audit->require_subcommand(1);
  auto a = std::make_shared<AuditArgs>();

  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Check the whole hash chain and its signed checkpoints against the pinned keys; exit "
      "non-zero if damaged. Reads only.");
  verify->add_option("--public-key", a->public_keys,
                     "Trust this signing key (ed25519:<base64>, as `mara audit head` prints it) "
                     "instead of the pinned keys; repeatable");
  verify->add_option("--head", a->head_file,
                     "A signed head saved earlier by `mara audit head --out`: the chain must "
                     "still hold it (catches truncation and rewrites)");
  verify->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      AuditVerifyOptions options;
      for (const std::string& text : a->public_keys) {
        auto key = security::PublicKey::FromText(text);
        if (!key.ok()) return key.status().WithPrefix("--public-key");
        options.public_keys.push_back(*key);
      }
      if (!a->head_file.empty()) {
        MARA_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(a->head_file));
        MARA_ASSIGN_OR_RETURN(SignedAuditHead head, ParseSignedHead(text, a->head_file));
        options.anchor = head.checkpoint;
      }
      MARA_ASSIGN_OR_RETURN(auto session, OpenReadOnly(ctx));
      MARA_ASSIGN_OR_RETURN(security::AuditVerification v, VerifyAudit(*session, options));
      for (const std::string& finding : v.state_findings) {
        std::fprintf(stderr, "  %s\n", finding.c_str());
      }
      MARA_RETURN_IF_ERROR(v.ToStatus());
      std::printf("Audit log intact: %llu records, %llu signed checkpoints checked%s\n",
                  static_cast<unsigned long long>(v.records),
                  static_cast<unsigned long long>(v.checkpoints),
                  v.anchor_checked ? ", anchored head found" : "");
      if (v.state_covered) {
        std::printf("State intact: %llu records match the state the chain recorded\n",
                    static_cast<unsigned long long>(v.state_records));
      } else {
        std::printf("State not checked: %s\n", v.state_note.c_str());
      }
      return Status::Ok();
    };
  });

  CLI::App* head = audit->add_subcommand(
      "head",
      "Print the signed head of the chain (seq, hash, time, key) to keep outside the store");
  head->add_option("--out", a->out, "Write the mara-audit-head/1 JSON to this file (mode 0600)");
  head->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, OpenReadOnly(ctx));
      MARA_ASSIGN_OR_RETURN(SignedAuditHead h, ReadSignedHead(*session));
      const std::string json = SignedHeadJson(h);
      if (a->out.empty()) {
        std::fwrite(json.data(), 1, json.size(), stdout);
        return Status::Ok();
      }
      {
        std::ofstream out(a->out, std::ios::binary | std::ios::trunc);
        out << json;
        if (!out.flush()) return Status::IOError("cannot write " + QuoteForMessage(a->out));
      }
      std::printf("Audit head: record %llu, hash %s, signed by key %s; written to %s\n",
                  static_cast<unsigned long long>(h.checkpoint.seq), h.checkpoint.hash.c_str(),
                  h.checkpoint.key_id.c_str(), a->out.c_str());
      return Status::Ok();
    };
  });

  CLI::App* pin = audit->add_subcommand(
      "pin", "Trust the key file's signing key for `audit verify` (pins its public key)");
  pin->add_option("--trusted-keys", a->trusted_keys,
                  "The trusted-keys file (default: $MARA_TRUSTED_KEYS or "
                  "~/.config/mara/trusted-keys)");
  pin->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, OpenReadOnly(ctx));
      MARA_ASSIGN_OR_RETURN(security::PublicKey key, PinSigningKey(*session, a->trusted_keys));
      std::printf("Pinned signing key %s (%s)\n", key.id.c_str(), key.ToText().c_str());
      return Status::Ok();
    };
  });

  CLI::App* list = audit->add_subcommand(
      "list",
      "List audit records, oldest first, filtered (admin); refusals and failed logins "
      "included");
  list->add_option("--principal", a->principal, "Only this principal");
  list->add_option("--action", a->action,
                   "Only this action, or a prefix ending in '.' or '*' (incident.)");
  list->add_option("--record", a->record, "Only records whose target id contains this text");
  list->add_option("--from", a->from, "From this UTC day (YYYY-MM-DD)");
  list->add_option("--to", a->to, "To this UTC day (YYYY-MM-DD), included");
  list->add_option("--after-seq", a->after_seq, "Records after this sequence number");
  list->add_option("--limit", a->limit, "At most this many records (1 to 1000, default 100)");
  list->add_flag("--json", a->json, "Print the page as JSON, as GET /api/v1/audit answers");
  list->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      AuditQuery query;
      query.principal = a->principal;
      query.action = a->action;
      query.record = a->record;
      query.after_seq = a->after_seq;
      query.limit = a->limit;
      if (!a->from.empty()) {
        Result<Date> day = Date::Parse(a->from);
        if (!day.ok()) return day.status().WithPrefix("--from");
        query.from = *day;
      }
      if (!a->to.empty()) {
        Result<Date> day = Date::Parse(a->to);
        if (!day.ok()) return day.status().WithPrefix("--to");
        query.to = *day;
      }
      // Not read-only: a refusal of the listing is recorded too.
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_ASSIGN_OR_RETURN(AuditPage page, ListAuditRecords(*session, query));
      if (a->json) {
        Json items = Json::array();
        for (const AuditItem& item : page.items) {
          const security::AuditRecord& r = item.record;
          items.push_back({{"seq", r.seq},
                           {"time_ms", r.time_ms},
                           {"principal", r.principal},
                           {"action", r.action},
                           {"collection", r.collection},
                           {"target_id", r.target_id},
                           {"before_digest", r.before_digest},
                           {"after_digest", r.after_digest},
                           {"hash", r.hash},
                           {"changes", item.changes ? *item.changes : Json(nullptr)}});
        }
        Json out = {{"items", std::move(items)}};
        if (page.next_after_seq) out["next_after_seq"] = *page.next_after_seq;
        std::printf("%s\n", out.dump(2).c_str());
        return session->Finish();
      }
      for (const AuditItem& item : page.items) {
        const security::AuditRecord& r = item.record;
        std::string target = r.collection;
        if (!r.target_id.empty()) target += (target.empty() ? "" : " ") + r.target_id;
        std::printf("%llu  %s  %s  %s  %s\n", static_cast<unsigned long long>(r.seq),
                    security::FormatMillisUtc(r.time_ms).c_str(), r.principal.c_str(),
                    r.action.c_str(), target.c_str());
        if (!item.changes) continue;
        for (const Json& change : *item.changes) {
          std::string line = "    " + change.value("field", "");
          if (change.contains("before") || change.contains("after")) {
            line += ": " + change.value("before", Json(nullptr)).dump() + " -> " +
                    change.value("after", Json(nullptr)).dump();
          } else {
            line += " changed";
          }
          std::printf("%s\n", line.c_str());
        }
      }
      if (page.next_after_seq) {
        std::printf("More: --after-seq %llu\n",
                    static_cast<unsigned long long>(*page.next_after_seq));
      }
      return session->Finish();
    };
  });

  CLI::App* settings =
      audit->add_subcommand("settings", "Show or set the interval of signed checkpoints (admin)");
  settings->add_option("--checkpoint-every", a->every,
                       "Sign a checkpoint at least every N records (1: every record)");
  settings->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      if (a->every != 0) {
        MARA_RETURN_IF_ERROR(SetCheckpointEvery(*session, a->every));
      }
      MARA_ASSIGN_OR_RETURN(uint64_t every, CheckpointEveryOf(*session));
      std::printf("Audit checkpoints: at least every %llu record%s\n",
                  static_cast<unsigned long long>(every), every == 1 ? "" : "s");
      return session->Finish();
    };
  });
}

struct EvidenceArgs {
  std::string file;
  std::string source;
  std::string incident;
  std::string id;
  std::string description;
  std::string out;
};

void RegisterEvidence(CLI::App& app, Context& ctx) {
  CLI::App* evidence = app.add_subcommand("evidence", "Evidence files and their custody");
  evidence->require_subcommand(1);

  auto a = std::make_shared<EvidenceArgs>();
  CLI::App* add = evidence->add_subcommand(
      "add",
      "Store a file (encrypted, named by its SHA-256) and attach it to a source or incident");
  add->add_option("FILE", a->file, "The file")->required();
  add->add_option("--source", a->source, "Source id");
  add->add_option("--incident", a->incident, "Incident id");
  add->add_option("--id", a->id, "Evidence id (default: EV- and the start of the SHA-256)");
  add->add_option("--description", a->description, "What the file is");
  add->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      EvidenceIntake intake;
      if (!a->source.empty()) intake.source = a->source;
      if (!a->incident.empty()) intake.incident = a->incident;
      if (!a->id.empty()) intake.id = a->id;
      if (!a->description.empty()) intake.description = a->description;
      MARA_ASSIGN_OR_RETURN(EvidenceItem item, AddEvidence(*session, a->file, intake));
      std::printf("Stored evidence %s: sha256 %s, %lld bytes, %s\n", item.id.c_str(),
                  item.sha256.c_str(), static_cast<long long>(item.size), item.media_type.c_str());
      return session->Finish();
    };
  });

  auto one = std::make_shared<std::string>();
  CLI::App* verify = evidence->add_subcommand(
      "verify",
      "With an ID: the four-eyes check of one item, by a reviewer who received none of it "
      "(recorded in its custody). Without: re-hash every stored evidence file and report "
      "mismatches and missing files");
  verify->add_option("ID", *one, "Evidence id (one item, checked under the four-eyes rule)");
  verify->callback([&ctx, one] {
    ctx.run = [&ctx, one]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      if (!one->empty()) {
        MARA_ASSIGN_OR_RETURN(EvidenceItemCheck check, VerifyEvidenceItem(*session, *one));
        MARA_RETURN_IF_ERROR(session->Finish());
        if (!check.intact) {
          return Status::Corruption("evidence " + check.id + " failed its check: " + check.problem);
        }
        std::printf("Evidence %s intact (SHA-256 %s), checked by %s at %s\n", check.id.c_str(),
                    check.sha256.c_str(), check.verified_by.c_str(), check.verified_at.c_str());
        return Status::Ok();
      }
      MARA_ASSIGN_OR_RETURN(EvidenceVerification v, VerifyEvidence(*session));
      for (const EvidenceProblem& p : v.problems) {
        std::printf("%s %s: %s\n", p.id.c_str(), p.sha256.c_str(), p.what.c_str());
      }
      MARA_RETURN_IF_ERROR(session->Finish());
      if (!v.ok()) {
        return Status::Corruption(std::to_string(v.problems.size()) + " of " +
                                  std::to_string(v.checked) +
                                  " evidence items failed verification");
      }
      std::printf("Evidence intact: %lld items verified\n", static_cast<long long>(v.checked));
      return Status::Ok();
    };
  });

  auto e = std::make_shared<EvidenceArgs>();
  CLI::App* exp = evidence->add_subcommand(
      "export", "Write an evidence item's original bytes to a new file (logged in its custody)");
  exp->add_option("ID", e->id, "Evidence id")->required();
  exp->add_option("--out", e->out, "Output file (must not exist)")->required();
  exp->callback([&ctx, e] {
    ctx.run = [&ctx, e]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_RETURN_IF_ERROR(ExportEvidence(*session, e->id, e->out));
      std::printf("Wrote %s\n", e->out.c_str());
      return session->Finish();
    };
  });

  auto c = std::make_shared<std::string>();
  CLI::App* custody =
      evidence->add_subcommand("custody", "Print an evidence item's chain-of-custody log");
  custody->add_option("ID", *c, "Evidence id")->required();
  custody->callback([&ctx, c] {
    ctx.run = [&ctx, c]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_ASSIGN_OR_RETURN(std::vector<security::AuditRecord> log, CustodyLog(*session, *c));
      for (const security::AuditRecord& r : log) {
        std::printf("%llu %s %s %s\n", static_cast<unsigned long long>(r.seq),
                    security::FormatMillisUtc(r.time_ms).c_str(), r.principal.c_str(),
                    r.action.c_str());
      }
      return session->Finish();
    };
  });
}

struct IncidentArgs {
  std::string id;
  std::string on;
  std::string consent;
  std::string comment;  // return: what the author should look at again
  std::string reason;   // restore-consent: how consent was given again
  bool json = false;
};

void RegisterIncident(CLI::App& app, Context& ctx) {
  CLI::App* incident = app.add_subcommand("incident", "Changes to one incident made in Mara");
  incident->require_subcommand(1);

  auto v = std::make_shared<IncidentArgs>();
  CLI::App* verify = incident->add_subcommand(
      "verify", "Mark an incident verified (a reviewer who neither created nor last edited it)");
  verify->add_option("ID", v->id, "Incident id")->required();
  verify->add_option("--on", v->on, "Verification date (default: today)");
  verify->callback([&ctx, v] {
    ctx.run = [&ctx, v]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      Date on;
      if (v->on.empty()) {
        MARA_ASSIGN_OR_RETURN(on, Date::Parse(NowIso(session->clock()).substr(0, 10)));
      } else {
        Result<Date> parsed = Date::Parse(v->on);
        if (!parsed.ok()) return parsed.status().WithPrefix("--on");
        on = *parsed;
      }
      MARA_RETURN_IF_ERROR(VerifyIncident(*session, v->id, on));
      std::printf("Verified incident %s on %s by %s\n", v->id.c_str(), on.ToString().c_str(),
                  session->name().c_str());
      return session->Finish();
    };
  });

  auto f = std::make_shared<IncidentArgs>();
  CLI::App* save = incident->add_subcommand(
      "save",
      "Create or replace one incident from a JSON file holding one incident object in the "
      "mara-bundle/1 form (a monitor in the incident's situation); without an id, Mara gives "
      "it the next number of its year, I-YYYY-NNNNNN");
  save->add_option("FILE", f->id, "JSON file with one incident")->required();
  save->callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Status {
      std::ifstream in(f->id, std::ios::binary);
      if (!in) return Status::NotFound(QuoteForMessage(f->id) + ": cannot open");
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      if (!IsValidUtf8(text)) {
        return Status::InvalidArgument(QuoteForMessage(f->id) + ": not valid UTF-8");
      }
      Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (json.is_discarded()) {
        return Status::InvalidArgument(QuoteForMessage(f->id) + ": not a JSON document");
      }
      // Without an id, Mara chooses the next number of the incident's year.
      const bool generate_id = json.is_object() && (!json.contains("id") || json["id"] == "");
      if (generate_id) json["id"] = "I-0000-000000";
      Incident incident;
      Status decoded = FromJson(json, &incident);
      if (!decoded.ok()) return decoded.WithPrefix(f->id);
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      if (generate_id) {
        incident.id.clear();
        MARA_ASSIGN_OR_RETURN(std::string id, SaveNewIncident(*session, incident));
        std::printf("Created incident %s as %s\n", id.c_str(), session->name().c_str());
        return session->Finish();
      }
      MARA_ASSIGN_OR_RETURN(PutOutcome outcome, SaveIncident(*session, incident));
      std::printf("%s incident %s as %s\n",
                  outcome == PutOutcome::kInserted ? "Created" : "Updated", incident.id.c_str(),
                  session->name().c_str());
      return session->Finish();
    };
  });

  auto r = std::make_shared<IncidentArgs>();
  CLI::App* ret = incident->add_subcommand(
      "return",
      "Return an unverified incident to its author with a comment (a reviewer who neither "
      "created nor last edited it)");
  ret->add_option("ID", r->id, "Incident id")->required();
  ret->add_option("--comment", r->comment, "What the author should look at again")->required();
  ret->callback([&ctx, r] {
    ctx.run = [&ctx, r]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_RETURN_IF_ERROR(ReturnIncident(*session, r->id, r->comment));
      std::printf("Returned incident %s to its author (by %s)\n", r->id.c_str(),
                  session->name().c_str());
      return session->Finish();
    };
  });

  auto h = std::make_shared<IncidentArgs>();
  CLI::App* history = incident->add_subcommand(
      "history", "Who created, edited, verified or returned the incident, when, and what changed");
  history->add_option("ID", h->id, "Incident id")->required();
  history->add_flag("--json", h->json, "Print the history as JSON");
  history->callback([&ctx, h] {
    ctx.run = [&ctx, h]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_ASSIGN_OR_RETURN(Json out, IncidentHistory(*session, h->id));
      if (h->json) {
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      PrintHistory("History of incident " + h->id, out);
      return Status::Ok();
    };
  });

  auto rc = std::make_shared<IncidentArgs>();
  CLI::App* restore = incident->add_subcommand(
      "restore-consent",
      "Bring a withdrawn incident back with a new consent scope, saying how consent was given "
      "again (an editor of its situation; audited)");
  restore->add_option("ID", rc->id, "Incident id")->required();
  restore
      ->add_option("SCOPE", rc->consent, "internal_use, aggregate_reporting or identified_sharing")
      ->required()
      ->check(CLI::IsMember({"internal_use", "aggregate_reporting", "identified_sharing"}));
  restore->add_option("--reason", rc->reason, "How the consent was given again")->required();
  restore->callback([&ctx, rc] {
    ctx.run = [&ctx, rc]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_RETURN_IF_ERROR(
          RestoreIncidentConsent(*session, rc->id, *ParseEnum<Consent>(rc->consent), rc->reason));
      std::printf("Consent of incident %s restored as %s\n", rc->id.c_str(), rc->consent.c_str());
      return session->Finish();
    };
  });

  CLI::App* source = app.add_subcommand("source", "Changes to one source made in Mara");
  source->require_subcommand(1);
  auto t = std::make_shared<IncidentArgs>();
  CLI::App* testimony = source->add_subcommand(
      "consent",
      "Record the consent scope of a survivor or witness testimony; withdrawn removes its "
      "content from every output");
  testimony->add_option("ID", t->id, "Source id")->required();
  testimony
      ->add_option("SCOPE", t->consent,
                   "internal_use, aggregate_reporting, identified_sharing or withdrawn")
      ->required()
      ->check(CLI::IsMember(
          {"internal_use", "aggregate_reporting", "identified_sharing", "withdrawn"}));
  testimony->callback([&ctx, t] {
    ctx.run = [&ctx, t]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_RETURN_IF_ERROR(SetTestimonyConsent(*session, t->id, *ParseEnum<Consent>(t->consent)));
      std::printf("Consent of testimony %s is now %s\n", t->id.c_str(), t->consent.c_str());
      return session->Finish();
    };
  });

  auto tr = std::make_shared<IncidentArgs>();
  CLI::App* testimony_restore = source->add_subcommand(
      "restore-consent",
      "Bring a withdrawn testimony back with a new consent scope, saying how consent was given "
      "again (audited)");
  testimony_restore->add_option("ID", tr->id, "Source id")->required();
  testimony_restore
      ->add_option("SCOPE", tr->consent, "internal_use, aggregate_reporting or identified_sharing")
      ->required()
      ->check(CLI::IsMember({"internal_use", "aggregate_reporting", "identified_sharing"}));
  testimony_restore->add_option("--reason", tr->reason, "How the consent was given again")
      ->required();
  testimony_restore->callback([&ctx, tr] {
    ctx.run = [&ctx, tr]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_RETURN_IF_ERROR(
          RestoreTestimonyConsent(*session, tr->id, *ParseEnum<Consent>(tr->consent), tr->reason));
      std::printf("Consent of testimony %s restored as %s\n", tr->id.c_str(), tr->consent.c_str());
      return session->Finish();
    };
  });

  auto c = std::make_shared<IncidentArgs>();
  CLI::App* consent = incident->add_subcommand(
      "consent", "Record the survivor's consent scope; withdrawn removes it from every output");
  consent->add_option("ID", c->id, "Incident id")->required();
  consent
      ->add_option("SCOPE", c->consent,
                   "internal_use, aggregate_reporting, identified_sharing or withdrawn")
      ->required()
      ->check(CLI::IsMember(
          {"internal_use", "aggregate_reporting", "identified_sharing", "withdrawn"}));
  consent->callback([&ctx, c] {
    ctx.run = [&ctx, c]() -> Status {
      MARA_ASSIGN_OR_RETURN(auto session, ctx.OpenSession(false));
      MARA_RETURN_IF_ERROR(SetIncidentConsent(*session, c->id, *ParseEnum<Consent>(c->consent)));
      std::printf("Consent of incident %s is now %s\n", c->id.c_str(), c->consent.c_str());
      return session->Finish();
    };
  });
}

struct VerifyReportArgs {
  std::string file;
  std::string signature;
  std::string public_key;
};

void RegisterVerifyReport(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<VerifyReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify-report",
      "Check a report's detached signature (FILE.sig) and name the data and policy digests");
  cmd->add_option("FILE", a->file, "The report file")->required();
  cmd->add_option("--signature", a->signature, "Signature file (default: FILE.sig)");
  cmd->add_option("--public-key", a->public_key,
                  "ed25519:<base64> key to check against (default: this installation's key)");
  cmd->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      security::PublicKey key;
      if (!a->public_key.empty()) {
        MARA_ASSIGN_OR_RETURN(key, security::PublicKey::FromText(a->public_key));
      } else {
        MARA_ASSIGN_OR_RETURN(security::KeyMaterial keys,
                              security::ReadKeyFile(ResolveKeyFile(ctx.SessionOptionsFor(false))));
        if (!keys.signing_key) return Status::NotFound("the key file has no signing key");
        key = keys.signing_key->public_key();
      }
      MARA_ASSIGN_OR_RETURN(security::SignatureInfo info,
                            VerifyReportFile(a->file, a->signature, key));
      auto meta = [&info](const std::string& k) {
        auto it = info.metadata.find(k);
        return it == info.metadata.end() ? std::string("(not recorded)") : it->second;
      };
      std::printf("Signature valid: %s signed by key %s\n", a->file.c_str(), info.key_id.c_str());
      std::printf("data digest:   %s\npolicy digest: %s\n", meta("data-digest").c_str(),
                  meta("policy-digest").c_str());
      for (const auto& [k, v] : info.metadata) {
        if (k != "data-digest" && k != "policy-digest") {
          std::printf("%s: %s\n", k.c_str(), v.c_str());
        }
      }
      return Status::Ok();
    };
  });
}

}  // namespace

void RegisterSecurityCommands(CLI::App& app, Context& ctx) {
  RegisterUser(app, ctx);
  RegisterKey(app, ctx);
  RegisterAudit(app, ctx);
  RegisterEvidence(app, ctx);
  RegisterIncident(app, ctx);
  RegisterVerifyReport(app, ctx);
}

}  // namespace mara::cli

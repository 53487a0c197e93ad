// assess, decide, party dissolve, petition file|decide and case (docs/policy.md).
// Each command parses its options, calls one service, and prints the
// outcome on stdout; errors travel back to main() as a Status.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "common/text.h"
#include "policy/assessment_output.h"
#include "policy/policy.h"
#include "report/render.h"
#include "service/assess.h"
#include "service/authorized.h"
#include "service/case.h"
#include "service/compare.h"
#include "service/decisions.h"
#include "service/simulate.h"

namespace mara::cli {
namespace {

// The decider is the acting principal (--as); --by may only repeat it.
Status CheckDecider(const std::string& by, const Session& session) {
  if (by.empty() || by == session.name()) return Status::Ok();
  return Status::InvalidArgument("--by " + by + " is not the acting principal " + session.name() +
                                 "; act as the decider with --as " + by);
}

Result<Policy> PolicyFrom(const std::string& path) {
  if (path.empty()) return DefaultPolicy();
  return LoadPolicyFile(path);
}

Result<Date> DateOption(std::string_view option, const std::string& text) {
  Result<Date> d = Date::Parse(text);
  if (!d.ok()) return d.status().WithPrefix(option);
  return d;
}

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

struct AssessArgs {
  int cycle = 0;
  std::string policy;
  bool json = false;
};

void RegisterAssess(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<AssessArgs>();
  CLI::App* cmd = app.add_subcommand(
      "assess",
      "Assess every party for a cycle under a policy: status, evidence, criteria, consistency "
      "audit and sensitivity");
  cmd->add_option("--cycle", args->cycle, "The cycle (year) to assess")->required();
  cmd->add_option("--policy", args->policy,
                  "Policy file (TOML); default: the built-in policies/default.toml");
  cmd->add_flag("--json", args->json, "Print the assessment as one JSON object");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      MARA_ASSIGN_OR_RETURN(Policy policy, PolicyFrom(args->policy));
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Assessment a, AssessCycle(*session, policy, args->cycle));
      Print(args->json ? AssessmentJsonText(a) + "\n" : AssessmentToText(a));
      return Status::Ok();
    };
  });
}

struct DecideArgs {
  std::string party;
  int cycle = 0;
  std::string status;
  std::string rationale;
  std::string by;
  std::string date;
};

void RegisterDecide(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DecideArgs>();
  CLI::App* cmd =
      app.add_subcommand("decide",
                         "Record a human decision on a party's status for a cycle (it replaces the "
                         "recommendation; later cycles follow from it)");
  cmd->add_option("--party", args->party, "Party id")->required();
  cmd->add_option("--cycle", args->cycle, "Cycle (year)")->required();
  cmd->add_option("--status", args->status, "none, on_notice or listed")
      ->required()
      ->check(CLI::IsMember({"none", "on_notice", "listed"}));
  cmd->add_option("--rationale", args->rationale, "Why (required)")->required();
  cmd->add_option("--by", args->by, "Who decides: the acting principal (--as)");
  cmd->add_option("--date", args->date, "Date of the decision (default: today)");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      Decision d;
      d.party = args->party;
      d.cycle = args->cycle;
      d.status = *ParseEnum<PartyStatus>(args->status);
      d.rationale = args->rationale;
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      if (args->date.empty()) {
        d.date = Today(session->clock());
      } else {
        MARA_ASSIGN_OR_RETURN(d.date, DateOption("--date", args->date));
      }
      MARA_RETURN_IF_ERROR(CheckDecider(args->by, *session));
      d.decided_by = session->name();
      MARA_RETURN_IF_ERROR(RecordDecision(*session, d));
      std::printf("Recorded decision: %s is %s in cycle %d (by %s on %s)\n", d.party.c_str(),
                  args->status.c_str(), d.cycle, d.decided_by.c_str(), d.date.ToString().c_str());
      return Status::Ok();
    };
  });
}

struct DissolveArgs {
  std::string party;
  std::string source;
  std::string date;
  bool clear = false;
};

void RegisterParty(CLI::App& app, Context& ctx) {
  CLI::App* party = app.add_subcommand("party", "The party registry's records that move a listing");
  party->require_subcommand(1);
  auto args = std::make_shared<DissolveArgs>();
  CLI::App* cmd = party->add_subcommand(
      "dissolve",
      "Record that a party is dissolved (disbanded, absorbed, demobilised): the policy's "
      "delisting.dissolved_clean_cycles then applies to it; --clear removes the record");
  cmd->add_option("--party", args->party, "Party id")->required();
  cmd->add_option("--source", args->source,
                  "What says so: a source id or a citation (required unless --clear)");
  cmd->add_option("--date", args->date, "Date of the dissolution, when known (YYYY-MM-DD)");
  cmd->add_flag("--clear", args->clear, "Remove the party's dissolution record");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      std::optional<Dissolution> dissolution;
      if (args->clear) {
        if (!args->source.empty() || !args->date.empty()) {
          return Status::InvalidArgument("--clear takes neither --source nor --date");
        }
      } else {
        if (TrimBlanks(args->source).empty()) {
          return Status::InvalidArgument("--source: say what records the dissolution");
        }
        Dissolution d;
        d.source = args->source;
        if (!args->date.empty()) {
          MARA_ASSIGN_OR_RETURN(d.date, DateOption("--date", args->date));
        }
        dissolution = std::move(d);
      }
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Party p, RecordDissolution(*session, args->party, dissolution));
      if (!p.dissolved) {
        std::printf("Party %s: dissolution record removed\n", p.id.c_str());
      } else {
        std::printf(
            "Party %s: dissolved %s (source: %s)\n", p.id.c_str(),
            p.dissolved->date ? ("on " + p.dissolved->date->ToString()).c_str() : "(date unknown)",
            p.dissolved->source.c_str());
      }
      return Status::Ok();
    };
  });
}

struct PetitionArgs {
  std::string party;
  std::string grounds;
  bool new_material = false;
  std::optional<int> cycle;
  std::string filed;
  std::string outcome;
  std::string reason;
  std::string by;
  std::string policy;
};

void RegisterPetition(CLI::App& app, Context& ctx) {
  CLI::App* petition =
      app.add_subcommand("petition", "A party's petitions for review or delisting");
  petition->require_subcommand(1);

  auto f = std::make_shared<PetitionArgs>();
  CLI::App* file = petition->add_subcommand(
      "file",
      "File a petition; a repeat without new material since the party's last decided "
      "petition is recorded as inadmissible and refused");
  file->add_option("--party", f->party, "Party id")->required();
  file->add_option("--grounds", f->grounds, "The grounds of the petition")->required();
  file->add_flag("--new-material", f->new_material, "The petition brings new material");
  file->add_option("--cycle", f->cycle, "The cycle whose status it contests");
  file->add_option("--filed", f->filed, "Filing date (default: today)");
  file->callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Status {
      PetitionFiling filing;
      filing.party = f->party;
      filing.grounds = f->grounds;
      filing.new_material = f->new_material;
      filing.cycle = f->cycle;
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      if (f->filed.empty()) {
        filing.filed = Today(session->clock());
      } else {
        MARA_ASSIGN_OR_RETURN(filing.filed, DateOption("--filed", f->filed));
      }
      MARA_ASSIGN_OR_RETURN(Petition p, FilePetition(*session, filing));
      if (p.outcome == PetitionOutcome::kInadmissible) {
        return Status::Conflict("petition of " + p.party + " filed on " + p.filed.ToString() +
                                " refused: " + p.reason.value_or("inadmissible"));
      }
      std::printf("Filed petition of %s on %s (pending)\n", p.party.c_str(),
                  p.filed.ToString().c_str());
      return Status::Ok();
    };
  });

  auto d = std::make_shared<PetitionArgs>();
  CLI::App* decide = petition->add_subcommand(
      "decide",
      "Rule on a pending petition; granting one on a listed or on-notice party records "
      "a decision with status none for the cycle it names");
  decide->add_option("--party", d->party, "Party id")->required();
  decide->add_option("--filed", d->filed, "Filing date of the petition")->required();
  decide->add_option("--outcome", d->outcome, "granted or rejected")
      ->required()
      ->check(CLI::IsMember({"granted", "rejected"}));
  decide->add_option("--reason", d->reason, "Why it is granted or rejected (required)");
  decide->add_option("--by", d->by, "Who decides: the acting principal (--as)");
  decide->add_option("--cycle", d->cycle, "The cycle it applies to (default: as filed)");
  decide->add_option("--policy", d->policy,
                     "Policy used to see the party's status (default: built-in)");
  decide->callback([&ctx, d] {
    ctx.run = [&ctx, d]() -> Status {
      PetitionRuling ruling;
      ruling.party = d->party;
      MARA_ASSIGN_OR_RETURN(ruling.filed, DateOption("--filed", d->filed));
      ruling.outcome = *ParseEnum<PetitionOutcome>(d->outcome);
      if (!d->reason.empty()) ruling.reason = d->reason;
      ruling.cycle = d->cycle;
      MARA_ASSIGN_OR_RETURN(Policy policy, PolicyFrom(d->policy));
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      ruling.decided = Today(session->clock());
      MARA_RETURN_IF_ERROR(CheckDecider(d->by, *session));
      MARA_ASSIGN_OR_RETURN(PetitionRulingResult r, DecidePetition(*session, policy, ruling));
      std::printf("Petition of %s filed on %s: %s\n", r.petition.party.c_str(),
                  r.petition.filed.ToString().c_str(),
                  std::string(ToString(r.petition.outcome)).c_str());
      if (r.decision) {
        std::printf("Recorded decision: %s is none in cycle %d\n", r.decision->party.c_str(),
                    r.decision->cycle);
      }
      return Status::Ok();
    };
  });
}

struct CaseArgs {
  std::string party;
  int cycle = 0;
  bool json = false;
  std::string format;  // "": text, or json with --json
  std::string out = "-";
  std::string policy;
  std::string edition;  // "": the most the principal may read
  std::string lang = "en";
};

void RegisterCase(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<CaseArgs>();
  CLI::App* cmd = app.add_subcommand(
      "case",
      "Statement of case for a party and cycle: criteria, counted incidents, findings, "
      "commitments, designations, engagements and status history");
  cmd->add_option("--party", args->party, "Party id")->required();
  cmd->add_option("--cycle", args->cycle, "Cycle (year)")->required();
  cmd->add_flag("--json", args->json, "Print JSON (the same as --format json)");
  cmd->add_option("--format", args->format,
                  "text (default), json, html or pdf; html and pdf written to a file with --out "
                  "are signed like the reports")
      ->check(CLI::IsMember({"text", "json", "html", "pdf"}));
  cmd->add_option("--out", args->out,
                  "Output file (a regular file gets its signature, FILE.sig), or - for standard "
                  "output (default)");
  cmd->add_option("--policy", args->policy, "Policy file (default: built-in)");
  cmd->add_option("--edition", args->edition,
                  "public omits confidential sources, narratives, notes and small victim "
                  "counts (default: confidential when you may read it)")
      ->check(CLI::IsMember({"public", "confidential"}));
  cmd->add_option("--lang", args->lang,
                  "Language of the explanation of the status (every format) and of the fixed "
                  "texts of html and pdf: ar, en, es, fr, ru or zh; default en")
      ->check(CLI::IsMember({"ar", "en", "es", "fr", "ru", "zh"}));
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      MARA_ASSIGN_OR_RETURN(i18n::Language lang, i18n::ParseLanguage(args->lang));
      MARA_ASSIGN_OR_RETURN(Policy policy, PolicyFrom(args->policy));
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      std::optional<Edition> requested;
      if (!args->edition.empty()) {
        MARA_ASSIGN_OR_RETURN(requested, ParseEdition(args->edition));
      }
      MARA_ASSIGN_OR_RETURN(Edition edition, CaseEditionFor(*session, args->party, requested));
      const bool public_edition = edition == Edition::kPublic;
      MARA_ASSIGN_OR_RETURN(
          StatementOfCase s,
          BuildStatementOfCase(*session, policy, args->party, args->cycle, public_edition, lang));
      std::string format = args->format.empty() ? (args->json ? "json" : "text") : args->format;
      if (args->json && format != "json") {
        return Status::InvalidArgument("--json: conflicts with --format " + format);
      }
      std::string bytes;
      if (format == "json") {
        bytes = StatementOfCaseToJson(s, public_edition).dump(2) + "\n";
      } else if (format == "html") {
        bytes = report::RenderCaseHtml(s, public_edition, lang);
      } else if (format == "pdf") {
        if (args->out == "-") {
          return Status::InvalidArgument("--out: a PDF statement of case needs a file, not -");
        }
        MARA_ASSIGN_OR_RETURN(bytes, report::RenderCasePdf(s, public_edition, {}, lang));
      } else {
        bytes = StatementOfCaseToText(s, public_edition);
      }
      ReportProvenance provenance;
      provenance.data_digest = s.data_digest;
      provenance.policy_digest = s.policy_digest;
      provenance.policy_name = s.policy_name;
      provenance.cycle = s.cycle;
      provenance.edition = public_edition ? "public" : "confidential";
      provenance.format = format == "text" ? "txt" : format;
      if (lang != i18n::Language::kEn) {
        provenance.language = std::string(i18n::LanguageCode(lang));
      }
      return WriteSignedOutput(*session, args->out, bytes, provenance,
                               format + " statement of case of " + args->party + " for " +
                                   std::to_string(args->cycle) + ", " + provenance.edition +
                                   " edition");
    };
  });
}

struct CompareArgs {
  std::string reference;
  int cycle = 0;
  bool json = false;
  std::string policy;
};

void RegisterCompare(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare Mara's list for a cycle with a reference list (a published annex, a coalition's "
      "demand): precision, recall and every disagreement with the criterion that explains it");
  cmd->add_option("--reference", args->reference,
                  "CSV with header cycle,situation,party,status,ucdp_id (docs/policy.md)")
      ->required();
  cmd->add_option("--cycle", args->cycle, "Cycle (year)")->required();
  cmd->add_flag("--json", args->json, "Print JSON");
  cmd->add_option("--policy", args->policy, "Policy file (default: built-in)");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      MARA_ASSIGN_OR_RETURN(Policy policy, PolicyFrom(args->policy));
      MARA_ASSIGN_OR_RETURN(std::vector<ReferenceEntry> reference,
                            ReadReferenceList(args->reference));
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Comparison c,
                            CompareWithReference(*session, policy, reference, args->cycle));
      Print(args->json ? ComparisonToJson(c).dump(2) + "\n" : ComparisonToText(c));
      return Status::Ok();
    };
  });
}

struct SimulateArgs {
  int from = 0;
  int to = 0;
  std::optional<int> first_cycle;
  std::string agenda;
  bool json = false;
  std::string policy;
};

void RegisterSimulate(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<SimulateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Historical simulation: the parties listed and on notice in every cycle from --from to --to, "
      "with the rules starting at --first-cycle and the Council's agenda per cycle from a file");
  cmd->add_option("--from", args->from, "First cycle to report")->required();
  cmd->add_option("--to", args->to, "Last cycle to report")->required();
  cmd->add_option("--first-cycle", args->first_cycle,
                  "The rules start here: earlier data is left out and every party starts with "
                  "status none (default: the first cycle with data)");
  cmd->add_option("--agenda-by-cycle", args->agenda,
                  "CSV with header cycle,situation: the situations on the agenda in each cycle it "
                  "names (docs/historical-simulation.md)");
  cmd->add_flag("--json", args->json, "Print JSON (with the parties of each cycle)");
  cmd->add_option("--policy", args->policy, "Policy file (default: built-in)");
  cmd->callback([&ctx, args] {
    ctx.run = [&ctx, args]() -> Status {
      MARA_ASSIGN_OR_RETURN(Policy policy, PolicyFrom(args->policy));
      std::vector<AgendaRow> agenda;
      if (!args->agenda.empty()) {
        MARA_ASSIGN_OR_RETURN(agenda, ReadAgendaByCycle(args->agenda));
      }
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Simulation s, SimulateHistory(*session, policy, args->from, args->to,
                                                          args->first_cycle, agenda));
      Print(args->json ? SimulationToJson(s).dump(2) + "\n" : SimulationToText(s));
      return Status::Ok();
    };
  });
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app, Context& ctx) {
  RegisterAssess(app, ctx);
  RegisterDecide(app, ctx);
  RegisterParty(app, ctx);
  RegisterPetition(app, ctx);
  RegisterCase(app, ctx);
  RegisterCompare(app, ctx);
  RegisterSimulate(app, ctx);
}

}  // namespace mara::cli

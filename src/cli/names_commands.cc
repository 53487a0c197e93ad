// `mara names review`: the queue of party names that importers could not
// match with confidence, and the decisions on them (service/name_review.h).
//
//   mara names review [--all]                       list pending (or every) entry
//   mara names review --accept ID [--party P]       the name denotes P (default: best candidate)
//   mara names review --reject ID                   the candidates are wrong
//   mara names review --create ID                   the name is a party of its own
//   ... [--note TEXT]                               with a decision: the decider's note
//   mara names resolve NAME [--situation S] [--json] what the resolver decides for NAME
//                                                   against the stored registry (read-only)
//
// Listing and deciding go through the checked, audited service operations
// (service/authorized.h): the acting principal (--as) needs review_names and
// is recorded as the decider.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "common/text.h"
#include "service/authorized.h"

namespace mara::cli {
namespace {

struct ReviewArgs {
  bool all = false;
  int64_t accept = 0;
  int64_t reject = 0;
  int64_t create = 0;
  std::string party;
  std::string note;
  std::string by;
};

Status RunReview(Context& ctx, const ReviewArgs& args) {
  const int chosen = (args.accept > 0) + (args.reject > 0) + (args.create > 0);
  if (chosen > 1)
    return Status::InvalidArgument("give at most one of --accept, --reject, --create");
  if (!args.party.empty() && args.accept == 0) {
    return Status::InvalidArgument("--party goes with --accept");
  }
  if (!args.note.empty() && chosen == 0) {
    return Status::InvalidArgument("--note goes with --accept, --reject or --create");
  }
  if (!args.by.empty()) {
    return Status::InvalidArgument(
        "--by: the decider is the acting principal; act as them with --as " + args.by);
  }
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
  if (chosen == 0) {
    MARA_ASSIGN_OR_RETURN(std::vector<NameReview> entries, ListNameReviews(*session, args.all));
    std::fputs(FormatNameReviews(entries).c_str(), stdout);
    return Status::Ok();
  }
  ReviewDecision decision;
  decision.note = args.note;
  if (args.accept > 0) {
    decision.id = args.accept;
    decision.choice = ReviewChoice::kAccept;
    decision.party = args.party;
  } else if (args.reject > 0) {
    decision.id = args.reject;
    decision.choice = ReviewChoice::kReject;
  } else {
    decision.id = args.create;
    decision.choice = ReviewChoice::kCreate;
  }
  MARA_ASSIGN_OR_RETURN(ReviewOutcome outcome, DecideNameReview(*session, decision));
  const NameReview& e = outcome.entry;
  std::printf("Name review #%lld %s: %s", static_cast<long long>(e.id), e.status.c_str(),
              QuoteForMessage(e.query).c_str());
  if (!e.resolved_party.empty()) std::printf(" -> %s", e.resolved_party.c_str());
  std::printf(" (%lld aliases added, %lld incidents moved)\n",
              static_cast<long long>(outcome.aliases_added),
              static_cast<long long>(outcome.incidents_moved));
  return Status::Ok();
}

struct ResolveArgs {
  std::string name;
  std::string situation;
  bool json = false;
};

Status RunResolve(Context& ctx, const ResolveArgs& args) {
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
  MARA_ASSIGN_OR_RETURN(NameResolution r, ResolveName(*session, args.name, args.situation));
  if (args.json) {
    std::printf("%s\n", NameResolutionJson(r).c_str());
  } else {
    std::fputs(FormatNameResolution(r).c_str(), stdout);
  }
  return Status::Ok();
}

}  // namespace

void RegisterNamesCommands(CLI::App& app, Context& ctx) {
  CLI::App* names = app.add_subcommand("names", "Party names met in imported data");
  names->require_subcommand(1);
  auto args = std::make_shared<ReviewArgs>();
  CLI::App* review = names->add_subcommand(
      "review",
      "List the names waiting for review, or decide one: accept (the name becomes an alias of "
      "a party), reject, or create (the name is a party of its own)");
  review->add_flag("--all", args->all, "List decided entries too");
  review->add_option("--accept", args->accept, "Accept entry ID")->check(CLI::PositiveNumber);
  review->add_option("--reject", args->reject, "Reject entry ID")->check(CLI::PositiveNumber);
  review->add_option("--create", args->create, "Make entry ID a party of its own")
      ->check(CLI::PositiveNumber);
  review->add_option("--party", args->party,
                     "With --accept: the party the name denotes (default: the best candidate)");
  review->add_option("--note", args->note,
                     "With a decision: the decider's note (kept encrypted in the store)");
  // Accepted only to be refused with a message: the decider is the acting
  // principal (--as).
  review->add_option("--by", args->by, "Refused: act as the decider with --as")->group("");
  review->callback(
      [&ctx, args] { ctx.run = [&ctx, args]() -> Status { return RunReview(ctx, *args); }; });

  auto resolve_args = std::make_shared<ResolveArgs>();
  CLI::App* resolve = names->add_subcommand(
      "resolve",
      "Resolve one party name against the registry: the decision, the candidates with their "
      "scores and why (changes nothing)");
  resolve->add_option("name", resolve_args->name, "The name as some data set spells it")
      ->required();
  resolve->add_option("--situation", resolve_args->situation,
                      "The situation the name was met in (id or name) or a country");
  resolve->add_flag("--json", resolve_args->json, "One JSON object");
  resolve->callback([&ctx, resolve_args] {
    ctx.run = [&ctx, resolve_args]() -> Status { return RunResolve(ctx, *resolve_args); };
  });
}

}  // namespace mara::cli

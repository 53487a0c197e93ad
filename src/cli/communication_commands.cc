// communication submit|rule|list|attachment|status and petition list (docs/user-guide.md).
// Each command parses its options, calls one service, and prints the
// outcome on stdout; errors travel back to main() as a Status.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/text.h"
#include "domain/disclosure.h"
#include "service/communications.h"
#include "service/visibility.h"

namespace mara::cli {
namespace {

template <typename E>
Result<E> EnumOption(std::string_view option, const std::string& text) {
  std::optional<E> value = ParseEnum<E>(text);
  if (!value) {
    return Status::InvalidArgument(std::string(option) + ": unknown value " +
                                   QuoteForMessage(text) + " (expected " + AllowedValues<E>() +
                                   ")");
  }
  return *value;
}

std::string Line(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

struct SubmitArgs {
  std::string kind;
  std::string party;
  std::string submitter_kind;
  std::string submitter;
  std::string text;
  std::vector<std::string> attachments;
};

struct RuleArgs {
  std::string id;
  std::string status;
  std::string reason;
};

struct AttachmentArgs {
  std::string id;
  size_t number = 1;
  std::string out;
};

// Writes `bytes` to the new file `path` (0600; an existing file is refused).
Status WriteNewFile(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Conflict("--out: " + QuoteForMessage(path) + " exists");
    return Status::IOError("--out: " + QuoteForMessage(path) + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(path.c_str());
      return Status::IOError("--out: " + QuoteForMessage(path) + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    ::unlink(path.c_str());
    return Status::IOError("--out: " + QuoteForMessage(path) + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

struct ListArgs {
  std::string party;
  bool json = false;
};

void RegisterCommunication(CLI::App& app, Context& ctx) {
  CLI::App* group = app.add_subcommand(
      "communication",
      "Communications from outside: listing or delisting requests and information sent by "
      "NGOs, coalitions and survivors' organisations");
  group->require_subcommand(1);

  auto s = std::make_shared<SubmitArgs>();
  CLI::App* submit = group->add_subcommand(
      "submit",
      "Record a communication; prints its reference and the private follow token, which is "
      "shown only once");
  submit->add_option("--kind", s->kind, "listing_request, delisting_request or information")
      ->required();
  submit->add_option("--party", s->party, "The party it concerns (required for requests)");
  submit
      ->add_option("--submitter-kind", s->submitter_kind,
                   "ngo, coalition or survivors_organisation")
      ->required();
  submit->add_option("--submitter", s->submitter, "The organisation, as it names itself")
      ->required();
  submit->add_option("--text", s->text, "What it asks or reports")->required();
  submit->add_option("--attach", s->attachments,
                     "A file sent with it (repeatable); stored encrypted like evidence");
  submit->callback([&ctx, s] {
    ctx.run = [&ctx, s]() -> Status {
      CommunicationSubmission sub;
      MARA_ASSIGN_OR_RETURN(sub.kind, EnumOption<CommunicationKind>("--kind", s->kind));
      MARA_ASSIGN_OR_RETURN(sub.submitter_kind,
                            EnumOption<SubmitterKind>("--submitter-kind", s->submitter_kind));
      if (!s->party.empty()) sub.party = s->party;
      sub.submitter = s->submitter;
      sub.text = s->text;
      sub.attachment_paths = s->attachments;
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(SubmittedCommunication out, SubmitCommunication(*session, sub));
      std::printf("Received communication %s on %s (%zu attachment%s)\n",
                  out.communication.id.c_str(), out.communication.received.ToString().c_str(),
                  out.communication.attachments.size(),
                  out.communication.attachments.size() == 1 ? "" : "s");
      std::printf("Follow token (shown once, give it only to the submitter): %s\n",
                  out.follow_token.c_str());
      return Status::Ok();
    };
  });

  auto r = std::make_shared<RuleArgs>();
  CLI::App* rule = group->add_subcommand(
      "rule",
      "Put a communication under review, or rule on it (accepted, declined, noted) with the "
      "reasons its submitter will read");
  rule->add_option("id", r->id, "The reference, e.g. COM-2026-0001")->required();
  rule->add_option("--status", r->status, "under_review, accepted, declined or noted")->required();
  rule->add_option("--reason", r->reason, "The reasons (required to accept, decline or note)");
  rule->callback([&ctx, r] {
    ctx.run = [&ctx, r]() -> Status {
      CommunicationRuling ruling;
      ruling.id = r->id;
      MARA_ASSIGN_OR_RETURN(ruling.status, EnumOption<CommunicationStatus>("--status", r->status));
      ruling.reason = r->reason;
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      Result<Communication> c = RuleCommunication(*session, ruling);
      if (!c.ok() && c.status().message().starts_with("reason:")) {
        return Status::InvalidArgument("--reason" + c.status().message().substr(6));
      }
      MARA_RETURN_IF_ERROR(c.status());
      std::printf("Communication %s: %s\n", c->id.c_str(),
                  std::string(ToString(c->status)).c_str());
      return Status::Ok();
    };
  });

  auto l = std::make_shared<ListArgs>();
  CLI::App* list = group->add_subcommand(
      "list", "Every communication with its submitter and status (confidential readers)");
  list->add_option("--party", l->party, "Only those about this party");
  list->add_flag("--json", l->json, "One JSON object per line (the confidential view)");
  list->callback([&ctx, l] {
    ctx.run = [&ctx, l]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      std::optional<std::string> party;
      if (!l->party.empty()) party = l->party;
      MARA_ASSIGN_OR_RETURN(std::vector<Communication> all, ListCommunications(*session, party));
      for (const Communication& c : all) {
        if (l->json) {
          std::printf("%s\n", Line(CommunicationJson(c, Edition::kConfidential)).c_str());
          continue;
        }
        std::printf("%s  %-17s %-12s %s  %s (%s)  %zu attachment(s)%s\n", c.id.c_str(),
                    std::string(ToString(c.kind)).c_str(), std::string(ToString(c.status)).c_str(),
                    c.received.ToString().c_str(), c.submitter.c_str(),
                    std::string(ToString(c.submitter_kind)).c_str(), c.attachments.size(),
                    c.party ? ("  party " + *c.party).c_str() : "");
      }
      return Status::Ok();
    };
  });

  auto a = std::make_shared<AttachmentArgs>();
  CLI::App* attachment = group->add_subcommand(
      "attachment",
      "Write a communication's attachment to a new file (confidential readers; the read is "
      "recorded in the audit log)");
  attachment->add_option("id", a->id, "The reference, e.g. COM-2026-0001")->required();
  attachment->add_option("number", a->number, "Which attachment, from 1 in the order sent")
      ->required()
      ->check(CLI::PositiveNumber);
  attachment->add_option("--out", a->out, "The new file to write (never overwritten)")->required();
  attachment->callback([&ctx, a] {
    ctx.run = [&ctx, a]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(CommunicationAttachmentContent content,
                            ReadCommunicationAttachment(*session, a->id, a->number));
      MARA_RETURN_IF_ERROR(WriteNewFile(a->out, content.bytes));
      std::fprintf(stderr, "Wrote attachment %zu of %s (%s, %zu bytes, SHA-256 %s) to %s\n",
                   a->number, a->id.c_str(), content.attachment.media_type.c_str(),
                   content.bytes.size(), content.attachment.sha256.c_str(), a->out.c_str());
      return Status::Ok();
    };
  });

  auto token = std::make_shared<std::string>();
  CLI::App* status = group->add_subcommand(
      "status",
      "What the holder of a follow token sees: the reference, dates, status and the ruling's "
      "reasons, nothing else");
  status->add_option("token", *token, "The follow token printed at submission")->required();
  status->callback([&ctx, token] {
    ctx.run = [&ctx, token]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Json view, FollowCommunication(*session, *token));
      std::printf("%s\n", view.dump(2).c_str());
      return Status::Ok();
    };
  });
}

void RegisterPetitionList(CLI::App& app, Context& ctx) {
  CLI::App* petition = app.get_subcommand("petition");
  auto l = std::make_shared<ListArgs>();
  CLI::App* list = petition->add_subcommand(
      "list", "Petitions with their outcome (rulings' reasons for confidential readers)");
  list->add_option("--party", l->party, "Only this party's petitions");
  list->add_flag("--json", l->json, "One JSON object per line");
  list->callback([&ctx, l] {
    ctx.run = [&ctx, l]() -> Status {
      MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.OpenSession(/*create=*/false));
      MARA_ASSIGN_OR_RETURN(Bundle registry, ReadRegistry(*session));
      std::map<std::string, std::string> situation_of;
      for (const Party& p : registry.parties) situation_of[p.id] = p.situation;
      for (const Petition& p : registry.petitions) {
        if (!l->party.empty() && p.party != l->party) continue;
        const Edition edition = EditionFor(*session, situation_of[p.party]);
        if (l->json) {
          std::printf("%s\n", Line(PetitionJson(p, edition)).c_str());
          continue;
        }
        const Petition shown = Disclosed(p, edition);
        std::printf("%s  filed %s  %s%s%s\n", shown.party.c_str(), shown.filed.ToString().c_str(),
                    std::string(ToString(shown.outcome)).c_str(),
                    shown.decided ? (" on " + shown.decided->ToString()).c_str() : "",
                    shown.reason ? (": " + *shown.reason).c_str() : "");
      }
      return Status::Ok();
    };
  });
}

}  // namespace

void RegisterCommunicationCommands(CLI::App& app, Context& ctx) {
  RegisterCommunication(app, ctx);
  RegisterPetitionList(app, ctx);
}

}  // namespace mara::cli

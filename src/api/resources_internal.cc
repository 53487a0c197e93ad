#include "api/resources_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/text.h"

namespace mara::api::internal {

PolicySet MakePolicySet(std::shared_ptr<const Policy> server_policy) {
  PolicySet set;
  set.server = std::move(server_policy);
  Result<Policy> builtin = DefaultPolicy();
  if (builtin.ok() && PolicyDigest(*builtin) != PolicyDigest(*set.server) &&
      builtin->name != set.server->name) {
    set.builtin = std::make_shared<const Policy>(std::move(*builtin));
  }
  return set;
}

Result<std::shared_ptr<const Policy>> PolicyFor(const Request& req, const PolicySet& policies) {
  std::optional<std::string> name = req.Query("policy");
  if (!name || *name == policies.server->name) return policies.server;
  if (policies.builtin && *name == policies.builtin->name) return policies.builtin;
  std::string known = QuoteForMessage(policies.server->name);
  if (policies.builtin) known += ", " + QuoteForMessage(policies.builtin->name);
  return Status::InvalidArgument("policy: unknown policy " + QuoteForMessage(*name) +
                                 " (this server offers " + known + ")");
}

void AddLanguageHeaders(i18n::Language lang, Response* out) {
  out->headers.emplace_back("Content-Language", std::string(i18n::LanguageCode(lang)));
  out->headers.emplace_back("Vary", "Accept-Language");
}

QueryParam LanguageParam(std::string_view what) {
  return {"lang",
          "ar, en, es, fr, ru or zh: the language of " + std::string(what) +
              " (default: the caller's preferred language, else the one Accept-Language asks for, "
              "else en)"};
}

std::string EtagOfJson(const Json& j) {
  return EtagOf(j.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string FieldOf(const Status& status, std::string_view fallback) {
  const std::string& m = status.message();
  if (m.empty() || m[0] != '/') return std::string(fallback);
  size_t end = m.find_first_of(": ");
  return m.substr(0, end);
}

Response Refused(const Status& status) { return ProblemFor(status, FieldOf(status, "")); }

Result<std::optional<int>> LatestCycle(Session& session) {
  std::optional<int> latest;
  MARA_RETURN_IF_ERROR(ScanVisibleIncidents(session, [&](const Incident& incident, Edition) {
    if (!latest || incident.cycle() > *latest) latest = incident.cycle();
    return Status::Ok();
  }));
  return latest;
}

Status WritePrivateFile(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return Status::IOError("cannot create " + QuoteForMessage(path) + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    // In blocks: `bytes` may be a view into a mapped spool file, read in
    // as it is written out.
    ssize_t n = ::write(fd, bytes.data() + done, std::min<size_t>(bytes.size() - done, 1 << 20));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return Status::IOError("cannot write " + QuoteForMessage(path) + ": " + std::strerror(saved));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return Status::IOError("cannot write " + QuoteForMessage(path) + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

std::string SafeExtension(std::string_view filename) {
  const size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string_view ext = filename.substr(dot + 1);
  if (ext.empty() || ext.size() > 10) return "";
  std::string out = ".";
  for (char c : ext) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

Json AuditRecordJson(const security::AuditRecord& r) {
  return {{"seq", r.seq},
          {"time_ms", r.time_ms},
          {"principal", r.principal},
          {"action", r.action},
          {"collection", r.collection},
          {"target_id", r.target_id},
          {"before_digest", r.before_digest},
          {"after_digest", r.after_digest},
          {"hash", r.hash}};
}

}  // namespace mara::api::internal

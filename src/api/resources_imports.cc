#include "api/resources_imports.h"

#include <array>
#include <atomic>
#include <chrono>
#include <set>
#include <utility>

#include "api/problem.h"
#include "api/resources_internal.h"
#include "common/temp_dir.h"
#include "common/text.h"
#include "ingest/csv_reader.h"
#include "security/encoding.h"
#include "security/random.h"
#include "service/authorized.h"

namespace mara::api {

using internal::Json;
using security::Operation;

struct ImportManager::Job {
  std::string id;
  std::string principal;
  std::string file;  // the client's name for it, shown back, never a path
  std::string format;
  bool skip_invalid = false;
  std::string started_at;
  std::atomic<uint64_t> bytes_done{0};
  std::atomic<uint64_t> bytes_total{0};
  // Guarded by ImportManager::mu_.
  std::string state = "running";
  Json error;
  Json report;
  Json rejects = Json::array();
  std::thread thread;  // joined when the job is forgotten or the manager goes
};

namespace {

std::string NewJobId() {
  security::SystemRandom random;
  std::array<uint8_t, 12> bytes{};
  random.Fill(bytes);
  return "IMP-" + security::ToHex(bytes);
}

// The last component of a client-side file name, for display only.
std::string DisplayName(std::string_view filename) {
  const size_t slash = filename.find_last_of("/\\");
  std::string_view base = slash == std::string_view::npos ? filename : filename.substr(slash + 1);
  if (base.size() > 200) base = base.substr(0, 200);
  std::string out(base);
  return IsValidUtf8(out) ? out : std::string("upload");
}

Json CountsJson(const CollectionCounts& counts) {
  Json j = Json::object();
  for (size_t i = 0; i < kCollectionNames.size(); ++i) {
    if (counts.counts[i] != 0) j[std::string(kCollectionNames[i])] = counts.counts[i];
  }
  return j;
}

// The first rejects of a "<file>.rejects.csv": for a bundle the columns
// pointer, reason, record; for a CSV the original columns plus
// reject_reason.
Json ReadRejects(const std::string& path, size_t max) {
  Json out = Json::array();
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path);
  if (!reader.ok()) return out;
  std::vector<std::string> header;
  while (out.size() < max) {
    Result<bool> more = (*reader)->Next();
    if (!more.ok() || !*more) break;
    const auto& fields = (*reader)->fields();
    if (header.empty()) {
      for (std::string_view f : fields) header.emplace_back(f);
      continue;
    }
    Json record = Json::object();
    std::string reason;
    std::string pointer;
    for (size_t i = 0; i < fields.size() && i < header.size(); ++i) {
      if (header[i] == "reject_reason" || header[i] == "reason") {
        reason = std::string(fields[i]);
      } else if (header[i] == "pointer" && header.size() == 3) {
        pointer = std::string(fields[i]);
      } else if (header[i] == "record" && header.size() == 3) {
        Json parsed = Json::parse(fields[i], nullptr, false);
        record = parsed.is_discarded() ? Json(std::string(fields[i])) : parsed;
      } else {
        record[header[i]] = std::string(fields[i]);
      }
    }
    Json entry = {{"record", std::move(record)}, {"reason", reason}};
    if (!pointer.empty())
      entry["pointer"] = pointer;
    else
      entry["line"] = (*reader)->line();
    out.push_back(std::move(entry));
  }
  return out;
}

// Replaces the private temporary path in a message with the client's name.
std::string WithoutTempPath(std::string message, const std::string& path, const std::string& name) {
  for (size_t at = message.find(path); at != std::string::npos;
       at = message.find(path, at + name.size())) {
    message.replace(at, path.size(), name);
  }
  return message;
}

}  // namespace

ImportManager::ImportManager(std::mutex& write_mu, SessionOpener open,
                             std::function<void()> written)
    : write_mu_(write_mu), open_(std::move(open)), written_(std::move(written)) {}

ImportManager::~ImportManager() {
  std::vector<std::shared_ptr<Job>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs.swap(jobs_);
  }
  for (const auto& job : jobs) {
    if (job->thread.joinable()) job->thread.join();
  }
}

Response ImportManager::Start(Request& req, Session& session) {
  // Fail fast; ImportFile checks again on the import's thread.
  Status allowed = session.RequireEverywhere(Operation::kImport);
  if (!allowed.ok()) return ProblemFor(allowed);
  const FormPart* file = req.Part("file");
  if (file == nullptr || file->filename.empty()) {
    return Problem(400, "invalid_argument",
                   "file: required (a multipart/form-data part named file with a filename)",
                   "file");
  }
  std::string format;
  if (const FormPart* f = req.Part("format"); f != nullptr && !f->content.empty()) {
    for (std::string_view known : kImportFormats) {
      if (f->content == known) format = f->content;
    }
    if (format.empty()) {
      return Problem(400, "invalid_argument",
                     "format: unknown format " + QuoteForMessage(f->content) +
                         " (expected bundle, incidents-csv, svac, ucdp-actors, acled or hxl)",
                     "format");
    }
  }
  bool skip_invalid = false;
  if (const FormPart* s = req.Part("skip_invalid"); s != nullptr && !s->content.empty()) {
    if (s->content != "true" && s->content != "false") {
      return Problem(400, "invalid_argument",
                     "skip_invalid: expected true or false, got " + QuoteForMessage(s->content),
                     "skip_invalid");
    }
    skip_invalid = s->content == "true";
  }
  const std::string ext = internal::SafeExtension(file->filename);
  if (format.empty() && ext != ".json" && ext != ".csv") {
    return Problem(400, "invalid_argument",
                   "format: required when the file name does not end in .json or .csv", "format");
  }
  // In the store's temporary folder, swept at the server's start: a crash
  // mid-import leaves no plaintext behind for good.
  Result<ScopedTempDir> dir = req.temp_dir.empty()
                                  ? ScopedTempDir::Create("mara-upload")
                                  : ScopedTempDir::CreateIn(req.temp_dir, "upload");
  if (!dir.ok()) return ProblemFor(dir.status());
  const std::string path = dir->path() + "/upload" + ext;
  Status written = internal::WritePrivateFile(path, file->content);
  if (!written.ok()) return ProblemFor(written);

  auto job = std::make_shared<Job>();
  job->id = NewJobId();
  job->principal = session.name();
  job->file = DisplayName(file->filename);
  job->format = format;
  job->skip_invalid = skip_invalid;
  job->started_at = NowIso(session.clock());
  job->bytes_total = file->content.size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Forget the oldest finished imports beyond the limit.
    // A finished job's thread has nothing left to do but return, so the
    // join is immediate and frees its stack.
    for (auto it = jobs_.begin(); jobs_.size() >= kMaxKeptImports && it != jobs_.end();) {
      if ((*it)->state == "running") {
        ++it;
        continue;
      }
      if ((*it)->thread.joinable()) (*it)->thread.join();
      it = jobs_.erase(it);
    }
    jobs_.push_back(job);
    started_.fetch_add(1, std::memory_order_relaxed);
    // The directory now belongs to the import's thread: it goes when the
    // thread's function object does, after the import.
    job->thread =
        std::thread([this, job, path, owned = std::make_shared<ScopedTempDir>(std::move(*dir))] {
          Run(job, path);
        });
  }
  Response r = JsonResponse({{"id", job->id}, {"state", "running"}}, 202);
  r.headers.emplace_back("Location", "/api/v1/imports/" + job->id);
  return r;
}

void ImportManager::Run(std::shared_ptr<Job> job, std::string path) {
  // Held until the Session is gone: its destructor signs the audit
  // checkpoint of what the import wrote.
  std::lock_guard<std::mutex> write_lock(write_mu_);
  Json error;
  Json report;
  Json rejects = Json::array();
  {
    Result<std::unique_ptr<Session>> session = open_(job->principal);
    if (!session.ok()) {
      error = {{"detail", WithoutPaths(session.status().message())}, {"field", ""}};
    } else {
      ImportOptions options;
      options.format = job->format;
      options.skip_invalid = job->skip_invalid;
      options.progress = [job](uint64_t done, uint64_t total) {
        job->bytes_done = done;
        if (total > 0) job->bytes_total = total;
      };
      Result<ImportReport> done = ImportFile(**session, path, options);
      if (!done.ok()) {
        const std::string detail =
            WithoutPaths(WithoutTempPath(done.status().message(), path, job->file));
        error = {{"detail", detail},
                 {"field", internal::FieldOf(Status::InvalidArgument(detail), "file")},
                 {"status", HttpStatusFor(done.status().code())}};
      } else {
        job->bytes_done = job->bytes_total.load();
        Json notes = Json::array();
        for (const std::string& n : done->notes) notes.push_back(n);
        report = {{"import_id", done->import_id},
                  {"format", done->format},
                  {"file_digest", done->file_digest},
                  {"inserted", CountsJson(done->inserted)},
                  {"updated", CountsJson(done->updated)},
                  {"rejected", done->rejected},
                  {"notes", std::move(notes)}};
        if (!done->rejects_path.empty())
          rejects = ReadRejects(done->rejects_path, kMaxRejectsShown);
        if (job->format.empty()) job->format = done->format;
      }
      (void)(*session)->Finish();
    }
  }
  if (written_) written_();
  std::lock_guard<std::mutex> lock(mu_);
  job->error = std::move(error);
  job->report = std::move(report);
  job->rejects = std::move(rejects);
  job->state = job->error.is_null() ? "done" : "failed";
  (job->error.is_null() ? finished_ : failed_).fetch_add(1, std::memory_order_relaxed);
}

namespace {

Json JobJson(const std::string& id, const std::string& state, uint64_t done, uint64_t total,
             const std::string& file, const std::string& format, const std::string& principal,
             const std::string& started_at, const Json& error, const Json& report,
             const Json& rejects) {
  Json j = {
      {"id", id},     {"state", state},   {"bytes_done", done},     {"bytes_total", total},
      {"file", file}, {"format", format}, {"principal", principal}, {"started_at", started_at}};
  if (!error.is_null()) j["error"] = error;
  if (!report.is_null()) j["report"] = report;
  j["rejects"] = rejects;
  return j;
}

}  // namespace

Response ImportManager::Get(Request& req, Session& session) {
  const std::string& id = req.params.at("id");
  const bool admin = session.Authorize(Operation::kReadAuditLog).ok();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& job : jobs_) {
    if (job->id != id || (!admin && job->principal != session.name())) continue;
    Response r = JsonResponse(JobJson(job->id, job->state, job->bytes_done, job->bytes_total,
                                      job->file, job->format, job->principal, job->started_at,
                                      job->error, job->report, job->rejects));
    return r;
  }
  return Problem(404, "not_found", "no import " + QuoteForMessage(id) + " of yours", "id");
}

Response ImportManager::List(Request&, Session& session) {
  const bool admin = session.Authorize(Operation::kReadAuditLog).ok();
  Json items = Json::array();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) {
    const auto& job = *it;
    if (!admin && job->principal != session.name()) continue;
    Json j = JobJson(job->id, job->state, job->bytes_done, job->bytes_total, job->file, job->format,
                     job->principal, job->started_at, job->error, job->report, Json::array());
    j.erase("rejects");
    items.push_back(std::move(j));
  }
  return JsonResponse({{"items", std::move(items)}});
}

std::vector<SessionRoute> ImportManager::Routes() {
  std::vector<SessionRoute> routes;
  routes.push_back({{.method = "POST",
                     .pattern = "/api/v1/imports",
                     .summary = "Start an import (multipart: file, format?, skip_invalid?); "
                                "202 with the import's id",
                     .multipart = true,
                     .success_status = 202,
                     .request_schema = "ImportUpload",
                     .response_schema = "Import"},
                    [this](Request& req, Session& session) { return Start(req, session); }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/imports",
                     .summary = "Imports started on this server, newest first",
                     .response_schema = "ImportList"},
                    [this](Request& req, Session& session) { return List(req, session); }});
  routes.push_back({{.method = "GET",
                     .pattern = "/api/v1/imports/{id}",
                     .summary = "An import's progress and outcome",
                     .response_schema = "Import"},
                    [this](Request& req, Session& session) { return Get(req, session); }});
  return routes;
}

}  // namespace mara::api

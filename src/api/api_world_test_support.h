// Test support for the API tests of the routes added for the browser
// application: a real server on a free loopback port over a real SQLite
// store in a temporary directory, holding examples/demo.json plus marker
// records whose strings must never reach a viewer, one user per role, an
// evidence item and a UI directory with a file outside it.
#ifndef MARA_API_API_WORLD_TEST_SUPPORT_H_
#define MARA_API_API_WORLD_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/server.h"
#include "common/temp_dir.h"
#include "service/authorized.h"
#include "service/evidence.h"
#include "service/session.h"
#include "service/users.h"

namespace mara::api::testing_support {

using Json = nlohmann::json;

inline constexpr char kPassword[] = "correct horse battery staple";
// Strings only confidential readers may ever see.
inline constexpr char kNarrativeMarker[] = "ZZSECRET-NARRATIVE-7731";
inline constexpr char kSourceMarker[] = "ZZSECRET-SOURCE-4410";
inline constexpr char kPlaceMarker[] = "ZZSECRET-PLACE-5512";
inline constexpr char kEvidenceMarker[] = "ZZSECRET-EVIDENCE-9902";

// The roles of the matrix, one user each (monitor and analyst scoped).
struct RoleUser {
  const char* role;
  const char* user;
};
inline constexpr RoleUser kRoleUsers[] = {
    {"viewer", "vera"}, {"monitor", "mo"},          {"reviewer", "rita"},
    {"analyst", "ana"}, {"decision_maker", "dana"}, {"admin", "adi"},
};

struct Login {
  std::string cookie;
  std::string csrf;
};

class World {
 public:
  // Builds everything; `error` says what failed ("" on success).
  static std::unique_ptr<World> Create(
      std::string* error, size_t max_body = 64 * 1024, size_t max_upload = 1 << 20,
      std::chrono::milliseconds cache_staleness = ServerOptions().cache_staleness) {
    auto w = std::unique_ptr<World>(new World());
    *error = w->Init(max_body, max_upload, cache_staleness);
    return w;
  }
  ~World() {
    client_.reset();
    if (server_) server_->Stop();
  }

  Server& server() { return *server_; }
  httplib::Client& client() { return *client_; }
  const std::string& dir() const { return dir_.path(); }
  const std::string& ui_dir() const { return ui_dir_; }
  const std::string& evidence_id() const { return evidence_id_; }

  Login LogIn(const std::string& name) {
    Json body = {{"name", name}, {"password", kPassword}};
    auto res = client_->Post("/api/v1/session", body.dump(), "application/json");
    if (!res || res->status != 201) return {};
    std::string cookie = res->get_header_value("Set-Cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    return {cookie, Json::parse(res->body).value("csrf_token", "")};
  }

  httplib::Result Get(const Login& who, const std::string& path, httplib::Headers extra = {}) {
    extra.emplace("Cookie", who.cookie);
    return client_->Get(path, extra);
  }
  // A JSON body (or raw text when `raw` is set) with cookie and CSRF token.
  httplib::Result Send(const Login& who, const std::string& method, const std::string& path,
                       const std::string& body, httplib::Headers extra = {},
                       const std::string& content_type = "application/json") {
    extra.emplace("Cookie", who.cookie);
    if (extra.find("X-CSRF-Token") == extra.end()) extra.emplace("X-CSRF-Token", who.csrf);
    if (method == "POST") return client_->Post(path, extra, body, content_type);
    if (method == "PUT") return client_->Put(path, extra, body, content_type);
    if (method == "DELETE") return client_->Delete(path, extra, body, content_type);
    return client_->Patch(path, extra, body, content_type);
  }
  httplib::Result Upload(const Login& who, const std::string& path,
                         const httplib::MultipartFormDataItems& items,
                         httplib::Headers extra = {}) {
    extra.emplace("Cookie", who.cookie);
    if (extra.find("X-CSRF-Token") == extra.end()) extra.emplace("X-CSRF-Token", who.csrf);
    return client_->Post(path, extra, items);
  }
  // The ETag of a GET as `who` ("" when it fails).
  std::string EtagOf(const Login& who, const std::string& path) {
    auto res = Get(who, path);
    return res && res->status == 200 ? res->get_header_value("ETag") : "";
  }

 private:
  World() = default;

  std::string Init(size_t max_body, size_t max_upload, std::chrono::milliseconds cache_staleness) {
    auto dir = ScopedTempDir::Create("mara-api-world");
    if (!dir.ok()) return dir.status().ToString();
    dir_ = std::move(*dir);
    const std::string db = dir_.path() + "/mara.db";
    SessionOptions o;
    o.db = db;
    o.create = true;
    {
      auto admin = Session::Open(o);
      if (!admin.ok()) return admin.status().ToString();
      auto imported = ImportFile(**admin, std::string(MARA_SOURCE_DIR) + "/examples/demo.json", {});
      if (!imported.ok()) return imported.status().ToString();
      // Marker records: a confidential source, a verified incident citing
      // it with a narrative, and an internal_use incident.
      Json bundle = {
          {"format", "mara-bundle/1"},
          {"sources",
           {{{"id", "S-MARK-1"},
             {"kind", "survivor_testimony"},
             {"title", std::string("Interview ") + kSourceMarker},
             {"publisher", std::string("Field team ") + kSourceMarker},
             {"date", "2025-05-01"},
             {"reliability", "B"},
             {"credibility", "2"},
             {"confidential", true}}}},
          {"incidents",
           {{{"id", "I-MARK-1"},
             {"situation", "SIT-VAL"},
             {"date", "2025-05-02"},
             {"location", {{"name", "Korvane"}, {"lat", 48.21}, {"lon", 21.40}}},
             {"violations", {"rape"}},
             {"victims", {{"women", 1}}},
             {"context", "attack"},
             {"nexus", {"perpetrator_affiliation"}},
             {"status", "verified"},
             {"verified_on", "2025-06-01"},
             {"perpetrators", {{{"party", "P-VAF"}, {"standard", "reasonable_grounds"}}}},
             {"sources", {"S-MARK-1", "S-JMT-VAL"}},
             {"narrative", std::string("Account: ") + kNarrativeMarker},
             {"consent", "aggregate_reporting"}},
            {{"id", "I-MARK-2"},
             {"situation", "SIT-VAL"},
             {"date", "2025-05-03"},
             {"location", {{"name", kPlaceMarker}, {"lat", 48.5}, {"lon", 21.5}}},
             {"violations", {"rape"}},
             {"victims", {{"women", 1}}},
             {"context", "attack"},
             {"nexus", {"perpetrator_affiliation"}},
             {"status", "verified"},
             {"verified_on", "2025-06-01"},
             {"perpetrators", {{{"party", "P-VAF"}, {"standard", "reasonable_grounds"}}}},
             {"sources", {"S-JMT-VAL"}},
             {"consent", "internal_use"}}}}};
      const std::string bundle_path = dir_.path() + "/markers.json";
      std::ofstream(bundle_path) << bundle.dump();
      auto markers = ImportFile(**admin, bundle_path, {});
      if (!markers.ok()) return markers.status().ToString();
      const auto limits = security::PasswordLimits::ForTests();
      Status set = SetUserPassword(**admin, "operator", kPassword, limits);
      if (!set.ok()) return set.ToString();
      struct U {
        const char* name;
        std::vector<std::string> roles;
        std::vector<std::string> situations;
      };
      for (const U& u :
           {U{"vera", {"viewer"}, {}}, U{"mo", {"monitor"}, {"SIT-VAL"}},
            U{"rita", {"reviewer"}, {}}, U{"ana", {"analyst"}, {"SIT-QUE", "SIT-TAR", "SIT-VAL"}},
            U{"dana", {"decision_maker"}, {}}, U{"adi", {"admin"}, {}},
            U{"mona", {"monitor"}, {"SIT-QUE", "SIT-TAR", "SIT-VAL"}},
            U{"rex", {"reviewer"}, {}}}) {
        NewUser n;
        n.name = u.name;
        n.roles = u.roles;
        n.situations = u.situations;
        n.password = kPassword;
        n.limits = limits;
        Status added = AddUser(**admin, n);
        if (!added.ok()) return added.ToString();
      }
    }
    {
      // One evidence item on a Valdoria incident, added by the analyst.
      SessionOptions a = o;
      a.create = false;
      a.principal = "ana";
      auto analyst = Session::Open(a);
      if (!analyst.ok()) return analyst.status().ToString();
      const std::string file = dir_.path() + "/photo.txt";
      std::ofstream(file) << "evidence bytes " << kEvidenceMarker;
      EvidenceIntake intake;
      intake.incident = "I-2022-001";
      intake.description = "scan";
      auto item = AddEvidence(**analyst, file, intake);
      if (!item.ok()) return item.status().ToString();
      evidence_id_ = item->id;
    }
    // The UI: index.html, a hashed asset, a file outside and a symlink to it.
    ui_dir_ = dir_.path() + "/ui";
    ::mkdir(ui_dir_.c_str(), 0700);
    ::mkdir((ui_dir_ + "/assets").c_str(), 0700);
    std::ofstream(ui_dir_ + "/index.html") << "<!doctype html><title>Mara</title>INDEX-PAGE";
    std::ofstream(ui_dir_ + "/assets/app-3f2a1b.js") << "console.log('APP-ASSET');";
    std::ofstream(ui_dir_ + "/assets/style-77aa.css") << "body{color:#000}";
    std::ofstream(dir_.path() + "/outside.txt") << "OUTSIDE-SECRET";
    if (::symlink((dir_.path() + "/outside.txt").c_str(), (ui_dir_ + "/escape.txt").c_str()) != 0) {
      return "cannot create the symlink";
    }
    ServerOptions options;
    options.db = db;
    options.port = 0;
    options.threads = 3;
    options.max_body_bytes = max_body;
    options.max_upload_bytes = max_upload;
    options.ui_dir = ui_dir_;
    options.cache_staleness = cache_staleness;
    server_ = std::make_unique<Server>(options);
    Status started = server_->Start();
    if (!started.ok()) return started.ToString();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(120, 0);
    return "";
  }

  ScopedTempDir dir_;
  std::string ui_dir_;
  std::string evidence_id_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

// A problem+json answer with `status`, a detail and, when `field` is not
// empty, that field.
inline void ExpectProblem(const httplib::Result& res, int status, const std::string& field) {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, status) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/problem+json") << res->body;
  Json j = Json::parse(res->body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << res->body;
  EXPECT_EQ(j.value("status", 0), status) << res->body;
  EXPECT_FALSE(j.value("detail", "").empty());
  if (!field.empty()) {
    EXPECT_EQ(j.value("field", ""), field) << res->body;
  }
}

}  // namespace mara::api::testing_support

#endif  // MARA_API_API_WORLD_TEST_SUPPORT_H_

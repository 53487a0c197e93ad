// The routes added for the browser application, end to end over a real
// server and SQLite store (api_world_test_support.h): success, validation
// errors with the field, refusals, If-Match (428/412), uploads and imports
// with progress, the assessment views and static serving of the UI.
#include <dirent.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "api/api_world_test_support.h"
#include "api/static_files.h"
#include "common/text.h"
#include "report/builder.h"

namespace mara::api {
namespace {

using testing_support::ExpectProblem;
using testing_support::Json;
using testing_support::Login;
using testing_support::World;

class NewRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error);
    ASSERT_EQ(error, "");
  }

  static Json NewIncident(const std::string& id) {
    return {{"id", id},
            {"situation", "SIT-VAL"},
            {"date", "2025-08-01"},
            {"location", {{"name", "Korvane"}, {"lat", 48.2}, {"lon", 21.4}}},
            {"violations", {"rape"}},
            {"victims", {{"women", 1}}},
            {"context", "attack"},
            {"nexus", {"perpetrator_affiliation"}},
            {"status", "under_verification"},
            {"perpetrators", {{{"party", "P-VAF"}, {"standard", "credible_information"}}}},
            {"sources", {"S-JMT-VAL"}},
            {"narrative", "what happened"},
            {"consent", "aggregate_reporting"}};
  }

  Json Body(const httplib::Result& res) { return Json::parse(res->body, nullptr, false); }

  std::unique_ptr<World> world_;
};

TEST_F(NewRoutesTest, MonitorCreatesAnIncidentAReviewerVerifiesIt) {
  Login mo = world_->LogIn("mo");
  Login rita = world_->LogIn("rita");
  auto created = world_->Send(mo, "POST", "/api/v1/incidents", NewIncident("I-WEB-1").dump());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->get_header_value("Location"), "/api/v1/incidents/I-WEB-1");
  EXPECT_FALSE(created->get_header_value("ETag").empty());
  EXPECT_EQ(Body(created)["narrative"], "what happened");
  // A second POST of the same id is a conflict, not an overwrite.
  auto again = world_->Send(mo, "POST", "/api/v1/incidents", NewIncident("I-WEB-1").dump());
  ExpectProblem(again, 409, "/id");
  // The creator cannot verify it (four eyes), and it is not in their queue.
  const std::string etag = world_->EtagOf(mo, "/api/v1/incidents/I-WEB-1");
  auto own = world_->Send(mo, "POST", "/api/v1/incidents/I-WEB-1/verification", "{}",
                          {{"If-Match", etag}});
  ExpectProblem(own, 403, "");
  // The reviewer's queue lists it; verifying it works.
  auto queue = world_->Get(rita, "/api/v1/review-queue");
  ASSERT_TRUE(queue && queue->status == 200);
  bool listed = false;
  const Json queued = Body(queue);
  for (const Json& item : queued["items"]) listed = listed || item["id"] == "I-WEB-1";
  EXPECT_TRUE(listed) << queue->body;
  auto mo_queue = world_->Get(mo, "/api/v1/review-queue");
  ASSERT_TRUE(mo_queue && mo_queue->status == 200);
  EXPECT_EQ(mo_queue->body.find("I-WEB-1"), std::string::npos);
  auto verified = world_->Send(rita, "POST", "/api/v1/incidents/I-WEB-1/verification", "{}",
                               {{"If-Match", world_->EtagOf(rita, "/api/v1/incidents/I-WEB-1")}});
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->status, 200) << verified->body;
  EXPECT_EQ(Body(verified)["status"], "verified");
}

TEST_F(NewRoutesTest, IncidentValidationNamesTheField) {
  Login mo = world_->LogIn("mo");
  Json bad_date = NewIncident("I-WEB-2");
  bad_date["date"] = "2025-02-30";
  ExpectProblem(world_->Send(mo, "POST", "/api/v1/incidents", bad_date.dump()), 400, "/date");
  Json bad_party = NewIncident("I-WEB-2");
  bad_party["perpetrators"][0]["party"] = "P-NOPE";
  auto res = world_->Send(mo, "POST", "/api/v1/incidents", bad_party.dump());
  ExpectProblem(res, 400, "");
  EXPECT_NE(res->body.find("P-NOPE"), std::string::npos);
  Json unknown_key = NewIncident("I-WEB-2");
  unknown_key["colour"] = "red";
  ExpectProblem(world_->Send(mo, "POST", "/api/v1/incidents", unknown_key.dump()), 400, "");
  ExpectProblem(world_->Send(mo, "POST", "/api/v1/incidents", "[1,2]"), 400, "body");
  // Outside the monitor's situation: refused by the service layer.
  Json elsewhere = NewIncident("I-WEB-3");
  elsewhere["situation"] = "SIT-TAR";
  elsewhere["perpetrators"][0]["party"] = "P-TDF";
  ExpectProblem(world_->Send(mo, "POST", "/api/v1/incidents", elsewhere.dump()), 403, "");
}

TEST_F(NewRoutesTest, PutIncidentNeedsACurrentIfMatch) {
  Login mo = world_->LogIn("mo");
  Login rita = world_->LogIn("rita");
  const std::string path = "/api/v1/incidents/I-2022-001";
  const std::string etag = world_->EtagOf(mo, path);
  ASSERT_FALSE(etag.empty());
  Json edit = NewIncident("I-2022-001");
  edit["location"]["name"] = "Korvane market";
  ExpectProblem(world_->Send(mo, "PUT", path, edit.dump()), 428, "If-Match");
  ExpectProblem(world_->Send(mo, "PUT", path, edit.dump(), {{"If-Match", "\"stale\""}}), 412,
                "If-Match");
  Json other = NewIncident("I-OTHER");
  ExpectProblem(world_->Send(mo, "PUT", path, other.dump(), {{"If-Match", etag}}), 400, "/id");
  auto ok = world_->Send(mo, "PUT", path, edit.dump(), {{"If-Match", etag}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Body(ok)["location"]["name"], "Korvane market");
  EXPECT_NE(ok->get_header_value("ETag"), etag);
  // The old ETag is now stale: nothing is overwritten.
  edit["location"]["name"] = "Elsewhere";
  ExpectProblem(world_->Send(mo, "PUT", path, edit.dump(), {{"If-Match", etag}}), 412, "If-Match");
  auto after = world_->Get(mo, path);
  EXPECT_EQ(Body(after)["location"]["name"], "Korvane market");
  // A reviewer cannot edit.
  ExpectProblem(
      world_->Send(rita, "PUT", path, edit.dump(), {{"If-Match", world_->EtagOf(rita, path)}}), 403,
      "");
}

TEST_F(NewRoutesTest, IncidentConsent) {
  Login mo = world_->LogIn("mo");
  const std::string path = "/api/v1/incidents/I-2022-002";
  const std::string etag = world_->EtagOf(mo, path);
  ExpectProblem(
      world_->Send(mo, "PUT", path + "/consent", R"({"consent":"maybe"})", {{"If-Match", etag}}),
      400, "/consent");
  ExpectProblem(world_->Send(mo, "PUT", path + "/consent", R"({"consent":"internal_use"})"), 428,
                "If-Match");
  ExpectProblem(world_->Send(mo, "PUT", path + "/consent", R"({"consent":"internal_use"})",
                             {{"If-Match", "\"old\""}}),
                412, "If-Match");
  auto ok = world_->Send(mo, "PUT", path + "/consent", R"({"consent":"internal_use"})",
                         {{"If-Match", etag}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Body(ok)["consent"], "internal_use");
  // internal_use leaves the public view.
  Login vera = world_->LogIn("vera");
  ExpectProblem(world_->Get(vera, path), 404, "id");
  ExpectProblem(world_->Send(mo, "PUT", "/api/v1/incidents/I-NONE/consent",
                             R"({"consent":"withdrawn"})", {{"If-Match", "*"}}),
                404, "id");
}

TEST_F(NewRoutesTest, TestimonyConsent) {
  Login mona = world_->LogIn("mona");  // monitor of every situation
  auto ok = world_->Send(mona, "PUT", "/api/v1/sources/S-SURV-1/consent",
                         R"({"consent":"aggregate_reporting"})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Body(ok)["consent"], "aggregate_reporting");
  const std::string etag = ok->get_header_value("ETag");
  ExpectProblem(world_->Send(mona, "PUT", "/api/v1/sources/S-SURV-1/consent",
                             R"({"consent":"withdrawn"})", {{"If-Match", "\"stale\""}}),
                412, "If-Match");
  auto with_etag = world_->Send(mona, "PUT", "/api/v1/sources/S-SURV-1/consent",
                                R"({"consent":"withdrawn"})", {{"If-Match", etag}});
  ASSERT_TRUE(with_etag);
  EXPECT_EQ(with_etag->status, 200) << with_etag->body;
  ExpectProblem(
      world_->Send(mona, "PUT", "/api/v1/sources/S-JMT-VAL/consent", R"({"consent":"withdrawn"})"),
      400, "");
  ExpectProblem(world_->Send(mona, "PUT", "/api/v1/sources/S-SURV-1/consent", R"({})"), 400,
                "/consent");
}

TEST_F(NewRoutesTest, Petitions) {
  Login dana = world_->LogIn("dana");
  Login vera = world_->LogIn("vera");
  auto list = world_->Get(vera, "/api/v1/petitions?party=P-NLF");
  ASSERT_TRUE(list && list->status == 200);
  Json items = Body(list)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["id"], "P-NLF~2024-05-01");
  EXPECT_FALSE(items[0].contains("reason"));  // the panel's reasons are confidential
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions", R"({"party":"P-KB"})"), 400,
                "/grounds");
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions",
                             R"({"party":"P-KB","grounds":"g","filed_on":"2025-13-01"})"),
                400, "/filed_on");
  ExpectProblem(
      world_->Send(dana, "POST", "/api/v1/petitions", R"({"party":"P-NOPE","grounds":"g"})"), 404,
      "/party");
  auto filed = world_->Send(dana, "POST", "/api/v1/petitions",
                            R"({"party":"P-KB","grounds":"new facts","filed_on":"2025-10-01",)"
                            R"("cycle":2025,"new_material":true})");
  ASSERT_TRUE(filed);
  ASSERT_EQ(filed->status, 201) << filed->body;
  EXPECT_EQ(Body(filed)["id"], "P-KB~2025-10-01");
  // A second pending petition is refused.
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions",
                             R"({"party":"P-KB","grounds":"more","filed_on":"2025-10-02"})"),
                409, "");
  ExpectProblem(world_->Send(vera, "POST", "/api/v1/petitions/P-KB~2025-10-01/ruling",
                             R"({"outcome":"rejected","rationale":"r"})"),
                403, "");
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions/P-KB~2025-10-01/ruling",
                             R"({"outcome":"maybe","rationale":"r"})"),
                400, "/outcome");
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions/P-KB/ruling",
                             R"({"outcome":"rejected","rationale":"r"})"),
                400, "id");
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions/P-KB~2025-10-01/ruling",
                             R"({"outcome":"rejected"})"),
                400, "/rationale");
  auto ruled = world_->Send(dana, "POST", "/api/v1/petitions/P-KB~2025-10-01/ruling",
                            R"({"outcome":"rejected","rationale":"no new facts in substance"})");
  ASSERT_TRUE(ruled);
  ASSERT_EQ(ruled->status, 200) << ruled->body;
  EXPECT_EQ(Body(ruled)["outcome"], "rejected");
  ExpectProblem(world_->Send(dana, "POST", "/api/v1/petitions/P-KB~2025-10-01/ruling",
                             R"({"outcome":"granted","rationale":"again"})"),
                409, "");
}

TEST_F(NewRoutesTest, NameReviews) {
  Login ana = world_->LogIn("ana");
  Login rita = world_->LogIn("rita");
  auto list = world_->Get(ana, "/api/v1/name-reviews?all=true");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200) << list->body;
  EXPECT_TRUE(Body(list)["items"].is_array());
  ExpectProblem(world_->Get(ana, "/api/v1/name-reviews?all=maybe"), 400, "all");
  ExpectProblem(world_->Get(rita, "/api/v1/name-reviews"), 403, "");
  ExpectProblem(
      world_->Send(ana, "POST", "/api/v1/name-reviews/1/decision", R"({"action":"shrug"})"), 400,
      "/action");
  ExpectProblem(
      world_->Send(ana, "POST", "/api/v1/name-reviews/x/decision", R"({"action":"reject"})"), 400,
      "id");
  ExpectProblem(
      world_->Send(ana, "POST", "/api/v1/name-reviews/99/decision", R"({"action":"reject"})"), 404,
      "id");
}

TEST_F(NewRoutesTest, EvidenceUploadDownloadAndCustody) {
  Login mo = world_->LogIn("mo");
  Login vera = world_->LogIn("vera");
  const std::string bytes = std::string("%PDF-1.4 scan ") + std::string(3000, 'z');
  auto up = world_->Upload(mo, "/api/v1/evidence",
                           {{"file", bytes, "../../etc/scan.pdf", "application/pdf"},
                            {"incident", "I-2022-001", "", ""},
                            {"description", "clinic scan", "", ""}});
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 201) << up->body;
  Json item = Body(up);
  EXPECT_EQ(item["sha256"], Sha256Hex(bytes));
  EXPECT_EQ(item["blake2b"], Blake2bHex(bytes));
  EXPECT_EQ(item["size"], bytes.size());
  EXPECT_EQ(item["incident"], "I-2022-001");
  EXPECT_EQ(item["received_by"], "mo");
  EXPECT_EQ(item["media_type"], "application/pdf");
  const std::string id = item["id"];

  auto list = world_->Get(mo, "/api/v1/evidence?incident=I-2022-001");
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_NE(list->body.find(id), std::string::npos);
  ExpectProblem(world_->Get(vera, "/api/v1/evidence"), 403, "");

  auto content = world_->Get(mo, "/api/v1/evidence/" + id + "/content");
  ASSERT_TRUE(content);
  ASSERT_EQ(content->status, 200) << content->body;
  EXPECT_EQ(content->body, bytes);
  EXPECT_NE(content->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  ExpectProblem(world_->Get(vera, "/api/v1/evidence/" + id + "/content"), 403, "");
  ExpectProblem(world_->Get(mo, "/api/v1/evidence/EV-NONE/content"), 404, "id");

  auto custody = world_->Get(mo, "/api/v1/evidence/" + id + "/custody");
  ASSERT_TRUE(custody && custody->status == 200);
  std::set<std::string> actions;
  const Json records = Body(custody);
  for (const Json& r : records["items"]) actions.insert(r["action"].get<std::string>());
  EXPECT_EQ(actions.size(), 2u) << custody->body;  // intake and the download
  for (const std::string& a : actions) EXPECT_EQ(a.rfind("evidence.", 0), 0u) << a;

  ExpectProblem(world_->Upload(mo, "/api/v1/evidence", {{"incident", "I-2022-001", "", ""}}), 400,
                "file");
  ExpectProblem(world_->Upload(mo, "/api/v1/evidence", {{"file", "x", "a.txt", "text/plain"}}), 400,
                "incident");
  ExpectProblem(
      world_->Upload(mo, "/api/v1/evidence",
                     {{"file", "x", "a.txt", "text/plain"}, {"incident", "I-NONE", "", ""}}),
      404, "incident");
  // Outside the monitor's situation.
  ExpectProblem(
      world_->Upload(mo, "/api/v1/evidence",
                     {{"file", "x", "a.txt", "text/plain"}, {"incident", "I-2023-013", "", ""}}),
      403, "");
}

TEST_F(NewRoutesTest, EvidenceCapturedOfflineStartsItsCustodyAtCapture) {
  Login mo = world_->LogIn("mo");
  const std::string bytes = std::string("\x89PNG photo taken offline ") + std::string(500, 'p');
  const std::string hash = Sha256Hex(bytes);
  auto upload = [&](const std::string& captured_sha256, const std::string& captured_at) {
    return world_->Upload(mo, "/api/v1/evidence",
                          {{"file", bytes, "photo.png", "image/png"},
                           {"incident", "I-2022-001", "", ""},
                           {"captured_sha256", captured_sha256, "", ""},
                           {"captured_at", captured_at, "", ""}});
  };
  auto items = [&] {
    auto list = world_->Get(mo, "/api/v1/evidence?incident=I-2022-001");
    return list ? Body(list)["items"].size() : size_t{0};
  };
  const size_t before = items();

  // Bytes that are not the ones captured: refused, nothing kept.
  ExpectProblem(upload(std::string(64, 'a'), "2024-05-06T07:08:09Z"), 400, "captured_sha256");
  ExpectProblem(upload("not a hash", "2024-05-06T07:08:09Z"), 400, "captured_sha256");
  // An instant that is not one, or lies in the future.
  ExpectProblem(upload(hash, "yesterday"), 400, "captured_at");
  ExpectProblem(upload(hash, "2024-05-06 07:08:09"), 400, "captured_at");
  ExpectProblem(upload(hash, "2024-02-30T07:08:09Z"), 400, "captured_at");
  ExpectProblem(upload(hash, "2999-01-01T00:00:00Z"), 400, "captured_at");
  EXPECT_EQ(items(), before);

  auto up = upload(hash, "2024-05-06T07:08:09.250Z");
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 201) << up->body;
  const Json item = Body(up);
  EXPECT_EQ(item["sha256"], hash);
  EXPECT_EQ(item["captured_at"], "2024-05-06T07:08:09.250Z");
  EXPECT_EQ(items(), before + 1);
  const std::string id = item["id"];
  auto listed = world_->Get(mo, "/api/v1/evidence?incident=I-2022-001");
  ASSERT_TRUE(listed);
  bool found = false;
  const Json listing = Body(listed);
  for (const Json& e : listing["items"]) {
    if (e["id"] == id) {
      found = true;
      EXPECT_EQ(e["captured_at"], "2024-05-06T07:08:09.250Z");
    }
  }
  EXPECT_TRUE(found) << listed->body;
  // The intake's custody record: before, the hash taken at capture; after,
  // the bytes received.
  auto custody = world_->Get(mo, "/api/v1/evidence/" + id + "/custody");
  ASSERT_TRUE(custody && custody->status == 200);
  const Json records = Body(custody)["items"];
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0]["action"], "evidence.add");
  EXPECT_EQ(records[0]["before_digest"], hash);
  EXPECT_EQ(records[0]["after_digest"], hash);
}

TEST_F(NewRoutesTest, ImportsRunInTheBackgroundWithProgress) {
  Login ana = world_->LogIn("ana");
  Login adi = world_->LogIn("adi");
  Login vera = world_->LogIn("vera");
  const std::string csv =
      "id,situation,date,location,violations,context,status,perpetrators,sources\n"
      "I-CSV-1,SIT-VAL,2025-09-01,Korvane,rape,attack,reported,P-VAF:credible_information,"
      "S-JMT-VAL\n"
      "I-CSV-2,SIT-VAL,2025-02-30,Korvane,rape,attack,reported,P-VAF:credible_information,"
      "S-JMT-VAL\n";
  ExpectProblem(world_->Upload(ana, "/api/v1/imports",
                               {{"file", csv, "in.csv", "text/csv"}, {"format", "excel", "", ""}}),
                400, "format");
  ExpectProblem(
      world_->Upload(ana, "/api/v1/imports",
                     {{"file", csv, "in.csv", "text/csv"}, {"skip_invalid", "yes", "", ""}}),
      400, "skip_invalid");
  ExpectProblem(world_->Upload(ana, "/api/v1/imports", {{"format", "bundle", "", ""}}), 400,
                "file");
  ExpectProblem(world_->Upload(vera, "/api/v1/imports", {{"file", csv, "in.csv", "text/csv"}}), 403,
                "");

  auto wait_for = [&](const Login& who, const std::string& location) {
    Json job;
    for (int i = 0; i < 600; ++i) {
      auto res = world_->Get(who, location);
      if (!res || res->status != 200) return Json();
      job = Body(res);
      if (job["state"] != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return job;
  };
  // Atomic: the bad row fails the whole import, naming the line and field.
  auto started = world_->Upload(ana, "/api/v1/imports", {{"file", csv, "in.csv", "text/csv"}});
  ASSERT_TRUE(started);
  ASSERT_EQ(started->status, 202) << started->body;
  EXPECT_EQ(Body(started)["state"], "running");
  const std::string location = started->get_header_value("Location");
  Json failed = wait_for(ana, location);
  EXPECT_EQ(failed["state"], "failed") << failed.dump();
  const std::string detail = failed["error"]["detail"];
  EXPECT_NE(detail.find("in.csv"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("mara-upload"), std::string::npos) << detail;
  ExpectProblem(world_->Get(ana, "/api/v1/incidents/I-CSV-1"), 404, "id");

  // skip_invalid: the good row lands, the bad one is listed with its reason.
  auto skipping =
      world_->Upload(ana, "/api/v1/imports",
                     {{"file", csv, "in.csv", "text/csv"}, {"skip_invalid", "true", "", ""}});
  ASSERT_TRUE(skipping && skipping->status == 202);
  Json done = wait_for(ana, skipping->get_header_value("Location"));
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["bytes_done"], csv.size());
  EXPECT_EQ(done["bytes_total"], csv.size());
  EXPECT_EQ(done["report"]["inserted"]["incidents"], 1);
  EXPECT_EQ(done["report"]["rejected"], 1);
  ASSERT_EQ(done["rejects"].size(), 1u);
  EXPECT_NE(done["rejects"][0]["reason"].get<std::string>().find("2025-02-30"), std::string::npos)
      << done.dump();
  auto imported = world_->Get(ana, "/api/v1/incidents/I-CSV-1");
  EXPECT_EQ(imported->status, 200);

  // The list: newest first; others see only their own, admins all.
  auto mine = world_->Get(ana, "/api/v1/imports");
  ASSERT_TRUE(mine && mine->status == 200);
  ASSERT_EQ(Body(mine)["items"].size(), 2u);
  EXPECT_EQ(Body(mine)["items"][0]["state"], "done");
  auto theirs = world_->Get(vera, "/api/v1/imports");
  EXPECT_EQ(Body(theirs)["items"].size(), 0u);
  ExpectProblem(world_->Get(vera, location), 404, "id");
  auto all = world_->Get(adi, "/api/v1/imports");
  EXPECT_EQ(Body(all)["items"].size(), 2u);

  // No uploaded bytes are left behind in the temporary directory.
  const char* tmp = std::getenv("TMPDIR");
  const std::string tmp_dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  if (DIR* d = ::opendir(tmp_dir.c_str())) {
    std::string leftover;
    std::string mine_prefix = "mara-upload";
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name.rfind(mine_prefix, 0) == 0) {
        // Another test process may be uploading: only fail on ours, which
        // would hold our CSV.
        std::ifstream f(tmp_dir + "/" + name + "/upload.csv");
        std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        if (text == csv) leftover = name;
      }
    }
    ::closedir(d);
    EXPECT_EQ(leftover, "");
  }
}

TEST_F(NewRoutesTest, AssessmentViews) {
  Login vera = world_->LogIn("vera");
  Login ana = world_->LogIn("ana");
  auto annex = world_->Get(vera, "/api/v1/annex/2025");
  ASSERT_TRUE(annex && annex->status == 200) << annex->body;
  Json a = Body(annex);
  EXPECT_EQ(a["cycle"], 2025);
  ASSERT_TRUE(a["listed"].is_array());
  ASSERT_FALSE(a["listed"].empty()) << annex->body;
  EXPECT_TRUE(a["listed"][0]["parties"][0].contains("violations"));
  EXPECT_TRUE(a["on_notice"].is_array());
  EXPECT_TRUE(a["changes"].is_array());
  // Public: the same for an analyst.
  auto annex_ana = world_->Get(ana, "/api/v1/annex/2025");
  EXPECT_EQ(annex_ana->body, annex->body);
  ExpectProblem(world_->Get(vera, "/api/v1/annex/20x5"), 400, "cycle");
  ExpectProblem(world_->Get(vera, "/api/v1/annex/2025?policy=lenient"), 400, "policy");

  auto policies = world_->Get(vera, "/api/v1/policies");
  ASSERT_TRUE(policies && policies->status == 200);
  Json p = Body(policies)["items"];
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["default"], true);
  const std::string name = p[0]["name"];
  auto named = world_->Get(ana, "/api/v1/assessments/2025?policy=" + name);
  EXPECT_EQ(named->status, 200);
  ExpectProblem(world_->Get(ana, "/api/v1/assessments/2025?policy=nope"), 400, "policy");

  auto consistency = world_->Get(ana, "/api/v1/consistency/2025");
  ASSERT_TRUE(consistency && consistency->status == 200);
  EXPECT_TRUE(Body(consistency)["items"].is_array());
  auto sensitivity = world_->Get(ana, "/api/v1/sensitivity/2025");
  ASSERT_TRUE(sensitivity && sensitivity->status == 200);
  EXPECT_FALSE(Body(sensitivity)["items"].empty());
  ExpectProblem(world_->Get(vera, "/api/v1/sensitivity/2025"), 403, "");
}

TEST_F(NewRoutesTest, DossierAndDashboard) {
  Login vera = world_->LogIn("vera");
  Login dana = world_->LogIn("dana");
  auto dossier = world_->Get(dana, "/api/v1/parties/P-NLF/dossier?cycle=2025");
  ASSERT_TRUE(dossier && dossier->status == 200) << dossier->body;
  Json d = Body(dossier);
  EXPECT_EQ(d["party"]["id"], "P-NLF");
  for (const char* key : {"aliases", "children", "lineage", "history", "commitments",
                          "designations", "engagements", "petitions"}) {
    EXPECT_TRUE(d[key].is_array()) << key;
  }
  ASSERT_FALSE(d["history"].empty());
  EXPECT_LT(d["history"][0]["cycle"].get<int>(), d["history"].back()["cycle"].get<int>());
  EXPECT_EQ(d["history"].back()["cycle"], 2025);
  EXPECT_TRUE(d["history"].back().contains("decided"));  // the demo decides P-NLF in 2025
  EXPECT_TRUE(d["incidents"]["by_cycle"].is_array());
  EXPECT_TRUE(d["case"]["criteria_met"].is_array());
  EXPECT_EQ(d["petitions"].size(), 2u);
  ExpectProblem(world_->Get(vera, "/api/v1/parties/P-NOPE/dossier"), 404, "id");
  ExpectProblem(world_->Get(vera, "/api/v1/parties/P-NLF/dossier?cycle=99"), 400, "cycle");
  auto public_dossier = world_->Get(vera, "/api/v1/parties/P-NLF/dossier");
  ASSERT_TRUE(public_dossier && public_dossier->status == 200);
  EXPECT_EQ(Body(public_dossier)["case"]["edition"], "public");

  auto dash = world_->Get(vera, "/api/v1/dashboard");
  ASSERT_TRUE(dash && dash->status == 200) << dash->body;
  Json b = Body(dash);
  ASSERT_FALSE(b["cycles"].empty());
  int64_t verified = 0;
  for (const Json& c : b["cycles"]) verified += c["verified"].get<int64_t>();
  EXPECT_GT(verified, 40);
  EXPECT_TRUE(b["cycles"][0]["by_situation"].is_object());
  EXPECT_TRUE(b["cycles"][0]["by_violation"].is_object());
  EXPECT_EQ(b["annex_cycle"], 2025);
  EXPECT_TRUE(b["annex"]["listed"].is_array());
  for (const Json& l : b["locations"]) {
    EXPECT_GE(l["count"].get<int>(), 3) << "a small cell reached a viewer";
  }
  // A confidential reader of everything sees the small cells too.
  Login adi = world_->LogIn("adi");
  auto full = world_->Get(adi, "/api/v1/dashboard");
  EXPECT_GT(Body(full)["locations"].size(), b["locations"].size());
}

// A cached view may lag other processes' changes by the staleness bound,
// never the server's own writes: with a bound of ten minutes, a verification
// made through the API shows on the next dashboard.
class CachedViewsTest : public NewRoutesTest {
 protected:
  void SetUp() override {
    std::string error;
    world_ = World::Create(&error, 64 * 1024, 1 << 20, std::chrono::minutes(10));
    ASSERT_EQ(error, "");
  }
};

TEST_F(CachedViewsTest, SeeTheServersOwnWritesAtOnce) {
  Login adi = world_->LogIn("adi");
  Login mo = world_->LogIn("mo");
  Login rita = world_->LogIn("rita");
  auto verified_in = [&](int cycle) {
    auto dash = world_->Get(adi, "/api/v1/dashboard");
    EXPECT_TRUE(dash && dash->status == 200);
    if (!dash || dash->status != 200) return int64_t{-1};
    const Json body = Json::parse(dash->body);
    for (const Json& c : body["cycles"]) {
      if (c["cycle"] == cycle) return c["verified"].get<int64_t>();
    }
    return int64_t{0};
  };
  const int64_t before = verified_in(2025);
  ASSERT_GE(before, 0);
  EXPECT_EQ(verified_in(2025), before);  // answered from the cache

  auto created = world_->Send(mo, "POST", "/api/v1/incidents", NewIncident("I-CACHE-1").dump());
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "");
  auto verified = world_->Send(rita, "POST", "/api/v1/incidents/I-CACHE-1/verification", "{}",
                               {{"If-Match", world_->EtagOf(rita, "/api/v1/incidents/I-CACHE-1")}});
  ASSERT_TRUE(verified && verified->status == 200) << (verified ? verified->body : "");
  EXPECT_EQ(verified_in(2025), before + 1);
}

// A cache hit is written from the cache's shared buffer when the client
// takes no compression, and compressed from a copy when it does: the same
// bytes either way, with a length that matches.
TEST_F(CachedViewsTest, HitsAreTheSameBytesCompressedOrNot) {
  Login ana = world_->LogIn("ana");
  httplib::Client& c = world_->client();
  const httplib::Headers plain = {{"Cookie", ana.cookie}, {"Accept-Encoding", "identity"}};
  auto first = c.Get("/api/v1/annex/2025", plain);  // computes and fills the cache
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  ASSERT_GT(first->body.size(), 100u);
  for (int i = 0; i < 3; ++i) {
    auto hit = c.Get("/api/v1/annex/2025", plain);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->status, 200);
    EXPECT_EQ(hit->body, first->body);
    EXPECT_EQ(hit->get_header_value("Content-Length"), std::to_string(first->body.size()));
    EXPECT_FALSE(hit->has_header("Content-Encoding"));
    EXPECT_EQ(hit->get_header_value("ETag"), first->get_header_value("ETag"));
  }
  // Compressed by the server, decompressed by the client.
  auto compressed =
      c.Get("/api/v1/annex/2025", {{"Cookie", ana.cookie}, {"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(compressed);
  EXPECT_EQ(compressed->status, 200);
  EXPECT_FALSE(compressed->get_header_value("Content-Encoding").empty());
  EXPECT_EQ(compressed->body, first->body);
  auto head = c.Head("/api/v1/annex/2025", plain);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  auto unchanged =
      c.Get("/api/v1/annex/2025", {{"Cookie", ana.cookie},
                                   {"Accept-Encoding", "identity"},
                                   {"If-None-Match", first->get_header_value("ETag")}});
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, 304);
  EXPECT_TRUE(unchanged->body.empty());
}

TEST_F(NewRoutesTest, ServesTheBrowserApplicationSafely) {
  httplib::Client& c = world_->client();
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("INDEX-PAGE"), std::string::npos);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->get_header_value("Content-Security-Policy"), std::string(kUiCsp));
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");

  auto asset = c.Get("/assets/app-3f2a1b.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->body, "console.log('APP-ASSET');");
  EXPECT_EQ(asset->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(asset->get_header_value("Cache-Control").find("immutable"), std::string::npos);
  EXPECT_EQ(asset->get_header_value("Content-Security-Policy"), std::string(kUiCsp));
  auto css = c.Get("/assets/style-77aa.css");
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");

  // Client-side routes get index.html; a missing asset does not.
  auto route = c.Get("/incidents/I-2022-001");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_NE(route->body.find("INDEX-PAGE"), std::string::npos);
  auto missing = c.Get("/assets/nope.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  // Nothing outside the directory, however the path is spelled.
  for (const char* attack :
       {"/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt",
        "/assets/%2e%2e/%2e%2e/outside.txt", "/..%2foutside.txt", "/assets%2f..%2f..%2foutside.txt",
        "/%2E%2E%5Coutside.txt", "/escape.txt", "//etc/passwd", "/%2fetc%2fpasswd",
        "/assets/..%5c..%5coutside.txt", "/./index.html", "/%00", "/%zz"}) {
    auto res = c.Get(attack);
    ASSERT_TRUE(res) << attack;
    EXPECT_EQ(res->body.find("OUTSIDE-SECRET"), std::string::npos) << attack;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << attack;
    EXPECT_TRUE(res->status == 400 || res->status == 404) << attack << " -> " << res->status;
  }
  // The API is untouched by the UI: unknown API paths stay problems.
  auto api = c.Get("/api/v1/nothing");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(api->get_header_value("Content-Type"), "application/problem+json");
}

// A browser application as the build compiles it into mara.
const EmbeddedFile kEmbeddedUi[] = {
    {"/assets/app-9c1d.js", "console.log('EMBEDDED-ASSET');"},
    {"/assets/font-1a2b.woff2", std::string_view("wOF2\0\x01\xff", 7)},
    {"/favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"},
    {"/index.html", "<!doctype html><title>Mara</title>EMBEDDED-INDEX"},
};

TEST_F(NewRoutesTest, ServesTheEmbeddedApplicationWithoutAUiDirectory) {
  ServerOptions options;
  options.db = world_->dir() + "/mara.db";
  options.port = 0;
  options.threads = 2;
  options.embedded_ui = kEmbeddedUi;
  Server server(options);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client c("127.0.0.1", server.port());
  for (const char* path : {"/", "/index.html", "/incidents/I-2022-001"}) {
    auto index = c.Get(path);
    ASSERT_TRUE(index) << path;
    EXPECT_EQ(index->status, 200) << path;
    EXPECT_NE(index->body.find("EMBEDDED-INDEX"), std::string::npos) << path;
    EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");
    EXPECT_EQ(index->get_header_value("Content-Security-Policy"), std::string(kUiCsp));
  }
  auto asset = c.Get("/assets/app-9c1d.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->body, "console.log('EMBEDDED-ASSET');");
  EXPECT_EQ(asset->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  const std::string etag = asset->get_header_value("ETag");
  EXPECT_FALSE(etag.empty());
  auto again = c.Get("/assets/app-9c1d.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  auto font = c.Get("/assets/font-1a2b.woff2");
  ASSERT_TRUE(font);
  EXPECT_EQ(font->body, std::string("wOF2\0\x01\xff", 7));
  EXPECT_EQ(font->get_header_value("Content-Type"), "font/woff2");
  auto missing = c.Get("/assets/nope.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/problem+json");
  for (const char* attack : {"/../index.html", "/assets/%2e%2e/index.html", "/..%2fetc%2fpasswd",
                             "/assets/..%5cfavicon.svg", "/./index.html", "/%00", "/%zz"}) {
    auto res = c.Get(attack);
    ASSERT_TRUE(res) << attack;
    EXPECT_EQ(res->status, 400) << attack;
  }
  server.Stop();

  // A UI directory (--ui, MARA_UI_DIR, the installed one) wins over it.
  options.ui_dir = world_->ui_dir();
  Server with_dir(options);
  ASSERT_TRUE(with_dir.Start().ok());
  httplib::Client d("127.0.0.1", with_dir.port());
  auto index = d.Get("/");
  ASSERT_TRUE(index);
  EXPECT_NE(index->body.find("INDEX-PAGE"), std::string::npos);
  auto absent = d.Get("/assets/app-9c1d.js");
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->status, 404);
  with_dir.Stop();
}

TEST(StaticFilesTest, AnEmbeddedTableWithoutIndexIsNoApplication) {
  StaticFiles embedded(kEmbeddedUi);
  EXPECT_TRUE(embedded.embedded());
  EXPECT_EQ(embedded.Serve("/favicon.svg").content_type, "image/svg+xml");
  EXPECT_EQ(embedded.Serve("/assets/").status, 404);
  const EmbeddedFile no_index[] = {{"/assets/a.js", "x"}};
  StaticFiles none(no_index);
  EXPECT_FALSE(none.embedded());
  EXPECT_EQ(none.Serve("/").status, 404);
}

TEST(StaticFilesTest, WithoutAUiDirectoryTheRootSaysSo) {
  StaticFiles none("");
  Response r = none.Serve("/");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("MARA_UI_DIR"), std::string::npos);
  EXPECT_EQ(ContentTypeForPath("/a/b.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeForPath("/favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeForPath("/x.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeForPath("/x.png"), "image/png");
  EXPECT_EQ(ContentTypeForPath("/x.json"), "application/json");
  EXPECT_EQ(ContentTypeForPath("/x.bin"), "application/octet-stream");
  // An explicit directory without index.html is not a UI directory.
  EXPECT_EQ(FindUiDir("/nonexistent-mara-ui"), "");
}

// The annex as the public edition of the report has it: what the annex
// route answered when it was built from the report.
Json AnnexFromReport(const std::string& db, int cycle) {
  SessionOptions o;
  o.db = db;
  auto session = Session::Open(o);
  if (!session.ok()) return session.status().ToString();
  auto r = report::BuildReport(**session, DefaultPolicy().value(), cycle, report::Edition::kPublic);
  if (!r.ok()) return r.status().ToString();
  std::map<std::string, Json> violations;
  for (const report::CaseSummary& c : r->case_summaries) {
    Json forms = Json::array();
    for (size_t i = 0; i < c.by_violation.size(); ++i) {
      if (c.by_violation[i] > 0) forms.push_back(std::string(ToString(static_cast<Violation>(i))));
    }
    violations[c.party.id] = std::move(forms);
  }
  auto line = [&](const report::PartyLine& p) {
    auto it = violations.find(p.id);
    return Json{{"id", p.id},
                {"name", p.name},
                {"kind", std::string(ToString(p.kind))},
                {"status", std::string(ToString(p.status))},
                {"violations", it == violations.end() ? Json::array() : it->second}};
  };
  Json listed = Json::array();
  for (const report::AnnexGroup& g : r->annex) {
    Json parties = Json::array();
    for (const auto& p : g.state_parties) parties.push_back(line(p));
    for (const auto& p : g.non_state_parties) parties.push_back(line(p));
    listed.push_back({{"situation", g.situation},
                      {"situation_name", g.situation_name},
                      {"parties", std::move(parties)}});
  }
  Json on_notice = Json::array();
  for (const report::NoticeEntry& n : r->notice) {
    if (on_notice.empty() || on_notice.back()["situation"] != n.party.situation) {
      on_notice.push_back({{"situation", n.party.situation}, {"parties", Json::array()}});
    }
    on_notice.back()["parties"].push_back(line(n.party));
  }
  Json changes = Json::array();
  for (const report::SituationSection& s : r->situations) {
    for (const report::PartyLine& p : s.changes) {
      changes.push_back({{"party", p.id},
                         {"name", p.name},
                         {"situation", s.id},
                         {"from", std::string(ToString(p.previous_status))},
                         {"to", std::string(ToString(p.status))}});
    }
  }
  return Json{{"cycle", cycle},
              {"policy", {{"name", r->policy_name}, {"version", r->policy_version}}},
              {"listed", std::move(listed)},
              {"on_notice", std::move(on_notice)},
              {"changes", std::move(changes)},
              // Nothing of this world is published.
              {"published", nullptr}};
}

// The annex follows the server's own writes through its kept assessment and
// stays what the public report says, write after write.
TEST_F(NewRoutesTest, AnnexAfterEachWriteIsThePublicReports) {
  Login vera = world_->LogIn("vera");
  Login mona = world_->LogIn("mona");
  Login rita = world_->LogIn("rita");
  const std::string db = world_->dir() + "/mara.db";
  auto expect_annex = [&](const std::string& when) {
    auto annex = world_->Get(vera, "/api/v1/annex/2025");
    ASSERT_TRUE(annex && annex->status == 200) << when;
    EXPECT_EQ(Body(annex), AnnexFromReport(db, 2025)) << when;
  };
  expect_annex("at first");
  const std::pair<const char*, const char*> changes[] = {
      {"I-2025-001", "internal_use"}, {"I-2025-002", "withdrawn"},
      {"I-2025-003", "internal_use"}, {"I-2025-006", "withdrawn"},
      {"I-2025-007", "withdrawn"},    {"I-2025-001", "aggregate_reporting"}};
  for (const auto& [id, consent] : changes) {
    const std::string path = std::string("/api/v1/incidents/") + id;
    const std::string etag = world_->EtagOf(mona, path);
    auto ok = world_->Send(mona, "PUT", path + "/consent", Json{{"consent", consent}}.dump(),
                           {{"If-Match", etag}});
    ASSERT_TRUE(ok && ok->status == 200) << id << " " << consent;
    expect_annex(std::string(id) + " " + consent);
  }
  const std::string path = "/api/v1/incidents/I-2025-005";
  auto verified =
      world_->Send(rita, "POST", path + "/verification", R"({"verified_on":"2026-01-15"})",
                   {{"If-Match", world_->EtagOf(rita, path)}});
  ASSERT_TRUE(verified && verified->status == 200) << (verified ? verified->body : "");
  expect_annex("after a verification");
}

}  // namespace
}  // namespace mara::api

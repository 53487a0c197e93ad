#include "ingest/acled.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/text.h"
#include "ingest/party_matcher.h"

namespace mara {
namespace {

bool ParseInt(std::string_view s, int* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

Result<std::optional<double>> Coordinate(const CsvTable& t, std::string_view column) {
  const std::string_view text = TrimBlanks(t.Get(column));
  if (text.empty()) return std::optional<double>();
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return t.FieldError(column, "expected a number, got " + QuoteForMessage(text));
  }
  return std::optional<double>(v);
}

class AcledImport {
 public:
  AcledImport(Store& store, const DatasetImportOptions& options, const DatasetSink& sink,
              DatasetImportResult* result)
      : store_(store), options_(options), sink_(sink), result_(*result) {}

  Status Run(const std::string& path) {
    MARA_ASSIGN_OR_RETURN(agenda_, AgendaRule::Parse(options_.agenda));
    MARA_ASSIGN_OR_RETURN(
        std::unique_ptr<CsvTable> table,
        CsvTable::Open(path,
                       {"event_id_cnty", "event_date", "time_precision", "sub_event_type", "actor1",
                        "inter1", "country"},
                       {"assoc_actor_1", "actor2", "assoc_actor_2", "inter2", "admin1", "location",
                        "latitude", "longitude", "source", "notes"},
                       options_.max_record_bytes));
    table_ = table.get();
    MARA_ASSIGN_OR_RETURN(writer_, RegistryWriter::Load(store_, &result_));
    MARA_ASSIGN_OR_RETURN(matcher_,
                          PartyMatcher::Load(*writer_, "acled", "ACLED", options_.resolver));
    Source dataset;
    dataset.id = "ACLED";
    dataset.kind = SourceKind::kAcademicDataset;
    dataset.title = "Armed Conflict Location & Event Data (ACLED) export";
    dataset.publisher = "ACLED";
    dataset.url = "https://acleddata.com/";
    MARA_RETURN_IF_ERROR(writer_->Put(dataset));
    MARA_RETURN_IF_ERROR(ForEachRow(*table, options_, sink_, &result_, [this] { return Row(); }));
    result_.notes.push_back("acled: " + std::to_string(events_) + " sexual-violence events, " +
                            std::to_string(skipped_) + " other events skipped");
    result_.notes.push_back(matcher_->Note());
    return Status::Ok();
  }

 private:
  Status Row() {
    const CsvTable& t = *table_;
    if (TrimBlanks(t.Get("sub_event_type")) != "Sexual violence") {
      ++skipped_;
      return Status::Ok();
    }
    Incident v;
    v.id = "ACLED-" + std::string(TrimBlanks(t.Get("event_id_cnty")));
    if (!IsValidId(v.id)) {
      return t.FieldError("event_id_cnty",
                          "not a usable event id: " + QuoteForMessage(t.Get("event_id_cnty")));
    }
    std::optional<Date> date = ParseAcledDate(TrimBlanks(t.Get("event_date")));
    if (!date) {
      return t.FieldError("event_date", "expected a date such as 2023-05-14 or 14 May 2023, got " +
                                            QuoteForMessage(t.Get("event_date")));
    }
    v.date = *date;
    int precision = 0;
    if (!ParseInt(TrimBlanks(t.Get("time_precision")), &precision) || precision < 1 ||
        precision > 3) {
      return t.FieldError("time_precision",
                          "expected 1, 2 or 3, got " + QuoteForMessage(t.Get("time_precision")));
    }
    v.date_precision = precision == 1   ? DatePrecision::kDay
                       : precision == 2 ? DatePrecision::kWeek
                                        : DatePrecision::kMonth;
    const std::string_view country = TrimBlanks(t.Get("country"));
    if (country.empty()) return t.FieldError("country", "empty country");
    v.situation = SituationIdFor(country);
    v.location.name = std::string(TrimBlanks(t.Get("location")));
    if (v.location.name.empty()) v.location.name = std::string(TrimBlanks(t.Get("admin1")));
    if (v.location.name.empty()) return t.FieldError("location", "empty location and admin1");
    if (const std::string_view admin1 = TrimBlanks(t.Get("admin1")); !admin1.empty()) {
      v.location.admin1 = std::string(admin1);
    }
    MARA_ASSIGN_OR_RETURN(v.location.lat, Coordinate(t, "latitude"));
    MARA_ASSIGN_OR_RETURN(v.location.lon, Coordinate(t, "longitude"));
    if (v.location.lat && (*v.location.lat < -90 || *v.location.lat > 90)) {
      return t.FieldError("latitude", "outside -90..90");
    }
    if (v.location.lon && (*v.location.lon < -180 || *v.location.lon > 180)) {
      return t.FieldError("longitude", "outside -180..180");
    }
    const std::string_view notes = TrimBlanks(t.Get("notes"));
    v.violations = ViolationsFromNotes(notes);
    if (!notes.empty()) v.narrative = std::string(notes);
    v.nexus = {Nexus::kPerpetratorAffiliation};
    v.status = IncidentStatus::kReported;

    std::vector<std::string> actors;
    const std::string_view actor1 = TrimBlanks(t.Get("actor1"));
    if (actor1.empty()) return t.FieldError("actor1", "empty actor");
    actors.emplace_back(actor1);
    std::string_view rest = t.Get("assoc_actor_1");
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view a = TrimBlanks(rest.substr(0, semi));
      if (!a.empty()) actors.emplace_back(a);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    }
    std::string inter1(TrimBlanks(t.Get("inter1")));
    const PartyKind kind = inter1 == "1" ? PartyKind::kState : PartyKind::kNonState;

    // Everything below writes, so the row is known to be well formed first.
    if (!writer_->SituationExists(v.situation)) {
      MARA_RETURN_IF_ERROR(
          writer_->Put(Situation{v.situation, std::string(country), agenda_.OnAgenda(country)}));
    }
    for (size_t i = 0; i < actors.size(); ++i) {
      Result<std::string> party =
          matcher_->Match(actors[i], v.situation, i == 0 ? kind : PartyKind::kNonState);
      if (!party.ok()) {
        return t.FieldError(i == 0 ? "actor1" : "assoc_actor_1", party.status().message());
      }
      if (std::none_of(v.perpetrators.begin(), v.perpetrators.end(),
                       [&](const Attribution& a) { return a.party == *party; })) {
        v.perpetrators.push_back({*party, Standard::kCredibleInformation});
      }
    }
    v.sources = {"ACLED"};
    if (const std::string_view source = TrimBlanks(t.Get("source")); !source.empty()) {
      Source s;
      s.id = SlugId("ACLED-SRC", source);
      s.kind = SourceKind::kMedia;
      s.title = "Reporting cited by ACLED: " + std::string(source);
      s.publisher = std::string(source);
      if (written_sources_.insert(s.id).second) MARA_RETURN_IF_ERROR(writer_->Put(s));
      v.sources.push_back(s.id);
    }
    Status put = writer_->PutIncident(v, options_.import_id);
    if (!put.ok() && put.code() == StatusCode::kInvalidArgument) {
      return t.FieldError("event_id_cnty", put.message());
    }
    MARA_RETURN_IF_ERROR(put);
    ++events_;
    return Status::Ok();
  }

  Store& store_;
  const DatasetImportOptions& options_;
  const DatasetSink& sink_;
  DatasetImportResult& result_;
  AgendaRule agenda_;
  const CsvTable* table_ = nullptr;
  std::unique_ptr<RegistryWriter> writer_;
  std::unique_ptr<PartyMatcher> matcher_;
  std::set<std::string> written_sources_;
  int64_t events_ = 0;
  int64_t skipped_ = 0;
};

}  // namespace

Status ImportAcled(Store& store, const std::string& path, const DatasetImportOptions& options,
                   const DatasetSink& sink, DatasetImportResult* result) {
  AcledImport job(store, options, sink, result);
  return job.Run(path);
}

std::optional<Date> ParseAcledDate(std::string_view text) {
  if (Result<Date> iso = Date::Parse(text); iso.ok()) return *iso;
  // "14 May 2023" / "14 may 2023" / "14 Sep 2023".
  const size_t a = text.find(' ');
  const size_t b = a == std::string_view::npos ? a : text.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  int day = 0, year = 0;
  if (!ParseInt(text.substr(0, a), &day) || !ParseInt(text.substr(b + 1), &year)) {
    return std::nullopt;
  }
  std::string month = Fold(text.substr(a + 1, b - a - 1));
  static constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
  for (int m = 0; m < 12; ++m) {
    if (month == kMonths[m] || (month.size() == 3 && kMonths[m].substr(0, 3) == month)) {
      if (!Date::IsValidYmd(year, m + 1, day)) return std::nullopt;
      return Date::FromYmd(year, m + 1, day);
    }
  }
  return std::nullopt;
}

std::vector<Violation> ViolationsFromNotes(std::string_view notes) {
  const std::string text = Fold(notes);
  static const std::pair<std::string_view, Violation> kWords[] = {
      {"rape", Violation::kRape},
      {"sexual slavery", Violation::kSexualSlavery},
      {"sex slave", Violation::kSexualSlavery},
      {"forced prostitution", Violation::kForcedProstitution},
      {"forced marriage", Violation::kForcedMarriage},
      {"forcibly married", Violation::kForcedMarriage},
      {"sexual torture", Violation::kSexualTorture},
      {"mutilat", Violation::kSexualMutilation},
      {"stripped naked", Violation::kForcedNudity},
      {"forced nudity", Violation::kForcedNudity},
  };
  std::set<Violation> found;
  for (const auto& [word, violation] : kWords) {
    if (text.find(word) != std::string::npos) found.insert(violation);
  }
  if (found.empty()) return {Violation::kOtherComparableGravity};
  return std::vector<Violation>(found.begin(), found.end());
}

}  // namespace mara

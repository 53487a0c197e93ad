#include "ingest/acled.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "common/text.h"
#include "ingest/party_matcher.h"
#include "ingest/violation_keywords.h"

namespace mara {
namespace {

bool ParseInt(std::string_view s, int* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

Result<std::optional<double>> Coordinate(const CsvTable& t, std::string_view column) {
  const std::string_view text = t.Get(column);
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
    MARA_ASSIGN_OR_RETURN(keywords_, ViolationKeywords::Builtin());
    MARA_ASSIGN_OR_RETURN(
        std::unique_ptr<CsvTable> table,
        CsvTable::Open(path,
                       {"event_id_cnty", "event_date", "time_precision", "sub_event_type", "actor1",
                        "inter1", "country"},
                       {"assoc_actor_1", "actor2", "assoc_actor_2", "inter2", "admin1", "location",
                        "latitude", "longitude", "source", "notes", "iso"},
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
    if (!SameVocabulary(t.Get("sub_event_type"), "Sexual violence")) {
      ++skipped_;
      return Status::Ok();
    }
    Incident v;
    MARA_ASSIGN_OR_RETURN(const std::string_view event_id, t.Required("event_id_cnty"));
    v.id = "ACLED-" + std::string(event_id);
    if (!IsValidId(v.id)) {
      return t.FieldError("event_id_cnty", "not a usable event id: " + QuoteForMessage(event_id));
    }
    MARA_ASSIGN_OR_RETURN(const std::string_view event_date, t.Required("event_date"));
    std::optional<Date> date = ParseAcledDate(event_date);
    if (!date) {
      return t.FieldError("event_date", "expected a date such as 2023-05-14 or 14 May 2023, got " +
                                            QuoteForMessage(event_date));
    }
    v.date = *date;
    MARA_ASSIGN_OR_RETURN(const std::string_view precision_text, t.Required("time_precision"));
    int precision = 0;
    if (!ParseInt(precision_text, &precision) || precision < 1 || precision > 3) {
      return t.FieldError("time_precision",
                          "expected 1, 2 or 3, got " + QuoteForMessage(precision_text));
    }
    v.date_precision = precision == 1   ? DatePrecision::kDay
                       : precision == 2 ? DatePrecision::kWeek
                                        : DatePrecision::kMonth;
    MARA_ASSIGN_OR_RETURN(const std::string_view country, t.Required("country"));
    // The country of the ISO numeric code, else of the name; a name the
    // table does not know keeps a situation of its own (SituationOfPlace).
    MARA_ASSIGN_OR_RETURN(const std::optional<int64_t> iso, t.OptionalInt("iso"));
    const Country* known = nullptr;
    if (iso && *iso > 0 && *iso < 1000) known = FindCountryByNumeric(static_cast<int>(*iso));
    if (known == nullptr) known = FindCountryByName(country);
    Situation situation = SituationOfPlace(country, known);
    v.situation = situation.id;
    v.location.name = std::string(t.Get("location"));
    if (v.location.name.empty()) v.location.name = std::string(t.Get("admin1"));
    if (v.location.name.empty()) {
      return t.FieldError(t.Has("location") ? "location" : "admin1",
                          "missing value in both location and admin1");
    }
    if (const std::string_view admin1 = t.Get("admin1"); !admin1.empty()) {
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
    const std::string_view notes = t.Get("notes");
    v.violations = keywords_->Find(notes);
    if (!notes.empty()) v.narrative = std::string(notes);
    v.nexus = {Nexus::kPerpetratorAffiliation};
    v.status = IncidentStatus::kReported;

    MARA_ASSIGN_OR_RETURN(const std::string_view inter1_text, t.Required("inter1"));
    const std::optional<int> inter1 = ParseAcledInterCode(inter1_text);
    if (!inter1) {
      return t.FieldError("inter1",
                          "expected an ACLED inter code, 0..8 or its name such as "
                          "'State forces', got " +
                              QuoteForMessage(inter1_text));
    }
    // Who is named, and whether each is a state party: actor1 by its inter
    // code (1 state forces, 8 external/other forces), associated actors by
    // the codebook's state-forces names ("Police Forces of X (2019-)").
    struct NamedActor {
      std::string name;
      PartyKind kind;
      std::vector<std::string> fallbacks;
    };
    std::vector<NamedActor> actors;
    MARA_ASSIGN_OR_RETURN(const std::string_view actor1, t.Required("actor1"));
    actors.push_back({std::string(actor1),
                      *inter1 == 1 || *inter1 == 8 ? PartyKind::kState : PartyKind::kNonState,
                      {}});
    std::string_view rest = t.Get("assoc_actor_1");
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view a = CellValue(rest.substr(0, semi));
      if (!a.empty()) {
        actors.push_back({std::string(a),
                          AcledStateForcesCountry(a) ? PartyKind::kState : PartyKind::kNonState,
                          {}});
      }
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    }
    for (NamedActor& a : actors) {
      if (a.kind != PartyKind::kState) continue;
      if (std::optional<std::string> state = AcledStateForcesCountry(a.name)) {
        a.fallbacks.push_back("Government of " + *state);
      }
    }

    // Everything below writes, so the row is known to be well formed first.
    if (!writer_->SituationExists(v.situation)) {
      situation.on_council_agenda = agenda_.OnAgenda(situation);
      MARA_RETURN_IF_ERROR(writer_->Put(situation));
    }
    for (size_t i = 0; i < actors.size(); ++i) {
      Result<std::string> party =
          matcher_->Match(actors[i].name, v.situation, actors[i].kind, actors[i].fallbacks);
      if (!party.ok()) {
        return t.FieldError(i == 0 ? "actor1" : "assoc_actor_1", party.status().message());
      }
      if (std::none_of(v.perpetrators.begin(), v.perpetrators.end(),
                       [&](const Attribution& a) { return a.party == *party; })) {
        v.perpetrators.push_back({*party, Standard::kCredibleInformation});
      }
    }
    v.sources = {"ACLED"};
    if (const std::string_view source = t.Get("source"); !source.empty()) {
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
  const ViolationKeywords* keywords_ = nullptr;
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

std::optional<int> ParseAcledInterCode(std::string_view cell) {
  const std::string_view text = CellValue(cell);
  int code = 0;
  if (ParseInt(text, &code)) {
    if (code < 0 || code > 8) return std::nullopt;
    return code;
  }
  static constexpr std::pair<std::string_view, int> kNames[] = {
      {"State forces", 1},
      {"Rebel group", 2},
      {"Rebel groups", 2},
      {"Political militia", 3},
      {"Political militias", 3},
      {"Identity militia", 4},
      {"Identity militias", 4},
      {"Rioters", 5},
      {"Protesters", 6},
      {"Civilians", 7},
      {"External/Other forces", 8},
      {"External/Other force", 8},
  };
  for (const auto& entry : kNames) {
    if (SameVocabulary(text, entry.first)) return entry.second;
  }
  return std::nullopt;
}

std::optional<std::string> AcledStateForcesCountry(std::string_view actor) {
  const std::string text(TrimBlanks(actor));
  static constexpr std::string_view kPrefixes[] = {"military forces of ", "police forces of ",
                                                   "government of "};
  std::string lower = text;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view prefix : kPrefixes) {
    if (!lower.starts_with(prefix)) continue;
    std::string_view rest = std::string_view(text).substr(prefix.size());
    // The period of government: " (2000-)", " (1989-2019)".
    for (size_t open = rest.find('('); open != std::string_view::npos;
         open = rest.find('(', open + 1)) {
      if (open + 1 < rest.size() && rest[open + 1] >= '0' && rest[open + 1] <= '9') {
        rest = rest.substr(0, open);
        break;
      }
    }
    rest = TrimBlanks(rest);
    if (rest.empty()) return std::nullopt;
    return std::string(rest);
  }
  return std::nullopt;
}

}  // namespace mara

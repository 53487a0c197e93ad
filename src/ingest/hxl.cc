#include "ingest/hxl.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include "common/text.h"
#include "domain/enums.h"
#include "ingest/party_matcher.h"
#include "ingest/violation_keywords.h"

namespace mara {
namespace {

constexpr std::string_view kFields[] = {
    "id",     "date",         "location",        "admin1",      "lat",
    "lon",    "perpetrators", "victims",         "situation",   "violations",
    "status", "standard",     "incident_filter", "country_code"};

constexpr std::string_view kNoFilterMessage =
    "the mapping does not say which rows are sexual-violence incidents: give a mapping file "
    "(--mapping FILE) with a line such as 'incident_filter = #event+type sexual violence' (the "
    "rows whose #event+type cell is 'sexual violence') or 'incident_filter = all' (every row "
    "of the file is one)";

std::string_view TrimCell(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "#group+name+first" -> {"#group", {"name", "first"}}.
std::pair<std::string, std::set<std::string>> SplitTag(std::string_view tag) {
  std::string text = Lower(TrimCell(tag));
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  std::set<std::string> attributes;
  const size_t plus = text.find('+');
  std::string head = text.substr(0, plus);
  size_t at = plus;
  while (at != std::string::npos) {
    const size_t next = text.find('+', at + 1);
    attributes.insert(text.substr(at + 1, next == std::string::npos ? next : next - at - 1));
    at = next;
  }
  return {head, attributes};
}

bool IsTagRow(const std::vector<std::string_view>& cells) {
  bool any = false;
  for (std::string_view c : cells) {
    c = TrimCell(c);
    if (c.empty()) continue;
    if (c.front() != '#') return false;
    any = true;
  }
  return any;
}

Status CheckConstant(const std::string& field, const std::string& value) {
  if (field == "violations") {
    if (!ParseVocabulary<Violation>(value))
      return Status::InvalidArgument("unknown violation " + QuoteForMessage(value));
  } else if (field == "status") {
    if (!ParseVocabulary<IncidentStatus>(value))
      return Status::InvalidArgument("unknown status " + QuoteForMessage(value));
  } else if (field == "standard") {
    if (!ParseVocabulary<Standard>(value))
      return Status::InvalidArgument("unknown standard " + QuoteForMessage(value));
  }
  return Status::Ok();
}

// The violations of a mapped cell: violation names separated by ';', or
// else free text read with the keyword table.
std::vector<Violation> CellViolations(std::string_view cell, const ViolationKeywords& keywords) {
  std::set<Violation> named;
  std::string_view rest = cell;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    const std::string_view item = CellValue(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    if (item.empty()) continue;
    const std::optional<Violation> v = ParseVocabulary<Violation>(item);
    if (!v) return keywords.Find(cell);
    named.insert(*v);
  }
  if (named.empty()) return keywords.Find(cell);
  return std::vector<Violation>(named.begin(), named.end());
}

class HxlImport {
 public:
  HxlImport(Store& store, const DatasetImportOptions& options, const DatasetSink& sink,
            DatasetImportResult* result)
      : store_(store), options_(options), sink_(sink), result_(*result) {}

  Status Run(const std::string& path) {
    MARA_ASSIGN_OR_RETURN(AgendaRule agenda, AgendaRule::Parse(options_.agenda));
    agenda_ = std::move(agenda);
    if (options_.mapping.empty()) {
      mapping_ = DefaultHxlMapping();
    } else {
      MARA_ASSIGN_OR_RETURN(mapping_, LoadHxlMapping(options_.mapping));
    }
    auto filter = mapping_.find("incident_filter");
    if (filter == mapping_.end() || filter->second.empty()) {
      return Status::InvalidArgument(std::string(kNoFilterMessage));
    }
    filter_all_ = filter->second.size() == 1;
    if (!filter_all_) {
      std::string_view rest = filter->second[1];
      while (!rest.empty()) {
        const size_t semi = rest.find(';');
        const std::string_view item = TrimCell(rest.substr(0, semi));
        if (!item.empty()) filter_values_.push_back(Fold(item));
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      }
    }
    MARA_ASSIGN_OR_RETURN(keywords_, ViolationKeywords::Builtin());
    MARA_ASSIGN_OR_RETURN(std::unique_ptr<CsvTable> table,
                          CsvTable::Open(path, {}, {}, options_.max_record_bytes));
    table_ = table.get();
    std::vector<std::string> tags;
    if (IsTagRow(std::vector<std::string_view>(table->header().begin(), table->header().end()))) {
      tags = table->header();
    } else {
      MARA_ASSIGN_OR_RETURN(bool got, table->Next());
      if (!got || !IsTagRow(table->fields())) {
        return Status::InvalidArgument(
            "line 2: no HXL hashtag row (expected cells such as #date, #loc+name in the first "
            "or second row)");
      }
      tags.assign(table->fields().begin(), table->fields().end());
    }
    tags_ = tags;
    for (const auto& [field, values] : mapping_) {
      if (field == "incident_filter") continue;
      if (!values.empty() && values.front().starts_with("#")) {
        columns_[field] = FindColumn(values);
      }
    }
    if (columns_["date"] < 0) {
      return Status::InvalidArgument("no column matches the date patterns of the mapping");
    }
    if (!filter_all_) {
      filter_column_ = FindColumn({filter->second[0]});
      if (filter_column_ < 0) {
        return Status::InvalidArgument("no column matches the incident_filter pattern " +
                                       QuoteForMessage(filter->second[0]) +
                                       " of the mapping, so no row can be told to be an incident");
      }
    }
    MARA_ASSIGN_OR_RETURN(writer_, RegistryWriter::Load(store_, &result_));
    MARA_ASSIGN_OR_RETURN(matcher_, PartyMatcher::Load(*writer_, "hxl", "HXL", options_.resolver));
    Source source;
    const std::string file_name = std::filesystem::path(path).filename().string();
    source.id = SlugId("HXL-SRC", file_name);
    source.kind = SourceKind::kAcademicDataset;
    source.title = "HXL data set " + file_name;
    source.publisher = "HXL import";
    MARA_RETURN_IF_ERROR(writer_->Put(source));
    source_id_ = source.id;
    MARA_RETURN_IF_ERROR(ForEachRow(*table, options_, sink_, &result_, [this] { return Row(); }));
    result_.notes.push_back("hxl: " + std::to_string(rows_) + " incidents, " +
                            std::to_string(skipped_) +
                            " other rows skipped by the incident filter");
    result_.notes.push_back(matcher_->Note());
    return Status::Ok();
  }

 private:
  int FindColumn(const std::vector<std::string>& patterns) const {
    for (const std::string& p : patterns) {
      for (size_t i = 0; i < tags_.size(); ++i) {
        if (HxlMatches(p, tags_[i])) return static_cast<int>(i);
      }
    }
    return -1;
  }

  // The mapped cell, or the constant, or "".
  std::string_view Value(const std::string& field) const {
    auto c = columns_.find(field);
    if (c != columns_.end()) {
      return c->second < 0 || static_cast<size_t>(c->second) >= table_->fields().size()
                 ? std::string_view()
                 : CellValue(table_->fields()[c->second]);
    }
    auto m = mapping_.find(field);
    return m == mapping_.end() || m->second.empty() ? std::string_view()
                                                    : std::string_view(m->second.front());
  }

  Status Error(const std::string& field, std::string_view message) const {
    auto c = columns_.find(field);
    if (c != columns_.end() && c->second >= 0) {
      return table_->FieldErrorAt(static_cast<size_t>(c->second), tags_[c->second], message);
    }
    return Status::InvalidArgument("line " + std::to_string(table_->line()) + ": " + field + ": " +
                                   std::string(message));
  }

  Result<std::optional<double>> Number(const std::string& field) const {
    const std::string_view text = Value(field);
    if (text.empty()) return std::optional<double>();
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Error(field, "expected a number, got " + QuoteForMessage(text));
    }
    return std::optional<double>(v);
  }

  bool IsIncident() const {
    if (filter_all_) return true;
    if (static_cast<size_t>(filter_column_) >= table_->fields().size()) return false;
    const std::string folded = Fold(CellValue(table_->fields()[filter_column_]));
    return std::find(filter_values_.begin(), filter_values_.end(), folded) != filter_values_.end();
  }

  Status Row() {
    if (!IsIncident()) {
      ++skipped_;
      return Status::Ok();
    }
    Incident v;
    const std::string_view date = Value("date");
    if (Result<Date> d = Date::Parse(date); d.ok()) {
      v.date = *d;
      v.date_precision = DatePrecision::kDay;
    } else {
      int year = 0;
      auto [end, ec] = std::from_chars(date.data(), date.data() + date.size(), year);
      if (date.size() != 4 || ec != std::errc() || end != date.data() + date.size() ||
          year < 1000) {
        return Error("date", "expected YYYY-MM-DD or YYYY, got " + QuoteForMessage(date));
      }
      v.date = Date::FromYmd(year, 1, 1);
      v.date_precision = DatePrecision::kYear;
    }
    // The country of the code cell (alpha-3, alpha-2 or ISO numeric), else
    // of the situation cell (a name or a code); a place the table does not
    // know keeps a situation of its own (SituationOfPlace).
    const std::string_view code = Value("country_code");
    std::string situation_name(Value("situation"));
    if (situation_name.empty()) situation_name = std::string(code);
    if (situation_name.empty()) return Error("situation", "empty country or situation");
    const Country* country = code.empty() ? nullptr : FindCountry(code);
    if (country == nullptr) country = FindCountry(situation_name);
    Situation situation = SituationOfPlace(situation_name, country);
    v.situation = situation.id;
    v.location.name = std::string(Value("location"));
    if (const std::string_view admin1 = Value("admin1"); !admin1.empty()) {
      v.location.admin1 = std::string(admin1);
      if (v.location.name.empty()) v.location.name = std::string(admin1);
    }
    if (v.location.name.empty()) v.location.name = situation_name;
    MARA_ASSIGN_OR_RETURN(v.location.lat, Number("lat"));
    MARA_ASSIGN_OR_RETURN(v.location.lon, Number("lon"));
    if (v.location.lat && (*v.location.lat < -90 || *v.location.lat > 90)) {
      return Error("lat", "outside -90..90");
    }
    if (v.location.lon && (*v.location.lon < -180 || *v.location.lon > 180)) {
      return Error("lon", "outside -180..180");
    }
    if (const std::string_view victims = Value("victims"); !victims.empty()) {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(victims.data(), victims.data() + victims.size(), n);
      if (ec != std::errc() || end != victims.data() + victims.size() || n < 0) {
        return Error("victims", "expected a non-negative count, got " + QuoteForMessage(victims));
      }
      v.victims.unknown = n;
    }
    const std::optional<IncidentStatus> status = ParseVocabulary<IncidentStatus>(Value("status"));
    const std::optional<Standard> standard = ParseVocabulary<Standard>(Value("standard"));
    if (!status) return Error("status", "unknown status " + QuoteForMessage(Value("status")));
    if (!standard)
      return Error("standard", "unknown standard " + QuoteForMessage(Value("standard")));
    if (columns_.count("violations")) {
      v.violations = CellViolations(Value("violations"), *keywords_);
    } else {
      const std::optional<Violation> violation = ParseVocabulary<Violation>(Value("violations"));
      if (!violation)
        return Error("violations", "unknown violation " + QuoteForMessage(Value("violations")));
      v.violations = {*violation};
    }
    v.status = *status;
    v.nexus = {Nexus::kPerpetratorAffiliation};
    v.sources = {source_id_};

    if (const std::string_view id = Value("id"); !id.empty()) {
      v.id = "HXL-" + std::string(id);
      if (!IsValidId(v.id)) return Error("id", "not a usable id: " + QuoteForMessage(id));
    } else {
      std::string joined;
      for (std::string_view f : table_->fields()) {
        joined.append(f);
        joined.push_back('\x1f');
      }
      const std::string digest = Blake2bHex(joined).substr(0, 20);
      const int seen = ++seen_rows_[digest];
      v.id = "HXL-" + digest + (seen > 1 ? "-" + std::to_string(seen) : "");
    }

    std::vector<std::string> names;
    std::string_view rest = Value("perpetrators");
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view a = TrimCell(rest.substr(0, semi));
      if (!a.empty()) names.emplace_back(a);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    }
    if (!writer_->SituationExists(v.situation)) {
      situation.on_council_agenda = agenda_.OnAgenda(situation);
      MARA_RETURN_IF_ERROR(writer_->Put(situation));
    }
    for (const std::string& name : names) {
      Result<std::string> party = matcher_->Match(name, v.situation, PartyKind::kNonState);
      if (!party.ok()) return Error("perpetrators", party.status().message());
      if (std::none_of(v.perpetrators.begin(), v.perpetrators.end(),
                       [&](const Attribution& a) { return a.party == *party; })) {
        v.perpetrators.push_back({*party, *standard});
      }
    }
    Status put = writer_->PutIncident(v, options_.import_id);
    if (!put.ok() && put.code() == StatusCode::kInvalidArgument) return Error("id", put.message());
    MARA_RETURN_IF_ERROR(put);
    ++rows_;
    return Status::Ok();
  }

  Store& store_;
  const DatasetImportOptions& options_;
  const DatasetSink& sink_;
  DatasetImportResult& result_;
  AgendaRule agenda_;
  HxlMapping mapping_;
  std::vector<std::string> tags_;
  std::map<std::string, int> columns_;  // hashtag fields -> column index, -1 when absent
  const CsvTable* table_ = nullptr;
  std::unique_ptr<RegistryWriter> writer_;
  std::unique_ptr<PartyMatcher> matcher_;
  std::string source_id_;
  std::unordered_map<std::string, int> seen_rows_;
  const ViolationKeywords* keywords_ = nullptr;
  bool filter_all_ = false;
  int filter_column_ = -1;
  std::vector<std::string> filter_values_;  // folded
  int64_t rows_ = 0;
  int64_t skipped_ = 0;
};

}  // namespace

HxlMapping DefaultHxlMapping() {
  return {
      {"date", {"#date+start", "#date"}},
      {"location", {"#loc+name", "#loc"}},
      {"admin1", {"#adm1+name", "#adm1"}},
      {"lat", {"#geo+lat"}},
      {"lon", {"#geo+lon"}},
      {"perpetrators", {"#group+name+first", "#group+name"}},
      {"victims", {"#affected"}},
      {"situation", {"#country+name", "#country"}},
      {"country_code", {"#country+code"}},
      {"id", {"#event+id", "#meta+id"}},
      {"violations", {"other_comparable_gravity"}},
      {"status", {"reported"}},
      {"standard", {"credible_information"}},
  };
}

Result<HxlMapping> LoadHxlMapping(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": mapping file cannot be opened");
  HxlMapping mapping = DefaultHxlMapping();
  std::string line;
  uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string where = path + ": line " + std::to_string(number) + ": ";
    std::string_view text = TrimCell(line);
    if (text.empty() || text.front() == '#') continue;
    if (!IsValidUtf8(text)) return Status::InvalidArgument(where + "not valid UTF-8");
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(where + "expected field = value, got " +
                                     QuoteForMessage(text));
    }
    const std::string field(TrimCell(text.substr(0, eq)));
    if (std::find(std::begin(kFields), std::end(kFields), field) == std::end(kFields)) {
      return Status::InvalidArgument(where + "unknown field " + QuoteForMessage(field));
    }
    const std::string_view value = TrimCell(text.substr(eq + 1));
    if (value.empty()) return Status::InvalidArgument(where + "empty value for " + field);
    std::vector<std::string> values;
    if (field == "incident_filter") {
      if (SameVocabulary(value, "all")) {
        values.emplace_back("all");
      } else {
        const size_t space = value.find_first_of(" \t");
        const std::string_view pattern = value.substr(0, space);
        const std::string_view wanted =
            space == std::string_view::npos ? std::string_view() : TrimCell(value.substr(space));
        if (pattern.front() != '#' || pattern.size() < 2 || wanted.empty()) {
          return Status::InvalidArgument(
              where +
              "expected 'all' or a hashtag pattern and the value of the rows that are "
              "incidents (incident_filter = #event+type sexual violence), got " +
              QuoteForMessage(value));
        }
        values.emplace_back(pattern);
        values.emplace_back(wanted);
      }
    } else if (value.front() == '#') {
      std::string_view rest = value;
      while (!rest.empty()) {
        const size_t space = rest.find(' ');
        const std::string_view p = TrimCell(rest.substr(0, space));
        if (!p.empty()) {
          if (p.front() != '#' || p.size() < 2) {
            return Status::InvalidArgument(where + "expected hashtag patterns, got " +
                                           QuoteForMessage(p));
          }
          values.emplace_back(p);
        }
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      }
    } else {
      Status ok = CheckConstant(field, std::string(value));
      if (!ok.ok()) return Status::InvalidArgument(where + ok.message());
      values.emplace_back(value);
    }
    mapping[field] = std::move(values);
  }
  if (in.bad()) return Status::IOError(path + ": read failed");
  return mapping;
}

bool HxlMatches(std::string_view pattern, std::string_view tag) {
  const auto [pattern_head, pattern_attributes] = SplitTag(pattern);
  const auto [tag_head, tag_attributes] = SplitTag(tag);
  if (pattern_head != tag_head) return false;
  return std::includes(tag_attributes.begin(), tag_attributes.end(), pattern_attributes.begin(),
                       pattern_attributes.end());
}

Status ImportHxl(Store& store, const std::string& path, const DatasetImportOptions& options,
                 const DatasetSink& sink, DatasetImportResult* result) {
  HxlImport job(store, options, sink, result);
  return job.Run(path);
}

}  // namespace mara

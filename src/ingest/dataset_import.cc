#include "ingest/dataset_import.h"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "common/text.h"
#include "domain/validate.h"
#include "ingest/names/name_fold.h"

namespace mara {

Result<AgendaRule> AgendaRule::Parse(const std::string& spec) {
  AgendaRule rule;
  if (spec.empty() || spec == "all") return rule;
  if (spec == "none") {
    rule.mode_ = Mode::kNone;
    return rule;
  }
  std::ifstream in(spec, std::ios::binary);
  if (!in) return Status::NotFound(spec + ": agenda file cannot be opened");
  rule.mode_ = Mode::kListed;
  std::string line;
  uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (!IsValidUtf8(line)) {
      return Status::InvalidArgument(spec + ": line " + std::to_string(number) +
                                     ": not valid UTF-8");
    }
    const std::string folded = names::FoldNameText(line);
    if (!folded.empty()) rule.folded_names_.insert(folded);
  }
  if (in.bad()) return Status::IOError(spec + ": read failed");
  return rule;
}

bool AgendaRule::OnAgenda(std::string_view situation_name) const {
  switch (mode_) {
    case Mode::kAll:
      return true;
    case Mode::kNone:
      return false;
    case Mode::kListed:
      return folded_names_.count(names::FoldNameText(situation_name)) > 0;
  }
  return false;
}

std::string SlugId(std::string_view prefix, std::string_view text) {
  const std::string folded = Fold(text);
  std::string slug;
  bool lossy = false;
  for (unsigned char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug.push_back(static_cast<char>(c));
    } else {
      if (c >= 0x80) lossy = true;
      if (!slug.empty() && slug.back() != '-') slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  const size_t room = kMaxIdLength - prefix.size() - 1 - 9;  // 9: "-" + 8 hex
  if (slug.size() > room) {
    slug.resize(room);
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    lossy = true;
  }
  if (slug.empty()) lossy = true;
  std::string id(prefix);
  id.push_back('-');
  id += slug;
  if (lossy) {
    if (!slug.empty()) id.push_back('-');
    id += Blake2bHex(folded).substr(0, 8);
  }
  return id;
}

std::string SituationIdFor(std::string_view name) { return SlugId("SIT", name); }

Situation SituationOfCountry(const Country& country) {
  Situation s;
  s.id = "SIT-" + country.alpha3;
  s.name = country.name;
  s.iso3 = country.alpha3;
  s.gwno = country.gwno;
  return s;
}

Situation SituationOfPlace(std::string_view place, const Country* country) {
  if (country != nullptr) return SituationOfCountry(*country);
  Situation s;
  s.id = SituationIdFor(place);
  s.name = std::string(place);
  return s;
}

bool AgendaRule::OnAgenda(const Situation& situation) const {
  if (OnAgenda(situation.name) || mode_ != Mode::kListed || !situation.iso3) {
    return OnAgenda(situation.name);
  }
  const Country* c = FindCountryByAlpha3(*situation.iso3);
  if (c == nullptr) return false;
  if (OnAgenda(c->alpha3) || OnAgenda(c->name)) return true;
  return std::any_of(c->aliases.begin(), c->aliases.end(),
                     [this](const std::string& a) { return OnAgenda(a); });
}

// ---------------------------------------------------------------- CsvTable

namespace {

// How a header name is looked up: blanks around it dropped, ASCII letters
// lower-cased.
std::string ColumnKey(std::string_view name) {
  std::string key(TrimBlanks(name));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += QuoteForMessage(names[i]);
  }
  return out;
}

}  // namespace

bool IsMissingValue(std::string_view cell) {
  cell = TrimBlanks(cell);
  if (cell.empty()) return true;
  if (cell.size() > 4) return false;
  std::string upper(cell);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper == "NA" || upper == "N/A" || upper == "NULL";
}

std::string_view CellValue(std::string_view cell) {
  return IsMissingValue(cell) ? std::string_view() : TrimBlanks(cell);
}

bool SameVocabulary(std::string_view a, std::string_view b) { return Fold(a) == Fold(b); }

Result<std::unique_ptr<CsvTable>> CsvTable::Open(const std::string& path,
                                                 const std::vector<std::string>& required,
                                                 const std::vector<std::string>& optional,
                                                 size_t max_record_bytes) {
  CsvReader::Options options;
  options.max_record_bytes = max_record_bytes;
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(path, options));
  auto table = std::make_unique<CsvTable>();
  table->reader_ = std::move(reader);
  MARA_ASSIGN_OR_RETURN(bool got, table->reader_->Next());
  if (!got) return Status::InvalidArgument("empty file, expected a header row");
  std::unordered_set<std::string> known;
  for (const std::string& c : required) known.insert(ColumnKey(c));
  for (const std::string& c : optional) known.insert(ColumnKey(c));
  for (size_t i = 0; i < table->reader_->fields().size(); ++i) {
    std::string name(TrimBlanks(table->reader_->fields()[i]));
    const std::string key = ColumnKey(name);
    if (!table->index_.emplace(key, i).second && known.count(key)) {
      return Status::InvalidArgument("line 1: column " + QuoteForMessage(name) +
                                     " appears twice in the header");
    }
    table->header_.push_back(std::move(name));
  }
  std::vector<std::string> missing;
  for (const std::string& column : required) {
    if (!table->index_.count(ColumnKey(column))) missing.push_back(column);
  }
  if (missing.size() == 1) {
    return Status::InvalidArgument("line 1: missing column " + QuoteForMessage(missing[0]) +
                                   " (is this the right --format?)");
  }
  if (!missing.empty()) {
    return Status::InvalidArgument("line 1: missing columns " + QuotedList(missing) +
                                   " (is this the right --format?)");
  }
  table->reader_->SetFieldNames(table->header_);
  return table;
}

Result<bool> CsvTable::Next() {
  recoverable_ = false;
  Result<bool> next = reader_->Next();
  if (!next.ok()) {
    recoverable_ = reader_->recoverable();
    return next.status();
  }
  if (!*next) return false;
  if (reader_->fields().size() != header_.size()) {
    recoverable_ = true;
    return Status::InvalidArgument(
        "line " + std::to_string(reader_->line()) + ": expected " + std::to_string(header_.size()) +
        " fields as in the header, got " + std::to_string(reader_->fields().size()));
  }
  return true;
}

bool CsvTable::Has(std::string_view column) const {
  return index_.find(ColumnKey(column)) != index_.end();
}

std::string_view CsvTable::Raw(std::string_view column) const {
  auto it = index_.find(ColumnKey(column));
  if (it == index_.end() || it->second >= reader_->fields().size()) return {};
  return reader_->fields()[it->second];
}

std::string_view CsvTable::Get(std::string_view column) const { return CellValue(Raw(column)); }

Result<std::string_view> CsvTable::Required(std::string_view column) const {
  const std::string_view value = Get(column);
  if (!value.empty()) return value;
  const std::string_view raw = TrimBlanks(Raw(column));
  return FieldError(column, raw.empty() ? std::string("missing value (empty cell)")
                                        : "missing value (got " + QuoteForMessage(raw) + ")");
}

Status CsvTable::FieldError(std::string_view column, std::string_view message) const {
  auto it = index_.find(ColumnKey(column));
  const std::string number = it == index_.end() ? "?" : std::to_string(it->second + 1);
  return Status::InvalidArgument("line " + std::to_string(line()) + ", column " + number + " " +
                                 QuoteForMessage(column) + ": " + std::string(message));
}

Status CsvTable::FieldErrorAt(size_t index, std::string_view label,
                              std::string_view message) const {
  return Status::InvalidArgument("line " + std::to_string(line()) + ", column " +
                                 std::to_string(index + 1) + " " + QuoteForMessage(label) + ": " +
                                 std::string(message));
}

Result<std::optional<int64_t>> CsvTable::OptionalInt(std::string_view column) const {
  const std::string_view text = Get(column);
  if (text.empty()) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return FieldError(column, "expected an integer, got " + QuoteForMessage(text));
  }
  return std::optional<int64_t>(value);
}

Result<int64_t> CsvTable::Int(std::string_view column) const {
  MARA_RETURN_IF_ERROR(Required(column).status());
  MARA_ASSIGN_OR_RETURN(std::optional<int64_t> value, OptionalInt(column));
  return *value;
}

Status ForEachRow(CsvTable& table, const DatasetImportOptions& options, const DatasetSink& sink,
                  DatasetImportResult* result, const std::function<Status()>& row) {
  const uint64_t total = table.file_size();
  uint64_t last_progress = 0;
  if (sink.progress) sink.progress(0, total);
  if (options.skip_invalid && sink.reject_header) {
    std::vector<std::string_view> columns(table.header().begin(), table.header().end());
    sink.reject_header(columns);
  }
  for (;;) {
    Result<bool> next = table.Next();
    Status status;
    if (!next.ok()) {
      if (!options.skip_invalid || !table.recoverable()) return next.status();
      status = next.status();
    } else if (!*next) {
      break;
    } else {
      status = row();
      if (!status.ok() &&
          (status.code() != StatusCode::kInvalidArgument || !options.skip_invalid)) {
        return status;
      }
    }
    if (!status.ok()) {
      ++result->rejected;
      if (sink.reject) sink.reject(table.fields(), status.message());
    }
    if (sink.progress && table.bytes_consumed() - last_progress >= (uint64_t{1} << 20)) {
      last_progress = table.bytes_consumed();
      sink.progress(last_progress, total);
    }
  }
  if (sink.progress) sink.progress(total, total);
  return Status::Ok();
}

// ---------------------------------------------------------------- RegistryWriter

Result<std::unique_ptr<RegistryWriter>> RegistryWriter::Load(Store& store,
                                                             DatasetImportResult* result) {
  auto w = std::make_unique<RegistryWriter>(store, result);
  MARA_ASSIGN_OR_RETURN(w->stored_, store.LoadRegistry());
  const Bundle& b = w->stored_;
  auto keys = [&w](Collection c, const auto& records) {
    for (const auto& r : records) w->stored_keys_[static_cast<size_t>(c)].insert(RecordKey(r));
  };
  keys(Collection::kSituations, b.situations);
  keys(Collection::kParties, b.parties);
  keys(Collection::kSources, b.sources);
  keys(Collection::kFindings, b.findings);
  for (size_t i = 0; i < b.parties.size(); ++i) w->stored_party_index_[b.parties[i].id] = i;
  return w;
}

const Party* RegistryWriter::StoredParty(std::string_view id) const {
  auto it = stored_party_index_.find(std::string(id));
  return it == stored_party_index_.end() ? nullptr : &stored_.parties[it->second];
}

const Party* RegistryWriter::CurrentParty(std::string_view id) const {
  auto it = written_parties_.find(std::string(id));
  if (it != written_parties_.end()) return &it->second;
  return StoredParty(id);
}

bool RegistryWriter::SituationExists(std::string_view id) const {
  const std::string key(id);
  return stored_keys_[static_cast<size_t>(Collection::kSituations)].count(key) > 0 ||
         counted_[static_cast<size_t>(Collection::kSituations)].count(key) > 0;
}

void RegistryWriter::Count(Collection c, const std::string& key) {
  const size_t i = static_cast<size_t>(c);
  if (!counted_[i].insert(key).second) return;
  (stored_keys_[i].count(key) ? result_.updated : result_.inserted).counts[i]++;
}

namespace {

template <typename T>
Status Checked(const T& v, Collection c) {
  if (std::optional<FieldError> e = CheckRecord(v)) {
    return Status::InvalidArgument(std::string(kCollectionNames[static_cast<size_t>(c)]) + " " +
                                   QuoteForMessage(RecordKey(v)) + e->field + ": " + e->message);
  }
  return Status::Ok();
}

}  // namespace

Status RegistryWriter::Put(const Situation& v) {
  MARA_RETURN_IF_ERROR(Checked(v, Collection::kSituations));
  MARA_RETURN_IF_ERROR(store_.Put(v));
  Count(Collection::kSituations, RecordKey(v));
  return Status::Ok();
}

Status RegistryWriter::Put(const Party& v) {
  MARA_RETURN_IF_ERROR(Checked(v, Collection::kParties));
  MARA_RETURN_IF_ERROR(store_.Put(v));
  written_parties_[v.id] = v;
  Count(Collection::kParties, RecordKey(v));
  return Status::Ok();
}

Status RegistryWriter::Put(const Source& v) {
  MARA_RETURN_IF_ERROR(Checked(v, Collection::kSources));
  MARA_RETURN_IF_ERROR(store_.Put(v));
  Count(Collection::kSources, RecordKey(v));
  return Status::Ok();
}

Status RegistryWriter::Put(const Finding& v) {
  MARA_RETURN_IF_ERROR(Checked(v, Collection::kFindings));
  MARA_RETURN_IF_ERROR(store_.Put(v));
  Count(Collection::kFindings, RecordKey(v));
  return Status::Ok();
}

Status RegistryWriter::PutIncident(const Incident& v, int64_t import_id) {
  MARA_RETURN_IF_ERROR(Checked(v, Collection::kIncidents));
  MARA_ASSIGN_OR_RETURN(PutOutcome outcome, store_.PutIncident(v, import_id));
  const size_t i = static_cast<size_t>(Collection::kIncidents);
  switch (outcome) {
    case PutOutcome::kInserted:
      result_.inserted.counts[i]++;
      break;
    case PutOutcome::kUpdated:
      result_.updated.counts[i]++;
      break;
    case PutOutcome::kDuplicateInImport:
      return Status::InvalidArgument("incident id " + QuoteForMessage(v.id) +
                                     " repeats an earlier row of this file");
  }
  return Status::Ok();
}

bool AddAlias(Party* party, std::string_view name) {
  const std::string folded = names::FoldNameText(name);
  if (folded.empty() || folded == names::FoldNameText(party->name)) return false;
  for (const std::string& a : party->aliases) {
    if (names::FoldNameText(a) == folded) return false;
  }
  party->aliases.emplace_back(name);
  return true;
}

}  // namespace mara

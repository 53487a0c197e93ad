// What the dataset importers (svac.h, ucdp_actors.h, acled.h, hxl.h) share:
// their options, how they hand rejected rows back, a header-checked CSV
// table with one-line errors, the agenda rule for the situations they
// create, deterministic ids, and a registry writer that counts inserts and
// updates against what was stored before the import.
//
// Contract:
// - The import service (service/import.h) opens the transaction, writes the
//   import log row and the rejects file; an importer only reads its file and
//   writes records through the Store it is given, inside that transaction.
//   Any error it returns rolls the whole import back.
// - Errors for bad input are kInvalidArgument, one line, WITHOUT the file
//   name (the service prefixes it): "line 17, column 5 'actor_type':
//   expected an integer, got 'x'", "line 1: missing column 'actorid'".
//   Hostile cell text is quoted with QuoteForMessage.
// - With skip_invalid, a row that fails with kInvalidArgument goes to
//   DatasetSink::reject with its reason and the import goes on; a broken
//   file (unterminated quote, missing column) still fails as a whole.
// - AgendaRule::Parse: "all", "none" or a file path naming one situation
//   per line (matched after folding; '#' starts a comment). kNotFound /
//   kIOError for a file that cannot be read.
// - Missing values: a cell that is empty, or that reads NA, N/A or NULL in
//   any case, with blanks around or not, is missing (IsMissingValue). The
//   table's getters give "" for it, so every importer treats it as absent;
//   Required() turns it into an error naming the line and column.
// - Header names are matched ignoring ASCII case and surrounding blanks;
//   columns the importer does not know are ignored. Missing required
//   columns are refused in one message naming every one of them.
// - Vocabulary (a code's name, a sub-event type, a violation name) is
//   compared case- and space-insensitively (SameVocabulary,
//   ParseVocabulary).
// - Everything here is used from one thread; nothing is shared.
#ifndef MARA_INGEST_DATASET_IMPORT_H_
#define MARA_INGEST_DATASET_IMPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "domain/enums.h"
#include "domain/model.h"
#include "ingest/countries.h"
#include "ingest/csv_reader.h"
#include "ingest/names/resolver.h"
#include "storage/store.h"

namespace mara {

struct DatasetImportOptions {
  int64_t import_id = 0;  // the import log row the records belong to
  bool skip_invalid = false;
  // Which situations the import creates are on the Council's agenda:
  // "all", "none" or a file (AgendaRule).
  std::string agenda = "all";
  // hxl only: a mapping file (hxl.h); empty for the default mapping.
  std::string mapping;
  names::ResolverOptions resolver;
  size_t max_record_bytes = size_t{64} << 20;
};

// Where an importer reports what it could not take and how far it is.
struct DatasetSink {
  // Called once in skip_invalid mode, before any row, with the columns of
  // the rows that reject() will be given.
  std::function<void(const std::vector<std::string_view>& columns)> reject_header;
  std::function<void(const std::vector<std::string_view>& fields, std::string_view reason)> reject;
  std::function<void(uint64_t done, uint64_t total)> progress;  // bytes
};

struct DatasetImportResult {
  CollectionCounts inserted;
  CollectionCounts updated;
  int64_t rejected = 0;
  // Lines for people: "ucdp-actors: 1,702 merged, 75 conflicted (in review)".
  std::vector<std::string> notes;
};

class AgendaRule {
 public:
  static Result<AgendaRule> Parse(const std::string& spec);
  bool OnAgenda(std::string_view situation_name) const;
  // For a situation: its name, or for a country situation (iso3 set) also
  // any name the country table gives the country or its alpha-3 code.
  bool OnAgenda(const Situation& situation) const;

 private:
  enum class Mode { kAll, kNone, kListed };
  Mode mode_ = Mode::kAll;
  std::unordered_set<std::string> folded_names_;
};

// "SIT-" + a slug of the folded name ("SIT-sudan", "SIT-myanmar-burma");
// names whose fold is not plain ASCII get 8 hex digits of its digest too, so
// different scripts never share an id.
std::string SituationIdFor(std::string_view name);

// The situation of one country of the table (countries.h): id "SIT-" + its
// alpha-3 code ("SIT-MMR"; slugs are lower case, so no name-derived id is
// ever the same), the table's English name, iso3 and gwno. Agenda false.
Situation SituationOfCountry(const Country& country);
// The situation of a place an importer reads: the country's when `country`
// is given, else SituationIdFor(place) named `place` as spelled, without
// iso3 or gwno (a name the table does not know, or a cell that names
// several countries). Agenda false.
Situation SituationOfPlace(std::string_view place, const Country* country);
// `prefix` + "-" + slug, cut so the id stays within kMaxIdLength, with a
// digest suffix whenever the slug lost information. Deterministic.
std::string SlugId(std::string_view prefix, std::string_view text);

// True for a cell that holds no value: empty, blanks only, or NA, N/A or
// NULL in any case with blanks around (as R, pandas and database exports
// write missing values).
bool IsMissingValue(std::string_view cell);
// The cell without surrounding blanks, or "" when it is missing.
std::string_view CellValue(std::string_view cell);

// Whether two terms of a vocabulary are the same once case, accents and
// runs of white space are folded ("Sexual violence" and " sexual  VIOLENCE").
bool SameVocabulary(std::string_view a, std::string_view b);

// The enum value whose name `text` spells, compared as SameVocabulary with
// '_' and '-' taken as spaces ("Forced marriage", "forced_marriage").
template <typename E>
std::optional<E> ParseVocabulary(std::string_view text) {
  auto spaced = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) {
      if (c == '_' || c == '-') c = ' ';
    }
    return out;
  };
  const std::string wanted = spaced(text);
  const auto& names = EnumNames<E>::kNames;
  for (size_t i = 0; i < names.size(); ++i) {
    if (SameVocabulary(spaced(names[i]), wanted)) return static_cast<E>(i);
  }
  return std::nullopt;
}

// A CSV file whose header must hold given columns; rows are checked to have
// the header's width. Column names are compared ignoring ASCII case and
// surrounding blanks. `required` columns must be there (all the missing ones
// are named in one error: "line 1: missing columns 'a', 'b' (is this the
// right --format?)"); `optional` ones may be absent, and then read as
// missing in every row. Neither kind may appear twice. Other columns are
// ignored.
class CsvTable {
 public:
  CsvTable() = default;  // use Open()
  static Result<std::unique_ptr<CsvTable>> Open(const std::string& path,
                                                const std::vector<std::string>& required,
                                                const std::vector<std::string>& optional,
                                                size_t max_record_bytes);

  // Next row: true, false at the end. A row with invalid UTF-8 or the wrong
  // number of fields is an error; when recoverable() is then true, fields()
  // holds the row and the caller may reject it and go on.
  Result<bool> Next();
  bool recoverable() const { return recoverable_; }

  // The value of a column's cell (the first column of that name), trimmed
  // of blanks; "" when the cell is missing (IsMissingValue) or the header
  // does not have the column.
  std::string_view Get(std::string_view column) const;
  // The cell as the file has it; "" for a column the header does not have.
  std::string_view Raw(std::string_view column) const;
  // Get(), or for a missing value kInvalidArgument "line 17, column 5
  // 'actor1': missing value (got 'NA')".
  Result<std::string_view> Required(std::string_view column) const;
  bool Has(std::string_view column) const;
  const std::vector<std::string_view>& fields() const { return reader_->fields(); }
  const std::vector<std::string>& header() const { return header_; }
  uint64_t line() const { return reader_->line(); }
  uint64_t bytes_consumed() const { return reader_->bytes_consumed(); }
  uint64_t file_size() const { return reader_->file_size(); }
  // The reader itself, for a layout whose second row is not data (HXL).
  CsvReader& reader() { return *reader_; }

  // kInvalidArgument "line 17, column 5 'actor_type': <message>".
  Status FieldError(std::string_view column, std::string_view message) const;
  // The same for a column known by position, labelled e.g. by its hashtag.
  Status FieldErrorAt(size_t index, std::string_view label, std::string_view message) const;
  // The cell as an integer; kInvalidArgument naming the cell otherwise (a
  // missing value too).
  Result<int64_t> Int(std::string_view column) const;
  // The same, with nullopt for a missing value.
  Result<std::optional<int64_t>> OptionalInt(std::string_view column) const;

 private:
  std::unique_ptr<CsvReader> reader_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, size_t> index_;
  bool recoverable_ = false;
};

// Calls `row` for every data row of `table`. A row that fails with
// kInvalidArgument (from the reader when recoverable, or from `row`) is
// rejected through `sink` with its reason when options.skip_invalid, and
// fails the import otherwise; any other failure always fails it. Reports
// progress through sink.progress.
Status ForEachRow(CsvTable& table, const DatasetImportOptions& options, const DatasetSink& sink,
                  DatasetImportResult* result, const std::function<Status()>& row);

// Writes registry records, counting each key once as inserted or updated
// against the registry as loaded at the start of the import. Records are
// checked with CheckRecord first; a broken one is kInvalidArgument naming
// its collection, key and field.
class RegistryWriter {
 public:
  RegistryWriter(Store& store, DatasetImportResult* result) : store_(store), result_(*result) {}
  static Result<std::unique_ptr<RegistryWriter>> Load(Store& store, DatasetImportResult* result);

  const Bundle& stored() const { return stored_; }
  // The stored party with this id as loaded, or nullptr.
  const Party* StoredParty(std::string_view id) const;
  // A party written by this import, or else the stored one, or nullptr.
  const Party* CurrentParty(std::string_view id) const;
  bool SituationExists(std::string_view id) const;

  Status Put(const Situation& v);
  Status Put(const Party& v);
  Status Put(const Source& v);
  Status Put(const Finding& v);
  // kInvalidArgument for an id this same import already wrote.
  Status PutIncident(const Incident& v, int64_t import_id);

  Store& store() { return store_; }

 private:
  void Count(Collection c, const std::string& key);

  Store& store_;
  DatasetImportResult& result_;
  Bundle stored_;
  std::unordered_map<std::string, size_t> stored_party_index_;
  std::unordered_map<std::string, Party> written_parties_;
  std::unordered_set<std::string> stored_keys_[kCollectionNames.size()];
  std::unordered_set<std::string> counted_[kCollectionNames.size()];
};

// Appends `name` to party->aliases unless it folds to the party's name or
// to an alias it already has; true when it was added.
bool AddAlias(Party* party, std::string_view name);

}  // namespace mara

#endif  // MARA_INGEST_DATASET_IMPORT_H_

#include "service/import.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/handoff.h"
#include "common/text.h"
#include "domain/json_codec.h"
#include "domain/validate.h"
#include "ingest/acled.h"
#include "ingest/bundle.h"
#include "ingest/csv_reader.h"
#include "ingest/dataset_import.h"
#include "ingest/hxl.h"
#include "ingest/incidents_csv.h"
#include "ingest/store_lookup.h"
#include "ingest/svac.h"
#include "ingest/ucdp_actors.h"
#include "service/core.h"
#include "service/name_review.h"

namespace mara {
namespace {

constexpr std::string_view kBundle = "bundle";
constexpr std::string_view kIncidentsCsv = "incidents-csv";

using DatasetImporter = Status (*)(Store&, const std::string&, const DatasetImportOptions&,
                                   const DatasetSink&, DatasetImportResult*);
constexpr std::pair<std::string_view, DatasetImporter> kDatasetFormats[] = {
    {"acled", ImportAcled},
    {"svac", ImportSvac},
    {"ucdp-actors", ImportUcdpActors},
    {"hxl", ImportHxl},
};

DatasetImporter DatasetImporterFor(std::string_view format) {
  for (const auto& [name, importer] : kDatasetFormats) {
    if (name == format) return importer;
  }
  return nullptr;
}

std::string StartedAt(const ImportOptions& options) {
  const auto now = options.clock ? options.clock() : std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The import clock's date (UTC): records dated after it are refused.
Date Today(const ImportOptions& options) {
  const auto now = options.clock ? options.clock() : std::chrono::system_clock::now();
  return Date::FromDays(std::chrono::floor<std::chrono::days>(now).time_since_epoch().count());
}

bool HasExtension(const std::string& path, std::string_view ext) {
  if (path.size() < ext.size()) return false;
  for (size_t i = 0; i < ext.size(); ++i) {
    char c = path[path.size() - ext.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != ext[i]) return false;
  }
  return true;
}

Result<std::string> FileDigest(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  Digest digest;
  std::vector<char> chunk(size_t{1} << 20);
  size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0) {
    digest.Update(std::string_view(chunk.data(), n));
  }
  if (std::ferror(file.get()))
    return Status::IOError(path + ": read failed: " + std::strerror(errno));
  return digest.HexFinal();
}

// "<file>.rejects.csv", truncated when opened.
class RejectsFile {
 public:
  Status Open(const std::string& path) {
    path_ = path;
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) return Status::IOError(path + ": cannot open for writing");
    return Status::Ok();
  }

  void Row(const std::vector<std::string_view>& fields) {
    line_.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) line_.push_back(',');
      AppendCsvField(fields[i], &line_);
    }
    line_.push_back('\n');
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }

  // A row whose fields are already CSV-encoded and joined, and its reason.
  void RowWithReason(std::string_view encoded_fields, std::string_view reason) {
    line_.assign(encoded_fields);
    line_.push_back(',');
    AppendCsvField(reason, &line_);
    line_.push_back('\n');
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }

  Status Close() {
    out_.close();
    if (out_.fail()) return Status::IOError(path_ + ": write failed");
    return Status::Ok();
  }

 private:
  std::string path_;
  std::ofstream out_;
  std::string line_;
};

void Count(ImportReport* report, Collection c, bool existed) {
  (existed ? report->updated : report->inserted).counts[static_cast<size_t>(c)]++;
}

// ---------------------------------------------------------------- CSV

// Rows travel from the reading thread to the writing one in slots of this
// many; a few slots are in flight, so memory stays constant.
constexpr size_t kRowsPerSlot = 256;
constexpr size_t kSlotsInFlight = 4;

// One CSV row as the reading thread leaves it for the writing thread.
struct ReadRow {
  Incident incident;          // decoded and checked when `status` is ok
  PreparedIncident prepared;  // the store's preparation of `incident`, when ok
  Status status;              // why the row is rejected, else ok
  uint64_t line = 0;
  uint64_t bytes_consumed = 0;  // of the file, after this row
  std::string fields;           // skip_invalid only: the row's fields, CSV-encoded
};

struct ReadSlot {
  std::vector<ReadRow> rows = std::vector<ReadRow>(kRowsPerSlot);
  size_t count = 0;
  bool last = false;  // the reader is done: at the end of the file, or `fatal`
  Status fatal;       // the import fails here, after this slot's rows
};

// An incidents CSV is imported by two threads: this class's reading thread
// parses, decodes and checks the rows (the file, the layout and the
// registry snapshot are its own) and has the store prepare them
// (Store::PrepareIncident, which is thread-safe: sealing, the state digest),
// and the calling thread writes them to the store in file order.
// Errors are taken in file order, so the first one reported is the first row
// that fails, whichever thread found it.
class CsvImport {
 public:
  CsvImport(Store& store, const std::string& path, const ImportOptions& options,
            ImportReport* report)
      : store_(store), path_(path), options_(options), report_(*report) {}

  Status Run() {
    // The file's digest is read on a thread of its own while the header is
    // checked and the registry loaded; the import log row needs it.
    std::future<Result<std::string>> file_digest =
        std::async(std::launch::async, [this] { return FileDigest(path_); });
    Status ready = Start();
    Result<std::string> digest = file_digest.get();
    MARA_RETURN_IF_ERROR(ready);
    MARA_ASSIGN_OR_RETURN(report_.file_digest, std::move(digest));
    return Import();
  }

 private:
  // Opens the file, checks its header and loads the registry snapshot.
  Status Start() {
    CsvReader::Options reader_options;
    reader_options.max_record_bytes = options_.max_csv_record_bytes;
    MARA_ASSIGN_OR_RETURN(reader_, CsvReader::Open(path_, reader_options));
    Result<bool> header = reader_->Next();
    if (!header.ok()) return At(header.status());
    if (!*header) return Status::InvalidArgument(path_ + ": empty file, expected a header row");
    Result<IncidentCsvLayout> layout = IncidentCsvLayout::FromHeader(reader_->fields());
    if (!layout.ok())
      return At(layout.status().WithPrefix("line " + std::to_string(reader_->line())));
    layout_ = std::move(layout).value();
    const std::vector<std::string> header_fields(reader_->fields().begin(),
                                                 reader_->fields().end());
    reader_->SetFieldNames(header_fields);
    header_fields_ = header_fields;
    MARA_RETURN_IF_ERROR(tx_.Begin());
    MARA_ASSIGN_OR_RETURN(lookup_, StoreLookup::Load(store_));
    return Status::Ok();
  }

  // Writes the rows in the transaction Start() began.
  Status Import() {
    const std::vector<std::string>& header_fields = header_fields_;
    ImportRecord record;
    record.file = path_;
    record.format = std::string(kIncidentsCsv);
    record.file_digest = report_.file_digest;
    record.started_at = StartedAt(options_);
    record.principal = options_.principal;
    MARA_ASSIGN_OR_RETURN(report_.import_id, store_.StartImport(record));

    if (options_.skip_invalid) {
      report_.rejects_path = path_ + ".rejects.csv";
      MARA_RETURN_IF_ERROR(rejects_.Open(report_.rejects_path));
      std::vector<std::string_view> row(header_fields.begin(), header_fields.end());
      row.push_back("reject_reason");
      rejects_.Row(row);
    }

    const uint64_t total = reader_->file_size();
    if (options_.progress) options_.progress(0, total);
    Status written;
    {
      Handoff<ReadSlot> handoff(kSlotsInFlight);
      std::thread reading([&] { Read(&handoff); });
      // Stops and joins the reading thread however this scope is left (an
      // exception from the store included); a no-op cancel after the last slot.
      struct Join {
        Handoff<ReadSlot>& handoff;
        std::thread& thread;
        ~Join() {
          handoff.Cancel();
          thread.join();
        }
      } join{handoff, reading};
      written = Write(&handoff, total);
    }
    MARA_RETURN_IF_ERROR(written);

    MARA_RETURN_IF_ERROR(
        store_.FinishImport(report_.import_id, report_.Accepted(), report_.rejected));
    if (options_.before_commit) MARA_RETURN_IF_ERROR(options_.before_commit(report_));
    if (options_.skip_invalid) MARA_RETURN_IF_ERROR(rejects_.Close());
    MARA_RETURN_IF_ERROR(tx_.Commit());
    if (options_.progress) options_.progress(total, total);
    return Status::Ok();
  }

  Status At(const Status& s) const { return s.WithPrefix(path_); }

  static Status FieldFailure(uint64_t line, std::string_view pointer, const std::string& message) {
    return Status::InvalidArgument("line " + std::to_string(line) + ": field '" +
                                   std::string(ColumnForPointer(pointer)) + "': " + message);
  }

  // The reading thread: fills slots until the end of the file, a fatal
  // error, or a cancel from the writing thread.
  void Read(Handoff<ReadSlot>* handoff) {
    for (;;) {
      ReadSlot* slot = handoff->Fill();
      if (slot == nullptr) return;
      slot->count = 0;
      slot->fatal = Status::Ok();
      try {
        FillSlot(slot);
      } catch (const std::exception& e) {
        slot->last = true;
        slot->fatal = At(Status::IOError(std::string("reading the file: ") + e.what()));
      }
      const bool last = slot->last;
      handoff->Publish(slot);
      if (last) return;
    }
  }

  void FillSlot(ReadSlot* slot) {
    slot->last = false;
    while (slot->count < slot->rows.size()) {
      ReadRow& row = slot->rows[slot->count];
      Result<bool> next = reader_->Next();
      if (!next.ok()) {
        if (!options_.skip_invalid || !reader_->recoverable()) {
          slot->last = true;
          slot->fatal = At(next.status());
          return;
        }
        row.status = next.status();
      } else if (!*next) {
        slot->last = true;
        return;
      } else {
        row.status = Check(reader_->fields(), reader_->line(), &row.incident);
        if (row.status.ok()) row.status = store_.PrepareIncident(row.incident, &row.prepared);
        if (!row.status.ok() &&
            (row.status.code() != StatusCode::kInvalidArgument || !options_.skip_invalid)) {
          slot->last = true;
          slot->fatal = At(row.status);
          return;
        }
      }
      row.line = reader_->line();
      row.bytes_consumed = reader_->bytes_consumed();
      if (options_.skip_invalid) {
        row.fields.clear();
        const std::vector<std::string_view>& fields = reader_->fields();
        for (size_t i = 0; i < fields.size(); ++i) {
          if (i > 0) row.fields.push_back(',');
          AppendCsvField(fields[i], &row.fields);
        }
      }
      ++slot->count;
    }
  }

  // Decodes and checks one row into *incident (reading thread).
  Status Check(const std::vector<std::string_view>& fields, uint64_t line, Incident* incident) {
    if (fields.size() != layout_.width()) {
      return Status::InvalidArgument(
          "line " + std::to_string(line) + ": expected " + std::to_string(layout_.width()) +
          " fields as in the header, got " + std::to_string(fields.size()));
    }
    Status decoded = layout_.Decode(fields, incident);
    if (!decoded.ok()) return decoded.WithPrefix("line " + std::to_string(line));
    if (std::optional<FieldError> e = CheckRecord(*incident)) {
      return FieldFailure(line, e->field, e->message);
    }
    if (std::optional<FieldError> e = CheckNotAfter(*incident, today_)) {
      return FieldFailure(line, e->field, e->message);
    }
    MARA_ASSIGN_OR_RETURN(std::optional<FieldError> ref, CheckReferences(*incident, *lookup_));
    if (ref) return FieldFailure(line, ref->field, ref->message);
    return Status::Ok();
  }

  // The calling thread: writes the rows of every published slot in order.
  Status Write(Handoff<ReadSlot>* handoff, uint64_t total) {
    uint64_t last_progress = 0;
    for (;;) {
      ReadSlot* slot = handoff->Drain();
      if (slot == nullptr) return Status::IOError(path_ + ": the reading thread stopped");
      for (size_t i = 0; i < slot->count; ++i) {
        ReadRow& row = slot->rows[i];
        Status row_status = row.status.ok() ? Put(row) : row.status;
        if (!row_status.ok()) {
          if (row_status.code() != StatusCode::kInvalidArgument || !options_.skip_invalid) {
            return At(row_status);
          }
          ++report_.rejected;
          rejects_.RowWithReason(row.fields, row_status.message());
        }
        if (options_.progress && row.bytes_consumed - last_progress >= (uint64_t{1} << 20)) {
          last_progress = row.bytes_consumed;
          options_.progress(last_progress, total);
        }
      }
      if (slot->last) return slot->fatal;
      handoff->Recycle(slot);
    }
  }

  // Writes one checked row (calling thread).
  Status Put(const ReadRow& row) {
    MARA_ASSIGN_OR_RETURN(
        PutOutcome outcome,
        store_.PutPreparedIncident(row.incident, row.prepared, report_.import_id, nullptr));
    switch (outcome) {
      case PutOutcome::kInserted:
        Count(&report_, Collection::kIncidents, false);
        break;
      case PutOutcome::kUpdated:
        Count(&report_, Collection::kIncidents, true);
        break;
      case PutOutcome::kDuplicateInImport:
        return FieldFailure(row.line, "/id",
                            "duplicate id " + QuoteForMessage(row.incident.id) +
                                ": an earlier row of this file has the same id");
    }
    return Status::Ok();
  }

  Store& store_;
  const std::string& path_;
  const ImportOptions& options_;
  ImportReport& report_;
  const Date today_ = Today(options_);
  Transaction tx_{&store_};
  std::vector<std::string> header_fields_;
  RejectsFile rejects_;
  // The reading thread's own, once it starts.
  std::unique_ptr<CsvReader> reader_;
  IncidentCsvLayout layout_;
  std::unique_ptr<StoreLookup> lookup_;
};

// ---------------------------------------------------------------- bundle

class BundleImport {
 public:
  BundleImport(Store& store, const std::string& path, const ImportOptions& options,
               ImportReport* report)
      : store_(store), path_(path), options_(options), report_(*report) {}

  Status Run() {
    std::string bytes;
    MARA_ASSIGN_OR_RETURN(Json doc, ReadBundleFile(path_, &bytes));
    const uint64_t total = bytes.size();
    if (options_.progress) options_.progress(0, total);
    report_.file_digest = Blake2bHex(bytes);
    std::string().swap(bytes);
    Result<DecodedBundle> decoded = DecodeBundle(doc, options_.skip_invalid);
    if (!decoded.ok()) return decoded.status().WithPrefix(path_);
    DecodedBundle& d = decoded.value();

    Transaction tx(&store_);
    MARA_RETURN_IF_ERROR(tx.Begin());
    MARA_ASSIGN_OR_RETURN(lookup_, StoreLookup::Load(store_));
    MARA_ASSIGN_OR_RETURN(
        std::vector<ValidationError> errors,
        ValidateBundle(d.bundle, *lookup_, !options_.skip_invalid, Today(options_)));
    for (size_t c = 0; c < kCollectionNames.size(); ++c) {
      rejected_[c].assign(d.origin[c].size(), false);
    }
    for (const ValidationError& e : errors) {
      const size_t c = static_cast<size_t>(e.collection);
      rejected_[c][e.index] = true;
      const size_t doc_index = d.origin[c][e.index];
      const std::string pointer =
          "/" + std::string(kCollectionNames[c]) + "/" + std::to_string(doc_index);
      const std::string reason = pointer + e.field + ": " + e.message;
      if (!options_.skip_invalid) return Status::InvalidArgument(path_ + ": " + reason);
      d.rejects.push_back({e.collection, doc_index, pointer, reason,
                           doc[std::string(kCollectionNames[c])][doc_index]});
    }

    ImportRecord record;
    record.file = path_;
    record.format = std::string(kBundle);
    record.file_digest = report_.file_digest;
    record.started_at = StartedAt(options_);
    record.principal = options_.principal;
    MARA_ASSIGN_OR_RETURN(report_.import_id, store_.StartImport(record));

    const Bundle& b = d.bundle;
    MARA_RETURN_IF_ERROR(PutAll(Collection::kSituations, b.situations));
    MARA_RETURN_IF_ERROR(PutParties(b.parties));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kSources, b.sources));
    for (size_t i = 0; i < b.incidents.size(); ++i) {
      if (rejected_[static_cast<size_t>(Collection::kIncidents)][i]) continue;
      MARA_ASSIGN_OR_RETURN(PutOutcome outcome,
                            store_.PutIncident(b.incidents[i], report_.import_id));
      if (outcome == PutOutcome::kDuplicateInImport) {
        // ValidateBundle already rejected duplicates; reaching this is a bug.
        return Status::Conflict(path_ + ": duplicate incident id " +
                                QuoteForMessage(b.incidents[i].id));
      }
      Count(&report_, Collection::kIncidents, outcome == PutOutcome::kUpdated);
    }
    MARA_RETURN_IF_ERROR(PutAll(Collection::kEvidence, b.evidence));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kFindings, b.findings));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kCommitments, b.commitments));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kDecisions, b.decisions));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kDesignations, b.designations));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kStatements, b.statements));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kEngagements, b.engagements));
    MARA_RETURN_IF_ERROR(PutAll(Collection::kPetitions, b.petitions));
    MARA_RETURN_IF_ERROR(PutNameReviews(d));
    MARA_RETURN_IF_ERROR(PutCommunications(d));

    report_.rejected = static_cast<int64_t>(d.rejects.size());
    if (options_.skip_invalid) MARA_RETURN_IF_ERROR(WriteRejects(&d.rejects));
    MARA_RETURN_IF_ERROR(
        store_.FinishImport(report_.import_id, report_.Accepted(), report_.rejected));
    if (options_.before_commit) MARA_RETURN_IF_ERROR(options_.before_commit(report_));
    MARA_RETURN_IF_ERROR(tx.Commit());
    if (options_.progress) options_.progress(total, total);
    return Status::Ok();
  }

 private:
  // The name-review queue the bundle carries: each entry's parties must be
  // in the bundle or the store; an entry with the same (origin, query) as a
  // stored one replaces it (the store keeps its id).
  Status PutNameReviews(const DecodedBundle& d) {
    std::set<std::string, std::less<>> bundle_parties;
    for (const Party& p : d.bundle.parties) bundle_parties.insert(p.id);
    for (size_t i = 0; i < d.name_reviews.size(); ++i) {
      const NameReview& v = d.name_reviews[i];
      const std::string at =
          path_ + ": /" + std::string(kNameReviewsMember) + "/" + std::to_string(i) + "/";
      for (const auto& [field, party] : {std::pair<std::string_view, const std::string&>{
                                             "provisional_party", v.provisional_party},
                                         {"resolved_party", v.resolved_party}}) {
        if (party.empty() || bundle_parties.count(party) > 0) continue;
        MARA_ASSIGN_OR_RETURN(bool stored, lookup_->Exists(Collection::kParties, party));
        if (!stored) {
          return Status::InvalidArgument(at + std::string(field) + ": unknown party " +
                                         QuoteForMessage(party));
        }
      }
      MARA_RETURN_IF_ERROR(store_.PutNameReview(v).status().WithPrefix(path_));
    }
    return Status::Ok();
  }

  // The communications the bundle carries: a party they name must be in
  // the bundle or the store, their dates not after today, and no two may
  // share a follow digest (the store refuses it with kConflict).
  Status PutCommunications(const DecodedBundle& d) {
    std::set<std::string, std::less<>> bundle_parties;
    for (const Party& p : d.bundle.parties) bundle_parties.insert(p.id);
    for (size_t i = 0; i < d.communications.size(); ++i) {
      const Communication& v = d.communications[i];
      const std::string at =
          path_ + ": /" + std::string(kCommunicationsMember) + "/" + std::to_string(i);
      if (v.party && bundle_parties.count(*v.party) == 0) {
        MARA_ASSIGN_OR_RETURN(bool stored, lookup_->Exists(Collection::kParties, *v.party));
        if (!stored) {
          return Status::InvalidArgument(at + "/party: unknown party " + QuoteForMessage(*v.party));
        }
      }
      if (std::optional<FieldError> e = CheckNotAfter(v, Today(options_))) {
        return Status::InvalidArgument(at + e->field + ": " + e->message);
      }
      MARA_RETURN_IF_ERROR(store_.PutCommunication(v).WithPrefix(at));
    }
    return Status::Ok();
  }

  template <typename T>
  Status PutAll(Collection c, const std::vector<T>& records) {
    for (size_t i = 0; i < records.size(); ++i) {
      if (rejected_[static_cast<size_t>(c)][i]) continue;
      MARA_RETURN_IF_ERROR(PutOne(c, records[i]));
    }
    return Status::Ok();
  }

  template <typename T>
  Status PutOne(Collection c, const T& v) {
    const bool existed = lookup_->Stored(c, RecordKey(v));
    MARA_RETURN_IF_ERROR(store_.Put(v).WithPrefix(path_));
    Count(&report_, c, existed);
    return Status::Ok();
  }

  // Parents and the parties split from go before the parties naming them, so
  // a store that checks references on each write sees them in order.
  Status PutParties(const std::vector<Party>& parties) {
    const auto& rejected = rejected_[static_cast<size_t>(Collection::kParties)];
    std::unordered_map<std::string_view, size_t> by_id;
    for (size_t i = 0; i < parties.size(); ++i) {
      if (!rejected[i]) by_id.emplace(parties[i].id, i);
    }
    std::vector<int> state(parties.size(), 0);  // 0 new, 1 in progress, 2 written
    std::function<Status(size_t)> visit = [&](size_t i) -> Status {
      if (state[i] != 0) return Status::Ok();
      state[i] = 1;
      for (const auto& ref : {parties[i].parent, parties[i].splinter_of}) {
        if (!ref) continue;
        auto it = by_id.find(*ref);
        if (it != by_id.end()) MARA_RETURN_IF_ERROR(visit(it->second));
      }
      state[i] = 2;
      return PutOne(Collection::kParties, parties[i]);
    };
    for (size_t i = 0; i < parties.size(); ++i) {
      if (!rejected[i]) MARA_RETURN_IF_ERROR(visit(i));
    }
    return Status::Ok();
  }

  Status WriteRejects(std::vector<BundleReject>* rejects) {
    std::sort(rejects->begin(), rejects->end(), [](const BundleReject& a, const BundleReject& b) {
      if (a.collection != b.collection) return a.collection < b.collection;
      return a.index < b.index;
    });
    report_.rejects_path = path_ + ".rejects.csv";
    RejectsFile file;
    MARA_RETURN_IF_ERROR(file.Open(report_.rejects_path));
    file.Row({"pointer", "reason", "record"});
    for (const BundleReject& r : *rejects) {
      const std::string json = r.record.dump(-1, ' ', false, Json::error_handler_t::replace);
      file.Row({r.pointer, r.reason, json});
    }
    return file.Close();
  }

  Store& store_;
  const std::string& path_;
  const ImportOptions& options_;
  ImportReport& report_;
  std::unique_ptr<StoreLookup> lookup_;
  std::vector<bool> rejected_[kCollectionNames.size()];
};

// ---------------------------------------------------------------- datasets

class DatasetImport {
 public:
  DatasetImport(Store& store, const std::string& path, const ImportOptions& options,
                DatasetImporter importer, ImportReport* report)
      : store_(store), path_(path), options_(options), importer_(importer), report_(*report) {}

  Status Run() {
    MARA_ASSIGN_OR_RETURN(report_.file_digest, FileDigest(path_));
    DatasetImportOptions dataset;
    dataset.skip_invalid = options_.skip_invalid;
    dataset.agenda = options_.agenda;
    dataset.mapping = options_.mapping;
    dataset.max_record_bytes = options_.max_csv_record_bytes;
    if (!options_.names_config.empty()) {
      MARA_ASSIGN_OR_RETURN(dataset.resolver, LoadNameResolutionConfig(options_.names_config));
    }

    Transaction tx(&store_);
    MARA_RETURN_IF_ERROR(tx.Begin());
    ImportRecord record;
    record.file = path_;
    record.format = report_.format;
    record.file_digest = report_.file_digest;
    record.started_at = StartedAt(options_);
    record.principal = options_.principal;
    MARA_ASSIGN_OR_RETURN(report_.import_id, store_.StartImport(record));
    dataset.import_id = report_.import_id;

    RejectsFile rejects;
    if (options_.skip_invalid) {
      report_.rejects_path = path_ + ".rejects.csv";
      MARA_RETURN_IF_ERROR(rejects.Open(report_.rejects_path));
    }
    DatasetSink sink;
    std::vector<std::string_view> row;
    sink.reject_header = [&](const std::vector<std::string_view>& columns) {
      row.assign(columns.begin(), columns.end());
      row.push_back("reject_reason");
      rejects.Row(row);
    };
    sink.reject = [&](const std::vector<std::string_view>& fields, std::string_view reason) {
      row.assign(fields.begin(), fields.end());
      row.push_back(reason);
      rejects.Row(row);
    };
    sink.progress = options_.progress;
    DatasetImportResult result;
    Status status = importer_(store_, path_, dataset, sink, &result);
    if (!status.ok()) return status.WithPrefix(path_);
    report_.inserted = result.inserted;
    report_.updated = result.updated;
    report_.rejected = result.rejected;
    report_.notes = std::move(result.notes);
    MARA_RETURN_IF_ERROR(
        store_.FinishImport(report_.import_id, report_.Accepted(), report_.rejected));
    if (options_.before_commit) MARA_RETURN_IF_ERROR(options_.before_commit(report_));
    if (options_.skip_invalid) MARA_RETURN_IF_ERROR(rejects.Close());
    return tx.Commit();
  }

 private:
  Store& store_;
  const std::string& path_;
  const ImportOptions& options_;
  DatasetImporter importer_;
  ImportReport& report_;
};

}  // namespace

int64_t ImportReport::Accepted() const {
  int64_t n = 0;
  for (size_t i = 0; i < kCollectionNames.size(); ++i) n += inserted.counts[i] + updated.counts[i];
  return n;
}

Result<ImportReport> ImportFile(Store& store, const std::string& path,
                                const ImportOptions& options) {
  std::string format = options.format;
  if (format.empty()) {
    if (HasExtension(path, ".json")) {
      format = kBundle;
    } else if (HasExtension(path, ".csv")) {
      format = kIncidentsCsv;
    } else {
      return Status::InvalidArgument(path +
                                     ": cannot tell the format from the file name; give "
                                     "--format bundle or --format incidents-csv");
    }
  } else if (format != kBundle && format != kIncidentsCsv && !DatasetImporterFor(format)) {
    return Status::InvalidArgument(path + ": unknown import format " + QuoteForMessage(format) +
                                   " (expected bundle, incidents-csv, svac, ucdp-actors, acled "
                                   "or hxl)");
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  ImportReport report;
  report.file = path;
  report.format = format;
  if (format == kBundle) {
    BundleImport job(store, path, options, &report);
    MARA_RETURN_IF_ERROR(job.Run());
  } else if (DatasetImporter importer = DatasetImporterFor(format)) {
    DatasetImport job(store, path, options, importer, &report);
    MARA_RETURN_IF_ERROR(job.Run());
  } else {
    CsvImport job(store, path, options, &report);
    MARA_RETURN_IF_ERROR(job.Run());
  }
  return report;
}

std::string FormatImportSummary(const ImportReport& r) {
  std::string out = "Imported " + r.file + " (" + r.format + "): " + std::to_string(r.Accepted()) +
                    " records accepted, " + std::to_string(r.rejected) + " rejected\n";
  for (size_t i = 0; i < kCollectionNames.size(); ++i) {
    if (r.inserted.counts[i] == 0 && r.updated.counts[i] == 0) continue;
    out += "  " + std::string(kCollectionNames[i]) + ": " + std::to_string(r.inserted.counts[i]) +
           " inserted, " + std::to_string(r.updated.counts[i]) + " updated\n";
  }
  for (const std::string& note : r.notes) out += note + "\n";
  if (!r.rejects_path.empty()) out += "Rejected records and reasons: " + r.rejects_path + "\n";
  return out;
}

}  // namespace mara

#include "ingest/bundle.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include "common/text.h"
#include "domain/disclosure.h"

namespace mara {
namespace {

Status Invalid(std::string_view name, const std::string& message) {
  return Status::InvalidArgument(std::string(name) + ": " + message);
}

// Linear scan for the deepest nesting outside strings, so that the parser
// (which recurses) never sees a document deeper than the limit.
Status CheckDepth(std::string_view text, std::string_view name) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxBundleDepth) {
        return Invalid(name, "byte " + std::to_string(i + 1) + ": nesting deeper than " +
                                 std::to_string(kMaxBundleDepth) + " levels");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return Status::Ok();
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column
// 9: syntax error while parsing object - unexpected end of input; expected
// string literal" becomes "unexpected end of input; expected string literal".
std::string ParseErrorDetail(const char* what) {
  std::string s(what);
  size_t at = s.find(" - ");
  if (at != std::string::npos) return s.substr(at + 3);
  at = s.find("column ");
  if (at != std::string::npos) {
    at = s.find(": ", at);
    if (at != std::string::npos) return s.substr(at + 2);
  }
  return s;
}

template <typename T>
Status DecodeCollection(const Json& doc, Collection c, bool keep_going, std::vector<T>* out,
                        DecodedBundle* decoded) {
  const std::string_view name = kCollectionNames[static_cast<size_t>(c)];
  auto it = doc.find(std::string(name));
  if (it == doc.end() || it->is_null()) return Status::Ok();
  const std::string base = "/" + std::string(name);
  if (!it->is_array()) {
    return Status::InvalidArgument(base + ": expected an array, got " +
                                   std::string(it->is_object() ? "an object" : it->type_name()));
  }
  out->reserve(it->size());
  auto& origin = decoded->origin[static_cast<size_t>(c)];
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& element = (*it)[i];
    T record;
    const std::string pointer = base + "/" + std::to_string(i);
    Status s = FromJson(element, &record);
    if (!s.ok()) {
      Status located = PrefixPointer(s, pointer);
      if (!keep_going) return located;
      decoded->rejects.push_back({c, i, pointer, located.message(), element});
      continue;
    }
    out->push_back(std::move(record));
    origin.push_back(i);
  }
  return Status::Ok();
}

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {
    buffer_.append("{\"format\":\"");
    buffer_.append(kBundleFormat);
    buffer_.append("\"");
  }

  void StartCollection(Collection c) {
    buffer_.append(",\n\"");
    buffer_.append(kCollectionNames[static_cast<size_t>(c)]);
    buffer_.append("\":[");
    count_ = 0;
  }

  template <typename T>
  Status Record(const T& v) {
    buffer_.append(count_++ == 0 ? "\n" : ",\n");
    try {
      buffer_.append(ToJson(v).dump(-1, ' ', false, Json::error_handler_t::strict));
    } catch (const nlohmann::json::exception& e) {
      return Status::Corruption("a stored record cannot be written as JSON: " +
                                std::string(e.what()));
    }
    if (buffer_.size() >= (size_t{1} << 16)) return Flush();
    return Status::Ok();
  }

  // A top-level member after the collections, one value per line.
  Status Member(std::string_view name, const std::vector<Json>& values) {
    buffer_.append(",\n\"");
    buffer_.append(name);
    buffer_.append("\":[");
    count_ = 0;
    for (const Json& v : values) {
      buffer_.append(count_++ == 0 ? "\n" : ",\n");
      try {
        buffer_.append(v.dump(-1, ' ', false, Json::error_handler_t::strict));
      } catch (const nlohmann::json::exception& e) {
        return Status::Corruption("a stored record cannot be written as JSON: " +
                                  std::string(e.what()));
      }
    }
    EndCollection();
    return Status::Ok();
  }

  template <typename T>
  Status All(Collection c, const std::vector<T>& records) {
    StartCollection(c);
    for (const T& r : records) MARA_RETURN_IF_ERROR(Record(r));
    EndCollection();
    return Status::Ok();
  }

  void EndCollection() { buffer_.append(count_ == 0 ? "]" : "\n]"); }

  Status Finish() {
    buffer_.append("\n}\n");
    MARA_RETURN_IF_ERROR(Flush());
    out_.flush();
    if (!out_) return Status::IOError("writing the bundle failed");
    return Status::Ok();
  }

 private:
  Status Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    if (!out_) return Status::IOError("writing the bundle failed");
    return Status::Ok();
  }

  std::ostream& out_;
  std::string buffer_;
  size_t count_ = 0;
};

// Everything after incidents, shared by both WriteBundle overloads.
Status WriteRest(Writer& w, const Bundle& b) {
  MARA_RETURN_IF_ERROR(w.All(Collection::kEvidence, b.evidence));
  MARA_RETURN_IF_ERROR(w.All(Collection::kFindings, b.findings));
  MARA_RETURN_IF_ERROR(w.All(Collection::kCommitments, b.commitments));
  MARA_RETURN_IF_ERROR(w.All(Collection::kDecisions, b.decisions));
  MARA_RETURN_IF_ERROR(w.All(Collection::kDesignations, b.designations));
  MARA_RETURN_IF_ERROR(w.All(Collection::kStatements, b.statements));
  MARA_RETURN_IF_ERROR(w.All(Collection::kEngagements, b.engagements));
  return w.All(Collection::kPetitions, b.petitions);
}

// A name-review entry as the bundle carries it: every member but the
// store-assigned id; candidates as the JSON array they are.
Result<Json> NameReviewJson(const NameReview& v) {
  Json j;
  j["origin"] = v.origin;
  j["query"] = v.query;
  j["provisional_party"] = v.provisional_party;
  Json candidates = Json::parse(v.candidates.empty() ? "[]" : v.candidates, nullptr, false);
  if (candidates.is_discarded() || !candidates.is_array()) {
    return Status::Corruption("name review " + std::to_string(v.id) +
                              ": stored candidates are not a JSON array");
  }
  j["candidates"] = std::move(candidates);
  j["reason"] = v.reason;
  j["status"] = v.status;
  j["resolved_party"] = v.resolved_party;
  j["decided_by"] = v.decided_by;
  j["decided_at"] = v.decided_at;
  if (!v.note.empty()) j["note"] = v.note;
  return j;
}

Status DecodeNameReviews(const Json& doc, std::vector<NameReview>* out) {
  auto it = doc.find(std::string(kNameReviewsMember));
  if (it == doc.end()) return Status::Ok();
  const std::string base = "/" + std::string(kNameReviewsMember);
  if (!it->is_array()) return Status::InvalidArgument(base + ": expected an array");
  static const std::set<std::string, std::less<>> kStrings = {
      "origin",         "query",      "provisional_party", "reason", "status",
      "resolved_party", "decided_by", "decided_at",        "note"};
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& e = (*it)[i];
    const std::string at = base + "/" + std::to_string(i);
    if (!e.is_object()) return Status::InvalidArgument(at + ": expected an object");
    NameReview v;
    for (const auto& [key, value] : e.items()) {
      if (key == "candidates") {
        if (!value.is_array()) {
          return Status::InvalidArgument(at + "/candidates: expected an array");
        }
        v.candidates = value.dump();
        continue;
      }
      if (kStrings.count(key) == 0) {
        return Status::InvalidArgument(at + "/" + QuoteForMessage(key) + ": unknown field");
      }
      if (!value.is_string()) {
        return Status::InvalidArgument(at + "/" + key + ": expected a string");
      }
      const std::string& text = value.get_ref<const std::string&>();
      if (key == "origin") v.origin = text;
      if (key == "query") v.query = text;
      if (key == "provisional_party") v.provisional_party = text;
      if (key == "reason") v.reason = text;
      if (key == "status") v.status = text;
      if (key == "resolved_party") v.resolved_party = text;
      if (key == "note") v.note = text;
      if (key == "decided_by") v.decided_by = text;
      if (key == "decided_at") v.decided_at = text;
    }
    if (v.origin.empty()) return Status::InvalidArgument(at + "/origin: required");
    if (v.query.empty()) return Status::InvalidArgument(at + "/query: required");
    if (!e.contains("status")) return Status::InvalidArgument(at + "/status: required");
    if (v.status != "pending" && v.status != "accepted" && v.status != "rejected" &&
        v.status != "created") {
      return Status::InvalidArgument(at + "/status: unknown status " + QuoteForMessage(v.status) +
                                     " (expected pending, accepted, rejected or created)");
    }
    if (v.candidates.empty()) v.candidates = "[]";
    out->push_back(std::move(v));
  }
  return Status::Ok();
}

Status WriteHead(Writer& w, const Bundle& b) {
  MARA_RETURN_IF_ERROR(w.All(Collection::kSituations, b.situations));
  MARA_RETURN_IF_ERROR(w.All(Collection::kParties, b.parties));
  return w.All(Collection::kSources, b.sources);
}

}  // namespace

Result<Json> ParseBundleText(std::string_view text, std::string_view name) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Invalid(name, "empty file, expected a " + std::string(kBundleFormat) + " JSON document");
  }
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return Invalid(name, "byte " + std::to_string(bad + 1) + ": invalid UTF-8");
  }
  MARA_RETURN_IF_ERROR(CheckDepth(text, name));
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // At the end of input nlohmann counts one byte past the last.
    const size_t byte = std::min<size_t>(e.byte, text.size());
    return Invalid(name, "byte " + std::to_string(byte) + ": " + ParseErrorDetail(e.what()));
  } catch (const nlohmann::json::exception& e) {
    return Invalid(name, ParseErrorDetail(e.what()));
  }
  if (!doc.is_object()) {
    return Invalid(name, "expected a JSON object at the top level, got " +
                             std::string(doc.is_array() ? "an array" : doc.type_name()));
  }
  std::string allowed = "format";
  for (std::string_view c : kCollectionNames) allowed += ", " + std::string(c);
  allowed += ", " + std::string(kNameReviewsMember) + ", " + std::string(kCommunicationsMember);
  for (const auto& [key, value] : doc.items()) {
    bool known = key == "format" || key == kNameReviewsMember || key == kCommunicationsMember;
    for (std::string_view c : kCollectionNames) known = known || key == c;
    if (!known) {
      return Invalid(name, "/" + QuoteForMessage(key) + ": unknown top-level field (expected " +
                               allowed + ")");
    }
  }
  auto format = doc.find("format");
  if (format == doc.end()) {
    return Invalid(name, "/format: missing; a bundle starts with \"format\": \"" +
                             std::string(kBundleFormat) + "\"");
  }
  if (!format->is_string() || format->get_ref<const std::string&>() != kBundleFormat) {
    const std::string got = format->is_string()
                                ? QuoteForMessage(format->get_ref<const std::string&>())
                                : format->dump();
    return Invalid(name, "/format: unsupported format " + got + " (expected '" +
                             std::string(kBundleFormat) + "')");
  }
  return doc;
}

Result<Json> ReadBundleFile(const std::string& path, std::string* bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + ": is a directory, not a file");
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  bytes->clear();
  bytes->reserve(static_cast<size_t>(st.st_size));
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) bytes->append(chunk, n);
  if (std::ferror(file.get()))
    return Status::IOError(path + ": read failed: " + std::strerror(errno));
  return ParseBundleText(*bytes, path);
}

namespace {

Status DecodeCommunications(const Json& doc, std::vector<Communication>* out) {
  auto it = doc.find(std::string(kCommunicationsMember));
  if (it == doc.end()) return Status::Ok();
  const std::string base = "/" + std::string(kCommunicationsMember);
  if (!it->is_array()) return Status::InvalidArgument(base + ": expected an array");
  for (size_t i = 0; i < it->size(); ++i) {
    Communication v;
    MARA_RETURN_IF_ERROR(PrefixPointer(FromJson((*it)[i], &v), base + "/" + std::to_string(i)));
    out->push_back(std::move(v));
  }
  return Status::Ok();
}

}  // namespace

Result<DecodedBundle> DecodeBundle(const Json& doc, bool keep_going) {
  DecodedBundle d;
  Bundle& b = d.bundle;
  MARA_RETURN_IF_ERROR(
      DecodeCollection(doc, Collection::kSituations, keep_going, &b.situations, &d));
  MARA_RETURN_IF_ERROR(DecodeCollection(doc, Collection::kParties, keep_going, &b.parties, &d));
  MARA_RETURN_IF_ERROR(DecodeCollection(doc, Collection::kSources, keep_going, &b.sources, &d));
  MARA_RETURN_IF_ERROR(DecodeCollection(doc, Collection::kIncidents, keep_going, &b.incidents, &d));
  MARA_RETURN_IF_ERROR(DecodeCollection(doc, Collection::kEvidence, keep_going, &b.evidence, &d));
  MARA_RETURN_IF_ERROR(DecodeCollection(doc, Collection::kFindings, keep_going, &b.findings, &d));
  MARA_RETURN_IF_ERROR(
      DecodeCollection(doc, Collection::kCommitments, keep_going, &b.commitments, &d));
  MARA_RETURN_IF_ERROR(DecodeCollection(doc, Collection::kDecisions, keep_going, &b.decisions, &d));
  MARA_RETURN_IF_ERROR(
      DecodeCollection(doc, Collection::kDesignations, keep_going, &b.designations, &d));
  MARA_RETURN_IF_ERROR(
      DecodeCollection(doc, Collection::kStatements, keep_going, &b.statements, &d));
  MARA_RETURN_IF_ERROR(
      DecodeCollection(doc, Collection::kEngagements, keep_going, &b.engagements, &d));
  MARA_RETURN_IF_ERROR(DecodeCollection(doc, Collection::kPetitions, keep_going, &b.petitions, &d));
  MARA_RETURN_IF_ERROR(DecodeNameReviews(doc, &d.name_reviews));
  MARA_RETURN_IF_ERROR(DecodeCommunications(doc, &d.communications));
  return d;
}

Status WriteBundle(const Bundle& bundle, std::ostream& out) {
  Writer w(out);
  MARA_RETURN_IF_ERROR(WriteHead(w, bundle));
  MARA_RETURN_IF_ERROR(w.All(Collection::kIncidents, bundle.incidents));
  MARA_RETURN_IF_ERROR(WriteRest(w, bundle));
  return w.Finish();
}

Status WriteBundle(Store& store, std::ostream& out) {
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  for (Source& source : registry.sources) source = Disclosable(source);
  Writer w(out);
  MARA_RETURN_IF_ERROR(WriteHead(w, registry));
  w.StartCollection(Collection::kIncidents);
  // Withdrawn consent removes an incident's content from every output
  // (domain/disclosure.h): the export keeps a content-free tombstone so that
  // statements and evidence citing its id still resolve on import.
  std::set<std::string> withdrawn;
  MARA_RETURN_IF_ERROR(store.ScanIncidents([&](const Incident& v) {
    if (!IsWithdrawn(v.consent)) return w.Record(v);
    withdrawn.insert(v.id);
    return w.Record(Tombstone(v));
  }));
  w.EndCollection();
  for (const Source& source : registry.sources) {
    if (source.consent && IsWithdrawn(*source.consent)) withdrawn.insert(source.id);
  }
  for (EvidenceItem& item : registry.evidence) item = Disclosable(item, withdrawn);
  MARA_RETURN_IF_ERROR(WriteRest(w, registry));
  MARA_ASSIGN_OR_RETURN(std::vector<NameReview> reviews, store.ListNameReviews());
  if (!reviews.empty()) {
    std::vector<Json> entries;
    entries.reserve(reviews.size());
    for (const NameReview& v : reviews) {
      MARA_ASSIGN_OR_RETURN(Json j, NameReviewJson(v));
      entries.push_back(std::move(j));
    }
    MARA_RETURN_IF_ERROR(w.Member(kNameReviewsMember, entries));
  }
  MARA_ASSIGN_OR_RETURN(std::vector<Communication> communications, store.ListCommunications());
  if (!communications.empty()) {
    std::vector<Json> entries;
    entries.reserve(communications.size());
    for (const Communication& v : communications) entries.push_back(ToJson(v));
    MARA_RETURN_IF_ERROR(w.Member(kCommunicationsMember, entries));
  }
  return w.Finish();
}

}  // namespace mara

// Validation of records beyond their JSON or CSV syntax.
//
// Contract:
// - CheckRecord(x) applies one record's own rules to a decoded value (ids
//   that match kIdPattern, text that is valid UTF-8 and at most
//   kMaxTextLength, non-negative counts, coordinates in range, an incident
//   with at least one violation, a decision with a rationale, a finding level
//   in 0..3, cycles in 1000..9999, unique measure ids, ...). It returns the
//   first broken rule as a FieldError whose `field` is a JSON pointer
//   relative to the record ("/victims/women"), or nullopt. Pure.
// - CheckNotAfter(x, today) refuses a record dated after `today`: an
//   incident's date and verified_on, a decision's date, a petition's filed
//   and decided, an engagement's and a statement's date, a commitment's
//   signed and its measures' verified_on, a party's dissolution date. The
//   FieldError names the field
//   ("/date") and says "2030-01-05 is after today (2026-12-03)". Records of
//   other collections have no such rule (a due date or an end of
//   designation may lie ahead). `today` is the caller's (its clock's) date;
//   nothing here reads a clock. Pure.
// - RecordKey(x) is the record's identity in its collection: the id, or the
//   natural key of domain/model.h joined with '\x1f'. Pure.
// - ValidateBundle() checks the cross-record rules of one input: duplicate
//   keys, references to situations, parties, sources, incidents (and
//   parents, splinter_of, statement incidents, ...) resolved against the
//   input itself plus a ReferenceLookup over what is already stored, and
//   cycles in the parent chain (self-parenting included, also through stored
//   parties). It reports at most one error per record; a record whose
//   reference points at a rejected input record fails too unless the
//   reference is already stored. With `stop_at_first` it returns after the
//   first error. Record order within each collection decides which of two
//   duplicates is rejected (the later one). With `today` set, every record
//   must also pass CheckNotAfter(x, *today).
// - The lookup is called from the calling thread only; errors it returns
//   (e.g. kIOError from a store) are returned as the Result's status.
#ifndef MARA_DOMAIN_VALIDATE_H_
#define MARA_DOMAIN_VALIDATE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.h"
#include "common/status.h"
#include "domain/model.h"

namespace mara {

// A broken rule within one record.
struct FieldError {
  std::string field;    // JSON pointer relative to the record, "" for the record itself
  std::string message;  // e.g. "expected a non-negative integer, got -2"
};

std::optional<FieldError> CheckRecord(const Situation& v);
std::optional<FieldError> CheckRecord(const Party& v);
std::optional<FieldError> CheckRecord(const Source& v);
std::optional<FieldError> CheckRecord(const Incident& v);
std::optional<FieldError> CheckRecord(const EvidenceItem& v);
std::optional<FieldError> CheckRecord(const Finding& v);
std::optional<FieldError> CheckRecord(const Commitment& v);
std::optional<FieldError> CheckRecord(const Decision& v);
std::optional<FieldError> CheckRecord(const Designation& v);
std::optional<FieldError> CheckRecord(const Statement& v);
std::optional<FieldError> CheckRecord(const Engagement& v);
std::optional<FieldError> CheckRecord(const Petition& v);
// A communication: id "COM-<year>-<4 or more digits>", a party for listing
// and delisting requests, a submitter, text, attachments with a SHA-256,
// reasons once ruled, a 64-hex-digit follow digest.
std::optional<FieldError> CheckRecord(const Communication& v);

std::optional<FieldError> CheckNotAfter(const Situation& v, Date today);
std::optional<FieldError> CheckNotAfter(const Party& v, Date today);
std::optional<FieldError> CheckNotAfter(const Source& v, Date today);
std::optional<FieldError> CheckNotAfter(const Incident& v, Date today);
std::optional<FieldError> CheckNotAfter(const EvidenceItem& v, Date today);
std::optional<FieldError> CheckNotAfter(const Finding& v, Date today);
std::optional<FieldError> CheckNotAfter(const Commitment& v, Date today);
std::optional<FieldError> CheckNotAfter(const Decision& v, Date today);
std::optional<FieldError> CheckNotAfter(const Designation& v, Date today);
std::optional<FieldError> CheckNotAfter(const Statement& v, Date today);
std::optional<FieldError> CheckNotAfter(const Engagement& v, Date today);
std::optional<FieldError> CheckNotAfter(const Petition& v, Date today);
std::optional<FieldError> CheckNotAfter(const Communication& v, Date today);

// "2030-01-05 is after today (2026-12-03)"
std::string AfterTodayMessage(Date date, Date today);

std::string RecordKey(const Situation& v);
std::string RecordKey(const Party& v);
std::string RecordKey(const Source& v);
std::string RecordKey(const Incident& v);
std::string RecordKey(const EvidenceItem& v);
std::string RecordKey(const Finding& v);
std::string RecordKey(const Commitment& v);
std::string RecordKey(const Decision& v);
std::string RecordKey(const Designation& v);
std::string RecordKey(const Statement& v);
std::string RecordKey(const Engagement& v);
std::string RecordKey(const Petition& v);

// What already exists outside the input being validated (usually a store).
class ReferenceLookup {
 public:
  virtual ~ReferenceLookup() = default;
  // Whether a record with this id exists in an id-keyed collection
  // (situations, parties, sources, incidents, evidence, commitments,
  // statements).
  virtual Result<bool> Exists(Collection collection, std::string_view id) = 0;
  // The stored parent of a stored party; nullopt for none or unknown.
  virtual Result<std::optional<std::string>> ParentOf(std::string_view party) = 0;
};

// A ReferenceLookup that knows nothing: every reference must resolve within
// the input.
class EmptyLookup : public ReferenceLookup {
 public:
  Result<bool> Exists(Collection, std::string_view) override { return false; }
  Result<std::optional<std::string>> ParentOf(std::string_view) override {
    return std::optional<std::string>();
  }
};

// One broken rule, located by collection, record index (within the Bundle's
// vector) and field.
struct ValidationError {
  Collection collection = Collection::kSituations;
  size_t index = 0;
  std::string field;  // JSON pointer relative to the record
  std::string message;

  // "/incidents/3/perpetrators/0/party"
  std::string Pointer() const;
  // kInvalidArgument "<Pointer()>: <message>"
  Status ToStatus() const;
};

// The reference rules of one incident (situation, perpetrators' parties,
// sources), resolved through `lookup` alone; used for streamed input, where
// the incident's references must already be stored.
Result<std::optional<FieldError>> CheckReferences(const Incident& v, ReferenceLookup& lookup);

Result<std::vector<ValidationError>> ValidateBundle(const Bundle& bundle, ReferenceLookup& stored,
                                                    bool stop_at_first,
                                                    std::optional<Date> today = std::nullopt);

}  // namespace mara

#endif  // MARA_DOMAIN_VALIDATE_H_

// The closed vocabularies of the domain (docs/design.md, docs/formats.md)
// and their spellings.
//
// Contract: every enum has a name table; ToString() gives the canonical
// snake_case spelling used in bundles, CSV, the database and output, and
// ParseEnum<E>() accepts exactly those spellings (case-sensitive) and returns
// nullopt otherwise. AllowedValues<E>() lists them for error messages.
// Pure, thread-safe.
#ifndef MARA_DOMAIN_ENUMS_H_
#define MARA_DOMAIN_ENUMS_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mara {

enum class PartyKind { kState, kNonState };
enum class DatePrecision { kDay, kWeek, kMonth, kYear };
// Taxonomy "un-crsv-2019" (kTaxonomyVersion). Order is the published order.
enum class Violation {
  kRape,
  kSexualSlavery,
  kForcedProstitution,
  kForcedPregnancy,
  kForcedAbortion,
  kEnforcedSterilization,
  kForcedMarriage,
  kSexualTorture,
  kSexualMutilation,
  kForcedNudity,
  kTraffickingSexual,
  kOtherComparableGravity,
};
enum class Context { kDetention, kAttack, kDisplacement, kCheckpoint, kAbduction, kHome, kOther };
enum class Nexus {
  kPerpetratorAffiliation,
  kVictimProfile,
  kClimateOfImpunity,
  kCrossBorder,
  kCeasefireViolation,
  kTemporalGeographic,
};
enum class IncidentStatus { kReported, kUnderVerification, kVerified, kNotVerified };
// Ordered: a higher value is a stronger standard.
enum class Standard { kCredibleInformation = 0, kReasonableGrounds = 1, kClearAndConvincing = 2 };
enum class Consent { kInternalUse, kAggregateReporting, kIdentifiedSharing, kWithdrawn };
enum class SourceKind {
  kUnMonitoring,
  kUnInvestigation,
  kNgo,
  kNationalAuthority,
  kJudicial,
  kSanctionsDesignation,
  kMedia,
  kSurvivorTestimony,
  kWitnessTestimony,
  kMedicalRecord,
  kAcademicDataset,
};
enum class CommitmentKind {
  kJointCommunique,
  kActionPlan,
  kImplementationPlan,
  kFrameworkOfCooperation,
  kUnilateral,
};
enum class MeasureStatus { kPending, kInProgress, kVerifiedImplemented, kNotImplemented };
// Ordered: none < on_notice < listed.
enum class PartyStatus { kNone = 0, kOnNotice = 1, kListed = 2 };
enum class DesignationKind { kTerrorist, kSanctions, kCriminalCharge };
enum class StatementKind { kCondemnation, kStatement, kReport, kDispute };
enum class EngagementKind {
  kContact,
  kRefused,
  kSevered,
  kRestored,
  kAccessDenied,
  kPersonaNonGrata
};
enum class PetitionOutcome { kPending, kGranted, kRejected, kInadmissible };
// A communication from outside: what it asks, who sends it, where it stands.
enum class CommunicationKind { kListingRequest, kDelistingRequest, kInformation };
enum class SubmitterKind { kNgo, kCoalition, kSurvivorsOrganisation };
enum class CommunicationStatus { kReceived, kUnderReview, kAccepted, kDeclined, kNoted };

inline constexpr std::string_view kTaxonomyVersion = "un-crsv-2019";

template <typename E>
struct EnumNames;  // specialised below: static constexpr std::array<std::string_view, N> kNames

#define MARA_ENUM_NAMES(E, ...)                         \
  template <>                                           \
  struct EnumNames<E> {                                 \
    static constexpr std::array kNames = {__VA_ARGS__}; \
  };

using namespace std::string_view_literals;
MARA_ENUM_NAMES(PartyKind, "state"sv, "non_state"sv)
MARA_ENUM_NAMES(DatePrecision, "day"sv, "week"sv, "month"sv, "year"sv)
MARA_ENUM_NAMES(Violation, "rape"sv, "sexual_slavery"sv, "forced_prostitution"sv,
                "forced_pregnancy"sv, "forced_abortion"sv, "enforced_sterilization"sv,
                "forced_marriage"sv, "sexual_torture"sv, "sexual_mutilation"sv, "forced_nudity"sv,
                "trafficking_sexual"sv, "other_comparable_gravity"sv)
MARA_ENUM_NAMES(Context, "detention"sv, "attack"sv, "displacement"sv, "checkpoint"sv, "abduction"sv,
                "home"sv, "other"sv)
MARA_ENUM_NAMES(Nexus, "perpetrator_affiliation"sv, "victim_profile"sv, "climate_of_impunity"sv,
                "cross_border"sv, "ceasefire_violation"sv, "temporal_geographic"sv)
MARA_ENUM_NAMES(IncidentStatus, "reported"sv, "under_verification"sv, "verified"sv,
                "not_verified"sv)
MARA_ENUM_NAMES(Standard, "credible_information"sv, "reasonable_grounds"sv,
                "clear_and_convincing"sv)
MARA_ENUM_NAMES(Consent, "internal_use"sv, "aggregate_reporting"sv, "identified_sharing"sv,
                "withdrawn"sv)
MARA_ENUM_NAMES(SourceKind, "un_monitoring"sv, "un_investigation"sv, "ngo"sv,
                "national_authority"sv, "judicial"sv, "sanctions_designation"sv, "media"sv,
                "survivor_testimony"sv, "witness_testimony"sv, "medical_record"sv,
                "academic_dataset"sv)
MARA_ENUM_NAMES(CommitmentKind, "joint_communique"sv, "action_plan"sv, "implementation_plan"sv,
                "framework_of_cooperation"sv, "unilateral"sv)
MARA_ENUM_NAMES(MeasureStatus, "pending"sv, "in_progress"sv, "verified_implemented"sv,
                "not_implemented"sv)
MARA_ENUM_NAMES(PartyStatus, "none"sv, "on_notice"sv, "listed"sv)
MARA_ENUM_NAMES(DesignationKind, "terrorist"sv, "sanctions"sv, "criminal_charge"sv)
MARA_ENUM_NAMES(StatementKind, "condemnation"sv, "statement"sv, "report"sv, "dispute"sv)
MARA_ENUM_NAMES(EngagementKind, "contact"sv, "refused"sv, "severed"sv, "restored"sv,
                "access_denied"sv, "persona_non_grata"sv)
MARA_ENUM_NAMES(PetitionOutcome, "pending"sv, "granted"sv, "rejected"sv, "inadmissible"sv)
MARA_ENUM_NAMES(CommunicationKind, "listing_request"sv, "delisting_request"sv, "information"sv)
MARA_ENUM_NAMES(SubmitterKind, "ngo"sv, "coalition"sv, "survivors_organisation"sv)
MARA_ENUM_NAMES(CommunicationStatus, "received"sv, "under_review"sv, "accepted"sv, "declined"sv,
                "noted"sv)
#undef MARA_ENUM_NAMES

template <typename E>
constexpr size_t EnumCount() {
  return EnumNames<E>::kNames.size();
}

template <typename E>
constexpr std::string_view ToString(E value) {
  return EnumNames<E>::kNames[static_cast<size_t>(value)];
}

template <typename E>
constexpr std::optional<E> ParseEnum(std::string_view text) {
  const auto& names = EnumNames<E>::kNames;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// "a, b or c" for messages such as "unknown status 'x' (expected a, b or c)".
template <typename E>
std::string AllowedValues() {
  std::string out;
  const auto& names = EnumNames<E>::kNames;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace mara

#endif  // MARA_DOMAIN_ENUMS_H_

// Renderings of an Assessment: the JSON object of `mara assess --json`
// (docs/policy.md, "Output"; also served by the API) and the readable table.
//
// Contract: pure and thread-safe. The JSON keeps the documented fields with
// their names and in their order, then extra fields; equal Assessments give
// byte-identical text. The shape is written once, through JsonWriter
// (common/json_writer.h); the document-tree forms are parsed from that text,
// so both always agree.
#ifndef MARA_POLICY_ASSESSMENT_OUTPUT_H_
#define MARA_POLICY_ASSESSMENT_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "common/json_writer.h"
#include "policy/engine.h"
#include "policy/explain.h"

namespace mara {

void WritePartyAssessmentJson(JsonWriter& w, const PartyAssessment& p);
void WriteAssessmentJson(JsonWriter& w, const Assessment& a);
// The text of `mara assess --json`, laid out as nlohmann's dump(indent).
std::string AssessmentJsonText(const Assessment& a, int indent = 2);

nlohmann::ordered_json ParamValueToJson(const ParamValue& value);
nlohmann::ordered_json CriterionToJson(const Criterion& c);
nlohmann::ordered_json PartyAssessmentToJson(const PartyAssessment& p);
nlohmann::ordered_json AssessmentToJson(const Assessment& a);
// {"summary", "combination", "criteria": [{"rule", "evidence", "met",
// "sentence"}], "would_change": [...]} (policy/explain.h).
nlohmann::ordered_json ExplanationToJson(const Explanation& e);

// The text form: one line per party with status, change and evidence, then
// the audit and the sensitivity summaries.
std::string AssessmentToText(const Assessment& a);

}  // namespace mara

#endif  // MARA_POLICY_ASSESSMENT_OUTPUT_H_

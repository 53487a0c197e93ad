#include "domain/json_codec.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>

#include "common/text.h"
#include "domain/validate.h"

namespace mara {
namespace {

// ---------------------------------------------------------------- writing

Json DateJson(const Date& d) { return d.ToString(); }

template <typename E>
Json EnumJson(E e) {
  return std::string(ToString(e));
}

template <typename E>
Json EnumArray(const std::vector<E>& values) {
  Json out = Json::array();
  for (E e : values) out.push_back(std::string(ToString(e)));
  return out;
}

Json StringArray(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const std::string& s : values) out.push_back(s);
  return out;
}

template <typename T>
void PutOpt(Json& j, const char* key, const std::optional<T>& v) {
  if (!v) return;
  if constexpr (std::is_same_v<T, Date>) {
    j[key] = v->ToString();
  } else {
    j[key] = *v;
  }
}

// ---------------------------------------------------------------- reading

Status Error(const std::string& ptr, std::string message) {
  return Status::InvalidArgument(ptr + ": " + message);
}

// Escapes a key for use in a pointer (RFC 6901), shown safely in a message.
std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  const std::string quoted = QuoteForMessage(out);
  if (quoted.size() == out.size() + 2) return out;  // nothing needed escaping
  return quoted;
}

// What a value is, for "expected X, got Y".
std::string Got(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return j.get<bool>() ? "true" : "false";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return j.dump();
    default:
      return "a value of another type";
  }
}

Status Expected(const std::string& ptr, std::string_view what, const Json& j) {
  return Error(ptr, "expected " + std::string(what) + ", got " + Got(j));
}

// One JSON object being decoded: checks its type and keys up front, then
// hands out its fields by name.
class Obj {
 public:
  Obj(const Json& j, std::string ptr) : j_(j), ptr_(std::move(ptr)) {}

  Status Open(std::initializer_list<std::string_view> keys) {
    if (!j_.is_object()) return Expected(ptr_, "an object", j_);
    for (const auto& [key, value] : j_.items()) {
      bool known = false;
      for (std::string_view k : keys) known = known || k == key;
      if (!known) {
        std::string allowed;
        for (std::string_view k : keys) {
          if (!allowed.empty()) allowed += ", ";
          allowed += k;
        }
        return Error(ptr_ + "/" + PointerToken(key),
                     "unknown field (expected one of: " + allowed + ")");
      }
    }
    return Status::Ok();
  }

  std::string Ptr(std::string_view key) const { return ptr_ + "/" + std::string(key); }

  // nullptr when the key is missing or null.
  const Json* Find(std::string_view key) const {
    auto it = j_.find(std::string(key));
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  Result<const Json*> Need(std::string_view key) const {
    auto it = j_.find(std::string(key));
    if (it == j_.end()) return Error(Ptr(key), "missing required field");
    return &*it;
  }

 private:
  const Json& j_;
  std::string ptr_;
};

Status ReadString(const Json& j, const std::string& ptr, std::string* out) {
  if (!j.is_string()) return Expected(ptr, "a string", j);
  const std::string& s = j.get_ref<const std::string&>();
  size_t bad = 0;
  if (!IsValidUtf8(s, &bad)) return Error(ptr, "invalid UTF-8 at byte " + std::to_string(bad));
  if (s.size() > kMaxTextLength) {
    return Error(ptr, "text of " + std::to_string(s.size()) +
                          " bytes is longer than the limit of " + std::to_string(kMaxTextLength));
  }
  *out = s;
  return Status::Ok();
}

Status Str(const Obj& o, std::string_view key, std::string* out) {
  MARA_ASSIGN_OR_RETURN(const Json* j, o.Need(key));
  return ReadString(*j, o.Ptr(key), out);
}

Status OptStr(const Obj& o, std::string_view key, std::optional<std::string>* out) {
  out->reset();
  const Json* j = o.Find(key);
  if (!j) return Status::Ok();
  std::string s;
  MARA_RETURN_IF_ERROR(ReadString(*j, o.Ptr(key), &s));
  *out = std::move(s);
  return Status::Ok();
}

// A string that may be left out, meaning "".
Status StrOrEmpty(const Obj& o, std::string_view key, std::string* out) {
  out->clear();
  const Json* j = o.Find(key);
  if (!j) return Status::Ok();
  return ReadString(*j, o.Ptr(key), out);
}

Status ReadDate(const Json& j, const std::string& ptr, Date* out) {
  if (!j.is_string()) return Expected(ptr, "a date string YYYY-MM-DD", j);
  auto d = Date::Parse(j.get_ref<const std::string&>());
  if (!d.ok()) return Error(ptr, d.status().message());
  *out = *d;
  return Status::Ok();
}

Status DateField(const Obj& o, std::string_view key, Date* out) {
  MARA_ASSIGN_OR_RETURN(const Json* j, o.Need(key));
  return ReadDate(*j, o.Ptr(key), out);
}

Status OptDate(const Obj& o, std::string_view key, std::optional<Date>* out) {
  out->reset();
  const Json* j = o.Find(key);
  if (!j) return Status::Ok();
  Date d;
  MARA_RETURN_IF_ERROR(ReadDate(*j, o.Ptr(key), &d));
  *out = d;
  return Status::Ok();
}

Status Bool(const Obj& o, std::string_view key, bool* out) {
  MARA_ASSIGN_OR_RETURN(const Json* j, o.Need(key));
  if (!j->is_boolean()) return Expected(o.Ptr(key), "true or false", *j);
  *out = j->get<bool>();
  return Status::Ok();
}

Status OptBool(const Obj& o, std::string_view key, bool fallback, bool* out) {
  *out = fallback;
  const Json* j = o.Find(key);
  if (!j) return Status::Ok();
  if (!j->is_boolean()) return Expected(o.Ptr(key), "true or false", *j);
  *out = j->get<bool>();
  return Status::Ok();
}

template <typename E>
Status ReadEnum(const Json& j, const std::string& ptr, E* out) {
  if (!j.is_string()) return Expected(ptr, "one of " + AllowedValues<E>(), j);
  const std::string& s = j.get_ref<const std::string&>();
  std::optional<E> e = ParseEnum<E>(s);
  if (!e) {
    return Error(ptr,
                 "unknown value " + QuoteForMessage(s) + " (expected " + AllowedValues<E>() + ")");
  }
  *out = *e;
  return Status::Ok();
}

template <typename E>
Status Enum(const Obj& o, std::string_view key, E* out) {
  MARA_ASSIGN_OR_RETURN(const Json* j, o.Need(key));
  return ReadEnum(*j, o.Ptr(key), out);
}

template <typename E>
Status OptEnum(const Obj& o, std::string_view key, E fallback, E* out) {
  *out = fallback;
  const Json* j = o.Find(key);
  if (!j) return Status::Ok();
  return ReadEnum(*j, o.Ptr(key), out);
}

// Calls fn(element, pointer) for each element; a missing or null array is
// empty unless `required`.
template <typename F>
Status Array(const Obj& o, std::string_view key, bool required, F&& fn) {
  const Json* j = o.Find(key);
  if (!j) {
    if (!required) return Status::Ok();
    MARA_ASSIGN_OR_RETURN(const Json* present, o.Need(key));
    return Expected(o.Ptr(key), "an array", *present);
  }
  const std::string ptr = o.Ptr(key);
  if (!j->is_array()) return Expected(ptr, "an array", *j);
  for (size_t i = 0; i < j->size(); ++i) {
    MARA_RETURN_IF_ERROR(fn((*j)[i], ptr + "/" + std::to_string(i)));
  }
  return Status::Ok();
}

template <typename E>
Status EnumList(const Obj& o, std::string_view key, bool required, std::vector<E>* out) {
  out->clear();
  return Array(o, key, required, [&](const Json& j, const std::string& ptr) {
    E e{};
    MARA_RETURN_IF_ERROR(ReadEnum(j, ptr, &e));
    out->push_back(e);
    return Status::Ok();
  });
}

Status StrList(const Obj& o, std::string_view key, std::vector<std::string>* out) {
  out->clear();
  return Array(o, key, false, [&](const Json& j, const std::string& ptr) {
    std::string s;
    MARA_RETURN_IF_ERROR(ReadString(j, ptr, &s));
    out->push_back(std::move(s));
    return Status::Ok();
  });
}

// An integer in [lo, hi]; floats such as 2.0 are refused so counts stay exact.
Status ReadInt(const Json& j, const std::string& ptr, int64_t lo, int64_t hi, std::string_view what,
               int64_t* out) {
  int64_t v = 0;
  if (j.is_number_unsigned()) {
    uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Expected(ptr, what, j);
    }
    v = static_cast<int64_t>(u);
  } else if (j.is_number_integer()) {
    v = j.get<int64_t>();
  } else {
    return Expected(ptr, what, j);
  }
  if (v < lo || v > hi) return Expected(ptr, what, j);
  *out = v;
  return Status::Ok();
}

Status Count(const Obj& o, std::string_view key, int64_t* out) {
  *out = 0;
  const Json* j = o.Find(key);
  if (!j) return Status::Ok();
  return ReadInt(*j, o.Ptr(key), 0, std::numeric_limits<int64_t>::max(), "a non-negative integer",
                 out);
}

Status Cycle(const Json& j, const std::string& ptr, int* out) {
  int64_t v = 0;
  MARA_RETURN_IF_ERROR(ReadInt(j, ptr, 1000, 9999, "a cycle (year) from 1000 to 9999", &v));
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status CycleField(const Obj& o, std::string_view key, int* out) {
  MARA_ASSIGN_OR_RETURN(const Json* j, o.Need(key));
  return Cycle(*j, o.Ptr(key), out);
}

Status OptCoordinate(const Obj& o, std::string_view key, double limit, std::optional<double>* out) {
  out->reset();
  const Json* j = o.Find(key);
  if (!j) return Status::Ok();
  const std::string what =
      "a number from " + std::to_string(int(-limit)) + " to " + std::to_string(int(limit));
  if (!j->is_number()) return Expected(o.Ptr(key), what, *j);
  const double v = j->get<double>();
  if (!std::isfinite(v) || v < -limit || v > limit) return Expected(o.Ptr(key), what, *j);
  *out = v;
  return Status::Ok();
}

// The record's own rules (validate.h) after its types decoded.
Status Finish(const std::optional<FieldError>& e) {
  if (!e) return Status::Ok();
  return Error(e->field, e->message);
}

}  // namespace

// ---------------------------------------------------------------- ToJson

Json ToJson(const Situation& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["name"] = v.name;
  j["on_council_agenda"] = v.on_council_agenda;
  PutOpt(j, "iso3", v.iso3);
  PutOpt(j, "gwno", v.gwno);
  return j;
}

Json ToJson(const Party& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["name"] = v.name;
  j["aliases"] = StringArray(v.aliases);
  j["kind"] = EnumJson(v.kind);
  j["situation"] = v.situation;
  PutOpt(j, "parent", v.parent);
  PutOpt(j, "splinter_of", v.splinter_of);
  Json names = Json::array();
  for (const NameOverTime& n : v.names_over_time) {
    Json e = Json::object();
    e["name"] = n.name;
    PutOpt(e, "from", n.from);
    PutOpt(e, "to", n.to);
    names.push_back(std::move(e));
  }
  j["names_over_time"] = std::move(names);
  if (v.dissolved) {
    Json d = Json::object();
    PutOpt(d, "date", v.dissolved->date);
    d["source"] = v.dissolved->source;
    j["dissolved"] = std::move(d);
  }
  if (!v.names.empty()) {
    Json by_language = Json::object();
    for (const auto& [language, name] : v.names) by_language[language] = name;
    j["names"] = std::move(by_language);
  }
  return j;
}

Json ToJson(const Source& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["kind"] = EnumJson(v.kind);
  j["title"] = v.title;
  j["publisher"] = v.publisher;
  PutOpt(j, "date", v.date);
  PutOpt(j, "url", v.url);
  j["reliability"] = std::string(1, v.reliability);
  j["credibility"] = std::to_string(v.credibility);
  j["confidential"] = v.confidential;
  if (v.consent) j["consent"] = EnumJson(*v.consent);
  return j;
}

Json ToJson(const Incident& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["situation"] = v.situation;
  j["date"] = DateJson(v.date);
  j["date_precision"] = EnumJson(v.date_precision);
  Json loc = Json::object();
  loc["name"] = v.location.name;
  PutOpt(loc, "admin1", v.location.admin1);
  PutOpt(loc, "lat", v.location.lat);
  PutOpt(loc, "lon", v.location.lon);
  j["location"] = std::move(loc);
  j["violations"] = EnumArray(v.violations);
  Json victims = Json::object();
  victims["women"] = v.victims.women;
  victims["girls"] = v.victims.girls;
  victims["men"] = v.victims.men;
  victims["boys"] = v.victims.boys;
  victims["unknown"] = v.victims.unknown;
  j["victims"] = std::move(victims);
  j["context"] = EnumJson(v.context);
  j["nexus"] = EnumArray(v.nexus);
  j["status"] = EnumJson(v.status);
  PutOpt(j, "verified_on", v.verified_on);
  Json perps = Json::array();
  for (const Attribution& a : v.perpetrators) {
    Json e = Json::object();
    e["party"] = a.party;
    e["standard"] = EnumJson(a.standard);
    perps.push_back(std::move(e));
  }
  j["perpetrators"] = std::move(perps);
  j["sources"] = StringArray(v.sources);
  PutOpt(j, "narrative", v.narrative);
  j["consent"] = EnumJson(v.consent);
  return j;
}

Json ToJson(const EvidenceItem& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["sha256"] = v.sha256;
  j["size"] = v.size;
  j["media_type"] = v.media_type;
  PutOpt(j, "source", v.source);
  PutOpt(j, "incident", v.incident);
  PutOpt(j, "description", v.description);
  PutOpt(j, "added", v.added);
  PutOpt(j, "captured_at", v.captured_at);
  return j;
}

Json ToJson(const Finding& v) {
  Json j = Json::object();
  j["party"] = v.party;
  j["cycle"] = v.cycle;
  j["source"] = v.source;
  j["level"] = v.level;
  j["forms"] = EnumArray(v.forms);
  return j;
}

Json ToJson(const Commitment& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["party"] = v.party;
  j["kind"] = EnumJson(v.kind);
  PutOpt(j, "signed", v.signed_on);
  Json measures = Json::array();
  for (const Measure& m : v.measures) {
    Json e = Json::object();
    e["id"] = m.id;
    e["text"] = m.text;
    PutOpt(e, "due", m.due);
    e["status"] = EnumJson(m.status);
    PutOpt(e, "verified_on", m.verified_on);
    measures.push_back(std::move(e));
  }
  j["measures"] = std::move(measures);
  return j;
}

Json ToJson(const Decision& v) {
  Json j = Json::object();
  j["party"] = v.party;
  j["cycle"] = v.cycle;
  j["status"] = EnumJson(v.status);
  j["decided_by"] = v.decided_by;
  j["date"] = DateJson(v.date);
  j["rationale"] = v.rationale;
  return j;
}

Json ToJson(const Designation& v) {
  Json j = Json::object();
  j["party"] = v.party;
  j["authority"] = v.authority;
  j["program"] = v.program;
  j["kind"] = EnumJson(v.kind);
  j["listed_on"] = DateJson(v.listed_on);
  PutOpt(j, "ended_on", v.ended_on);
  PutOpt(j, "source", v.source);
  return j;
}

Json ToJson(const Statement& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["by"] = v.by;
  j["date"] = DateJson(v.date);
  j["kind"] = EnumJson(v.kind);
  j["incidents"] = StringArray(v.incidents);
  j["text"] = v.text;
  return j;
}

Json ToJson(const Engagement& v) {
  Json j = Json::object();
  j["party"] = v.party;
  j["date"] = DateJson(v.date);
  j["kind"] = EnumJson(v.kind);
  j["note"] = v.note;
  return j;
}

Json ToJson(const Petition& v) {
  Json j = Json::object();
  j["party"] = v.party;
  j["filed"] = DateJson(v.filed);
  PutOpt(j, "cycle", v.cycle);
  j["grounds"] = v.grounds;
  j["new_material"] = v.new_material;
  j["outcome"] = EnumJson(v.outcome);
  PutOpt(j, "decided", v.decided);
  PutOpt(j, "decided_by", v.decided_by);
  PutOpt(j, "reason", v.reason);
  return j;
}

Json ToJson(const Communication& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["kind"] = EnumJson(v.kind);
  PutOpt(j, "party", v.party);
  j["submitter_kind"] = EnumJson(v.submitter_kind);
  j["submitter"] = v.submitter;
  j["submitted_by"] = v.submitted_by;
  j["received"] = DateJson(v.received);
  j["text"] = v.text;
  Json attachments = Json::array();
  for (const Attachment& a : v.attachments) {
    Json e = Json::object();
    e["sha256"] = a.sha256;
    e["size"] = a.size;
    e["media_type"] = a.media_type;
    attachments.push_back(std::move(e));
  }
  j["attachments"] = std::move(attachments);
  j["status"] = EnumJson(v.status);
  PutOpt(j, "review_started", v.review_started);
  PutOpt(j, "ruled", v.ruled);
  PutOpt(j, "ruled_by", v.ruled_by);
  PutOpt(j, "reason", v.reason);
  j["follow_digest"] = v.follow_digest;
  return j;
}

// ---------------------------------------------------------------- FromJson

Status FromJson(const Json& j, Situation* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "name", "on_council_agenda", "iso3", "gwno"}));
  Situation v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Str(o, "name", &v.name));
  MARA_RETURN_IF_ERROR(Bool(o, "on_council_agenda", &v.on_council_agenda));
  MARA_RETURN_IF_ERROR(OptStr(o, "iso3", &v.iso3));
  if (const Json* g = o.Find("gwno")) {
    int64_t n = 0;
    MARA_RETURN_IF_ERROR(ReadInt(*g, o.Ptr("gwno"), 1, 999, "a Gleditsch-Ward number 1..999", &n));
    v.gwno = static_cast<int>(n);
  }
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Party* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "name", "aliases", "kind", "situation", "parent",
                               "splinter_of", "names_over_time", "dissolved", "names"}));
  Party v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Str(o, "name", &v.name));
  MARA_RETURN_IF_ERROR(StrList(o, "aliases", &v.aliases));
  MARA_RETURN_IF_ERROR(Enum(o, "kind", &v.kind));
  MARA_RETURN_IF_ERROR(Str(o, "situation", &v.situation));
  MARA_RETURN_IF_ERROR(OptStr(o, "parent", &v.parent));
  MARA_RETURN_IF_ERROR(OptStr(o, "splinter_of", &v.splinter_of));
  MARA_RETURN_IF_ERROR(
      Array(o, "names_over_time", false, [&](const Json& e, const std::string& ptr) {
        Obj n(e, ptr);
        MARA_RETURN_IF_ERROR(n.Open({"name", "from", "to"}));
        NameOverTime name;
        MARA_RETURN_IF_ERROR(Str(n, "name", &name.name));
        MARA_RETURN_IF_ERROR(OptDate(n, "from", &name.from));
        MARA_RETURN_IF_ERROR(OptDate(n, "to", &name.to));
        v.names_over_time.push_back(std::move(name));
        return Status::Ok();
      }));
  if (const Json* dj = o.Find("dissolved")) {
    Obj d(*dj, o.Ptr("dissolved"));
    MARA_RETURN_IF_ERROR(d.Open({"date", "source"}));
    Dissolution dissolution;
    MARA_RETURN_IF_ERROR(OptDate(d, "date", &dissolution.date));
    MARA_RETURN_IF_ERROR(Str(d, "source", &dissolution.source));
    v.dissolved = std::move(dissolution);
  }
  if (const Json* nj = o.Find("names")) {
    const std::string ptr = o.Ptr("names");
    if (!nj->is_object()) return Expected(ptr, "an object of names by language", *nj);
    for (const auto& [language, name] : nj->items()) {
      if (name.is_null()) continue;  // null: no name in that language
      std::string text;
      MARA_RETURN_IF_ERROR(ReadString(name, ptr + "/" + PointerToken(language), &text));
      v.names[language] = std::move(text);
    }
  }
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Source* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "kind", "title", "publisher", "date", "url", "reliability",
                               "credibility", "confidential", "consent"}));
  Source v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Enum(o, "kind", &v.kind));
  MARA_RETURN_IF_ERROR(Str(o, "title", &v.title));
  MARA_RETURN_IF_ERROR(StrOrEmpty(o, "publisher", &v.publisher));
  MARA_RETURN_IF_ERROR(OptDate(o, "date", &v.date));
  MARA_RETURN_IF_ERROR(OptStr(o, "url", &v.url));
  if (const Json* r = o.Find("reliability")) {
    const std::string ptr = o.Ptr("reliability");
    if (!r->is_string() || r->get_ref<const std::string&>().size() != 1 ||
        (*r).get_ref<const std::string&>()[0] < 'A' ||
        (*r).get_ref<const std::string&>()[0] > 'F') {
      if (r->is_string()) {
        return Error(ptr, "expected one letter from A to F, got " +
                              QuoteForMessage(r->get_ref<const std::string&>()));
      }
      return Expected(ptr, "one letter from A to F", *r);
    }
    v.reliability = r->get_ref<const std::string&>()[0];
  }
  if (const Json* c = o.Find("credibility")) {
    const std::string ptr = o.Ptr("credibility");
    if (c->is_string()) {
      const std::string& s = c->get_ref<const std::string&>();
      if (s.size() != 1 || s[0] < '1' || s[0] > '6') {
        return Error(ptr, "expected a grade from 1 to 6, got " + QuoteForMessage(s));
      }
      v.credibility = s[0] - '0';
    } else {
      int64_t n = 0;
      MARA_RETURN_IF_ERROR(ReadInt(*c, ptr, 1, 6, "a grade from 1 to 6", &n));
      v.credibility = static_cast<int>(n);
    }
  }
  MARA_RETURN_IF_ERROR(Bool(o, "confidential", &v.confidential));
  if (o.Find("consent") != nullptr || IsTestimony(v.kind)) {
    Consent consent;
    MARA_RETURN_IF_ERROR(OptEnum(o, "consent", Consent::kAggregateReporting, &consent));
    v.consent = consent;
  }
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Incident* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "situation", "date", "date_precision", "location",
                               "violations", "victims", "context", "nexus", "status", "verified_on",
                               "perpetrators", "sources", "narrative", "consent"}));
  Incident v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Str(o, "situation", &v.situation));
  MARA_RETURN_IF_ERROR(DateField(o, "date", &v.date));
  MARA_RETURN_IF_ERROR(OptEnum(o, "date_precision", DatePrecision::kDay, &v.date_precision));
  {
    MARA_ASSIGN_OR_RETURN(const Json* lj, o.Need("location"));
    Obj l(*lj, o.Ptr("location"));
    MARA_RETURN_IF_ERROR(l.Open({"name", "admin1", "lat", "lon"}));
    MARA_RETURN_IF_ERROR(Str(l, "name", &v.location.name));
    MARA_RETURN_IF_ERROR(OptStr(l, "admin1", &v.location.admin1));
    MARA_RETURN_IF_ERROR(OptCoordinate(l, "lat", 90, &v.location.lat));
    MARA_RETURN_IF_ERROR(OptCoordinate(l, "lon", 180, &v.location.lon));
  }
  MARA_RETURN_IF_ERROR(EnumList(o, "violations", true, &v.violations));
  if (const Json* vj = o.Find("victims")) {
    Obj c(*vj, o.Ptr("victims"));
    MARA_RETURN_IF_ERROR(c.Open({"women", "girls", "men", "boys", "unknown"}));
    MARA_RETURN_IF_ERROR(Count(c, "women", &v.victims.women));
    MARA_RETURN_IF_ERROR(Count(c, "girls", &v.victims.girls));
    MARA_RETURN_IF_ERROR(Count(c, "men", &v.victims.men));
    MARA_RETURN_IF_ERROR(Count(c, "boys", &v.victims.boys));
    MARA_RETURN_IF_ERROR(Count(c, "unknown", &v.victims.unknown));
  }
  MARA_RETURN_IF_ERROR(Enum(o, "context", &v.context));
  MARA_RETURN_IF_ERROR(EnumList(o, "nexus", false, &v.nexus));
  MARA_RETURN_IF_ERROR(Enum(o, "status", &v.status));
  MARA_RETURN_IF_ERROR(OptDate(o, "verified_on", &v.verified_on));
  MARA_RETURN_IF_ERROR(Array(o, "perpetrators", false, [&](const Json& e, const std::string& ptr) {
    Obj a(e, ptr);
    MARA_RETURN_IF_ERROR(a.Open({"party", "standard"}));
    Attribution attribution;
    MARA_RETURN_IF_ERROR(Str(a, "party", &attribution.party));
    MARA_RETURN_IF_ERROR(Enum(a, "standard", &attribution.standard));
    v.perpetrators.push_back(std::move(attribution));
    return Status::Ok();
  }));
  MARA_RETURN_IF_ERROR(StrList(o, "sources", &v.sources));
  MARA_RETURN_IF_ERROR(OptStr(o, "narrative", &v.narrative));
  MARA_RETURN_IF_ERROR(OptEnum(o, "consent", Consent::kAggregateReporting, &v.consent));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, EvidenceItem* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "sha256", "size", "media_type", "source", "incident",
                               "description", "added", "captured_at"}));
  EvidenceItem v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Str(o, "sha256", &v.sha256));
  {
    MARA_ASSIGN_OR_RETURN(const Json* s, o.Need("size"));
    MARA_RETURN_IF_ERROR(ReadInt(*s, o.Ptr("size"), 0, std::numeric_limits<int64_t>::max(),
                                 "a non-negative integer", &v.size));
  }
  MARA_RETURN_IF_ERROR(Str(o, "media_type", &v.media_type));
  MARA_RETURN_IF_ERROR(OptStr(o, "source", &v.source));
  MARA_RETURN_IF_ERROR(OptStr(o, "incident", &v.incident));
  MARA_RETURN_IF_ERROR(OptStr(o, "description", &v.description));
  MARA_RETURN_IF_ERROR(OptDate(o, "added", &v.added));
  MARA_RETURN_IF_ERROR(OptStr(o, "captured_at", &v.captured_at));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Finding* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"party", "cycle", "source", "level", "forms"}));
  Finding v;
  MARA_RETURN_IF_ERROR(Str(o, "party", &v.party));
  MARA_RETURN_IF_ERROR(CycleField(o, "cycle", &v.cycle));
  MARA_RETURN_IF_ERROR(Str(o, "source", &v.source));
  {
    MARA_ASSIGN_OR_RETURN(const Json* l, o.Need("level"));
    int64_t level = 0;
    MARA_RETURN_IF_ERROR(ReadInt(*l, o.Ptr("level"), 0, 3, "a level from 0 to 3", &level));
    v.level = static_cast<int>(level);
  }
  MARA_RETURN_IF_ERROR(EnumList(o, "forms", false, &v.forms));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Commitment* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "party", "kind", "signed", "measures"}));
  Commitment v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Str(o, "party", &v.party));
  MARA_RETURN_IF_ERROR(Enum(o, "kind", &v.kind));
  MARA_RETURN_IF_ERROR(OptDate(o, "signed", &v.signed_on));
  MARA_RETURN_IF_ERROR(Array(o, "measures", false, [&](const Json& e, const std::string& ptr) {
    Obj m(e, ptr);
    MARA_RETURN_IF_ERROR(m.Open({"id", "text", "due", "status", "verified_on"}));
    Measure measure;
    MARA_RETURN_IF_ERROR(Str(m, "id", &measure.id));
    MARA_RETURN_IF_ERROR(Str(m, "text", &measure.text));
    MARA_RETURN_IF_ERROR(OptDate(m, "due", &measure.due));
    MARA_RETURN_IF_ERROR(Enum(m, "status", &measure.status));
    MARA_RETURN_IF_ERROR(OptDate(m, "verified_on", &measure.verified_on));
    v.measures.push_back(std::move(measure));
    return Status::Ok();
  }));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Decision* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"party", "cycle", "status", "decided_by", "date", "rationale"}));
  Decision v;
  MARA_RETURN_IF_ERROR(Str(o, "party", &v.party));
  MARA_RETURN_IF_ERROR(CycleField(o, "cycle", &v.cycle));
  MARA_RETURN_IF_ERROR(Enum(o, "status", &v.status));
  MARA_RETURN_IF_ERROR(Str(o, "decided_by", &v.decided_by));
  MARA_RETURN_IF_ERROR(DateField(o, "date", &v.date));
  MARA_RETURN_IF_ERROR(Str(o, "rationale", &v.rationale));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Designation* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(
      o.Open({"party", "authority", "program", "kind", "listed_on", "ended_on", "source"}));
  Designation v;
  MARA_RETURN_IF_ERROR(Str(o, "party", &v.party));
  MARA_RETURN_IF_ERROR(Str(o, "authority", &v.authority));
  MARA_RETURN_IF_ERROR(StrOrEmpty(o, "program", &v.program));
  MARA_RETURN_IF_ERROR(Enum(o, "kind", &v.kind));
  MARA_RETURN_IF_ERROR(DateField(o, "listed_on", &v.listed_on));
  MARA_RETURN_IF_ERROR(OptDate(o, "ended_on", &v.ended_on));
  MARA_RETURN_IF_ERROR(OptStr(o, "source", &v.source));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Statement* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "by", "date", "kind", "incidents", "text"}));
  Statement v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Str(o, "by", &v.by));
  MARA_RETURN_IF_ERROR(DateField(o, "date", &v.date));
  MARA_RETURN_IF_ERROR(Enum(o, "kind", &v.kind));
  MARA_RETURN_IF_ERROR(StrList(o, "incidents", &v.incidents));
  MARA_RETURN_IF_ERROR(StrOrEmpty(o, "text", &v.text));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Engagement* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"party", "date", "kind", "note"}));
  Engagement v;
  MARA_RETURN_IF_ERROR(Str(o, "party", &v.party));
  MARA_RETURN_IF_ERROR(DateField(o, "date", &v.date));
  MARA_RETURN_IF_ERROR(Enum(o, "kind", &v.kind));
  MARA_RETURN_IF_ERROR(StrOrEmpty(o, "note", &v.note));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Petition* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"party", "filed", "cycle", "grounds", "new_material", "outcome",
                               "decided", "decided_by", "reason"}));
  Petition v;
  MARA_RETURN_IF_ERROR(Str(o, "party", &v.party));
  MARA_RETURN_IF_ERROR(DateField(o, "filed", &v.filed));
  if (const Json* c = o.Find("cycle")) {
    int cycle = 0;
    MARA_RETURN_IF_ERROR(Cycle(*c, o.Ptr("cycle"), &cycle));
    v.cycle = cycle;
  }
  MARA_RETURN_IF_ERROR(Str(o, "grounds", &v.grounds));
  MARA_RETURN_IF_ERROR(OptBool(o, "new_material", false, &v.new_material));
  MARA_RETURN_IF_ERROR(OptEnum(o, "outcome", PetitionOutcome::kPending, &v.outcome));
  MARA_RETURN_IF_ERROR(OptDate(o, "decided", &v.decided));
  MARA_RETURN_IF_ERROR(OptStr(o, "decided_by", &v.decided_by));
  MARA_RETURN_IF_ERROR(OptStr(o, "reason", &v.reason));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status FromJson(const Json& j, Communication* out) {
  Obj o(j, "");
  MARA_RETURN_IF_ERROR(o.Open({"id", "kind", "party", "submitter_kind", "submitter", "submitted_by",
                               "received", "text", "attachments", "status", "review_started",
                               "ruled", "ruled_by", "reason", "follow_digest"}));
  Communication v;
  MARA_RETURN_IF_ERROR(Str(o, "id", &v.id));
  MARA_RETURN_IF_ERROR(Enum(o, "kind", &v.kind));
  MARA_RETURN_IF_ERROR(OptStr(o, "party", &v.party));
  MARA_RETURN_IF_ERROR(Enum(o, "submitter_kind", &v.submitter_kind));
  MARA_RETURN_IF_ERROR(Str(o, "submitter", &v.submitter));
  MARA_RETURN_IF_ERROR(Str(o, "submitted_by", &v.submitted_by));
  MARA_RETURN_IF_ERROR(DateField(o, "received", &v.received));
  MARA_RETURN_IF_ERROR(Str(o, "text", &v.text));
  MARA_RETURN_IF_ERROR(Array(o, "attachments", false, [&](const Json& e, const std::string& ptr) {
    Obj m(e, ptr);
    MARA_RETURN_IF_ERROR(m.Open({"sha256", "size", "media_type"}));
    Attachment a;
    MARA_RETURN_IF_ERROR(Str(m, "sha256", &a.sha256));
    MARA_RETURN_IF_ERROR(Count(m, "size", &a.size));
    MARA_RETURN_IF_ERROR(Str(m, "media_type", &a.media_type));
    v.attachments.push_back(std::move(a));
    return Status::Ok();
  }));
  MARA_RETURN_IF_ERROR(OptEnum(o, "status", CommunicationStatus::kReceived, &v.status));
  MARA_RETURN_IF_ERROR(OptDate(o, "review_started", &v.review_started));
  MARA_RETURN_IF_ERROR(OptDate(o, "ruled", &v.ruled));
  MARA_RETURN_IF_ERROR(OptStr(o, "ruled_by", &v.ruled_by));
  MARA_RETURN_IF_ERROR(OptStr(o, "reason", &v.reason));
  MARA_RETURN_IF_ERROR(Str(o, "follow_digest", &v.follow_digest));
  MARA_RETURN_IF_ERROR(Finish(CheckRecord(v)));
  *out = std::move(v);
  return Status::Ok();
}

Status PrefixPointer(const Status& status, std::string_view pointer_prefix) {
  if (status.ok()) return status;
  return Status(status.code(), std::string(pointer_prefix) + status.message());
}

}  // namespace mara

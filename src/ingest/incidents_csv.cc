#include "ingest/incidents_csv.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "common/text.h"
#include "domain/disclosure.h"

namespace mara {
namespace {

constexpr IncidentColumn kRequired[] = {
    IncidentColumn::kId,       IncidentColumn::kSituation,  IncidentColumn::kDate,
    IncidentColumn::kLocation, IncidentColumn::kViolations, IncidentColumn::kContext,
    IncidentColumn::kStatus,
};

std::string_view Name(IncidentColumn c) { return kIncidentColumns[static_cast<size_t>(c)]; }

Status ColumnError(IncidentColumn c, const std::string& message) {
  return Status::InvalidArgument("field '" + std::string(Name(c)) + "': " + message);
}

// Calls fn(item) for each ';'-separated item of a non-empty cell; empty
// items (";;", a trailing ';') are errors.
template <typename F>
Status ForEachItem(IncidentColumn c, std::string_view cell, F&& fn) {
  if (cell.empty()) return Status::Ok();
  size_t start = 0;
  for (;;) {
    const size_t semi = cell.find(';', start);
    const std::string_view item = TrimBlanks(
        cell.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
    if (item.empty())
      return ColumnError(c, "empty item in the ';'-separated list " + QuoteForMessage(cell));
    MARA_RETURN_IF_ERROR(fn(item));
    if (semi == std::string_view::npos) return Status::Ok();
    start = semi + 1;
  }
}

template <typename E>
Status ParseEnumCell(IncidentColumn c, std::string_view text, E* out) {
  std::optional<E> e = ParseEnum<E>(text);
  if (!e) {
    return ColumnError(
        c, "unknown value " + QuoteForMessage(text) + " (expected " + AllowedValues<E>() + ")");
  }
  *out = *e;
  return Status::Ok();
}

template <typename E>
Status ParseEnumList(IncidentColumn c, std::string_view cell, std::vector<E>* out) {
  out->clear();
  return ForEachItem(c, cell, [&](std::string_view item) {
    E e{};
    MARA_RETURN_IF_ERROR(ParseEnumCell(c, item, &e));
    out->push_back(e);
    return Status::Ok();
  });
}

Status ParseDateCell(IncidentColumn c, std::string_view text, Date* out) {
  Result<Date> d = Date::Parse(text);
  if (!d.ok()) return ColumnError(c, d.status().message());
  *out = *d;
  return Status::Ok();
}

Status ParseCount(IncidentColumn c, std::string_view text, int64_t* out) {
  text = TrimBlanks(text);
  if (text.empty()) {
    *out = 0;
    return Status::Ok();
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return ColumnError(c, "expected a non-negative integer, got " + QuoteForMessage(text));
  }
  if (v < 0) return ColumnError(c, "expected a non-negative integer, got " + std::to_string(v));
  *out = v;
  return Status::Ok();
}

Status ParseCoordinate(IncidentColumn c, std::string_view text, std::optional<double>* out) {
  text = TrimBlanks(text);
  if (text.empty()) {
    out->reset();
    return Status::Ok();
  }
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return ColumnError(c, "expected a number, got " + QuoteForMessage(text));
  }
  *out = v;
  return Status::Ok();
}

void AssignOpt(std::string_view text, std::optional<std::string>* out) {
  if (text.empty()) {
    out->reset();
  } else if (*out) {
    (*out)->assign(text);
  } else {
    out->emplace(text);
  }
}

void AppendDouble(double v, std::string* out) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec == std::errc()) out->append(buf, static_cast<size_t>(end - buf));
}

template <typename E>
void AppendEnumList(const std::vector<E>& values, std::string* out) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(';');
    out->append(ToString(values[i]));
  }
}

}  // namespace

std::string_view ColumnForPointer(std::string_view pointer) {
  if (pointer.starts_with("/location/name")) return "location";
  if (pointer.starts_with("/location/")) pointer.remove_prefix(9);
  if (pointer.starts_with("/victims/")) pointer.remove_prefix(8);
  if (pointer.starts_with("/")) pointer.remove_prefix(1);
  return pointer.substr(0, pointer.find('/'));
}

Result<IncidentCsvLayout> IncidentCsvLayout::FromHeader(
    const std::vector<std::string_view>& header) {
  IncidentCsvLayout layout;
  layout.width_ = header.size();
  layout.index_.fill(-1);
  std::string unknown;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string_view name = header[i];
    size_t k = 0;
    while (k < kIncidentColumns.size() && kIncidentColumns[k] != name) ++k;
    if (k == kIncidentColumns.size()) {
      if (!unknown.empty()) unknown += ", ";
      unknown += QuoteForMessage(name);
      continue;
    }
    if (layout.index_[k] >= 0) {
      return Status::InvalidArgument("column " + QuoteForMessage(name) +
                                     " appears twice in the header");
    }
    layout.index_[k] = static_cast<int>(i);
  }
  if (!unknown.empty()) {
    return Status::InvalidArgument("unknown column(s) " + unknown +
                                   " in the header (an incidents CSV " +
                                   "has the columns of docs/formats.md)");
  }
  std::string missing;
  for (IncidentColumn c : kRequired) {
    if (layout.index_[static_cast<size_t>(c)] < 0) {
      if (!missing.empty()) missing += ", ";
      missing += Name(c);
    }
  }
  if (!missing.empty()) {
    return Status::InvalidArgument("missing required column(s) in the header: " + missing);
  }
  return layout;
}

Status IncidentCsvLayout::Decode(const std::vector<std::string_view>& row, Incident* out) const {
  auto cell = [&](IncidentColumn c) -> std::string_view {
    const int i = index_[static_cast<size_t>(c)];
    return i < 0 ? std::string_view() : row[static_cast<size_t>(i)];
  };
  using C = IncidentColumn;
  Incident& v = *out;
  v.id.assign(TrimBlanks(cell(C::kId)));
  v.situation.assign(TrimBlanks(cell(C::kSituation)));
  MARA_RETURN_IF_ERROR(ParseDateCell(C::kDate, TrimBlanks(cell(C::kDate)), &v.date));
  if (std::string_view p = TrimBlanks(cell(C::kDatePrecision)); p.empty()) {
    v.date_precision = DatePrecision::kDay;
  } else {
    MARA_RETURN_IF_ERROR(ParseEnumCell(C::kDatePrecision, p, &v.date_precision));
  }
  v.location.name.assign(cell(C::kLocation));
  AssignOpt(cell(C::kAdmin1), &v.location.admin1);
  MARA_RETURN_IF_ERROR(ParseCoordinate(C::kLat, cell(C::kLat), &v.location.lat));
  MARA_RETURN_IF_ERROR(ParseCoordinate(C::kLon, cell(C::kLon), &v.location.lon));
  MARA_RETURN_IF_ERROR(ParseEnumList(C::kViolations, cell(C::kViolations), &v.violations));
  MARA_RETURN_IF_ERROR(ParseCount(C::kWomen, cell(C::kWomen), &v.victims.women));
  MARA_RETURN_IF_ERROR(ParseCount(C::kGirls, cell(C::kGirls), &v.victims.girls));
  MARA_RETURN_IF_ERROR(ParseCount(C::kMen, cell(C::kMen), &v.victims.men));
  MARA_RETURN_IF_ERROR(ParseCount(C::kBoys, cell(C::kBoys), &v.victims.boys));
  MARA_RETURN_IF_ERROR(ParseCount(C::kUnknown, cell(C::kUnknown), &v.victims.unknown));
  MARA_RETURN_IF_ERROR(ParseEnumCell(C::kContext, TrimBlanks(cell(C::kContext)), &v.context));
  MARA_RETURN_IF_ERROR(ParseEnumList(C::kNexus, cell(C::kNexus), &v.nexus));
  MARA_RETURN_IF_ERROR(ParseEnumCell(C::kStatus, TrimBlanks(cell(C::kStatus)), &v.status));
  if (std::string_view d = TrimBlanks(cell(C::kVerifiedOn)); d.empty()) {
    v.verified_on.reset();
  } else {
    Date date;
    MARA_RETURN_IF_ERROR(ParseDateCell(C::kVerifiedOn, d, &date));
    v.verified_on = date;
  }
  size_t n = 0;
  MARA_RETURN_IF_ERROR(
      ForEachItem(C::kPerpetrators, cell(C::kPerpetrators), [&](std::string_view item) {
        const size_t colon = item.rfind(':');
        if (colon == std::string_view::npos) {
          return ColumnError(C::kPerpetrators,
                             "expected party:standard, got " + QuoteForMessage(item));
        }
        if (n == v.perpetrators.size()) v.perpetrators.emplace_back();
        Attribution& a = v.perpetrators[n++];
        a.party.assign(TrimBlanks(item.substr(0, colon)));
        return ParseEnumCell(C::kPerpetrators, TrimBlanks(item.substr(colon + 1)), &a.standard);
      }));
  v.perpetrators.resize(n);
  n = 0;
  MARA_RETURN_IF_ERROR(ForEachItem(C::kSources, cell(C::kSources), [&](std::string_view item) {
    if (n == v.sources.size()) v.sources.emplace_back();
    v.sources[n++].assign(item);
    return Status::Ok();
  }));
  v.sources.resize(n);
  AssignOpt(cell(C::kNarrative), &v.narrative);
  if (std::string_view c = TrimBlanks(cell(C::kConsent)); c.empty()) {
    v.consent = Consent::kAggregateReporting;
  } else {
    MARA_RETURN_IF_ERROR(ParseEnumCell(C::kConsent, c, &v.consent));
  }
  return Status::Ok();
}

void AppendCsvField(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string IncidentCsvHeader() {
  std::string out;
  for (size_t i = 0; i < kIncidentColumns.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(kIncidentColumns[i]);
  }
  out.push_back('\n');
  return out;
}

void AppendIncidentRow(const Incident& v, std::string* out) {
  std::string& o = *out;
  AppendCsvField(v.id, out);
  o.push_back(',');
  AppendCsvField(v.situation, out);
  o.push_back(',');
  o.append(v.date.ToString());
  o.push_back(',');
  o.append(ToString(v.date_precision));
  o.push_back(',');
  AppendCsvField(v.location.name, out);
  o.push_back(',');
  if (v.location.admin1) AppendCsvField(*v.location.admin1, out);
  o.push_back(',');
  if (v.location.lat) AppendDouble(*v.location.lat, out);
  o.push_back(',');
  if (v.location.lon) AppendDouble(*v.location.lon, out);
  o.push_back(',');
  AppendEnumList(v.violations, out);
  for (int64_t count :
       {v.victims.women, v.victims.girls, v.victims.men, v.victims.boys, v.victims.unknown}) {
    o.push_back(',');
    o.append(std::to_string(count));
  }
  o.push_back(',');
  o.append(ToString(v.context));
  o.push_back(',');
  AppendEnumList(v.nexus, out);
  o.push_back(',');
  o.append(ToString(v.status));
  o.push_back(',');
  if (v.verified_on) o.append(v.verified_on->ToString());
  o.push_back(',');
  for (size_t i = 0; i < v.perpetrators.size(); ++i) {
    if (i > 0) o.push_back(';');
    o.append(v.perpetrators[i].party);
    o.push_back(':');
    o.append(ToString(v.perpetrators[i].standard));
  }
  o.push_back(',');
  for (size_t i = 0; i < v.sources.size(); ++i) {
    if (i > 0) o.push_back(';');
    o.append(v.sources[i]);
  }
  o.push_back(',');
  if (v.narrative) AppendCsvField(*v.narrative, out);
  o.push_back(',');
  o.append(ToString(v.consent));
  o.push_back('\n');
}

Status WriteIncidentsCsv(Store& store, std::ostream& out) {
  std::string buffer = IncidentCsvHeader();
  Status status = store.ScanIncidents([&](const Incident& incident) {
    // Withdrawn consent: in no output (docs/security.md §4).
    if (IsWithdrawn(incident.consent)) return Status::Ok();
    AppendIncidentRow(incident, &buffer);
    if (buffer.size() >= (size_t{1} << 16)) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
      if (!out) return Status::IOError("writing the incidents CSV failed");
    }
    return Status::Ok();
  });
  MARA_RETURN_IF_ERROR(status);
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out.flush();
  if (!out) return Status::IOError("writing the incidents CSV failed");
  return Status::Ok();
}

}  // namespace mara

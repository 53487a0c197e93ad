#include "ingest/countries.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "common/text.h"

namespace mara {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

std::optional<int> ParseNumber(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

struct Index {
  std::vector<Country> countries;
  std::unordered_map<std::string, size_t> by_name, by_alpha2, by_alpha3;
  std::unordered_map<int, size_t> by_numeric, by_gwno;
};

Status Build(std::string_view text, Index* index) {
  MARA_ASSIGN_OR_RETURN(index->countries, ParseCountries(text));
  for (size_t i = 0; i < index->countries.size(); ++i) {
    const Country& c = index->countries[i];
    index->by_alpha2[c.alpha2] = i;
    index->by_alpha3[c.alpha3] = i;
    index->by_numeric[c.numeric] = i;
    if (c.gwno) index->by_gwno[*c.gwno] = i;
    index->by_name[CountryNameKey(c.name)] = i;
    for (const std::string& a : c.aliases) index->by_name[CountryNameKey(a)] = i;
  }
  return Status::Ok();
}

const Index& TheIndex() {
  static const Index index = [] {
    Index built;
    const Status s = Build(BuiltinCountriesText(), &built);
    if (!s.ok()) {
      std::fprintf(stderr, "countries.tsv: %s\n", s.ToString().c_str());
      std::abort();
    }
    return built;
  }();
  return index;
}

template <typename Map, typename Key>
const Country* Lookup(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &TheIndex().countries[it->second];
}

}  // namespace

std::string CountryNameKey(std::string_view name) {
  std::string out;
  for (char c : Fold(name)) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) out.push_back(c);
  }
  return out;
}

Result<std::vector<Country>> ParseCountries(std::string_view text) {
  std::vector<Country> out;
  std::unordered_map<std::string, int> seen;  // "kind:key" -> line
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto error = [line_no](const std::string& what) {
      return Status::InvalidArgument("line " + std::to_string(line_no) + ": " + what);
    };
    const std::vector<std::string_view> f = Split(line, '\t');
    if (f.size() != 6)
      return error("expected 6 tab-separated fields, got " + std::to_string(f.size()));
    Country c;
    c.alpha3 = std::string(f[0]);
    c.alpha2 = std::string(f[1]);
    if (c.alpha3.size() != 3 || Upper(c.alpha3) != c.alpha3) return error("bad alpha-3 code");
    if (c.alpha2.size() != 2 || Upper(c.alpha2) != c.alpha2) return error("bad alpha-2 code");
    const std::optional<int> numeric = ParseNumber(f[2]);
    if (!numeric || f[2].size() != 3) return error("bad numeric code");
    c.numeric = *numeric;
    if (!f[3].empty()) {
      c.gwno = ParseNumber(f[3]);
      if (!c.gwno) return error("bad Gleditsch-Ward number");
    }
    c.name = std::string(f[4]);
    if (CountryNameKey(c.name).empty()) return error("missing name");
    for (std::string_view a : Split(f[5], ';')) {
      if (!a.empty()) c.aliases.emplace_back(a);
    }
    std::vector<std::string> keys = {"a3:" + c.alpha3, "a2:" + c.alpha2,
                                     "n:" + std::to_string(c.numeric),
                                     "name:" + CountryNameKey(c.name)};
    if (c.gwno) keys.push_back("gw:" + std::to_string(*c.gwno));
    for (const std::string& a : c.aliases) {
      if (CountryNameKey(a).empty()) return error("an alias without letters");
      keys.push_back("name:" + CountryNameKey(a));
    }
    for (const std::string& k : keys) {
      auto [it, added] = seen.emplace(k, line_no);
      if (!added && it->second != line_no) {
        return error("repeats " + k + " of line " + std::to_string(it->second));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

const std::vector<Country>& Countries() { return TheIndex().countries; }

const Country* FindCountryByName(std::string_view name) {
  return Lookup(TheIndex().by_name, CountryNameKey(name));
}
const Country* FindCountryByAlpha2(std::string_view code) {
  return Lookup(TheIndex().by_alpha2, Upper(TrimBlanks(code)));
}
const Country* FindCountryByAlpha3(std::string_view code) {
  return Lookup(TheIndex().by_alpha3, Upper(TrimBlanks(code)));
}
const Country* FindCountryByNumeric(int numeric) { return Lookup(TheIndex().by_numeric, numeric); }
const Country* FindCountryByGwno(int gwno) { return Lookup(TheIndex().by_gwno, gwno); }

const Country* FindCountry(std::string_view name_or_code) {
  const std::string_view s = TrimBlanks(name_or_code);
  if (const Country* c = FindCountryByName(s)) return c;
  if (s.size() == 3) {
    if (const Country* c = FindCountryByAlpha3(s)) return c;
  }
  if (s.size() == 2) {
    if (const Country* c = FindCountryByAlpha2(s)) return c;
  }
  if (const std::optional<int> n = ParseNumber(s)) return FindCountryByNumeric(*n);
  return nullptr;
}

}  // namespace mara

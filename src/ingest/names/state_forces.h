// Reading a party name as a state's own forces: "Sudanese Armed Forces",
// "Government forces of X", "Armed Forces of X", "X National Police",
// "Forces armées de la République démocratique du Congo", "Tatmadaw",
// "FARDC", and "Government of X" itself. The country comes from the
// country table (countries.h) and from the demonyms, other-language country
// names, proper names and acronyms of src/ingest/data/state_forces.tsv,
// compiled in (state_forces_data.cc.in).
//
// Contract:
// - ReadStateForce() takes a folded name (name_fold.h). It is a state force
//   when, token by token, the name is one country (by name, alias or
//   demonym; the same country may be named twice, as in "Government of
//   Myanmar (Burma)") and words of state forces ("government", "armed",
//   "forces", "army", "police", "national", "defence", "people's",
//   "security", stop words ...), at least one of which names a force or the
//   government. Without a country in the name, a name made only of such
//   words ("Government forces", "Armed forces") is the situation's state
//   force when a situation country is given. A name that is a state's
//   proper force name ("Tatmadaw") is that state's; an acronym ("FARDC",
//   "SAF") only when no situation is given or the situation is its
//   country. Names listed as `not` in the table ("Libyan National Army",
//   "Free Syrian Army") are never state forces.
// - `government` is set when the only words besides the country are
//   "government" (and "federal"), that is when the name denotes the
//   government itself rather than one of its forces.
// - A demonym of several countries ("Congolese": DR Congo, Congo) takes the
//   situation's country when it is one of them, else the first.
// - CountryOfSituation() reads a situation id ("SIT-dr-congo-zaire"), a
//   situation or country name, or a country code; nullptr when none.
// - The table is parsed once (thread-safe static); a malformed table is a
//   build mistake and aborts naming the line. Pure lookups: thread-safe.
#ifndef MARA_INGEST_NAMES_STATE_FORCES_H_
#define MARA_INGEST_NAMES_STATE_FORCES_H_

#include <optional>
#include <string>
#include <string_view>

#include "ingest/countries.h"
#include "ingest/names/name_fold.h"

namespace mara::names {

// The table's text as compiled in.
std::string_view BuiltinStateForcesText();

struct StateForce {
  const Country* country = nullptr;
  bool government = false;      // the name is the government itself
  bool from_situation = false;  // no country in the name: the situation's
  // How the country was read: "demonym \"Sudanese\"", "country \"Sudan\"",
  // "force name \"Tatmadaw\"", "acronym \"FARDC\"", "the situation".
  std::string how;
};

std::optional<StateForce> ReadStateForce(const FoldedName& name, const Country* situation);
std::optional<StateForce> ReadStateForce(std::string_view raw, const Country* situation);

const Country* CountryOfSituation(std::string_view situation);

}  // namespace mara::names

#endif  // MARA_INGEST_NAMES_STATE_FORCES_H_

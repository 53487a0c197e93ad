// PrintHistory (cli/commands.h): the one way the commands print a record's
// history, for incidents and registry records alike.
#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace mara::cli {

void PrintHistory(const std::string& title, const Json& history) {
  std::printf("%s\n", title.c_str());
  for (const Json& entry : history["history"]) {
    std::string line = "  " + entry.value("at", "") + " " + entry.value("action", "");
    if (entry.contains("by")) line += " by " + entry.value("by", "");
    if (entry.contains("status")) line += " -> " + entry.value("status", "");
    std::printf("%s\n", line.c_str());
    if (entry.contains("comment"))
      std::printf("    comment: %s\n", entry.value("comment", "").c_str());
    for (const Json& change : entry["changes"]) {
      std::string text = "    " + change.value("field", "");
      if (change.contains("before")) {
        text += ": " + change["before"].dump() + " -> " + change["after"].dump();
      } else {
        text += " changed";
      }
      std::printf("%s\n", text.c_str());
    }
  }
}

}  // namespace mara::cli

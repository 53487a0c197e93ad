// Test support, for test binaries only: scratch databases on the PostgreSQL
// server named by the environment variable MARA_TEST_PG_URL, which
// scripts/pg-cluster.sh exports (scripts/test.sh starts the cluster before
// ctest and stops it afterwards, also on failure).
//
// Contract: ScratchDatabaseUrl(key) creates (once) the database named after
// a digest of `key` and the process id, and returns its URL; DropScratchDatabase(key) drops it
// with any session still attached. Without MARA_TEST_PG_URL both return
// kIOError saying how to start a server, so a test that needs PostgreSQL
// fails rather than being skipped. Thread-safe (each call opens its own
// connection).
#ifndef MARA_STORAGE_POSTGRES_TEST_SERVER_H_
#define MARA_STORAGE_POSTGRES_TEST_SERVER_H_

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/text.h"
#include "storage/postgres/pg.h"

namespace mara::pg::testing {

inline Result<std::string> ServerUrl() {
  const char* url = std::getenv("MARA_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    return Status::IOError(
        "MARA_TEST_PG_URL is not set: the PostgreSQL tests need a server; run them through "
        "scripts/test.sh, or eval \"$(bash scripts/pg-cluster.sh start)\" first");
  }
  return std::string(url);
}

// The scratch database of `key` in this process. The process id is part of
// the name, so test binaries that run at once on one server (ctest -j, the
// plain and the sanitized suites side by side) never share a database.
inline std::string DatabaseNameFor(std::string_view key) {
  const std::string scoped = std::to_string(::getpid()) + "/" + std::string(key);
  return "mara_t_" + Blake2bHex(scoped).substr(0, 24);
}

inline Result<std::string> ScratchDatabaseUrl(std::string_view key) {
  MARA_ASSIGN_OR_RETURN(std::string server, ServerUrl());
  const std::string name = DatabaseNameFor(key);
  MARA_RETURN_IF_ERROR(CreateDatabase(server, name));
  return WithDatabase(server, name);
}

inline Status DropScratchDatabase(std::string_view key) {
  MARA_ASSIGN_OR_RETURN(std::string server, ServerUrl());
  return DropDatabase(server, DatabaseNameFor(key));
}

}  // namespace mara::pg::testing

#endif  // MARA_STORAGE_POSTGRES_TEST_SERVER_H_

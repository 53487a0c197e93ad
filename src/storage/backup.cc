#include "storage/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "common/text.h"
#include "storage/postgres/pg.h"
#include "storage/postgres/postgres_store.h"

namespace mara {
namespace {

namespace fs = std::filesystem;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqlitePtr = std::unique_ptr<sqlite3, SqliteCloser>;

Status SqliteError(sqlite3* db, const std::string& what) {
  return Status::IOError(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

Status BackupSqlite(const std::string& path, const std::string& partial) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Status::NotFound("database " + QuoteForMessage(path) + " does not exist");
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  SqlitePtr source(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, "cannot open " + QuoteForMessage(path));
  sqlite3_busy_timeout(source.get(), 5000);
  raw = nullptr;
  rc = sqlite3_open_v2(partial.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqlitePtr dest(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, "cannot create " + QuoteForMessage(partial));
  sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", source.get(), "main");
  if (backup == nullptr) return SqliteError(dest.get(), "backup of " + QuoteForMessage(path));
  // Small steps, so a writer of the live database is never held up long.
  do {
    rc = sqlite3_backup_step(backup, 1024);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(dest.get(), "backup of " + QuoteForMessage(path));
  // A self-contained file: the copy is not left in WAL mode with a -wal
  // file that would have to travel with it.
  char* error = nullptr;
  rc = sqlite3_exec(dest.get(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) return SqliteError(dest.get(), "finishing " + QuoteForMessage(partial));
  return Status::Ok();
}

Status BackupPostgres(const std::string& url, const std::string& partial) {
  // The connection parameters reach pg_dump as PG* environment variables,
  // so a password in the URL never shows in the process list.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    std::string message = parse_error != nullptr ? parse_error : "out of memory";
    PQfreemem(parse_error);
    return Status::InvalidArgument("database " + pg::RedactUrl(url) + ": " + message);
  }
  std::vector<std::string> env;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && o->envvar != nullptr) {
      env.push_back(std::string(o->envvar) + "=" + o->val);
    }
  }
  PQconninfoFree(options);
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("PG", 0) != 0) env.emplace_back(*e);
  }
  std::vector<std::string> args = {"pg_dump", "--format=custom", "--no-owner", "--file=" + partial};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    return Status::IOError(std::string("pipe: ") + strerror(errno));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    close(err_pipe[0]);
    close(err_pipe[1]);
    return Status::IOError(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    dup2(err_pipe[1], 2);
    execvpe("pg_dump", argv.data(), envp.data());
    _exit(errno == ENOENT ? 127 : 126);
  }
  close(err_pipe[1]);
  std::string errors;
  char buf[4096];
  ssize_t n;
  while ((n = read(err_pipe[0], buf, sizeof buf)) > 0) errors.append(buf, static_cast<size_t>(n));
  close(err_pipe[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::Ok();
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127) {
    return Status::NotFound(
        "pg_dump is not installed (Debian package postgresql-client); it makes PostgreSQL "
        "backups");
  }
  for (char& c : errors) {
    if (c == '\n') c = ' ';
  }
  return Status::IOError("pg_dump of database " + pg::RedactUrl(url) + " failed: " + errors);
}

}  // namespace

Status BackupDatabase(const std::string& url, const std::string& out) {
  std::error_code ec;
  if (fs::exists(out, ec)) {
    return Status::Conflict("backup file " + QuoteForMessage(out) +
                            " already exists; a backup never overwrites one");
  }
  const std::string partial = out + ".partial";
  fs::remove(partial, ec);
  Status s = IsPostgresUrl(url) ? BackupPostgres(url, partial) : BackupSqlite(url, partial);
  if (s.ok()) {
    fs::rename(partial, out, ec);
    if (ec) s = Status::IOError("cannot rename " + QuoteForMessage(partial) + ": " + ec.message());
  }
  if (!s.ok()) fs::remove(partial, ec);
  return s;
}

}  // namespace mara

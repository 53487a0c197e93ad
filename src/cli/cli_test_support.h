// Running the `mara` binary from a test, as a user would: its exit code
// and what it wrote to standard output and standard error.
//
// Contract: RunMara(db, args, scratch) runs MARA_BINARY (a compile-time
// definition of the test target) with `--db db` and `args`, standard input
// from /dev/null, and its output captured through two files in `scratch`
// (an existing directory, overwritten on each call). `code` is the exit
// status, 128 when the process did not exit normally, -1 when it could not
// be started.
#ifndef MARA_CLI_CLI_TEST_SUPPORT_H_
#define MARA_CLI_CLI_TEST_SUPPORT_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern char** environ;

namespace mara::cli_test {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadFileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline CliRun RunMara(const std::string& db, const std::vector<std::string>& args,
                      const std::filesystem::path& scratch) {
  std::vector<std::string> all = {MARA_BINARY, "--db", db};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : all) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::filesystem::path out = scratch / "out.txt", err = scratch / "err.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  CliRun r;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return r;
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  r.out = ReadFileBytes(out);
  r.err = ReadFileBytes(err);
  return r;
}

}  // namespace mara::cli_test

#endif  // MARA_CLI_CLI_TEST_SUPPORT_H_

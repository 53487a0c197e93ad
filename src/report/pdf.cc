// The PDF rendering: the HTML printed by headless Chromium (the Debian
// package `chromium`). The HTML and the profile live in a private temporary
// directory; Chromium runs without network services, sandbox or GPU (it
// runs as a batch job, often as root in a container) and without the page
// header and footer, which would print the temporary path.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/temp_dir.h"
#include "common/text.h"
#include "report/render.h"

namespace mara::report {
namespace {

constexpr auto kTimeout = std::chrono::seconds(300);

std::string FindOnPath(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

Status WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return Status::IOError("cannot write " + QuoteForMessage(path));
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IOError("cannot read " + QuoteForMessage(path));
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs argv with stdout and stderr to `log`; the exit status, or an error.
Result<int> Run(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return Status::IOError("cannot start " + QuoteForMessage(args[0]));
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    int null_in = open("/dev/null", O_RDONLY);
    if (null_in >= 0) dup2(null_in, STDIN_FILENO);
    setpgid(0, 0);  // its helpers form one group, ended together on timeout
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0) return Status::IOError("lost the Chromium process");
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Status::IOError("Chromium did not finish printing the report within 300 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

Result<std::string> HtmlToPdf(const std::string& document, const PdfOptions& options) {
  std::string chromium = options.chromium;
  if (chromium.empty()) {
    const char* env = std::getenv("MARA_CHROMIUM");
    if (env != nullptr && *env != '\0') chromium = env;
  }
  if (chromium.empty()) chromium = FindOnPath("chromium");
  if (chromium.empty()) chromium = FindOnPath("chromium-browser");
  if (chromium.empty() || access(chromium.c_str(), X_OK) != 0) {
    return Status::NotFound(
        "pdf: no Chromium found (install the Debian package chromium, or set MARA_CHROMIUM)");
  }
  MARA_ASSIGN_OR_RETURN(ScopedTempDir dir, ScopedTempDir::Create("mara-report-pdf"));
  const std::string html = dir.path() + "/report.html";
  const std::string pdf = dir.path() + "/report.pdf";
  const std::string log = dir.path() + "/chromium.log";
  MARA_RETURN_IF_ERROR(WriteFile(html, document));
  MARA_ASSIGN_OR_RETURN(
      int code,
      Run({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-extensions", "--disable-dev-shm-usage", "--no-pdf-header-footer",
           "--user-data-dir=" + dir.path() + "/profile", "--print-to-pdf=" + pdf, "file://" + html},
          log));
  Result<std::string> bytes = ReadFile(pdf);
  if (code != 0 || !bytes.ok() || bytes->rfind("%PDF-", 0) != 0) {
    std::string tail;
    if (Result<std::string> text = ReadFile(log); text.ok()) {
      tail = text->substr(text->size() > 300 ? text->size() - 300 : 0);
    }
    for (char& c : tail) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return Status::IOError("pdf: Chromium exited with status " + std::to_string(code) +
                           " without a PDF; its last output: " + QuoteForMessage(tail));
  }
  return bytes;
}

Result<std::string> RenderPdf(const Report& r, const PdfOptions& options, Language lang) {
  return HtmlToPdf(RenderHtml(r, lang), options);
}

Result<std::string> RenderCasePdf(const StatementOfCase& s, bool public_edition,
                                  const PdfOptions& options, Language lang) {
  return HtmlToPdf(RenderCaseHtml(s, public_edition, lang), options);
}

}  // namespace mara::report

#include "api/http_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace mara::api {
namespace {

HeadParse Parse(const std::string& text, const HeadLimits& limits = {}) {
  return ParseRequestHead(text, limits);
}

TEST(HttpWireTest, ParsesARequestHead) {
  const std::string text =
      "\r\nGET /api/v1/annex?cycle=2025 HTTP/1.1\r\nHost: x\r\nX-Mixed-Case:  v \r\n"
      "Cookie: a=1\r\ncookie: b=2\r\nAccept: a\r\nAccept: b\r\n\r\nBODY";
  HeadParse p = Parse(text);
  ASSERT_EQ(p.state, HeadParse::kComplete) << p.detail;
  EXPECT_EQ(p.head.method, "GET");
  EXPECT_EQ(p.head.target, "/api/v1/annex?cycle=2025");
  EXPECT_EQ(p.head.minor_version, 1);
  EXPECT_EQ(p.head.Header("x-mixed-case"), "v");
  EXPECT_EQ(p.head.Header("cookie"), "a=1; b=2");
  EXPECT_EQ(p.head.Header("accept"), "a, b");
  EXPECT_EQ(p.head.size, text.size() - 4);
  EXPECT_TRUE(p.head.KeepAlive());
  EXPECT_FALSE(FramingOf(p.head).chunked);
  EXPECT_EQ(FramingOf(p.head).length, 0u);
}

TEST(HttpWireTest, EveryProperPrefixIsIncomplete) {
  const std::string text = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n";
  for (size_t n = 0; n < text.size(); ++n) {
    EXPECT_EQ(Parse(text.substr(0, n)).state, HeadParse::kIncomplete) << n;
  }
  HeadParse p = Parse(text);
  ASSERT_EQ(p.state, HeadParse::kComplete);
  EXPECT_EQ(FramingOf(p.head).length, 12u);
}

TEST(HttpWireTest, KeepAliveFollowsTheVersionAndConnection) {
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").head.KeepAlive());
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").head.KeepAlive());
  EXPECT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").head.KeepAlive());
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n").head.KeepAlive());
}

TEST(HttpWireTest, RefusesMalformedHeads) {
  struct Case {
    std::string text;
    int status;
  };
  const Case cases[] = {
      {"GET /\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1 x\r\n\r\n", 400},
      {"G(T / HTTP/1.1\r\n\r\n", 400},
      {"GET /a b HTTP/1.1\r\n\r\n", 400},
      {"GET /\x01 HTTP/1.1\r\n\r\n", 400},
      {"GET /\xc3\xa9 HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / HTTP/1.2\r\n\r\n", 505},
      {"GET / FTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nName : v\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nA: b\nX: y\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 400},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  };
  for (const Case& c : cases) {
    HeadParse p = Parse(c.text);
    EXPECT_EQ(p.state, HeadParse::kRefused) << c.text;
    EXPECT_EQ(p.status, c.status) << c.text;
    EXPECT_FALSE(p.detail.empty()) << c.text;
  }
  HeadParse same = Parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n");
  ASSERT_EQ(same.state, HeadParse::kComplete);
  EXPECT_EQ(FramingOf(same.head).length, 5u);
  HeadParse chunked = Parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n");
  ASSERT_EQ(chunked.state, HeadParse::kComplete);
  EXPECT_TRUE(FramingOf(chunked.head).chunked);
}

TEST(HttpWireTest, LimitsAreEnforcedBeforeTheHeadEnds) {
  HeadLimits limits;
  limits.max_head = 1024;
  limits.max_line = 256;
  limits.max_target = 128;
  limits.max_fields = 4;
  // A long target is refused as soon as it is too long, without its end.
  EXPECT_EQ(Parse("GET /" + std::string(400, 'a'), limits).status, 414);
  EXPECT_EQ(Parse("GET /" + std::string(150, 'a') + " HTTP/1.1\r\n\r\n", limits).status, 414);
  // A head that never ends is refused once it passes the limit.
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nA: " + std::string(2000, 'b'), limits).status, 431);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nA: " + std::string(300, 'b') + "\r\n\r\n", limits).status,
            431);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5; ++i) many += "X" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(Parse(many + "\r\n", limits).status, 431);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nA: " + std::string(200, 'b'), limits).state,
            HeadParse::kIncomplete);
}

TEST(HttpWireTest, CaseAndBlanksAreAsciiOnly) {
  EXPECT_TRUE(EqualsIgnoreAsciiCase("Content-Type", "content-TYPE"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("gzip", "gzip "));
  // Bytes of UTF-8 are never folded, whatever the locale.
  EXPECT_FALSE(EqualsIgnoreAsciiCase("\xc3\x89", "\xc3\xa9"));
  EXPECT_EQ(AsciiLower('\xc9'), '\xc9');
  EXPECT_EQ(TrimBlanks(" \t a b\t "), "a b");
  EXPECT_EQ(TrimBlanks("\r\n"), "\r\n");
}

TEST(HttpWireTest, ResponseHeadLeavesOutUnsafeHeaders) {
  Response res;
  res.status = 201;
  res.content_type = "application/json";
  res.headers = {{"Location", "/api/v1/x"},
                 {"X-Split", "a\r\nSet-Cookie: evil=1"},
                 {"Bad Name", "v"},
                 {"X-Nul", std::string("a\0b", 3)}};
  const std::string head = ResponseHead(res, 17, true);
  EXPECT_EQ(head,
            "HTTP/1.1 201 Created\r\nLocation: /api/v1/x\r\nContent-Type: application/json\r\n"
            "Content-Length: 17\r\nConnection: keep-alive\r\n\r\n");
  res.status = 304;
  EXPECT_EQ(ResponseHead(res, 0, false),
            "HTTP/1.1 304 Not Modified\r\nLocation: /api/v1/x\r\nConnection: close\r\n\r\n");
  res.status = 599;
  res.headers.clear();
  res.content_type.clear();
  EXPECT_EQ(ResponseHead(res, 0, false),
            "HTTP/1.1 599 Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace mara::api

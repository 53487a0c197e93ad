// Body codecs against hand-written wire bytes: browser-shaped multipart
// uploads, chunked encodings cut at every length, hostile sizes and
// headers, and gzip output read back through zlib itself.
#include "api/http_body.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace mara::api {
namespace {

using namespace std::string_literals;

constexpr std::string_view kBrowserType =
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";

// The content of the file part holds CRLFs, a "--" line and a line that
// starts with the whole delimiter but goes on, none of which ends the part.
const std::string kFileContent =
    "id,name\r\n--not a boundary\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gWX is content\r\n"
    "1,\0\xff\r\n"s;

std::string BrowserBody() {
  return "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
         "Content-Disposition: form-data; name=\"description\"\r\n"
         "\r\n"
         "Two lines\r\nof text\r\n"
         "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"report \\\"q3\\\".csv\"\r\n"
         "Content-Type: text/csv\r\n"
         "\r\n" +
         kFileContent +
         "\r\n"
         "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
}

std::string MessageOf(const Result<std::vector<FormPart>>& result) {
  return result.ok() ? "(ok)" : result.status().message();
}

// The parts are views into the body, which must outlive them: the bodies
// parsed here are kept until the test program ends.
Result<std::vector<FormPart>> ParseSimple(std::string body) {
  static std::deque<std::string> kept;
  kept.push_back(std::move(body));
  return ParseMultipart("multipart/form-data; boundary=xyz", kept.back());
}

TEST(MultipartTest, BrowserUploadWithFileAndField) {
  const std::string body = BrowserBody();
  auto parts = ParseMultipart(kBrowserType, body);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "description");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].content_type, "");
  EXPECT_EQ((*parts)[0].content, "Two lines\r\nof text");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "report \"q3\".csv");
  EXPECT_EQ((*parts)[1].content_type, "text/csv");
  EXPECT_EQ((*parts)[1].content, kFileContent);
}

TEST(MultipartTest, QuotedBoundaryPreambleAndEpilogue) {
  const std::string body =
      "This preamble is ignored.\r\n"
      "--a b:c?\r\n"
      "Content-Disposition: form-data; name=x\r\n"
      "\r\n"
      "1\r\n"
      "--a b:c?--\r\n"
      "epilogue, also ignored\r\n--a b:c?\r\nnot a part\r\n";
  auto parts = ParseMultipart("multipart/form-data; boundary=\"a b:c?\"", body);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "x");
  EXPECT_EQ((*parts)[0].content, "1");
}

TEST(MultipartTest, CaseInsensitiveTypeParametersAndHeaders) {
  const std::string body =
      "--XyZ\r\n"
      "content-disposition: FORM-DATA; NAME=field; FileName=\"a.txt\"; filename*=UTF-8''b.txt\r\n"
      "CONTENT-TYPE:  Text/Plain; charset=utf-8 \r\n"
      "X-Other: ignored\r\n"
      "\r\n"
      "hello\r\n"
      "--XyZ  \t\r\n"
      "Content-Disposition: form-data;name=\"empty\"\r\n"
      "\r\n"
      "\r\n"
      "--XyZ--";
  auto parts = ParseMultipart("Multipart/Form-Data; charset=utf-8; BOUNDARY=XyZ", body);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "field");
  EXPECT_EQ((*parts)[0].filename, "a.txt");
  EXPECT_EQ((*parts)[0].content_type, "Text/Plain; charset=utf-8");
  EXPECT_EQ((*parts)[0].content, "hello");
  EXPECT_EQ((*parts)[1].name, "empty");
  EXPECT_EQ((*parts)[1].content, "");
}

TEST(MultipartTest, HeadersMayShareTheirLastCrlfWithTheDelimiter) {
  // RFC 2046: the CRLF and content after a part's headers are optional.
  auto parts = ParseSimple("--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n--xyz--");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].content, "");
}

TEST(MultipartTest, ContentTypeErrors) {
  const std::string body = "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--xyz--";
  EXPECT_EQ(MessageOf(ParseMultipart("application/json", body)),
            "multipart body: Content-Type is not multipart/form-data");
  EXPECT_EQ(MessageOf(ParseMultipart("multipart/mixed; boundary=xyz", body)),
            "multipart body: Content-Type is not multipart/form-data");
  EXPECT_EQ(MessageOf(ParseMultipart("multipart/form-data", body)),
            "multipart body: no boundary parameter in Content-Type");
  EXPECT_EQ(MessageOf(ParseMultipart("multipart/form-data; charset=utf-8", body)),
            "multipart body: no boundary parameter in Content-Type");
  EXPECT_EQ(MessageOf(ParseMultipart("multipart/form-data; boundary=\"\"", body)),
            "multipart body: boundary parameter is empty");
  EXPECT_EQ(
      MessageOf(ParseMultipart("multipart/form-data; boundary=" + std::string(71, 'b'), body)),
      "multipart body: boundary longer than 70 characters");
  EXPECT_EQ(MessageOf(ParseMultipart("multipart/form-data; boundary=\"xyz", body)),
            "multipart body: malformed Content-Type parameters");
  auto seventy = ParseMultipart("multipart/form-data; boundary=" + std::string(70, 'b'),
                                "--" + std::string(70, 'b') + "--");
  ASSERT_TRUE(seventy.ok()) << seventy.status().ToString();
  EXPECT_TRUE(seventy->empty());
}

TEST(MultipartTest, PartErrorsNameThePart) {
  const std::string first = "--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n";
  EXPECT_EQ(MessageOf(ParseSimple(first + "--xyz\r\nContent-Disposition: form-data\r\n\r\n2\r\n"
                                          "--xyz--")),
            "multipart body: part 2 has no name");
  EXPECT_EQ(MessageOf(ParseSimple(first + "--xyz\r\nContent-Disposition: form-data; name=\"\"\r\n"
                                          "\r\n2\r\n--xyz--")),
            "multipart body: part 2 has no name");
  EXPECT_EQ(MessageOf(ParseSimple("--xyz\r\nContent-Type: text/plain\r\n\r\n1\r\n--xyz--")),
            "multipart body: part 1 has no Content-Disposition header");
  EXPECT_EQ(MessageOf(ParseSimple("--xyz\r\n\r\n1\r\n--xyz--")),
            "multipart body: part 1 has no Content-Disposition header");
  EXPECT_EQ(MessageOf(ParseSimple("--xyz\r\n--xyz--")),
            "multipart body: part 1 has no Content-Disposition header");
  EXPECT_EQ(MessageOf(ParseSimple(
                "--xyz\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--xyz--")),
            "multipart body: part 1 Content-Disposition is not form-data");
  EXPECT_EQ(MessageOf(ParseSimple(
                "--xyz\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--xyz--")),
            "multipart body: part 1 has a malformed Content-Disposition header");
  EXPECT_EQ(MessageOf(ParseSimple(first + "--xyz\r\nContent-Disposition: form-data; name=b\r\n"
                                          "no colon here\r\n\r\n2\r\n--xyz--")),
            "multipart body: part 2 has a malformed header line");
  EXPECT_EQ(MessageOf(ParseSimple("--xyz\r\nContent-Disposition: form-data; name=a\r\n--xyz--")),
            "multipart body: part 1 header block not terminated");
  EXPECT_EQ(MessageOf(ParseSimple("--xyz\r\nContent-Disposition: form-data; name=a\r\n")),
            "multipart body: part 1 header block not terminated");
  EXPECT_EQ(MessageOf(ParseSimple(first)), "multipart body: missing closing boundary");
  EXPECT_EQ(MessageOf(ParseSimple(first + "--xyz")), "multipart body: missing closing boundary");
  EXPECT_EQ(MessageOf(ParseSimple("no boundary anywhere")), "multipart body: no opening boundary");
  EXPECT_EQ(MessageOf(ParseSimple("")), "multipart body: no opening boundary");
}

TEST(MultipartTest, FoldedHeaderLinesAreJoined) {
  auto parts = ParseSimple(
      "--xyz\r\nContent-Disposition: form-data;\r\n name=\"folded\"\r\n\r\nv\r\n--xyz--");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ((*parts)[0].name, "folded");
  EXPECT_EQ(MessageOf(ParseSimple("--xyz\r\n name=x\r\n\r\nv\r\n--xyz--")),
            "multipart body: part 1 has a malformed header line");
}

TEST(MultipartTest, HeaderBlockLimit) {
  // The header lines with their CRLFs, up to and over kMaxPartHeaderBytes.
  const std::string disposition = "Content-Disposition: form-data; name=a\r\n";
  const std::string filler_name = "X-Filler: ";
  const size_t fill =
      kMaxPartHeaderBytes - disposition.size() - filler_name.size() - std::string("\r\n").size();
  const std::string at_limit =
      "--xyz\r\n" + disposition + filler_name + std::string(fill, 'f') + "\r\n\r\nv\r\n--xyz--";
  auto parts = ParseSimple(at_limit);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ((*parts)[0].content, "v");

  const std::string over =
      "--xyz\r\n" + disposition + filler_name + std::string(fill + 1, 'f') + "\r\n\r\nv\r\n--xyz--";
  EXPECT_EQ(MessageOf(ParseSimple(over)),
            "multipart body: part 1 header block longer than 16384 bytes");
}

TEST(MultipartTest, PartCountLimit) {
  std::string body;
  for (size_t i = 0; i < kMaxFormParts; ++i) {
    body += "--xyz\r\nContent-Disposition: form-data; name=p" + std::to_string(i) + "\r\n\r\nv\r\n";
  }
  auto parts = ParseSimple(body + "--xyz--");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->size(), kMaxFormParts);
  body += "--xyz\r\nContent-Disposition: form-data; name=extra\r\n\r\nv\r\n--xyz--";
  EXPECT_EQ(MessageOf(ParseSimple(body)), "multipart body: more than 1000 parts");
}

TEST(MultipartTest, EveryTruncationIsAnError) {
  const std::string body = BrowserBody();
  const size_t complete = body.rfind("--\r\n") + 2;  // the close delimiter's end
  for (size_t len = 0; len < complete; ++len) {
    auto parts = ParseMultipart(kBrowserType, std::string_view(body).substr(0, len));
    ASSERT_FALSE(parts.ok()) << "prefix of " << len << " bytes parsed";
    EXPECT_EQ(parts.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parts.status().message().rfind("multipart body: ", 0), 0u)
        << parts.status().message();
  }
  EXPECT_TRUE(ParseMultipart(kBrowserType, std::string_view(body).substr(0, complete)).ok());
}

TEST(MultipartTest, MutatedBodiesNeverCrash) {
  // A poor fuzzer, run on every build: the parse must return, ok or not,
  // without touching memory it should not (sanitizer builds check that).
  const std::string body = BrowserBody();
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = body;
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !mutated.empty(); ++e) {
      const size_t at = rng() % mutated.size();
      switch (rng() % 4) {
        case 0:
          mutated[at] = static_cast<char>(rng());
          break;
        case 1:
          mutated.erase(at, 1 + rng() % 16);
          break;
        case 2:
          mutated.insert(at, rng() % 2 ? "\r\n" : "\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW");
          break;
        default:
          mutated.resize(at);
          break;
      }
    }
    auto parts = ParseMultipart(kBrowserType, mutated);
    if (!parts.ok()) {
      EXPECT_EQ(parts.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(MultipartTest, NearDelimitersStayLinear) {
  // Hundreds of thousands of lines that begin like a delimiter but are not
  // one: a quadratic search would not finish.
  std::string content;
  for (int i = 0; i < 200000; ++i) content += "\r\n--xyzz";
  auto parts = ParseSimple("--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n" + content +
                           "\r\n--xyz--");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ((*parts)[0].content, content);
  EXPECT_EQ(MessageOf(ParseSimple("--xyz\r\n" + std::string(4 << 20, '\r'))),
            "multipart body: part 1 header block longer than 16384 bytes");
}

TEST(AcceptsGzipTest, ListsAndWeights) {
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("br ,  gzip ;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("identity, *;q=0.1"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=1.000"));
  EXPECT_TRUE(AcceptsGzip("gzip;Q=0.001"));
  EXPECT_FALSE(AcceptsGzip("br;q=1, gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0."));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));  // the explicit refusal wins
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzipped, gzip2, xgzip"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=2"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=abc"));
}

TEST(IsCompressibleTest, TextLikeTypesOnly) {
  for (std::string_view type :
       {"text/html", "text/csv; charset=utf-8", "TEXT/PLAIN", "application/json",
        "Application/JSON; charset=UTF-8", "application/problem+json", "application/javascript",
        "application/xml", "image/svg+xml", "application/ld+json", "application/atom+xml"}) {
    EXPECT_TRUE(IsCompressible(type)) << type;
  }
  for (std::string_view type :
       {"", "image/png", "application/pdf", "application/zip", "application/gzip",
        "application/octet-stream", "video/mp4", "application/jsonx", "image/svg"}) {
    EXPECT_FALSE(IsCompressible(type)) << type;
  }
}

std::string Gunzip(std::string_view compressed) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - zs.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(zs.avail_in, 0u) << "bytes after the gzip trailer";
  inflateEnd(&zs);
  return out;
}

TEST(GzipTest, RoundTrips) {
  const std::string empty = Gzip("");
  ASSERT_GE(empty.size(), 18u);  // header and trailer
  EXPECT_EQ(static_cast<unsigned char>(empty[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(empty[1]), 0x8b);
  EXPECT_EQ(Gunzip(empty), "");

  std::string json;
  for (int i = 0; i < 5000; ++i) json += R"({"id":"INC-)" + std::to_string(i) + R"(","ok":true},)";
  const std::string packed = Gzip(json);
  EXPECT_LT(packed.size(), json.size() / 5);
  EXPECT_EQ(Gunzip(packed), json);

  std::mt19937_64 rng(42);
  std::string noise(1 << 20, '\0');
  for (size_t i = 0; i < noise.size(); ++i) {
    // Runs of repeated bytes among random ones, so both paths of deflate run.
    noise[i] = (i % 97 < 20) ? 'a' : static_cast<char>(rng());
  }
  EXPECT_EQ(Gunzip(Gzip(noise)), noise);
}

}  // namespace
}  // namespace mara::api

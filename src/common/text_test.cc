#include "common/text.h"

#include <gtest/gtest.h>

#include <string>

namespace mara {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("Ville-Évêque, Дарфур, 北部, 😀"));
}

TEST(Utf8Test, RejectsMalformedSequencesAndReportsOffset) {
  struct Case {
    std::string text;
    size_t offset;
  };
  const Case cases[] = {
      {std::string("ab\xff"), 2},            // invalid lead byte
      {std::string("a\xc3"), 1},             // truncated sequence
      {std::string("\xc0\xaf"), 0},          // overlong
      {std::string("x\xed\xa0\x80"), 1},     // surrogate
      {std::string("\xf4\x90\x80\x80"), 0},  // above U+10FFFF
      {std::string("ok\xe2\x82z"), 2},       // bad continuation
  };
  for (const auto& c : cases) {
    size_t offset = 99;
    EXPECT_FALSE(IsValidUtf8(c.text, &offset));
    EXPECT_EQ(offset, c.offset);
  }
}

TEST(FoldTest, FoldsCaseAccentsAndSpace) {
  EXPECT_EQ(Fold("  Ville-Évêque  "), "ville-eveque");
  EXPECT_EQ(Fold("VILLE-EVEQUE"), Fold("ville-évêque"));
  EXPECT_EQ(Fold("Town\t  X"), "town x");
  EXPECT_EQ(Fold("Straße"), "strasse");
  EXPECT_EQ(Fold("ﬁeld"), "field");  // compatibility ligature
  EXPECT_NE(Fold("Town X"), Fold("Town Y"));
}

TEST(DigestTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // BLAKE2b-256 of the empty string.
  EXPECT_EQ(Blake2bHex(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  Digest d;
  d.Update("a");
  d.Update("bc");
  EXPECT_EQ(d.HexFinal(), Blake2bHex("abc"));
}

TEST(QuoteForMessageTest, EscapesControlBytesAndTruncates) {
  EXPECT_EQ(QuoteForMessage("P-1"), "'P-1'");
  EXPECT_EQ(QuoteForMessage("a\nb"), "'a\\x0ab'");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'x')), "'" + std::string(60, 'x') + "...'");
  EXPECT_EQ(QuoteForMessage("a\xff"), "'a\\xff'");
  // A cut never splits a UTF-8 sequence.
  std::string accents;
  for (int i = 0; i < 40; ++i) accents += "é";
  const std::string quoted = QuoteForMessage(accents);
  EXPECT_TRUE(IsValidUtf8(quoted));
  EXPECT_EQ(quoted, "'" + accents.substr(0, 60) + "...'");
}

}  // namespace
}  // namespace mara

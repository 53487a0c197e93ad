#include "ingest/names/name_fold.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mara::names {
namespace {

using Tokens = std::vector<std::string>;

TEST(NameFoldTest, RemovesDateParentheticals) {
  FoldedName f = FoldName("Military Forces of Uganda (2000-)");
  EXPECT_EQ(f.text, "military forces of uganda");
  EXPECT_TRUE(f.removed_dates);
  EXPECT_EQ(FoldNameText("Government of Chad (1989-1994)"), "government of chad");
  EXPECT_EQ(FoldNameText("Government of Chad (1989 \u2013 1994)"), "government of chad");
  EXPECT_EQ(FoldNameText("Government of Chad (1989-94)"), "government of chad");
  EXPECT_EQ(FoldNameText("Forces nouvelles [since 2003]"), "forces nouvelles");
  EXPECT_EQ(FoldNameText("X (1990-1995) Y (2001)"), "x y");
}

TEST(NameFoldTest, KeepsParentheticalsThatAreNotDates) {
  FoldedName f = FoldName("Government of Russia (Soviet Union)");
  EXPECT_EQ(f.text, "government of russia soviet union");
  EXPECT_FALSE(f.removed_dates);
  EXPECT_EQ(FoldNameText("Mara Salvatrucha (El Salvador)"), "mara salvatrucha el salvador");
  EXPECT_EQ(FoldNameText("Brigade (Unit 2000)"), "brigade unit 2000");
  EXPECT_EQ(FoldNameText("Front (123)"), "front 123");
  EXPECT_EQ(FoldNameText("Unclosed (2000-"), "unclosed 2000");
}

TEST(NameFoldTest, FoldsCaseMarksAndCompatibilityForms) {
  EXPECT_EQ(FoldNameText("Front de Lib\u00e9ration Nationale"), "front de liberation nationale");
  EXPECT_EQ(FoldNameText("R\u00c9SISTANCE Nacional Mo\u00e7ambicana"),
            "resistance nacional mocambicana");
  EXPECT_EQ(FoldNameText("\uff21\uff24\uff26"), "adf");  // full-width letters
  EXPECT_EQ(FoldNameText("\u0410\u0440\u043c\u0438\u044f"), "\u0430\u0440\u043c\u0438\u044f");
}

TEST(NameFoldTest, PunctuationAmpersandAndSpaces) {
  EXPECT_EQ(FoldNameText("  SPLM/A -  WN  "), "splm a wn");
  EXPECT_EQ(FoldNameText("Honasan, Abenina & Zumel"), "honasan abenina and zumel");
  EXPECT_EQ(FoldNameText("Hizb-ut-Tahrir!!"), "hizb ut tahrir");
  EXPECT_EQ(FoldNameText("..."), "");
  EXPECT_EQ(FoldNameText(""), "");
  EXPECT_EQ(FoldNameText("(2000-)"), "");
}

TEST(NameFoldTest, ApostrophesJoinWordsButSplitElidedArticles) {
  EXPECT_EQ(FoldNameText("Al-Qa'ida"), "al qaida");
  EXPECT_EQ(FoldNameText("Al-Qa\u2019ida"), "al qaida");
  EXPECT_EQ(FoldNameText("Lord's Resistance Army"), "lords resistance army");
  EXPECT_EQ(FoldNameText("Jihad en Afrique de l'Ouest"), "jihad en afrique de l ouest");
  EXPECT_EQ(FoldNameText("Front d\u2019Action"), "front d action");
}

TEST(NameFoldTest, StopWordsAreFlaggedNotDropped) {
  FoldedName f = FoldName("The Army of al-Mahdi");
  EXPECT_EQ(f.tokens, (Tokens{"the", "army", "of", "al", "mahdi"}));
  EXPECT_EQ(f.is_stop, (std::vector<bool>{true, false, true, true, false}));
  EXPECT_EQ(f.core_tokens, (Tokens{"army", "mahdi"}));
  EXPECT_EQ(f.core, "army mahdi");
  EXPECT_EQ(f.core_acronym, "am");
  EXPECT_EQ(f.full_acronym, "taoam");
  EXPECT_TRUE(IsStopWord("la"));
  EXPECT_TRUE(IsStopWord("el"));
  EXPECT_FALSE(IsStopWord("army"));
}

TEST(NameFoldTest, NameOfOnlyStopWordsKeepsThemAsCore) {
  FoldedName f = FoldName("The");
  EXPECT_EQ(f.core, "the");
  EXPECT_EQ(f.core_tokens, (Tokens{"the"}));
  EXPECT_EQ(f.core_acronym, "");
}

TEST(NameFoldTest, AcronymsOfCoreAndAllTokens) {
  FoldedName f = FoldName("Front de Lib\u00e9ration Nationale");
  EXPECT_EQ(f.core_acronym, "fln");
  EXPECT_EQ(f.full_acronym, "fdln");
  EXPECT_EQ(FoldName("Renamo").core_acronym, "");
  // The first code point, not the first byte, of a non-ASCII token.
  EXPECT_EQ(FoldName("\u0410\u0440\u043c\u0438\u044f \u0421\u0432\u043e\u0431\u043e\u0434\u044b")
                .core_acronym,
            "\u0430\u0441");
}

TEST(NameFoldTest, DecodeUtf8ReplacesInvalidBytes) {
  EXPECT_EQ(DecodeUtf8("a\xc3\xa9"), (std::u32string{U'a', 0xE9}));
  EXPECT_EQ(DecodeUtf8("a\xff"
                       "b"),
            (std::u32string{U'a', 0xFFFD, U'b'}));
}

}  // namespace
}  // namespace mara::names

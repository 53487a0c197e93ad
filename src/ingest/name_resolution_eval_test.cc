// Name resolution on real wording: the held-out UN annex party names
// (testdata/un_annex_parties.tsv) against the registry the real UCDP actor
// list makes when imported, with the targets of docs/name-resolution.md.
#include <gtest/gtest.h>

#include <cstdio>

#include "ingest/import_test_support.h"
#include "ingest/names/evaluation.h"
#include "ingest/party_matcher.h"
#include "ingest/ucdp_actors.h"

namespace mara {
namespace {

class NameResolutionEvalTest : public testing_support::ImporterTest {};

TEST_F(NameResolutionEvalTest, UnAnnexNamesAfterImportingUcdpActors) {
  MARA_REAL_DATA(actors, "ucdp_actor_list_v23_1.csv");
  auto imported = Run(ImportUcdpActors, actors);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  auto resolver = names::NameResolver::Build(ResolverNames(Registry().parties));
  ASSERT_TRUE(resolver.ok()) << resolver.status().ToString();
  auto names = names::LoadHeldOutNames(MARA_SOURCE_DIR "/src/ingest/testdata/un_annex_parties.tsv");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  const names::HeldOutReport report = names::EvaluateHeldOut(*resolver, *names);
  std::string lines;
  for (const std::string& l : report.lines) lines += l + "\n";
  std::printf("%s%s\n", lines.c_str(), report.Summary().c_str());
  EXPECT_GE(report.names, 40u);
  EXPECT_GE(report.state_forces, 14u);
  EXPECT_GE(report.AcceptPrecision(), 0.97) << report.Summary() << "\n" << lines;
  EXPECT_GE(report.AcceptRecall(), 0.80) << report.Summary() << "\n" << lines;
  EXPECT_GE(report.state_forces_resolved, 12u) << report.Summary() << "\n" << lines;
}

}  // namespace
}  // namespace mara

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-test-scenarios.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-plan-reader.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/test.h"

#include <string>

using namespace ns3;

namespace
{

/// A plan of the hand scenario: l0 and l1 on the given servers and bits.
std::string
Plan(const std::string& s0, const std::string& b0, const std::string& s1, const std::string& b1)
{
    return R"({"layers": [{"layer": "l0", "server": ")" + s0 + R"(", "bits": )" + b0
           + R"(}, {"layer": "l1", "server": ")" + s1 + R"(", "bits": )" + b1
           + R"(}], "solver": {"name": "mine"}})";
}

/// The error of reading a plan, or "".
std::string
ReadError(const std::string& text, const LlmCostModel& model)
{
    try
    {
        LlmPlanReader::FromJson(text, "plan.json", model);
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/**
 * @ingroup edge-llm-tests
 * A solver's plan file reads back to the same placement and T; plans that do not fit the
 * scenario are refused with the layer and the field named.
 */
class LlmPlanReaderTestCase : public TestCase
{
  public:
    LlmPlanReaderTestCase()
        : TestCase("Plan files: round trip, and every misfit named")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = LlmScenario::Parse(tests::kHandScenario, "hand.json");
        const LlmCostModel model(s);
        const LlmPlan solved = LlmSolverFactory::Create("exhaustive")->Solve(model);
        const LlmPlan read = LlmPlanReader::FromJson(solved.ToJson(model), "plan.json", model);
        NS_TEST_ASSERT_MSG_EQ((read.placement == solved.placement), true, "same placement");
        NS_TEST_ASSERT_MSG_EQ_TOL(read.objective, solved.objective, 1e-12, "T recomputed");
        NS_TEST_ASSERT_MSG_EQ(read.solver, "exhaustive", "origin kept");
        NS_TEST_ASSERT_MSG_EQ(read.HasPlacement(), true, "usable");

        NS_TEST_ASSERT_MSG_EQ(ReadError(Plan("a", "8", "b", "8"), model), "", "a fitting plan");
        NS_TEST_ASSERT_MSG_EQ(
            ReadError(Plan("a", "8", "z", "8"), model),
            "plan.json: layers[1].server: expected a server of the scenario, got \"z\"",
            "unknown server");
        NS_TEST_ASSERT_MSG_EQ(ReadError(Plan("a", "8", "b", "5"), model),
                              "plan.json: layers[1].bits: expected a width of the bit set (4, "
                              "8, 12, 16, 20, 24, 28, 32), got 5",
                              "bits outside the set");
        NS_TEST_ASSERT_MSG_EQ(ReadError(R"({"layers": [{"server": "a", "bits": 8}]})", model),
                              "plan.json: layers: expected 2 entries, one per layer of toy, got 1",
                              "layer count");
        const std::string storage = ReadError(Plan("b", "8", "c", "16"), model);
        NS_TEST_ASSERT_MSG_NE(storage.find("layers: the placement does not fit the scenario"),
                              std::string::npos,
                              storage);
        NS_TEST_ASSERT_MSG_NE(storage.find("2e"), std::string::npos, "storage binds: " << storage);
        const std::string link = ReadError(Plan("b", "8", "a", "8"), model);
        NS_TEST_ASSERT_MSG_NE(link.find("2f"), std::string::npos, "no link b -> a: " << link);
        const std::string delta = ReadError(Plan("a", "8", "b", "4"), model);
        NS_TEST_ASSERT_MSG_NE(delta.find("delta"), std::string::npos, "beyond delta: " << delta);
        NS_TEST_ASSERT_MSG_NE(ReadError(R"({"layers": [{"layer": "l1", "server": "a", "bits": 8},
                                                       {"server": "b", "bits": 8}]})",
                                        model)
                                  .find("layers[0].layer: expected \"l0\""),
                              std::string::npos,
                              "layers out of order");
        NS_TEST_ASSERT_MSG_NE(ReadError("{not json", model).find("plan.json: not valid JSON"),
                              std::string::npos,
                              "not JSON");
    }
};

/**
 * @ingroup edge-llm-tests
 * Plan reader unit suite.
 */
class LlmPlanReaderTestSuite : public TestSuite
{
  public:
    LlmPlanReaderTestSuite()
        : TestSuite("edge-llm-plan-reader", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmPlanReaderTestCase());
    }
};

/// Static instance.
LlmPlanReaderTestSuite g_llmPlanReaderTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/command-line.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-scenario-options.h"
#include "ns3/test.h"

#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Parse `args` (program name first) and build the scenario; return the error or "".
std::string
BuildError(const std::vector<std::string>& args, LlmScenario* out = nullptr)
{
    LlmScenarioOptions options;
    CommandLine cmd;
    options.AddToCommandLine(cmd);
    cmd.Parse(args);
    try
    {
        LlmScenario s = options.Build();
        if (out)
        {
            *out = s;
        }
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/**
 * @ingroup edge-llm-tests
 * Command-line overrides apply to the scenario, and bad values name the option.
 */
class LlmScenarioOptionsTestCase : public TestCase
{
  public:
    LlmScenarioOptionsTestCase()
        : TestCase("Scenario command-line overrides")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s;
        NS_TEST_ASSERT_MSG_EQ(BuildError({"prog"}, &s), "", "defaults");
        NS_TEST_ASSERT_MSG_EQ((s == LlmScenario::BuiltInDefault()), true, "built-in");

        NS_TEST_ASSERT_MSG_EQ(BuildError({"prog",
                                          "--delta=1e-3",
                                          "--tokens=16",
                                          "--batch=4",
                                          "--b-min=2",
                                          "--b-step=3",
                                          "--b-max=30",
                                          "--model=opt-125m",
                                          "--max-layers-per-server=unlimited"},
                                         &s),
                              "",
                              "overrides");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.GetQuantization().delta, 1e-3, 1e-18, "delta");
        NS_TEST_ASSERT_MSG_EQ(s.GetWorkload().tokens, 16, "tokens");
        NS_TEST_ASSERT_MSG_EQ(s.GetWorkload().batch, 4, "batch");
        NS_TEST_ASSERT_MSG_EQ(s.GetQuantization().bMin, 2, "b_min");
        NS_TEST_ASSERT_MSG_EQ(s.GetQuantization().bStep, 3, "b_step");
        NS_TEST_ASSERT_MSG_EQ(s.GetQuantization().bMax, 30, "b_max");
        NS_TEST_ASSERT_MSG_EQ(s.GetModelReference(), "opt-125m", "model");
        NS_TEST_ASSERT_MSG_EQ(s.GetMaxLayersPerServer().has_value(), false, "unlimited");

        NS_TEST_EXPECT_MSG_EQ(BuildError({"prog", "--delta=-1"}),
                              "command line: --delta: expected a positive number, got \"-1\"",
                              "negative delta");
        NS_TEST_EXPECT_MSG_EQ(BuildError({"prog", "--delta=0x10"}),
                              "command line: --delta: expected a positive number, got \"0x10\"",
                              "hexadecimal refused");
        NS_TEST_EXPECT_MSG_EQ(BuildError({"prog", "--tokens=1.5"}),
                              "command line: --tokens: expected a positive integer, got \"1.5\"",
                              "fractional tokens");
        NS_TEST_EXPECT_MSG_EQ(BuildError({"prog", "--batch=0"}),
                              "command line: --batch: expected a positive integer, got \"0\"",
                              "zero batch");
        NS_TEST_EXPECT_MSG_NE(BuildError({"prog", "--b-min=40"})
                                  .find("quantization.b_max: expected b_max >= b_min = 40"),
                              std::string::npos,
                              "inconsistent overrides");
        NS_TEST_EXPECT_MSG_NE(BuildError({"prog", "--model=gpt-5"}).find("unknown model"),
                              std::string::npos,
                              "unknown model");
        NS_TEST_EXPECT_MSG_EQ(BuildError({"prog", "--scenario=/nonexistent.json"}),
                              "/nonexistent.json: cannot open the file for reading",
                              "missing file");
    }
};

/**
 * @ingroup edge-llm-tests
 * The scenario options suite.
 */
class LlmScenarioOptionsTestSuite : public TestSuite
{
  public:
    LlmScenarioOptionsTestSuite()
        : TestSuite("edge-llm-scenario-options", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmScenarioOptionsTestCase());
    }
};

/// Static instance.
LlmScenarioOptionsTestSuite g_llmScenarioOptionsTestSuite;

} // namespace

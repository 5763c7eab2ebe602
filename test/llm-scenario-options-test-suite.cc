// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/command-line.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-scenario-options.h"
#include "ns3/test.h"

#include <filesystem>
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
 * --model-config replaces the model by the profile of a Hugging Face config.json.
 */
class LlmModelConfigOptionTestCase : public TestCase
{
  public:
    LlmModelConfigOptionTestCase()
        : TestCase("--model-config replaces the model")
    {
    }

  private:
    void DoRun() override
    {
        // test/data next to this file (__FILE__ is absolute in CMake builds; waf builds give a
        // relative one, and NS_TEST_SOURCEDIR instead).
        std::filesystem::path data = std::filesystem::path(__FILE__).parent_path() / "data";
#ifdef NS_TEST_SOURCEDIR
        if (!std::filesystem::is_directory(data))
        {
            data = std::filesystem::path(NS_TEST_SOURCEDIR) / "data";
        }
#endif
        const std::string config = (data / "llama-2-7b-config.json").string();
        LlmScenario s;
        NS_TEST_ASSERT_MSG_EQ(BuildError({"prog", "--model-config=" + config, "--b-max=16"}, &s),
                              "",
                              "a config.json with --b-max for its float16 weights");
        NS_TEST_ASSERT_MSG_EQ(s.GetModel().GetName(), "meta-llama/Llama-2-7b-hf", "model name");
        NS_TEST_ASSERT_MSG_EQ(s.GetModel().GetOriginalBits(), 16, "torch_dtype float16");
        NS_TEST_ASSERT_MSG_EQ(
            (s.GetModel().GetLayers() == LlmProfile::BuiltIn("llama-2-7b").GetLayers()),
            true,
            "the layers of the built-in Llama-2-7b");
        NS_TEST_ASSERT_MSG_EQ(s.GetModelReference(), "", "saved explicitly, not as a name");
        NS_TEST_ASSERT_MSG_EQ(s.GetQuantization().bMax, 16, "b_max");
        NS_TEST_ASSERT_MSG_EQ((LlmScenario::Parse(s.ToJson(), "saved.json") == s),
                              true,
                              "saved with the model expanded, loaded back equal");

        NS_TEST_EXPECT_MSG_EQ(BuildError({"prog", "--model-config=" + config}),
                              "command line: --model-config: " + config
                                  + " gives a model stored with 16 bits (torch_dtype), fewer "
                                    "than b_max = 32 of the scenario: pass --b-max=16 or lower",
                              "b_max above the stored precision");
        NS_TEST_EXPECT_MSG_EQ(
            BuildError({"prog", "--model=opt-125m", "--model-config=" + config}),
            "command line: --model-config: expected either --model or --model-config, got both",
            "both refused");
        NS_TEST_EXPECT_MSG_EQ(BuildError({"prog", "--model-config=/nonexistent/config.json"}),
                              "/nonexistent/config.json: cannot open the model configuration "
                              "file for reading",
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
        AddTestCase(new LlmModelConfigOptionTestCase());
    }
};

/// Static instance.
LlmScenarioOptionsTestSuite g_llmScenarioOptionsTestSuite;

} // namespace

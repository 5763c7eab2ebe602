// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-fuzz: a libFuzzer target for everything edge-llm reads from users. The first byte
// of an input picks the reader, the rest is its text:
//   0  a scenario file (LlmScenario::Parse; an accepted scenario must also build its cost
//      model and survive a save/load round trip unchanged)
//   1  a plan file for the tests' hand scenario (LlmPlanReader::FromJson)
//   2  a sweep variant "name:key=value,..." (LlmTransportSetting::Parse + Validate)
//   3  one option value, "key=value" (LlmTransportSetting::Set), then LlmTextParse
// A user error must come out as LlmInputError; anything else (a crash, another exception, a
// sanitizer report, a round trip that changes the scenario) is a finding.
//
// Build (clang): cmake -S . -B build-fuzz -DEDGE_LLM_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++
//                 -DEDGE_LLM_EXAMPLES=OFF -DEDGE_LLM_TESTS=OFF && cmake --build build-fuzz -j 2
// Run:   build-fuzz/bin/edge-llm-fuzz -max_total_time=600 corpus/ test/fuzz-corpus/

#include "llm-test-scenarios.h"
#include "ns3/edge-llm-module.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace ns3;

namespace
{

void
Scenario(const std::string& text)
{
    const LlmScenario s = LlmScenario::Parse(text, "fuzz.json");
    if (s.GetServers().size() <= 256 && s.GetModel().GetNLayers() <= 256)
    {
        const LlmCostModel model(s);
        (void) model.GetBitSet();
    }
    const LlmScenario again = LlmScenario::Parse(s.ToJson(true), "round-trip.json");
    if (!(again.GetModel().GetNLayers() == s.GetModel().GetNLayers()
          && again.GetServers() == s.GetServers() && again.GetLinks() == s.GetLinks()))
    {
        std::abort(); // saving and loading changed the scenario
    }
}

void
Plan(const std::string& text)
{
    // The cost model keeps a reference to its scenario: both live as long as the process.
    static const LlmScenario scenario =
        LlmScenario::Parse(tests::kHandScenario, "plan-scenario.json");
    static const LlmCostModel model(scenario);
    const LlmPlan plan = LlmPlanReader::FromJson(text, "plan.json", model);
    if (!plan.HasPlacement() || !model.CheckPlacement(plan.placement).empty())
    {
        std::abort(); // an accepted plan must fit
    }
}

void
Option(const std::string& text)
{
    const std::size_t eq = text.find('=');
    LlmTransportSetting t;
    t.Set(text.substr(0, eq), eq == std::string::npos ? "" : text.substr(eq + 1), "--fuzz");
    t.Validate("");
    LlmTextParse::Number("fuzz", "number", text, -1e300, 1e300);
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try
    {
        switch (data[0] % 4)
        {
            case 0:
                Scenario(text);
                break;
            case 1:
                Plan(text);
                break;
            case 2:
                LlmTransportSetting::Parse(text, LlmTransportSetting{}).Validate("--variants");
                break;
            default:
                Option(text);
                break;
        }
    }
    catch (const LlmInputError&)
    {
        // the expected answer to bad input
    }
    return 0;
}

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/llm-input-error.h"
#include "ns3/llm-scenario.h"
#include "ns3/test.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

using namespace ns3;
using Json = nlohmann::json;

namespace
{

/// The scenario contract's example, with a second server so that its link is valid.
const char* kContractExample = R"({
  "model": {"name": "opt-350m", "original_bits": 32,
            "layers": [{"name": "decoder.0", "params": 12596224, "flops_per_token": 25165824,
                        "output_elements_per_token": 1024, "weight_max_abs": 0.3},
                       {"name": "decoder.1", "params": 12596224, "flops_per_token": 25165824,
                        "output_elements_per_token": 1024,
                        "weight_error": {"4": 0.01, "8": 1e-6}}]},
  "workload": {"tokens": 128, "batch": 128},
  "quantization": {"b_min": 4, "b_max": 32, "b_step": 2, "delta": 1e-5},
  "servers": [{"name": "edge0", "ccs_hz": 2.0e9, "storage_bytes": 2.0e8},
              {"name": "edge1", "ccs_hz": 3.0e9}],
  "links": [{"from": "edge0", "to": "edge1", "bps": 1.0e8}],
  "max_layers_per_server": 1
})";

/// Parse text; return the error message, or "" if it was accepted.
std::string
ParseError(const std::string& text)
{
    try
    {
        LlmScenario::Parse(text, "scenario.json");
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/**
 * @ingroup edge-llm-tests
 * Load and save round-trip exactly, for every optional form of the contract.
 */
class LlmScenarioRoundTripTestCase : public TestCase
{
  public:
    LlmScenarioRoundTripTestCase()
        : TestCase("Scenario files load and save round-trip exactly")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = LlmScenario::Parse(kContractExample, "scenario.json");
        NS_TEST_ASSERT_MSG_EQ(s.GetModel().GetNLayers(), 2, "two layers");
        NS_TEST_ASSERT_MSG_EQ(s.GetModel().GetLayer(0).params, 12596224ULL, "params");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.GetModel().GetLayer(0).weightMaxAbs, 0.3, 1e-15, "R");
        NS_TEST_ASSERT_MSG_EQ(s.GetModel().GetLayer(1).weightError.size(), 2, "error table");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.GetModel().GetLayer(1).weightError.at(8), 1e-6, 1e-20, "e8");
        NS_TEST_ASSERT_MSG_EQ(s.GetServers()[0].storageBytes.has_value(), true, "storage");
        NS_TEST_ASSERT_MSG_EQ(s.GetServers()[1].storageBytes.has_value(), false, "unlimited");
        NS_TEST_ASSERT_MSG_EQ(s.GetMaxLayersPerServer().value_or(0), 1, "2d");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.GetQuantization().delta, 1e-5, 1e-20, "delta");

        // Save, load: equal scenario; and the saved JSON equals the input JSON.
        const std::string saved = s.ToJson();
        NS_TEST_ASSERT_MSG_EQ((LlmScenario::Parse(saved, "saved") == s), true, "round trip");
        NS_TEST_ASSERT_MSG_EQ(Json::parse(saved), Json::parse(kContractExample), "same JSON");

        // Unlimited 2d is written as null; an absent field means the paper's 1.
        Json j = Json::parse(kContractExample);
        j["max_layers_per_server"] = nullptr;
        const LlmScenario unlimited = LlmScenario::Parse(j.dump(), "scenario.json");
        NS_TEST_ASSERT_MSG_EQ(unlimited.GetMaxLayersPerServer().has_value(), false, "null");
        NS_TEST_ASSERT_MSG_EQ(Json::parse(unlimited.ToJson()), j, "null round trip");
        j.erase("max_layers_per_server");
        NS_TEST_ASSERT_MSG_EQ(LlmScenario::Parse(j.dump(), "s").GetMaxLayersPerServer().value_or(0),
                              1,
                              "absent means one layer per server (2d)");

        // A description survives the round trip.
        j = Json::parse(kContractExample);
        j["description"] = "two edge servers";
        NS_TEST_ASSERT_MSG_EQ(Json::parse(LlmScenario::Parse(j.dump(), "s").ToJson()),
                              j,
                              "description kept");

        // A built-in model name stays a name, or expands to its layers on request.
        j = Json::parse(kContractExample);
        j["model"] = "opt-125m";
        j["links"][0]["delay_s"] = 0.001;
        j["servers"][1]["role"] = "cloud";
        const LlmScenario named = LlmScenario::Parse(j.dump(), "scenario.json");
        NS_TEST_ASSERT_MSG_EQ(named.GetModelReference(), "opt-125m", "reference kept");
        NS_TEST_ASSERT_MSG_EQ(named.GetModel().GetNLayers(), 14, "built-in layers");
        NS_TEST_ASSERT_MSG_EQ(Json::parse(named.ToJson()), j, "name round trip");
        const LlmScenario expanded = LlmScenario::Parse(named.ToJson(true), "expanded");
        NS_TEST_ASSERT_MSG_EQ((expanded.GetModel() == named.GetModel()), true, "expanded model");
        NS_TEST_ASSERT_MSG_EQ(expanded.GetModelReference(), "", "expanded: explicit");

        // Through a file.
        const std::string path = CreateTempDirFilename("edge-llm-scenario.json");
        named.Save(path);
        NS_TEST_ASSERT_MSG_EQ((LlmScenario::Load(path) == named), true, "file round trip");
        std::remove(path.c_str());

        // The built-in default scenario, expanded, round-trips too.
        const LlmScenario def = LlmScenario::BuiltInDefault();
        NS_TEST_ASSERT_MSG_EQ(
            (LlmScenario::Parse(def.ToJson(true), "d").GetModel() == def.GetModel()),
            true,
            "default expanded");
        NS_TEST_ASSERT_MSG_EQ((LlmScenario::Parse(def.ToJson(), "d") == def), true, "default");
    }
};

/**
 * @ingroup edge-llm-tests
 * Every bad input is refused with file, JSON path and expectation.
 */
class LlmScenarioBadInputTestCase : public TestCase
{
  public:
    LlmScenarioBadInputTestCase()
        : TestCase("Bad scenario inputs are refused with file, path and expectation")
    {
    }

  private:
    /**
     * Mutate the contract example and expect an error containing `expected`.
     * @param what description
     * @param mutate the change to apply
     * @param expected substring of the message
     */
    void Expect(const std::string& what,
                const std::function<void(Json&)>& mutate,
                const std::string& expected)
    {
        Json j = Json::parse(kContractExample);
        mutate(j);
        const std::string message = ParseError(j.dump());
        NS_TEST_EXPECT_MSG_NE(message.find(expected),
                              std::string::npos,
                              what << ": expected \"" << expected << "\" in \"" << message << "\"");
        NS_TEST_EXPECT_MSG_EQ(message.rfind("scenario.json: ", 0),
                              0,
                              what << ": the message starts with the file name: " << message);
    }

    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(ParseError(kContractExample), "", "the example is valid");

        // Not JSON at all, or not an object.
        NS_TEST_EXPECT_MSG_NE(ParseError("{\"model\": ").find("scenario.json: not valid JSON"),
                              std::string::npos,
                              "truncated file");
        NS_TEST_EXPECT_MSG_NE(ParseError("[1, 2]").find("expected a scenario object"),
                              std::string::npos,
                              "array at top level");

        // The issue's own example message, exactly.
        Json j = Json::parse(kContractExample);
        j["servers"][1]["ccs_hz"] = "fast";
        NS_TEST_EXPECT_MSG_EQ(ParseError(j.dump()),
                              "scenario.json: servers[1].ccs_hz: expected a positive number, "
                              "got \"fast\"",
                              "wrong type");

        // Missing fields.
        Expect(
            "missing tokens",
            [](Json& j) { j["workload"].erase("tokens"); },
            "workload.tokens: missing field");
        Expect(
            "missing servers",
            [](Json& j) { j.erase("servers"); },
            "servers: missing field");
        Expect(
            "missing layer params",
            [](Json& j) { j["model"]["layers"][1].erase("params"); },
            "model.layers[1].params: missing field");
        Expect(
            "missing weight data",
            [](Json& j) { j["model"]["layers"][0].erase("weight_max_abs"); },
            "model.layers[0]: expected weight_max_abs");

        // Wrong types.
        Expect(
            "tokens 1.5",
            [](Json& j) { j["workload"]["tokens"] = 1.5; },
            "workload.tokens: expected a positive integer, got 1.5");
        Expect(
            "params string",
            [](Json& j) { j["model"]["layers"][0]["params"] = "12M"; },
            "model.layers[0].params: expected a non-negative integer, got \"12M\"");
        Expect(
            "links not array",
            [](Json& j) { j["links"] = 3; },
            "links: expected an array of links, got 3");
        Expect(
            "role",
            [](Json& j) { j["servers"][0]["role"] = "fog"; },
            "servers[0].role: expected \"edge\" or \"cloud\"");
        Expect(
            "unknown field",
            [](Json& j) { j["servers"][0]["storage_byte"] = 1; },
            "servers[0].storage_byte: unknown field");
        Expect(
            "bad error key",
            [](Json& j) { j["model"]["layers"][1]["weight_error"]["x"] = 1; },
            "model.layers[1].weight_error.x: expected the key to be a positive bit width");

        // Negative or zero capacities.
        Expect(
            "negative ccs",
            [](Json& j) { j["servers"][0]["ccs_hz"] = -2e9; },
            "servers[0].ccs_hz: expected a positive number, got -2e+09");
        Expect(
            "zero storage",
            [](Json& j) { j["servers"][0]["storage_bytes"] = 0; },
            "servers[0].storage_bytes: expected a positive number, got 0");
        Expect(
            "zero link",
            [](Json& j) { j["links"][0]["bps"] = 0; },
            "links[0].bps: expected a positive number, got 0");
        Expect(
            "negative delay",
            [](Json& j) { j["links"][0]["delay_s"] = -1; },
            "links[0].delay_s: expected a non-negative number, got -1");
        Expect(
            "zero tokens",
            [](Json& j) { j["workload"]["tokens"] = 0; },
            "workload.tokens: expected a positive integer, got 0");
        Expect(
            "zero max layers",
            [](Json& j) { j["max_layers_per_server"] = 0; },
            "max_layers_per_server: expected a positive integer or null");

        // Links naming unknown servers, self links, duplicates.
        Expect(
            "unknown to",
            [](Json& j) { j["links"][0]["to"] = "edge7"; },
            "links[0].to: expected the name of a server in servers, got \"edge7\"");
        Expect(
            "unknown from",
            [](Json& j) { j["links"][0]["from"] = "cloud"; },
            "links[0].from: expected the name of a server in servers, got \"cloud\"");
        Expect(
            "self link",
            [](Json& j) { j["links"][0]["to"] = "edge0"; },
            "links[0].to: expected a server other than from");
        Expect(
            "duplicate link",
            [](Json& j) { j["links"].push_back(j["links"][0]); },
            "links[1]: expected one link per direction");
        Expect(
            "duplicate server",
            [](Json& j) { j["servers"][1]["name"] = "edge0"; },
            "servers[1].name: expected a unique server name, got \"edge0\" twice");
        Expect(
            "duplicate layer",
            [](Json& j) { j["model"]["layers"][1]["name"] = "decoder.0"; },
            "model.layers[1].name: expected a unique layer name");

        // Quantization.
        Expect(
            "delta zero",
            [](Json& j) { j["quantization"]["delta"] = 0; },
            "quantization.delta: expected a positive number, got 0");
        Expect(
            "delta negative",
            [](Json& j) { j["quantization"]["delta"] = -1e-5; },
            "quantization.delta: expected a positive number, got -1e-05");
        Expect(
            "b_min > b_max",
            [](Json& j) {
                j["quantization"]["b_min"] = 16;
                j["quantization"]["b_max"] = 8;
            },
            "quantization.b_max: expected b_max >= b_min = 16, got 8");
        Expect(
            "b_max > original",
            [](Json& j) { j["quantization"]["b_max"] = 64; },
            "quantization.b_max: expected at most model.original_bits = 32, got 64");
        Expect(
            "zero step",
            [](Json& j) { j["quantization"]["b_step"] = 0; },
            "quantization.b_step: expected a positive integer, got 0");

        // Empty or unknown model.
        Expect(
            "empty model",
            [](Json& j) { j["model"]["layers"] = Json::array(); },
            "model.layers: expected a non-empty array of layers, got []");
        Expect(
            "empty servers",
            [](Json& j) { j["servers"] = Json::array(); },
            "servers: expected a non-empty array of servers, got []");
        Expect(
            "unknown built-in",
            [](Json& j) { j["model"] = "gpt-5"; },
            "model: expected a model object or a built-in profile name");

        Expect(
            "infinite compute",
            [](Json& j) {
                j["servers"][0]["ccs_hz"] = 1e-300;
                j["accept_implausible_units"] = true; // past the unit check, to the next one
            },
            "servers[0].ccs_hz: expected a speed at which layer decoder.0 computes in a finite "
            "time");
        // Units typed wrong: refused with the likely meaning, unless accepted.
        Expect(
            "GHz typed as Hz",
            [](Json& j) { j["servers"][0]["ccs_hz"] = 2.0; },
            "servers[0].ccs_hz: expected a clock in Hz (operations per second) of at least 1e+06, "
            "got 2; did you mean 2e+09 (GHz typed as Hz)?");
        Expect(
            "tiny clock",
            [](Json& j) { j["servers"][0]["ccs_hz"] = 1e-300; },
            "servers[0].ccs_hz: expected a clock in Hz (operations per second) of at least 1e+06, "
            "got 1e-300 (to use such a value");
        Expect(
            "Mbit/s typed as bit/s",
            [](Json& j) { j["links"][0]["bps"] = 100; },
            "links[0].bps: expected a link speed in bit/s of at least 1000, got 100; did you mean "
            "1e+08 (Mbit/s typed as bit/s)?");
        Expect(
            "GB typed as bytes",
            [](Json& j) { j["servers"][0]["storage_bytes"] = 4; },
            "servers[0].storage_bytes: expected a storage in bytes of at least 1000, got 4; did "
            "you mean 4e+09 (GB typed as bytes)?");
        Expect(
            "accept flag type",
            [](Json& j) { j["accept_implausible_units"] = "yes"; },
            "accept_implausible_units: expected true or false");
        {
            Json j = Json::parse(kContractExample);
            j["servers"][0]["ccs_hz"] = 2.0;
            j["accept_implausible_units"] = true;
            const LlmScenario s = LlmScenario::Parse(j.dump(), "accepted.json");
            NS_TEST_EXPECT_MSG_EQ(s.GetServers()[0].ccsHz, 2.0, "accepted when asked");
            NS_TEST_EXPECT_MSG_EQ(
                LlmScenario::Parse(s.ToJson(), "again").GetAcceptImplausibleUnits(),
                true,
                "the flag survives a round trip");
        }
        Expect(
            "description type",
            [](Json& j) { j["description"] = 3; },
            "description: expected a string");

        // Deeply nested JSON is refused, not a stack overflow.
        std::string deep = "{\"model\": ";
        for (int k = 0; k < 50000; ++k)
        {
            deep += "[";
        }
        NS_TEST_EXPECT_MSG_NE(ParseError(deep).find("scenario.json"),
                              std::string::npos,
                              "deep nesting refused");

        // Files.
        std::string message;
        try
        {
            LlmScenario::Load("/nonexistent/scenario.json");
        }
        catch (const LlmInputError& e)
        {
            message = e.what();
        }
        NS_TEST_EXPECT_MSG_EQ(message,
                              "/nonexistent/scenario.json: cannot open the file for reading",
                              "missing file");
    }
};

/**
 * @ingroup edge-llm-tests
 * The built-in default scenario: the documented system, drawn reproducibly.
 */
class LlmDefaultScenarioTestCase : public TestCase
{
  public:
    LlmDefaultScenarioTestCase()
        : TestCase("Built-in default scenario: 30 edge servers, a cloud, documented ranges")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = LlmScenario::BuiltInDefault();
        NS_TEST_ASSERT_MSG_EQ((s == LlmScenario::BuiltInDefault()), true, "reproducible");
        NS_TEST_ASSERT_MSG_EQ(s.GetModelReference(), "opt-350m", "model");
        NS_TEST_ASSERT_MSG_EQ(s.GetWorkload().tokens, 128, "n");
        NS_TEST_ASSERT_MSG_EQ(s.GetWorkload().batch, 128, "beta");
        NS_TEST_ASSERT_MSG_EQ(s.GetQuantization().bMin, 4, "b_min");
        NS_TEST_ASSERT_MSG_EQ(s.GetQuantization().bStep, 2, "b_step");
        NS_TEST_ASSERT_MSG_EQ(s.GetQuantization().bMax, 32, "b_max");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.GetQuantization().delta, 1e-5, 1e-20, "delta");
        NS_TEST_ASSERT_MSG_EQ(s.GetServers().size(), 31, "30 edge + cloud");
        NS_TEST_ASSERT_MSG_EQ(s.GetLinks().size(), 30 * 29 + 60, "D2D mesh + WAN");
        std::size_t clouds = 0;
        double ccsMin = 1e30;
        double ccsMax = 0;
        for (const LlmServer& srv : s.GetServers())
        {
            if (srv.role == LlmServer::Role::CLOUD)
            {
                ++clouds;
                NS_TEST_EXPECT_MSG_EQ(srv.storageBytes.has_value(), false, "cloud unlimited");
                continue;
            }
            ccsMin = std::min(ccsMin, srv.ccsHz);
            ccsMax = std::max(ccsMax, srv.ccsHz);
            NS_TEST_EXPECT_MSG_GT_OR_EQ(*srv.storageBytes, 64e6, "storage range");
            NS_TEST_EXPECT_MSG_LT_OR_EQ(*srv.storageBytes, 256e6, "storage range");
        }
        NS_TEST_EXPECT_MSG_EQ(clouds, 1, "one cloud server");
        NS_TEST_EXPECT_MSG_GT_OR_EQ(ccsMin, 1e9, "CCS range");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(ccsMax, 4e9, "CCS range");
        NS_TEST_EXPECT_MSG_GT(ccsMax - ccsMin, 1e9, "heterogeneous servers");
        for (const LlmLink& l : s.GetLinks())
        {
            if (l.from != "cloud" && l.to != "cloud")
            {
                NS_TEST_EXPECT_MSG_GT_OR_EQ(l.bps, 100e6, "D2D range");
                NS_TEST_EXPECT_MSG_LT_OR_EQ(l.bps, 1e9, "D2D range");
            }
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The scenario suite.
 */
class LlmScenarioTestSuite : public TestSuite
{
  public:
    LlmScenarioTestSuite()
        : TestSuite("edge-llm-scenario", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmScenarioRoundTripTestCase());
        AddTestCase(new LlmScenarioBadInputTestCase());
        AddTestCase(new LlmDefaultScenarioTestCase());
    }
};

/// Static instance.
LlmScenarioTestSuite g_llmScenarioTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-test-scenarios.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-multi-scenario.h"
#include "ns3/llm-scenario.h"
#include "ns3/test.h"

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

using namespace ns3;
using Json = nlohmann::ordered_json;

namespace
{

/// Two models on three servers: a built-in one with a user and Poisson arrivals, and an
/// explicit two-layer model with its own δ.
const char* kTwoModels = R"({
  "version": 2,
  "description": "two models",
  "models": [
    {"name": "chat", "model": "opt-125m",
     "workload": {"tokens": 4, "batch": 2},
     "quantization": {"b_min": 4, "b_max": 32, "b_step": 2, "delta": 1e-5},
     "user": {"server": "a", "bps": 1e8, "delay_s": 0.002},
     "arrival": {"requests": 4, "process": "poisson", "mean_s": 10, "start_s": 1.5}},
    {"name": "toy",
     "model": {"name": "toy", "original_bits": 32,
               "layers": [{"name": "l0", "params": 1000, "flops_per_token": 2.0e6,
                           "output_elements_per_token": 100, "weight_max_abs": 0.5},
                          {"name": "l1", "params": 3000, "flops_per_token": 4.0e6,
                           "output_elements_per_token": 10,
                           "weight_error": {"4": 0.1, "8": 0.001, "16": 1e-9}}]},
     "workload": {"tokens": 10, "batch": 2},
     "quantization": {"b_min": 4, "b_max": 32, "b_step": 4, "delta": 0.01}}
  ],
  "max_layers_per_server": 2,
  "servers": [{"name": "a", "ccs_hz": 1.0e9, "storage_bytes": 5.0e8},
              {"name": "b", "ccs_hz": 2.0e9},
              {"name": "c", "ccs_hz": 4.0e9, "storage_bytes": 3.0e8, "role": "cloud"}],
  "links": [{"from": "a", "to": "b", "bps": 1.0e6, "delay_s": 0.001},
            {"from": "b", "to": "c", "bps": 2.0e6}]
})";

/// Parse text as a several-model scenario; the error message, or "" if accepted.
std::string
MultiError(const std::string& text)
{
    try
    {
        LlmMultiScenario::Parse(text, "two.json");
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/// kTwoModels with one change made on its JSON.
std::string
Edit(const std::function<void(Json&)>& change)
{
    Json j = Json::parse(kTwoModels);
    change(j);
    return j.dump();
}

/**
 * @ingroup edge-llm-tests
 * A version-2 file: its fields, ModelScenario, and save and load round-trip exactly.
 */
class LlmMultiScenarioRoundTripTestCase : public TestCase
{
  public:
    LlmMultiScenarioRoundTripTestCase()
        : TestCase("Version-2 files load, give each model its scenario, and round-trip")
    {
    }

  private:
    void DoRun() override
    {
        const LlmMultiScenario s = LlmMultiScenario::Parse(kTwoModels, "two.json");
        NS_TEST_ASSERT_MSG_EQ(s.GetModelCount(), 2u, "two models");
        const LlmTenant& chat = s.GetTenants()[0];
        NS_TEST_ASSERT_MSG_EQ(chat.name, "chat", "name");
        NS_TEST_ASSERT_MSG_EQ(chat.modelReference, "opt-125m", "built-in reference");
        NS_TEST_ASSERT_MSG_EQ((chat.model == LlmProfile::BuiltIn("opt-125m")), true, "profile");
        NS_TEST_ASSERT_MSG_EQ(chat.arrival.requests, 4u, "requests");
        NS_TEST_ASSERT_MSG_EQ((chat.arrival.process == LlmArrival::Process::POISSON),
                              true,
                              "process");
        NS_TEST_ASSERT_MSG_EQ(chat.arrival.meanInterArrivalSeconds, 10.0, "mean");
        NS_TEST_ASSERT_MSG_EQ(chat.arrival.startSeconds, 1.5, "start");
        NS_TEST_ASSERT_MSG_EQ((chat.user && chat.user->server == "a"), true, "user");
        const LlmTenant& toy = s.GetTenants()[1];
        NS_TEST_ASSERT_MSG_EQ((toy.arrival == LlmArrival()), true, "default arrival");
        NS_TEST_ASSERT_MSG_EQ(toy.user.has_value(), false, "no user");
        NS_TEST_ASSERT_MSG_EQ(s.FindTenant("toy").value_or(9), 1u, "find");
        NS_TEST_ASSERT_MSG_EQ(s.FindTenant("nope").has_value(), false, "unknown");

        // Each model alone on the shared servers, with its own δ, workload and user.
        const LlmScenario m1 = s.ModelScenario(1);
        NS_TEST_ASSERT_MSG_EQ(m1.GetQuantization().delta, 0.01, "own delta");
        NS_TEST_ASSERT_MSG_EQ(m1.GetWorkload().tokens, 10u, "own tokens");
        NS_TEST_ASSERT_MSG_EQ(m1.GetUser().has_value(), false, "own user");
        NS_TEST_ASSERT_MSG_EQ(m1.GetServers().size(), 3u, "shared servers");
        NS_TEST_ASSERT_MSG_EQ(*m1.GetServers()[2].storageBytes, 3e8, "full storage");
        NS_TEST_ASSERT_MSG_EQ(m1.GetMaxLayersPerServer().value_or(0), 2u, "shared (2d)");
        NS_TEST_ASSERT_MSG_EQ(s.ModelScenario(0).GetQuantization().delta, 1e-5, "delta 0");
        s.ModelScenario(0).Validate("model 0");

        // ToJson -> Parse, and Save -> Load, give an equal scenario; so does an expanded file
        // for the explicit model.
        const LlmMultiScenario again = LlmMultiScenario::Parse(s.ToJson(), "again.json");
        NS_TEST_ASSERT_MSG_EQ((again == s), true, "ToJson round trip");
        NS_TEST_ASSERT_MSG_EQ(again.ToJson(), s.ToJson(), "canonical text");
        const std::string path = "edge-llm-multi-scenario-test.json";
        s.Save(path);
        const LlmMultiScenario loaded = LlmMultiScenario::Load(path);
        std::remove(path.c_str());
        NS_TEST_ASSERT_MSG_EQ((loaded == s), true, "Save/Load round trip");
        const LlmMultiScenario expanded = LlmMultiScenario::Parse(s.ToJson(true), "x.json");
        NS_TEST_ASSERT_MSG_EQ((expanded.GetTenants()[0].model == chat.model), true, "expanded");
        NS_TEST_ASSERT_MSG_EQ(expanded.GetTenants()[0].modelReference, "", "no reference");
        NS_TEST_ASSERT_MSG_EQ((expanded == s), false, "a built-in name is part of the scenario");
        LlmMultiScenario changed = s;
        changed.GetTenants()[1].quantization.delta = 0.02;
        NS_TEST_ASSERT_MSG_EQ((changed == s), false, "delta compared");
        changed = s;
        changed.GetInfrastructure().GetServers()[0].ccsHz = 3e9;
        NS_TEST_ASSERT_MSG_EQ((changed == s), false, "servers compared");
        NS_TEST_ASSERT_MSG_EQ(LlmMultiScenario::IsVersion2(kTwoModels), true, "v2");
        NS_TEST_ASSERT_MSG_EQ(LlmMultiScenario::IsVersion2(tests::kHandScenario), false, "v1");
        NS_TEST_ASSERT_MSG_EQ(LlmMultiScenario::IsVersion2("{not json"), false, "not JSON");
    }
};

/**
 * @ingroup edge-llm-tests
 * Version-1 files load unchanged as one model; LlmScenario refuses a version-2 file.
 */
class LlmMultiScenarioVersionOneTestCase : public TestCase
{
  public:
    LlmMultiScenarioVersionOneTestCase()
        : TestCase("Version-1 files load as one model; LlmScenario refuses version 2")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario v1 = LlmScenario::Parse(tests::kHandScenario, "hand.json");
        const LlmMultiScenario s = LlmMultiScenario::Parse(tests::kHandScenario, "hand.json");
        NS_TEST_ASSERT_MSG_EQ(s.GetModelCount(), 1u, "one model");
        NS_TEST_ASSERT_MSG_EQ(s.GetTenants()[0].name, "toy", "named after its model");
        NS_TEST_ASSERT_MSG_EQ((s.ModelScenario(0) == v1), true, "the same scenario");
        NS_TEST_ASSERT_MSG_EQ((s == LlmMultiScenario(v1)), true, "the converting constructor");
        // A version-1 file is written as version 2 and reads back equal.
        NS_TEST_ASSERT_MSG_EQ((LlmMultiScenario::Parse(s.ToJson(), "v2.json") == s),
                              true,
                              "v1 -> v2 round trip");
        // The built-in scenario converts too (its model is a built-in name).
        const LlmMultiScenario builtIn(LlmScenario::BuiltInDefault());
        NS_TEST_ASSERT_MSG_EQ(builtIn.GetTenants()[0].name, "opt-350m", "built-in name");
        NS_TEST_ASSERT_MSG_EQ((builtIn.ModelScenario(0) == LlmScenario::BuiltInDefault()),
                              true,
                              "built-in");
        // A model whose name is not a valid model name is called model0.
        LlmScenario slash = v1;
        slash.SetModel(LlmProfile("facebook/opt", 32, v1.GetModel().GetLayers()));
        NS_TEST_ASSERT_MSG_EQ(LlmMultiScenario(slash).GetTenants()[0].name, "model0", "model0");
        LlmMultiScenario(slash).Validate("slash");

        // LlmScenario (and every one-model program) refuses a version-2 file, saying so.
        std::string error;
        try
        {
            LlmScenario::Parse(kTwoModels, "two.json");
        }
        catch (const LlmInputError& e)
        {
            error = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(error.find("two.json: expected a one-model scenario (contract "
                                         "version 1), got a several-model one"),
                              std::string::npos,
                              error);
        NS_TEST_ASSERT_MSG_NE(error.find("LlmMultiScenario::Load"), std::string::npos, error);
        NS_TEST_ASSERT_MSG_NE(error.find("edge-llm-plan"), std::string::npos, error);
        // A version-1 file with an unknown "version" keeps its version-1 message.
        Json v1Json = Json::parse(tests::kHandScenario);
        v1Json["version"] = 1;
        error.clear();
        try
        {
            LlmScenario::Parse(v1Json.dump(), "hand.json");
        }
        catch (const LlmInputError& e)
        {
            error = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(error.find("hand.json: version: unknown field"),
                              std::string::npos,
                              error);
    }
};

/**
 * @ingroup edge-llm-tests
 * Every bad version-2 input is refused with file, JSON path and expectation.
 */
class LlmMultiScenarioRefusalTestCase : public TestCase
{
  public:
    LlmMultiScenarioRefusalTestCase()
        : TestCase("Bad version-2 files are refused with path and expectation")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<std::pair<std::function<void(Json&)>, std::string>> cases = {
            {[](Json& j) { j["colour"] = 1; }, "two.json: colour: unknown field"},
            {[](Json& j) { j["models"][0]["delta"] = 1; },
             "two.json: models[0].delta: unknown field"},
            {[](Json& j) { j["models"][0]["arrival"]["rate"] = 1; },
             "two.json: models[0].arrival.rate: unknown field"},
            {[](Json& j) { j["models"][1]["name"] = "chat"; },
             "two.json: models[1].name: expected a unique model name, got \"chat\" twice"},
            {[](Json& j) { j["models"][1]["name"] = "a/b"; },
             "two.json: models[1].name: expected a non-empty name of printable characters"},
            {[](Json& j) { j["models"][1]["name"] = ""; },
             "two.json: models[1].name: expected a non-empty string, got \"\""},
            {[](Json& j) { j["models"][0]["user"]["server"] = "z"; },
             "two.json: models[0].user.server: expected the name of a server, got \"z\""},
            {[](Json& j) { j["version"] = 3; },
             "two.json: version: expected 2 (a several-model file; a one-model file has no "
             "version field), got 3"},
            {[](Json& j) { j.erase("version"); },
             "two.json: version: missing field (expected 2, the contract version of this file)"},
            {[](Json& j) { j["models"] = Json::array(); },
             "two.json: models: expected a non-empty array of models, got []"},
            {[](Json& j) { j["models"] = "chat"; },
             "two.json: models: expected a non-empty array of models, got \"chat\""},
            {[](Json& j) { j["models"][1].erase("workload"); },
             "two.json: models[1].workload: missing field (expected an object with tokens and "
             "batch)"},
            {[](Json& j) { j["models"][0]["model"] = "opt-999m"; },
             "two.json: models[0].model: expected a model object or a built-in profile name"},
            {[](Json& j) { j["models"][1]["model"]["layers"][1]["params"] = -3; },
             "two.json: models[1].model.layers[1].params: expected a non-negative integer, got "
             "-3"},
            {[](Json& j) { j["models"][1]["quantization"]["b_max"] = 64; },
             "two.json: models[1].quantization.b_max: expected at most model.original_bits = 32, "
             "got 64"},
            {[](Json& j) { j["models"][1]["quantization"]["delta"] = 0; },
             "two.json: models[1].quantization.delta: expected a positive number, got 0"},
            {[](Json& j) { j["models"][1]["workload"]["tokens"] = 0; },
             "two.json: models[1].workload.tokens: expected a positive integer, got 0"},
            {[](Json& j) { j["models"][0]["arrival"]["process"] = "uniform"; },
             "two.json: models[0].arrival.process: expected \"constant\" or \"poisson\", got "
             "\"uniform\""},
            {[](Json& j) { j["models"][0]["arrival"]["mean_s"] = 0; },
             "two.json: models[0].arrival.mean_s: expected a positive mean inter-arrival time "
             "for the poisson process, got 0"},
            {[](Json& j) { j["models"][0]["arrival"]["start_s"] = -1; },
             "two.json: models[0].arrival.start_s: expected a non-negative number of seconds, "
             "got -1"},
            {[](Json& j) { j["models"][0]["arrival"]["requests"] = 0; },
             "two.json: models[0].arrival.requests: expected a positive integer of at most "
             "1000000, got 0"},
            {[](Json& j) { j["models"][0]["arrival"]["requests"] = 1.5; },
             "two.json: models[0].arrival.requests: expected a positive integer, got 1.5"},
            {[](Json& j) { j["servers"][0]["ccs_hz"] = "fast"; },
             "two.json: servers[0].ccs_hz: expected a positive number, got \"fast\""},
            {[](Json& j) { j["servers"][1]["name"] = "a"; },
             "two.json: servers[1].name: expected a unique server name, got \"a\" twice"},
            {[](Json& j) { j["links"][0]["to"] = "z"; },
             "two.json: links[0].to: expected the name of a server in servers, got \"z\""},
            {[](Json& j) { j["max_layers_per_server"] = 0; },
             "two.json: max_layers_per_server: expected a positive integer or null (unlimited), "
             "got 0"},
            {[](Json& j) { j["accept_implausible_units"] = "yes"; },
             "two.json: accept_implausible_units: expected true or false, got \"yes\""},
            {[](Json& j) { j["servers"][0]["ccs_hz"] = 2.0; },
             "two.json: servers[0].ccs_hz: expected a clock in Hz"},
        };
        for (const auto& [change, expected] : cases)
        {
            const std::string error = MultiError(Edit(change));
            NS_TEST_ASSERT_MSG_NE(error.find(expected),
                                  std::string::npos,
                                  "expected \"" << expected << "\", got \"" << error << "\"");
        }
        // The unit flag of the file accepts the implausible clock.
        NS_TEST_ASSERT_MSG_EQ(MultiError(Edit([](Json& j) {
                                  j["servers"][0]["ccs_hz"] = 2.0;
                                  j["accept_implausible_units"] = true;
                              })),
                              "",
                              "accepted with the flag");
        // Strict JSON before any field: a key given twice.
        const std::string dup = std::string(kTwoModels)
                                    .replace(std::string(kTwoModels).find("\"version\": 2"),
                                             12,
                                             "\"version\": 2, \"version\": 2");
        NS_TEST_ASSERT_MSG_NE(MultiError(dup).find("expected each key once"),
                              std::string::npos,
                              MultiError(dup));
        // Too many models.
        NS_TEST_ASSERT_MSG_NE(MultiError(Edit([](Json& j) {
                                  Json one = j["models"][1];
                                  j["models"] = Json::array();
                                  for (std::size_t k = 0; k <= LlmMultiScenario::MAX_MODELS; ++k)
                                  {
                                      one["name"] = "m" + std::to_string(k);
                                      j["models"].push_back(one);
                                  }
                              })).find("two.json: models: expected at most 256 models, got 257"),
                              std::string::npos,
                              "too many models");
        // A missing file.
        std::string error;
        try
        {
            LlmMultiScenario::Load("no-such-file.json");
        }
        catch (const LlmInputError& e)
        {
            error = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(error.find("no-such-file.json"), std::string::npos, error);
    }
};

/**
 * @ingroup edge-llm-tests
 * The several-model scenario suite.
 */
class LlmMultiScenarioTestSuite : public TestSuite
{
  public:
    LlmMultiScenarioTestSuite()
        : TestSuite("edge-llm-multi-scenario", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmMultiScenarioRoundTripTestCase());
        AddTestCase(new LlmMultiScenarioVersionOneTestCase());
        AddTestCase(new LlmMultiScenarioRefusalTestCase());
    }
};

/// Static instance.
LlmMultiScenarioTestSuite g_llmMultiScenarioTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-scenario-json.h"

#include "llm-input-error.h"
#include "llm-json-reader.h"
#include "llm-scenario-json-sections.h"
#include "llm-strict-json.h"

#include <fstream>

namespace ns3
{

namespace
{

using Json = LlmJsonReader::Json;
using Sections = LlmScenarioJsonSections;

} // namespace

LlmScenario
LlmScenarioJson::Load(const std::string& path, bool acceptImplausibleUnits)
{
    return Parse(LlmStrictJson::ReadFile(path, "file"), path, acceptImplausibleUnits);
}

LlmScenario
LlmScenarioJson::Parse(const std::string& text,
                       const std::string& source,
                       bool acceptImplausibleUnits)
{
    const Json j = LlmStrictJson::Parse(text, source);

    LlmJsonReader r(source);
    if (j.is_object()
        && (j.contains("models") || (j.contains("version") && j["version"] == Json(2))))
    {
        r.Fail("",
               "expected a one-model scenario (contract version 1), got a several-model one "
               "(version 2: \"version\" and \"models\"); LlmMultiScenario::Load reads it and "
               "edge-llm-plan solves it (joint placement); LlmScenario::Load and the one-model "
               "programs read version 1 only");
    }
    r.Object(j,
             "",
             "a scenario object",
             {"model",
              "workload",
              "quantization",
              "servers",
              "links",
              "max_layers_per_server",
              "accept_implausible_units",
              "user",
              "description"});
    LlmScenario s;
    std::string modelReference;
    const LlmProfile model = Sections::ReadModel(r,
                                                 r.Member(j, "", "model", "a model object or name"),
                                                 "model",
                                                 modelReference);
    s.SetModel(model, modelReference);
    s.GetWorkload() =
        Sections::ReadWorkload(r,
                               r.Member(j, "", "workload", "an object with tokens and batch"),
                               "workload");
    s.GetQuantization() = Sections::ReadQuantization(
        r,
        r.Member(j, "", "quantization", "an object with b_min, b_max, b_step, delta"),
        "quantization");
    s.GetServers() =
        Sections::ReadServers(r,
                              r.Member(j, "", "servers", "a non-empty array of servers"),
                              "servers");
    s.GetLinks() = Sections::ReadLinks(r, r.Member(j, "", "links", "an array of links"), "links");

    if (j.contains("description"))
    {
        if (!j["description"].is_string())
        {
            r.Fail("description", "expected a string, got " + LlmJsonReader::Got(j["description"]));
        }
        s.SetDescription(j["description"].get<std::string>());
    }
    s.SetAcceptImplausibleUnits(
        (j.contains("accept_implausible_units")
         && r.Boolean(j["accept_implausible_units"], "accept_implausible_units"))
        || acceptImplausibleUnits);
    if (j.contains("max_layers_per_server"))
    {
        s.SetMaxLayersPerServer(
            Sections::ReadMaxLayers(r, j["max_layers_per_server"], "max_layers_per_server"));
    }
    if (j.contains("user"))
    {
        s.SetUser(Sections::ReadUser(r, j["user"], "user"));
    }
    s.Validate(source);
    return s;
}

std::string
LlmScenarioJson::ToJson(const LlmScenario& scenario, bool expandModel)
{
    Json j;
    j["model"] =
        Sections::WriteModel(scenario.GetModel(), scenario.GetModelReference(), expandModel);
    j["workload"] = Sections::WriteWorkload(scenario.GetWorkload());
    j["quantization"] = Sections::WriteQuantization(scenario.GetQuantization());
    j["servers"] = Sections::WriteServers(scenario.GetServers());
    j["links"] = Sections::WriteLinks(scenario.GetLinks());
    const std::optional<uint32_t> maxLayersPerServer = scenario.GetMaxLayersPerServer();
    j["max_layers_per_server"] = maxLayersPerServer ? Json(*maxLayersPerServer) : Json(nullptr);
    if (scenario.GetAcceptImplausibleUnits())
    {
        j["accept_implausible_units"] = true;
    }
    if (scenario.GetUser())
    {
        j["user"] = Sections::WriteUser(*scenario.GetUser());
    }
    if (scenario.GetDescription())
    {
        j["description"] = *scenario.GetDescription();
    }
    return j.dump(2) + "\n";
}

void
LlmScenarioJson::Save(const LlmScenario& scenario, const std::string& path, bool expandModel)
{
    std::ofstream out(path, std::ios::binary);
    out << ToJson(scenario, expandModel);
    if (!out)
    {
        throw LlmInputError(path, "", "cannot write the file");
    }
}

} // namespace ns3

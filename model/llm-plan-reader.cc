// SPDX-License-Identifier: GPL-2.0-only

#include "llm-plan-reader.h"

#include "llm-input-error.h"
#include "llm-strict-json.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ns3
{

LlmPlan
LlmPlanReader::Load(const std::string& path, const LlmCostModel& model)
{
    return FromJson(LlmStrictJson::ReadFile(path, "plan file"), path, model);
}

LlmPlan
LlmPlanReader::FromJson(const std::string& text,
                        const std::string& source,
                        const LlmCostModel& model)
{
    using Json = nlohmann::json;
    const Json j = LlmStrictJson::Parse(text, source);
    const LlmScenario& s = model.GetScenario();
    const LlmProfile& profile = s.GetModel();
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_array())
    {
        throw LlmInputError(source, "layers", "expected an array of layer assignments");
    }
    const Json& layers = j["layers"];
    if (layers.size() != profile.GetNLayers())
    {
        throw LlmInputError(source,
                            "layers",
                            "expected " + std::to_string(profile.GetNLayers())
                                + " entries, one per layer of " + profile.GetName() + ", got "
                                + std::to_string(layers.size()));
    }
    LlmPlan plan;
    plan.solver = "file";
    if (j.contains("solver") && j["solver"].is_object() && j["solver"].contains("name")
        && j["solver"]["name"].is_string())
    {
        plan.solver = j["solver"]["name"].get<std::string>();
    }
    const auto& bitSet = model.GetBitSet();
    for (std::size_t l = 0; l < layers.size(); ++l)
    {
        const std::string path = "layers[" + std::to_string(l) + "]";
        const Json& e = layers[l];
        const std::string name = profile.GetLayer(l).name;
        if (!e.is_object())
        {
            throw LlmInputError(source, path, "expected an object {\"server\", \"bits\"}");
        }
        if (e.contains("layer") && (!e["layer"].is_string() || e["layer"] != name))
        {
            throw LlmInputError(source,
                                path + ".layer",
                                "expected \"" + name + "\" (layer " + std::to_string(l) + " of "
                                    + profile.GetName() + "), got " + e["layer"].dump());
        }
        if (!e.contains("server") || !e["server"].is_string())
        {
            throw LlmInputError(source, path + ".server", "expected a server name");
        }
        const std::string server = e["server"].get<std::string>();
        const auto index = s.FindServer(server);
        if (!index)
        {
            throw LlmInputError(source,
                                path + ".server",
                                "expected a server of the scenario, got \"" + server + "\"");
        }
        std::string set;
        for (uint32_t b : bitSet)
        {
            set += (set.empty() ? "" : ", ") + std::to_string(b);
        }
        if (!e.contains("bits") || !e["bits"].is_number_unsigned()
            || std::find(bitSet.begin(), bitSet.end(), e["bits"].get<uint64_t>()) == bitSet.end())
        {
            throw LlmInputError(source,
                                path + ".bits",
                                "expected a width of the bit set (" + set + "), got "
                                    + (e.contains("bits") ? e["bits"].dump() : "nothing"));
        }
        plan.placement.push_back({*index, e["bits"].get<uint32_t>()});
    }
    const std::string why = model.CheckPlacement(plan.placement);
    if (!why.empty())
    {
        throw LlmInputError(source, "layers", "the placement does not fit the scenario: " + why);
    }
    plan.status = LlmSolverStatus::FEASIBLE;
    plan.objective = model.Objective(plan.placement);
    plan.quantizationRatio = model.QuantizationRatio(plan.placement);
    plan.message = "read from " + source;
    return plan;
}

} // namespace ns3

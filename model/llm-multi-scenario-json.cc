// SPDX-License-Identifier: GPL-2.0-only

#include "llm-multi-scenario-json.h"

#include "llm-input-error.h"
#include "llm-json-reader.h"
#include "llm-scenario-json-sections.h"
#include "llm-scenario-json.h"
#include "llm-strict-json.h"

#include <fstream>

namespace ns3
{

namespace
{

using Json = LlmJsonReader::Json;
using Sections = LlmScenarioJsonSections;

/// Whether a parsed document is a version-2 scenario.
bool
IsVersion2Document(const Json& j)
{
    return j.is_object()
           && (j.contains("models") || (j.contains("version") && j["version"] == Json(2)));
}

LlmArrival
ReadArrival(const LlmJsonReader& r, const Json& a, const std::string& p)
{
    r.Object(a,
             p,
             "an arrival object (requests, process, mean_s, start_s)",
             {"requests", "process", "mean_s", "start_s"});
    LlmArrival arrival;
    if (a.contains("requests"))
    {
        arrival.requests = r.Integer32(a["requests"], p + ".requests", "a positive integer");
    }
    if (a.contains("process"))
    {
        const Json& v = a["process"];
        const std::string text = v.is_string() ? v.get<std::string>() : "";
        if (text == "constant")
        {
            arrival.process = LlmArrival::Process::CONSTANT;
        }
        else if (text == "poisson")
        {
            arrival.process = LlmArrival::Process::POISSON;
        }
        else
        {
            r.Fail(p + ".process",
                   "expected \"constant\" or \"poisson\", got " + LlmJsonReader::Got(v));
        }
    }
    if (a.contains("mean_s"))
    {
        arrival.meanInterArrivalSeconds =
            r.Number(a["mean_s"], p + ".mean_s", "a non-negative number of seconds");
    }
    if (a.contains("start_s"))
    {
        arrival.startSeconds =
            r.Number(a["start_s"], p + ".start_s", "a non-negative number of seconds");
    }
    return arrival;
}

} // namespace

LlmMultiScenario
LlmMultiScenarioJson::Load(const std::string& path, bool acceptImplausibleUnits)
{
    return Parse(LlmStrictJson::ReadFile(path, "file"), path, acceptImplausibleUnits);
}

bool
LlmMultiScenarioJson::IsVersion2(const std::string& text)
{
    try
    {
        return IsVersion2Document(LlmStrictJson::Parse(text, "text"));
    }
    catch (const LlmInputError&)
    {
        return false;
    }
}

LlmMultiScenario
LlmMultiScenarioJson::Parse(const std::string& text,
                            const std::string& source,
                            bool acceptImplausibleUnits)
{
    const Json j = LlmStrictJson::Parse(text, source);
    if (!IsVersion2Document(j))
    {
        return LlmMultiScenario(LlmScenarioJson::Parse(text, source, acceptImplausibleUnits));
    }
    LlmJsonReader r(source);
    r.Object(j,
             "",
             "a several-model scenario object",
             {"version",
              "models",
              "servers",
              "links",
              "max_layers_per_server",
              "accept_implausible_units",
              "description"});
    const Json& version = r.Member(j, "", "version", "2, the contract version of this file");
    if (!(version == Json(2)))
    {
        r.Fail("version",
               "expected 2 (a several-model file; a one-model file has no version field), got "
                   + LlmJsonReader::Got(version));
    }
    LlmMultiScenario s;
    LlmScenario& infra = s.GetInfrastructure();
    infra.GetServers() =
        Sections::ReadServers(r,
                              r.Member(j, "", "servers", "a non-empty array of servers"),
                              "servers");
    infra.GetLinks() =
        Sections::ReadLinks(r, r.Member(j, "", "links", "an array of links"), "links");
    if (j.contains("max_layers_per_server"))
    {
        infra.SetMaxLayersPerServer(
            Sections::ReadMaxLayers(r, j["max_layers_per_server"], "max_layers_per_server"));
    }
    if (j.contains("description"))
    {
        if (!j["description"].is_string())
        {
            r.Fail("description", "expected a string, got " + LlmJsonReader::Got(j["description"]));
        }
        infra.SetDescription(j["description"].get<std::string>());
    }
    infra.SetAcceptImplausibleUnits(
        (j.contains("accept_implausible_units")
         && r.Boolean(j["accept_implausible_units"], "accept_implausible_units"))
        || acceptImplausibleUnits);

    const Json& models = r.Array(r.Member(j, "", "models", "a non-empty array of models"),
                                 "models",
                                 "a non-empty array of models");
    if (models.empty())
    {
        r.Fail("models", "expected a non-empty array of models, got []");
    }
    if (models.size() > LlmMultiScenario::MAX_MODELS)
    {
        r.Fail("models",
               "expected at most " + std::to_string(LlmMultiScenario::MAX_MODELS) + " models, got "
                   + std::to_string(models.size()));
    }
    for (std::size_t m = 0; m < models.size(); ++m)
    {
        const std::string p = LlmJsonReader::Index("models", m);
        const Json& mj = models[m];
        r.Object(mj,
                 p,
                 "a model entry (name, model, workload, quantization, user, arrival)",
                 {"name", "model", "workload", "quantization", "user", "arrival"});
        LlmTenant t;
        t.name =
            r.String(r.Member(mj, p, "name", "a model name"), p + ".name", "a non-empty string");
        t.model = Sections::ReadModel(r,
                                      r.Member(mj, p, "model", "a model object or name"),
                                      p + ".model",
                                      t.modelReference);
        t.workload =
            Sections::ReadWorkload(r,
                                   r.Member(mj, p, "workload", "an object with tokens and batch"),
                                   p + ".workload");
        t.quantization = Sections::ReadQuantization(
            r,
            r.Member(mj, p, "quantization", "an object with b_min, b_max, b_step, delta"),
            p + ".quantization");
        if (mj.contains("user"))
        {
            t.user = Sections::ReadUser(r, mj["user"], p + ".user");
        }
        if (mj.contains("arrival"))
        {
            t.arrival = ReadArrival(r, mj["arrival"], p + ".arrival");
        }
        s.GetTenants().push_back(t);
    }
    s.Validate(source);
    return s;
}

std::string
LlmMultiScenarioJson::ToJson(const LlmMultiScenario& scenario, bool expandModels)
{
    const LlmScenario& infra = scenario.GetInfrastructure();
    Json j;
    j["version"] = 2;
    if (infra.GetDescription())
    {
        j["description"] = *infra.GetDescription();
    }
    j["models"] = Json::array();
    for (const LlmTenant& t : scenario.GetTenants())
    {
        Json mj;
        mj["name"] = t.name;
        mj["model"] = Sections::WriteModel(t.model, t.modelReference, expandModels);
        mj["workload"] = Sections::WriteWorkload(t.workload);
        mj["quantization"] = Sections::WriteQuantization(t.quantization);
        if (t.user)
        {
            mj["user"] = Sections::WriteUser(*t.user);
        }
        if (!(t.arrival == LlmArrival()))
        {
            mj["arrival"] = {{"requests", t.arrival.requests},
                             {"process", ToString(t.arrival.process)},
                             {"mean_s", t.arrival.meanInterArrivalSeconds},
                             {"start_s", t.arrival.startSeconds}};
        }
        j["models"].push_back(mj);
    }
    const std::optional<uint32_t> maxLayers = infra.GetMaxLayersPerServer();
    j["max_layers_per_server"] = maxLayers ? Json(*maxLayers) : Json(nullptr);
    if (infra.GetAcceptImplausibleUnits())
    {
        j["accept_implausible_units"] = true;
    }
    j["servers"] = Sections::WriteServers(infra.GetServers());
    j["links"] = Sections::WriteLinks(infra.GetLinks());
    return j.dump(2) + "\n";
}

void
LlmMultiScenarioJson::Save(const LlmMultiScenario& scenario,
                           const std::string& path,
                           bool expandModels)
{
    std::ofstream out(path, std::ios::binary);
    out << ToJson(scenario, expandModels);
    if (!out)
    {
        throw LlmInputError(path, "", "cannot write the file");
    }
}

} // namespace ns3

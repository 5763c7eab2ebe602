// SPDX-License-Identifier: GPL-2.0-only

#include "llm-multi-scenario.h"

#include "llm-input-error.h"
#include "llm-multi-scenario-json.h"
#include "llm-text-parse.h"

#include <cmath>
#include <set>

namespace ns3
{

namespace
{

/// Whether a model name is non-empty and free of control characters, commas, quotes, slashes.
bool
IsPrintableName(const std::string& name)
{
    if (name.empty())
    {
        return false;
    }
    for (unsigned char c : name)
    {
        if (c < 0x20 || c == 0x7f || c == ',' || c == '"' || c == '/')
        {
            return false;
        }
    }
    return true;
}

/// The path of model m's entry.
std::string
ModelPath(std::size_t m)
{
    return "models[" + std::to_string(m) + "]";
}

} // namespace

std::string
ToString(LlmArrival::Process p)
{
    return p == LlmArrival::Process::POISSON ? "poisson" : "constant";
}

bool
LlmTenant::operator==(const LlmTenant& o) const
{
    return name == o.name && model == o.model && modelReference == o.modelReference
           && workload.tokens == o.workload.tokens && workload.batch == o.workload.batch
           && quantization.bMin == o.quantization.bMin && quantization.bMax == o.quantization.bMax
           && quantization.bStep == o.quantization.bStep
           && quantization.delta == o.quantization.delta && user == o.user && arrival == o.arrival;
}

LlmMultiScenario::LlmMultiScenario(const LlmScenario& single)
    : m_infrastructure(single)
{
    LlmTenant t;
    t.name = IsPrintableName(single.GetModel().GetName()) ? single.GetModel().GetName() : "model0";
    t.model = single.GetModel();
    t.modelReference = single.GetModelReference();
    t.workload = single.GetWorkload();
    t.quantization = single.GetQuantization();
    t.user = single.GetUser();
    m_tenants.push_back(t);
}

LlmMultiScenario
LlmMultiScenario::Load(const std::string& path, bool acceptImplausibleUnits)
{
    return LlmMultiScenarioJson::Load(path, acceptImplausibleUnits);
}

LlmMultiScenario
LlmMultiScenario::Parse(const std::string& text,
                        const std::string& source,
                        bool acceptImplausibleUnits)
{
    return LlmMultiScenarioJson::Parse(text, source, acceptImplausibleUnits);
}

bool
LlmMultiScenario::IsVersion2(const std::string& text)
{
    return LlmMultiScenarioJson::IsVersion2(text);
}

std::string
LlmMultiScenario::ToJson(bool expandModels) const
{
    return LlmMultiScenarioJson::ToJson(*this, expandModels);
}

void
LlmMultiScenario::Save(const std::string& path, bool expandModels) const
{
    LlmMultiScenarioJson::Save(*this, path, expandModels);
}

std::optional<std::size_t>
LlmMultiScenario::FindTenant(const std::string& name) const
{
    for (std::size_t m = 0; m < m_tenants.size(); ++m)
    {
        if (m_tenants[m].name == name)
        {
            return m;
        }
    }
    return std::nullopt;
}

LlmScenario
LlmMultiScenario::ModelScenario(std::size_t m) const
{
    const LlmTenant& t = m_tenants.at(m);
    LlmScenario s = m_infrastructure;
    s.SetModel(t.model, t.modelReference);
    s.GetWorkload() = t.workload;
    s.GetQuantization() = t.quantization;
    s.SetUser(t.user);
    return s;
}

void
LlmMultiScenario::Validate(const std::string& source) const
{
    auto fail = [&source](const std::string& path, const std::string& what) {
        throw LlmInputError(source, path, what);
    };
    if (m_tenants.empty())
    {
        fail("models", "expected a non-empty array of models, got []");
    }
    if (m_tenants.size() > MAX_MODELS)
    {
        fail("models",
             "expected at most " + std::to_string(MAX_MODELS) + " models, got "
                 + std::to_string(m_tenants.size()));
    }
    std::set<std::string> names;
    for (std::size_t m = 0; m < m_tenants.size(); ++m)
    {
        const LlmTenant& t = m_tenants[m];
        const std::string p = ModelPath(m);
        if (!IsPrintableName(t.name))
        {
            fail(p + ".name",
                 "expected a non-empty name of printable characters without , \" or / (names go "
                 "into CSV files and ns-3 Names)");
        }
        if (!names.insert(t.name).second)
        {
            fail(p + ".name", "expected a unique model name, got \"" + t.name + "\" twice");
        }
        // The model with the shared servers and links, by the version-1 rules; the paths of
        // the model's own sections are put under models[m].
        try
        {
            ModelScenario(m).Validate(source);
        }
        catch (const LlmInputError& e)
        {
            std::string rest = e.what();
            const std::string prefix = source + ": ";
            if (rest.compare(0, prefix.size(), prefix) == 0)
            {
                rest = rest.substr(prefix.size());
            }
            for (const char* own : {"model", "workload.", "quantization.", "user."})
            {
                if (rest.compare(0, std::string(own).size(), own) == 0)
                {
                    throw LlmInputError(source, "", p + "." + rest);
                }
            }
            throw;
        }
        const LlmArrival& a = t.arrival;
        const std::string pa = p + ".arrival";
        if (a.requests == 0 || a.requests > LlmArrival::MAX_REQUESTS)
        {
            fail(pa + ".requests",
                 "expected a positive integer of at most "
                     + std::to_string(LlmArrival::MAX_REQUESTS) + ", got "
                     + std::to_string(a.requests));
        }
        if (!(a.meanInterArrivalSeconds >= 0) || !std::isfinite(a.meanInterArrivalSeconds))
        {
            fail(pa + ".mean_s",
                 "expected a non-negative number of seconds, got "
                     + LlmTextParse::Format(a.meanInterArrivalSeconds));
        }
        if (a.process == LlmArrival::Process::POISSON && !(a.meanInterArrivalSeconds > 0))
        {
            fail(pa + ".mean_s",
                 "expected a positive mean inter-arrival time for the poisson process, got 0");
        }
        if (!(a.startSeconds >= 0) || !std::isfinite(a.startSeconds))
        {
            fail(pa + ".start_s",
                 "expected a non-negative number of seconds, got "
                     + LlmTextParse::Format(a.startSeconds));
        }
    }
}

bool
LlmMultiScenario::operator==(const LlmMultiScenario& o) const
{
    const LlmScenario& a = m_infrastructure;
    const LlmScenario& b = o.m_infrastructure;
    return m_tenants == o.m_tenants && a.GetServers() == b.GetServers()
           && a.GetLinks() == b.GetLinks() && a.GetMaxLayersPerServer() == b.GetMaxLayersPerServer()
           && a.GetDescription() == b.GetDescription()
           && a.GetAcceptImplausibleUnits() == b.GetAcceptImplausibleUnits();
}

} // namespace ns3

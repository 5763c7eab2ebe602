// SPDX-License-Identifier: GPL-2.0-only

#include "llm-joint-cost-model.h"

#include "llm-input-error.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace ns3
{

std::string
ToString(LlmJointObjective o)
{
    return o == LlmJointObjective::SUM ? "sum" : "max";
}

LlmJointObjective
LlmJointObjectiveFromString(const std::string& text,
                            const std::string& source,
                            const std::string& option)
{
    if (text == "max")
    {
        return LlmJointObjective::MAX;
    }
    if (text == "sum")
    {
        return LlmJointObjective::SUM;
    }
    throw LlmInputError(source,
                        option,
                        "expected max (the makespan bound) or sum (the completion-time sum "
                        "bound), got \""
                            + text + "\"");
}

LlmJointCostModel::LlmJointCostModel(const LlmMultiScenario& scenario, LlmJointObjective objective)
    : m_scenario(scenario)
    , m_objective(objective)
{
    for (std::size_t m = 0; m < scenario.GetModelCount(); ++m)
    {
        m_scenarios.push_back(std::make_unique<LlmScenario>(scenario.ModelScenario(m)));
        m_models.push_back(std::make_unique<LlmCostModel>(*m_scenarios.back()));
    }
}

std::size_t
LlmJointCostModel::GetNServers() const
{
    return m_scenario.GetInfrastructure().GetServers().size();
}

const std::string&
LlmJointCostModel::GetModelName(std::size_t m) const
{
    return m_scenario.GetTenants().at(m).name;
}

std::vector<double>
LlmJointCostModel::ModelTimes(const LlmJointPlacement& p) const
{
    std::vector<double> t(GetNModels());
    for (std::size_t m = 0; m < t.size(); ++m)
    {
        t[m] = m_models[m]->Objective(p.at(m));
    }
    return t;
}

std::vector<double>
LlmJointCostModel::ServerBusy(const LlmJointPlacement& p) const
{
    std::vector<double> busy(GetNServers(), 0.0);
    for (std::size_t m = 0; m < GetNModels(); ++m)
    {
        for (std::size_t l = 0; l < p.at(m).size(); ++l)
        {
            const LlmLayerAssignment& a = p[m][l];
            busy.at(a.server) += m_models[m]->ComputeDelay(l, a.server, a.bits);
        }
    }
    return busy;
}

std::vector<LlmResourceLoad>
LlmJointCostModel::LinkBusy(const LlmJointPlacement& p) const
{
    std::map<std::pair<std::size_t, std::size_t>, double> busy;
    for (std::size_t m = 0; m < GetNModels(); ++m)
    {
        const LlmPlacement& q = p.at(m);
        for (std::size_t l = 0; l + 1 < q.size(); ++l)
        {
            if (q[l].server != q[l + 1].server)
            {
                busy[{q[l].server, q[l + 1].server}] +=
                    m_models[m]->TransferDelay(l, q[l].server, q[l + 1].server, q[l].bits);
            }
        }
    }
    const auto& servers = m_scenario.GetInfrastructure().GetServers();
    std::vector<LlmResourceLoad> out;
    for (const auto& [link, seconds] : busy)
    {
        out.push_back({true,
                       link.first,
                       link.second,
                       seconds,
                       servers[link.first].name + "->" + servers[link.second].name});
    }
    return out;
}

std::vector<LlmResourceLoad>
LlmJointCostModel::Busiest(const LlmJointPlacement& p, std::size_t count) const
{
    std::vector<LlmResourceLoad> all = LinkBusy(p);
    const std::vector<double> servers = ServerBusy(p);
    for (std::size_t i = 0; i < servers.size(); ++i)
    {
        if (servers[i] > 0)
        {
            all.push_back(
                {false, i, i, servers[i], m_scenario.GetInfrastructure().GetServers()[i].name});
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.seconds > b.seconds;
    });
    if (all.size() > count)
    {
        all.resize(count);
    }
    return all;
}

double
LlmJointCostModel::Combine(const std::vector<double>& times, double busiest) const
{
    double t = 0;
    for (double x : times)
    {
        t = m_objective == LlmJointObjective::SUM ? t + x : std::max(t, x);
    }
    return std::max(t, busiest);
}

double
LlmJointCostModel::Objective(const LlmJointPlacement& p) const
{
    double busiest = 0;
    for (double b : ServerBusy(p))
    {
        busiest = std::max(busiest, b);
    }
    for (const LlmResourceLoad& r : LinkBusy(p))
    {
        busiest = std::max(busiest, r.seconds);
    }
    return Combine(ModelTimes(p), busiest);
}

void
LlmJointCostModel::AddStorage(std::size_t m,
                              const LlmPlacement& placement,
                              std::vector<double>& used) const
{
    for (std::size_t l = 0; l < placement.size(); ++l)
    {
        used.at(placement[l].server) += m_models.at(m)->StorageBytes(l, placement[l].bits);
    }
}

std::string
LlmJointCostModel::CheckPlacement(const LlmJointPlacement& p) const
{
    if (p.size() != GetNModels())
    {
        return "the joint placement has " + std::to_string(p.size()) + " models, the scenario "
               + std::to_string(GetNModels());
    }
    std::vector<double> used(GetNServers(), 0.0);
    for (std::size_t m = 0; m < GetNModels(); ++m)
    {
        const std::string why = m_models[m]->CheckPlacement(p[m]);
        if (!why.empty())
        {
            return "model " + GetModelName(m) + ": " + why;
        }
        AddStorage(m, p[m], used);
    }
    const auto& servers = m_scenario.GetInfrastructure().GetServers();
    for (std::size_t i = 0; i < used.size(); ++i)
    {
        if (used[i] > StorageCapacity(i) * (1 + 1e-12))
        {
            std::ostringstream os;
            os << "shared storage (2e): the models' layers on " << servers[i].name << " need "
               << used[i] << " bytes, kappa = " << StorageCapacity(i) << " bytes";
            return os.str();
        }
    }
    return "";
}

} // namespace ns3

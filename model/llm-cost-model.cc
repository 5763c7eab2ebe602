// SPDX-License-Identifier: GPL-2.0-only

#include "llm-cost-model.h"

#include "ns3/assert.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmCostModel");

LlmCostModel::LlmCostModel(const LlmScenario& scenario)
    : m_scenario(scenario)
    , m_bitSet(MakeBitSet(scenario.GetQuantization()))
    , m_workScale(static_cast<double>(scenario.GetWorkload().tokens)
                  * static_cast<double>(scenario.GetWorkload().batch))
{
    NS_LOG_FUNCTION(this);
    const std::size_t n = GetNServers();
    m_bps.assign(n * n, 0.0);
    for (const LlmLink& link : scenario.GetLinks())
    {
        auto i = scenario.FindServer(link.from);
        auto j = scenario.FindServer(link.to);
        NS_ASSERT_MSG(i && j, "scenario not validated: link " << link.from << "->" << link.to);
        m_bps[*i * n + *j] = link.bps;
    }
    if (const auto& user = scenario.GetUser())
    {
        // Token ids, 32 bits per sequence and token; each hop its bits over Ω plus n delays.
        const double bits = m_workScale * 32.0;
        const double rounds = static_cast<double>(scenario.GetWorkload().tokens);
        const std::size_t u = scenario.FindServer(user->server).value_or(0);
        const double access = bits / user->bps + rounds * user->delaySeconds;
        m_accessIn.assign(n, INFEASIBLE);
        m_accessOut.assign(n, INFEASIBLE);
        m_accessIn[u] = access;
        m_accessOut[u] = access;
        for (const LlmLink& link : scenario.GetLinks())
        {
            const std::size_t i = *scenario.FindServer(link.from);
            const std::size_t j = *scenario.FindServer(link.to);
            const double hop = bits / link.bps + rounds * link.delaySeconds.value_or(0.0);
            if (i == u)
            {
                m_accessIn[j] = access + hop;
            }
            if (j == u)
            {
                m_accessOut[i] = access + hop;
            }
        }
    }
    m_allowedBits.resize(GetNLayers());
    for (std::size_t l = 0; l < GetNLayers(); ++l)
    {
        for (uint32_t b : m_bitSet)
        {
            if (IsAllowed(l, b))
            {
                m_allowedBits[l].push_back(b);
            }
        }
    }
}

const LlmScenario&
LlmCostModel::GetScenario() const
{
    return m_scenario;
}

std::size_t
LlmCostModel::GetNLayers() const
{
    return m_scenario.GetModel().GetNLayers();
}

std::size_t
LlmCostModel::GetNServers() const
{
    return m_scenario.GetServers().size();
}

std::vector<uint32_t>
LlmCostModel::MakeBitSet(const LlmQuantization& q)
{
    std::vector<uint32_t> bits;
    for (uint64_t b = q.bMin; b <= q.bMax && q.bStep > 0; b += q.bStep) // no wrap-around
    {
        bits.push_back(static_cast<uint32_t>(b));
    }
    if (bits.empty() || bits.back() != q.bMax)
    {
        bits.push_back(q.bMax);
    }
    return bits;
}

const std::vector<uint32_t>&
LlmCostModel::GetBitSet() const
{
    return m_bitSet;
}

double
LlmCostModel::AnalyticWeightError(double weightMaxAbs, uint32_t bits)
{
    // Truncation to 2^b levels over [−R, R] errs by less than one step 2R/2^b; the paper
    // normalizes the difference by 2^b, giving 2R/4^b.
    return 2.0 * weightMaxAbs / std::ldexp(1.0, 2 * static_cast<int>(bits));
}

double
LlmCostModel::WeightError(std::size_t l, uint32_t bits) const
{
    const LlmLayer& layer = m_scenario.GetModel().GetLayer(l);
    if (bits == m_scenario.GetModel().GetOriginalBits())
    {
        return 0.0;
    }
    auto it = layer.weightError.find(bits);
    if (it != layer.weightError.end())
    {
        return it->second;
    }
    if (layer.HasWeightMaxAbs())
    {
        return AnalyticWeightError(layer.weightMaxAbs, bits);
    }
    return std::numeric_limits<double>::infinity();
}

bool
LlmCostModel::IsAllowed(std::size_t l, uint32_t bits) const
{
    return WeightError(l, bits) <= m_scenario.GetQuantization().delta;
}

const std::vector<uint32_t>&
LlmCostModel::GetAllowedBits(std::size_t l) const
{
    return m_allowedBits.at(l);
}

double
LlmCostModel::ComputeDelay(std::size_t l, std::size_t i, uint32_t bits) const
{
    const LlmProfile& m = m_scenario.GetModel();
    const double share = static_cast<double>(bits) / static_cast<double>(m.GetOriginalBits());
    return m_workScale * share * m.GetLayer(l).flopsPerToken / m_scenario.GetServers()[i].ccsHz;
}

double
LlmCostModel::OutputBits(std::size_t l, uint32_t bits) const
{
    return m_workScale
           * static_cast<double>(m_scenario.GetModel().GetLayer(l).outputElementsPerToken)
           * static_cast<double>(bits);
}

double
LlmCostModel::TransferDelay(std::size_t l, std::size_t i, std::size_t j, uint32_t bits) const
{
    if (i == j)
    {
        return 0.0;
    }
    double bps = LinkBps(i, j);
    return bps > 0 ? OutputBits(l, bits) / bps : INFEASIBLE;
}

double
LlmCostModel::AccessDelay(std::size_t l, std::size_t i) const
{
    if (m_accessIn.empty())
    {
        return 0.0;
    }
    double t = 0.0;
    if (l == 0)
    {
        t += m_accessIn[i];
    }
    if (l + 1 == GetNLayers())
    {
        t += m_accessOut[i];
    }
    return t;
}

double
LlmCostModel::AccessDelay(const LlmPlacement& p) const
{
    if (p.empty())
    {
        return 0.0;
    }
    return AccessDelay(0, p.front().server)
           + (p.size() > 1 ? AccessDelay(p.size() - 1, p.back().server) : 0.0);
}

double
LlmCostModel::StorageBytes(std::size_t l, uint32_t bits) const
{
    return static_cast<double>(m_scenario.GetModel().GetLayer(l).params) * static_cast<double>(bits)
           / 8.0;
}

double
LlmCostModel::LinkBps(std::size_t i, std::size_t j) const
{
    return m_bps[i * GetNServers() + j];
}

double
LlmCostModel::StorageCapacity(std::size_t i) const
{
    const auto& s = m_scenario.GetServers()[i].storageBytes;
    return s ? *s : std::numeric_limits<double>::infinity();
}

double
LlmCostModel::Objective(const LlmPlacement& p) const
{
    NS_ASSERT_MSG(p.size() == GetNLayers(), "placement has " << p.size() << " layers");
    double t = AccessDelay(p);
    for (std::size_t l = 0; l < p.size(); ++l)
    {
        t += ComputeDelay(l, p[l].server, p[l].bits);
        if (l + 1 < p.size())
        {
            t += TransferDelay(l, p[l].server, p[l + 1].server, p[l].bits);
        }
    }
    return t;
}

double
LlmCostModel::QuantizationRatio(const LlmPlacement& p) const
{
    const LlmProfile& m = m_scenario.GetModel();
    double num = 0;
    double den = 0;
    for (std::size_t l = 0; l < p.size(); ++l)
    {
        double params = static_cast<double>(m.GetLayer(l).params);
        num += params * p[l].bits;
        den += params * m.GetOriginalBits();
    }
    return den > 0 ? 100.0 * num / den : 0.0;
}

std::string
LlmCostModel::CheckPlacement(const LlmPlacement& p) const
{
    const auto& layers = m_scenario.GetModel().GetLayers();
    const auto& servers = m_scenario.GetServers();
    if (p.size() != layers.size())
    {
        return "placement has " + std::to_string(p.size()) + " layers, the model "
               + std::to_string(layers.size());
    }
    std::vector<double> used(servers.size(), 0.0);
    std::vector<uint32_t> count(servers.size(), 0);
    for (std::size_t l = 0; l < p.size(); ++l)
    {
        if (p[l].server >= servers.size())
        {
            return "layer " + layers[l].name + ": server index " + std::to_string(p[l].server)
                   + " out of range";
        }
        const std::string where = "layer " + layers[l].name + " on " + servers[p[l].server].name;
        if (std::find(m_bitSet.begin(), m_bitSet.end(), p[l].bits) == m_bitSet.end())
        {
            return where + ": " + std::to_string(p[l].bits) + " bits is not in the bit set";
        }
        if (!IsAllowed(l, p[l].bits))
        {
            return where + ": " + std::to_string(p[l].bits)
                   + " bits exceeds the weight-error budget delta (eq. 5-7)";
        }
        used[p[l].server] += StorageBytes(l, p[l].bits);
        ++count[p[l].server];
        if (l + 1 < p.size() && p[l].server != p[l + 1].server
            && LinkBps(p[l].server, p[l + 1].server) <= 0)
        {
            return where + ": no link to " + servers[p[l + 1].server].name + " (next layer "
                   + layers[l + 1].name + ", constraint 2f)";
        }
    }
    if (!std::isfinite(Objective(p)))
    {
        return "the completion time T of this placement is not a finite number";
    }
    const auto maxLayers = m_scenario.GetMaxLayersPerServer();
    for (std::size_t i = 0; i < servers.size(); ++i)
    {
        if (maxLayers && count[i] > *maxLayers)
        {
            return "server " + servers[i].name + " hosts " + std::to_string(count[i])
                   + " layers, more than max_layers_per_server = " + std::to_string(*maxLayers)
                   + " (constraint 2d)";
        }
        if (used[i] > StorageCapacity(i) * (1 + 1e-12))
        {
            return "server " + servers[i].name + " stores " + std::to_string(used[i])
                   + " bytes, more than storage_bytes = " + std::to_string(StorageCapacity(i))
                   + " (constraint 2e)";
        }
    }
    return "";
}

} // namespace ns3

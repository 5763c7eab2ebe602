// SPDX-License-Identifier: GPL-2.0-only

#include "llm-layered-graph.h"

#include "ns3/assert.h"

#include <cmath>

namespace ns3
{

LlmLayeredGraph::LlmLayeredGraph(const LlmCostModel& model, std::vector<uint32_t> bits)
    : m_nLayers(model.GetNLayers())
    , m_nServers(model.GetNServers())
    , m_bits(std::move(bits))
{
    NS_ASSERT_MSG(m_bits.size() == m_nLayers, "one bit width per layer");
    const auto maxLayers = model.GetScenario().GetMaxLayersPerServer();
    m_sameServerAllowed = !maxLayers || *maxLayers >= 2;
    m_node.resize(m_nLayers * m_nServers);
    m_outputBits.resize(m_nLayers);
    m_storage.resize(m_nLayers);
    for (std::size_t l = 0; l < m_nLayers; ++l)
    {
        NS_ASSERT_MSG(m_bits[l] > 0, "layer " << l << " has no bit width");
        m_storage[l] = model.StorageBytes(l, m_bits[l]);
        m_outputBits[l] = model.OutputBits(l, m_bits[l]);
        for (std::size_t i = 0; i < m_nServers; ++i)
        {
            const bool fits = m_storage[l] <= model.StorageCapacity(i);
            m_node[l * m_nServers + i] = fits ? model.NodeDelay(l, i, m_bits[l]) : INF;
        }
    }
    m_invBps.assign(m_nServers * m_nServers, 0.0);
    for (std::size_t i = 0; i < m_nServers; ++i)
    {
        for (std::size_t j = 0; j < m_nServers; ++j)
        {
            const double bps = model.LinkBps(i, j);
            m_invBps[i * m_nServers + j] = bps > 0 ? 1.0 / bps : 0.0;
        }
    }
}

double
LlmLayeredGraph::ShortestPath(const std::vector<double>& penalty,
                              const std::vector<double>& storagePrice,
                              std::vector<double>* forward,
                              std::vector<double>* backward,
                              std::vector<std::size_t>& path,
                              const LlmSolverDeadline* deadline) const
{
    const std::size_t n = m_nServers;
    // F of every layer when the caller wants it, else of the current and the next layer only.
    std::vector<double> rows;
    std::vector<double>& f = forward ? *forward : rows;
    f.assign((forward ? m_nLayers : 2) * n, INF);
    auto row = [&](std::size_t l) { return forward ? l * n : (l % 2) * n; };
    std::vector<uint32_t> pred(m_nLayers * n, 0); // N ≤ 2³² (an N × N link matrix exists)
    for (std::size_t i = 0; i < n; ++i)
    {
        f[i] = PricedNode(0, i, penalty, storagePrice);
    }
    for (std::size_t l = 0; l + 1 < m_nLayers; ++l)
    {
        if (deadline && deadline->Expired())
        {
            path.clear();
            return NAN;
        }
        const std::size_t from = row(l);
        const std::size_t to = row(l + 1);
        for (std::size_t j = 0; j < n; ++j)
        {
            const double node = PricedNode(l + 1, j, penalty, storagePrice);
            if (node == INF)
            {
                f[to + j] = INF;
                continue;
            }
            double best = INF;
            std::size_t arg = 0;
            for (std::size_t i = 0; i < n; ++i)
            {
                const double c = f[from + i] + Edge(l, i, j);
                if (c < best)
                {
                    best = c;
                    arg = i;
                }
            }
            f[to + j] = best + node;
            pred[(l + 1) * n + j] = static_cast<uint32_t>(arg);
        }
    }
    const std::size_t last = m_nLayers - 1;
    double best = INF;
    std::size_t arg = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        if (f[row(last) + i] < best)
        {
            best = f[row(last) + i];
            arg = i;
        }
    }
    path.assign(m_nLayers, 0);
    if (best < INF)
    {
        path[last] = arg;
        for (std::size_t l = last; l > 0; --l)
        {
            path[l - 1] = pred[l * n + path[l]];
        }
    }
    if (backward)
    {
        std::vector<double>& g = *backward;
        g.assign(m_nLayers * n, INF);
        for (std::size_t i = 0; i < n; ++i)
        {
            g[last * n + i] = 0.0;
        }
        for (std::size_t l = last; l > 0; --l)
        {
            if (deadline && deadline->Expired())
            {
                path.clear();
                return NAN;
            }
            for (std::size_t j = 0; j < n; ++j)
            {
                const double node = PricedNode(l, j, penalty, storagePrice);
                if (node == INF)
                {
                    continue;
                }
                const double tail = node + g[l * n + j];
                for (std::size_t i = 0; i < n; ++i)
                {
                    const double c = Edge(l - 1, i, j) + tail;
                    if (c < g[(l - 1) * n + i])
                    {
                        g[(l - 1) * n + i] = c;
                    }
                }
            }
        }
    }
    return best;
}

LlmPlacement
LlmLayeredGraph::ToPlacement(const std::vector<std::size_t>& path) const
{
    LlmPlacement p(m_nLayers);
    for (std::size_t l = 0; l < m_nLayers; ++l)
    {
        p[l] = {path[l], m_bits[l]};
    }
    return p;
}

double
LlmLayeredGraph::PathCost(const std::vector<std::size_t>& path) const
{
    double t = 0;
    for (std::size_t l = 0; l < m_nLayers; ++l)
    {
        t += Node(l, path[l]);
        if (l + 1 < m_nLayers)
        {
            t += Edge(l, path[l], path[l + 1]);
        }
    }
    return t;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-incumbent-search.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace ns3
{

LlmIncumbentSearch::LlmIncumbentSearch(const LlmLayeredGraph& g, const LlmCostModel& model)
    : m_g(g)
    , m_nl(g.GetNLayers())
    , m_ns(g.GetNServers())
    , m_cap(m_ns)
{
    const auto k = model.GetScenario().GetMaxLayersPerServer();
    m_maxLayers = k ? *k : UINT32_MAX;
    for (std::size_t i = 0; i < m_ns; ++i)
    {
        m_cap[i] = model.StorageCapacity(i) * (1 + 1e-12);
    }
}

void
LlmIncumbentSearch::SetDeadline(const LlmSolverDeadline* deadline)
{
    m_deadline = deadline;
}

void
LlmIncumbentSearch::Offer(std::vector<std::size_t> path)
{
    if (!Repair(path))
    {
        return;
    }
    double cost = m_g.PathCost(path);
    LocalSearch(path, cost);
    Keep(path, cost);
}

void
LlmIncumbentSearch::MultiStart()
{
    // The first servers in order of the first layer's cost, so that the deadline cuts the
    // least promising starts; then back in server order, so that the sort by cost below
    // sees the same sequence whatever the order of construction.
    std::vector<std::size_t> order(m_ns);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return m_g.Node(0, a) < m_g.Node(0, b);
    });
    std::vector<std::pair<std::size_t, std::vector<std::size_t>>> built;
    for (std::size_t k = 0; k < m_ns && !m_deadline->Expired(); ++k)
    {
        std::vector<std::size_t> path;
        if (Construct(order[k], path))
        {
            built.emplace_back(order[k], std::move(path));
        }
    }
    std::sort(built.begin(), built.end(), [](const auto& a, const auto& b) {
        return a.first < b.first;
    });
    std::vector<std::pair<double, std::vector<std::size_t>>> starts;
    for (auto& [s0, path] : built)
    {
        starts.emplace_back(m_g.PathCost(path), std::move(path));
    }
    std::sort(starts.begin(), starts.end(), [](const auto& a, const auto& b) {
        return a.first < b.first;
    });
    for (std::size_t k = 0; k < std::min<std::size_t>(3, starts.size()); ++k)
    {
        double cost = starts[k].first;
        LocalSearch(starts[k].second, cost);
        Keep(starts[k].second, cost);
    }
}

bool
LlmIncumbentSearch::Feasible(const std::vector<std::size_t>& path) const
{
    std::vector<uint32_t> count(m_ns, 0);
    std::vector<double> used(m_ns, 0.0);
    for (std::size_t l = 0; l < m_nl; ++l)
    {
        if (++count[path[l]] > m_maxLayers || (used[path[l]] += m_g.Storage(l)) > m_cap[path[l]])
        {
            return false;
        }
    }
    return std::isfinite(m_g.PathCost(path));
}

double
LlmIncumbentSearch::BestCost() const
{
    return m_bestCost;
}

const std::vector<std::size_t>&
LlmIncumbentSearch::Best() const
{
    return m_best;
}

void
LlmIncumbentSearch::Keep(const std::vector<std::size_t>& path, double cost)
{
    if (cost < m_bestCost && Feasible(path))
    {
        m_bestCost = cost;
        m_best = path;
    }
}

bool
LlmIncumbentSearch::Choose(std::size_t l,
                           const std::vector<std::size_t>& path,
                           bool hasNext,
                           const std::vector<uint32_t>& count,
                           const std::vector<double>& used,
                           std::size_t& choice) const
{
    double best = INFINITY;
    for (std::size_t j = 0; j < m_ns; ++j)
    {
        if (count[j] >= m_maxLayers || used[j] + m_g.Storage(l) > m_cap[j])
        {
            continue;
        }
        double c = m_g.Node(l, j);
        if (l > 0)
        {
            c += m_g.Edge(l - 1, path[l - 1], j);
        }
        if (hasNext)
        {
            c += m_g.Edge(l, j, path[l + 1]);
        }
        if (c < best)
        {
            best = c;
            choice = j;
        }
    }
    return std::isfinite(best);
}

bool
LlmIncumbentSearch::Construct(std::size_t s0, std::vector<std::size_t>& path) const
{
    if (!std::isfinite(m_g.Node(0, s0)))
    {
        return false;
    }
    std::vector<uint32_t> count(m_ns, 0);
    std::vector<double> used(m_ns, 0.0);
    path.assign(m_nl, 0);
    path[0] = s0;
    ++count[s0];
    used[s0] += m_g.Storage(0);
    for (std::size_t l = 1; l < m_nl; ++l)
    {
        if ((l % 64 == 0 && m_deadline->Expired()) || !Choose(l, path, false, count, used, path[l]))
        {
            return false;
        }
        ++count[path[l]];
        used[path[l]] += m_g.Storage(l);
    }
    return true;
}

bool
LlmIncumbentSearch::Repair(std::vector<std::size_t>& path) const
{
    std::vector<uint32_t> count(m_ns, 0);
    std::vector<double> used(m_ns, 0.0);
    for (std::size_t l = 0; l < m_nl; ++l)
    {
        if (l % 64 == 0 && m_deadline->Expired())
        {
            return false;
        }
        const std::size_t i = path[l];
        const bool bad = count[i] >= m_maxLayers || used[i] + m_g.Storage(l) > m_cap[i]
                         || !std::isfinite(m_g.Node(l, i))
                         || (l > 0 && !std::isfinite(m_g.Edge(l - 1, path[l - 1], i)));
        if (bad && !Choose(l, path, l + 1 < m_nl, count, used, path[l])
            && !Choose(l, path, false, count, used, path[l]))
        {
            return false;
        }
        ++count[path[l]];
        used[path[l]] += m_g.Storage(l);
    }
    return std::isfinite(m_g.PathCost(path));
}

double
LlmIncumbentSearch::Terms(const std::vector<std::size_t>& s, std::size_t a, std::size_t b) const
{
    double t = m_g.Node(a, s[a]) + (a != b ? m_g.Node(b, s[b]) : 0.0);
    std::size_t edges[4] = {a - 1, a, b - 1, b}; // edge e joins layers e and e+1
    std::sort(edges, edges + 4);
    for (std::size_t k = 0; k < 4; ++k)
    {
        const std::size_t e = edges[k];
        // Skip duplicates and edges outside 0..L−2 (a − 1 wraps to SIZE_MAX when a = 0).
        if ((k > 0 && e == edges[k - 1]) || e >= m_nl - 1)
        {
            continue;
        }
        t += m_g.Edge(e, s[e], s[e + 1]);
    }
    return t;
}

void
LlmIncumbentSearch::LocalSearch(std::vector<std::size_t>& s, double& cost) const
{
    std::vector<uint32_t> count(m_ns, 0);
    std::vector<double> used(m_ns, 0.0);
    for (std::size_t l = 0; l < m_nl; ++l)
    {
        ++count[s[l]];
        used[s[l]] += m_g.Storage(l);
    }
    bool improved = true;
    for (int pass = 0; improved && pass < 100; ++pass)
    {
        improved = false;
        for (std::size_t l = 0; l < m_nl; ++l)
        {
            if (m_deadline->Expired())
            {
                improved = false; // s is feasible: every move kept it so
                break;
            }
            // Relocate layer l.
            const std::size_t old = s[l];
            const double before = Terms(s, l, l);
            for (std::size_t j = 0; j < m_ns; ++j)
            {
                if (j == old || count[j] >= m_maxLayers || used[j] + m_g.Storage(l) > m_cap[j])
                {
                    continue;
                }
                s[l] = j;
                const double delta = Terms(s, l, l) - before;
                if (delta < -1e-12 * cost)
                {
                    --count[old];
                    used[old] -= m_g.Storage(l);
                    ++count[j];
                    used[j] += m_g.Storage(l);
                    cost += delta;
                    improved = true;
                    break;
                }
                s[l] = old;
            }
            // Swap the servers of layers l and m.
            for (std::size_t m = l + 1; m < m_nl; ++m)
            {
                const std::size_t a = s[l];
                const std::size_t b = s[m];
                if (a == b || used[a] - m_g.Storage(l) + m_g.Storage(m) > m_cap[a]
                    || used[b] - m_g.Storage(m) + m_g.Storage(l) > m_cap[b])
                {
                    continue;
                }
                const double before2 = Terms(s, l, m);
                std::swap(s[l], s[m]);
                const double delta = Terms(s, l, m) - before2;
                if (delta < -1e-12 * cost)
                {
                    used[a] += m_g.Storage(m) - m_g.Storage(l);
                    used[b] += m_g.Storage(l) - m_g.Storage(m);
                    cost += delta;
                    improved = true;
                }
                else
                {
                    std::swap(s[l], s[m]);
                }
            }
        }
    }
    cost = m_g.PathCost(s); // no drift from the incremental updates
}

} // namespace ns3

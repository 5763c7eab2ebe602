// SPDX-License-Identifier: GPL-2.0-only

#include "llm-exhaustive-solver.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace ns3
{

namespace
{

/// Depth-first search state.
struct Search
{
    const LlmCostModel& model;
    std::size_t nLayers;
    std::size_t nServers;
    uint32_t maxLayers;          // 2d (UINT32_MAX: unlimited)
    std::vector<uint32_t> count; // layers per server
    std::vector<double> used;    // storage per server
    LlmPlacement current;
    LlmPlacement best;
    double bestCost{INFINITY};
    uint64_t visited{0};

    void Visit(std::size_t l, double cost)
    {
        ++visited;
        if (cost >= bestCost)
        {
            return;
        }
        if (l == nLayers)
        {
            bestCost = cost;
            best = current;
            return;
        }
        for (std::size_t i = 0; i < nServers; ++i)
        {
            if (count[i] >= maxLayers)
            {
                continue;
            }
            double link = 0;
            if (l > 0)
            {
                const LlmLayerAssignment& prev = current[l - 1];
                link = model.TransferDelay(l - 1, prev.server, i, prev.bits);
                if (std::isinf(link))
                {
                    continue;
                }
            }
            for (uint32_t b : model.GetAllowedBits(l))
            {
                const double storage = model.StorageBytes(l, b);
                if (used[i] + storage > model.StorageCapacity(i) * (1 + 1e-12))
                {
                    continue;
                }
                ++count[i];
                used[i] += storage;
                current[l] = {i, b};
                Visit(l + 1, cost + link + model.ComputeDelay(l, i, b));
                --count[i];
                used[i] -= storage;
            }
        }
    }
};

} // namespace

LlmPlan
LlmExhaustiveSolver::Solve(const LlmCostModel& model) const
{
    const auto start = std::chrono::steady_clock::now();
    LlmPlan plan;
    plan.solver = GetName();
    double leaves = 1;
    for (std::size_t l = 0; l < model.GetNLayers(); ++l)
    {
        leaves *= static_cast<double>(model.GetNServers() * model.GetAllowedBits(l).size());
    }
    if (leaves > MAX_LEAVES)
    {
        plan.status = LlmSolverStatus::NO_SOLUTION;
        char buf[160];
        std::snprintf(buf,
                      sizeof(buf),
                      "the instance has %.3g candidate placements, more than the %.0e exhaustive "
                      "search accepts",
                      leaves,
                      MAX_LEAVES);
        plan.message = buf;
        return plan;
    }
    const auto maxLayers = model.GetScenario().GetMaxLayersPerServer();
    Search s{model,
             model.GetNLayers(),
             model.GetNServers(),
             maxLayers ? *maxLayers : UINT32_MAX,
             std::vector<uint32_t>(model.GetNServers(), 0),
             std::vector<double>(model.GetNServers(), 0.0),
             LlmPlacement(model.GetNLayers()),
             {}};
    s.Visit(0, 0.0);
    plan.stats.nodes = s.visited;
    if (s.best.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = ExplainInfeasible(model, SmallestAllowedBits(model));
        if (plan.message.empty())
        {
            plan.message = "no placement satisfies 2d, 2e and 2f together (exhaustive search)";
        }
    }
    else
    {
        plan.placement = s.best;
        Finish(model, plan, LlmSolverStatus::OPTIMAL);
        plan.stats.lowerBound = plan.objective;
    }
    plan.stats.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return plan;
}

} // namespace ns3

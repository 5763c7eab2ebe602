// SPDX-License-Identifier: GPL-2.0-only

#include "llm-dp-solver.h"

#include "llm-layered-graph.h"
#include "ns3/log.h"

#include <algorithm>
#include <chrono>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmDpSolver");

LlmPlan
LlmDpSolver::Solve(const LlmCostModel& model) const
{
    NS_LOG_FUNCTION(this);
    const auto start = std::chrono::steady_clock::now();
    LlmPlan plan;
    plan.solver = GetName();
    const std::vector<uint32_t> bits = SmallestAllowedBits(model);
    std::string why;
    if (std::find(bits.begin(), bits.end(), 0u) != bits.end())
    {
        why = ExplainInfeasible(model, bits);
    }
    else
    {
        const LlmLayeredGraph g(model, bits);
        std::vector<std::size_t> path;
        const double cost = g.ShortestPath({}, {}, nullptr, nullptr, path);
        plan.stats.nodes = model.GetNLayers() * model.GetNServers();
        if (cost < LlmLayeredGraph::INF)
        {
            plan.placement = g.ToPlacement(path);
            Finish(model, plan, LlmSolverStatus::OPTIMAL);
            plan.stats.lowerBound = cost;
            if (plan.status == LlmSolverStatus::RELAXED)
            {
                plan.message += " (the DP ignores max_layers_per_server and summed storage; "
                                "its cost is a lower bound: use the ilp solver)";
            }
        }
        else
        {
            why = ExplainInfeasible(model, bits);
            if (why.empty())
            {
                why = "no chain of servers can host the layers in order (2e per layer, 2f)";
            }
        }
    }
    if (!why.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = why;
    }
    plan.stats.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return plan;
}

} // namespace ns3

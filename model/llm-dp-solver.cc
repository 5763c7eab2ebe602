// SPDX-License-Identifier: GPL-2.0-only

#include "llm-dp-solver.h"

#include "llm-layered-graph.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmDpSolver");

LlmDpSolver::LlmDpSolver(const LlmSolverOptions& options)
    : m_options(options)
{
}

LlmPlan
LlmDpSolver::Solve(const LlmCostModel& model) const
{
    NS_LOG_FUNCTION(this);
    const LlmSolverDeadline deadline(m_options.timeLimitSeconds);
    LlmPlan plan;
    plan.solver = GetName();
    auto done = [&plan, &deadline]() {
        plan.stats.seconds = deadline.Elapsed();
        return plan;
    };
    auto outOfTime = [&](const std::string& phase) {
        std::ostringstream os;
        os << "time limit (" << deadline.GetLimit() << " s) reached in " << phase
           << " without a feasible placement";
        plan.status = LlmSolverStatus::NO_SOLUTION;
        plan.message = os.str();
        return done();
    };
    const std::string tooLarge = CheckPairLimit(model, GetName());
    if (!tooLarge.empty())
    {
        plan.status = LlmSolverStatus::NO_SOLUTION;
        plan.message = tooLarge;
        return done();
    }
    const std::vector<uint32_t> bits = SmallestAllowedBits(model);
    std::string why;
    if (std::find(bits.begin(), bits.end(), 0u) != bits.end())
    {
        why = ExplainInfeasible(model, bits, &deadline);
        if (why.empty() && deadline.Expired())
        {
            return outOfTime("the feasibility checks");
        }
    }
    else
    {
        const LlmLayeredGraph g(model, bits);
        if (deadline.Expired())
        {
            return outOfTime("building the layered graph");
        }
        std::vector<std::size_t> path;
        const double cost = g.ShortestPath({}, {}, nullptr, nullptr, path, &deadline);
        if (std::isnan(cost))
        {
            return outOfTime("the shortest path (dynamic program)");
        }
        plan.stats.nodes = model.GetNLayers() * model.GetNServers();
        if (cost < LlmLayeredGraph::INF)
        {
            plan.placement = g.ToPlacement(path);
            Finish(model, plan, LlmSolverStatus::OPTIMAL);
            plan.stats.lowerBound = cost;
            plan.stats.gap = 0.0;
            if (plan.status == LlmSolverStatus::RELAXED)
            {
                plan.message += " (the DP ignores max_layers_per_server and summed storage; "
                                "its cost is a lower bound: use the ilp solver)";
            }
        }
        else
        {
            why = ExplainInfeasible(model, bits, &deadline);
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
    return done();
}

} // namespace ns3

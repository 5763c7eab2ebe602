// SPDX-License-Identifier: GPL-2.0-only

#include "llm-exhaustive-solver.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

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
    const LlmSolverDeadline* deadline{nullptr}; // checked every 4096 nodes
    bool stopped{false};                        // the deadline passed

    void Visit(std::size_t l, double cost)
    {
        ++visited;
        if (stopped || ((visited & 4095) == 0 && deadline->Expired()))
        {
            stopped = true;
            return;
        }
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
                Visit(l + 1, cost + link + model.NodeDelay(l, i, b));
                --count[i];
                used[i] -= storage;
            }
        }
    }
};

} // namespace

LlmExhaustiveSolver::LlmExhaustiveSolver(const LlmSolverOptions& options)
    : m_options(options)
{
}

LlmPlan
LlmExhaustiveSolver::Solve(const LlmCostModel& model) const
{
    const LlmSolverDeadline deadline(m_options.timeLimitSeconds);
    LlmPlan plan;
    plan.solver = GetName();
    auto done = [&plan, &deadline]() {
        plan.stats.seconds = deadline.Elapsed();
        return plan;
    };
    const std::size_t nl = model.GetNLayers();
    const std::vector<uint32_t> smallest = SmallestAllowedBits(model);
    if (std::find(smallest.begin(), smallest.end(), 0u) != smallest.end())
    {
        // A layer without an allowed width: nothing to enumerate (and the layers before it
        // would be enumerated in vain).
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = ExplainInfeasible(model, smallest, &deadline);
        return done();
    }
    if (nl > MAX_LAYERS)
    {
        plan.status = LlmSolverStatus::NO_SOLUTION;
        plan.message = "size limit: the instance has " + std::to_string(nl)
                       + " layers, more than the " + std::to_string(MAX_LAYERS)
                       + " exhaustive search accepts (LlmExhaustiveSolver::MAX_LAYERS; use the "
                         "ilp solver)";
        return done();
    }
    double leaves = 1;
    for (std::size_t l = 0; l < nl; ++l)
    {
        leaves *= static_cast<double>(model.GetNServers() * model.GetAllowedBits(l).size());
    }
    if (leaves > MAX_LEAVES)
    {
        plan.status = LlmSolverStatus::NO_SOLUTION;
        char buf[200];
        std::snprintf(buf,
                      sizeof(buf),
                      "size limit: the instance has %.3g candidate placements, more than the "
                      "%.0e exhaustive search accepts (LlmExhaustiveSolver::MAX_LEAVES; use the "
                      "ilp solver)",
                      leaves,
                      MAX_LEAVES);
        plan.message = buf;
        return done();
    }
    const auto maxLayers = model.GetScenario().GetMaxLayersPerServer();
    Search s{model,
             nl,
             model.GetNServers(),
             maxLayers ? *maxLayers : UINT32_MAX,
             std::vector<uint32_t>(model.GetNServers(), 0),
             std::vector<double>(model.GetNServers(), 0.0),
             LlmPlacement(nl),
             {}};
    s.deadline = &deadline;
    s.Visit(0, 0.0);
    plan.stats.nodes = s.visited;
    if (s.stopped)
    {
        std::ostringstream os;
        os << "time limit (" << deadline.GetLimit() << " s) reached in the exhaustive search after "
           << s.visited << " nodes";
        if (s.best.empty())
        {
            plan.status = LlmSolverStatus::NO_SOLUTION;
            plan.message = os.str() + " without a feasible placement";
            return done();
        }
        // The best placement so far; T is at least the sum of each layer's cheapest compute.
        plan.placement = s.best;
        Finish(model, plan, LlmSolverStatus::FEASIBLE);
        double bound = 0;
        for (std::size_t l = 0; l < nl; ++l)
        {
            double cheapest = INFINITY;
            for (std::size_t i = 0; i < model.GetNServers(); ++i)
            {
                for (uint32_t b : model.GetAllowedBits(l))
                {
                    if (model.StorageBytes(l, b) <= model.StorageCapacity(i) * (1 + 1e-12))
                    {
                        cheapest = std::min(cheapest, model.NodeDelay(l, i, b));
                    }
                }
            }
            bound += cheapest;
        }
        plan.stats.lowerBound = std::min(bound, plan.objective);
        plan.stats.gap =
            plan.objective > 0 ? (plan.objective - plan.stats.lowerBound) / plan.objective : 0.0;
        os << "; best placement so far, gap " << 100 * plan.stats.gap << " %";
        plan.message = os.str();
        return done();
    }
    if (s.best.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = ExplainInfeasible(model, smallest, &deadline);
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
    return done();
}

} // namespace ns3

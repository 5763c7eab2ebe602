// SPDX-License-Identifier: GPL-2.0-only

#include "llm-joint-sequential-solver.h"

#include "llm-ilp-solver.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmJointSequentialSolver");

LlmJointSequentialSolver::LlmJointSequentialSolver(const LlmSolverOptions& options)
    : m_options(options)
{
}

std::vector<std::size_t>
LlmJointSequentialSolver::Order(const LlmJointCostModel& model)
{
    std::vector<double> size(model.GetNModels(), 0.0);
    for (std::size_t m = 0; m < size.size(); ++m)
    {
        const LlmCostModel& cm = model.GetModel(m);
        const std::vector<uint32_t> bits = LlmPlacementSolver::SmallestAllowedBits(cm);
        for (std::size_t l = 0; l < cm.GetNLayers(); ++l)
        {
            size[m] += cm.StorageBytes(l, bits[l]);
        }
    }
    std::vector<std::size_t> order(size.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&size](std::size_t a, std::size_t b) {
        return size[a] > size[b];
    });
    return order;
}

LlmJointSequentialSolver::Result
LlmJointSequentialSolver::Run(const LlmJointCostModel& model,
                              const LlmSolverDeadline& deadline,
                              const LlmSolverOptions& options)
{
    NS_LOG_FUNCTION_NOARGS();
    Result r;
    const std::size_t nm = model.GetNModels();
    const std::size_t ns = model.GetNServers();
    r.plans.assign(nm, LlmPlan());
    LlmJointPlacement placement(nm);
    std::vector<double> used(ns, 0.0);
    const std::vector<std::size_t> order = Order(model);
    for (std::size_t k = 0; k < nm; ++k)
    {
        const std::size_t m = order[k];
        // Model m on the storage left: κ_i minus what the models before it use.
        LlmScenario s = model.GetModel(m).GetScenario();
        for (std::size_t i = 0; i < ns; ++i)
        {
            auto& kappa = s.GetServers()[i].storageBytes;
            if (kappa)
            {
                kappa = std::max(0.0, *kappa - used[i]);
            }
        }
        const LlmCostModel cm(s);
        LlmSolverOptions o = options;
        o.timeLimitSeconds = deadline.Remaining() / static_cast<double>(nm - k);
        if (!(o.timeLimitSeconds > 0))
        {
            r.outOfTime = true;
            r.why = "time limit reached before model " + model.GetModelName(m) + " was placed";
            return r;
        }
        r.plans[m] = LlmIlpSolver(o).Solve(cm);
        if (!r.plans[m].HasPlacement())
        {
            r.outOfTime = deadline.Expired() || r.plans[m].status == LlmSolverStatus::NO_SOLUTION;
            r.why = "model " + model.GetModelName(m) + " (placed " + std::to_string(k + 1) + " of "
                    + std::to_string(nm) + ", largest first) found no placement on the "
                    + "storage the models before it left: " + r.plans[m].message;
            return r;
        }
        placement[m] = r.plans[m].placement;
        model.AddStorage(m, placement[m], used);
    }
    r.placement = placement;
    return r;
}

LlmJointPlan
LlmJointSequentialSolver::Solve(const LlmJointCostModel& model) const
{
    const LlmSolverDeadline deadline(m_options.timeLimitSeconds);
    LlmJointPlan plan;
    plan.solver = GetName();
    plan.objectiveKind = model.GetObjective();
    const std::string why = ExplainInfeasible(model, &deadline);
    if (!why.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = why;
    }
    else
    {
        const Result r = Run(model, deadline, m_options);
        if (r.placement.empty())
        {
            plan.status = r.outOfTime ? LlmSolverStatus::NO_SOLUTION : LlmSolverStatus::INFEASIBLE;
            plan.message = "sequential heuristic: " + r.why
                           + (r.outOfTime ? ""
                                          : " (a joint placement may still exist: the ilp "
                                            "solver decides)");
        }
        else
        {
            Finish(model, plan, r.placement, LlmSolverStatus::FEASIBLE);
        }
    }
    plan.stats.seconds = deadline.Elapsed();
    plan.stats.heuristicSeconds = plan.stats.seconds;
    return plan;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-baseline-comparison.h"

#include "llm-solver-factory.h"

#include <cstdio>

namespace ns3
{

const std::vector<std::string>&
LlmBaselineComparison::DefaultSolvers()
{
    static const std::vector<std::string> solvers{"ilp",
                                                  "greedy",
                                                  "cloud-only",
                                                  "edgeshard",
                                                  "uniform-bits"};
    return solvers;
}

std::vector<LlmPlan>
LlmBaselineComparison::Solve(const LlmCostModel& model,
                             const LlmPlan& plan,
                             const LlmSolverOptions& options)
{
    std::vector<LlmPlan> out;
    for (const std::string& name : DefaultSolvers())
    {
        if (name != plan.solver)
        {
            out.push_back(LlmSolverFactory::Create(name, options)->Solve(model));
        }
    }
    return out;
}

std::string
LlmBaselineComparison::ToText(const LlmPlan& plan, const std::vector<LlmPlan>& others)
{
    std::string text = "Beside it (analytic T, eq. 1; the same scenario):\n";
    char buf[512];
    const LlmPlan* best = &plan;
    for (const LlmPlan& p : others)
    {
        if (p.HasPlacement())
        {
            std::snprintf(buf,
                          sizeof(buf),
                          "  %-13s %-12s T = %-12.6g s (%.3g x the plan's)\n",
                          p.solver.c_str(),
                          ToString(p.status).c_str(),
                          p.objective,
                          plan.objective > 0 ? p.objective / plan.objective : 0.0);
            best = p.objective < best->objective ? &p : best;
        }
        else
        {
            std::snprintf(buf,
                          sizeof(buf),
                          "  %-13s %-12s no plan: %.300s\n",
                          p.solver.c_str(),
                          ToString(p.status).c_str(),
                          p.message.c_str());
        }
        text += buf;
    }
    if (best != &plan)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "  %s's plan is %.3g x faster than %s's under the model (doc: \"When and "
                      "why cloud-only wins\")\n",
                      best->solver.c_str(),
                      best->objective > 0 ? plan.objective / best->objective : 0.0,
                      plan.solver.c_str());
        text += buf;
    }
    return text;
}

} // namespace ns3

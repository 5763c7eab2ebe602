// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_BASELINE_COMPARISON_H
#define LLM_BASELINE_COMPARISON_H

#include "llm-cost-model.h"
#include "llm-placement-solver.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The baselines beside a plan: every other solver of the comparison set solved on the
 *        same cost model, with their analytic T, so a reader sees which wins and by how much.
 */
class LlmBaselineComparison
{
  public:
    /// The solvers compared by default: the ILP and the baselines.
    static const std::vector<std::string>& DefaultSolvers();

    /**
     * @brief Solve every solver of DefaultSolvers() except the plan's own.
     * @param model the cost model
     * @param plan the plan being simulated (its solver is not solved again)
     * @param options the solver options (time limit, gap)
     * @return the plans, in DefaultSolvers() order
     */
    static std::vector<LlmPlan> Solve(const LlmCostModel& model,
                                      const LlmPlan& plan,
                                      const LlmSolverOptions& options);

    /**
     * @brief A table: solver, status, T and T relative to the plan's, with a line naming the
     *        best one when it is not the plan.
     * @param plan the plan being simulated
     * @param others the baselines (Solve())
     * @return the text, ending with a newline
     */
    static std::string ToText(const LlmPlan& plan, const std::vector<LlmPlan>& others);
};

} // namespace ns3

#endif // LLM_BASELINE_COMPARISON_H

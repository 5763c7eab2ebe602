// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_JOINT_EXHAUSTIVE_SOLVER_H
#define LLM_JOINT_EXHAUSTIVE_SOLVER_H

#include "llm-joint-solver.h"

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Exhaustive search of the joint problem for tiny instances ("joint-exhaustive"): every
 *        (server, δ-allowed bit width) of every layer of every model.
 *
 * Depth-first, model after model and layer after layer, checking each model's (2d) and (2f)
 * and the shared storage as it goes, and cutting a branch once its partial J (the models'
 * partial times plus the cheapest compute of their remaining layers, the busy times so far)
 * reaches the best complete one (every cost is non-negative). No reduction (every allowed
 * width is tried), so it checks LlmJointIlpSolver independently. It refuses more than
 * MAX_LEAVES candidate placements (status NO_SOLUTION, the limit named) and stops at the time
 * limit with the best placement so far (FEASIBLE, bound CheapestBound) or none (NO_SOLUTION).
 */
class LlmJointExhaustiveSolver : public LlmJointSolver
{
  public:
    static constexpr double MAX_LEAVES = 1e9; //!< Largest Π_{m,l} (N · allowed widths)

    /**
     * @brief Build the solver.
     * @param options only the time limit matters
     */
    explicit LlmJointExhaustiveSolver(const LlmSolverOptions& options = {});

    LlmJointPlan Solve(const LlmJointCostModel& model) const override;

    std::string GetName() const override { return "joint-exhaustive"; }

  private:
    LlmSolverOptions m_options; //!< Options (time limit)
};

} // namespace ns3

#endif // LLM_JOINT_EXHAUSTIVE_SOLVER_H

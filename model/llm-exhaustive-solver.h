// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_EXHAUSTIVE_SOLVER_H
#define LLM_EXHAUSTIVE_SOLVER_H

#include "llm-placement-solver.h"

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Exhaustive search over every (server, δ-allowed bit width) per layer ("exhaustive").
 *
 * Depth-first in layer order, checking (2d), summed (2e) and (2f) as it goes and cutting a
 * branch once its partial T reaches the best complete one (all costs are non-negative). It
 * uses no reduction at all (every allowed width is tried), so it checks the other solvers
 * independently. For tiny instances only: refuses more than MAX_LEAVES candidate placements.
 */
class LlmExhaustiveSolver : public LlmPlacementSolver
{
  public:
    static constexpr double MAX_LEAVES = 1e9; //!< Largest (Σ options)^L searched

    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "exhaustive"; }
};

} // namespace ns3

#endif // LLM_EXHAUSTIVE_SOLVER_H

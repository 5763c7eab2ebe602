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
 * independently. For tiny instances only: it refuses (status NO_SOLUTION, the limit named)
 * more than MAX_LEAVES candidate placements or more than MAX_LAYERS layers, and stops at the
 * time limit: with the best placement found so far (status FEASIBLE; the lower bound is the
 * sum of each layer's cheapest compute delay) or without one (NO_SOLUTION).
 */
class LlmExhaustiveSolver : public LlmPlacementSolver
{
  public:
    static constexpr double MAX_LEAVES = 1e9;    //!< Largest Π_l (N · allowed widths of l)
    static constexpr uint32_t MAX_LAYERS = 1000; //!< Deepest search (one frame per layer)

    /**
     * @brief Build the solver.
     * @param options only the time limit matters
     */
    explicit LlmExhaustiveSolver(const LlmSolverOptions& options = {});

    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "exhaustive"; }

  private:
    LlmSolverOptions m_options; //!< Options (time limit)
};

} // namespace ns3

#endif // LLM_EXHAUSTIVE_SOLVER_H

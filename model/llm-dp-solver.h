// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_DP_SOLVER_H
#define LLM_DP_SOLVER_H

#include "llm-placement-solver.h"

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Dynamic program: the shortest path over layers × servers ("dp").
 *
 * Every layer takes its smallest δ-allowed width (optimal: all costs and storage grow with b);
 * a node is usable when the layer alone fits the server (2e per layer); edges need a link (2f).
 * The shortest path is the exact optimum when max_layers_per_server is null and no server's
 * summed storage binds; otherwise it is a lower bound, and a path that breaks (2d) or summed
 * (2e) is reported with status RELAXED. O(L · N²) time, O(L · N) memory: instances with more
 * than MAX_PAIRS (layer, server) pairs are refused, and the quick checks and the shortest path
 * stop at the time limit (status NO_SOLUTION, the phase named: the DP has no plan before its
 * last layer).
 */
class LlmDpSolver : public LlmPlacementSolver
{
  public:
    /**
     * @brief Build the solver.
     * @param options only the time limit matters
     */
    explicit LlmDpSolver(const LlmSolverOptions& options = {});

    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "dp"; }

  private:
    LlmSolverOptions m_options; //!< Options (time limit)
};

} // namespace ns3

#endif // LLM_DP_SOLVER_H

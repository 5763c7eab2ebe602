// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SOLVER_FACTORY_H
#define LLM_SOLVER_FACTORY_H

#include "llm-placement-solver.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Builds the placement solvers by name.
 *
 * Names: "ilp" (GLPK, exact), "dp" (shortest path, exact without 2d and summed 2e),
 * "exhaustive" (tiny instances), and the baselines "greedy", "cloud-only", "uniform-bits",
 * "edgeshard".
 */
class LlmSolverFactory
{
  public:
    LlmSolverFactory() = delete;

    /**
     * @brief Build a solver by name.
     * @param name one of Names()
     * @param options solver options
     * @return the solver
     * @throws LlmInputError if the name is unknown
     */
    static std::unique_ptr<LlmPlacementSolver> Create(const std::string& name,
                                                      const LlmSolverOptions& options = {});

    /// @return the solver names Create() accepts
    static std::vector<std::string> Names();
};

} // namespace ns3

#endif // LLM_SOLVER_FACTORY_H

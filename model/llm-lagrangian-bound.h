// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_LAGRANGIAN_BOUND_H
#define LLM_LAGRANGIAN_BOUND_H

#include "llm-cost-model.h"
#include "llm-incumbent-search.h"
#include "llm-layered-graph.h"
#include "llm-placement-solver.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The Lagrangian relaxation of (2d) and summed (2e): prices and the bound they prove.
 *
 * Internal to the module (not installed): LlmIlpSolver is the public interface.
 */
struct LlmLagrangianBound
{
    double bound{-INFINITY};          //!< Best L(π, ν) found
    std::vector<double> penalty;      //!< π_i at the best bound (empty: 2d not relaxed)
    std::vector<double> storagePrice; //!< ν_i/κ_i at the best bound (empty: 2e not relaxed)
    double constant{0};               //!< Σ π_i K + Σ ν_i
    uint32_t iterations{0};           //!< Subgradient iterations

    /**
     * @brief Subgradient optimization of the Lagrangian dual (Polyak steps towards the
     *        incumbent).
     *
     * No iteration starts after `budget` seconds; a shortest path stops only at the solve's
     * deadline (a path cut short is lost work); the incumbent search offered a path gets a
     * tenth of the budget (a local search cut short keeps its moves).
     *
     * @param g the layered graph (bit widths fixed)
     * @param model the cost model the graph was built from
     * @param incumbent the incumbent search: offered the shortest paths, its best cost is the
     *        target of the steps; its deadline is the solve's deadline on return
     * @param deadline the solve's deadline
     * @param budget the most seconds the subgradient iterations may start in
     * @return the best bound found, with its prices
     */
    static LlmLagrangianBound Optimize(const LlmLayeredGraph& g,
                                       const LlmCostModel& model,
                                       LlmIncumbentSearch& incumbent,
                                       const LlmSolverDeadline& deadline,
                                       double budget);
};

} // namespace ns3

#endif // LLM_LAGRANGIAN_BOUND_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_LAYERED_ILP_H
#define LLM_LAYERED_ILP_H

#include "llm-cost-model.h"
#include "llm-ilp-outcome.h"
#include "llm-layered-graph.h"
#include "llm-placement-solver.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The placement ILP on the layered graph, solved by GLPK: x_{l,i,b} places layer l on
 *        server i at width b, z_{l,i,b,j} sends its output to server j for layer l+1.
 *
 * Columns: x for every (l, i, b) with b among the layer's candidate widths and the layer at b
 * fitting on i (2e per layer), z for every x and every server j holding an x of layer l+1 and
 * reachable from i (2f). Rows: (2c) one placement per layer; (2d) layers per server and summed
 * (2e) storage per server, each only where it can bind; (2f) flow conservation, out of every x
 * of layers < L−1 and into every (l+1, j). With a finite incumbent cost and the prices of a
 * Lagrangian bound, the variables of every node and edge whose cheapest priced path through
 * them costs more than the incumbent are left out (bound-based pruning): no better placement
 * uses them. At most LlmIlpSolver::MAX_COLUMNS columns are handed to GLPK.
 *
 * Internal to the module (not installed): LlmIlpSolver is the public interface.
 */
class LlmLayeredIlp
{
  public:
    /// The bound-based pruning: a Lagrangian bound's prices, its prefix and suffix bounds.
    struct Pruning
    {
        bool use{false};                  //!< Prune (false: every variable is kept)
        std::vector<double> forward;      //!< F(l, i) with the prices, L × N (see ShortestPath)
        std::vector<double> backward;     //!< G(l, i) with the prices, L × N (see ShortestPath)
        std::vector<double> penalty;      //!< π_i of the bound (may be empty)
        std::vector<double> storagePrice; //!< ν_i/κ_i of the bound (may be empty)
        double constant{0};               //!< Σ π_i K + Σ ν_i of the bound
        double ub{INFINITY};              //!< Cost of the incumbent, s

        /**
         * @brief Whether node (l, i) may lie on a placement no worse than the incumbent.
         * @param g the layered graph
         * @param l layer
         * @param i server
         * @return true if kept (always without pruning)
         */
        bool NodeKept(const LlmLayeredGraph& g, std::size_t l, std::size_t i) const
        {
            const std::size_t ns = g.GetNServers();
            return !use || forward[l * ns + i] + backward[l * ns + i] - constant <= Limit();
        }

        /**
         * @brief Whether edge (l, i) -> (l+1, j) may lie on such a placement.
         * @param g the layered graph
         * @param l layer
         * @param i server of l
         * @param j server of l+1
         * @return true if kept (always without pruning)
         */
        bool EdgeKept(const LlmLayeredGraph& g, std::size_t l, std::size_t i, std::size_t j) const
        {
            const std::size_t ns = g.GetNServers();
            return !use
                   || forward[l * ns + i] + g.Edge(l, i, j)
                              + g.PricedNode(l + 1, j, penalty, storagePrice)
                              + backward[(l + 1) * ns + j] - constant
                          <= Limit();
        }

        /// @return the incumbent's cost with a rounding allowance: a bound above it prunes
        double Limit() const { return ub + 1e-9 * std::fabs(ub) + 1e-12; }
    };

    /**
     * @brief Prepare the formulation.
     * @param model the cost model
     * @param g the layered graph of b*_l (its bits are the incumbent's); it may allow one or
     *        more layers per server
     * @param candidates the widths each layer may take (empty: the layer fits nowhere)
     *
     * The three must outlive the formulation.
     */
    LlmLayeredIlp(const LlmCostModel& model,
                  const LlmLayeredGraph& g,
                  const std::vector<std::vector<uint32_t>>& candidates);

    /**
     * @brief Build the ILP and solve it with GLPK.
     * @param pruning the pruning data (forward and backward are freed before GLPK allocates)
     * @param incumbent a feasible path (server per layer, at the graph's bits) handed to GLPK,
     *        or empty
     * @param deadline the solve's deadline
     * @param options gap, verbosity, presolve
     * @return the outcome: GLPK's (placement with the chosen widths), or STOPPED with the phase
     *         it stopped in while building (outOfTime: time limit, else the size limit), or
     *         INFEASIBLE with the reason in phase when no layer can be placed at all
     */
    LlmIlpOutcome Solve(Pruning pruning,
                        const std::vector<std::size_t>& incumbent,
                        const LlmSolverDeadline& deadline,
                        const LlmSolverOptions& options) const;

  private:
    const LlmCostModel& m_model;                            //!< The cost model
    const LlmLayeredGraph& m_g;                             //!< The graph of b*_l
    const std::vector<std::vector<uint32_t>>& m_candidates; //!< Widths per layer
};

} // namespace ns3

#endif // LLM_LAYERED_ILP_H

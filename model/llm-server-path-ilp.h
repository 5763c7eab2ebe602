// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SERVER_PATH_ILP_H
#define LLM_SERVER_PATH_ILP_H

#include "llm-ilp-outcome.h"
#include "llm-layered-graph.h"
#include "llm-layered-ilp.h"
#include "llm-placement-solver.h"

#include <cstddef>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The placement ILP at server level, for one layer per server (2d with K = 1): runs
 *        of identical consecutive layers lose their layer index, and the path through the
 *        servers is kept connected by cuts GLPK's branch and cut adds when violated.
 *
 * Layers l and l+1 are in one run when every server computes them in the same time (equal
 * cp(l, i, b_l) for all i, +∞ where the layer does not fit: (2e) under K = 1) and the layers
 * of the run before l+1 send equal outputs (equal cm). A placement is then a path through
 * distinct servers whose r-th run visits len_r servers. Variables (doc/edge-llm.rst, "The
 * server-path formulation"):
 *   y_{r,i} ∈ {0,1}   server i holds a layer of run r, cost cp(run r, i);
 *   u_{r,i,j} ∈ {0,1} inside run r, i's layer is followed by j's (len_r ≥ 2), cost cm(r, i, j);
 *   v_{r,i,j} ∈ {0,1} the last layer of run r on i, the first of run r+1 on j, cost cm;
 *   s_j, t_i ∈ {0,1}  the first layer on j, the last layer on i.
 * Rows: Σ_i y_{r,i} = len_r; Σ_r y_{r,i} ≤ 1 (2d); in- and out-degree of every (r, i) equal
 * y_{r,i} (u and v arcs, s and t at the ends); Σ s = Σ t = Σ_{i,j} v_{r,i,j} = 1. Degree rows
 * allow a path plus cycles of u arcs inside a run; a cycle is cut by the connectivity row of a
 * set S of servers and k ∈ S: (u arcs of run r entering S) + (entries of run r into S) ≥ y_{r,k}
 * (a generalized subtour elimination constraint). They are found by a maximum flow from the
 * run's entries to every k (Boost's push-relabel) on every node LP, integral or fractional,
 * and added to GLPK's problem at GLP_IROWGEN: an integer solution is accepted only once no
 * row is violated, so the optimum is exact. A profile without runs gets the layered ILP's
 * variables (y and v are its x and z) plus the s and t.
 */
class LlmServerPathIlp
{
  public:
    /// A run of identical consecutive layers [first, last].
    struct Run
    {
        std::size_t first; //!< First layer
        std::size_t last;  //!< Last layer
    };

    /**
     * @brief Split the layers into maximal runs of identical consecutive layers.
     * @param g the layered graph (bit widths fixed)
     * @return the runs, in layer order, covering every layer once
     */
    static std::vector<Run> FindRuns(const LlmLayeredGraph& g);

    /**
     * @brief Build the formulation.
     * @param g the layered graph; it must allow one layer per server only
     *        (!g.SameServerAllowed())
     */
    explicit LlmServerPathIlp(const LlmLayeredGraph& g);

    /// @return the runs the formulation uses
    const std::vector<Run>& GetRuns() const { return m_runs; }

    /**
     * @brief Solve with GLPK.
     * @param pruning the Lagrangian prefix and suffix bounds (as for the layered ILP): a y, u or
     *        v whose every layer position is bounded above the incumbent is left out (exact: no
     *        placement better than the incumbent uses it); pruning.use false keeps every one
     * @param incumbent a feasible path (server per layer) handed to GLPK, or empty
     * @param deadline the solve's deadline
     * @param options gap, verbosity
     * @return the outcome (placement with the graph's bits)
     */
    LlmIlpOutcome Solve(const LlmLayeredIlp::Pruning& pruning,
                        const std::vector<std::size_t>& incumbent,
                        const LlmSolverDeadline& deadline,
                        const LlmSolverOptions& options) const;

  private:
    const LlmLayeredGraph& m_g; //!< The graph
    std::vector<Run> m_runs;    //!< Runs of identical layers
};

} // namespace ns3

#endif // LLM_SERVER_PATH_ILP_H

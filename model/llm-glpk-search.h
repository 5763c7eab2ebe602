// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_GLPK_SEARCH_H
#define LLM_GLPK_SEARCH_H

#include "llm-ilp-outcome.h"
#include "llm-placement-solver.h"

#include <functional>
#include <glpk.h>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief GLPK's branch and cut on a built problem, shared by the ILP formulations: the root LP
 *        (glp_simplex), then glp_intopt, bounded by the solve's deadline, with an optional
 *        heuristic incumbent (glp_ios_heur_sol at GLP_IHEUR) and optional lazy rows (a
 *        generator called at GLP_IROWGEN, on every node LP, integral or not, before GLPK
 *        accepts an integer solution).
 *
 * Internal to the module (not installed): LlmIlpSolver is the public interface.
 */
class LlmGlpkSearch
{
  public:
    /**
     * Adds violated rows to the problem of the tree (glp_ios_get_prob) at GLP_IROWGEN and
     * returns how many it added; 0 accepts the node's LP solution as far as it is concerned.
     */
    using RowGenerator = std::function<int(glp_tree*)>;

    /**
     * @brief Run GLPK on a problem.
     * @param lp the problem (columns, rows and objective set; not deleted)
     * @param nonzeros constraint-matrix nonzeros (time kept for GLPK's untimed presolvers)
     * @param incumbent 1-based column values of a feasible solution, or null
     * @param rows the lazy-row generator, or empty
     * @param deadline the solve's deadline
     * @param options verbosity, gap and presolve
     * @param out receives nodes, bound, outOfTime, rootLpOnly, glpkCode, lazyRows; status is
     *        OPTIMAL / FEASIBLE when GLPK holds an integer solution (read it with
     *        glp_mip_col_val), INFEASIBLE when GLPK proved none exists, else STOPPED
     */
    static void Run(glp_prob* lp,
                    uint64_t nonzeros,
                    const std::vector<double>* incumbent,
                    const RowGenerator& rows,
                    const LlmSolverDeadline& deadline,
                    const LlmSolverOptions& options,
                    LlmIlpOutcome& out);

    /**
     * Time kept per constraint-matrix nonzero for GLPK's presolvers, which its time limit
     * (tm_lim) does not count: GLPK gets the rest of the limit minus this, s.
     */
    static constexpr double UNTIMED_SECONDS_PER_NONZERO = 0.5e-6;
};

} // namespace ns3

#endif // LLM_GLPK_SEARCH_H

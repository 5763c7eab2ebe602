// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_ILP_SOLVER_H
#define LLM_ILP_SOLVER_H

#include "llm-placement-solver.h"

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The DILEMMA integer linear program, solved exactly with GLPK ("ilp").
 *
 * Formulation (doc/edge-llm.rst, "The ILP"): binary x_{l,i,b} (layer l on server i at b bits)
 * and flow variables z_{l,i,b,j} ≥ 0 (layer l on i at b, layer l+1 on j) that form one path
 * through the layers: Σ_{i,b} x_{l,i,b} = 1 (2c); Σ_{l,b} x_{l,i,b} ≤ K (2d);
 * Σ_{l,b} p_l·b/8 · x_{l,i,b} ≤ κ_i (2e); Σ_j z_{l,i,b,j} = x_{l,i,b} and
 * Σ_{i,b} z_{l,i,b,j} = Σ_{b'} x_{l+1,j,b'} (2f, linked pairs only); bits outside the δ budget
 * never get a variable (5-7). min Σ cp·x + Σ cm·z (eq. 1).
 *
 * Reductions, each switchable in LlmSolverOptions: (1) only each layer's smallest δ-allowed
 * width enters (exact: every cost and the storage grow with b); (2) a Lagrangian relaxation of
 * (2d) and summed (2e), whose subproblem is a shortest path, gives a lower bound, and a
 * multi-start greedy + local search gives an incumbent; variables whose Lagrangian bound
 * exceeds the incumbent are removed (exact: they cannot be in a better solution); (3) the
 * incumbent is handed to GLPK's branch and cut (glp_ios_heur_sol). GLPK proves optimality.
 *
 * Two GLPK formulations (LlmSolverOptions::formulation): the layered one above
 * (LlmLayeredIlp), for any constraint set, and, with one layer per server and one width per
 * layer, the server-path one (LlmServerPathIlp): runs of identical consecutive layers lose
 * their layer index and the path is kept connected by cuts added lazily during the branch and
 * cut (doc/edge-llm.rst, "The server-path formulation"). AUTO takes the server-path one where
 * it applies and some run has two or more layers.
 *
 * The time limit bounds every phase: the feasibility checks, the incumbent search and the
 * Lagrangian bound (at most a quarter of the limit each), the pruning, the building of the GLPK
 * problem (at most MAX_COLUMNS columns) and GLPK itself (tm_lim and its callback). A phase that
 * runs out of time returns the heuristic incumbent (status FEASIBLE, gap from the best bound
 * proven) or, without one, status NO_SOLUTION; the message names the phase. Instances with more
 * than MAX_PAIRS (layer, server) pairs are refused.
 *
 * With Bits::ORIGINAL every layer keeps its original bits: the "uniform-bits" baseline (the
 * optimal placement without quantization).
 */
class LlmIlpSolver : public LlmPlacementSolver
{
  public:
    /**
     * Most columns (x and z variables, after pruning) handed to GLPK: a larger ILP is not
     * built, the incumbent is returned instead (status FEASIBLE, or NO_SOLUTION without one).
     */
    static constexpr std::size_t MAX_COLUMNS = 1000000;

    /// Which bit widths the layers may take.
    enum class Bits
    {
        ALLOWED, //!< Any δ-allowed width of 𝓑 (DILEMMA)
        ORIGINAL //!< The original bits only (no quantization)
    };

    /**
     * @brief Build the solver.
     * @param options time limit, gap, verbosity and reductions
     * @param bits the bit widths the layers may take
     */
    explicit LlmIlpSolver(const LlmSolverOptions& options = {}, Bits bits = Bits::ALLOWED);

    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override
    {
        return m_bits == Bits::ORIGINAL ? "uniform-bits" : "ilp";
    }

  private:
    LlmSolverOptions m_options; //!< Options
    Bits m_bits;                //!< Bit policy
};

} // namespace ns3

#endif // LLM_ILP_SOLVER_H

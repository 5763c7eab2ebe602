// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PLACEMENT_SOLVER_H
#define LLM_PLACEMENT_SOLVER_H

#include "llm-cost-model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Outcome of a placement solver.
 */
enum class LlmSolverStatus
{
    OPTIMAL,     //!< Proven optimal (within the requested relative MIP gap, 0 by default)
    FEASIBLE,    //!< A feasible plan; optimality not proven (time limit, gap, or a heuristic)
    INFEASIBLE,  //!< No placement satisfies the constraints (the message says which)
    NO_SOLUTION, //!< Time limit reached without a feasible plan
    RELAXED      //!< The solver solved a relaxation whose answer violates a constraint
};

/**
 * @brief Text of a status, as written in plan files.
 * @param s the status
 * @return "optimal", "feasible", "infeasible", "time-limit-no-solution" or "relaxation-violates"
 */
std::string ToString(LlmSolverStatus s);

/**
 * @ingroup edge-llm
 * @brief Options shared by the solvers (most matter to the GLPK ILP only).
 */
struct LlmSolverOptions
{
    double timeLimitSeconds{60};   //!< Wall-clock limit of the whole solve, s
    double relativeGap{0};         //!< Stop when (incumbent − bound)/incumbent ≤ this
    int verbosity{0};              //!< 0 silent, 1 summary, 2 GLPK's own progress output
    bool reduceBits{true};         //!< ILP: keep only each layer's smallest δ-allowed bit width
    bool lagrangianPruning{true};  //!< ILP: Lagrangian bound + incumbent, remove dominated vars
    bool heuristicIncumbent{true}; //!< ILP: hand the heuristic incumbent to GLPK
    bool glpkPresolve{false};      //!< ILP: GLPK's MIP presolver (needs heuristicIncumbent off)
};

/**
 * @ingroup edge-llm
 * @brief Statistics of a solve.
 */
struct LlmSolverStats
{
    double seconds{0};          //!< Wall-clock time of the whole solve, s
    double heuristicSeconds{0}; //!< Time in bounds, incumbent and pruning, s
    uint64_t nodes{0};          //!< Branch-and-bound nodes (GLPK), or DP states / search nodes
    uint64_t rows{0};           //!< ILP rows handed to GLPK
    uint64_t columns{0};        //!< ILP columns handed to GLPK
    uint64_t columnsBeforePruning{0}; //!< ILP columns before the bound-based pruning
    double lowerBound{0};             //!< Best proven lower bound on T, s
    double gap{0};                    //!< (objective − lowerBound) / objective
};

/**
 * @ingroup edge-llm
 * @brief A placement with its objective, status and statistics.
 */
struct LlmPlan
{
    std::string solver;                                   //!< Solver name
    LlmSolverStatus status{LlmSolverStatus::NO_SOLUTION}; //!< Outcome
    std::string message;                                  //!< Why infeasible, or notes
    LlmPlacement placement;                               //!< s_l and b_l per layer (if any)
    double objective{0};                                  //!< T (eq. 1), s
    double quantizationRatio{0};                          //!< Percent
    LlmSolverStats stats;                                 //!< Solve statistics

    /// @return true if the plan holds a placement satisfying every constraint
    bool HasPlacement() const
    {
        return status == LlmSolverStatus::OPTIMAL || status == LlmSolverStatus::FEASIBLE;
    }

    /**
     * @brief The plan file: {"objective_s", "quantization_ratio", "layers": [{"layer",
     *        "server", "bits", "compute_s", "transfer_s"}], "solver": {"name", "status",
     *        "seconds", ...}}.
     * @param model the cost model the plan was solved for
     * @return pretty-printed JSON text
     */
    std::string ToJson(const LlmCostModel& model) const;
};

/**
 * @ingroup edge-llm
 * @brief Base class of the placement solvers; LlmSolverFactory::Create() builds one by name.
 */
class LlmPlacementSolver
{
  public:
    virtual ~LlmPlacementSolver() = default;

    /**
     * @brief Solve a scenario.
     * @param model the cost model of the scenario
     * @return the plan; status INFEASIBLE with a reason if there is none
     */
    virtual LlmPlan Solve(const LlmCostModel& model) const = 0;

    /// @return the solver name
    virtual std::string GetName() const = 0;

    /**
     * @brief The smallest δ-allowed bit width of every layer (the only widths an optimal
     *        placement needs: every cost and the storage grow with b).
     * @param model the cost model
     * @return b*_l per layer, 0 for a layer with no allowed width
     */
    static std::vector<uint32_t> SmallestAllowedBits(const LlmCostModel& model);

    /**
     * @brief Explain why no placement exists with the given bit widths, from quick checks: no
     *        δ-allowed width, too few servers (2d), a layer that fits nowhere or too little total
     *        storage (2e), no chain of links (2f).
     * @param model the cost model
     * @param bits the bit width of each layer (0: none allowed)
     * @return the reason, or "" if the quick checks find none
     */
    static std::string ExplainInfeasible(const LlmCostModel& model,
                                         const std::vector<uint32_t>& bits);

  protected:
    /**
     * @brief Fill objective, ratio and status of a plan from its placement; checks constraints.
     * @param model the cost model
     * @param plan the plan to complete (placement set)
     * @param status the status to give a valid placement
     */
    static void Finish(const LlmCostModel& model, LlmPlan& plan, LlmSolverStatus status);
};

} // namespace ns3

#endif // LLM_PLACEMENT_SOLVER_H

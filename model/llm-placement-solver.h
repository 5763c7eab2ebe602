// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PLACEMENT_SOLVER_H
#define LLM_PLACEMENT_SOLVER_H

#include "llm-cost-model.h"

#include <chrono>
#include <cmath>
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
    NO_SOLUTION, //!< Time limit (or a size limit) reached without a feasible plan
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

    /// ILP: which GLPK formulation (LlmIlpSolver) solves the problem.
    enum class Formulation
    {
        AUTO,        //!< Server path where it applies and runs of identical layers exist
        LAYERED,     //!< The layered formulation (any constraint set)
        SERVER_PATH, //!< The server-path formulation where it applies (else layered)
    };

    Formulation formulation{Formulation::AUTO}; //!< ILP formulation
};

/**
 * @brief Text of a formulation, as --ilp-formulation takes it.
 * @param f the formulation
 * @return "auto", "layered" or "server-path"
 */
std::string ToString(LlmSolverOptions::Formulation f);

/**
 * @ingroup edge-llm
 * @brief The wall-clock deadline of a solve, checked by every phase of every solver.
 *
 * A phase that finds the deadline passed stops and hands back what it has: a feasible plan
 * found so far (status FEASIBLE, with its gap) or none (status NO_SOLUTION, with a message
 * naming the phase). A sub-deadline (Within) shares the start and ends no later than its
 * parent: it bounds one phase without extending the whole solve.
 */
class LlmSolverDeadline
{
  public:
    /// The clock of every solver
    using Clock = std::chrono::steady_clock;

    /**
     * @brief Start the clock now.
     * @param limitSeconds the time limit, s (+∞: none; ≤ 0 or NaN: already passed)
     */
    explicit LlmSolverDeadline(double limitSeconds);

    /**
     * @brief A deadline for one phase: the same start, ending at the earlier of this
     *        deadline and `seconds` from now.
     * @param seconds the phase's own budget, s
     * @return the phase's deadline
     */
    LlmSolverDeadline Within(double seconds) const;

    /// @return seconds since the start
    double Elapsed() const;

    /// @return seconds left (negative once passed)
    double Remaining() const;

    /// @return true once the deadline has passed
    bool Expired() const;

    /// @return the time limit of the whole solve, s
    double GetLimit() const { return m_limit; }

  private:
    Clock::time_point m_start; //!< Start of the solve
    double m_limit;            //!< Limit of the whole solve, s
    double m_end;              //!< Deadline, s after the start
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
    /// Best proven lower bound on T, s (NaN: none proven, as for the heuristic baselines)
    double lowerBound{NAN};
    /// (objective − lowerBound) / objective (NaN: optimality not proven, e.g. a heuristic)
    double gap{NAN};

    /// @return true if a bound proves the plan's gap (exact solvers)
    bool IsProven() const { return !std::isnan(gap); }
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
    /**
     * Largest L·N (layers × servers) the graph-based solvers (ilp, dp) accept: their per-(layer,
     * server) arrays (predecessors, prefix and suffix bounds) are bounded by it before any is
     * allocated. A larger instance gets status NO_SOLUTION with a message naming the limit.
     */
    static constexpr double MAX_PAIRS = 5e7;

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

    /**
     * @brief ExplainInfeasible() that stops once a deadline passes.
     * @param model the cost model
     * @param bits the bit width of each layer (0: none allowed)
     * @param deadline checked once per layer of the link check (2f); may be null
     * @return the reason, or "" if the quick checks find none or the deadline passed first
     *         (the caller checks the deadline)
     */
    static std::string ExplainInfeasible(const LlmCostModel& model,
                                         const std::vector<uint32_t>& bits,
                                         const LlmSolverDeadline* deadline);

    /**
     * @brief The refusal of an instance with more than MAX_PAIRS (layer, server) pairs.
     * @param model the cost model
     * @param solver the solver name, for the message
     * @return the message, or "" if the instance is within the limit
     */
    static std::string CheckPairLimit(const LlmCostModel& model, const std::string& solver);

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

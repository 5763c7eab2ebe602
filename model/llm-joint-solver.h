// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_JOINT_SOLVER_H
#define LLM_JOINT_SOLVER_H

#include "llm-joint-cost-model.h"
#include "llm-placement-solver.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief A joint placement of several models with its objective J, proven bound, gap, status
 *        and statistics.
 */
struct LlmJointPlan
{
    std::string solver;                                      //!< Solver name
    LlmJointObjective objectiveKind{LlmJointObjective::MAX}; //!< What J is
    LlmSolverStatus status{LlmSolverStatus::NO_SOLUTION};    //!< Outcome
    std::string message;                                     //!< Why infeasible, or notes
    std::vector<LlmPlan> models;          //!< Per model: placement, T_m (objective), ratio
    double objective{0};                  //!< J, s
    LlmSolverStats stats;                 //!< Time, nodes, rows, columns, lower bound, gap
    std::vector<LlmResourceLoad> busiest; //!< The busiest servers and links, busiest first

    /// @return true if the plan holds a joint placement satisfying every constraint
    bool HasPlacement() const
    {
        return status == LlmSolverStatus::OPTIMAL || status == LlmSolverStatus::FEASIBLE;
    }

    /// @return the placement of every model (empty placements without a plan)
    LlmJointPlacement GetPlacement() const;

    /**
     * @brief The joint plan file: {"objective": "max"|"sum", "objective_s", "lower_bound_s",
     *        "gap", "status", "message", "solver": {...}, "busiest": [{"resource", "kind",
     *        "busy_s"}], "models": [{"name", "time_s", "plan": <LlmPlan::ToJson>}]}.
     * @param model the joint cost model the plan was solved for
     * @return pretty-printed JSON text
     */
    std::string ToJson(const LlmJointCostModel& model) const;
};

/**
 * @ingroup edge-llm
 * @brief Base class of the joint placement solvers (several models on shared servers).
 */
class LlmJointSolver
{
  public:
    /// How many of the busiest resources a plan reports.
    static constexpr std::size_t BUSIEST = 5;

    virtual ~LlmJointSolver() = default;

    /**
     * @brief Build a joint solver by name.
     * @param name "joint-ilp" (exact, GLPK), "sequential" (heuristic, the ILP's warm start) or
     *        "joint-exhaustive" (tiny instances)
     * @param options time limit, gap, verbosity
     * @return the solver
     * @throws LlmInputError if the name is unknown
     */
    static std::unique_ptr<LlmJointSolver> Create(const std::string& name,
                                                  const LlmSolverOptions& options = {});

    /// @return the names Create() accepts
    static std::vector<std::string> Names();

    /**
     * @brief Solve a joint problem.
     * @param model the joint cost model (its objective says what J is)
     * @return the plan; status INFEASIBLE with a reason if there is none
     */
    virtual LlmJointPlan Solve(const LlmJointCostModel& model) const = 0;

    /// @return the solver name
    virtual std::string GetName() const = 0;

    /**
     * @brief Explain why no joint placement exists, from quick necessary conditions: a model
     *        infeasible alone (LlmPlacementSolver::ExplainInfeasible on its own scenario), the
     *        models' total storage at their smallest allowed bits above Σκ_i, and a Hall-type
     *        count of the layers of at least X bytes against the slots for them (each server
     *        at most K per model (2d) and ⌊κ_i / X⌋).
     * @param model the joint cost model
     * @param deadline checked by the per-model checks; may be null
     * @return the reason, or "" if the checks find none
     */
    static std::string ExplainInfeasible(const LlmJointCostModel& model,
                                         const LlmSolverDeadline* deadline);

    /**
     * @brief A lower bound on J from the models' cheapest compute: each T_m is at least
     *        Σ_l min_i NodeDelay(l, i, b*_l) over the servers where layer l fits.
     * @param model the joint cost model
     * @return seconds
     */
    static double CheapestBound(const LlmJointCostModel& model);

  protected:
    /**
     * @brief Fill the per-model plans, J and the busiest resources of a plan from a joint
     *        placement; a placement that breaks a constraint gets status RELAXED.
     * @param model the joint cost model
     * @param plan the plan (solver, message and statistics already set)
     * @param placement the joint placement
     * @param status the status to give a valid placement
     */
    static void Finish(const LlmJointCostModel& model,
                       LlmJointPlan& plan,
                       const LlmJointPlacement& placement,
                       LlmSolverStatus status);
};

} // namespace ns3

#endif // LLM_JOINT_SOLVER_H

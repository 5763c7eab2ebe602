// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_JOINT_SEQUENTIAL_SOLVER_H
#define LLM_JOINT_SEQUENTIAL_SOLVER_H

#include "llm-joint-solver.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Sequential DILEMMA, the joint problem's heuristic ("sequential"): the models one at a
 *        time, largest first (total storage at their smallest δ-allowed bits), each placed by
 *        the version-1 ILP (LlmIlpSolver: its incumbent search, Lagrangian bound and GLPK) on
 *        the storage the models before it left, minimizing its own T_m; the result is then
 *        evaluated under the joint objective J.
 *
 * Each model's solve gets an equal share of the time left. It proves no bound (lower bound and
 * gap NaN). It can fail where a joint placement exists (a model that finds no room in what
 * the larger ones left): status INFEASIBLE, the message says which model and that the joint
 * ILP may still place them. LlmJointIlpSolver hands its placement to GLPK as the incumbent.
 */
class LlmJointSequentialSolver : public LlmJointSolver
{
  public:
    /// What one sequential pass produced.
    struct Result
    {
        LlmJointPlacement placement; //!< One placement per model (empty if some model failed)
        std::vector<LlmPlan> plans;  //!< Each model's ILP plan, in model order (as solved)
        std::string why;             //!< Why it failed (empty on success)
        bool outOfTime{false};       //!< The deadline stopped it
    };

    /**
     * @brief Build the solver.
     * @param options the time limit (shared by the models' solves) and ILP options
     */
    explicit LlmJointSequentialSolver(const LlmSolverOptions& options = {});

    LlmJointPlan Solve(const LlmJointCostModel& model) const override;

    std::string GetName() const override { return "sequential"; }

    /**
     * @brief The models' order: largest total storage at the smallest allowed bits first
     *        (ties: scenario order).
     * @param model the joint cost model
     * @return model indices
     */
    static std::vector<std::size_t> Order(const LlmJointCostModel& model);

    /**
     * @brief One sequential pass within a deadline.
     * @param model the joint cost model
     * @param deadline the deadline of the pass
     * @param options ILP options (the time limit is replaced by each model's share)
     * @return the placements and plans
     */
    static Result Run(const LlmJointCostModel& model,
                      const LlmSolverDeadline& deadline,
                      const LlmSolverOptions& options);

  private:
    LlmSolverOptions m_options; //!< Options
};

} // namespace ns3

#endif // LLM_JOINT_SEQUENTIAL_SOLVER_H

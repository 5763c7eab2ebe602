// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_JOINT_ILP_SOLVER_H
#define LLM_JOINT_ILP_SOLVER_H

#include "llm-joint-solver.h"

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The reductions of the joint ILP, each exact and switchable (for tests and
 *        measurements).
 */
struct LlmJointReductions
{
    bool warmStart{true};  //!< Sequential DILEMMA's placement handed to GLPK as incumbent
    bool soloBounds{true}; //!< Each model's solo optimum (version-1 ILP) bounds T_m from below
    bool pruning{true};    //!< Leave out variables whose cheapest path exceeds the incumbent
};

/**
 * @ingroup edge-llm
 * @brief The joint placement of several models on shared servers as one integer linear
 *        program, solved by GLPK ("joint-ilp"; doc/edge-llm.rst, "Several LLMs on shared
 *        servers").
 *
 * Per model m, the layered formulation of version 1 (LlmLayeredIlp) at each layer's smallest
 * δ-allowed width b*_l (exact: every cost, busy time and storage grows with b): binary
 * x^m_{l,i}, flows z^m_{l,i,j} ∈ [0, 1]; (2c) one server per layer; (2d) at most K of its
 * layers per server; (2f) flow conservation over existing links. Shared: storage
 * Σ_m Σ_l (p_l·b/8 / κ_i) x^m_{l,i} ≤ 1 (in units of κ_i). Objective MAX: min Z with
 * Z ≥ T_m (each model), Z ≥ B_i (each server's compute), Z ≥ B_ij (each link's transfers);
 * SUM: min Σ_m C_m with C_m ≥ T_m and Σ_m C_m ≥ B_r for every resource r. T_m is the sum of
 * stage variables t^m_l ≥ (layer l's NodeDelay and transfer out), short rows that GLPK's LP
 * presolver handles faster than one row over all of the model's columns.
 *
 * Before GLPK: ExplainInfeasible's quick checks; each model's solo optimum (LlmIlpSolver on
 * its own scenario, a quarter of the time limit in all; identical models solved once) as the
 * lower bound of T_m (Z ≥ max_m, Σ_m C_m ≥ Σ_m); sequential DILEMMA (LlmJointSequentialSolver,
 * another quarter) as incumbent, which GLPK gets through glp_ios_heur_sol; pruning: a variable
 * of model m whose cheapest path through it (the unconstrained shortest path over layers ×
 * servers) exceeds the incumbent's J (SUM: J minus the other models' lower bounds) is left out.
 * Rows of busy times that cannot exceed the lower bound of Z are left out. GLPK then proves
 * optimality or stops at the time limit; the plan's lower bound is the larger of GLPK's best
 * bound and the solo bound, its gap (J − bound)/J.
 */
class LlmJointIlpSolver : public LlmJointSolver
{
  public:
    /**
     * @brief Build the solver.
     * @param options time limit, gap, verbosity
     * @param reductions the reductions before GLPK
     */
    explicit LlmJointIlpSolver(const LlmSolverOptions& options = {},
                               const LlmJointReductions& reductions = {});

    LlmJointPlan Solve(const LlmJointCostModel& model) const override;

    std::string GetName() const override { return "joint-ilp"; }

    /**
     * Time kept per constraint-matrix nonzero for GLPK's scaling and LP presolver, which its
     * time limit does not count (measured 5.8 µs on 2.5 million nonzeros of 8 models on 100
     * servers, two shared cores): GLPK's search ends this much before the deadline, and GLPK
     * is not started when less is left.
     */
    static constexpr double UNTIMED_SECONDS_PER_NONZERO = 8e-6;

  private:
    LlmSolverOptions m_options;      //!< Options
    LlmJointReductions m_reductions; //!< Reductions
};

} // namespace ns3

#endif // LLM_JOINT_ILP_SOLVER_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_BASELINE_SOLVERS_H
#define LLM_BASELINE_SOLVERS_H

#include "llm-placement-solver.h"

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Baseline "greedy": each layer, in order, on the fastest free server that fits.
 *
 * Layers take their smallest δ-allowed width. A server is free while it hosts fewer than
 * max_layers_per_server layers and has storage left; it must be reachable by a link from the
 * previous layer's server (or be that server, when 2d allows). Link speeds are ignored: the
 * baseline shows what placing by CPU clock alone costs. It may fail where a placement exists.
 */
class LlmGreedySolver : public LlmPlacementSolver
{
  public:
    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "greedy"; }
};

/**
 * @ingroup edge-llm
 * @brief Baseline "cloud-only": every layer on the cloud server (role "cloud").
 *
 * Layers take their smallest δ-allowed width; there are no transfers between layers. The
 * baseline ignores max_layers_per_server (2d) by design, it is the centralised reference, but
 * respects the cloud's storage (2e). Needs a server with role "cloud".
 */
class LlmCloudOnlySolver : public LlmPlacementSolver
{
  public:
    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "cloud-only"; }
};

/**
 * @ingroup edge-llm
 * @brief The one bit width of the baselines without quantization ("uniform-bits",
 *        "edgeshard"): the model's original bits when the bit set 𝓑 holds them (b_max = the
 *        original bits); when b_max is below them, the largest width of 𝓑 that every layer
 *        allows within δ (eq. 5-7), the same for every layer: the least quantization the
 *        scenario allows.
 * @param model the cost model
 * @param why set to the reason when there is no such width, else cleared
 * @return the width, or 0 if no width of 𝓑 is within δ for every layer
 */
uint32_t LlmUnquantizedBits(const LlmCostModel& model, std::string& why);

/**
 * @ingroup edge-llm
 * @brief Baseline "uniform-bits": the ILP with every layer at one width, the original bits
 *        (LlmUnquantizedBits()): the optimal placement without quantization, i.e. what
 *        DILEMMA's quantization buys.
 *
 * With b_max below the original bits, every layer takes the largest width of the bit set that
 * all layers allow within δ, and the plan's message says so. Solved by LlmIlpSolver.
 */
class LlmUniformBitsSolver : public LlmPlacementSolver
{
  public:
    /**
     * @brief Build the solver.
     * @param options the ILP's time limit, gap, verbosity and reductions
     */
    explicit LlmUniformBitsSolver(const LlmSolverOptions& options = {});

    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "uniform-bits"; }

  private:
    LlmSolverOptions m_options; //!< ILP options
};

/**
 * @ingroup edge-llm
 * @brief Baseline "edgeshard": an EdgeShard-style dynamic program over contiguous shards,
 *        without quantization.
 *
 * Every layer keeps its original bits (with b_max below them, the one width
 * LlmUnquantizedBits() gives, said in the plan's message). The DP (after Zhang et al., EdgeShard,
 * 2024) cuts the layer sequence into contiguous shards, each on one server, minimizing T: shard
 * length at most max_layers_per_server, summed shard storage within κ_i, consecutive shards on
 * linked servers. The DP state does not remember which servers earlier shards used; when the
 * optimum reuses a server for two non-adjacent shards, that server is barred from the later layers
 * and the DP runs again (a heuristic, at most N·L rounds).
 */
class LlmEdgeShardSolver : public LlmPlacementSolver
{
  public:
    /**
     * @brief Build the solver.
     * @param options its time limit bounds every round of the shard search
     */
    explicit LlmEdgeShardSolver(const LlmSolverOptions& options = {});

    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "edgeshard"; }

  private:
    LlmSolverOptions m_options; //!< Time limit
};

} // namespace ns3

#endif // LLM_BASELINE_SOLVERS_H

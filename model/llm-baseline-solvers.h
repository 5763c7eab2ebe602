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
 * @brief Baseline "edgeshard": an EdgeShard-style dynamic program over contiguous shards,
 *        without quantization.
 *
 * Every layer keeps its original bits. The DP (after Zhang et al., EdgeShard, 2024) cuts the
 * layer sequence into contiguous shards, each on one server, minimizing T: shard length at most
 * max_layers_per_server, summed shard storage within κ_i, consecutive shards on linked
 * servers. The DP state does not remember which servers earlier shards used; when the optimum
 * reuses a server for two non-adjacent shards, that server is barred from the later layers and
 * the DP runs again (a heuristic, at most N·L rounds).
 */
class LlmEdgeShardSolver : public LlmPlacementSolver
{
  public:
    LlmPlan Solve(const LlmCostModel& model) const override;

    std::string GetName() const override { return "edgeshard"; }
};

} // namespace ns3

#endif // LLM_BASELINE_SOLVERS_H

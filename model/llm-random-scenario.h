// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_RANDOM_SCENARIO_H
#define LLM_RANDOM_SCENARIO_H

#include "llm-scenario.h"

#include <cstdint>
#include <optional>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Seeded random DILEMMA instances, for cross-checks, benchmarks and sweeps.
 *
 * Draws from ns-3's MRG32k3a (RngStream(seed, stream, 0)), so an instance depends only on its
 * seed and stream, on every platform. Layers: params ∈ [1, 20] M, FLOPs per token = 2·params
 * ·[0.8, 1.2], output elements ∈ [256, 4096], R ∈ [0.05, 1]. Servers: CCS ∈ [1, 4] GHz.
 * Links: each ordered pair present with probability linkProbability, Ω ∈ [minBps, 10·minBps].
 * With repeatedBlocks the model is shaped like an LLM: the first and the last layer (embedding
 * and head) are drawn on their own, layers 1 … L−2 are one drawn block repeated (identical
 * decoder blocks).
 */
struct LlmRandomScenario
{
    uint32_t layers{8};                            //!< L
    uint32_t servers{10};                          //!< N
    std::optional<uint32_t> maxLayersPerServer{1}; //!< 2d (empty: unlimited)
    double linkProbability{1.0};                   //!< Probability of each directed link
    double minBps{1e8};                            //!< min Ω
    bool limitedStorage{false}; //!< κ_i ∈ [0.5, 2] × mean layer size at b_max
    bool repeatedBlocks{false}; //!< Layers 1 … L−2 identical (an LLM's decoder blocks)
    uint32_t bMin{4};           //!< b_min
    uint32_t bStep{2};          //!< b_step
    uint32_t bMax{16};          //!< b_max (also the original bits)
    double delta{1e-4};         //!< δ
    uint32_t tokens{16};        //!< n
    uint32_t batch{8};          //!< β

    /**
     * @brief Draw an instance.
     * @param seed RngStream seed
     * @param stream RngStream stream (one per instance)
     * @return a validated scenario
     */
    LlmScenario Draw(uint32_t seed, uint64_t stream) const;
};

} // namespace ns3

#endif // LLM_RANDOM_SCENARIO_H

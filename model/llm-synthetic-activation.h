// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SYNTHETIC_ACTIVATION_H
#define LLM_SYNTHETIC_ACTIVATION_H

#include "llm-tensor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief LLM-like activations X ∈ ℝ^{T×d} for the activation codec when no real dump is at hand.
 *
 * The shape follows what LLM.int8() (Dettmers et al., 2022) and SmoothQuant (Xiao et al.,
 * 2023) report for the hidden states of transformer LLMs: most channels are small and roughly
 * zero-mean, a few fixed channels carry systematic outliers 20-100× larger in nearly every
 * token. The generator [ours]:
 * - Ordinary channel c has a scale σ_c = exp(0.25·z_c); token t a gain g_t = exp(0.25·z_t)
 *   and a shape: Gaussian or Laplace (both of unit variance), with probability 1/2 each;
 *   x_tc = g_t·σ_c·e_tc with e_tc drawn from the token's shape.
 * - k outlier channels, drawn uniformly without replacement, each with a sign ±1 and a
 *   magnitude a_c = A·(0.2 + 0.8·u_c), u_c uniform in [0, 1) (A = outlierScale: 20-100× at the
 *   default A = 100); x_tc = ±a_c·(1 + 0.1·z_tc).
 * (z: standard normal draws.) Randomness is a std::mt19937_64 seeded with the seed, uniforms of
 * 53 bits ((r >> 11) + 0.5)·2^-53 and normals by Box–Muller, drawn in a fixed order (channel
 * scales, outlier channels, then token by token), so a seed gives the same tensor with every
 * standard library (up to the last bit of std::log, std::cos and std::exp).
 */
class LlmSyntheticActivation
{
  public:
    /// The generator's parameters.
    struct Params
    {
        std::size_t tokens{512};        //!< T
        std::size_t hidden{4096};       //!< d (Llama-2-7B's hidden size)
        std::size_t outlierChannels{8}; //!< k
        double outlierScale{100};       //!< A, the largest outlier magnitude (× σ)
        uint64_t seed{1};               //!< Seed of the generator
    };

    /**
     * @brief A generator with checked parameters.
     * @param params the parameters
     * @throws LlmInputError on T or d of 0, k > d, T·d above 2^31 or A outside (0, 10000]
     */
    explicit LlmSyntheticActivation(const Params& params);

    /**
     * @brief Draw the tensor (the same one at every call).
     * @return X, T×d
     */
    LlmTensor Generate() const;

    /**
     * @brief The outlier channels of the tensor.
     * @return the k columns, ascending
     */
    std::vector<std::size_t> GetOutlierChannels() const;

  private:
    Params m_params; //!< Parameters
};

} // namespace ns3

#endif // LLM_SYNTHETIC_ACTIVATION_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_COST_MODEL_H
#define LLM_COST_MODEL_H

#include "llm-scenario.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Where one layer runs and with how many bits: s_l and b_l (x_{i,l,b} = 1).
 */
struct LlmLayerAssignment
{
    std::size_t server{0}; //!< Index i of the hosting server in the scenario's servers
    uint32_t bits{0};      //!< b: bit width of the layer's weights (and of its output, eq. 4)

    /**
     * @brief Equality.
     * @param o the other assignment
     * @return true if server and bits are equal
     */
    bool operator==(const LlmLayerAssignment& o) const
    {
        return server == o.server && bits == o.bits;
    }
};

/// A placement: one assignment per layer, in layer order.
using LlmPlacement = std::vector<LlmLayerAssignment>;

/**
 * @ingroup edge-llm
 * @brief The DILEMMA cost model of a scenario (scenario contract, version 1).
 *
 * - Bit set 𝓑 = {b_min + k·b_step ≤ b_max} ∪ {b_max}.
 * - Weight error of layer l at b bits: weight_error[b] when measured, else 2·R_l / 4^b
 *   (truncation step 2R/2^b, normalized by 2^b as in the paper); 0 at b = original bits.
 *   b is allowed for l iff the error is at most δ (eq. 5-7).
 * - Compute delay cp(l,i,b) = n · FLOPS_l · β / CCS_i · b / original_bits (eq. 3).
 * - Transfer delay cm(l,i,j,b) = n · β · e_l · b / Ω_ij, 0 when i = j (eq. 4).
 * - Storage of l at b bits: p_l · b / 8 bytes (2e, summed per server).
 * - T = Σ_l cp(l, s_l, b_l) + Σ_{l<L} cm(l, s_l, s_{l+1}, b_l) (eq. 1).
 *
 * Pure computation: no simulator, no allocation on the per-cost queries.
 */
class LlmCostModel
{
  public:
    /// Value returned for impossible transfers (no link i → j).
    static constexpr double INFEASIBLE = std::numeric_limits<double>::infinity();

    /**
     * @brief Precompute the bit set, allowed bits and the link matrix of a scenario.
     * @param scenario a validated scenario (kept by reference: it must outlive the model)
     */
    explicit LlmCostModel(const LlmScenario& scenario);

    /// The model keeps a reference to its scenario: a temporary would dangle.
    explicit LlmCostModel(LlmScenario&&) = delete;

    /// @return the scenario
    const LlmScenario& GetScenario() const;
    /// @return the number of layers L
    std::size_t GetNLayers() const;
    /// @return the number of servers |𝓜|
    std::size_t GetNServers() const;

    /**
     * @brief The bit set 𝓑, ascending.
     * @param q the quantization settings
     * @return {b_min + k·b_step ≤ b_max} ∪ {b_max}
     */
    static std::vector<uint32_t> MakeBitSet(const LlmQuantization& q);

    /// @return the bit set 𝓑 of the scenario, ascending
    const std::vector<uint32_t>& GetBitSet() const;

    /**
     * @brief Analytic normalized truncation error bound for weights in [−R, R].
     * @param weightMaxAbs R
     * @param bits b
     * @return 2·R / 4^b
     */
    static double AnalyticWeightError(double weightMaxAbs, uint32_t bits);

    /**
     * @brief Weight error of layer l at b bits (eq. 5).
     * @param l layer index
     * @param bits b
     * @return the measured error if tabulated, else the analytic bound, 0 at original bits;
     *         +∞ if neither a table entry nor weight_max_abs is available
     */
    double WeightError(std::size_t l, uint32_t bits) const;

    /**
     * @brief Whether b bits satisfy the weight-error budget δ for layer l (eq. 6-7).
     * @param l layer index
     * @param bits b
     * @return true if WeightError(l, b) ≤ δ
     */
    bool IsAllowed(std::size_t l, uint32_t bits) const;

    /**
     * @brief The δ-allowed bit widths of layer l, ascending.
     * @param l layer index
     * @return the allowed subset of 𝓑 (may be empty)
     */
    const std::vector<uint32_t>& GetAllowedBits(std::size_t l) const;

    /**
     * @brief Compute delay cp(l, i, b) (eq. 3).
     * @param l layer index
     * @param i server index
     * @param bits b
     * @return n · FLOPS_l · β / CCS_i · b / original_bits, seconds
     */
    double ComputeDelay(std::size_t l, std::size_t i, uint32_t bits) const;

    /**
     * @brief Transfer delay cm(l, i, j, b) of layer l's output (eq. 4).
     * @param l layer index
     * @param i server of layer l
     * @param j server of layer l+1
     * @param bits b (the activation carries the layer's bits)
     * @return n · β · e_l · b / Ω_ij seconds; 0 if i = j; INFEASIBLE if there is no link
     */
    double TransferDelay(std::size_t l, std::size_t i, std::size_t j, uint32_t bits) const;

    /**
     * @brief The user's access path charged to layer l on server i (ours; 0 without a scenario
     *        user, see LlmUser): for the first layer the input leg, user → the user's server u
     *        → i, for the last layer the result leg, i → u → user (both for a one-layer model).
     *        A leg carries n · β · 32 bits (token ids) over the access link and, when i ≠ u,
     *        over Ω_ui (or Ω_iu), each hop adding n times its propagation delay.
     * @param l layer index
     * @param i server of layer l
     * @return seconds; 0 for the layers between; INFEASIBLE if the leg has no link
     */
    double AccessDelay(std::size_t l, std::size_t i) const;

    /**
     * @brief What the solvers charge for hosting layer l on server i at b bits: the compute
     *        delay and, for the first and last layers, the user's access path.
     * @param l layer index
     * @param i server
     * @param bits b
     * @return ComputeDelay(l, i, bits) + AccessDelay(l, i), seconds
     */
    double NodeDelay(std::size_t l, std::size_t i, uint32_t bits) const
    {
        return ComputeDelay(l, i, bits) + AccessDelay(l, i);
    }

    /**
     * @brief The access path of a placement.
     * @param placement one assignment per layer
     * @return AccessDelay of its first and last layers, seconds (0 without a scenario user)
     */
    double AccessDelay(const LlmPlacement& placement) const;

    /**
     * @brief Bits of layer l's output for the whole workload: n · β · e_l · b.
     * @param l layer index
     * @param bits b
     * @return bits sent between the servers of l and l+1 over the n tokens
     */
    double OutputBits(std::size_t l, uint32_t bits) const;

    /**
     * @brief Storage of layer l at b bits (2e).
     * @param l layer index
     * @param bits b
     * @return p_l · b / 8, bytes
     */
    double StorageBytes(std::size_t l, uint32_t bits) const;

    /**
     * @brief Link capacity Ω_ij.
     * @param i from server
     * @param j to server
     * @return bit/s, 0 if there is no link
     */
    double LinkBps(std::size_t i, std::size_t j) const;

    /**
     * @brief Storage capacity κ_i.
     * @param i server index
     * @return bytes, +∞ if unlimited
     */
    double StorageCapacity(std::size_t i) const;

    /**
     * @brief Completion time T of a placement (eq. 1), plus AccessDelay() when the scenario
     *        has a user.
     * @param placement one assignment per layer
     * @return seconds; INFEASIBLE if a consecutive pair has no link
     */
    double Objective(const LlmPlacement& placement) const;

    /**
     * @brief Quantization ratio 100 · Σ p_l b_l / Σ p_l · original_bits.
     * @param placement one assignment per layer
     * @return percent
     */
    double QuantizationRatio(const LlmPlacement& placement) const;

    /**
     * @brief Check a placement against every constraint of the contract.
     * @param placement one assignment per layer
     * @return empty if feasible, else the first violated constraint with layer/server names
     */
    std::string CheckPlacement(const LlmPlacement& placement) const;

  private:
    const LlmScenario& m_scenario;                    //!< The instance
    std::vector<uint32_t> m_bitSet;                   //!< 𝓑, ascending
    std::vector<std::vector<uint32_t>> m_allowedBits; //!< δ-allowed bits per layer
    std::vector<double> m_bps;                        //!< Ω_ij, row-major N×N (0: no link)
    double m_workScale{0};                            //!< n · β
    std::vector<double> m_accessIn;  //!< Per server i: the input leg user → u → i, s
    std::vector<double> m_accessOut; //!< Per server i: the result leg i → u → user, s
};

} // namespace ns3

#endif // LLM_COST_MODEL_H

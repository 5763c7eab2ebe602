// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_MEMORY_H
#define LLM_SPLIT_MEMORY_H

#include "llm-profile.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The memory model of adaptive split computing (Sung et al., arXiv 2511.04002; doc
 *        /edge-llm.rst, "Adaptive split computing: memory and the unified optimizer"): the
 *        weights of a one-point mixed-precision model (OPSC), the KV cache and the device's
 *        memory for a split point, with the longest context the device admits.
 *
 * Layers are indexed as in the profile: i = 0 is the embedding, i = 1 ... L the decoder blocks,
 * i = L + 1 the head. The split ℓ ∈ [0, L] is the number of decoder blocks on the device; the
 * device also holds the embedding, the cloud the head [ours].
 *
 * - [ours] B_w(i; Q) = ⌈p_i·Q/8⌉ bytes, plus ⌈p_i/g⌉·(16 + 16)/8 bytes of per-group fp16 scale
 *   and zero point when a group size g > 0 is given and Q < 16 (16 bits and more are float
 *   formats without scales).
 * - [paper] M(ℓ_w, Q_w1, Q_w2) = Σ_{i≤ℓ_w} B_w(i; Q_w1) + Σ_{j>ℓ_w} B_w(j; Q_w2), the whole
 *   model's weight memory with the precision changing at one point ℓ_w (by default ℓ_w = ℓ).
 * - [ours] KV cache per token and decoder block: 2·H_kv·D·Q_kv bits (K and V); the device holds
 *   that of its ℓ blocks: ⌈N·ℓ·2·H_kv·D·Q_kv/8⌉ bytes for a context of N tokens.
 * - [paper] B_kv(w, ℓ; Q_a) = 2 Σ_{k≤ℓ} T_w Q_{a,k} + 2 Σ_{k>ℓ} T_{w−1} Q_{a,k} + H·D·Q_{a,ℓ}
 *   bits with [ours] T_w = w·H_kv·D.
 * - [ours] M_dev = B_w(embedding; Q_w1) + Σ_{i=1..ℓ} B_w(i; Q_w1) + KV + B_act + B_rt with the
 *   activation buffer B_act = P·d·2 bytes (the fp16 hidden state of a P-token prompt) and a
 *   runtime reserve B_rt.
 *
 * Pure arithmetic on 64-bit integers (saturating at 2^64 − 1), no simulator.
 */
class LlmSplitMemory
{
  public:
    /// The device's memory at one setting, bytes.
    struct Breakdown
    {
        uint64_t weightBytes{0};     //!< Embedding + ℓ blocks (B_w, front precision)
        uint64_t kvBytes{0};         //!< KV cache of the ℓ blocks for N tokens
        uint64_t activationBytes{0}; //!< B_act = P·d·2
        uint64_t reserveBytes{0};    //!< B_rt, the runtime reserve
        uint64_t totalBytes{0};      //!< M_dev, the sum (saturating)
    };

    /// Per-group scale and zero point of a quantized layer: two fp16 values, bits.
    static constexpr uint32_t GROUP_OVERHEAD_BITS = 16 + 16;
    /// Bytes of one element of the activation buffer (fp16).
    static constexpr uint32_t ACTIVATION_BYTES_PER_ELEMENT = 2;
    /// Widths from which a weight is stored as a float without group scales.
    static constexpr uint32_t FLOAT_BITS = 16;
    /// Largest width accepted for weights and the KV cache.
    static constexpr uint32_t MAX_BITS = 32;

    /**
     * @brief The memory model of an architecture, with its profile built from it.
     * @param arch the architecture (numLayers ≥ 1, d, H, H_kv and D positive)
     * @param groupSize g, weights per quantization group (0: no group overhead)
     * @throws LlmInputError on an architecture the model cannot use
     */
    explicit LlmSplitMemory(const LlmArchitecture& arch, uint64_t groupSize = 0);

    /**
     * @brief The memory model of an architecture with a given profile.
     * @param arch the architecture (head and context fields)
     * @param profile its layers: embedding, arch.numLayers blocks, head
     * @param groupSize g (0: no group overhead)
     * @throws LlmInputError on an architecture the model cannot use, or a profile whose layer
     *         count is not numLayers + 2
     */
    LlmSplitMemory(const LlmArchitecture& arch, const LlmProfile& profile, uint64_t groupSize = 0);

    /// @return the architecture
    const LlmArchitecture& GetArchitecture() const;
    /// @return the profile
    const LlmProfile& GetProfile() const;
    /// @return L, the decoder blocks
    uint32_t GetNumBlocks() const;
    /// @return g (0: no group overhead)
    uint64_t GetGroupSize() const;

    /**
     * @brief B_w for a parameter count [ours].
     * @param params p
     * @param bits Q (1 ... 32)
     * @param groupSize g (0: none)
     * @return ⌈p·Q/8⌉ + (g > 0 and Q < 16 ? ⌈p/g⌉·4 : 0) bytes
     * @throws LlmInputError on Q outside 1 ... 32
     */
    static uint64_t WeightBytes(uint64_t params, uint32_t bits, uint64_t groupSize);

    /**
     * @brief B_w(i; Q), the weight memory of one layer.
     * @param layer i (0: embedding, 1 ... L: blocks, L + 1: head)
     * @param bits Q (1 ... 32)
     * @return bytes
     * @throws LlmInputError on a layer or width out of range
     */
    uint64_t LayerWeightBytes(std::size_t layer, uint32_t bits) const;

    /**
     * @brief M(ℓ_w, Q_w1, Q_w2), the weights of the whole one-point mixed-precision model
     *        (OPSC) [paper].
     * @param precisionPoint ℓ_w ∈ [0, L]: layers i ≤ ℓ_w (the embedding and blocks 1 ... ℓ_w)
     *        at Q_w1, the others (head included) at Q_w2
     * @param frontBits Q_w1
     * @param backBits Q_w2
     * @return bytes
     * @throws LlmInputError on ℓ_w > L or a width out of range
     */
    uint64_t ModelWeightBytes(uint32_t precisionPoint, uint32_t frontBits, uint32_t backBits) const;

    /**
     * @brief Weights on the device: the embedding and ℓ blocks, all at Q_w1 (ℓ_w = ℓ).
     * @param split ℓ ∈ [0, L]
     * @param frontBits Q_w1
     * @return bytes
     * @throws LlmInputError on ℓ > L or a width out of range
     */
    uint64_t DeviceWeightBytes(uint32_t split, uint32_t frontBits) const;

    /**
     * @brief Weights on the device when the precision point differs from the split: layer
     *        i ≤ ℓ at Q_w1 if i ≤ ℓ_w, else at Q_w2.
     * @param split ℓ ∈ [0, L]
     * @param precisionPoint ℓ_w ∈ [0, L]
     * @param frontBits Q_w1
     * @param backBits Q_w2
     * @return bytes
     * @throws LlmInputError on ℓ or ℓ_w > L or a width out of range
     */
    uint64_t DeviceWeightBytes(uint32_t split,
                               uint32_t precisionPoint,
                               uint32_t frontBits,
                               uint32_t backBits) const;

    /**
     * @brief KV cache growth per token and decoder block [ours].
     * @param kvBits Q_kv (1 ... 32)
     * @return 2·H_kv·D·Q_kv bits
     * @throws LlmInputError on a width out of range
     */
    uint64_t KvBitsPerTokenPerLayer(uint32_t kvBits) const;

    /**
     * @brief KV cache growth per token and decoder block, bytes.
     * @param kvBits Q_kv
     * @return 2·H_kv·D·Q_kv/8 (rounded up; exact for Q_kv a multiple of 4 with H_kv·D even)
     */
    uint64_t KvBytesPerTokenPerLayer(uint32_t kvBits) const;

    /**
     * @brief The device's KV cache.
     * @param split ℓ ∈ [0, L]
     * @param kvBits Q_kv
     * @param context N, tokens
     * @return ⌈N·ℓ·2·H_kv·D·Q_kv/8⌉ bytes (saturating)
     * @throws LlmInputError on ℓ > L or a width out of range
     */
    uint64_t KvCacheBytes(uint32_t split, uint32_t kvBits, uint64_t context) const;

    /**
     * @brief The paper's KV memory while token w is at layer ℓ [paper], with T_w = w·H_kv·D
     *        elements [ours].
     * @param token w ≥ 1
     * @param layer ℓ ∈ [1, L]
     * @param bitsPerLayer Q_{a,k} for k = 1 ... L (L entries)
     * @return 2 Σ_{k≤ℓ} T_w Q_{a,k} + 2 Σ_{k>ℓ} T_{w−1} Q_{a,k} + H·D·Q_{a,ℓ} bits
     * @throws LlmInputError on w = 0, ℓ outside [1, L] or a vector not of L entries
     */
    uint64_t PaperKvBits(uint64_t token,
                         uint32_t layer,
                         const std::vector<uint32_t>& bitsPerLayer) const;

    /**
     * @brief B_act, the activation buffer of the prefill.
     * @param promptTokens P
     * @return P·d·2 bytes
     */
    uint64_t ActivationBufferBytes(uint64_t promptTokens) const;

    /**
     * @brief M_dev and its parts [ours].
     * @param split ℓ ∈ [0, L]
     * @param frontBits Q_w1
     * @param kvBits Q_kv
     * @param context N, tokens
     * @param promptTokens P
     * @param reserveBytes B_rt
     * @return the breakdown
     * @throws LlmInputError on ℓ > L or a width out of range
     */
    Breakdown DeviceMemory(uint32_t split,
                           uint32_t frontBits,
                           uint32_t kvBits,
                           uint64_t context,
                           uint64_t promptTokens,
                           uint64_t reserveBytes) const;

    /**
     * @brief N_max, the longest context the device admits, in closed form: the largest N with
     *        M_dev(N) ≤ M_max, N ≤ the model's context limit (maxContext; 0: no limit).
     *
     * With S = weights + B_act + B_rt and c = ℓ·2·H_kv·D·Q_kv bits per token,
     * N_max = min(maxContext, ⌊8·(M_max − S)/c⌋) (exact: ⌈N·c/8⌉ ≤ M_max − S ⇔ N·c ≤ 8·(M_max −
     * S)); with ℓ = 0 the device holds no cache and N_max is the context limit.
     * @param split ℓ
     * @param frontBits Q_w1
     * @param kvBits Q_kv
     * @param promptTokens P
     * @param reserveBytes B_rt
     * @param budgetBytes M_max
     * @return N_max; nullopt when S alone exceeds M_max (no context fits, not even N = 0);
     *         UINT64_MAX for ℓ = 0 without a context limit
     * @throws LlmInputError on ℓ > L or a width out of range
     */
    std::optional<uint64_t> MaxContext(uint32_t split,
                                       uint32_t frontBits,
                                       uint32_t kvBits,
                                       uint64_t promptTokens,
                                       uint64_t reserveBytes,
                                       uint64_t budgetBytes) const;

  private:
    /**
     * @brief Check the architecture and the profile.
     * @throws LlmInputError naming the field
     */
    void Check() const;

    /**
     * @brief Check a split or precision point.
     * @param value ℓ or ℓ_w
     * @param field the argument's name, for the message
     */
    void CheckSplit(uint32_t value, const char* field) const;

    LlmArchitecture m_arch; //!< The architecture (H, H_kv, D, d, context limit)
    LlmProfile m_profile;   //!< Its layers (p_i)
    uint64_t m_groupSize;   //!< g, weights per group (0: none)
};

} // namespace ns3

#endif // LLM_SPLIT_MEMORY_H

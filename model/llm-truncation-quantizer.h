// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_TRUNCATION_QUANTIZER_H
#define LLM_TRUNCATION_QUANTIZER_H

#include <cstdint>
#include <map>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Truncation quantization of a layer's weights to b bits (the DILEMMA paper's choice).
 *
 * The range [−R, R], R = max |w|, is cut into 2^b equal steps Δ = 2R / 2^b; a weight maps to
 * the lower edge of its step, q(w) = −R + ⌊(w + R)/Δ⌋·Δ (the top edge w = R maps to the last
 * level R − Δ). Truncation (no rounding) errs by less than one step, max |w − q(w)| ≤ Δ,
 * attained at w = R. The paper compares the error with δ after dividing it by 2^b (eq. 5-7 and
 * "we divide the value of w^o − w^s by 2^b"), so the analytic normalized bound is 2R / 4^b,
 * the bound LlmCostModel uses when only weight_max_abs is known.
 */
class LlmTruncationQuantizer
{
  public:
    /**
     * @brief Quantize with an explicit range.
     * @param weights the weights w
     * @param bits b (1..32)
     * @param range R, the half-width of the quantization range (weights beyond it are clipped)
     * @return q(w) for every weight
     */
    static std::vector<double> Quantize(const std::vector<double>& weights,
                                        uint32_t bits,
                                        double range);

    /**
     * @brief Quantize with R = max |w| of the weights.
     * @param weights the weights w
     * @param bits b (1..32)
     * @return q(w) for every weight
     */
    static std::vector<double> Quantize(const std::vector<double>& weights, uint32_t bits);

    /**
     * @brief R = max |w|.
     * @param weights the weights
     * @return the largest absolute weight (0 if empty)
     */
    static double MaxAbs(const std::vector<double>& weights);

    /**
     * @brief Measured max |w − q(w)| at b bits, R = max |w|.
     * @param weights the weights
     * @param bits b
     * @return the largest absolute quantization error
     */
    static double MaxAbsError(const std::vector<double>& weights, uint32_t bits);

    /**
     * @brief Measured error normalized as the paper does: max |w − q(w)| / 2^b.
     * @param weights the weights
     * @param bits b
     * @return the value compared with δ (eq. 5)
     */
    static double NormalizedError(const std::vector<double>& weights, uint32_t bits);

    /**
     * @brief Analytic normalized bound used when only R is known.
     * @param range R
     * @param bits b
     * @return 2R / 4^b
     */
    static double AnalyticNormalizedBound(double range, uint32_t bits);

    /**
     * @brief A per-bit error table for a scenario's `weight_error` field.
     * @param weights the layer's real weights
     * @param bitSet the bit widths to measure
     * @param originalBits bits of the original weights (error 0 there)
     * @return NormalizedError(weights, b) for each b
     */
    static std::map<uint32_t, double> MeasureErrorTable(const std::vector<double>& weights,
                                                        const std::vector<uint32_t>& bitSet,
                                                        uint32_t originalBits);
};

} // namespace ns3

#endif // LLM_TRUNCATION_QUANTIZER_H

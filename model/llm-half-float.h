// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_HALF_FLOAT_H
#define LLM_HALF_FLOAT_H

#include <cstdint>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Conversions between float (IEEE 754 binary32) and the 16-bit formats LLM tensors
 *        use: IEEE 754 binary16 ("fp16", 1 sign, 5 exponent, 10 fraction bits) and bfloat16
 *        ("bf16", the top 16 bits of a binary32).
 *
 * Written with integer operations only, so the results are the same on every platform and
 * compiler (no reliance on `_Float16` or F16C instructions):
 * - float → fp16 rounds to nearest, ties to even, including into and out of the subnormal
 *   range (smallest subnormal 2^-24 ≈ 5.96e-8, smallest normal 2^-14); magnitudes from 65520
 *   (the midpoint between 65504, the largest finite fp16, and 2^16) round to infinity; a NaN
 *   stays a quiet NaN of the same sign (payload truncated).
 * - fp16 → float and bf16 → float are exact.
 * - float → bf16 rounds to nearest, ties to even; a NaN stays a quiet NaN.
 */
class LlmHalfFloat
{
  public:
    LlmHalfFloat() = delete;

    /// The largest finite fp16 value.
    static constexpr float MAX = 65504.0F;

    /**
     * @brief float → fp16, round to nearest, ties to even.
     * @param value the float
     * @return the fp16 bit pattern
     */
    static uint16_t FromFloat(float value);

    /**
     * @brief The smallest fp16 value ≥ a non-negative real (rounding up).
     * @param value a finite real ≥ 0
     * @return the fp16 bit pattern (infinity, 0x7C00, when value > 65504)
     */
    static uint16_t FromDoubleUp(double value);

    /**
     * @brief The largest fp16 value ≤ a real (rounding down).
     * @param value a finite real
     * @return the fp16 bit pattern (−infinity, 0xFC00, when value < −65504)
     */
    static uint16_t FromFloatDown(float value);

    /**
     * @brief fp16 → float (exact).
     * @param half the fp16 bit pattern
     * @return the float
     */
    static float ToFloat(uint16_t half);

    /**
     * @brief Round a float to the nearest fp16 value and back.
     * @param value the float
     * @return ToFloat(FromFloat(value))
     */
    static float Round(float value);

    /**
     * @brief bf16 → float (exact).
     * @param bf16 the bfloat16 bit pattern
     * @return the float
     */
    static float FromBfloat16(uint16_t bf16);

    /**
     * @brief float → bf16, round to nearest, ties to even.
     * @param value the float
     * @return the bfloat16 bit pattern
     */
    static uint16_t ToBfloat16(float value);
};

} // namespace ns3

#endif // LLM_HALF_FLOAT_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_UNIFORM_QUANTIZER_H
#define LLM_UNIFORM_QUANTIZER_H

#include "llm-tensor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The baseline of the activation codec: uniform per-tensor symmetric (absmax)
 *        quantization to b bits (int8, int4), with no outlier handling — the activation side of
 *        a SmoothQuant-style W8A8 pipeline without its smoothing step.
 *
 * S = max |X| / (2^(b−1) − 1) (one fp32 scale for the tensor), q = clamp(round(x/S), −Q, Q)
 * with Q = 2^(b−1) − 1, x̂ = q·S, so |x − x̂| ≤ S/2 (+ float rounding). One outlier channel
 * sets S for every element: that is what TS + TAB-Q (LlmActivationCodec) avoids.
 *
 * Byte layout (little-endian), HEADER_BYTES + ⌈PayloadBits/8⌉ bytes:
 * | bytes          | content                                                        |
 * |----------------|----------------------------------------------------------------|
 * | 12 (header)    | u8 format version (1), u8 b, u16 0, u32 T, u32 d                |
 * | 4              | fp32 S                                                         |
 * | ⌈T·d·b / 8⌉    | codes q + Q (offset binary, b bits each), row-major, LSB first  |
 *
 * PayloadBits = T·d·b + 32.
 */
class LlmUniformQuantizer
{
  public:
    static constexpr std::size_t HEADER_BYTES = 12; //!< Fixed header, not payload

    /**
     * @brief A quantizer to b bits.
     * @param bits b, 2 ... 16 (8: int8, 4: int4)
     * @throws LlmInputError on another width
     */
    explicit LlmUniformQuantizer(uint32_t bits);

    /// @return b
    uint32_t GetBits() const;

    /**
     * @brief Encode.
     * @param x the T×d tensor (finite values)
     * @return the bytes
     * @throws LlmInputError on a non-finite value or a shape whose sizes do not fit the header
     */
    std::vector<uint8_t> Encode(const LlmTensor& x) const;

    /**
     * @brief Decode from the bytes alone.
     * @param bytes an encoding
     * @return X̂
     * @throws LlmInputError ("uniform payload") on bytes that are not a valid encoding
     */
    static LlmTensor Decode(const std::vector<uint8_t>& bytes);

    /**
     * @brief Payload bits.
     * @param tokens T
     * @param hidden d
     * @param bits b
     * @return T·d·b + 32
     */
    static uint64_t PayloadBits(std::size_t tokens, std::size_t hidden, uint32_t bits);

  private:
    uint32_t m_bits; //!< b
};

} // namespace ns3

#endif // LLM_UNIFORM_QUANTIZER_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_ACTIVATION_CODEC_H
#define LLM_ACTIVATION_CODEC_H

#include "llm-tensor.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief TS + TAB-Q: threshold splitting and token-wise adaptive bit quantization of the
 *        activation X ∈ ℝ^{T×d} that the device sends to the cloud in adaptive split computing
 *        (Sung et al., arXiv 2511.04002; doc/edge-llm.rst, "Activation codec").
 *
 * - **TS** [paper]: the outliers O = {(t, c) : |x_tc| > τ} are kept intact [ours: as fp16 with a
 *   16-bit column index, CSR per token]; τ is given, or the (1 − ρ) quantile of |X| for an
 *   outlier ratio ρ, or κ·σ with σ the standard deviation of X.
 * - **TAB-Q** [paper] per token t over its inliers [ours: the formulas]: zero point m_t (the
 *   inliers' minimum, rounded down to fp16), scale s_t = (M_t − m_t)/(2^b_t − 1) rounded up to
 *   fp16 (M_t the maximum), q = round((x − m_t)/s_t) ∈ [0, 2^b_t − 1], x̂ = m_t + q·s_t.
 *   b_t is fixed, or the smallest width of a bit set whose inlier error
 *   ‖x_t − x̂_t‖²/‖x_t‖² is at most ε (else the largest).
 *
 * Guarantee: every inlier decodes with |x − x̂| ≤ s_t/2 + 2^-23·|x̂|, s_t the transmitted
 * (fp16) scale: rounding m_t down and s_t up keeps [m_t, M_t] inside the 2^b_t levels, so the
 * rounding to the nearest level errs by at most s_t/2; the second term bounds the decoder's one
 * rounding of m_t + q·s_t to float (computed exactly in double, then rounded: 2^-24·|x̂|) and the
 * encoder's double-precision division (relative 2^-52), with margin. Outliers decode to
 * exactly fp16(x). A token whose inliers are all equal to an fp16 value (or that has none) gets
 * s_t = 0 and all codes 0.
 *
 * Byte layout (all little-endian), HEADER_BYTES + ⌈PayloadBits/8⌉ bytes in all:
 * | bytes            | content                                                          |
 * |------------------|------------------------------------------------------------------|
 * | 8 (header)       | u8 format version (1), u8 0, u16 d, u32 T                         |
 * | 7 per token      | u8 b_t, fp16 s_t, fp16 m_t, u16 n_t (outliers of the token)       |
 * | 4 per outlier    | u16 column, fp16 value; token after token, columns ascending      |
 * | ⌈Σ d·b_t / 8⌉    | codes: d codes of b_t bits per token (outlier slots carry 0),      |
 * |                  | one bit stream LSB first, token after token, zero-padded           |
 *
 * so PayloadBits = Σ_t d·b_t + 32·|O| + 56·T (the 56 metadata bits: 8-bit width code, fp16
 * scale, fp16 zero point, 16-bit outlier count) and, with no outliers and one width b,
 * T·(d·b + 56). The header is not payload: it stands for the message header that carries T
 * and d anyway.
 *
 * Limits: d ≤ 65535 (a 16-bit column index and a 16-bit outlier count per token), T < 2^32,
 * every element finite with |x| ≤ 65504 (fp16's range: outliers and zero points are fp16);
 * widths 2 ... 16 bits. Anything else throws LlmInputError.
 */
class LlmActivationCodec
{
  public:
    /// How τ is chosen.
    enum class ThresholdMode
    {
        NONE,     //!< τ = +∞: no outliers (TAB-Q alone)
        ABSOLUTE, //!< τ = thresholdValue
        RATIO,    //!< τ = the (1 − ρ) quantile of |X|, ρ = thresholdValue ∈ [0, 1]
        SIGMA     //!< τ = κ·σ, κ = thresholdValue, σ the standard deviation of X
    };

    /// The codec's settings.
    struct Settings
    {
        ThresholdMode threshold{ThresholdMode::NONE}; //!< How τ is chosen
        double thresholdValue{0};                     //!< τ, ρ or κ (see ThresholdMode)
        std::vector<uint32_t> bitSet{2, 3, 4, 6, 8};  //!< Widths the ε rule chooses from
        uint32_t fixedBits{0};                        //!< b for every token; 0: by ε
        double epsilon{0.01};                         //!< ε, the per-token error budget
    };

    /// What an encoded activation holds, read from its header and metadata.
    struct Summary
    {
        std::size_t tokens{0};          //!< T
        std::size_t hidden{0};          //!< d
        std::vector<uint8_t> bits;      //!< b_t per token
        std::vector<float> scales;      //!< s_t per token (the fp16 value sent)
        std::vector<float> zeros;       //!< m_t per token (the fp16 value sent)
        std::vector<uint16_t> outliers; //!< n_t, outliers per token
        uint64_t outlierTotal{0};       //!< |O|
        uint64_t payloadBits{0};        //!< Σ d·b_t + 32·|O| + 56·T
    };

    static constexpr std::size_t HEADER_BYTES = 8;   //!< Fixed header, not payload
    static constexpr std::size_t MAX_HIDDEN = 65535; //!< Largest d
    static constexpr uint32_t MIN_BITS = 2;          //!< Smallest width
    static constexpr uint32_t MAX_BITS = 16;         //!< Largest width
    static constexpr uint32_t METADATA_BITS = 56;    //!< Per token: code, scale, zero, count
    static constexpr uint32_t OUTLIER_BITS = 32;     //!< Per outlier: column, value

    /**
     * @brief A codec with checked settings.
     * @param settings the settings
     * @throws LlmInputError on a width outside 2 ... 16, an empty bit set, a negative or
     *         non-finite ε, ρ outside [0, 1], a negative κ or τ
     */
    explicit LlmActivationCodec(const Settings& settings);

    /// @return the settings (bit set sorted, duplicates removed)
    const Settings& GetSettings() const;

    /**
     * @brief τ for a tensor under the settings.
     * @param x the tensor
     * @return τ (+∞ with ThresholdMode::NONE; −∞ with ρ = 1: every element an outlier)
     */
    double Threshold(const LlmTensor& x) const;

    /**
     * @brief Encode (see the class for the layout).
     * @param x the T×d tensor
     * @return the bytes: HEADER_BYTES + ⌈PayloadBits/8⌉
     * @throws LlmInputError on a shape or value outside the limits
     */
    std::vector<uint8_t> Encode(const LlmTensor& x) const;

    /**
     * @brief Decode from the bytes alone.
     * @param bytes an encoded activation
     * @return X̂
     * @throws LlmInputError ("activation payload") on bytes that are not a valid encoding
     */
    static LlmTensor Decode(const std::vector<uint8_t>& bytes);

    /**
     * @brief Read the header and per-token metadata of an encoding (widths, scales, outliers).
     * @param bytes an encoded activation
     * @return the summary
     * @throws LlmInputError as Decode
     */
    static Summary Inspect(const std::vector<uint8_t>& bytes);

    /**
     * @brief Payload bits of T tokens at one width.
     * @param tokens T
     * @param hidden d
     * @param bits b
     * @param outliers |O|
     * @return T·(d·b + 56) + 32·|O|
     */
    static uint64_t PayloadBits(std::size_t tokens,
                                std::size_t hidden,
                                uint32_t bits,
                                uint64_t outliers);

    /**
     * @brief The normalized TAB-Q error of one token at b bits over its inliers, exactly as the
     *        encoder measures it for the ε rule (with the fp16 zero point and scale).
     * @param row the token's d values
     * @param hidden d
     * @param tau τ (elements with |x| > τ are outliers and not counted)
     * @param bits b
     * @return ‖x − x̂‖²/‖x‖² over the inliers (0 when they are all 0 or there are none)
     */
    static double TokenError(const float* row, std::size_t hidden, double tau, uint32_t bits);

  private:
    Settings m_settings; //!< Checked settings
};

} // namespace ns3

#endif // LLM_ACTIVATION_CODEC_H

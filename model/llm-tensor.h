// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_TENSOR_H
#define LLM_TENSOR_H

#include <cstddef>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The error of an approximation X̂ of a tensor X.
 */
struct LlmTensorError
{
    double nmse{0}; //!< NMSE = ‖X − X̂‖² / ‖X‖² (0 when both are 0; +inf when only X is 0)
    double sqnrDb{0};      //!< SQNR = −10 log10 NMSE, dB (+inf when NMSE = 0)
    double maxAbsError{0}; //!< max |x − x̂| over the elements
};

/**
 * @ingroup edge-llm
 * @brief A T×d activation tensor of floats, row-major: T tokens (rows) of d hidden values.
 *
 * Element (t, c) is data[t·d + c]. The activation codecs (LlmActivationCodec,
 * LlmUniformQuantizer) read and write it; LlmSafetensors loads it from a file.
 */
struct LlmTensor
{
    std::size_t tokens{0};   //!< T, rows
    std::size_t hidden{0};   //!< d, columns
    std::vector<float> data; //!< T·d values, row-major

    /// @brief An empty 0×0 tensor.
    LlmTensor() = default;

    /**
     * @brief A T×d tensor of zeros.
     * @param t T, the number of tokens
     * @param d d, the hidden size
     */
    LlmTensor(std::size_t t, std::size_t d)
        : tokens(t)
        , hidden(d)
        , data(t * d, 0.0F)
    {
    }

    /**
     * @brief Element access.
     * @param t token (row)
     * @param c channel (column)
     * @return the element
     */
    float& At(std::size_t t, std::size_t c) { return data[t * hidden + c]; }

    /**
     * @brief Element access.
     * @param t token (row)
     * @param c channel (column)
     * @return the element
     */
    float At(std::size_t t, std::size_t c) const { return data[t * hidden + c]; }

    /**
     * @brief NMSE, SQNR and the largest element error of an approximation.
     * @param reference X
     * @param approximation X̂, of the same shape
     * @return the error (accumulated in double precision)
     */
    static LlmTensorError Compare(const LlmTensor& reference, const LlmTensor& approximation);
};

} // namespace ns3

#endif // LLM_TENSOR_H

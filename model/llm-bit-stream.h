// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_BIT_STREAM_H
#define LLM_BIT_STREAM_H

#include <cstddef>
#include <cstdint>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Writes codes of 1 ... 16 bits into one bit stream, least significant bit first (code k
 *        starts right after code k − 1, across byte boundaries), the last byte zero-padded.
 *
 * The caller provides a buffer of at least ⌈(total bits)/8⌉ + 4 bytes. Header-only so that the
 * codecs' inner loops inline it.
 */
class LlmBitWriter
{
  public:
    /**
     * @brief Start writing at out.
     * @param out the buffer
     */
    explicit LlmBitWriter(uint8_t* out)
        : m_out(out)
    {
    }

    /**
     * @brief Append one code.
     * @param code the code (< 2^bits)
     * @param bits its width, 1 ... 16
     */
    void Put(uint32_t code, uint32_t bits)
    {
        m_acc |= static_cast<uint64_t>(code) << m_n;
        m_n += bits;
        if (m_n >= 32)
        {
            const auto w = static_cast<uint32_t>(m_acc);
            m_out[m_pos] = static_cast<uint8_t>(w);
            m_out[m_pos + 1] = static_cast<uint8_t>(w >> 8);
            m_out[m_pos + 2] = static_cast<uint8_t>(w >> 16);
            m_out[m_pos + 3] = static_cast<uint8_t>(w >> 24);
            m_pos += 4;
            m_acc >>= 32;
            m_n -= 32;
        }
    }

    /**
     * @brief Write the last partial bytes.
     * @return the bytes written in all, ⌈(total bits)/8⌉
     */
    std::size_t Finish()
    {
        while (m_n > 0)
        {
            m_out[m_pos++] = static_cast<uint8_t>(m_acc);
            m_acc >>= 8;
            m_n = m_n > 8 ? m_n - 8 : 0;
        }
        return m_pos;
    }

  private:
    uint8_t* m_out;       //!< The buffer
    std::size_t m_pos{0}; //!< Bytes written
    uint64_t m_acc{0};    //!< Bits not yet written
    uint32_t m_n{0};      //!< How many
};

/**
 * @ingroup edge-llm
 * @brief Reads the bit stream LlmBitWriter writes. The caller checks beforehand that the
 *        stream holds all the bits it will read.
 */
class LlmBitReader
{
  public:
    /**
     * @brief Read from in.
     * @param in the stream
     * @param size its length, bytes
     */
    LlmBitReader(const uint8_t* in, std::size_t size)
        : m_in(in)
        , m_size(size)
    {
    }

    /**
     * @brief Read one code.
     * @param bits its width, 1 ... 16
     * @return the code
     */
    uint32_t Get(uint32_t bits)
    {
        if (m_n < bits)
        {
            if (m_pos + 4 <= m_size)
            {
                m_acc |= (static_cast<uint64_t>(m_in[m_pos])
                          | static_cast<uint64_t>(m_in[m_pos + 1]) << 8
                          | static_cast<uint64_t>(m_in[m_pos + 2]) << 16
                          | static_cast<uint64_t>(m_in[m_pos + 3]) << 24)
                         << m_n;
                m_pos += 4;
                m_n += 32;
            }
            else
            {
                while (m_n < bits)
                {
                    m_acc |= static_cast<uint64_t>(m_in[m_pos++]) << m_n;
                    m_n += 8;
                }
            }
        }
        const auto code = static_cast<uint32_t>(m_acc & ((1U << bits) - 1U));
        m_acc >>= bits;
        m_n -= bits;
        return code;
    }

    /**
     * @brief After the last code.
     * @return true if every byte was read and the padding bits are zero
     */
    bool CleanEnd() const { return m_pos == m_size && m_acc == 0; }

  private:
    const uint8_t* m_in;  //!< The stream
    std::size_t m_size;   //!< Its length, bytes
    std::size_t m_pos{0}; //!< Bytes read
    uint64_t m_acc{0};    //!< Bits read, not yet returned
    uint32_t m_n{0};      //!< How many
};

} // namespace ns3

#endif // LLM_BIT_STREAM_H

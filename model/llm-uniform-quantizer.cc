// SPDX-License-Identifier: GPL-2.0-only

#include "llm-uniform-quantizer.h"

#include "llm-bit-stream.h"
#include "llm-input-error.h"
#include "llm-text-parse.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ns3
{

namespace
{

/// Source named in errors about bytes to decode.
const std::string kPayload = "uniform payload";

uint32_t
Get32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8
           | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

void
Put32(uint8_t* p, uint32_t v)
{
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v >> 16);
    p[3] = static_cast<uint8_t>(v >> 24);
}

} // namespace

LlmUniformQuantizer::LlmUniformQuantizer(uint32_t bits)
    : m_bits(bits)
{
    if (bits < 2 || bits > 16)
    {
        throw LlmInputError("uniform quantizer",
                            "bits",
                            "expected a width of 2 ... 16 bits, got " + std::to_string(bits));
    }
}

uint32_t
LlmUniformQuantizer::GetBits() const
{
    return m_bits;
}

uint64_t
LlmUniformQuantizer::PayloadBits(std::size_t tokens, std::size_t hidden, uint32_t bits)
{
    return static_cast<uint64_t>(tokens) * hidden * bits + 32;
}

std::vector<uint8_t>
LlmUniformQuantizer::Encode(const LlmTensor& x) const
{
    const std::string source = "activation";
    if (x.tokens > 0xFFFFFFFFULL || x.hidden > 0xFFFFFFFFULL)
    {
        throw LlmInputError(source, "shape", "expected T and d below 2^32");
    }
    if (x.data.size() != x.tokens * x.hidden)
    {
        throw LlmInputError(source,
                            "data",
                            "expected T·d = " + std::to_string(x.tokens * x.hidden)
                                + " values, got " + std::to_string(x.data.size()));
    }
    float absMax = 0;
    bool bad = false;
    for (float v : x.data)
    {
        bad |= !std::isfinite(v);
        absMax = std::max(absMax, std::fabs(v));
    }
    if (bad)
    {
        for (std::size_t k = 0; k < x.data.size(); ++k)
        {
            if (!std::isfinite(x.data[k]))
            {
                throw LlmInputError(source,
                                    "element [" + std::to_string(k / x.hidden) + ", "
                                        + std::to_string(k % x.hidden) + "]",
                                    "expected a finite value, got "
                                        + LlmTextParse::Format(x.data[k]));
            }
        }
    }
    const auto qmax = static_cast<int32_t>((1U << (m_bits - 1)) - 1U);
    const float scale = absMax / static_cast<float>(qmax);
    const uint64_t codeBytes = (static_cast<uint64_t>(x.data.size()) * m_bits + 7) / 8;
    std::vector<uint8_t> out(HEADER_BYTES + 4 + codeBytes + 4);
    out[0] = 1;
    out[1] = static_cast<uint8_t>(m_bits);
    Put32(out.data() + 4, static_cast<uint32_t>(x.tokens));
    Put32(out.data() + 8, static_cast<uint32_t>(x.hidden));
    uint32_t scaleBits;
    std::memcpy(&scaleBits, &scale, sizeof(scaleBits));
    Put32(out.data() + HEADER_BYTES, scaleBits);
    LlmBitWriter writer(out.data() + HEADER_BYTES + 4);
    if (scale > 0)
    {
        const float inverse = 1.0F / scale;
        for (float v : x.data)
        {
            const float r = v * inverse;
            auto q = static_cast<int32_t>(r + (r >= 0 ? 0.5F : -0.5F));
            q = std::clamp(q, -qmax, qmax);
            writer.Put(static_cast<uint32_t>(q + qmax), m_bits);
        }
    }
    else
    {
        for (std::size_t k = 0; k < x.data.size(); ++k)
        {
            writer.Put(static_cast<uint32_t>(qmax), m_bits);
        }
    }
    out.resize(HEADER_BYTES + 4 + writer.Finish());
    return out;
}

LlmTensor
LlmUniformQuantizer::Decode(const std::vector<uint8_t>& bytes)
{
    if (bytes.size() < HEADER_BYTES + 4)
    {
        throw LlmInputError(kPayload,
                            "header",
                            "expected at least 16 bytes, got " + std::to_string(bytes.size()));
    }
    const uint8_t* p = bytes.data();
    const uint32_t bits = p[1];
    if (p[0] != 1 || p[2] != 0 || p[3] != 0 || bits < 2 || bits > 16)
    {
        throw LlmInputError(kPayload,
                            "header",
                            "expected format version 1 and a width of 2 ... 16 bits");
    }
    const uint64_t tokens = Get32(p + 4);
    const uint64_t hidden = Get32(p + 8);
    const uint64_t elements = tokens * hidden; // both < 2^32: no overflow
    const uint64_t available = bytes.size() - HEADER_BYTES - 4;
    const uint64_t codeBytes = elements > available * 8 / bits ? 0 : (elements * bits + 7) / 8;
    if (available != codeBytes || (codeBytes == 0 && elements > 0))
    {
        throw LlmInputError(kPayload,
                            "length",
                            "expected 16 + ⌈T·d·b/8⌉ bytes for T = " + std::to_string(tokens)
                                + ", d = " + std::to_string(hidden) + ", b = "
                                + std::to_string(bits) + ", got " + std::to_string(bytes.size()));
    }
    const uint32_t scaleBits = Get32(p + HEADER_BYTES);
    float scale;
    std::memcpy(&scale, &scaleBits, sizeof(scale));
    if (!std::isfinite(scale) || scale < 0)
    {
        throw LlmInputError(kPayload, "scale", "expected a finite scale >= 0");
    }
    LlmTensor x(tokens, hidden);
    const auto qmax = static_cast<int32_t>((1U << (bits - 1)) - 1U);
    LlmBitReader reader(p + HEADER_BYTES + 4, codeBytes);
    for (float& v : x.data)
    {
        const auto q = static_cast<int32_t>(reader.Get(bits)) - qmax;
        if (q > qmax)
        {
            throw LlmInputError(kPayload, "codes", "expected codes 0 ... 2^b − 2");
        }
        v = static_cast<float>(q) * scale;
    }
    if (!reader.CleanEnd())
    {
        throw LlmInputError(kPayload, "codes", "expected zero padding bits after the last code");
    }
    return x;
}

} // namespace ns3

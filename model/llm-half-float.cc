// SPDX-License-Identifier: GPL-2.0-only

#include "llm-half-float.h"

#include <cstring>

namespace ns3
{

namespace
{

uint32_t
FloatBits(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    return bits;
}

float
BitsFloat(uint32_t bits)
{
    float value;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
}

} // namespace

uint16_t
LlmHalfFloat::FromFloat(float value)
{
    const uint32_t x = FloatBits(value);
    const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000U);
    const uint32_t abs = x & 0x7FFFFFFFU;
    if (abs >= 0x7F800000U)
    {
        // Infinity, or NaN: keep it a (quiet) NaN whatever its payload.
        return abs == 0x7F800000U ? static_cast<uint16_t>(sign | 0x7C00U)
                                  : static_cast<uint16_t>(sign | 0x7E00U | ((abs >> 13) & 0x3FFU));
    }
    if (abs >= 0x477FF000U)
    {
        return static_cast<uint16_t>(sign | 0x7C00U); // ≥ 65520: rounds to infinity
    }
    if (abs >= 0x38800000U)
    {
        // Normal fp16: rebias the exponent (127 → 15), keep 10 of 23 fraction bits, round the
        // 13 dropped bits to nearest even (a carry may step into the next binade: correct).
        uint32_t h = ((abs >> 23) - 112U) << 10 | ((abs >> 13) & 0x3FFU);
        const uint32_t rest = abs & 0x1FFFU;
        if (rest > 0x1000U || (rest == 0x1000U && (h & 1U)))
        {
            ++h;
        }
        return static_cast<uint16_t>(sign | h);
    }
    if (abs <= 0x33000000U)
    {
        return sign; // ≤ 2^-25, half the smallest subnormal: ties go to even (zero)
    }
    // Subnormal fp16: value = m·2^-24 with m < 1024. The float is s·2^(E-150) with the 24-bit
    // significand s, so m = s / 2^(126-E), rounded to nearest even.
    const uint32_t exponent = abs >> 23;
    const uint32_t significand = (abs & 0x7FFFFFU) | 0x800000U;
    const uint32_t shift = 126U - exponent; // 14 ... 24
    uint32_t m = significand >> shift;
    const uint32_t rest = significand & ((1U << shift) - 1U);
    const uint32_t halfway = 1U << (shift - 1U);
    if (rest > halfway || (rest == halfway && (m & 1U)))
    {
        ++m; // may become 0x400, the smallest normal: correct
    }
    return static_cast<uint16_t>(sign | m);
}

uint16_t
LlmHalfFloat::FromDoubleUp(double value)
{
    uint16_t h = FromFloat(static_cast<float>(value));
    // Both roundings (double → float → fp16) are to nearest: at most one fp16 step below.
    while (ToFloat(h) < value && (h & 0x7FFFU) < 0x7C00U)
    {
        h = (h & 0x8000U) ? static_cast<uint16_t>(h == 0x8000U ? 0x0001U : h - 1U)
                          : static_cast<uint16_t>(h + 1U);
    }
    return h;
}

uint16_t
LlmHalfFloat::FromFloatDown(float value)
{
    uint16_t h = FromFloat(value);
    while (ToFloat(h) > value && h != 0xFC00U)
    {
        // One step towards −infinity: smaller magnitude when positive, larger when negative.
        h = (h & 0x8000U) ? static_cast<uint16_t>(h + 1U)
                          : static_cast<uint16_t>(h == 0 ? 0x8001U : h - 1U);
    }
    return h;
}

float
LlmHalfFloat::ToFloat(uint16_t half)
{
    const uint32_t sign = static_cast<uint32_t>(half & 0x8000U) << 16;
    const uint32_t exponent = (half >> 10) & 0x1FU;
    const uint32_t fraction = half & 0x3FFU;
    if (exponent == 0)
    {
        // Zero or subnormal: fraction·2^-24, exact in float.
        const float magnitude = static_cast<float>(fraction) * 5.9604644775390625e-8F;
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 0x1FU)
    {
        return BitsFloat(sign | 0x7F800000U | (fraction << 13)); // infinity or NaN
    }
    return BitsFloat(sign | ((exponent + 112U) << 23) | (fraction << 13));
}

float
LlmHalfFloat::Round(float value)
{
    return ToFloat(FromFloat(value));
}

float
LlmHalfFloat::FromBfloat16(uint16_t bf16)
{
    return BitsFloat(static_cast<uint32_t>(bf16) << 16);
}

uint16_t
LlmHalfFloat::ToBfloat16(float value)
{
    const uint32_t x = FloatBits(value);
    if ((x & 0x7FFFFFFFU) > 0x7F800000U)
    {
        return static_cast<uint16_t>((x >> 16) | 0x0040U); // NaN: stay a quiet NaN
    }
    // Round to nearest even on the 16 dropped bits (overflow to infinity is correct).
    return static_cast<uint16_t>((x + 0x7FFFU + ((x >> 16) & 1U)) >> 16);
}

} // namespace ns3

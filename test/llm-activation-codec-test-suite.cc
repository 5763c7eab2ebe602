// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/llm-activation-codec.h"
#include "ns3/llm-half-float.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-safetensors.h"
#include "ns3/llm-synthetic-activation.h"
#include "ns3/llm-tensor.h"
#include "ns3/llm-uniform-quantizer.h"
#include "ns3/test.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <string>

using namespace ns3;

namespace
{

/// A synthetic tensor.
LlmTensor
Synthetic(std::size_t tokens, std::size_t hidden, std::size_t channels, uint64_t seed)
{
    LlmSyntheticActivation::Params p;
    p.tokens = tokens;
    p.hidden = hidden;
    p.outlierChannels = channels;
    p.seed = seed;
    return LlmSyntheticActivation(p).Generate();
}

/// Codec settings: threshold mode and value, fixed bits (0: by ε) and ε.
LlmActivationCodec::Settings
Settings(LlmActivationCodec::ThresholdMode mode, double value, uint32_t bits, double epsilon = 0)
{
    LlmActivationCodec::Settings s;
    s.threshold = mode;
    s.thresholdValue = value;
    s.fixedBits = bits;
    s.epsilon = epsilon;
    return s;
}

/// The message of the LlmInputError f throws ("" if none).
std::string
ErrorOf(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/// Float from its bits.
float
Bits(uint32_t b)
{
    float f;
    std::memcpy(&f, &b, sizeof(f));
    return f;
}

/**
 * @ingroup edge-llm-tests
 * fp16 and bf16 conversions on known values: exact, rounding ties to even, subnormals,
 * overflow, infinities and NaN; every fp16 pattern round-trips.
 */
class LlmHalfFloatTestCase : public TestCase
{
  public:
    LlmHalfFloatTestCase()
        : TestCase("fp16 and bf16 conversions on known values")
    {
    }

  private:
    void DoRun() override
    {
        using H = LlmHalfFloat;
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(1.0F), 0x3C00, "1.0");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(-2.0F), 0xC000, "-2.0");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(0.0F), 0x0000, "+0");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(-0.0F), 0x8000, "-0");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(65504.0F), 0x7BFF, "largest finite");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(65519.99F), 0x7BFF, "below the midpoint to 2^16");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(65520.0F), 0x7C00, "midpoint, odd: to infinity");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(1e9F), 0x7C00, "overflow");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(0.1F), 0x2E66, "0.1");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(1.0F, -14)), 0x0400, "smallest normal");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(1.0F, -24)), 0x0001, "smallest subnormal");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(1023.0F, -24)), 0x03FF, "largest subnormal");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(1.0F, -25)), 0x0000, "2^-25 ties to 0");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(1.0F, -25) * 1.0000001F),
                              0x0001,
                              "just above 2^-25");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(3.0F, -25)), 0x0002, "1.5 ulp ties to 2");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(5.0F, -25)), 0x0002, "2.5 ulp ties to 2");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(1.0F + std::ldexp(1.0F, -11)), 0x3C00, "tie to even");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(1.0F + std::ldexp(3.0F, -11)), 0x3C02, "tie to even");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(2047.0F + 0.5F), 0x6800, "2047.5 ties up to 2048");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::ldexp(1.0F, -14) - std::ldexp(1.0F, -25)),
                              0x0400,
                              "rounds up into the normal range");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(std::numeric_limits<float>::infinity()), 0x7C00, "inf");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloat(-std::numeric_limits<float>::infinity()),
                              0xFC00,
                              "-inf");
        const uint16_t nan = H::FromFloat(std::numeric_limits<float>::quiet_NaN());
        NS_TEST_ASSERT_MSG_EQ(((nan & 0x7C00) == 0x7C00 && (nan & 0x3FF) != 0), true, "NaN");
        NS_TEST_ASSERT_MSG_EQ(((H::FromFloat(Bits(0x7F800001)) & 0x3FF) != 0), true, "sNaN");
        NS_TEST_ASSERT_MSG_EQ(std::isnan(H::ToFloat(0x7E00)), true, "NaN back");
        NS_TEST_ASSERT_MSG_EQ(H::ToFloat(0x7C00), std::numeric_limits<float>::infinity(), "inf");
        NS_TEST_ASSERT_MSG_EQ(H::ToFloat(0x0001), std::ldexp(1.0F, -24), "subnormal back");
        NS_TEST_ASSERT_MSG_EQ(H::ToFloat(0x3555), 0.333251953125F, "1/3 in fp16");
        NS_TEST_ASSERT_MSG_EQ(H::ToFloat(0x7BFF), 65504.0F, "largest back");
        NS_TEST_ASSERT_MSG_EQ(std::signbit(H::ToFloat(0x8000)), true, "-0 back");
        for (uint32_t h = 0; h < 0x10000; ++h)
        {
            if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0)
            {
                continue; // NaNs: checked above
            }
            NS_TEST_ASSERT_MSG_EQ(H::FromFloat(H::ToFloat(static_cast<uint16_t>(h))),
                                  h,
                                  "round trip of fp16 pattern " << h);
        }
        // Directed rounding for the codec's zero point (down) and scale (up).
        const uint16_t up = H::FromDoubleUp(0.1);
        NS_TEST_ASSERT_MSG_EQ((H::ToFloat(up) >= 0.1 && H::ToFloat(up - 1) < 0.1), true, "up");
        NS_TEST_ASSERT_MSG_EQ(H::FromDoubleUp(0.5), 0x3800, "exact stays");
        NS_TEST_ASSERT_MSG_EQ(H::FromDoubleUp(1e-12), 0x0001, "tiny up to the subnormal");
        NS_TEST_ASSERT_MSG_EQ(H::FromDoubleUp(70000.0), 0x7C00, "beyond the range");
        const uint16_t down = H::FromFloatDown(0.1F);
        NS_TEST_ASSERT_MSG_EQ((H::ToFloat(down) <= 0.1F && H::ToFloat(down + 1) > 0.1F),
                              true,
                              "down");
        const uint16_t downNeg = H::FromFloatDown(-0.1F);
        NS_TEST_ASSERT_MSG_EQ((H::ToFloat(downNeg) <= -0.1F && H::ToFloat(downNeg - 1) > -0.1F),
                              true,
                              "down, negative");
        NS_TEST_ASSERT_MSG_EQ(H::FromFloatDown(-1e-12F), 0x8001, "tiny negative down");
        // bf16
        NS_TEST_ASSERT_MSG_EQ(H::FromBfloat16(0x3F80), 1.0F, "bf16 1.0");
        NS_TEST_ASSERT_MSG_EQ(H::FromBfloat16(0xC000), -2.0F, "bf16 -2.0");
        NS_TEST_ASSERT_MSG_EQ(H::FromBfloat16(0x7F7F), Bits(0x7F7F0000), "bf16 largest");
        NS_TEST_ASSERT_MSG_EQ(H::FromBfloat16(0x0001), Bits(0x00010000), "bf16 subnormal");
        NS_TEST_ASSERT_MSG_EQ(std::isnan(H::FromBfloat16(0x7FC0)), true, "bf16 NaN");
        NS_TEST_ASSERT_MSG_EQ(H::ToBfloat16(1.0F), 0x3F80, "to bf16");
        NS_TEST_ASSERT_MSG_EQ(H::ToBfloat16(1.0F + std::ldexp(1.0F, -8)), 0x3F80, "tie to even");
        NS_TEST_ASSERT_MSG_EQ(H::ToBfloat16(1.0F + std::ldexp(3.0F, -8)), 0x3F82, "tie to even");
        NS_TEST_ASSERT_MSG_EQ(H::ToBfloat16(Bits(0x7F7FFFFF)), 0x7F80, "overflow to inf");
        NS_TEST_ASSERT_MSG_EQ(std::isnan(H::FromBfloat16(H::ToBfloat16(Bits(0x7F800001)))),
                              true,
                              "sNaN stays NaN");
    }
};

/**
 * @ingroup edge-llm-tests
 * Outliers decode to exactly fp16(x); every inlier to within s_t/2 (+ float slack) of x, on
 * synthetic tensors and on hand-made hard tokens, for each threshold mode and several widths.
 */
class LlmCodecBoundTestCase : public TestCase
{
  public:
    LlmCodecBoundTestCase()
        : TestCase("TS + TAB-Q: outliers exact, inliers within half a step")
    {
    }

  private:
    void Check(const LlmTensor& x, const LlmActivationCodec::Settings& settings)
    {
        const LlmActivationCodec codec(settings);
        const double tau = codec.Threshold(x);
        const std::vector<uint8_t> bytes = codec.Encode(x);
        const LlmActivationCodec::Summary s = LlmActivationCodec::Inspect(bytes);
        const LlmTensor y = LlmActivationCodec::Decode(bytes);
        NS_TEST_ASSERT_MSG_EQ(y.tokens, x.tokens, "T");
        NS_TEST_ASSERT_MSG_EQ(y.hidden, x.hidden, "d");
        uint64_t outliers = 0;
        for (std::size_t t = 0; t < x.tokens; ++t)
        {
            uint32_t n = 0;
            const double scale = s.scales[t];
            for (std::size_t c = 0; c < x.hidden; ++c)
            {
                const float v = x.At(t, c);
                const float r = y.At(t, c);
                if (std::fabs(v) > tau)
                {
                    ++n;
                    NS_TEST_ASSERT_MSG_EQ(r, LlmHalfFloat::Round(v), "outlier (" << t << "," << c);
                    continue;
                }
                // The bound the class documents: s_t/2 + 2^-23·|x̂|.
                const double bound = scale / 2 + std::ldexp(std::fabs(r), -23);
                NS_TEST_ASSERT_MSG_EQ((std::fabs(static_cast<double>(v) - r) <= bound),
                                      true,
                                      "inlier (" << t << ", " << c << ") = " << v << " -> " << r
                                                 << ", s_t = " << scale
                                                 << ", b_t = " << int(s.bits[t]));
                NS_TEST_ASSERT_MSG_EQ((s.zeros[t] <= v), true, "zero point below the inliers");
            }
            NS_TEST_ASSERT_MSG_EQ(s.outliers[t], n, "outlier count of token " << t);
            outliers += n;
        }
        NS_TEST_ASSERT_MSG_EQ(s.outlierTotal, outliers, "|O|");
    }

    void DoRun() override
    {
        using M = LlmActivationCodec::ThresholdMode;
        const LlmTensor x = Synthetic(48, 512, 4, 7);
        for (uint32_t b : {2U, 3U, 4U, 6U, 8U, 12U, 16U})
        {
            Check(x, Settings(M::RATIO, 0.01, b));
            Check(x, Settings(M::NONE, 0, b));
        }
        Check(x, Settings(M::ABSOLUTE, 5.0, 4));
        Check(x, Settings(M::SIGMA, 3.0, 3));
        Check(x, Settings(M::RATIO, 0.002, 0, 0.01));
        Check(x, Settings(M::RATIO, 1.0, 4)); // every element an outlier

        // Hard tokens: a narrow range far from 0 (the zero point's fp16 rounding is coarser than
        // the step), a constant that fp16 cannot hold, a constant it can, zeros, all outliers,
        // the fp16 range's ends, subnormal magnitudes.
        LlmTensor h(8, 64);
        for (std::size_t c = 0; c < 64; ++c)
        {
            h.At(0, c) = 1000.3F + 0.1F * static_cast<float>(c) / 63.0F;
            h.At(1, c) = 1.0F / 3.0F;
            h.At(2, c) = 0.5F;
            h.At(3, c) = 0.0F;
            h.At(4, c) = (c % 2 ? 1.0F : -1.0F) * (100.0F + static_cast<float>(c));
            h.At(5, c) = c % 2 ? 65504.0F : -65504.0F;
            h.At(6, c) = std::ldexp(static_cast<float>(c), -30);
            h.At(7, c) = -2000.0F - 0.001F * static_cast<float>(c);
        }
        for (uint32_t b : {2U, 4U, 8U, 16U})
        {
            Check(h, Settings(M::ABSOLUTE, 99.0, b));
            Check(h, Settings(M::NONE, 0, b));
        }
        Check(h, Settings(M::ABSOLUTE, 99.0, 0, 1e-3));
        const LlmActivationCodec::Summary s =
            LlmActivationCodec::Inspect(LlmActivationCodec(Settings(M::NONE, 0, 4)).Encode(h));
        NS_TEST_ASSERT_MSG_EQ(s.scales[2], 0.0F, "constant fp16 value: s = 0");
        NS_TEST_ASSERT_MSG_EQ(s.scales[3], 0.0F, "zeros: s = 0");
        NS_TEST_ASSERT_MSG_EQ((s.scales[1] > 0 && s.scales[1] < 1e-3), true, "1/3: a tiny step");
        const LlmTensor y = LlmActivationCodec::Decode(
            LlmActivationCodec(Settings(M::ABSOLUTE, 99.0, 4)).Encode(h));
        for (std::size_t c = 0; c < 64; ++c)
        {
            NS_TEST_ASSERT_MSG_EQ(y.At(2, c), 0.5F, "constant exact");
            NS_TEST_ASSERT_MSG_EQ(y.At(3, c), 0.0F, "zeros exact");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Payload bits and buffer length: T·(d·b + 56) with no outliers, + 32 per outlier; bytes =
 * header + ⌈bits/8⌉.
 */
class LlmCodecSizeTestCase : public TestCase
{
  public:
    LlmCodecSizeTestCase()
        : TestCase("TS + TAB-Q: payload bits and buffer length")
    {
    }

  private:
    void DoRun() override
    {
        using M = LlmActivationCodec::ThresholdMode;
        for (const auto& [T, d] :
             {std::pair<std::size_t, std::size_t>{7, 13}, {1, 4096}, {32, 1000}, {3, 1}})
        {
            const LlmTensor x = Synthetic(T, d, d > 4 ? 2 : 0, 3);
            for (uint32_t b : {2U, 3U, 4U, 5U, 6U, 8U, 11U, 16U})
            {
                const std::vector<uint8_t> bytes =
                    LlmActivationCodec(Settings(M::NONE, 0, b)).Encode(x);
                const auto s = LlmActivationCodec::Inspect(bytes);
                const uint64_t bits = T * (d * b + 56);
                NS_TEST_ASSERT_MSG_EQ(s.payloadBits, bits, "T(db + 56), b = " << b);
                NS_TEST_ASSERT_MSG_EQ(LlmActivationCodec::PayloadBits(T, d, b, 0), bits, "formula");
                NS_TEST_ASSERT_MSG_EQ(s.outlierTotal, 0, "no outliers with tau = +inf");
                NS_TEST_ASSERT_MSG_EQ(bytes.size(),
                                      LlmActivationCodec::HEADER_BYTES + (bits + 7) / 8,
                                      "length, T = " << T << ", d = " << d << ", b = " << b);
            }
            const std::vector<uint8_t> bytes =
                LlmActivationCodec(Settings(M::RATIO, 0.05, 0, 0.01)).Encode(x);
            const auto s = LlmActivationCodec::Inspect(bytes);
            uint64_t bits = 56 * T + 32 * s.outlierTotal;
            for (uint8_t b : s.bits)
            {
                bits += d * b;
            }
            NS_TEST_ASSERT_MSG_EQ(s.payloadBits, bits, "sum d b_t + 32|O| + 56T");
            NS_TEST_ASSERT_MSG_EQ(bytes.size(),
                                  LlmActivationCodec::HEADER_BYTES + (bits + 7) / 8,
                                  "length with outliers");
        }
        // Uniform baseline: T·d·b + 32.
        const LlmTensor x = Synthetic(7, 13, 0, 3);
        for (uint32_t b : {4U, 8U})
        {
            const std::vector<uint8_t> bytes = LlmUniformQuantizer(b).Encode(x);
            const uint64_t bits = LlmUniformQuantizer::PayloadBits(7, 13, b);
            NS_TEST_ASSERT_MSG_EQ(bits, 7 * 13 * b + 32, "uniform payload");
            NS_TEST_ASSERT_MSG_EQ(bytes.size(),
                                  LlmUniformQuantizer::HEADER_BYTES + (bits + 7) / 8,
                                  "uniform length");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The error falls as the width rises; the ε rule picks the smallest width within ε; τ by ratio
 * makes ⌊ρ·T·d⌋ outliers; TS + TAB-Q at 4 bits beats uniform int4 with outlier channels.
 */
class LlmCodecErrorTestCase : public TestCase
{
  public:
    LlmCodecErrorTestCase()
        : TestCase("TS + TAB-Q: error vs width, the epsilon rule, the ratio, the baseline")
    {
    }

  private:
    void DoRun() override
    {
        using M = LlmActivationCodec::ThresholdMode;
        // (TAB-Q alone on a tensor with outlier channels need not improve from 2 to 3 bits: the
        // few levels spread over the outliers' range, and where 0 falls between them decides;
        // so TAB-Q alone runs on a tensor without them.)
        const LlmTensor x = Synthetic(64, 1024, 4, 11);
        const LlmTensor plain = Synthetic(64, 1024, 0, 11);
        for (M mode : {M::NONE, M::RATIO})
        {
            const LlmTensor& z = mode == M::NONE ? plain : x;
            double previous = std::numeric_limits<double>::infinity();
            for (uint32_t b : {2U, 3U, 4U, 6U, 8U})
            {
                const LlmActivationCodec codec(Settings(mode, 0.005, b));
                const double nmse =
                    LlmTensor::Compare(z, LlmActivationCodec::Decode(codec.Encode(z))).nmse;
                NS_TEST_ASSERT_MSG_LT(nmse, previous, "NMSE falls at b = " << b);
                previous = nmse;
            }
        }

        // The ε rule against trying every width, and the encoder's error against the decoded one.
        const std::vector<uint32_t> set = {2, 3, 4, 6, 8};
        for (double eps : {0.3, 0.1, 0.02, 0.002, 1e-4, 1e-7})
        {
            const LlmActivationCodec codec(Settings(M::RATIO, 0.005, 0, eps));
            const double tau = codec.Threshold(x);
            const auto s = LlmActivationCodec::Inspect(codec.Encode(x));
            for (std::size_t t = 0; t < x.tokens; ++t)
            {
                uint32_t expected = set.back();
                for (uint32_t b : set)
                {
                    if (LlmActivationCodec::TokenError(&x.data[t * x.hidden], x.hidden, tau, b)
                        <= eps)
                    {
                        expected = b;
                        break;
                    }
                }
                NS_TEST_ASSERT_MSG_EQ(uint32_t(s.bits[t]),
                                      expected,
                                      "token " << t << ", epsilon " << eps);
            }
        }
        const LlmActivationCodec fixed(Settings(M::RATIO, 0.005, 3));
        const double tau = fixed.Threshold(x);
        const LlmTensor y = LlmActivationCodec::Decode(fixed.Encode(x));
        for (std::size_t t = 0; t < x.tokens; ++t)
        {
            double e = 0;
            double n = 0;
            for (std::size_t c = 0; c < x.hidden; ++c)
            {
                const double v = x.At(t, c);
                if (std::fabs(v) <= tau)
                {
                    e += (v - y.At(t, c)) * (v - y.At(t, c));
                    n += v * v;
                }
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(
                LlmActivationCodec::TokenError(&x.data[t * x.hidden], x.hidden, tau, 3),
                e / n,
                1e-12 * e / n,
                "the chooser's error is the decoded error, token " << t);
        }

        // τ by ratio.
        for (double rho : {0.001, 0.01, 0.05})
        {
            const LlmActivationCodec codec(Settings(M::RATIO, rho, 4));
            const auto s = LlmActivationCodec::Inspect(codec.Encode(x));
            const double target = std::floor(rho * static_cast<double>(x.data.size()));
            NS_TEST_ASSERT_MSG_EQ_TOL(static_cast<double>(s.outlierTotal),
                                      target,
                                      0.01 * target + 1,
                                      "about rho·T·d outliers at rho = " << rho);
        }

        // The baseline: int8 beats int4; TS + TAB-Q at 4 bits beats int4 with outlier channels.
        const LlmTensor big = Synthetic(128, 4096, 8, 1);
        const double int8 =
            LlmTensor::Compare(big, LlmUniformQuantizer::Decode(LlmUniformQuantizer(8).Encode(big)))
                .nmse;
        const double int4 =
            LlmTensor::Compare(big, LlmUniformQuantizer::Decode(LlmUniformQuantizer(4).Encode(big)))
                .nmse;
        NS_TEST_ASSERT_MSG_LT(int8, int4, "uniform int8 beats int4");
        const double tabq =
            LlmTensor::Compare(big,
                               LlmActivationCodec::Decode(
                                   LlmActivationCodec(Settings(M::RATIO, 0.01, 4)).Encode(big)))
                .nmse;
        NS_TEST_ASSERT_MSG_LT(tabq, int4, "TS + TAB-Q at 4 bits beats uniform int4");
        // The uniform quantizer's own bound: |x − x̂| ≤ S/2.
        float absMax = 0;
        for (float v : big.data)
        {
            absMax = std::max(absMax, std::fabs(v));
        }
        const LlmTensor u = LlmUniformQuantizer::Decode(LlmUniformQuantizer(8).Encode(big));
        NS_TEST_ASSERT_MSG_LT_OR_EQ(LlmTensor::Compare(big, u).maxAbsError,
                                    absMax / 127.0 / 2 * (1 + 1e-5),
                                    "uniform: half a step");
    }
};

/**
 * @ingroup edge-llm-tests
 * Bad settings, tensors and payloads are refused with the field named.
 */
class LlmCodecRefusalTestCase : public TestCase
{
  public:
    LlmCodecRefusalTestCase()
        : TestCase("TS + TAB-Q: bad settings, tensors and payloads refused")
    {
    }

  private:
    void Expect(const std::function<void()>& f, const std::string& fragment)
    {
        const std::string what = ErrorOf(f);
        NS_TEST_ASSERT_MSG_NE(what.find(fragment),
                              std::string::npos,
                              "expected an error with \"" << fragment << "\", got \"" << what
                                                          << "\"");
    }

    void DoRun() override
    {
        using M = LlmActivationCodec::ThresholdMode;
        using C = LlmActivationCodec;
        Expect([] { C(Settings(M::NONE, 0, 1)); }, "fixed bits");
        Expect([] { C(Settings(M::NONE, 0, 17)); }, "fixed bits");
        Expect([] { C(Settings(M::RATIO, 1.5, 4)); }, "rho");
        Expect([] { C(Settings(M::SIGMA, -1, 4)); }, "kappa");
        Expect([] { C(Settings(M::NONE, 0, 0, -0.1)); }, "epsilon");
        Expect(
            [] {
                auto s = Settings(M::NONE, 0, 0, 0.1);
                s.bitSet = {};
                C{s};
            },
            "bit set");
        Expect([] { LlmUniformQuantizer(1); }, "bits");
        const C codec(Settings(M::NONE, 0, 4));
        Expect([&] { codec.Encode(LlmTensor(2, 65536)); }, "hidden size d");
        Expect([&] { codec.Encode(LlmTensor(2, 0)); }, "hidden size d");
        LlmTensor x(2, 8);
        x.At(1, 3) = std::numeric_limits<float>::quiet_NaN();
        Expect([&] { codec.Encode(x); }, "element [1, 3]");
        x.At(1, 3) = 70000.0F;
        Expect([&] { codec.Encode(x); }, "element [1, 3]");
        x.At(1, 3) = std::numeric_limits<float>::infinity();
        Expect([&] { LlmUniformQuantizer(8).Encode(x); }, "element [1, 3]");
        x.At(1, 3) = 0;
        // Payloads: each byte changed or cut must never crash; these named ones are refused.
        const LlmTensor y = Synthetic(4, 32, 2, 5);
        const std::vector<uint8_t> good = C(Settings(M::ABSOLUTE, 5.0, 3)).Encode(y);
        Expect([&] { C::Decode(std::vector<uint8_t>(good.begin(), good.end() - 1)); }, "length");
        Expect([&] { C::Decode(std::vector<uint8_t>(good.begin(), good.begin() + 5)); }, "header");
        auto bad = good;
        bad[0] = 2;
        Expect([&] { C::Decode(bad); }, "format version");
        bad = good;
        bad[C::HEADER_BYTES] = 1;
        Expect([&] { C::Decode(bad); }, "token 0: width");
        bad = good;
        bad[4] = 0xFF; // T far beyond the bytes
        Expect([&] { C::Decode(bad); }, "metadata");
        const auto s = C::Inspect(good);
        std::size_t first = 0;
        while (first + 1 < s.tokens && s.outliers[first] < 2)
        {
            ++first;
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(s.outliers[first], 2, "a token with two outliers");
        std::size_t at = C::HEADER_BYTES + 7 * s.tokens;
        for (std::size_t t = 0; t < first; ++t)
        {
            at += 4 * s.outliers[t];
        }
        bad = good;
        bad[at + 4] = bad[at]; // second column = first: not ascending
        bad[at + 5] = bad[at + 1];
        Expect([&] { C::Decode(bad); }, "outlier 1");
        for (std::size_t k = 0; k < good.size(); ++k)
        {
            bad = good;
            bad[k] ^= 0x5A;
            ErrorOf([&] { C::Decode(bad); }); // either decodes or is refused: no crash
        }
        const std::vector<uint8_t> uni = LlmUniformQuantizer(4).Encode(y);
        Expect(
            [&] { LlmUniformQuantizer::Decode(std::vector<uint8_t>(uni.begin(), uni.end() - 1)); },
            "length");
        for (std::size_t k = 0; k < uni.size(); ++k)
        {
            auto b = uni;
            b[k] ^= 0xA5;
            ErrorOf([&] { LlmUniformQuantizer::Decode(b); });
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Safetensors: F32/F16/BF16 round trips, [1, T, d] flattened, and every refusal with its
 * field.
 */
class LlmSafetensorsTestCase : public TestCase
{
  public:
    LlmSafetensorsTestCase()
        : TestCase("safetensors: round trips and refusals")
    {
    }

  private:
    /// Write a file from a header text and n data bytes (the header length as given).
    void WriteRaw(const std::string& path, const std::string& header, std::size_t n, uint64_t len)
    {
        std::ofstream out(path, std::ios::binary);
        for (int k = 0; k < 8; ++k)
        {
            out.put(static_cast<char>(len >> (8 * k)));
        }
        out << header << std::string(n, '\0');
    }

    void WriteRaw(const std::string& path, const std::string& header, std::size_t n)
    {
        WriteRaw(path, header, n, header.size());
    }

    void Expect(const std::string& path, const std::string& name, const std::string& fragment)
    {
        const std::string what = ErrorOf([&] { LlmSafetensors(path).Load(name); });
        NS_TEST_ASSERT_MSG_NE(what.find(fragment),
                              std::string::npos,
                              "expected an error with \"" << fragment << "\", got \"" << what
                                                          << "\"");
        NS_TEST_ASSERT_MSG_NE(what.find(path), std::string::npos, "the file named: " << what);
    }

    void DoRun() override
    {
        const LlmTensor a = Synthetic(5, 24, 2, 9);
        LlmTensor b(3, 2);
        b.data = {1.0F, -2.5F, 1e-6F, 300.0F, 0.1F, -0.0F};
        using D = LlmSafetensors::Dtype;
        for (D dtype : {D::F32, D::F16, D::BF16})
        {
            const std::string path =
                CreateTempDirFilename("rt-" + LlmSafetensors::ToString(dtype) + ".safetensors");
            LlmSafetensors::Write(path, {{"h.0", a}, {"b", b}}, dtype, {{"format", "pt"}});
            const LlmSafetensors file(path);
            NS_TEST_ASSERT_MSG_EQ(file.GetEntries().size(), 2, "two tensors");
            for (const auto& [name, x] :
                 {std::pair<std::string, const LlmTensor*>{"h.0", &a}, {"b", &b}})
            {
                const LlmTensor y = file.Load(name);
                NS_TEST_ASSERT_MSG_EQ(y.tokens, x->tokens, "T");
                NS_TEST_ASSERT_MSG_EQ(y.hidden, x->hidden, "d");
                for (std::size_t k = 0; k < x->data.size(); ++k)
                {
                    const float v = x->data[k];
                    const float expected =
                        dtype == D::F32   ? v
                        : dtype == D::F16 ? LlmHalfFloat::Round(v)
                                          : LlmHalfFloat::FromBfloat16(LlmHalfFloat::ToBfloat16(v));
                    NS_TEST_ASSERT_MSG_EQ(y.data[k], expected, name << "[" << k << "]");
                }
            }
            std::remove(path.c_str());
        }
        const std::string f16 = CreateTempDirFilename("big.safetensors");
        LlmTensor big(1, 1);
        big.data = {70000.0F};
        NS_TEST_ASSERT_MSG_NE(ErrorOf([&] {
                                  LlmSafetensors::Write(f16, {{"x", big}}, D::F16);
                              }).find("F16's range"),
                              std::string::npos,
                              "F16 refuses 70000");

        const std::string p = CreateTempDirFilename("bad.safetensors");
        // [1, T, d] is flattened; [2, T, d] and rank 1 are refused.
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [1, 2, 3], "data_offsets": [0, 24]}})", 24);
        const LlmTensor flat = LlmSafetensors(p).Load("x");
        NS_TEST_ASSERT_MSG_EQ((flat.tokens == 2 && flat.hidden == 3), true, "[1, 2, 3] -> 2x3");
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [2, 1, 3], "data_offsets": [0, 24]}})", 24);
        Expect(p, "x", "\"x\".shape: expected [T, d] or [1, T, d]");
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [6], "data_offsets": [0, 24]}})", 24);
        Expect(p, "x", "\"x\".shape");
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [0, 3], "data_offsets": [0, 0]}})", 0);
        Expect(p, "x", "non-empty");
        // dtypes
        WriteRaw(p, R"({"x": {"dtype": "I64", "shape": [2, 3], "data_offsets": [0, 48]}})", 48);
        Expect(p, "x", "\"x\".dtype: expected F32, F16 or BF16, got I64");
        WriteRaw(p, R"({"x": {"dtype": "Q7", "shape": [2, 3], "data_offsets": [0, 6]}})", 6);
        Expect(p, "x", "got Q7");
        // offsets against shape × dtype, and overflow
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", 24);
        Expect(p, "x", "\"x\".data_offsets");
        WriteRaw(p,
                 R"({"x": {"dtype": "F32", "shape": [4294967296, 4294967296], )"
                 R"("data_offsets": [0, 24]}})",
                 24);
        Expect(p, "x", "more than 2^64");
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [8, 0]}})", 24);
        Expect(p, "x", "begin <= end");
        // truncated: data shorter than the offsets; header longer than the file; absurd length
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}})", 23);
        Expect(p, "x", "truncated");
        WriteRaw(p, R"({"x": {"dtype": "F32"}})", 0, 1000);
        Expect(p, "x", "header length");
        WriteRaw(p, R"({})", 0, uint64_t{1} << 40);
        Expect(p, "x", "header length: expected at most 100000000");
        WriteRaw(p, "", 0, 0);
        Expect(p, "x", "header");
        {
            std::ofstream out(p, std::ios::binary);
            out << "abc";
        }
        Expect(p, "x", "header length");
        // bad headers
        WriteRaw(p, "not json", 0);
        Expect(p, "x", "header: not valid JSON");
        WriteRaw(p, "[1, 2]", 0);
        Expect(p, "x", "header: expected a JSON object");
        WriteRaw(p, R"({"x": {"shape": [2, 3], "data_offsets": [0, 24]}})", 24);
        Expect(p, "x", "\"x\".dtype");
        WriteRaw(p, R"({"x": {"dtype": "F32", "data_offsets": [0, 24]}})", 24);
        Expect(p, "x", "\"x\".shape");
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [2, -3], "data_offsets": [0, 24]}})", 24);
        Expect(p, "x", "\"x\".shape");
        WriteRaw(p, R"({"x": {"dtype": "F32", "shape": [2, 3]}})", 24);
        Expect(p, "x", "\"x\".data_offsets");
        WriteRaw(p, R"({"x": 5})", 0);
        Expect(p, "x", "\"x\": expected an object");
        // unknown name: the names listed
        WriteRaw(p,
                 R"({"a": {"dtype": "F32", "shape": [1, 1], "data_offsets": [0, 4]}, )"
                 R"("b": {"dtype": "F16", "shape": [1, 2], "data_offsets": [4, 8]}, )"
                 R"("__metadata__": {"format": "pt"}})",
                 8);
        Expect(p, "c", "tensor: no tensor named \"c\"; the file has: a, b");
        Expect(CreateTempDirFilename("missing.safetensors"), "x", "cannot open");
        std::remove(p.c_str());
    }
};

/**
 * @ingroup edge-llm-tests
 * The synthetic generator: reproducible, outlier channels where it says, magnitudes as
 * documented.
 */
class LlmSyntheticActivationTestCase : public TestCase
{
  public:
    LlmSyntheticActivationTestCase()
        : TestCase("Synthetic activations: reproducible, with outlier channels")
    {
    }

  private:
    void DoRun() override
    {
        LlmSyntheticActivation::Params p;
        p.tokens = 64;
        p.hidden = 1024;
        p.outlierChannels = 6;
        p.seed = 42;
        const LlmSyntheticActivation gen(p);
        const LlmTensor x = gen.Generate();
        NS_TEST_ASSERT_MSG_EQ((x.data == gen.Generate().data), true, "same seed, same tensor");
        p.seed = 43;
        NS_TEST_ASSERT_MSG_EQ((x.data == LlmSyntheticActivation(p).Generate().data),
                              false,
                              "another seed, another tensor");
        const std::vector<std::size_t> channels = gen.GetOutlierChannels();
        NS_TEST_ASSERT_MSG_EQ(channels.size(), 6, "k channels");
        double ordinary = 0;
        std::size_t n = 0;
        for (std::size_t c = 0; c < x.hidden; ++c)
        {
            const bool outlier = std::find(channels.begin(), channels.end(), c) != channels.end();
            for (std::size_t t = 0; t < x.tokens; ++t)
            {
                if (outlier)
                {
                    // a_c ∈ [20, 100), times 1 + 0.1·z: far above the ordinary channels.
                    NS_TEST_ASSERT_MSG_GT(std::fabs(x.At(t, c)), 10.0, "outlier channel " << c);
                }
                else
                {
                    ordinary += static_cast<double>(x.At(t, c)) * x.At(t, c);
                    ++n;
                }
            }
        }
        const double rms = std::sqrt(ordinary / static_cast<double>(n));
        NS_TEST_ASSERT_MSG_EQ_TOL(rms, 1.0, 0.25, "ordinary channels of about unit scale");
        p.outlierChannels = 2000;
        NS_TEST_ASSERT_MSG_NE(ErrorOf([&] { LlmSyntheticActivation{p}; }).find("outlier channels"),
                              std::string::npos,
                              "k > d refused");
    }
};

/**
 * @ingroup edge-llm-tests
 * The activation codec suite.
 */
class LlmActivationCodecTestSuite : public TestSuite
{
  public:
    LlmActivationCodecTestSuite()
        : TestSuite("edge-llm-activation-codec", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmHalfFloatTestCase());
        AddTestCase(new LlmCodecBoundTestCase());
        AddTestCase(new LlmCodecSizeTestCase());
        AddTestCase(new LlmCodecErrorTestCase());
        AddTestCase(new LlmCodecRefusalTestCase());
        AddTestCase(new LlmSafetensorsTestCase());
        AddTestCase(new LlmSyntheticActivationTestCase());
    }
};

/// Static instance.
LlmActivationCodecTestSuite g_llmActivationCodecTestSuite;

} // namespace

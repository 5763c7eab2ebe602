// SPDX-License-Identifier: GPL-2.0-only

#include "llm-activation-codec.h"

#include "llm-bit-stream.h"
#include "llm-half-float.h"
#include "llm-input-error.h"
#include "llm-text-parse.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace ns3
{

namespace
{

/// Source named in errors about the tensor to encode.
const std::string kSource = "activation";
/// Source named in errors about bytes to decode.
const std::string kPayload = "activation payload";
/// Bytes of per-token metadata.
constexpr std::size_t kMetaBytes = LlmActivationCodec::METADATA_BITS / 8;
/// Bytes per outlier.
constexpr std::size_t kOutlierBytes = LlmActivationCodec::OUTLIER_BITS / 8;

void
Put16(uint8_t* p, uint16_t v)
{
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}

void
Put32(uint8_t* p, uint32_t v)
{
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v >> 16);
    p[3] = static_cast<uint8_t>(v >> 24);
}

uint16_t
Get16(const uint8_t* p)
{
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

uint32_t
Get32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8
           | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

/// The reconstruction level q of a token: m + q·s, exact in double (≤ 51 significant bits for
/// fp16 m and s and q < 2^16), rounded once to float. Encoder and decoder share it.
inline float
Level(float zero, float scale, uint32_t q)
{
    return static_cast<float>(static_cast<double>(zero)
                              + static_cast<double>(q) * static_cast<double>(scale));
}

/// The fp16 scale covering [zero, hi] with 2^b − 1 steps, rounded up (0 when hi ≤ zero).
uint16_t
ScaleBits(float zero, float hi, uint32_t bits)
{
    if (!(hi > zero))
    {
        return 0;
    }
    const double steps = static_cast<double>((1U << bits) - 1U);
    return LlmHalfFloat::FromDoubleUp((static_cast<double>(hi) - zero) / steps);
}

/// q = round((x − m)/s) clamped to [0, qmax]; x ≥ m, so the ratio is never negative.
inline uint32_t
Code(float x, float zero, double inverse, uint32_t qmax)
{
    const double r = (static_cast<double>(x) - zero) * inverse;
    return std::min(static_cast<uint32_t>(r + 0.5), qmax);
}

/**
 * Squared TAB-Q error of a row at b bits, the outlier slots holding the zero point (they
 * reconstruct exactly). Stops early once the error exceeds limit.
 */
double
TrialError(const float* row, std::size_t d, float zero, float hi, uint32_t bits, double limit)
{
    const float scale = LlmHalfFloat::ToFloat(ScaleBits(zero, hi, bits));
    if (scale == 0)
    {
        return 0; // every inlier equals the (fp16) zero point
    }
    const uint32_t qmax = (1U << bits) - 1U;
    const double inverse = 1.0 / scale;
    // Four partial sums (independent dependency chains); the levels are Level(), as the
    // decoder's.
    double error = 0;
    constexpr std::size_t kBlock = 512;
    for (std::size_t c0 = 0; c0 < d; c0 += kBlock)
    {
        const std::size_t c1 = std::min(d, c0 + kBlock);
        double partial[4] = {0, 0, 0, 0};
        std::size_t c = c0;
        for (; c + 4 <= c1; c += 4)
        {
            for (std::size_t j = 0; j < 4; ++j)
            {
                const float v = row[c + j];
                const double e =
                    static_cast<double>(v) - Level(zero, scale, Code(v, zero, inverse, qmax));
                partial[j] += e * e;
            }
        }
        for (; c < c1; ++c)
        {
            const double e =
                static_cast<double>(row[c]) - Level(zero, scale, Code(row[c], zero, inverse, qmax));
            partial[0] += e * e;
        }
        error += (partial[0] + partial[1]) + (partial[2] + partial[3]);
        if (error > limit)
        {
            return error;
        }
    }
    return error;
}

/// The bits of |v| (a non-negative float's bits order like its value).
inline uint32_t
MagnitudeBits(float v)
{
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    return bits & 0x7FFFFFFFU;
}

/// A token's inlier statistics.
struct RowStats
{
    float lo;             // smallest inlier (+inf: none)
    float hi;             // largest inlier (−inf: none)
    double norm;          // Σ x² over the inliers
    std::size_t outliers; // elements with |x| > τ
    bool bad;             // some element is not finite or beyond ±65504
};

/// τ as a float with the same outcome: |x| > τ ⇔ |x| > TauFloat(τ) for every float x.
float
TauFloat(double tau)
{
    auto f = static_cast<float>(tau);
    if (static_cast<double>(f) > tau)
    {
        f = std::nextafter(f, -std::numeric_limits<float>::infinity());
    }
    return f;
}

/// One pass over a token, without branches, four partial results; Σ x² only if WithNorm.
template<bool WithNorm>
RowStats
Scan(const float* row, std::size_t d, float tau)
{
    const float inf = std::numeric_limits<float>::infinity();
    float lo[4] = {inf, inf, inf, inf};
    float hi[4] = {-inf, -inf, -inf, -inf};
    double norm[4] = {0, 0, 0, 0};
    std::size_t n[4] = {0, 0, 0, 0};
    bool bad[4] = {false, false, false, false};
    auto step = [&](std::size_t j, float v) {
        const float a = std::fabs(v);
        const bool outlier = a > tau;
        bad[j] |= !(a <= LlmHalfFloat::MAX);
        n[j] += outlier;
        lo[j] = std::min(lo[j], outlier ? inf : v);
        hi[j] = std::max(hi[j], outlier ? -inf : v);
        if (WithNorm)
        {
            const double w = outlier ? 0.0 : static_cast<double>(v);
            norm[j] += w * w;
        }
    };
    std::size_t c = 0;
    for (; c + 4 <= d; c += 4)
    {
        for (std::size_t j = 0; j < 4; ++j)
        {
            step(j, row[c + j]);
        }
    }
    for (; c < d; ++c)
    {
        step(0, row[c]);
    }
    return {std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3])),
            std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3])),
            (norm[0] + norm[1]) + (norm[2] + norm[3]),
            n[0] + n[1] + n[2] + n[3],
            bad[0] || bad[1] || bad[2] || bad[3]};
}

/// "token 3: " prefix for payload errors.
std::string
TokenField(std::size_t t, const std::string& what)
{
    return "token " + std::to_string(t) + ": " + what;
}

/// Read and check the header and the metadata; return the offsets of outliers and codes.
LlmActivationCodec::Summary
Parse(const std::vector<uint8_t>& bytes, std::size_t& outlierOffset, std::size_t& codeOffset)
{
    LlmActivationCodec::Summary s;
    const std::size_t size = bytes.size();
    if (size < LlmActivationCodec::HEADER_BYTES)
    {
        throw LlmInputError(kPayload,
                            "header",
                            "expected at least " + std::to_string(LlmActivationCodec::HEADER_BYTES)
                                + " bytes, got " + std::to_string(size));
    }
    const uint8_t* p = bytes.data();
    if (p[0] != 1 || p[1] != 0)
    {
        throw LlmInputError(kPayload,
                            "header",
                            "expected format version 1 (bytes 01 00), got " + std::to_string(p[0])
                                + " " + std::to_string(p[1]));
    }
    s.hidden = Get16(p + 2);
    s.tokens = Get32(p + 4);
    if (s.hidden == 0)
    {
        throw LlmInputError(kPayload, "header", "expected a hidden size d of 1 ... 65535, got 0");
    }
    const std::size_t rest = size - LlmActivationCodec::HEADER_BYTES;
    if (s.tokens > rest / kMetaBytes)
    {
        throw LlmInputError(kPayload,
                            "metadata",
                            "expected " + std::to_string(kMetaBytes) + " bytes for each of the "
                                + std::to_string(s.tokens) + " tokens, got " + std::to_string(rest)
                                + " bytes in all");
    }
    s.bits.resize(s.tokens);
    s.scales.resize(s.tokens);
    s.zeros.resize(s.tokens);
    s.outliers.resize(s.tokens);
    uint64_t codeBits = 0;
    const uint8_t* m = p + LlmActivationCodec::HEADER_BYTES;
    for (std::size_t t = 0; t < s.tokens; ++t, m += kMetaBytes)
    {
        const uint32_t b = m[0];
        if (b < LlmActivationCodec::MIN_BITS || b > LlmActivationCodec::MAX_BITS)
        {
            throw LlmInputError(kPayload,
                                TokenField(t, "width"),
                                "expected 2 ... 16 bits, got " + std::to_string(b));
        }
        const uint16_t scale = Get16(m + 1);
        const uint16_t zero = Get16(m + 3);
        if ((scale & 0x8000U) || (scale & 0x7C00U) == 0x7C00U)
        {
            throw LlmInputError(kPayload,
                                TokenField(t, "scale"),
                                "expected a finite non-negative fp16 value");
        }
        if ((zero & 0x7C00U) == 0x7C00U)
        {
            throw LlmInputError(kPayload,
                                TokenField(t, "zero point"),
                                "expected a finite fp16 value");
        }
        const uint16_t n = Get16(m + 5);
        if (n > s.hidden)
        {
            throw LlmInputError(kPayload,
                                TokenField(t, "outlier count"),
                                "expected at most d = " + std::to_string(s.hidden) + ", got "
                                    + std::to_string(n));
        }
        s.bits[t] = static_cast<uint8_t>(b);
        s.scales[t] = LlmHalfFloat::ToFloat(scale);
        s.zeros[t] = LlmHalfFloat::ToFloat(zero);
        s.outliers[t] = n;
        s.outlierTotal += n;
        codeBits += static_cast<uint64_t>(s.hidden) * b;
    }
    s.payloadBits = codeBits + LlmActivationCodec::OUTLIER_BITS * s.outlierTotal
                    + static_cast<uint64_t>(LlmActivationCodec::METADATA_BITS) * s.tokens;
    const uint64_t expected = LlmActivationCodec::HEADER_BYTES + (s.payloadBits + 7) / 8;
    if (size != expected)
    {
        throw LlmInputError(kPayload,
                            "length",
                            "expected " + std::to_string(expected)
                                + " bytes for the widths and outlier counts of its metadata, got "
                                + std::to_string(size));
    }
    outlierOffset = LlmActivationCodec::HEADER_BYTES + kMetaBytes * s.tokens;
    codeOffset = outlierOffset + kOutlierBytes * s.outlierTotal;
    return s;
}

} // namespace

LlmActivationCodec::LlmActivationCodec(const Settings& settings)
    : m_settings(settings)
{
    const std::string source = "activation codec";
    auto checkBits = [&](uint32_t b, const std::string& field) {
        if (b < MIN_BITS || b > MAX_BITS)
        {
            throw LlmInputError(source,
                                field,
                                "expected a width of 2 ... 16 bits, got " + std::to_string(b));
        }
    };
    if (m_settings.fixedBits != 0)
    {
        checkBits(m_settings.fixedBits, "fixed bits");
    }
    if (m_settings.bitSet.empty())
    {
        throw LlmInputError(source, "bit set", "expected at least one width");
    }
    for (uint32_t b : m_settings.bitSet)
    {
        checkBits(b, "bit set");
    }
    std::sort(m_settings.bitSet.begin(), m_settings.bitSet.end());
    m_settings.bitSet.erase(std::unique(m_settings.bitSet.begin(), m_settings.bitSet.end()),
                            m_settings.bitSet.end());
    if (!(m_settings.epsilon >= 0) || !std::isfinite(m_settings.epsilon))
    {
        throw LlmInputError(source,
                            "epsilon",
                            "expected a finite error budget >= 0, got "
                                + LlmTextParse::Format(m_settings.epsilon));
    }
    const double v = m_settings.thresholdValue;
    switch (m_settings.threshold)
    {
        case ThresholdMode::NONE:
            break;
        case ThresholdMode::ABSOLUTE:
            if (!(v >= 0))
            {
                throw LlmInputError(source,
                                    "tau",
                                    "expected a threshold >= 0, got " + LlmTextParse::Format(v));
            }
            break;
        case ThresholdMode::RATIO:
            if (!(v >= 0 && v <= 1))
            {
                throw LlmInputError(source,
                                    "rho",
                                    "expected an outlier ratio 0 ... 1, got "
                                        + LlmTextParse::Format(v));
            }
            break;
        case ThresholdMode::SIGMA:
            if (!(v >= 0) || !std::isfinite(v))
            {
                throw LlmInputError(source,
                                    "kappa",
                                    "expected a finite multiple of sigma >= 0, got "
                                        + LlmTextParse::Format(v));
            }
            break;
    }
}

const LlmActivationCodec::Settings&
LlmActivationCodec::GetSettings() const
{
    return m_settings;
}

double
LlmActivationCodec::Threshold(const LlmTensor& x) const
{
    const double inf = std::numeric_limits<double>::infinity();
    const std::size_t n = x.data.size();
    switch (m_settings.threshold)
    {
        case ThresholdMode::NONE:
            return inf;
        case ThresholdMode::ABSOLUTE:
            return m_settings.thresholdValue;
        case ThresholdMode::RATIO: {
            // k = ⌊ρ·n⌋ outliers: τ is the (n − k)-th smallest |x|, so that exactly k elements
            // exceed it when the magnitudes are distinct (fewer on ties).
            const auto k = std::min(n,
                                    static_cast<std::size_t>(std::floor(m_settings.thresholdValue
                                                                        * static_cast<double>(n))));
            if (k == 0)
            {
                return inf;
            }
            if (k == n)
            {
                return -inf;
            }
            // Select the rank r = n − k − 1 (ascending) among the magnitudes. A magnitude's
            // float bits order like the magnitudes (NaN above infinity): a histogram of their
            // top 16 bits finds the bin holding rank r, std::nth_element finishes within it.
            const std::size_t r = n - k - 1;
            std::vector<std::size_t> histogram(1U << 15, 0);
            for (float v : x.data)
            {
                ++histogram[MagnitudeBits(v) >> 16];
            }
            std::size_t below = 0;
            uint32_t bin = 0;
            while (below + histogram[bin] <= r)
            {
                below += histogram[bin++];
            }
            std::vector<uint32_t> candidates;
            candidates.reserve(histogram[bin]);
            for (float v : x.data)
            {
                const uint32_t key = MagnitudeBits(v);
                if (key >> 16 == bin)
                {
                    candidates.push_back(key);
                }
            }
            const auto nth = candidates.begin() + static_cast<std::ptrdiff_t>(r - below);
            std::nth_element(candidates.begin(), nth, candidates.end());
            float tau;
            std::memcpy(&tau, &*nth, sizeof(tau));
            return tau;
        }
        case ThresholdMode::SIGMA: {
            if (n == 0)
            {
                return inf;
            }
            double mean = 0;
            for (float v : x.data)
            {
                mean += v;
            }
            mean /= static_cast<double>(n);
            double var = 0;
            for (float v : x.data)
            {
                var += (v - mean) * (v - mean);
            }
            return m_settings.thresholdValue * std::sqrt(var / static_cast<double>(n));
        }
    }
    return inf;
}

std::vector<uint8_t>
LlmActivationCodec::Encode(const LlmTensor& x) const
{
    const std::size_t T = x.tokens;
    const std::size_t d = x.hidden;
    if (d < 1 || d > MAX_HIDDEN)
    {
        throw LlmInputError(kSource,
                            "hidden size d",
                            "expected 1 ... 65535 (16-bit column indices and outlier counts), "
                            "got "
                                + std::to_string(d));
    }
    if (T > 0xFFFFFFFFULL)
    {
        throw LlmInputError(kSource,
                            "tokens T",
                            "expected at most 4294967295, got " + std::to_string(T));
    }
    if (x.data.size() / d != T || x.data.size() % d != 0)
    {
        throw LlmInputError(kSource,
                            "data",
                            "expected T·d = " + std::to_string(T) + "·" + std::to_string(d)
                                + " values, got " + std::to_string(x.data.size()));
    }
    const float tau = TauFloat(Threshold(x));
    const uint32_t maxBits =
        m_settings.fixedBits != 0 ? m_settings.fixedBits : m_settings.bitSet.back();

    std::vector<uint8_t> meta(kMetaBytes * T);
    std::vector<uint8_t> outliers;
    std::vector<uint8_t> codes((static_cast<uint64_t>(T) * d * maxBits + 7) / 8 + 8);
    std::vector<float> scratch(d);
    std::vector<uint16_t> rowCodes(d);
    std::vector<uint16_t> columns;
    columns.reserve(d);
    LlmBitWriter writer(codes.data());
    for (std::size_t t = 0; t < T; ++t)
    {
        const float* row = x.data.data() + t * d;
        const RowStats st =
            m_settings.fixedBits != 0 ? Scan<false>(row, d, tau) : Scan<true>(row, d, tau);
        if (st.bad)
        {
            // Every element must be finite and within fp16's range (NaN fails the comparison).
            for (std::size_t c = 0; c < d; ++c)
            {
                if (!(std::fabs(row[c]) <= LlmHalfFloat::MAX))
                {
                    throw LlmInputError(kSource,
                                        "element [" + std::to_string(t) + ", " + std::to_string(c)
                                            + "]",
                                        "expected a finite value within fp16's range ±65504, "
                                        "got "
                                            + LlmTextParse::Format(row[c]));
                }
            }
        }
        float lo = st.lo;
        float hi = st.hi;
        const double norm = st.norm;
        columns.clear();
        if (st.outliers > 0)
        {
            for (std::size_t c = 0; c < d; ++c)
            {
                if (std::fabs(row[c]) > tau)
                {
                    columns.push_back(static_cast<uint16_t>(c));
                }
            }
        }
        if (columns.size() == d)
        {
            lo = 0; // no inliers: m = 0, s = 0
            hi = 0;
        }
        const uint16_t zeroBits = LlmHalfFloat::FromFloatDown(lo);
        const float zero = LlmHalfFloat::ToFloat(zeroBits);
        const float* v = row;
        if (!columns.empty())
        {
            std::copy(row, row + d, scratch.begin());
            const std::size_t at = outliers.size();
            outliers.resize(at + kOutlierBytes * columns.size());
            for (std::size_t k = 0; k < columns.size(); ++k)
            {
                const uint16_t c = columns[k];
                Put16(outliers.data() + at + kOutlierBytes * k, c);
                Put16(outliers.data() + at + kOutlierBytes * k + 2,
                      LlmHalfFloat::FromFloat(row[c]));
                scratch[c] = zero; // reconstructs exactly: the code plane carries 0 there
            }
            v = scratch.data();
        }
        // b_t: fixed, or the smallest width of the set within ε (ε·‖x_t‖² on the inliers).
        uint32_t bits = m_settings.fixedBits;
        if (bits == 0)
        {
            const std::vector<uint32_t>& set = m_settings.bitSet;
            bits = set.back();
            const double budget = m_settings.epsilon * norm;
            for (std::size_t k = 0; k + 1 < set.size(); ++k)
            {
                if (norm == 0 || TrialError(v, d, zero, hi, set[k], budget) <= budget)
                {
                    bits = set[k];
                    break;
                }
            }
        }
        const uint16_t scaleBits = ScaleBits(zero, hi, bits);
        const float scale = LlmHalfFloat::ToFloat(scaleBits);
        uint8_t* m = meta.data() + kMetaBytes * t;
        m[0] = static_cast<uint8_t>(bits);
        Put16(m + 1, scaleBits);
        Put16(m + 3, zeroBits);
        Put16(m + 5, static_cast<uint16_t>(columns.size()));
        if (scale == 0)
        {
            std::fill(rowCodes.begin(), rowCodes.end(), 0);
        }
        else
        {
            const uint32_t qmax = (1U << bits) - 1U;
            const double inverse = 1.0 / scale;
            for (std::size_t c = 0; c < d; ++c)
            {
                rowCodes[c] = static_cast<uint16_t>(Code(v[c], zero, inverse, qmax));
            }
        }
        for (std::size_t c = 0; c < d; ++c)
        {
            writer.Put(rowCodes[c], bits);
        }
    }
    const std::size_t codeBytes = writer.Finish();

    std::vector<uint8_t> out(HEADER_BYTES + meta.size() + outliers.size() + codeBytes);
    out[0] = 1; // format version
    out[1] = 0;
    Put16(out.data() + 2, static_cast<uint16_t>(d));
    Put32(out.data() + 4, static_cast<uint32_t>(T));
    uint8_t* p = out.data() + HEADER_BYTES;
    p = std::copy(meta.begin(), meta.end(), p);
    p = std::copy(outliers.begin(), outliers.end(), p);
    std::copy(codes.begin(), codes.begin() + static_cast<std::ptrdiff_t>(codeBytes), p);
    return out;
}

LlmActivationCodec::Summary
LlmActivationCodec::Inspect(const std::vector<uint8_t>& bytes)
{
    std::size_t outlierOffset = 0;
    std::size_t codeOffset = 0;
    return Parse(bytes, outlierOffset, codeOffset);
}

LlmTensor
LlmActivationCodec::Decode(const std::vector<uint8_t>& bytes)
{
    std::size_t outlierOffset = 0;
    std::size_t codeOffset = 0;
    const Summary s = Parse(bytes, outlierOffset, codeOffset);
    const std::size_t d = s.hidden;
    LlmTensor x(s.tokens, d);
    LlmBitReader reader(bytes.data() + codeOffset, bytes.size() - codeOffset);
    const uint8_t* o = bytes.data() + outlierOffset;
    float lut[256];
    for (std::size_t t = 0; t < s.tokens; ++t)
    {
        float* row = x.data.data() + t * d;
        const uint32_t bits = s.bits[t];
        const float zero = s.zeros[t];
        const float scale = s.scales[t];
        if (bits <= 8)
        {
            for (uint32_t q = 0; q < (1U << bits); ++q)
            {
                lut[q] = Level(zero, scale, q);
            }
            for (std::size_t c = 0; c < d; ++c)
            {
                row[c] = lut[reader.Get(bits)];
            }
        }
        else
        {
            for (std::size_t c = 0; c < d; ++c)
            {
                row[c] = Level(zero, scale, reader.Get(bits));
            }
        }
        int32_t previous = -1;
        for (uint32_t k = 0; k < s.outliers[t]; ++k, o += kOutlierBytes)
        {
            const uint16_t c = Get16(o);
            const uint16_t value = Get16(o + 2);
            if (static_cast<int32_t>(c) <= previous || c >= d)
            {
                throw LlmInputError(kPayload,
                                    TokenField(t, "outlier " + std::to_string(k)),
                                    "expected columns ascending and below d = " + std::to_string(d)
                                        + ", got column " + std::to_string(c));
            }
            if ((value & 0x7C00U) == 0x7C00U)
            {
                throw LlmInputError(kPayload,
                                    TokenField(t, "outlier " + std::to_string(k)),
                                    "expected a finite fp16 value");
            }
            previous = c;
            row[c] = LlmHalfFloat::ToFloat(value);
        }
    }
    if (!reader.CleanEnd())
    {
        throw LlmInputError(kPayload, "codes", "expected zero padding bits after the last code");
    }
    return x;
}

uint64_t
LlmActivationCodec::PayloadBits(std::size_t tokens,
                                std::size_t hidden,
                                uint32_t bits,
                                uint64_t outliers)
{
    return static_cast<uint64_t>(tokens) * (static_cast<uint64_t>(hidden) * bits + METADATA_BITS)
           + static_cast<uint64_t>(OUTLIER_BITS) * outliers;
}

double
LlmActivationCodec::TokenError(const float* row, std::size_t hidden, double tau, uint32_t bits)
{
    const float tauF = TauFloat(tau);
    const RowStats st = Scan<true>(row, hidden, tauF);
    if (st.norm == 0)
    {
        return 0;
    }
    const float zero = LlmHalfFloat::ToFloat(LlmHalfFloat::FromFloatDown(st.lo));
    std::vector<float> v(row, row + hidden);
    for (float& x : v)
    {
        x = std::fabs(x) > tauF ? zero : x;
    }
    return TrialError(v.data(), hidden, zero, st.hi, bits, std::numeric_limits<double>::infinity())
           / st.norm;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-optimizer.h"

#include "llm-activation-codec.h"
#include "llm-cost-model.h"
#include "llm-input-error.h"
#include "llm-synthetic-activation.h"
#include "llm-text-parse.h"
#include "ns3/log.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmSplitOptimizer");

namespace
{

const char* const kSource = "split optimizer";
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kMaxBits = LlmSplitMemory::MAX_BITS;

/// a + b, saturating at 2^64 − 1.
uint64_t
SatAdd(uint64_t a, uint64_t b)
{
    return a > kMax - b ? kMax : a + b;
}

/// a · b, saturating at 2^64 − 1.
uint64_t
SatMul(uint64_t a, uint64_t b)
{
    if (a == 0 || b == 0)
    {
        return 0;
    }
    return a > kMax / b ? kMax : a * b;
}

/// ⌈bits / 8⌉.
uint64_t
BitsToBytes(uint64_t bits)
{
    return bits / 8 + (bits % 8 != 0 ? 1 : 0);
}

/// A double as text.
std::string
Num(double v)
{
    return LlmTextParse::Format(v);
}

/// Bytes as text with the GiB/MiB value.
std::string
Bytes(uint64_t b)
{
    std::string s = std::to_string(b) + " B";
    const double gib = static_cast<double>(b) / static_cast<double>(1ULL << 30);
    if (gib >= 0.1)
    {
        char buf[32];
        std::snprintf(buf, sizeof(buf), " (%.2f GiB)", gib);
        s += buf;
    }
    else if (b >= 1024)
    {
        char buf[32];
        std::snprintf(buf, sizeof(buf), " (%.1f MiB)", static_cast<double>(b) / (1 << 20));
        s += buf;
    }
    return s;
}

/// A width set as "{4, 8, 16}".
std::string
SetText(const std::vector<uint32_t>& v)
{
    std::string s = "{";
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        s += (i ? ", " : "") + std::to_string(v[i]);
    }
    return s + "}";
}

/// Sorted, without duplicates.
std::vector<uint32_t>
SortedUnique(std::vector<uint32_t> v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

/// Refuse a width outside 1 ... 32.
void
CheckWidth(uint32_t bits, const std::string& field)
{
    if (bits < 1 || bits > kMaxBits)
    {
        throw LlmInputError(kSource,
                            field,
                            "expected a width of 1 ... 32 bits, got " + std::to_string(bits));
    }
}

/// Refuse a positive finite rate that is not.
void
CheckPositive(double v, const char* field, const char* unit)
{
    if (!(v > 0) || !std::isfinite(v))
    {
        throw LlmInputError(kSource,
                            field,
                            std::string("expected a positive finite number (") + unit + "), got "
                                + Num(v));
    }
}

/// Refuse a rate that is negative or not finite (0 allowed: not counted).
void
CheckNonNegative(double v, const char* field, const char* unit)
{
    if (!(v >= 0) || !std::isfinite(v))
    {
        throw LlmInputError(kSource,
                            field,
                            std::string("expected a finite number >= 0 (") + unit + "), got "
                                + Num(v));
    }
}

/// Refuse an activation setting outside the codec's range.
void
CheckActivation(const LlmSplitOptimizer::ActivationSetting& a, const std::string& field)
{
    if (a.bits < LlmActivationCodec::MIN_BITS || a.bits > LlmActivationCodec::MAX_BITS)
    {
        throw LlmInputError(kSource,
                            field,
                            "expected activation bits 2 ... 16, got " + std::to_string(a.bits));
    }
    if (!(a.outlierRatio >= 0 && a.outlierRatio < 1))
    {
        throw LlmInputError(kSource,
                            field,
                            "expected an outlier ratio in [0, 1), got " + Num(a.outlierRatio));
    }
    if (a.IsUncompressed() && a.outlierRatio != 0)
    {
        throw LlmInputError(kSource,
                            field,
                            "16 activation bits send fp16 without the codec: expected outlier "
                            "ratio 0, got "
                                + Num(a.outlierRatio));
    }
}

} // namespace

// ------------------------------------------------------------------------- ActivationSetting

bool
LlmSplitOptimizer::ActivationSetting::operator<(const ActivationSetting& o) const
{
    return bits != o.bits ? bits < o.bits : outlierRatio < o.outlierRatio;
}

bool
LlmSplitOptimizer::ActivationSetting::operator==(const ActivationSetting& o) const
{
    return bits == o.bits && outlierRatio == o.outlierRatio;
}

bool
LlmSplitOptimizer::ActivationSetting::IsUncompressed() const
{
    return bits >= LlmActivationCodec::MAX_BITS;
}

std::string
LlmSplitOptimizer::ActivationSetting::ToString() const
{
    if (IsUncompressed())
    {
        return "fp16 (no codec)";
    }
    return std::to_string(bits) + " bits, rho " + Num(outlierRatio);
}

// ------------------------------------------------------------------------------------ Inputs

std::vector<LlmSplitOptimizer::ActivationSetting>
LlmSplitOptimizer::Inputs::DefaultActivationSettings()
{
    std::vector<ActivationSetting> v;
    for (uint32_t b : {2U, 3U, 4U, 6U, 8U})
    {
        for (double rho : {0.0, 0.001, 0.01})
        {
            v.push_back({b, rho});
        }
    }
    v.push_back({16, 0.0});
    return v;
}

void
LlmSplitOptimizer::Inputs::Validate() const
{
    CheckPositive(deviceFlops, "deviceFlops", "FLOP/s");
    CheckPositive(cloudFlops, "cloudFlops", "FLOP/s");
    CheckNonNegative(deviceMemoryBandwidth, "deviceMemoryBandwidth", "bytes/s, 0: not counted");
    CheckNonNegative(cloudMemoryBandwidth, "cloudMemoryBandwidth", "bytes/s, 0: not counted");
    if (deviceMemoryBytes == 0)
    {
        throw LlmInputError(kSource, "deviceMemoryBytes", "expected a positive size, got 0");
    }
    CheckPositive(uplinkBps, "uplinkBps", "bit/s");
    CheckPositive(downlinkBps, "downlinkBps", "bit/s");
    CheckNonNegative(propagationSeconds, "propagationSeconds", "s");
    if (promptTokens == 0)
    {
        throw LlmInputError(kSource, "promptTokens", "expected at least 1 prompt token, got 0");
    }
    if (generatedTokens == 0)
    {
        throw LlmInputError(kSource,
                            "generatedTokens",
                            "expected at least 1 generated token, got 0");
    }
    if (devices == 0)
    {
        throw LlmInputError(kSource, "devices", "expected at least 1 device, got 0");
    }
    CheckNonNegative(encodeBytesPerSecond, "encodeBytesPerSecond", "bytes/s, 0: not counted");
    CheckNonNegative(decodeBytesPerSecond, "decodeBytesPerSecond", "bytes/s, 0: not counted");
    if (tokenIdBytes == 0)
    {
        throw LlmInputError(kSource,
                            "tokenIdBytes",
                            "expected at least 1 byte per token id, got 0");
    }
    CheckWidth(cloudOnlyBits, "cloudOnlyBits");
    if (!(qualityBudget >= 0))
    {
        throw LlmInputError(kSource,
                            "qualityBudget",
                            "expected a budget >= 0 (inf: none), got " + Num(qualityBudget));
    }
    if (!(latencyBudgetSeconds > 0))
    {
        throw LlmInputError(kSource,
                            "latencyBudgetSeconds",
                            "expected a budget > 0 s (inf: none), got "
                                + Num(latencyBudgetSeconds));
    }
    if (weightBits.empty())
    {
        throw LlmInputError(kSource, "weightBits", "expected at least one width, got none");
    }
    for (uint32_t b : weightBits)
    {
        CheckWidth(b, "weightBits");
    }
    if (kvBits.empty())
    {
        throw LlmInputError(kSource, "kvBits", "expected at least one width, got none");
    }
    for (uint32_t b : kvBits)
    {
        CheckWidth(b, "kvBits");
    }
    if (activationSettings.empty())
    {
        throw LlmInputError(kSource,
                            "activationSettings",
                            "expected at least one activation setting, got none");
    }
    for (const auto& a : activationSettings)
    {
        CheckActivation(a, "activationSettings");
    }
    for (const auto& [a, nmse] : activationNmse)
    {
        CheckActivation(a, "activationNmse");
        if (!(nmse >= 0) || !std::isfinite(nmse))
        {
            throw LlmInputError(kSource,
                                "activationNmse",
                                "expected a finite NMSE >= 0 for " + a.ToString() + ", got "
                                    + Num(nmse));
        }
    }
    if (calibrationTokens == 0)
    {
        throw LlmInputError(kSource, "calibrationTokens", "expected at least 1 token, got 0");
    }
}

// ------------------------------------------------------------------------------ the optimizer

LlmSplitOptimizer::LlmSplitOptimizer(const LlmArchitecture& arch, const Inputs& inputs)
    : m_memory(arch, inputs.groupSize)
    , m_inputs(inputs)
{
    NS_LOG_FUNCTION(this << arch.name);
    Init();
}

LlmSplitOptimizer::LlmSplitOptimizer(const LlmArchitecture& arch,
                                     const LlmProfile& profile,
                                     const Inputs& inputs)
    : m_memory(arch, profile, inputs.groupSize)
    , m_inputs(inputs)
{
    NS_LOG_FUNCTION(this << arch.name << profile.GetName());
    Init();
}

void
LlmSplitOptimizer::Init()
{
    m_inputs.Validate();
    const LlmArchitecture& arch = m_memory.GetArchitecture();
    const LlmProfile& profile = m_memory.GetProfile();
    const uint32_t nBlocks = arch.numLayers;
    const std::size_t nLayers = profile.GetNLayers(); // L + 2

    // FLOPs: prefix over the embedding and ℓ blocks, suffix over blocks ℓ+1 ... L and the head.
    m_flopsPrefix.assign(nBlocks + 1, 0.0);
    m_flopsSuffix.assign(nBlocks + 1, 0.0);
    double acc = 0;
    for (uint32_t l = 0; l <= nBlocks; ++l)
    {
        acc += profile.GetLayer(l).flopsPerToken;
        m_flopsPrefix[l] = acc;
    }
    acc = 0;
    for (std::size_t i = nLayers - 1; i >= 1; --i)
    {
        acc += profile.GetLayer(i).flopsPerToken;
        m_flopsSuffix[i - 1] = acc;
    }
    m_flopsTotal = profile.GetTotalFlopsPerToken();

    // Weights and weight errors per width, prefix (i ≤ ℓ) and suffix (i > ℓ).
    const uint32_t original = profile.GetOriginalBits();
    auto layerError = [&](std::size_t i, uint32_t q) {
        if (q >= original)
        {
            return 0.0;
        }
        const LlmLayer& layer = profile.GetLayer(i);
        auto it = layer.weightError.find(q);
        if (it != layer.weightError.end())
        {
            return it->second;
        }
        const double r = layer.HasWeightMaxAbs() ? layer.weightMaxAbs : arch.weightMaxAbs;
        if (r > 0)
        {
            return LlmCostModel::AnalyticWeightError(r, q);
        }
        return std::numeric_limits<double>::infinity();
    };
    m_weightPrefix.assign(kMaxBits + 1, {});
    m_weightSuffix.assign(kMaxBits + 1, {});
    m_errorPrefix.assign(kMaxBits + 1, {});
    m_errorSuffix.assign(kMaxBits + 1, {});
    for (uint32_t q = 1; q <= kMaxBits; ++q)
    {
        auto& wp = m_weightPrefix[q];
        auto& ws = m_weightSuffix[q];
        auto& ep = m_errorPrefix[q];
        auto& es = m_errorSuffix[q];
        wp.assign(nBlocks + 1, 0);
        ws.assign(nBlocks + 1, 0);
        ep.assign(nBlocks + 1, 0.0);
        es.assign(nBlocks + 1, 0.0);
        uint64_t w = 0;
        double e = 0;
        for (uint32_t l = 0; l <= nBlocks; ++l)
        {
            w = SatAdd(w, m_memory.LayerWeightBytes(l, q));
            e += layerError(l, q);
            wp[l] = w;
            ep[l] = e;
        }
        w = 0;
        e = 0;
        for (std::size_t i = nLayers - 1; i >= 1; --i)
        {
            w = SatAdd(w, m_memory.LayerWeightBytes(i, q));
            e += layerError(i, q);
            ws[i - 1] = w;
            es[i - 1] = e;
        }
    }
    m_kvBitsPerToken.assign(kMaxBits + 1, 0);
    for (uint32_t q = 1; q <= kMaxBits; ++q)
    {
        m_kvBitsPerToken[q] = m_memory.KvBitsPerTokenPerLayer(q);
    }
    m_activationBytes = m_memory.ActivationBufferBytes(m_inputs.promptTokens);
    m_requiredContext = m_inputs.requiredContext != 0 ? m_inputs.requiredContext
                                                      : static_cast<uint64_t>(m_inputs.promptTokens)
                                                            + m_inputs.generatedTokens;

    // Complete the NMSE table for the candidate settings.
    std::vector<ActivationSetting> missing;
    for (const auto& a : m_inputs.activationSettings)
    {
        if (!a.IsUncompressed() && m_inputs.activationNmse.count(a) == 0)
        {
            missing.push_back(a);
        }
    }
    if (!missing.empty())
    {
        const auto table = CalibrateActivation(CalibrationTensor(arch.hiddenSize,
                                                                 m_inputs.calibrationTokens,
                                                                 m_inputs.calibrationSeed),
                                               missing);
        m_inputs.activationNmse.insert(table.begin(), table.end());
    }
}

const LlmSplitMemory&
LlmSplitOptimizer::GetMemory() const
{
    return m_memory;
}

const LlmSplitOptimizer::Inputs&
LlmSplitOptimizer::GetInputs() const
{
    return m_inputs;
}

std::string
LlmSplitOptimizer::ToString(Objective o)
{
    return o == Objective::MIN_LATENCY ? "min-latency" : "max-quality";
}

std::string
LlmSplitOptimizer::ToString(LatencyMetric m)
{
    return m == LatencyMetric::TPOT ? "tpot" : "total";
}

LlmTensor
LlmSplitOptimizer::CalibrationTensor(std::size_t hidden, std::size_t tokens, uint64_t seed)
{
    LlmSyntheticActivation::Params p;
    p.tokens = tokens;
    p.hidden = hidden;
    p.outlierChannels = std::min<std::size_t>(8, hidden);
    p.seed = seed;
    return LlmSyntheticActivation(p).Generate();
}

std::map<LlmSplitOptimizer::ActivationSetting, double>
LlmSplitOptimizer::CalibrateActivation(const LlmTensor& x,
                                       const std::vector<ActivationSetting>& settings)
{
    std::map<ActivationSetting, double> table;
    for (const auto& a : settings)
    {
        CheckActivation(a, "activation setting");
        if (a.IsUncompressed())
        {
            table[a] = 0.0; // the fp16 hidden state is the reference
            continue;
        }
        LlmActivationCodec::Settings s;
        s.threshold = a.outlierRatio > 0 ? LlmActivationCodec::ThresholdMode::RATIO
                                         : LlmActivationCodec::ThresholdMode::NONE;
        s.thresholdValue = a.outlierRatio;
        s.bitSet = {a.bits};
        s.fixedBits = a.bits;
        const LlmActivationCodec codec(s);
        table[a] = LlmTensor::Compare(x, LlmActivationCodec::Decode(codec.Encode(x))).nmse;
    }
    return table;
}

std::vector<double>
LlmSplitOptimizer::NmseOf(const std::vector<ActivationSetting>& settings) const
{
    std::vector<ActivationSetting> missing;
    for (const auto& a : settings)
    {
        if (!a.IsUncompressed() && m_inputs.activationNmse.count(a) == 0)
        {
            missing.push_back(a);
        }
    }
    std::map<ActivationSetting, double> extra;
    if (!missing.empty())
    {
        extra = CalibrateActivation(CalibrationTensor(m_memory.GetArchitecture().hiddenSize,
                                                      m_inputs.calibrationTokens,
                                                      m_inputs.calibrationSeed),
                                    missing);
    }
    std::vector<double> out;
    for (const auto& a : settings)
    {
        auto it = m_inputs.activationNmse.find(a);
        if (it != m_inputs.activationNmse.end())
        {
            out.push_back(it->second);
        }
        else if (a.IsUncompressed())
        {
            out.push_back(0.0);
        }
        else
        {
            out.push_back(extra.at(a));
        }
    }
    return out;
}

std::vector<LlmSplitOptimizer::ActivationSetting>
LlmSplitOptimizer::ActivationCandidates(const Decisions& fixed) const
{
    if (fixed.activationBits)
    {
        CheckActivation({*fixed.activationBits, 0.0}, "activationBits");
    }
    if (fixed.outlierRatio)
    {
        CheckActivation({2, *fixed.outlierRatio}, "outlierRatio");
    }
    std::set<ActivationSetting> set(m_inputs.activationSettings.begin(),
                                    m_inputs.activationSettings.end());
    std::set<ActivationSetting> out;
    if (fixed.activationBits && fixed.outlierRatio)
    {
        const ActivationSetting a{*fixed.activationBits, *fixed.outlierRatio};
        CheckActivation(a, "outlierRatio");
        out.insert(a);
    }
    else if (fixed.activationBits)
    {
        const uint32_t b = *fixed.activationBits;
        for (const auto& a : set)
        {
            if (a.bits == b)
            {
                out.insert(a);
            }
        }
        if (out.empty())
        {
            // A width outside the set: with every ratio of the set (fp16: none).
            if (b >= LlmActivationCodec::MAX_BITS)
            {
                out.insert({b, 0.0});
            }
            else
            {
                for (const auto& a : set)
                {
                    out.insert({b, a.outlierRatio});
                }
            }
        }
    }
    else if (fixed.outlierRatio)
    {
        const double rho = *fixed.outlierRatio;
        for (const auto& a : set)
        {
            if (a.outlierRatio == rho)
            {
                out.insert(a);
            }
        }
        if (out.empty())
        {
            // A ratio outside the set: with every codec width of the set.
            for (const auto& a : set)
            {
                if (!a.IsUncompressed())
                {
                    out.insert({a.bits, rho});
                }
            }
        }
    }
    else
    {
        out = set;
    }
    return {out.begin(), out.end()};
}

LlmSplitOptimizer::Candidates
LlmSplitOptimizer::MakeCandidates(const Decisions& fixed) const
{
    Candidates c;
    const uint32_t nBlocks = m_memory.GetNumBlocks();
    if (fixed.splitLayer)
    {
        if (*fixed.splitLayer > nBlocks)
        {
            throw LlmInputError(kSource,
                                "splitLayer",
                                "expected 0 ... " + std::to_string(nBlocks)
                                    + " decoder blocks on the device, got "
                                    + std::to_string(*fixed.splitLayer));
        }
        c.splits = {*fixed.splitLayer};
    }
    else
    {
        for (uint32_t l = 0; l <= nBlocks; ++l)
        {
            c.splits.push_back(l);
        }
    }
    if (fixed.frontBits)
    {
        CheckWidth(*fixed.frontBits, "frontBits");
    }
    if (fixed.backBits)
    {
        CheckWidth(*fixed.backBits, "backBits");
    }
    if (fixed.kvBits)
    {
        CheckWidth(*fixed.kvBits, "kvBits");
    }
    if (fixed.frontBits && fixed.backBits && *fixed.frontBits > *fixed.backBits)
    {
        throw LlmInputError(kSource,
                            "frontBits",
                            "expected front bits <= back bits (OPSC compresses the front more), "
                            "got "
                                + std::to_string(*fixed.frontBits) + " > "
                                + std::to_string(*fixed.backBits));
    }
    const auto widths = SortedUnique(m_inputs.weightBits);
    c.back = fixed.backBits ? std::vector<uint32_t>{*fixed.backBits} : widths;
    const auto front = fixed.frontBits ? std::vector<uint32_t>{*fixed.frontBits} : widths;
    // Keep the front widths that have a back width at least as large.
    for (uint32_t q : front)
    {
        if (!c.back.empty() && c.back.back() >= q)
        {
            c.front.push_back(q);
        }
    }
    c.kv = fixed.kvBits ? std::vector<uint32_t>{*fixed.kvBits} : SortedUnique(m_inputs.kvBits);
    c.activations = ActivationCandidates(fixed);
    c.context = fixed.context && *fixed.context != 0 ? *fixed.context : m_requiredContext;
    return c;
}

void
LlmSplitOptimizer::CheckChoice(const Choice& c) const
{
    if (c.splitLayer > m_memory.GetNumBlocks())
    {
        throw LlmInputError(kSource,
                            "splitLayer",
                            "expected 0 ... " + std::to_string(m_memory.GetNumBlocks())
                                + " decoder blocks on the device, got "
                                + std::to_string(c.splitLayer));
    }
    CheckWidth(c.frontBits, "frontBits");
    CheckWidth(c.backBits, "backBits");
    CheckWidth(c.kvBits, "kvBits");
    if (c.frontBits > c.backBits)
    {
        throw LlmInputError(kSource,
                            "frontBits",
                            "expected front bits <= back bits, got " + std::to_string(c.frontBits)
                                + " > " + std::to_string(c.backBits));
    }
    CheckActivation(c.activation, "activation");
}

uint64_t
LlmSplitOptimizer::KvBytes(uint32_t split, uint32_t kvBits, uint64_t n) const
{
    return BitsToBytes(SatMul(SatMul(n, split), m_kvBitsPerToken[kvBits]));
}

uint64_t
LlmSplitOptimizer::MemoryBytes(uint32_t split,
                               uint32_t frontBits,
                               uint32_t kvBits,
                               uint64_t n) const
{
    return SatAdd(SatAdd(SatAdd(m_weightPrefix[frontBits][split], KvBytes(split, kvBits, n)),
                         m_activationBytes),
                  m_inputs.reserveBytes);
}

void
LlmSplitOptimizer::WeightError(uint32_t split,
                               uint32_t frontBits,
                               uint32_t backBits,
                               double& front,
                               double& back) const
{
    front = m_errorPrefix[frontBits][split];
    back = m_errorSuffix[backBits][split];
}

LlmSplitOptimizer::StepTime
LlmSplitOptimizer::Step(const Choice& c, uint64_t tokens, bool decodeStep) const
{
    const Inputs& in = m_inputs;
    const uint64_t d = m_memory.GetArchitecture().hiddenSize;
    const double t = static_cast<double>(tokens);
    StepTime s;
    s.deviceSeconds = t * m_flopsPrefix[c.splitLayer] / in.deviceFlops;
    if (in.deviceMemoryBandwidth > 0)
    {
        // Roofline: the step reads the device's weights once (a decode step also its KV cache).
        uint64_t bytes = m_weightPrefix[c.frontBits][c.splitLayer];
        if (decodeStep)
        {
            bytes = SatAdd(bytes, KvBytes(c.splitLayer, c.kvBits, c.context));
        }
        s.deviceSeconds =
            std::max(s.deviceSeconds, static_cast<double>(bytes) / in.deviceMemoryBandwidth);
    }
    s.cloudSeconds = t * m_flopsSuffix[c.splitLayer] / in.cloudFlops;
    if (in.cloudMemoryBandwidth > 0)
    {
        s.cloudSeconds = std::max(s.cloudSeconds,
                                  static_cast<double>(m_weightSuffix[c.backBits][c.splitLayer])
                                      / in.cloudMemoryBandwidth);
    }
    uint64_t payloadBits = 0;
    const uint64_t elements = SatMul(tokens, d);
    if (c.activation.IsUncompressed())
    {
        payloadBits = SatMul(elements, 16);
    }
    else
    {
        const double inputBytes = 2.0 * static_cast<double>(elements);
        s.encodeSeconds = in.encodeBytesPerSecond > 0 ? inputBytes / in.encodeBytesPerSecond : 0.0;
        s.decodeSeconds = in.decodeBytesPerSecond > 0 ? inputBytes / in.decodeBytesPerSecond : 0.0;
        // |O| = ⌊ρ·T·d⌋, as the codec's ratio threshold selects.
        const auto outliers = static_cast<uint64_t>(
            std::floor(c.activation.outlierRatio * static_cast<double>(elements)));
        payloadBits = LlmActivationCodec::PayloadBits(tokens, d, c.activation.bits, outliers);
    }
    const uint64_t payloadBytes = BitsToBytes(payloadBits);
    s.uplinkSeconds =
        static_cast<double>(SatAdd(payloadBytes, in.messageHeaderBytes)) * 8.0 / in.uplinkBps
        + in.propagationSeconds;
    s.downlinkSeconds =
        static_cast<double>(in.tokenIdBytes) * 8.0 / in.downlinkBps + in.propagationSeconds;
    const double single = s.deviceSeconds + s.encodeSeconds + s.uplinkSeconds + s.decodeSeconds
                          + s.cloudSeconds + s.downlinkSeconds;
    // K devices share the cloud: a step lasts at least K cloud jobs (asymptotic bound).
    const double cloudBound = static_cast<double>(in.devices) * (s.cloudSeconds + s.decodeSeconds);
    s.totalSeconds = std::max(single, cloudBound);
    return s;
}

LlmSplitOptimizer::Score
LlmSplitOptimizer::ScoreOf(const Choice& c, double nmse) const
{
    Score s;
    s.memoryBytes = MemoryBytes(c.splitLayer, c.frontBits, c.kvBits, c.context);
    double front = 0;
    double back = 0;
    WeightError(c.splitLayer, c.frontBits, c.backBits, front, back);
    s.quality = (front + back) + nmse;
    const double tpot = Step(c, 1, true).totalSeconds;
    if (m_inputs.metric == LatencyMetric::TPOT)
    {
        s.latency = tpot;
    }
    else
    {
        const double ttft = Step(c, m_inputs.promptTokens, false).totalSeconds;
        s.latency = ttft + static_cast<double>(m_inputs.generatedTokens - 1) * tpot;
    }
    return s;
}

bool
LlmSplitOptimizer::Precedes(const Choice& a,
                            const Score& sa,
                            const Choice& b,
                            const Score& sb) const
{
    const bool latencyFirst = m_inputs.objective == Objective::MIN_LATENCY;
    const double a1 = latencyFirst ? sa.latency : sa.quality;
    const double b1 = latencyFirst ? sb.latency : sb.quality;
    if (a1 != b1)
    {
        return a1 < b1;
    }
    const double a2 = latencyFirst ? sa.quality : sa.latency;
    const double b2 = latencyFirst ? sb.quality : sb.latency;
    if (a2 != b2)
    {
        return a2 < b2;
    }
    if (a.kvBits != b.kvBits)
    {
        return a.kvBits > b.kvBits;
    }
    if (sa.memoryBytes != sb.memoryBytes)
    {
        return sa.memoryBytes < sb.memoryBytes;
    }
    if (a.splitLayer != b.splitLayer)
    {
        return a.splitLayer < b.splitLayer;
    }
    if (a.frontBits != b.frontBits)
    {
        return a.frontBits < b.frontBits;
    }
    if (a.backBits != b.backBits)
    {
        return a.backBits < b.backBits;
    }
    return a.activation < b.activation;
}

LlmSplitOptimizer::Result
LlmSplitOptimizer::Fill(const Choice& c, double nmse) const
{
    const Inputs& in = m_inputs;
    const LlmArchitecture& arch = m_memory.GetArchitecture();
    const LlmProfile& profile = m_memory.GetProfile();
    Result r;
    r.model = arch.name;
    r.objective = ToString(in.objective);
    r.metric = ToString(in.metric);
    r.choice = c;
    r.requiredContext = m_requiredContext;
    r.deviceMemoryBudget = in.deviceMemoryBytes;
    r.memory = m_memory.DeviceMemory(c.splitLayer,
                                     c.frontBits,
                                     c.kvBits,
                                     c.context,
                                     in.promptTokens,
                                     in.reserveBytes);
    r.kvBytesPerTokenPerLayer = m_memory.KvBytesPerTokenPerLayer(c.kvBits);
    r.kvBytesPerToken = KvBytes(c.splitLayer, c.kvBits, 1);
    r.maxContext = m_memory.MaxContext(c.splitLayer,
                                       c.frontBits,
                                       c.kvBits,
                                       in.promptTokens,
                                       in.reserveBytes,
                                       in.deviceMemoryBytes);
    r.modelWeightBytes =
        SatAdd(m_weightPrefix[c.frontBits][c.splitLayer], m_weightSuffix[c.backBits][c.splitLayer]);
    double bits = 0;
    double original = 0;
    for (std::size_t i = 0; i < profile.GetNLayers(); ++i)
    {
        const double p = static_cast<double>(profile.GetLayer(i).params);
        bits += p * (i <= c.splitLayer ? c.frontBits : c.backBits);
        original += p * profile.GetOriginalBits();
    }
    r.quantizationRatio = original > 0 ? bits / original : 0.0;
    r.deviceFlopsPerToken = m_flopsPrefix[c.splitLayer];
    r.cloudFlopsPerToken = m_flopsSuffix[c.splitLayer];

    const uint64_t d = arch.hiddenSize;
    auto payload = [&](uint64_t tokens) {
        const uint64_t elements = SatMul(tokens, d);
        if (c.activation.IsUncompressed())
        {
            return BitsToBytes(SatMul(elements, 16));
        }
        const auto outliers = static_cast<uint64_t>(
            std::floor(c.activation.outlierRatio * static_cast<double>(elements)));
        return BitsToBytes(LlmActivationCodec::PayloadBits(tokens, d, c.activation.bits, outliers));
    };
    r.payloadBytesPerToken = payload(1);
    r.payloadBytesPrefill = payload(in.promptTokens);
    r.prefill = Step(c, in.promptTokens, false);
    r.decode = Step(c, 1, true);
    r.ttftSeconds = r.prefill.totalSeconds;
    r.tpotSeconds = r.decode.totalSeconds;
    r.totalSeconds = r.ttftSeconds + static_cast<double>(in.generatedTokens - 1) * r.tpotSeconds;
    r.latencySeconds = in.metric == LatencyMetric::TPOT ? r.tpotSeconds : r.totalSeconds;

    // Cloud-only: the prompt's ids up once, every layer in the cloud, the ids streamed back.
    const double k = static_cast<double>(in.devices);
    const uint64_t allWeights = SatAdd(m_weightPrefix[in.cloudOnlyBits][0],
                                       m_weightSuffix[in.cloudOnlyBits][0]); // every layer
    auto cloudAll = [&](double tokens) {
        double s = tokens * m_flopsTotal / in.cloudFlops;
        if (in.cloudMemoryBandwidth > 0)
        {
            s = std::max(s, static_cast<double>(allWeights) / in.cloudMemoryBandwidth);
        }
        return s;
    };
    const double idSeconds = static_cast<double>(in.tokenIdBytes) * 8.0 / in.downlinkBps;
    const double promptUp =
        static_cast<double>(SatAdd(SatMul(in.tokenIdBytes, in.promptTokens), in.messageHeaderBytes))
            * 8.0 / in.uplinkBps
        + in.propagationSeconds;
    const double prefillCloud = cloudAll(static_cast<double>(in.promptTokens));
    r.cloudOnlyTtftSeconds =
        std::max(promptUp + prefillCloud + idSeconds + in.propagationSeconds, k * prefillCloud);
    r.cloudOnlyTpotSeconds = std::max(k * cloudAll(1.0), idSeconds);
    r.cloudOnlyTotalSeconds =
        r.cloudOnlyTtftSeconds
        + static_cast<double>(in.generatedTokens - 1) * r.cloudOnlyTpotSeconds;
    const double cloudOnly =
        in.metric == LatencyMetric::TPOT ? r.cloudOnlyTpotSeconds : r.cloudOnlyTotalSeconds;
    r.speedupVsCloudOnly = r.latencySeconds > 0 ? cloudOnly / r.latencySeconds : 0.0;

    WeightError(c.splitLayer, c.frontBits, c.backBits, r.weightErrorFront, r.weightErrorBack);
    r.activationNmse = nmse;
    r.qualityProxy = (r.weightErrorFront + r.weightErrorBack) + nmse;
    r.qualityBudget = in.qualityBudget;
    r.latencyBudgetSeconds = in.latencyBudgetSeconds;
    return r;
}

std::string
LlmSplitOptimizer::MemoryReason(const Choice& c,
                                const LlmSplitMemory::Breakdown& m,
                                std::string& binding) const
{
    const uint64_t budget = m_inputs.deviceMemoryBytes;
    const std::string setting = "split layer " + std::to_string(c.splitLayer) + ", front bits "
                                + std::to_string(c.frontBits) + ", KV bits "
                                + std::to_string(c.kvBits);
    if (m.reserveBytes > budget)
    {
        binding = "memory-reserve";
        return "the runtime reserve alone (" + Bytes(m.reserveBytes)
               + ") exceeds the device memory of " + Bytes(budget);
    }
    const uint64_t withWeights = SatAdd(m.reserveBytes, m.weightBytes);
    if (withWeights > budget)
    {
        binding = "memory-weights";
        return "the weights alone (embedding + " + std::to_string(c.splitLayer) + " blocks at "
               + std::to_string(c.frontBits) + " bits: " + Bytes(m.weightBytes)
               + ") with the runtime reserve (" + Bytes(m.reserveBytes)
               + ") exceed the device memory of " + Bytes(budget) + " (" + setting + ")";
    }
    const uint64_t withAct = SatAdd(withWeights, m.activationBytes);
    if (withAct > budget)
    {
        binding = "memory-activation";
        return "the activation buffer of the " + std::to_string(m_inputs.promptTokens)
               + "-token prompt (" + Bytes(m.activationBytes) + ") does not fit in the "
               + Bytes(budget - withWeights) + " left after weights and reserve (" + setting + ")";
    }
    binding = "memory-kv";
    const auto nMax = m_memory.MaxContext(c.splitLayer,
                                          c.frontBits,
                                          c.kvBits,
                                          m_inputs.promptTokens,
                                          m_inputs.reserveBytes,
                                          budget);
    return "the KV cache at a context of " + std::to_string(c.context) + " tokens ("
           + Bytes(m.kvBytes) + " for " + std::to_string(c.splitLayer) + " blocks at "
           + std::to_string(c.kvBits) + " bits) does not fit in the " + Bytes(budget - withAct)
           + " left after weights, activation buffer and reserve; at most "
           + std::to_string(nMax ? *nMax : 0) + " tokens of context fit (" + setting + ")";
}

LlmSplitOptimizer::Result
LlmSplitOptimizer::Evaluate(const Choice& given) const
{
    CheckChoice(given);
    Choice choice = given;
    if (choice.context == 0)
    {
        choice.context = m_requiredContext;
    }
    const double nmse = NmseOf({choice.activation}).front();
    Result r = Fill(choice, nmse);
    const uint64_t limit = m_memory.GetArchitecture().maxContext;
    if (choice.context < m_requiredContext)
    {
        r.binding = "context";
        r.reason = "a context of " + std::to_string(choice.context)
                   + " tokens is below the required " + std::to_string(m_requiredContext);
    }
    else if (limit != 0 && choice.context > limit)
    {
        r.binding = "context-limit";
        r.reason = "a context of " + std::to_string(choice.context)
                   + " tokens exceeds the model's limit of " + std::to_string(limit);
    }
    else if (r.memory.totalBytes > m_inputs.deviceMemoryBytes)
    {
        r.reason = MemoryReason(choice, r.memory, r.binding);
    }
    else if (!(r.qualityProxy <= m_inputs.qualityBudget))
    {
        r.binding = "quality";
        r.reason = "the quality proxy " + Num(r.qualityProxy) + " exceeds the budget "
                   + Num(m_inputs.qualityBudget);
    }
    else if (!(r.latencySeconds <= m_inputs.latencyBudgetSeconds))
    {
        r.binding = "latency";
        r.reason = "the latency " + Num(r.latencySeconds) + " s exceeds the budget "
                   + Num(m_inputs.latencyBudgetSeconds) + " s";
    }
    r.feasible = r.binding.empty();
    return r;
}

LlmSplitOptimizer::Result
LlmSplitOptimizer::Optimize(const Decisions& fixed) const
{
    NS_LOG_FUNCTION(this);
    const auto start = std::chrono::steady_clock::now();
    const Candidates cand = MakeCandidates(fixed);
    const std::vector<double> nmse = NmseOf(cand.activations);
    const uint64_t budget = m_inputs.deviceMemoryBytes;
    const uint64_t limit = m_memory.GetArchitecture().maxContext;
    const double qualityBudget = m_inputs.qualityBudget;
    const double latencyBudget = m_inputs.latencyBudgetSeconds;

    uint64_t pairs = 0;
    for (uint32_t q1 : cand.front)
    {
        pairs += static_cast<uint64_t>(std::count_if(cand.back.begin(),
                                                     cand.back.end(),
                                                     [q1](uint32_t q) { return q >= q1; }));
    }
    uint64_t total =
        SatMul(SatMul(SatMul(cand.splits.size(), pairs), cand.activations.size()), cand.kv.size());

    double minNmse = std::numeric_limits<double>::infinity();
    for (double v : nmse)
    {
        minNmse = std::min(minNmse, v);
    }

    bool found = false;
    Choice best;
    Score bestScore;
    uint64_t evaluated = 0;
    const bool contextOk =
        cand.context >= m_requiredContext && (limit == 0 || cand.context <= limit);
    if (contextOk && !cand.front.empty() && !cand.activations.empty())
    {
        const uint32_t minKv = cand.kv.front();
        for (uint32_t split : cand.splits)
        {
            // Memory grows with ℓ: once the smallest widths do not fit, no larger ℓ does.
            if (MemoryBytes(split, cand.front.front(), minKv, cand.context) > budget)
            {
                break;
            }
            for (uint32_t q1 : cand.front)
            {
                if (MemoryBytes(split, q1, minKv, cand.context) > budget)
                {
                    break; // memory grows with Q_w1
                }
                for (uint32_t q2 : cand.back)
                {
                    if (q2 < q1)
                    {
                        continue;
                    }
                    double front = 0;
                    double back = 0;
                    WeightError(split, q1, q2, front, back);
                    const double weightError = front + back;
                    if (!(weightError + minNmse <= qualityBudget))
                    {
                        continue; // no activation setting meets the quality budget
                    }
                    for (uint32_t kv : cand.kv)
                    {
                        if (MemoryBytes(split, q1, kv, cand.context) > budget)
                        {
                            break; // memory grows with Q_kv
                        }
                        for (std::size_t a = 0; a < cand.activations.size(); ++a)
                        {
                            if (!(weightError + nmse[a] <= qualityBudget))
                            {
                                continue;
                            }
                            Choice c;
                            c.splitLayer = split;
                            c.frontBits = q1;
                            c.backBits = q2;
                            c.kvBits = kv;
                            c.activation = cand.activations[a];
                            c.context = cand.context;
                            const Score s = ScoreOf(c, nmse[a]);
                            ++evaluated;
                            if (!(s.latency <= latencyBudget))
                            {
                                continue;
                            }
                            if (!found || Precedes(c, s, best, bestScore))
                            {
                                found = true;
                                best = c;
                                bestScore = s;
                            }
                        }
                    }
                }
            }
        }
    }

    Result r;
    if (found)
    {
        const auto it =
            std::find(cand.activations.begin(), cand.activations.end(), best.activation);
        r = Fill(best, nmse[static_cast<std::size_t>(it - cand.activations.begin())]);
        r.feasible = true;
    }
    else
    {
        Explain(cand, r);
        r.feasible = false;
    }
    r.settingsTotal = total;
    r.settingsEvaluated = evaluated;
    r.searchSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    NS_LOG_INFO("split optimizer: " << (r.feasible ? "feasible" : "infeasible") << ", " << evaluated
                                    << " of " << total << " settings evaluated");
    return r;
}

void
LlmSplitOptimizer::Explain(const Candidates& cand, Result& r) const
{
    const uint64_t budget = m_inputs.deviceMemoryBytes;
    const uint64_t limit = m_memory.GetArchitecture().maxContext;
    if (cand.front.empty())
    {
        r = Result();
        r.model = m_memory.GetArchitecture().name;
        r.objective = ToString(m_inputs.objective);
        r.metric = ToString(m_inputs.metric);
        r.binding = "decisions";
        r.reason = "no back width of " + SetText(cand.back)
                   + " is at least a front width (front bits <= back bits)";
        return;
    }
    if (cand.activations.empty())
    {
        r = Result();
        r.model = m_memory.GetArchitecture().name;
        r.objective = ToString(m_inputs.objective);
        r.metric = ToString(m_inputs.metric);
        r.binding = "decisions";
        r.reason = "no activation setting matches the fixed bits and outlier ratio";
        return;
    }
    const std::vector<double> nmse = NmseOf(cand.activations);
    // The most compressed setting: the smallest ℓ, Q_w1 and Q_kv (the least memory), the
    // activation setting of the smallest NMSE and the largest back width (the best quality).
    Choice c;
    c.splitLayer = cand.splits.front();
    c.frontBits = cand.front.front();
    c.backBits = cand.back.back();
    c.kvBits = cand.kv.front();
    const auto minIt = std::min_element(nmse.begin(), nmse.end());
    c.activation = cand.activations[static_cast<std::size_t>(minIt - nmse.begin())];
    c.context = cand.context;
    if (cand.context < m_requiredContext || (limit != 0 && cand.context > limit))
    {
        r = Fill(c, *minIt);
        if (cand.context < m_requiredContext)
        {
            r.binding = "context";
            r.reason = "the context of " + std::to_string(cand.context)
                       + " tokens is below the required " + std::to_string(m_requiredContext)
                       + " (prompt + generated tokens unless given)";
        }
        else
        {
            r.binding = "context-limit";
            r.reason = "the " + std::string(cand.context == m_requiredContext ? "required " : "")
                       + "context of " + std::to_string(cand.context)
                       + " tokens exceeds the model's context limit of " + std::to_string(limit)
                       + " tokens";
        }
        return;
    }
    if (MemoryBytes(c.splitLayer, c.frontBits, c.kvBits, c.context) > budget)
    {
        r = Fill(c, *minIt);
        r.reason = "even the most compressed setting does not fit: "
                   + MemoryReason(c, r.memory, r.binding);
        return;
    }
    // Memory admits some setting: find the best quality among those that fit, and the fastest
    // among those that also meet the quality budget.
    bool anyFit = false;
    bool anyQuality = false;
    Choice bestQ;
    Score bestQScore;
    Choice fastest;
    Score fastestScore;
    for (uint32_t split : cand.splits)
    {
        for (uint32_t q1 : cand.front)
        {
            for (uint32_t q2 : cand.back)
            {
                if (q2 < q1)
                {
                    continue;
                }
                for (uint32_t kv : cand.kv)
                {
                    if (MemoryBytes(split, q1, kv, cand.context) > budget)
                    {
                        continue;
                    }
                    for (std::size_t a = 0; a < cand.activations.size(); ++a)
                    {
                        Choice x;
                        x.splitLayer = split;
                        x.frontBits = q1;
                        x.backBits = q2;
                        x.kvBits = kv;
                        x.activation = cand.activations[a];
                        x.context = cand.context;
                        const Score s = ScoreOf(x, nmse[a]);
                        if (!anyFit || s.quality < bestQScore.quality)
                        {
                            anyFit = true;
                            bestQ = x;
                            bestQScore = s;
                        }
                        if (s.quality <= m_inputs.qualityBudget
                            && (!anyQuality || s.latency < fastestScore.latency))
                        {
                            anyQuality = true;
                            fastest = x;
                            fastestScore = s;
                        }
                    }
                }
            }
        }
    }
    auto nmseOf = [&](const Choice& x) {
        const auto it = std::find(cand.activations.begin(), cand.activations.end(), x.activation);
        return nmse[static_cast<std::size_t>(it - cand.activations.begin())];
    };
    if (!anyQuality)
    {
        r = Fill(bestQ, nmseOf(bestQ));
        r.binding = "quality";
        r.reason = "the quality budget " + Num(m_inputs.qualityBudget)
                   + " rules out every setting that fits in memory: the best quality proxy is "
                   + Num(bestQScore.quality) + " (weights "
                   + Num(r.weightErrorFront + r.weightErrorBack) + " at split layer "
                   + std::to_string(bestQ.splitLayer) + ", front bits "
                   + std::to_string(bestQ.frontBits) + ", back bits "
                   + std::to_string(bestQ.backBits) + "; activation NMSE " + Num(r.activationNmse)
                   + " at " + bestQ.activation.ToString() + ")";
        return;
    }
    r = Fill(fastest, nmseOf(fastest));
    r.binding = "latency";
    r.reason = "the latency budget of " + Num(m_inputs.latencyBudgetSeconds) + " s ("
               + ToString(m_inputs.metric)
               + ") rules out every setting that fits in memory and meets the quality budget: the "
                 "fastest takes "
               + Num(fastestScore.latency) + " s";
}

std::string
LlmSplitOptimizer::Result::ToJson() const
{
    using Json = nlohmann::ordered_json;
    auto finite = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
    auto step = [&](const StepTime& s) {
        Json j;
        j["device_s"] = s.deviceSeconds;
        j["encode_s"] = s.encodeSeconds;
        j["uplink_s"] = s.uplinkSeconds;
        j["decode_s"] = s.decodeSeconds;
        j["cloud_s"] = s.cloudSeconds;
        j["downlink_s"] = s.downlinkSeconds;
        j["step_s"] = s.totalSeconds;
        return j;
    };
    Json j;
    j["feasible"] = feasible;
    j["binding"] = binding.empty() ? Json(nullptr) : Json(binding);
    j["reason"] = reason.empty() ? Json(nullptr) : Json(reason);
    j["model"] = model;
    j["objective"] = objective;
    j["metric"] = metric;
    j["split_layer"] = choice.splitLayer;
    j["front_bits"] = choice.frontBits;
    j["back_bits"] = choice.backBits;
    j["kv_bits"] = choice.kvBits;
    j["activation_bits"] = choice.activation.bits;
    j["outlier_ratio"] = choice.activation.outlierRatio;
    j["activation_codec"] = !choice.activation.IsUncompressed();
    j["context_tokens"] = choice.context;
    j["required_context_tokens"] = requiredContext;
    j["max_context_tokens"] = maxContext ? Json(*maxContext) : Json(nullptr);
    j["device_memory_budget_bytes"] = deviceMemoryBudget;
    j["device_memory_bytes"] = memory.totalBytes;
    j["device_weight_bytes"] = memory.weightBytes;
    j["device_kv_bytes"] = memory.kvBytes;
    j["device_activation_bytes"] = memory.activationBytes;
    j["device_reserve_bytes"] = memory.reserveBytes;
    j["kv_bytes_per_token"] = kvBytesPerToken;
    j["kv_bytes_per_token_per_layer"] = kvBytesPerTokenPerLayer;
    j["model_weight_bytes"] = modelWeightBytes;
    j["quantization_ratio"] = quantizationRatio;
    j["device_flops_per_token"] = deviceFlopsPerToken;
    j["cloud_flops_per_token"] = cloudFlopsPerToken;
    j["payload_bytes_per_token"] = payloadBytesPerToken;
    j["payload_bytes_prefill"] = payloadBytesPrefill;
    j["ttft_s"] = ttftSeconds;
    j["tpot_s"] = tpotSeconds;
    j["total_s"] = totalSeconds;
    j["latency_s"] = latencySeconds;
    j["prefill"] = step(prefill);
    j["decode"] = step(decode);
    j["cloud_only_ttft_s"] = cloudOnlyTtftSeconds;
    j["cloud_only_tpot_s"] = cloudOnlyTpotSeconds;
    j["cloud_only_total_s"] = cloudOnlyTotalSeconds;
    j["speedup_vs_cloud_only"] = speedupVsCloudOnly;
    j["weight_error_front"] = finite(weightErrorFront);
    j["weight_error_back"] = finite(weightErrorBack);
    j["activation_nmse"] = finite(activationNmse);
    j["quality_proxy"] = finite(qualityProxy);
    j["quality_budget"] = finite(qualityBudget);
    j["latency_budget_s"] = finite(latencyBudgetSeconds);
    j["settings_total"] = settingsTotal;
    j["settings_evaluated"] = settingsEvaluated;
    j["search_s"] = searchSeconds;
    return j.dump(2);
}

} // namespace ns3

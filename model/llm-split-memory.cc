// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-memory.h"

#include "llm-input-error.h"
#include "ns3/log.h"

#include <limits>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmSplitMemory");

namespace
{

const char* const kSource = "split memory";
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

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

/// ⌈bits / 8⌉ without overflow.
uint64_t
BitsToBytes(uint64_t bits)
{
    return bits / 8 + (bits % 8 != 0 ? 1 : 0);
}

/// Refuse a width outside 1 ... 32.
void
CheckBits(uint32_t bits, const char* field)
{
    if (bits < 1 || bits > LlmSplitMemory::MAX_BITS)
    {
        throw LlmInputError(kSource,
                            field,
                            "expected a width of 1 ... 32 bits, got " + std::to_string(bits));
    }
}

} // namespace

LlmSplitMemory::LlmSplitMemory(const LlmArchitecture& arch, uint64_t groupSize)
    : m_arch(arch)
    , m_groupSize(groupSize)
{
    NS_LOG_FUNCTION(this << arch.name << groupSize);
    // FromArchitecture needs the head fields checked first (D = d / H).
    Check();
    m_profile = LlmProfile::FromArchitecture(arch);
}

LlmSplitMemory::LlmSplitMemory(const LlmArchitecture& arch,
                               const LlmProfile& profile,
                               uint64_t groupSize)
    : m_arch(arch)
    , m_profile(profile)
    , m_groupSize(groupSize)
{
    NS_LOG_FUNCTION(this << arch.name << profile.GetName() << groupSize);
    Check();
    if (m_profile.GetNLayers() != static_cast<std::size_t>(m_arch.numLayers) + 2)
    {
        throw LlmInputError(kSource,
                            "profile",
                            "expected " + std::to_string(m_arch.numLayers + 2ULL)
                                + " layers (embedding, " + std::to_string(m_arch.numLayers)
                                + " blocks, head), got " + std::to_string(m_profile.GetNLayers()));
    }
}

void
LlmSplitMemory::Check() const
{
    if (m_arch.numLayers < 1)
    {
        throw LlmInputError(kSource, "numLayers", "expected at least one decoder block, got 0");
    }
    if (m_arch.hiddenSize < 1)
    {
        throw LlmInputError(kSource, "hiddenSize", "expected a positive model width, got 0");
    }
    if (m_arch.numHeads < 1)
    {
        throw LlmInputError(kSource,
                            "numHeads",
                            "expected the attention heads H (the KV cache needs them), got 0");
    }
    if (m_arch.GetKvHeads() < 1 || m_arch.GetHeadDim() < 1)
    {
        throw LlmInputError(kSource,
                            "headDim",
                            "expected a positive head dimension D (d / H is 0), got 0");
    }
}

void
LlmSplitMemory::CheckSplit(uint32_t value, const char* field) const
{
    if (value > m_arch.numLayers)
    {
        throw LlmInputError(kSource,
                            field,
                            "expected 0 ... " + std::to_string(m_arch.numLayers)
                                + " decoder blocks, got " + std::to_string(value));
    }
}

const LlmArchitecture&
LlmSplitMemory::GetArchitecture() const
{
    return m_arch;
}

const LlmProfile&
LlmSplitMemory::GetProfile() const
{
    return m_profile;
}

uint32_t
LlmSplitMemory::GetNumBlocks() const
{
    return m_arch.numLayers;
}

uint64_t
LlmSplitMemory::GetGroupSize() const
{
    return m_groupSize;
}

uint64_t
LlmSplitMemory::WeightBytes(uint64_t params, uint32_t bits, uint64_t groupSize)
{
    CheckBits(bits, "bits");
    uint64_t bytes = BitsToBytes(SatMul(params, bits));
    if (groupSize > 0 && bits < FLOAT_BITS)
    {
        const uint64_t groups = params / groupSize + (params % groupSize != 0 ? 1 : 0);
        bytes = SatAdd(bytes, SatMul(groups, GROUP_OVERHEAD_BITS / 8));
    }
    return bytes;
}

uint64_t
LlmSplitMemory::LayerWeightBytes(std::size_t layer, uint32_t bits) const
{
    if (layer >= m_profile.GetNLayers())
    {
        throw LlmInputError(kSource,
                            "layer",
                            "expected a layer index 0 ... "
                                + std::to_string(m_profile.GetNLayers() - 1) + ", got "
                                + std::to_string(layer));
    }
    return WeightBytes(m_profile.GetLayer(layer).params, bits, m_groupSize);
}

uint64_t
LlmSplitMemory::ModelWeightBytes(uint32_t precisionPoint,
                                 uint32_t frontBits,
                                 uint32_t backBits) const
{
    CheckSplit(precisionPoint, "precisionPoint");
    CheckBits(frontBits, "frontBits");
    CheckBits(backBits, "backBits");
    uint64_t sum = 0;
    for (std::size_t i = 0; i < m_profile.GetNLayers(); ++i)
    {
        sum = SatAdd(sum, LayerWeightBytes(i, i <= precisionPoint ? frontBits : backBits));
    }
    return sum;
}

uint64_t
LlmSplitMemory::DeviceWeightBytes(uint32_t split, uint32_t frontBits) const
{
    return DeviceWeightBytes(split, split, frontBits, frontBits);
}

uint64_t
LlmSplitMemory::DeviceWeightBytes(uint32_t split,
                                  uint32_t precisionPoint,
                                  uint32_t frontBits,
                                  uint32_t backBits) const
{
    CheckSplit(split, "split");
    CheckSplit(precisionPoint, "precisionPoint");
    CheckBits(frontBits, "frontBits");
    CheckBits(backBits, "backBits");
    uint64_t sum = 0;
    for (std::size_t i = 0; i <= split; ++i)
    {
        sum = SatAdd(sum, LayerWeightBytes(i, i <= precisionPoint ? frontBits : backBits));
    }
    return sum;
}

uint64_t
LlmSplitMemory::KvBitsPerTokenPerLayer(uint32_t kvBits) const
{
    CheckBits(kvBits, "kvBits");
    return SatMul(SatMul(2ULL * m_arch.GetKvHeads(), m_arch.GetHeadDim()), kvBits);
}

uint64_t
LlmSplitMemory::KvBytesPerTokenPerLayer(uint32_t kvBits) const
{
    return BitsToBytes(KvBitsPerTokenPerLayer(kvBits));
}

uint64_t
LlmSplitMemory::KvCacheBytes(uint32_t split, uint32_t kvBits, uint64_t context) const
{
    CheckSplit(split, "split");
    return BitsToBytes(SatMul(SatMul(context, split), KvBitsPerTokenPerLayer(kvBits)));
}

uint64_t
LlmSplitMemory::PaperKvBits(uint64_t token,
                            uint32_t layer,
                            const std::vector<uint32_t>& bitsPerLayer) const
{
    if (token < 1)
    {
        throw LlmInputError(kSource, "token", "expected a token index w >= 1, got 0");
    }
    if (layer < 1 || layer > m_arch.numLayers)
    {
        throw LlmInputError(kSource,
                            "layer",
                            "expected a layer 1 ... " + std::to_string(m_arch.numLayers) + ", got "
                                + std::to_string(layer));
    }
    if (bitsPerLayer.size() != m_arch.numLayers)
    {
        throw LlmInputError(kSource,
                            "bitsPerLayer",
                            "expected " + std::to_string(m_arch.numLayers)
                                + " widths (one per decoder block), got "
                                + std::to_string(bitsPerLayer.size()));
    }
    const uint64_t perToken = SatMul(m_arch.GetKvHeads(), m_arch.GetHeadDim()); // T_1
    const uint64_t tw = SatMul(token, perToken);                                // T_w
    const uint64_t twPrev = SatMul(token - 1, perToken);                        // T_{w−1}
    uint64_t bits = 0;
    for (uint32_t k = 1; k <= m_arch.numLayers; ++k)
    {
        const uint64_t t = k <= layer ? tw : twPrev;
        bits = SatAdd(bits, SatMul(2, SatMul(t, bitsPerLayer[k - 1])));
    }
    // The token's own query at layer ℓ: H·D elements at Q_{a,ℓ}.
    const uint64_t query =
        SatMul(SatMul(m_arch.numHeads, m_arch.GetHeadDim()), bitsPerLayer[layer - 1]);
    return SatAdd(bits, query);
}

uint64_t
LlmSplitMemory::ActivationBufferBytes(uint64_t promptTokens) const
{
    return SatMul(SatMul(promptTokens, m_arch.hiddenSize), ACTIVATION_BYTES_PER_ELEMENT);
}

LlmSplitMemory::Breakdown
LlmSplitMemory::DeviceMemory(uint32_t split,
                             uint32_t frontBits,
                             uint32_t kvBits,
                             uint64_t context,
                             uint64_t promptTokens,
                             uint64_t reserveBytes) const
{
    Breakdown b;
    b.weightBytes = DeviceWeightBytes(split, frontBits);
    b.kvBytes = KvCacheBytes(split, kvBits, context);
    b.activationBytes = ActivationBufferBytes(promptTokens);
    b.reserveBytes = reserveBytes;
    b.totalBytes =
        SatAdd(SatAdd(SatAdd(b.weightBytes, b.kvBytes), b.activationBytes), b.reserveBytes);
    return b;
}

std::optional<uint64_t>
LlmSplitMemory::MaxContext(uint32_t split,
                           uint32_t frontBits,
                           uint32_t kvBits,
                           uint64_t promptTokens,
                           uint64_t reserveBytes,
                           uint64_t budgetBytes) const
{
    const Breakdown s = DeviceMemory(split, frontBits, kvBits, 0, promptTokens, reserveBytes);
    if (s.totalBytes > budgetBytes || s.totalBytes == kMax)
    {
        return std::nullopt;
    }
    const uint64_t limit = m_arch.maxContext != 0 ? m_arch.maxContext : kMax;
    const uint64_t perToken = SatMul(split, KvBitsPerTokenPerLayer(kvBits)); // c, bits
    if (perToken == 0)
    {
        return limit;
    }
    // N_max = ⌊8·A/c⌋ with A = M_max − S, as 8·⌊A/c⌋ + ⌊8·(A mod c)/c⌋; the second term by
    // three steps of binary long division, so that nothing overflows.
    const uint64_t available = budgetBytes - s.totalBytes;
    const uint64_t q = available / perToken;
    uint64_t r = available % perToken;
    if (q >= limit / 8 + 1)
    {
        return limit;
    }
    uint64_t rem = 0;
    for (int step = 0; step < 3; ++step)
    {
        rem <<= 1;
        if (r >= perToken - r)
        {
            r -= perToken - r;
            rem |= 1;
        }
        else
        {
            r += r;
        }
    }
    const uint64_t n = SatAdd(8 * q, rem);
    return n < limit ? n : limit;
}

} // namespace ns3

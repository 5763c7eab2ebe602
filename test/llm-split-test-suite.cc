// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/llm-activation-codec.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-profile.h"
#include "ns3/llm-split-memory.h"
#include "ns3/llm-split-optimizer.h"
#include "ns3/rng-stream.h"
#include "ns3/test.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

using namespace ns3;

namespace
{

using Opt = LlmSplitOptimizer;
using Act = LlmSplitOptimizer::ActivationSetting;

/// The message of the LlmInputError f throws ("" if none).
std::string
InputErrorOf(const std::function<void()>& f)
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

/// An NMSE table for the default activation settings (made-up values, decreasing in b and
/// with ρ), so that the tests need no calibration.
std::map<Act, double>
FixedNmseTable()
{
    std::map<Act, double> t;
    for (const Act& a : Opt::Inputs::DefaultActivationSettings())
    {
        if (a.IsUncompressed())
        {
            t[a] = 0;
            continue;
        }
        t[a] = std::ldexp(1.0, -2 * static_cast<int>(a.bits)) * (a.outlierRatio > 0 ? 0.5 : 4.0)
               / (1.0 + 100.0 * a.outlierRatio);
    }
    return t;
}

/// Default inputs with the fixed NMSE table.
Opt::Inputs
DefaultInputs()
{
    Opt::Inputs in;
    in.activationNmse = FixedNmseTable();
    return in;
}

/**
 * @ingroup edge-llm-tests
 * KV growth per token and decoder block = 2·H_kv·D·Q_kv/8: Llama-2-7b fp16 16,384 B, 13b
 * 20,480 B, 70b (8 KV heads) 4,096 B; the device's cache is N·ℓ times it.
 */
class LlmSplitKvGrowthTestCase : public TestCase
{
  public:
    LlmSplitKvGrowthTestCase()
        : TestCase("KV cache per token and block is 2 H_kv D Q_kv bits")
    {
    }

  private:
    void DoRun() override
    {
        const LlmSplitMemory m7(LlmProfile::BuiltInArchitecture("llama-2-7b"));
        const LlmSplitMemory m13(LlmProfile::BuiltInArchitecture("llama-2-13b"));
        const LlmSplitMemory m70(LlmProfile::BuiltInArchitecture("llama-2-70b"));
        NS_TEST_ASSERT_MSG_EQ(m7.KvBytesPerTokenPerLayer(16), 16384, "Llama-2-7b fp16");
        NS_TEST_ASSERT_MSG_EQ(m13.KvBytesPerTokenPerLayer(16), 20480, "Llama-2-13b fp16");
        NS_TEST_ASSERT_MSG_EQ(m70.KvBytesPerTokenPerLayer(16), 4096, "Llama-2-70b fp16 (GQA)");
        NS_TEST_ASSERT_MSG_EQ(m7.KvBytesPerTokenPerLayer(4), 4096, "Llama-2-7b 4 bits");
        NS_TEST_ASSERT_MSG_EQ(m7.KvBitsPerTokenPerLayer(8), 2 * 32 * 128 * 8, "7b, 8 bits");
        NS_TEST_ASSERT_MSG_EQ(m7.KvCacheBytes(32, 16, 4096),
                              uint64_t{4096} * 32 * 16384,
                              "a full 4096-token cache of all 32 blocks (2 GiB)");
        NS_TEST_ASSERT_MSG_EQ(m7.KvCacheBytes(0, 16, 4096), 0, "no blocks on the device");
        NS_TEST_ASSERT_MSG_EQ(m70.KvCacheBytes(10, 8, 100), uint64_t{100} * 10 * 2048, "70b");
        // Growth is linear in N and ℓ.
        for (uint64_t n : {1, 7, 100, 4096})
        {
            for (uint32_t l : {1U, 5U, 32U})
            {
                NS_TEST_ASSERT_MSG_EQ(m7.KvCacheBytes(l, 8, n + 1) - m7.KvCacheBytes(l, 8, n),
                                      l * m7.KvBytesPerTokenPerLayer(8),
                                      "growth per token at l = " << l);
            }
        }
        // 3 bits: 2·32·128·3 = 24,576 bits = 3,072 bytes.
        NS_TEST_ASSERT_MSG_EQ(m7.KvBytesPerTokenPerLayer(3), 3072, "3 bits");
    }
};

/**
 * @ingroup edge-llm-tests
 * B_w and OPSC's M: a Llama-2-7b block has 202,383,360 parameters; group overhead; M monotone
 * in the precision point; the device's weights grow with ℓ; M at one width is the model.
 */
class LlmSplitWeightMemoryTestCase : public TestCase
{
  public:
    LlmSplitWeightMemoryTestCase()
        : TestCase("OPSC weight memory M and the device's weights")
    {
    }

  private:
    void DoRun() override
    {
        const LlmArchitecture a = LlmProfile::BuiltInArchitecture("llama-2-7b");
        const LlmSplitMemory m(a);
        NS_TEST_ASSERT_MSG_EQ(m.GetNumBlocks(), 32, "blocks");
        NS_TEST_ASSERT_MSG_EQ(m.LayerWeightBytes(1, 8), 202383360ULL, "one block at 8 bits");
        NS_TEST_ASSERT_MSG_EQ(m.LayerWeightBytes(1, 16), 404766720ULL, "one block at fp16");
        NS_TEST_ASSERT_MSG_EQ(m.LayerWeightBytes(1, 4), 101191680ULL, "one block at 4 bits");
        NS_TEST_ASSERT_MSG_EQ(m.LayerWeightBytes(0, 8), 32000ULL * 4096, "embedding, 8 bits");
        NS_TEST_ASSERT_MSG_EQ(m.ModelWeightBytes(32, 8, 8),
                              6738415616ULL,
                              "the whole model at 8 bits: one byte per parameter");
        NS_TEST_ASSERT_MSG_EQ(LlmSplitMemory::WeightBytes(3, 3, 0), 2, "⌈9/8⌉ bytes");
        // Groups of 128 at 4 bits: ⌈p/128⌉ scale and zero point pairs of 4 bytes.
        const LlmSplitMemory g(a, 128);
        NS_TEST_ASSERT_MSG_EQ(g.LayerWeightBytes(1, 4),
                              101191680ULL + (202383360ULL / 128) * 4,
                              "group overhead at 4 bits");
        NS_TEST_ASSERT_MSG_EQ(g.LayerWeightBytes(1, 16), 404766720ULL, "none at fp16");
        NS_TEST_ASSERT_MSG_EQ(LlmSplitMemory::WeightBytes(129, 4, 128), 65 + 2 * 4, "⌈129/128⌉");

        uint64_t prevModel = std::numeric_limits<uint64_t>::max();
        uint64_t prevDevice = 0;
        for (uint32_t l = 0; l <= 32; ++l)
        {
            const uint64_t model = m.ModelWeightBytes(l, 4, 16);
            const uint64_t device = m.DeviceWeightBytes(l, 4);
            NS_TEST_ASSERT_MSG_LT(model, prevModel, "M(l, 4, 16) falls as l grows, l = " << l);
            NS_TEST_ASSERT_MSG_GT(device, prevDevice, "device weights grow, l = " << l);
            uint64_t rest = 0;
            for (std::size_t i = l + 1; i < 34; ++i)
            {
                rest += m.LayerWeightBytes(i, 16);
            }
            NS_TEST_ASSERT_MSG_EQ(model, device + rest, "M = front at Q_w1 + back at Q_w2");
            NS_TEST_ASSERT_MSG_EQ(m.DeviceWeightBytes(l, l, 4, 16), device, "l_w = l");
            prevModel = model;
            prevDevice = device;
        }
        // Precision point below the split: blocks after l_w at the back width on the device.
        NS_TEST_ASSERT_MSG_EQ(m.DeviceWeightBytes(8, 4, 4, 16),
                              m.DeviceWeightBytes(4, 4) + 4 * m.LayerWeightBytes(1, 16),
                              "l = 8, l_w = 4");
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] { m.DeviceWeightBytes(33, 4); }),
                              "",
                              "split above L refused");
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] { m.LayerWeightBytes(1, 0); }),
                              "",
                              "0 bits refused");
    }
};

/**
 * @ingroup edge-llm-tests
 * The paper's B_kv(w, ℓ; Q_a) on hand-computed examples.
 */
class LlmSplitPaperKvTestCase : public TestCase
{
  public:
    LlmSplitPaperKvTestCase()
        : TestCase("The paper's B_kv(w, l; Q_a) on hand examples")
    {
    }

  private:
    void DoRun() override
    {
        LlmArchitecture a;
        a.name = "toy";
        a.family = LlmArchitecture::Family::LLAMA;
        a.vocabSize = 10;
        a.hiddenSize = 8;
        a.ffnSize = 16;
        a.numLayers = 3;
        a.numHeads = 2;
        a.numKvHeads = 2;
        a.headDim = 4;
        a.tiedHead = false;
        const LlmSplitMemory m(a);
        // T_5 = 5·2·4 = 40, T_4 = 32: 2·(40·8 + 40·16) + 2·(32·4) + 2·4·16 = 2304 bits.
        NS_TEST_ASSERT_MSG_EQ(m.PaperKvBits(5, 2, {8, 16, 4}), 2304, "w = 5, l = 2");
        // w = 1, l = 3: T_1 = 8, T_0 = 0: 2·8·(8 + 16 + 4) + 2·4·4 = 480 bits.
        NS_TEST_ASSERT_MSG_EQ(m.PaperKvBits(1, 3, {8, 16, 4}), 480, "w = 1, l = L");
        // w = 2, l = 1: 2·16·8 + 2·8·(16 + 4) + 2·4·8 = 256 + 320 + 64 = 640 bits.
        NS_TEST_ASSERT_MSG_EQ(m.PaperKvBits(2, 1, {8, 16, 4}), 640, "w = 2, l = 1");
        // Grouped-query: H = 4 query heads, H_kv = 2 (d = 16): T_w counts the KV heads, the
        // last term the query heads: 1920 + 256 + 4·4·16 = 2432 bits.
        a.numHeads = 4;
        a.hiddenSize = 16;
        const LlmSplitMemory g(a);
        NS_TEST_ASSERT_MSG_EQ(g.PaperKvBits(5, 2, {8, 16, 4}), 2432, "GQA");
        // The paper's per-layer cache growth equals ours: B_kv(w+1) − B_kv(w) at ℓ = L with one
        // width is L·2·H_kv·D·Q.
        const std::vector<uint32_t> q16(3, 16);
        NS_TEST_ASSERT_MSG_EQ(g.PaperKvBits(9, 3, q16) - g.PaperKvBits(8, 3, q16),
                              3 * g.KvBitsPerTokenPerLayer(16),
                              "growth per token");
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] {
                                  m.PaperKvBits(0, 1, {8, 16, 4});
                              }),
                              "",
                              "w = 0 refused");
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] {
                                  m.PaperKvBits(1, 0, {8, 16, 4});
                              }),
                              "",
                              "l = 0 refused");
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] {
                                  m.PaperKvBits(1, 1, {8, 16});
                              }),
                              "",
                              "wrong number of widths refused");
    }
};

/**
 * @ingroup edge-llm-tests
 * M_dev's breakdown, and N_max: M_dev(N_max) fits, N_max + 1 does not (or exceeds the
 * model's context limit); on Llama-2-7b and on random small architectures with odd widths.
 */
class LlmSplitMaxContextTestCase : public TestCase
{
  public:
    LlmSplitMaxContextTestCase()
        : TestCase("Device memory breakdown and the exact N_max boundary")
    {
    }

  private:
    /// Check the boundary of one setting.
    bool Check(const LlmSplitMemory& m,
               uint32_t l,
               uint32_t q1,
               uint32_t qkv,
               uint64_t p,
               uint64_t reserve,
               uint64_t budget)
    {
        const auto n = m.MaxContext(l, q1, qkv, p, reserve, budget);
        const uint64_t limit = m.GetArchitecture().maxContext;
        if (!n)
        {
            NS_TEST_EXPECT_MSG_GT(m.DeviceMemory(l, q1, qkv, 0, p, reserve).totalBytes,
                                  budget,
                                  "nullopt only when nothing fits");
            return true;
        }
        NS_TEST_EXPECT_MSG_LT_OR_EQ(m.DeviceMemory(l, q1, qkv, *n, p, reserve).totalBytes,
                                    budget,
                                    "N_max fits (l " << l << ", Q_kv " << qkv << ")");
        if (l == 0)
        {
            // No cache on the device: the context limit, or no limit at all.
            const uint64_t expected = limit != 0 ? limit : std::numeric_limits<uint64_t>::max();
            NS_TEST_EXPECT_MSG_EQ(*n, expected, "l = 0");
            return true;
        }
        const bool atLimit = limit != 0 && *n == limit;
        if (!atLimit)
        {
            NS_TEST_EXPECT_MSG_GT(m.DeviceMemory(l, q1, qkv, *n + 1, p, reserve).totalBytes,
                                  budget,
                                  "N_max + 1 does not fit (l " << l << ", Q_kv " << qkv << ")");
        }
        return atLimit;
    }

    void DoRun() override
    {
        const LlmSplitMemory m(LlmProfile::BuiltInArchitecture("llama-2-7b"));
        const auto b = m.DeviceMemory(8, 4, 16, 256, 128, 1ULL << 30);
        NS_TEST_ASSERT_MSG_EQ(b.weightBytes, m.DeviceWeightBytes(8, 4), "weights");
        NS_TEST_ASSERT_MSG_EQ(b.kvBytes, uint64_t{256} * 8 * 16384, "KV: N·l·16,384");
        NS_TEST_ASSERT_MSG_EQ(b.activationBytes, uint64_t{128} * 4096 * 2, "B_act = P·d·2");
        NS_TEST_ASSERT_MSG_EQ(b.reserveBytes, (1ULL << 30), "reserve");
        NS_TEST_ASSERT_MSG_EQ(b.totalBytes,
                              b.weightBytes + b.kvBytes + b.activationBytes + b.reserveBytes,
                              "total");

        uint32_t interior = 0;
        for (uint32_t l : {1U, 8U, 20U, 32U})
        {
            for (uint32_t qkv : {3U, 4U, 8U, 16U})
            {
                for (uint64_t extra : {0ULL, 1ULL, 12345ULL, 500000000ULL, 3000000000ULL})
                {
                    const uint64_t budget = m.DeviceWeightBytes(l, 4) + (1ULL << 30)
                                            + m.ActivationBufferBytes(128) + extra;
                    interior += Check(m, l, 4, qkv, 128, 1ULL << 30, budget) ? 0 : 1;
                }
            }
        }
        NS_TEST_ASSERT_MSG_GT(interior, 40, "most cases end below the context limit");
        NS_TEST_ASSERT_MSG_EQ(m.MaxContext(0, 4, 16, 128, 0, 1ULL << 30).value_or(0),
                              4096,
                              "l = 0: no cache, the context limit");
        NS_TEST_ASSERT_MSG_EQ(m.MaxContext(32, 16, 16, 128, 0, 1ULL << 30).has_value(),
                              false,
                              "13.5 GB of weights in 1 GiB: nothing fits");
        // Hand value: 2 GiB of room at l = 32, fp16 KV: 2^31 / (32·16,384) = 4096 exactly.
        const uint64_t s = m.DeviceWeightBytes(32, 4) + m.ActivationBufferBytes(128);
        NS_TEST_ASSERT_MSG_EQ(m.MaxContext(32, 4, 16, 128, 0, s + (2ULL << 30) - 1).value_or(0),
                              4095,
                              "one byte short of 4096 tokens");
        NS_TEST_ASSERT_MSG_EQ(m.MaxContext(32, 4, 16, 128, 0, s + (2ULL << 30)).value_or(0),
                              4096,
                              "exactly 4096 tokens");

        // Random small architectures, odd widths, no context limit.
        RngStream rng(7, 0, 0);
        auto draw = [&](uint32_t lo, uint32_t hi) {
            return lo + static_cast<uint32_t>(rng.RandU01() * (hi - lo + 1)) % (hi - lo + 1);
        };
        for (int k = 0; k < 300; ++k)
        {
            LlmArchitecture a;
            a.name = "random";
            a.family = LlmArchitecture::Family::LLAMA;
            a.numHeads = draw(1, 4);
            a.numKvHeads = draw(1, a.numHeads);
            a.headDim = draw(1, 7);
            a.hiddenSize = a.numHeads * a.headDim;
            a.ffnSize = draw(1, 50);
            a.vocabSize = draw(1, 50);
            a.numLayers = draw(1, 6);
            a.maxContext = draw(0, 1) ? 0 : draw(1, 300);
            const LlmSplitMemory r(a, draw(0, 1) ? 0 : draw(1, 9));
            const uint32_t l = draw(0, a.numLayers);
            const uint32_t q1 = draw(1, 16);
            const uint32_t qkv = draw(1, 16);
            const uint64_t p = draw(1, 20);
            const uint64_t reserve = draw(0, 100);
            const uint64_t budget = draw(0, 20000);
            Check(r, l, q1, qkv, p, reserve, budget);
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The timing model on Llama-2-7b by hand: device and cloud FLOPs, the codec's payload of
 * T·(d·b + 56) bits, encode and decode time, the link, cloud-only and the K-device bound.
 */
class LlmSplitTimingTestCase : public TestCase
{
  public:
    LlmSplitTimingTestCase()
        : TestCase("TTFT and TPOT of one setting by hand")
    {
    }

  private:
    void DoRun() override
    {
        const LlmArchitecture a = LlmProfile::BuiltInArchitecture("llama-2-7b");
        const LlmProfile p = LlmProfile::FromArchitecture(a);
        Opt::Inputs in = DefaultInputs();
        const Opt opt(a, in);
        Opt::Choice c;
        c.splitLayer = 8;
        c.frontBits = 4;
        c.backBits = 8;
        c.kvBits = 8;
        c.activation = {4, 0.0};
        const Opt::Result r = opt.Evaluate(c);
        NS_TEST_ASSERT_MSG_EQ(r.choice.context, 256, "context 0 means N_req = P + G");
        NS_TEST_ASSERT_MSG_EQ(r.feasible, true, r.reason);

        double dev = 0;
        for (std::size_t i = 0; i <= 8; ++i)
        {
            dev += p.GetLayer(i).flopsPerToken;
        }
        const double cloud = p.GetTotalFlopsPerToken() - dev;
        NS_TEST_ASSERT_MSG_EQ_TOL(r.deviceFlopsPerToken, 8 * 404750336.0, 1, "8 blocks");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.cloudFlopsPerToken, cloud, 1, "24 blocks and the head");
        NS_TEST_ASSERT_MSG_EQ(r.payloadBytesPerToken, 2055, "(4096·4 + 56)/8 bytes");
        NS_TEST_ASSERT_MSG_EQ(r.payloadBytesPrefill, 128 * 2055, "128 tokens");
        NS_TEST_ASSERT_MSG_EQ(r.payloadBytesPerToken * 8,
                              LlmActivationCodec::PayloadBits(1, 4096, 4, 0),
                              "the codec's payload");
        const double tol = 1e-12;
        NS_TEST_ASSERT_MSG_EQ_TOL(r.decode.deviceSeconds, dev / 1e12, tol, "device");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.decode.encodeSeconds, 8192 / 2e8, tol, "encode");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.decode.uplinkSeconds, 2055 * 8 / 20e6 + 0.03, tol, "up");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.decode.decodeSeconds, 8192 / 2e9, tol, "decode");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.decode.cloudSeconds, cloud / 3e13, tol, "cloud");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.decode.downlinkSeconds, 32 / 50e6 + 0.03, tol, "down");
        const double tpot = dev / 1e12 + 8192 / 2e8 + 2055 * 8 / 20e6 + 0.03 + 8192 / 2e9
                            + cloud / 3e13 + 32 / 50e6 + 0.03;
        NS_TEST_ASSERT_MSG_EQ_TOL(r.tpotSeconds, tpot, tol, "TPOT");
        const double ttft = 128 * dev / 1e12 + 128 * 8192 / 2e8 + 128 * 2055 * 8 / 20e6 + 0.03
                            + 128 * 8192 / 2e9 + 128 * cloud / 3e13 + 32 / 50e6 + 0.03;
        NS_TEST_ASSERT_MSG_EQ_TOL(r.ttftSeconds, ttft, 1e-9, "TTFT");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.totalSeconds, ttft + 127 * tpot, 1e-9, "total");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.latencySeconds, r.tpotSeconds, 0, "metric TPOT");
        // Cloud-only: 512 bytes of prompt ids up; ids stream back.
        const double all = p.GetTotalFlopsPerToken();
        NS_TEST_ASSERT_MSG_EQ_TOL(r.cloudOnlyTtftSeconds,
                                  512 * 8 / 20e6 + 0.03 + 128 * all / 3e13 + 32 / 50e6 + 0.03,
                                  1e-9,
                                  "cloud-only TTFT");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.cloudOnlyTpotSeconds, all / 3e13, tol, "cloud-only TPOT");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.speedupVsCloudOnly,
                                  r.cloudOnlyTpotSeconds / r.tpotSeconds,
                                  1e-12,
                                  "speedup");
        // Memory and OPSC.
        NS_TEST_ASSERT_MSG_EQ(r.memory.kvBytes, uint64_t{256} * 8 * 8192, "KV at 8 bits");
        NS_TEST_ASSERT_MSG_EQ(r.kvBytesPerToken, 8 * 8192, "per token, 8 blocks");
        NS_TEST_ASSERT_MSG_EQ(r.modelWeightBytes,
                              opt.GetMemory().ModelWeightBytes(8, 4, 8),
                              "M(8, 4, 8)");
        NS_TEST_ASSERT_MSG_EQ(r.maxContext.value_or(0), 4096, "8 GiB: the context limit binds");
        // Quality: 9 front layers at 4 bits, 25 back at 8 (R = 0.3), the NMSE of (4, 0).
        const double e4 = 2 * 0.3 / 256;
        const double e8 = 2 * 0.3 / 65536;
        NS_TEST_ASSERT_MSG_EQ_TOL(r.weightErrorFront, 9 * e4, 1e-15, "front error");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.weightErrorBack, 25 * e8, 1e-15, "back error");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.activationNmse, FixedNmseTable().at({4, 0.0}), 0, "NMSE");

        // fp16 activation: no codec time, T·d·16 bits.
        c.activation = {16, 0.0};
        const Opt::Result u = opt.Evaluate(c);
        NS_TEST_ASSERT_MSG_EQ(u.payloadBytesPerToken, 8192, "fp16: d·2 bytes");
        NS_TEST_ASSERT_MSG_EQ(u.decode.encodeSeconds, 0, "no encode");
        NS_TEST_ASSERT_MSG_EQ(u.activationNmse, 0, "fp16 is the reference");
        // Outliers: ⌊ρ·T·d⌋ of 32 bits each.
        c.activation = {4, 0.01};
        const Opt::Result o = opt.Evaluate(c);
        NS_TEST_ASSERT_MSG_EQ(o.payloadBytesPerToken, (16440 + 32 * 40) / 8, "40 outliers");

        // K devices: the step lasts at least K cloud jobs.
        in.devices = 256;
        const Opt many(a, in);
        c.activation = {4, 0.0};
        const Opt::Result k = many.Evaluate(c);
        NS_TEST_ASSERT_MSG_EQ_TOL(k.tpotSeconds,
                                  std::max(tpot, 256 * (cloud / 3e13 + 8192 / 2e9)),
                                  tol,
                                  "K = 256 TPOT");
        NS_TEST_ASSERT_MSG_EQ_TOL(k.cloudOnlyTpotSeconds, 256 * all / 3e13, tol, "cloud-only");

        // Memory-bound decode: the device reads its weights and KV cache once per token.
        in.devices = 1;
        in.deviceMemoryBandwidth = 50e9;
        const Opt bw(a, in);
        const Opt::Result m = bw.Evaluate(c);
        NS_TEST_ASSERT_MSG_EQ_TOL(m.decode.deviceSeconds,
                                  static_cast<double>(m.memory.weightBytes + m.memory.kvBytes)
                                      / 50e9,
                                  tol,
                                  "roofline: bytes / bandwidth");
    }
};

/// One small random instance for the brute-force comparison.
struct Instance
{
    LlmArchitecture arch; //!< Architecture
    Opt::Inputs inputs;   //!< Inputs
    Opt::Decisions fixed; //!< Fixed decisions
};

/**
 * @ingroup edge-llm-tests
 * The optimizer's pruned search equals a plain enumeration of every setting (Evaluate each,
 * keep the feasible, order as documented) on random small architectures and inputs, both
 * objectives and metrics, with random fixed decisions; infeasible cases agree on what binds.
 */
class LlmSplitBruteForceTestCase : public TestCase
{
  public:
    LlmSplitBruteForceTestCase()
        : TestCase("Optimizer equals brute-force enumeration on 200 random instances")
    {
    }

  private:
    /// Random instance k.
    static Instance Draw(RngStream& rng)
    {
        auto u = [&]() { return rng.RandU01(); };
        auto draw = [&](uint32_t lo, uint32_t hi) {
            return lo + static_cast<uint32_t>(u() * (hi - lo + 1)) % (hi - lo + 1);
        };
        Instance x;
        LlmArchitecture& a = x.arch;
        a.name = "random";
        a.family = LlmArchitecture::Family::LLAMA;
        a.numHeads = draw(1, 4);
        a.numKvHeads = draw(1, a.numHeads);
        a.headDim = draw(1, 8);
        a.hiddenSize = a.numHeads * a.headDim;
        a.ffnSize = draw(1, 64);
        a.vocabSize = draw(4, 64);
        a.numLayers = draw(1, 6);
        a.maxContext = draw(0, 3) == 0 ? 0 : draw(8, 200);
        a.tiedHead = draw(0, 1) == 1;
        a.weightMaxAbs = 0.05 + u();
        a.originalBits = draw(0, 1) ? 16 : 32;

        Opt::Inputs& in = x.inputs;
        in.deviceFlops = 1e3 * (1 + 100 * u());
        in.cloudFlops = in.deviceFlops * (1 + 50 * u());
        in.deviceMemoryBandwidth = draw(0, 1) ? 0 : 1e3 * (1 + 100 * u());
        in.cloudMemoryBandwidth = draw(0, 1) ? 0 : 1e4 * (1 + 100 * u());
        in.uplinkBps = 1e3 * (1 + 100 * u());
        in.downlinkBps = 1e3 * (1 + 100 * u());
        in.propagationSeconds = draw(0, 1) ? 0 : 0.01 * u();
        in.promptTokens = draw(1, 20);
        in.generatedTokens = draw(1, 20);
        in.requiredContext = draw(0, 1) ? 0 : draw(1, 60);
        in.devices = draw(0, 2) ? 1 : draw(2, 64);
        in.encodeBytesPerSecond = draw(0, 1) ? 0 : 1e3 * (1 + 100 * u());
        in.decodeBytesPerSecond = draw(0, 1) ? 0 : 1e4 * (1 + 100 * u());
        in.messageHeaderBytes = draw(0, 30);
        in.tokenIdBytes = draw(1, 8);
        in.groupSize = draw(0, 1) ? 0 : draw(1, 16);
        in.cloudOnlyBits = draw(0, 1) ? 16 : 8;
        in.objective = draw(0, 1) ? Opt::Objective::MIN_LATENCY : Opt::Objective::MAX_QUALITY;
        in.metric = draw(0, 1) ? Opt::LatencyMetric::TPOT : Opt::LatencyMetric::TOTAL;

        const std::vector<uint32_t> widths{2, 3, 4, 5, 8, 16};
        in.weightBits.clear();
        for (uint32_t w : widths)
        {
            if (u() < 0.5)
            {
                in.weightBits.push_back(w);
            }
        }
        if (in.weightBits.empty())
        {
            in.weightBits.push_back(widths[draw(0, 5)]);
        }
        in.kvBits.clear();
        for (uint32_t w : {3U, 4U, 8U, 16U})
        {
            if (u() < 0.6)
            {
                in.kvBits.push_back(w);
            }
        }
        if (in.kvBits.empty())
        {
            in.kvBits.push_back(8);
        }
        in.activationSettings.clear();
        in.activationNmse.clear();
        for (const Act& s : Opt::Inputs::DefaultActivationSettings())
        {
            if (u() < 0.35)
            {
                in.activationSettings.push_back(s);
            }
        }
        if (in.activationSettings.empty())
        {
            in.activationSettings.push_back({4, 0.0});
        }
        for (const Act& s : Opt::Inputs::DefaultActivationSettings())
        {
            in.activationNmse[s] = s.IsUncompressed() ? 0.0 : 0.3 * u() * u();
        }
        // Ties on purpose now and then: the same NMSE for every codec setting.
        if (draw(0, 4) == 0)
        {
            for (auto& [s, v] : in.activationNmse)
            {
                v = s.IsUncompressed() ? 0.0 : 0.01;
            }
        }

        // Budgets around the range of the instance: memory between the smallest and largest
        // device memory, quality and latency from loose to impossible.
        const LlmSplitMemory m(a, in.groupSize);
        const uint64_t n = in.requiredContext != 0 ? in.requiredContext
                                                   : uint64_t{in.promptTokens} + in.generatedTokens;
        const uint64_t lo = m.DeviceMemory(0, 1, 1, n, in.promptTokens, 0).totalBytes;
        const uint64_t hi = m.DeviceMemory(a.numLayers, 16, 16, n, in.promptTokens, 0).totalBytes;
        in.reserveBytes = draw(0, 1) ? 0 : draw(0, 200);
        in.deviceMemoryBytes = std::max<uint64_t>(
            1,
            in.reserveBytes + lo / 2 + static_cast<uint64_t>(u() * 1.2 * (hi - lo / 2)));
        const uint32_t q = draw(0, 4);
        in.qualityBudget = q == 0   ? std::numeric_limits<double>::infinity()
                           : q == 1 ? 1e-12
                                    : 0.2 * u() * u();
        const uint32_t t = draw(0, 3);
        in.latencyBudgetSeconds =
            t == 0 ? std::numeric_limits<double>::infinity() : 0.001 + 5 * u() * u();

        // Fixed decisions, each now and then (values from the candidate sets).
        Opt::Decisions& f = x.fixed;
        if (draw(0, 5) == 0)
        {
            f.splitLayer = draw(0, a.numLayers);
        }
        if (draw(0, 5) == 0)
        {
            f.frontBits = in.weightBits[draw(0, in.weightBits.size() - 1)];
        }
        if (draw(0, 5) == 0)
        {
            f.backBits = in.weightBits[draw(0, in.weightBits.size() - 1)];
            if (f.frontBits && *f.frontBits > *f.backBits)
            {
                f.backBits.reset();
            }
        }
        if (draw(0, 5) == 0)
        {
            f.kvBits = in.kvBits[draw(0, in.kvBits.size() - 1)];
        }
        if (draw(0, 5) == 0)
        {
            const Act s = in.activationSettings[draw(0, in.activationSettings.size() - 1)];
            f.activationBits = s.bits;
            if (draw(0, 1))
            {
                f.outlierRatio = s.outlierRatio;
            }
        }
        else if (draw(0, 7) == 0)
        {
            f.outlierRatio =
                in.activationSettings[draw(0, in.activationSettings.size() - 1)].outlierRatio;
        }
        if (draw(0, 7) == 0)
        {
            const uint64_t delta = draw(0, 4);
            f.context = n + delta >= 2 ? n + delta - 2 : 0; // 0: N_req
        }
        return x;
    }

    /// The documented order: objective, the other measure, larger Q_kv, smaller memory, then
    /// the decisions ascending.
    static bool Before(const Opt::Result& a, const Opt::Result& b, Opt::Objective o)
    {
        const bool lat = o == Opt::Objective::MIN_LATENCY;
        const double a1 = lat ? a.latencySeconds : a.qualityProxy;
        const double b1 = lat ? b.latencySeconds : b.qualityProxy;
        if (a1 != b1)
        {
            return a1 < b1;
        }
        const double a2 = lat ? a.qualityProxy : a.latencySeconds;
        const double b2 = lat ? b.qualityProxy : b.latencySeconds;
        if (a2 != b2)
        {
            return a2 < b2;
        }
        if (a.choice.kvBits != b.choice.kvBits)
        {
            return a.choice.kvBits > b.choice.kvBits;
        }
        if (a.memory.totalBytes != b.memory.totalBytes)
        {
            return a.memory.totalBytes < b.memory.totalBytes;
        }
        const auto ka = std::make_tuple(a.choice.splitLayer,
                                        a.choice.frontBits,
                                        a.choice.backBits,
                                        a.choice.activation.bits,
                                        a.choice.activation.outlierRatio);
        const auto kb = std::make_tuple(b.choice.splitLayer,
                                        b.choice.frontBits,
                                        b.choice.backBits,
                                        b.choice.activation.bits,
                                        b.choice.activation.outlierRatio);
        return ka < kb;
    }

    void DoRun() override
    {
        RngStream rng(11, 0, 0);
        uint32_t feasible = 0;
        std::map<std::string, uint32_t> bindings;
        for (int k = 0; k < 200; ++k)
        {
            const Instance x = Draw(rng);
            const Opt opt(x.arch, x.inputs);
            const Opt::Result r = opt.Optimize(x.fixed);

            // Brute force.
            const Opt::Inputs& in = x.inputs;
            std::vector<uint32_t> widths = in.weightBits;
            std::sort(widths.begin(), widths.end());
            widths.erase(std::unique(widths.begin(), widths.end()), widths.end());
            std::vector<uint32_t> kvs = in.kvBits;
            std::sort(kvs.begin(), kvs.end());
            kvs.erase(std::unique(kvs.begin(), kvs.end()), kvs.end());
            bool found = false;
            bool anyMemory = false;
            bool anyQuality = false;
            bool contextOk = true;
            Opt::Result best;
            uint64_t count = 0;
            for (uint32_t l = 0; l <= x.arch.numLayers; ++l)
            {
                if (x.fixed.splitLayer && *x.fixed.splitLayer != l)
                {
                    continue;
                }
                for (uint32_t q1 : widths)
                {
                    if (x.fixed.frontBits && *x.fixed.frontBits != q1)
                    {
                        continue;
                    }
                    for (uint32_t q2 : widths)
                    {
                        if (q2 < q1 || (x.fixed.backBits && *x.fixed.backBits != q2))
                        {
                            continue;
                        }
                        for (uint32_t kv : kvs)
                        {
                            if (x.fixed.kvBits && *x.fixed.kvBits != kv)
                            {
                                continue;
                            }
                            for (const Act& s : in.activationSettings)
                            {
                                if ((x.fixed.activationBits && *x.fixed.activationBits != s.bits)
                                    || (x.fixed.outlierRatio
                                        && *x.fixed.outlierRatio != s.outlierRatio))
                                {
                                    continue;
                                }
                                Opt::Choice c;
                                c.splitLayer = l;
                                c.frontBits = q1;
                                c.backBits = q2;
                                c.kvBits = kv;
                                c.activation = s;
                                c.context = x.fixed.context.value_or(0);
                                const Opt::Result e = opt.Evaluate(c);
                                ++count;
                                if (e.binding == "context" || e.binding == "context-limit")
                                {
                                    contextOk = false;
                                    continue;
                                }
                                if (e.memory.totalBytes > in.deviceMemoryBytes)
                                {
                                    continue;
                                }
                                anyMemory = true;
                                if (!(e.qualityProxy <= in.qualityBudget))
                                {
                                    continue;
                                }
                                anyQuality = true;
                                if (!(e.latencySeconds <= in.latencyBudgetSeconds))
                                {
                                    continue;
                                }
                                NS_TEST_ASSERT_MSG_EQ(e.feasible, true, "instance " << k);
                                if (!found || Before(e, best, in.objective))
                                {
                                    found = true;
                                    best = e;
                                }
                            }
                        }
                    }
                }
            }
            NS_TEST_ASSERT_MSG_EQ(r.settingsTotal, count, "settings in the space, instance " << k);
            NS_TEST_ASSERT_MSG_LT_OR_EQ(r.settingsEvaluated, count, "evaluated, instance " << k);
            NS_TEST_ASSERT_MSG_EQ(r.feasible, found, "feasibility of instance " << k);
            if (found)
            {
                ++feasible;
                NS_TEST_ASSERT_MSG_EQ(r.choice.splitLayer, best.choice.splitLayer, "l, " << k);
                NS_TEST_ASSERT_MSG_EQ(r.choice.frontBits, best.choice.frontBits, "Q_w1, " << k);
                NS_TEST_ASSERT_MSG_EQ(r.choice.backBits, best.choice.backBits, "Q_w2, " << k);
                NS_TEST_ASSERT_MSG_EQ(r.choice.kvBits, best.choice.kvBits, "Q_kv, " << k);
                NS_TEST_ASSERT_MSG_EQ((r.choice.activation == best.choice.activation),
                                      true,
                                      "activation, instance " << k);
                NS_TEST_ASSERT_MSG_EQ(r.choice.context, best.choice.context, "N, " << k);
                NS_TEST_ASSERT_MSG_EQ(r.latencySeconds, best.latencySeconds, "latency " << k);
                NS_TEST_ASSERT_MSG_EQ(r.qualityProxy, best.qualityProxy, "quality " << k);
                NS_TEST_ASSERT_MSG_EQ(r.binding, "", "no binding when feasible");
                // Fixed decisions are respected.
                if (x.fixed.splitLayer)
                {
                    NS_TEST_ASSERT_MSG_EQ(r.choice.splitLayer, *x.fixed.splitLayer, "fixed l");
                }
                if (x.fixed.kvBits)
                {
                    NS_TEST_ASSERT_MSG_EQ(r.choice.kvBits, *x.fixed.kvBits, "fixed Q_kv");
                }
                continue;
            }
            ++bindings[r.binding];
            NS_TEST_ASSERT_MSG_NE(r.reason, "", "an infeasible result says why, " << k);
            if (count == 0)
            {
                NS_TEST_ASSERT_MSG_EQ(r.binding, "decisions", "empty space, instance " << k);
            }
            else if (!contextOk)
            {
                NS_TEST_ASSERT_MSG_EQ(r.binding.rfind("context", 0), 0, "instance " << k);
            }
            else if (!anyMemory)
            {
                NS_TEST_ASSERT_MSG_EQ(r.binding.rfind("memory-", 0), 0, "instance " << k);
            }
            else if (!anyQuality)
            {
                NS_TEST_ASSERT_MSG_EQ(r.binding, "quality", "instance " << k);
            }
            else
            {
                NS_TEST_ASSERT_MSG_EQ(r.binding, "latency", "instance " << k);
            }
        }
        // The draw covers both outcomes and several binding constraints.
        NS_TEST_ASSERT_MSG_GT(feasible, 60, "feasible instances");
        NS_TEST_ASSERT_MSG_GT(bindings.size(), 3, "distinct binding constraints");
    }
};

/**
 * @ingroup edge-llm-tests
 * Fixed decisions on Llama-2-7b are kept; a fixed pair Q_w1 > Q_w2 and out-of-range values are
 * refused; the dual (max quality under a latency budget) trades latency for quality.
 */
class LlmSplitFixedDecisionsTestCase : public TestCase
{
  public:
    LlmSplitFixedDecisionsTestCase()
        : TestCase("Fixed decisions, refused values and the dual objective")
    {
    }

  private:
    void DoRun() override
    {
        const LlmArchitecture a = LlmProfile::BuiltInArchitecture("llama-2-7b");
        const Opt opt(a, DefaultInputs());
        Opt::Decisions f;
        f.splitLayer = 12;
        f.frontBits = 4;
        f.backBits = 8;
        f.kvBits = 8;
        f.activationBits = 3;
        f.outlierRatio = 0.001;
        f.context = 1000;
        const Opt::Result r = opt.Optimize(f);
        NS_TEST_ASSERT_MSG_EQ(r.feasible, true, r.reason);
        NS_TEST_ASSERT_MSG_EQ(r.choice.splitLayer, 12, "l");
        NS_TEST_ASSERT_MSG_EQ(r.choice.frontBits, 4, "Q_w1");
        NS_TEST_ASSERT_MSG_EQ(r.choice.backBits, 8, "Q_w2");
        NS_TEST_ASSERT_MSG_EQ(r.choice.kvBits, 8, "Q_kv");
        NS_TEST_ASSERT_MSG_EQ(r.choice.activation.bits, 3, "b");
        NS_TEST_ASSERT_MSG_EQ(r.choice.activation.outlierRatio, 0.001, "rho");
        NS_TEST_ASSERT_MSG_EQ(r.choice.context, 1000, "N");
        NS_TEST_ASSERT_MSG_EQ(r.settingsTotal, 1, "one setting");
        NS_TEST_ASSERT_MSG_EQ(r.memory.kvBytes, uint64_t{1000} * 12 * 8192, "KV at N = 1000");

        // Only the split fixed: the rest is chosen.
        Opt::Decisions only;
        only.splitLayer = 20;
        const Opt::Result s = opt.Optimize(only);
        NS_TEST_ASSERT_MSG_EQ(s.feasible, true, s.reason);
        NS_TEST_ASSERT_MSG_EQ(s.choice.splitLayer, 20, "fixed l kept");
        NS_TEST_ASSERT_MSG_EQ(s.settingsTotal, 6 * 16 * 3, "pairs × activations × KV");

        // Fixed bits outside the candidate set are searched as given.
        Opt::Decisions odd;
        odd.frontBits = 6;
        odd.backBits = 6;
        odd.kvBits = 5;
        odd.activationBits = 16;
        const Opt::Result o = opt.Optimize(odd);
        NS_TEST_ASSERT_MSG_EQ(o.feasible, true, o.reason);
        NS_TEST_ASSERT_MSG_EQ(o.choice.frontBits, 6, "Q_w1 = 6");
        NS_TEST_ASSERT_MSG_EQ(o.choice.kvBits, 5, "Q_kv = 5");
        NS_TEST_ASSERT_MSG_EQ(o.choice.activation.IsUncompressed(), true, "fp16");

        Opt::Decisions bad;
        bad.frontBits = 16;
        bad.backBits = 8;
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] { opt.Optimize(bad); }).find("front bits"),
                              std::string::npos,
                              "Q_w1 > Q_w2 refused");
        bad = Opt::Decisions();
        bad.splitLayer = 33;
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] { opt.Optimize(bad); }), "", "l > L refused");
        bad = Opt::Decisions();
        bad.activationBits = 1;
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] { opt.Optimize(bad); }), "", "b = 1 refused");
        bad = Opt::Decisions();
        bad.activationBits = 16;
        bad.outlierRatio = 0.01;
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] { opt.Optimize(bad); }),
                              "",
                              "fp16 with outliers refused");
        Opt::Inputs in = DefaultInputs();
        in.uplinkBps = 0;
        NS_TEST_ASSERT_MSG_NE(InputErrorOf([&] { Opt x(a, in); }).find("uplinkBps"),
                              std::string::npos,
                              "a zero rate is refused by name");

        // The dual: maximize quality within a TPOT budget. The fastest setting has a worse
        // quality than the best one within 1.2 × its TPOT.
        Opt::Inputs dual = DefaultInputs();
        dual.qualityBudget = std::numeric_limits<double>::infinity();
        const Opt fast(a, dual);
        const Opt::Result fastest = fast.Optimize();
        dual.objective = Opt::Objective::MAX_QUALITY;
        dual.latencyBudgetSeconds = fastest.tpotSeconds * 1.2;
        const Opt::Result q = Opt(a, dual).Optimize();
        NS_TEST_ASSERT_MSG_EQ(q.feasible, true, q.reason);
        NS_TEST_ASSERT_MSG_LT_OR_EQ(q.tpotSeconds, dual.latencyBudgetSeconds, "within budget");
        NS_TEST_ASSERT_MSG_LT(q.qualityProxy, fastest.qualityProxy, "better quality");
        NS_TEST_ASSERT_MSG_EQ(q.objective, "max-quality", "objective name");
    }
};

/**
 * @ingroup edge-llm-tests
 * An infeasible problem names what binds: the reserve, the weights alone, the activation
 * buffer, the KV cache at N_req (with the context that would fit), the context limit, the
 * quality budget, the latency budget, contradictory decisions.
 */
class LlmSplitInfeasibleTestCase : public TestCase
{
  public:
    LlmSplitInfeasibleTestCase()
        : TestCase("Infeasibility names the binding constraint")
    {
    }

  private:
    /// Optimize and check the binding constraint and a phrase of the reason.
    void Expect(const LlmArchitecture& a,
                const Opt::Inputs& in,
                const Opt::Decisions& f,
                const std::string& binding,
                const std::string& phrase)
    {
        const Opt::Result r = Opt(a, in).Optimize(f);
        NS_TEST_ASSERT_MSG_EQ(r.feasible, false, "infeasible: " << binding);
        NS_TEST_ASSERT_MSG_EQ(r.binding, binding, r.reason);
        NS_TEST_ASSERT_MSG_NE(r.reason.find(phrase),
                              std::string::npos,
                              "\"" << phrase << "\" in: " << r.reason);
        // The JSON carries the verdict.
        const auto j = nlohmann::json::parse(r.ToJson());
        NS_TEST_ASSERT_MSG_EQ(j.at("feasible").get<bool>(), false, "JSON feasible");
        NS_TEST_ASSERT_MSG_EQ(j.at("binding").get<std::string>(), binding, "JSON binding");
    }

    void DoRun() override
    {
        const LlmArchitecture a = LlmProfile::BuiltInArchitecture("llama-2-7b");
        const LlmSplitMemory m(a);
        Opt::Decisions none;

        Opt::Inputs in = DefaultInputs();
        in.deviceMemoryBytes = 1ULL << 30;
        in.reserveBytes = 2ULL << 30;
        Expect(a, in, none, "memory-reserve", "runtime reserve alone");

        in = DefaultInputs();
        in.deviceMemoryBytes = 1ULL << 30;
        in.reserveBytes = 512ULL << 20;
        Opt::Decisions all;
        all.splitLayer = 32;
        Expect(a, in, all, "memory-weights", "weights alone");

        in = DefaultInputs();
        in.promptTokens = 100000;
        in.requiredContext = 1000;
        in.reserveBytes = 0;
        in.deviceMemoryBytes = 512ULL << 20;
        Expect(a, in, none, "memory-activation", "activation buffer");

        // All 32 blocks at 4 bits fit in 3.5 GiB, but not a 4096-token cache.
        in = DefaultInputs();
        in.reserveBytes = 0;
        in.requiredContext = 4096;
        in.deviceMemoryBytes = 3584ULL << 20;
        const uint64_t nMax = m.MaxContext(32, 4, 4, 128, 0, in.deviceMemoryBytes).value();
        NS_TEST_ASSERT_MSG_LT(nMax, 4096, "the cache of 4096 tokens does not fit");
        Expect(a, in, all, "memory-kv", "at most " + std::to_string(nMax) + " tokens of context");

        in = DefaultInputs();
        in.requiredContext = 5000;
        Expect(a, in, none, "context-limit", "context limit of 4096");

        in = DefaultInputs();
        Opt::Decisions shortContext;
        shortContext.context = 100;
        Expect(a, in, shortContext, "context", "below the required 256");

        in = DefaultInputs();
        in.qualityBudget = 1e-12;
        Expect(a, in, none, "quality", "quality budget");

        in = DefaultInputs();
        in.latencyBudgetSeconds = 0.001;
        Expect(a, in, none, "latency", "latency budget");

        in = DefaultInputs();
        Opt::Decisions wide;
        wide.frontBits = 32;
        Expect(a, in, wide, "decisions", "front bits <= back bits");

        // Evaluate names the binding term of one setting too.
        in = DefaultInputs();
        in.deviceMemoryBytes = 4ULL << 30;
        Opt::Choice c;
        c.splitLayer = 32;
        c.frontBits = 8;
        c.backBits = 8;
        c.kvBits = 16;
        const Opt::Result e = Opt(a, in).Evaluate(c);
        NS_TEST_ASSERT_MSG_EQ(e.feasible, false, "8-bit weights + 2 GiB reserve in 4 GiB");
        NS_TEST_ASSERT_MSG_EQ(e.binding, "memory-weights", e.reason);
    }
};

/**
 * @ingroup edge-llm-tests
 * The activation calibration runs the codec: NMSE falls with the width, outliers help at low
 * widths, fp16 is 0; an optimizer without a table calibrates on the synthetic tensor.
 */
class LlmSplitCalibrationTestCase : public TestCase
{
  public:
    LlmSplitCalibrationTestCase()
        : TestCase("Activation NMSE calibration with the codec")
    {
    }

  private:
    void DoRun() override
    {
        // d = 1024 with 8 outlier channels: 0.78 % of the elements, so ρ = 1 % keeps them all.
        const LlmTensor x = Opt::CalibrationTensor(1024, 32, 3);
        const auto t = Opt::CalibrateActivation(x, Opt::Inputs::DefaultActivationSettings());
        NS_TEST_ASSERT_MSG_EQ(t.size(), 16, "every setting");
        NS_TEST_ASSERT_MSG_EQ(t.at({16, 0.0}), 0, "fp16");
        double prev = std::numeric_limits<double>::infinity();
        for (uint32_t b : {2U, 3U, 4U, 6U, 8U})
        {
            const double v = t.at({b, 0.01});
            NS_TEST_ASSERT_MSG_GT(v, 0, "positive NMSE");
            NS_TEST_ASSERT_MSG_LT(v, prev, "with the outliers split off, NMSE falls with b");
            prev = v;
            // Splitting the outliers off helps at every width (without it the per-token range
            // spans the outlier channels and NMSE can exceed 1 at 2-4 bits).
            NS_TEST_ASSERT_MSG_LT(v, t.at({b, 0.0}), "rho = 1 % beats rho = 0 at b = " << b);
        }
        // The table is what the codec measures.
        LlmActivationCodec::Settings s;
        s.threshold = LlmActivationCodec::ThresholdMode::RATIO;
        s.thresholdValue = 0.01;
        s.fixedBits = 4;
        s.bitSet = {4};
        const LlmActivationCodec codec(s);
        NS_TEST_ASSERT_MSG_EQ(
            t.at({4, 0.01}),
            LlmTensor::Compare(x, LlmActivationCodec::Decode(codec.Encode(x))).nmse,
            "codec NMSE");

        LlmArchitecture a = LlmProfile::BuiltInArchitecture("opt-125m");
        Opt::Inputs in;
        in.calibrationTokens = 16;
        const Opt opt(a, in);
        NS_TEST_ASSERT_MSG_EQ(opt.GetInputs().activationNmse.size(), 15, "15 codec settings");
        const Opt::Result r = opt.Optimize();
        NS_TEST_ASSERT_MSG_EQ(r.feasible, true, r.reason);
    }
};

/**
 * @ingroup edge-llm-tests
 * Llama-2-70b over the full decision space (81 splits × 6 width pairs × 16 activation settings
 * × 3 KV widths) finishes with an answer; the JSON has every field the program writes.
 */
class LlmSplitLargeModelTestCase : public TestCase
{
  public:
    LlmSplitLargeModelTestCase()
        : TestCase("Llama-2-70b over the full decision space, and the JSON")
    {
    }

  private:
    void DoRun() override
    {
        const LlmArchitecture a = LlmProfile::BuiltInArchitecture("llama-2-70b");
        Opt::Inputs in = DefaultInputs();
        in.devices = 64;
        const Opt::Result r = Opt(a, in).Optimize();
        NS_TEST_ASSERT_MSG_EQ(r.settingsTotal, 81ULL * 6 * 16 * 3, "the full space");
        NS_TEST_ASSERT_MSG_EQ(r.feasible, true, r.reason);
        NS_TEST_ASSERT_MSG_LT_OR_EQ(r.memory.totalBytes, in.deviceMemoryBytes, "fits");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(r.qualityProxy, in.qualityBudget, "quality");
        NS_TEST_ASSERT_MSG_GT(r.choice.splitLayer, 0, "64 devices: blocks move to the devices");

        const auto j = nlohmann::json::parse(r.ToJson());
        for (const char* key : {"split_layer",
                                "front_bits",
                                "back_bits",
                                "kv_bits",
                                "activation_bits",
                                "outlier_ratio",
                                "context_tokens",
                                "device_memory_bytes",
                                "device_weight_bytes",
                                "device_kv_bytes",
                                "device_activation_bytes",
                                "device_reserve_bytes",
                                "kv_bytes_per_token",
                                "max_context_tokens",
                                "payload_bytes_per_token",
                                "payload_bytes_prefill",
                                "ttft_s",
                                "tpot_s",
                                "cloud_only_ttft_s",
                                "cloud_only_tpot_s",
                                "speedup_vs_cloud_only",
                                "weight_error_front",
                                "weight_error_back",
                                "activation_nmse",
                                "quality_proxy",
                                "model_weight_bytes",
                                "quantization_ratio",
                                "settings_evaluated"})
        {
            NS_TEST_ASSERT_MSG_EQ(j.contains(key), true, "JSON has " << key);
        }
        NS_TEST_ASSERT_MSG_EQ(j.at("split_layer").get<uint32_t>(), r.choice.splitLayer, "l");
        NS_TEST_ASSERT_MSG_EQ(j.at("device_memory_bytes").get<uint64_t>(),
                              r.memory.totalBytes,
                              "memory");
        NS_TEST_ASSERT_MSG_EQ(j.at("tpot_s").get<double>(), r.tpotSeconds, "TPOT round-trips");
    }
};

/**
 * @ingroup edge-llm-tests
 * The split-computing memory model and unified optimizer.
 */
class LlmSplitTestSuite : public TestSuite
{
  public:
    LlmSplitTestSuite()
        : TestSuite("edge-llm-split", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmSplitKvGrowthTestCase());
        AddTestCase(new LlmSplitWeightMemoryTestCase());
        AddTestCase(new LlmSplitPaperKvTestCase());
        AddTestCase(new LlmSplitMaxContextTestCase());
        AddTestCase(new LlmSplitTimingTestCase());
        AddTestCase(new LlmSplitBruteForceTestCase());
        AddTestCase(new LlmSplitFixedDecisionsTestCase());
        AddTestCase(new LlmSplitInfeasibleTestCase());
        AddTestCase(new LlmSplitCalibrationTestCase());
        AddTestCase(new LlmSplitLargeModelTestCase());
    }
};

/// The suite's static instance.
LlmSplitTestSuite g_llmSplitTestSuite;

} // namespace

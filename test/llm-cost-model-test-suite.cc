// SPDX-License-Identifier: GPL-2.0-only

#include "llm-test-scenarios.h"
#include "ns3/llm-cost-model.h"
#include "ns3/llm-scenario.h"
#include "ns3/test.h"

#include <cmath>
#include <string>

using namespace ns3;

namespace
{

using tests::kHandScenario;

/**
 * @ingroup edge-llm-tests
 * The bit set 𝓑 and the δ rule (eq. 5-7) with the analytic bound and measured tables.
 */
class LlmBitSetAndErrorTestCase : public TestCase
{
  public:
    LlmBitSetAndErrorTestCase()
        : TestCase("Bit set and weight-error budget")
    {
    }

  private:
    void DoRun() override
    {
        using V = std::vector<uint32_t>;
        NS_TEST_ASSERT_MSG_EQ((LlmCostModel::MakeBitSet({4, 32, 2, 1})
                               == V{4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32}),
                              true,
                              "paper's bit set");
        NS_TEST_ASSERT_MSG_EQ(
            (LlmCostModel::MakeBitSet({4, 31, 4, 1}) == V{4, 8, 12, 16, 20, 24, 28, 31}),
            true,
            "b_max always included");
        NS_TEST_ASSERT_MSG_EQ((LlmCostModel::MakeBitSet({8, 8, 3, 1}) == V{8}), true, "single");
        NS_TEST_ASSERT_MSG_EQ((LlmCostModel::MakeBitSet({4, 32, UINT32_MAX, 1}) == V{4, 32}),
                              true,
                              "a huge step does not wrap around");

        NS_TEST_ASSERT_MSG_EQ_TOL(LlmCostModel::AnalyticWeightError(0.3, 8),
                                  0.6 / 65536.0,
                                  1e-18,
                                  "2R/4^b");

        const LlmScenario s = LlmScenario::Parse(kHandScenario, "hand.json");
        const LlmCostModel m(s);
        // l0: analytic 2·0.5/4^b = 1/4^b ≤ 0.01 from b = 4 (1/256) on.
        NS_TEST_ASSERT_MSG_EQ_TOL(m.WeightError(0, 4), 1.0 / 256, 1e-15, "analytic");
        NS_TEST_ASSERT_MSG_EQ((m.GetAllowedBits(0) == V{4, 8, 12, 16, 20, 24, 28, 32}),
                              true,
                              "l0 allowed");
        // l1: the table (4 → 0.1 > δ, 8 → 0.001 ≤ δ); bits absent from the table and without
        // weight_max_abs are not allowed; original bits always are (error 0).
        NS_TEST_ASSERT_MSG_EQ(m.IsAllowed(1, 4), false, "table above delta");
        NS_TEST_ASSERT_MSG_EQ(m.IsAllowed(1, 8), true, "table below delta");
        NS_TEST_ASSERT_MSG_EQ(std::isinf(m.WeightError(1, 12)), true, "unknown error");
        NS_TEST_ASSERT_MSG_EQ(m.WeightError(1, 32), 0.0, "original bits");
        NS_TEST_ASSERT_MSG_EQ((m.GetAllowedBits(1) == V{8, 16, 32}), true, "l1 allowed");

        // OPT-350m with the built-in R = 0.3: the smallest allowed width per δ is the one the
        // DILEMMA paper's Table 1 reports (δ = 1e-7 → 12 bits ... δ ≥ 1e-2 → 4 bits).
        LlmScenario d = LlmScenario::BuiltInDefault();
        const std::vector<std::pair<double, uint32_t>> table =
            {{1e-7, 12}, {1e-6, 10}, {1e-5, 8}, {1e-4, 8}, {1e-3, 6}, {1e-2, 4}, {1e-1, 4}, {1, 4}};
        for (const auto& [delta, bits] : table)
        {
            d.GetQuantization().delta = delta;
            const LlmCostModel dm(d);
            for (std::size_t l = 0; l < dm.GetNLayers(); ++l)
            {
                NS_TEST_ASSERT_MSG_EQ(dm.GetAllowedBits(l).front(),
                                      bits,
                                      "smallest allowed bits at delta " << delta);
            }
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * cp (eq. 3), cm (eq. 4), storage, T (eq. 1), the quantization ratio, and the constraint check,
 * all against hand-computed values.
 */
class LlmCostHandComputedTestCase : public TestCase
{
  public:
    LlmCostHandComputedTestCase()
        : TestCase("Cost model against hand-computed values")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = LlmScenario::Parse(kHandScenario, "hand.json");
        const LlmCostModel m(s);
        // cp(l0, a, 8) = n·FLOPS·β/CCS·b/32 = 10 · 2e6 · 2 / 1e9 · 8/32 = 0.01 s
        NS_TEST_ASSERT_MSG_EQ_TOL(m.ComputeDelay(0, 0, 8), 0.01, 1e-15, "cp l0 a 8");
        // cp(l1, c, 16) = 10 · 4e6 · 2 / 4e9 · 16/32 = 0.01 s
        NS_TEST_ASSERT_MSG_EQ_TOL(m.ComputeDelay(1, 2, 16), 0.01, 1e-15, "cp l1 c 16");
        // cm(l0, a, b, 8) = n·β·e·b/Ω = 10 · 2 · 100 · 8 / 1e6 = 0.016 s
        NS_TEST_ASSERT_MSG_EQ_TOL(m.TransferDelay(0, 0, 1, 8), 0.016, 1e-15, "cm a->b");
        NS_TEST_ASSERT_MSG_EQ(m.TransferDelay(0, 1, 1, 8), 0.0, "same server");
        NS_TEST_ASSERT_MSG_EQ(std::isinf(m.TransferDelay(0, 1, 0, 8)), true, "no link b->a");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.OutputBits(0, 8), 16000.0, 1e-9, "n·β·e·b");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.StorageBytes(1, 8), 3000.0, 1e-12, "p·b/8");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.LinkBps(1, 2), 2e6, 1e-6, "Omega b->c");
        NS_TEST_ASSERT_MSG_EQ(std::isinf(m.StorageCapacity(1)), true, "unlimited");

        // Placement l0 → a @ 8, l1 → b @ 8:
        // T = cp(l0,a,8) + cm(l0,a,b,8) + cp(l1,b,8) = 0.01 + 0.016 + 10·4e6·2/2e9·8/32 (0.01).
        const LlmPlacement p = {{0, 8}, {1, 8}};
        NS_TEST_ASSERT_MSG_EQ_TOL(m.Objective(p), 0.036, 1e-15, "T");
        // Ratio = 100 · (1000·8 + 3000·8) / (4000·32) = 25 %.
        NS_TEST_ASSERT_MSG_EQ_TOL(m.QuantizationRatio(p), 25.0, 1e-12, "ratio");
        NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(p), "", "feasible");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.QuantizationRatio({{0, 4}, {1, 16}}),
                                  100.0 * (4000 + 48000) / 128000,
                                  1e-12,
                                  "mixed ratio");

        // Each violated constraint is named.
        auto has = [&m](const LlmPlacement& q, const std::string& text) {
            return m.CheckPlacement(q).find(text) != std::string::npos;
        };
        NS_TEST_EXPECT_MSG_EQ(has({{0, 8}, {1, 4}}, "weight-error budget"), true, "delta");
        NS_TEST_EXPECT_MSG_EQ(has({{0, 8}, {1, 6}}, "not in the bit set"), true, "bit set");
        NS_TEST_EXPECT_MSG_EQ(has({{1, 8}, {0, 8}}, "no link"), true, "2f");
        NS_TEST_EXPECT_MSG_EQ(has({{1, 8}, {1, 8}}, "constraint 2d"), true, "2d");
        NS_TEST_EXPECT_MSG_EQ(has({{0, 16}, {1, 8}}, "constraint 2e"), true, "2e: 2000 > 1000");
        NS_TEST_EXPECT_MSG_EQ(has({{1, 8}, {2, 16}}, "constraint 2e"), true, "2e: 6000 > 3000");
        NS_TEST_EXPECT_MSG_EQ(m.CheckPlacement({{1, 8}, {2, 8}}), "", "3000 bytes fit in 3000");
    }
};

/**
 * @ingroup edge-llm-tests
 * The built-in scenario's costs scale as eq. 3-4 say: linear in n, β and b, inverse in CCS and Ω.
 */
class LlmCostScalingTestCase : public TestCase
{
  public:
    LlmCostScalingTestCase()
        : TestCase("Costs scale linearly in n, beta and b, inversely in CCS and Omega")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s = LlmScenario::BuiltInDefault();
        const LlmCostModel base(s);
        const double cp = base.ComputeDelay(3, 5, 8);
        const double cm = base.TransferDelay(3, 5, 6, 8);
        NS_TEST_ASSERT_MSG_EQ_TOL(base.ComputeDelay(3, 5, 16) / cp, 2.0, 1e-12, "cp in b");
        NS_TEST_ASSERT_MSG_EQ_TOL(base.TransferDelay(3, 5, 6, 16) / cm, 2.0, 1e-12, "cm in b");
        s.GetWorkload().tokens *= 3;
        s.GetWorkload().batch *= 2;
        s.GetServers()[5].ccsHz *= 4;
        const LlmCostModel scaled(s);
        NS_TEST_ASSERT_MSG_EQ_TOL(scaled.ComputeDelay(3, 5, 8) / cp, 6.0 / 4.0, 1e-12, "cp");
        NS_TEST_ASSERT_MSG_EQ_TOL(scaled.TransferDelay(3, 5, 6, 8) / cm, 6.0, 1e-12, "cm");
    }
};

/**
 * @ingroup edge-llm-tests
 * The cost model suite.
 */
class LlmCostModelTestSuite : public TestSuite
{
  public:
    LlmCostModelTestSuite()
        : TestSuite("edge-llm-cost-model", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmBitSetAndErrorTestCase());
        AddTestCase(new LlmCostHandComputedTestCase());
        AddTestCase(new LlmCostScalingTestCase());
    }
};

/// Static instance.
LlmCostModelTestSuite g_llmCostModelTestSuite;

} // namespace

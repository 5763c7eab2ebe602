// SPDX-License-Identifier: GPL-2.0-only

#include "llm-test-scenarios.h"
#include "ns3/llm-cost-model.h"
#include "ns3/llm-input-error.h"
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
 * The user's access path (LlmUser, ours) by hand: the legs' bits over Ω plus n delays, charged
 * to the first and last layers only; INFEASIBLE without a link; the JSON round trip; refusals.
 */
class LlmAccessPathCostTestCase : public TestCase
{
  public:
    LlmAccessPathCostTestCase()
        : TestCase("User access path: hand-computed legs, JSON, refusals")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s = LlmScenario::Parse(tests::kHandScenario, "hand.json");
        s.GetLinks()[0].delaySeconds = 0.005;             // a → b
        s.GetLinks().push_back({"b", "a", 1.0e6, 0.002}); // b → a
        const LlmCostModel paper(s);
        const LlmPlacement p = {{0, 8}, {1, 8}}; // l0 on a, l1 on b
        const double t = paper.Objective(p);
        NS_TEST_ASSERT_MSG_EQ(paper.AccessDelay(0, 0), 0.0, "no user: nothing charged");
        s.SetUser(LlmUser{"a", 1.0e6, 0.01});
        s.Validate("hand.json");
        const LlmCostModel m(s);
        // A leg carries n·β·32 = 10·2·32 = 640 bits per hop, plus n = 10 delays.
        const double access = 640 / 1.0e6 + 10 * 0.01; // user ↔ a
        NS_TEST_ASSERT_MSG_EQ_TOL(m.AccessDelay(0, 0), access, 1e-15, "input leg to a");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.AccessDelay(0, 1),
                                  access + 640 / 1.0e6 + 10 * 0.005,
                                  1e-15,
                                  "input leg a → b");
        NS_TEST_ASSERT_MSG_EQ(std::isinf(m.AccessDelay(0, 2)), true, "no link a → c");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.AccessDelay(1, 1),
                                  access + 640 / 1.0e6 + 10 * 0.002,
                                  1e-15,
                                  "result leg b → a");
        NS_TEST_ASSERT_MSG_EQ(std::isinf(m.AccessDelay(1, 2)), true, "no link c → a");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.AccessDelay(p),
                                  m.AccessDelay(0, 0) + m.AccessDelay(1, 1),
                                  1e-15,
                                  "first and last layers");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.Objective(p), t + m.AccessDelay(p), 1e-12, "T + path");
        NS_TEST_ASSERT_MSG_EQ_TOL(m.NodeDelay(0, 1, 8),
                                  m.ComputeDelay(0, 1, 8) + m.AccessDelay(0, 1),
                                  1e-15,
                                  "what the solvers charge");

        // JSON: written, read back equal; defaults 1 Gbit/s and 1 ms.
        NS_TEST_ASSERT_MSG_EQ((LlmScenario::Parse(s.ToJson(), "again.json") == s), true, "JSON");
        std::string text = tests::kHandScenario;
        text.insert(text.rfind('}'), R"(, "user": {"server": "b"})");
        const LlmScenario d = LlmScenario::Parse(text, "user.json");
        NS_TEST_ASSERT_MSG_EQ(d.GetUser().has_value(), true, "read");
        NS_TEST_ASSERT_MSG_EQ(d.GetUser()->bps, 1e9, "default access rate");
        NS_TEST_ASSERT_MSG_EQ(d.GetUser()->delaySeconds, 1e-3, "default access delay");
        auto refused = [](const std::string& user, const std::string& what) {
            std::string bad = tests::kHandScenario;
            bad.insert(bad.rfind('}'), ", \"user\": " + user);
            try
            {
                LlmScenario::Parse(bad, "user.json");
            }
            catch (const LlmInputError& e)
            {
                return std::string(e.what()).find(what) != std::string::npos;
            }
            return false;
        };
        NS_TEST_ASSERT_MSG_EQ(refused(R"({"server": "zz"})", "user.json: user.server: expected"),
                              true,
                              "unknown server");
        NS_TEST_ASSERT_MSG_EQ(refused(R"({"server": "a", "bps": 0})", "user.bps"), true, "0");
        NS_TEST_ASSERT_MSG_EQ(refused(R"({"server": "a", "bps": 2})", "did you mean 2e+06"),
                              true,
                              "Mbit/s typed as bit/s");
        NS_TEST_ASSERT_MSG_EQ(refused(R"({"server": "a", "delay_s": -1})", "user.delay_s"),
                              true,
                              "negative delay");
        NS_TEST_ASSERT_MSG_EQ(refused(R"({"server": "a", "rate": 1})", "user.rate: unknown"),
                              true,
                              "unknown field");
        NS_TEST_ASSERT_MSG_EQ(refused(R"("a")", "user"), true, "not an object");
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
        AddTestCase(new LlmAccessPathCostTestCase());
    }
};

/// Static instance.
LlmCostModelTestSuite g_llmCostModelTestSuite;

} // namespace

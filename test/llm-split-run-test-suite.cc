// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <nlohmann/json.hpp>

using namespace ns3;

namespace
{

/**
 * @ingroup edge-llm-tests
 * The optimizer's setting simulated (LlmSplitRun): with propagation, the simulation's analytic
 * TTFT and TPOT are the optimizer's; on ideal links the simulated ones are within [1.00, 1.10]
 * of the analytic ones, for split and cloud-only, TCP and UDP; every token completes or is
 * reported failed; the JSON carries the program's keys.
 */
class LlmSplitRunTestCase : public TestCase
{
  public:
    LlmSplitRunTestCase()
        : TestCase("Optimizer setting simulated: analytic equal, ideal links within 10 %")
    {
    }

  private:
    void DoRun() override
    {
        using Opt = LlmSplitOptimizer;
        for (const std::string model : {"llama-2-7b", "llama-2-70b"})
        {
            Opt::Inputs in;
            in.generatedTokens = 8;
            in.promptTokens = 32;
            in.devices = 2;
            in.messageHeaderBytes = LlmSplitSetting::MESSAGE_HEADER_BYTES;
            in.deviceMemoryBytes = 48ULL << 30;
            const Opt optimizer(LlmProfile::BuiltInArchitecture(model), in);
            Opt::Decisions fixed;
            fixed.splitLayer = 4;
            fixed.activationBits = 4;
            fixed.outlierRatio = 0.01;
            const Opt::Result r = optimizer.Optimize(fixed);
            NS_TEST_ASSERT_MSG_EQ(r.feasible, true, model << ": " << r.reason);
            const LlmSplitSetting s = LlmSplitRun::ToSetting(r, in, LlmSplitSetting::Mode::SPLIT);
            // Equal but for the message header on the downlink, which the simulation's
            // analysis counts and the optimizer's does not (26 B at 50 Mbit/s: 4.2 µs).
            const double header = LlmSplitSetting::MESSAGE_HEADER_BYTES * 8.0 / in.downlinkBps;
            NS_TEST_ASSERT_MSG_EQ_TOL(s.AnalyticTpotSeconds(true),
                                      r.tpotSeconds + header,
                                      1e-9 * r.tpotSeconds,
                                      model << ": TPOT, simulation's analysis = optimizer's");
            NS_TEST_ASSERT_MSG_EQ_TOL(s.AnalyticTtftSeconds(true),
                                      r.ttftSeconds + header,
                                      1e-9 * r.ttftSeconds,
                                      model << ": TTFT");
            for (const std::string transport : {"tcp", "udp"})
            {
                for (const auto mode :
                     {LlmSplitSetting::Mode::SPLIT, LlmSplitSetting::Mode::CLOUD_ONLY})
                {
                    LlmTransportSetting t;
                    t.transport = transport;
                    t.ideal = true;
                    t.queueSize = "10000p";
                    const LlmSplitSimulationResult a =
                        LlmSplitSimulation(LlmSplitRun::ToSetting(r, in, mode), t).Run();
                    const std::string what = model + " " + transport + " " + a.mode;
                    NS_TEST_ASSERT_MSG_EQ(a.tokensCompleted + a.tokensFailed,
                                          a.tokensRequested,
                                          what << ": tokens add up");
                    NS_TEST_ASSERT_MSG_EQ(a.tokensCompleted, a.tokensRequested, what);
                    // K = 2 devices share the cloud: a step may wait for the other
                    // device's job, so allow one cloud job above 10 %.
                    NS_TEST_ASSERT_MSG_GT_OR_EQ(a.ttft.p50,
                                                a.analyticTtftSeconds * (1 - 1e-9),
                                                what << ": TTFT at least the analysis");
                    NS_TEST_ASSERT_MSG_LT_OR_EQ(a.ttft.p50,
                                                a.analyticTtftSeconds * 1.10
                                                    + (mode == LlmSplitSetting::Mode::SPLIT
                                                           ? s.cloudPrefillSeconds
                                                           : s.cloudOnlyPrefillSeconds),
                                                what << ": TTFT within 10 % (+ one queued job)");
                    NS_TEST_ASSERT_MSG_GT_OR_EQ(a.tpot.p50,
                                                a.analyticTpotSeconds * (1 - 1e-9),
                                                what << ": TPOT at least the analysis");
                    NS_TEST_ASSERT_MSG_LT_OR_EQ(a.tpot.p50,
                                                a.analyticTpotSeconds * 1.10
                                                    + (mode == LlmSplitSetting::Mode::SPLIT
                                                           ? s.cloudDecodeSeconds
                                                           : s.cloudOnlyDecodeSeconds),
                                                what << ": TPOT within 10 % (+ one queued job)");
                }
            }
        }
        // One device alone: within [1.00, 1.10] exactly, and the JSON's keys.
        Opt::Inputs in;
        in.generatedTokens = 8;
        in.promptTokens = 32;
        in.messageHeaderBytes = LlmSplitSetting::MESSAGE_HEADER_BYTES;
        const Opt optimizer(LlmProfile::BuiltInArchitecture("llama-2-7b"), in);
        Opt::Decisions fixed;
        fixed.splitLayer = 6;
        fixed.activationBits = 4;
        const Opt::Result r = optimizer.Optimize(fixed);
        LlmTransportSetting t;
        t.ideal = true;
        const LlmSplitSimulationResult a =
            LlmSplitSimulation(LlmSplitRun::ToSetting(r, in, LlmSplitSetting::Mode::SPLIT), t)
                .Run();
        const LlmSplitSimulationResult b =
            LlmSplitSimulation(LlmSplitRun::ToSetting(r, in, LlmSplitSetting::Mode::CLOUD_ONLY), t)
                .Run();
        for (const LlmSplitSimulationResult* x : {&a, &b})
        {
            NS_TEST_ASSERT_MSG_GT_OR_EQ(x->ttft.mean / x->analyticTtftSeconds, 1.0 - 1e-9, x->mode);
            NS_TEST_ASSERT_MSG_LT_OR_EQ(x->ttft.mean / x->analyticTtftSeconds, 1.10, x->mode);
            NS_TEST_ASSERT_MSG_GT_OR_EQ(x->tpot.mean / x->analyticTpotSeconds, 1.0 - 1e-9, x->mode);
            NS_TEST_ASSERT_MSG_LT_OR_EQ(x->tpot.mean / x->analyticTpotSeconds, 1.10, x->mode);
        }
        const auto j = nlohmann::json::parse(LlmSplitRun::ToJson(r, &a, &b));
        for (const char* key : {"split_layer",
                                "front_bits",
                                "back_bits",
                                "kv_bits",
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
                                "simulated_ttft_s",
                                "simulated_tpot_s",
                                "tokens_completed",
                                "tokens_failed",
                                "speedup_vs_cloud_only",
                                "simulated_speedup_vs_cloud_only"})
        {
            NS_TEST_ASSERT_MSG_EQ(j.contains(key), true, key);
        }
        NS_TEST_ASSERT_MSG_EQ(j["split_layer"], 6, "the fixed split");
        NS_TEST_ASSERT_MSG_EQ(j["tokens_completed"], 8, "every token");
    }
};

/**
 * @ingroup edge-llm-tests
 * The optimizer's setting simulated (LlmSplitRun).
 */
class LlmSplitRunTestSuite : public TestSuite
{
  public:
    LlmSplitRunTestSuite()
        : TestSuite("edge-llm-split-run", TestSuite::Type::SYSTEM)
    {
        AddTestCase(new LlmSplitRunTestCase());
    }
};

/// The suite's instance.
LlmSplitRunTestSuite g_llmSplitRunTestSuite;

} // namespace

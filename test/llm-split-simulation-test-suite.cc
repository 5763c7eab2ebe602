// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <string>
#include <vector>

using namespace ns3;

namespace
{

/**
 * A small split setting: P = 16 prompt tokens, G = 16 generated, d = 4096 at 4 bits without
 * outliers (T·(d·4 + 56) bits + the codec's 8-byte header), compute and transfer of the same
 * order, so neither hides the other.
 */
LlmSplitSetting
BaseSetting()
{
    LlmSplitSetting s;
    s.promptTokens = 16;
    s.tokensToGenerate = 16;
    s.splitLayer = 8;
    s.devicePrefillSeconds = 0.020;
    s.deviceDecodeSeconds = 0.002;
    s.cloudPrefillSeconds = 0.004;
    s.cloudDecodeSeconds = 0.0005;
    s.payloadPrefillBytes = 16 * (4096 * 4 + 56) / 8 + 8;
    s.payloadDecodeBytes = (4096 * 4 + 56) / 8 + 8;
    s.promptBytes = 4 * 16;
    s.cloudOnlyPrefillSeconds = 0.006;
    s.cloudOnlyDecodeSeconds = 0.0007;
    s.uplinkBps = 20e6;
    s.downlinkBps = 50e6;
    s.sharedBps = 1e9;
    return s;
}

/// Ideal links (no propagation delay) with large queues.
LlmTransportSetting
Ideal(const std::string& transport)
{
    LlmTransportSetting t;
    t.name = transport;
    t.transport = transport;
    t.ideal = true;
    t.queueSize = "100000p";
    return t;
}

/// The analytic first failing step, by brute force: first w with static + (P + w)·kv > budget.
uint32_t
BruteForceFailure(const LlmSplitSetting& s)
{
    for (uint32_t w = 0; w < s.tokensToGenerate; ++w)
    {
        const double need = static_cast<double>(s.deviceStaticBytes)
                            + (s.promptTokens + static_cast<double>(w)) * s.kvBytesPerToken;
        if (need > static_cast<double>(s.memoryBudgetBytes))
        {
            return w;
        }
    }
    return s.tokensToGenerate;
}

/**
 * @ingroup edge-llm-tests
 * The suite's base test case: the token count check every run passes.
 */
class LlmSplitTestCase : public TestCase
{
  public:
    /**
     * @brief A test case.
     * @param name its name
     */
    explicit LlmSplitTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    /**
     * @brief Every token is completed or failed with a reason, per device and overall.
     * @param r the run's result
     */
    void CheckConservation(const LlmSplitSimulationResult& r)
    {
        NS_TEST_EXPECT_MSG_EQ(r.tokensCompleted + r.tokensFailed,
                              r.tokensRequested,
                              "completed + failed = requested");
        uint64_t byReason = 0;
        for (const auto& [reason, count] : r.failures)
        {
            byReason += count;
        }
        NS_TEST_EXPECT_MSG_EQ(byReason, r.tokensFailed, "every failed token has a reason");
        for (const LlmSplitSimulationResult::Device& d : r.perDevice)
        {
            NS_TEST_EXPECT_MSG_EQ(d.tokensCompleted + d.tokensFailed,
                                  d.tokensRequested,
                                  "per device: completed + failed = requested");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The analytic figures and the memory rule alone (no simulator), and the refused settings.
 */
class LlmSplitSettingTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitSettingTestCase()
        : LlmSplitTestCase("LlmSplitSetting: memory rule, analytic TTFT and TPOT, refusals")
    {
    }

  private:
    void DoRun() override
    {
        LlmSplitSetting s = BaseSetting();
        // The memory rule against brute force, around every boundary.
        s.kvBytesPerToken = 1000;
        s.deviceStaticBytes = 1000000;
        for (uint64_t extra = 0; extra < 40000; extra += 333)
        {
            s.memoryBudgetBytes = s.deviceStaticBytes + extra;
            NS_TEST_ASSERT_MSG_EQ(s.FirstMemoryFailure(),
                                  BruteForceFailure(s),
                                  "memory rule at budget " << s.memoryBudgetBytes);
            for (uint32_t w = 0; w < s.tokensToGenerate; ++w)
            {
                NS_TEST_ASSERT_MSG_EQ(s.StepFits(w), (w < s.FirstMemoryFailure()), "StepFits");
            }
        }
        s.memoryBudgetBytes = s.deviceStaticBytes - 1;
        NS_TEST_ASSERT_MSG_EQ(s.FirstMemoryFailure(), 0U, "static memory alone too large");
        s.memoryBudgetBytes = std::numeric_limits<uint64_t>::max();
        s.kvBytesPerToken = std::numeric_limits<uint64_t>::max() / 2;
        NS_TEST_ASSERT_MSG_EQ(s.FirstMemoryFailure(), 0U, "no overflow with a huge KV");

        // Analytic TPOT of split mode, by hand.
        s = BaseSetting();
        const double up = (s.payloadDecodeBytes + 26) * 8 / 20e6 + 0.01 + 0.02;
        const double down = (4 + 26) * 8 / 50e6 + 0.01 + 0.02;
        NS_TEST_ASSERT_MSG_EQ_TOL(s.AnalyticTpotSeconds(true),
                                  0.002 + up + 0.0005 + down,
                                  1e-12,
                                  "split TPOT");
        s.mode = LlmSplitSetting::Mode::CLOUD_ONLY;
        NS_TEST_ASSERT_MSG_EQ_TOL(s.AnalyticTpotSeconds(true), 0.0007, 1e-12, "cloud-only TPOT");
        NS_TEST_ASSERT_MSG_EQ(s.FirstMemoryFailure(), s.tokensToGenerate, "no KV on the device");

        // Refusals.
        bool refused = false;
        try
        {
            LlmSplitSetting bad = BaseSetting();
            bad.devices = 0;
            bad.Validate();
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("devices") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "0 devices refused, naming the field");
        for (const std::string key : {"d2d", "wan-delay", "user", "requests"})
        {
            LlmTransportSetting t;
            t.Set(key,
                  key == "d2d"         ? "wifi-ax"
                  : key == "wan-delay" ? "0.1"
                  : key == "user"      ? "x"
                                       : "3",
                  "--" + key);
            refused = false;
            try
            {
                LlmSplitSimulation run(BaseSetting(), t);
            }
            catch (const LlmInputError& e)
            {
                refused = std::string(e.what()).find(key) != std::string::npos;
            }
            NS_TEST_ASSERT_MSG_EQ(refused, true, "key " << key << " refused");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * One device on ideal links: the simulated TTFT and TPOT within [1.00, 1.10] of the analytic
 * ones, over TCP and UDP.
 */
class LlmSplitFidelityTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitFidelityTestCase()
        : LlmSplitTestCase(
            "One device, ideal links: simulated TTFT and TPOT within 1.00 ... 1.10 x analytic")
    {
    }

  private:
    void DoRun() override
    {
        for (const std::string transport : {"tcp", "udp"})
        {
            for (const auto mode :
                 {LlmSplitSetting::Mode::SPLIT, LlmSplitSetting::Mode::CLOUD_ONLY})
            {
                RngSeedManager::SetSeed(1);
                RngSeedManager::SetRun(1);
                LlmSplitSetting s = BaseSetting();
                s.mode = mode;
                s.requests = 2;
                const LlmSplitSimulationResult r = LlmSplitSimulation(s, Ideal(transport)).Run();
                const std::string what = transport + " " + r.mode;
                CheckConservation(r);
                NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, r.tokensRequested, what << ": all done");
                NS_TEST_ASSERT_MSG_EQ(r.ttft.samples, 2U, what);
                NS_TEST_ASSERT_MSG_EQ(r.tpot.samples, 30U, what);
                // Simulated over analytic: mean, median and 95th percentile within
                // [1.00, 1.10] (less 1e-9 for the rounding of times to nanoseconds).
                for (const auto& [name, analytic, stats] :
                     {std::make_tuple("TTFT", r.analyticTtftSeconds, r.ttft),
                      std::make_tuple("TPOT", r.analyticTpotSeconds, r.tpot)})
                {
                    NS_TEST_EXPECT_MSG_GT_OR_EQ(stats.mean / analytic,
                                                1 - 1e-9,
                                                what << " " << name << " mean below analytic");
                    NS_TEST_EXPECT_MSG_GT_OR_EQ(stats.p50 / analytic,
                                                1 - 1e-9,
                                                what << " " << name << " p50 below analytic");
                    for (double v : {stats.mean, stats.p50, stats.p95})
                    {
                        NS_TEST_EXPECT_MSG_LT_OR_EQ(v / analytic,
                                                    1.10,
                                                    what << " " << name << " above 1.10 x");
                    }
                }
                // One device: nothing queues at the cloud.
                NS_TEST_EXPECT_MSG_EQ(r.cloudMeanQueueingSeconds, 0.0, what << " queueing");
            }
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * A memory budget that runs out mid-generation: the failing token is the analytic one, the
 * rest of the request fails with reason "memory", and nothing is lost from the count.
 */
class LlmSplitMemoryTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitMemoryTestCase()
        : LlmSplitTestCase("Memory budget running out mid-generation: failing token = analytic one")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(3);
        RngSeedManager::SetRun(1);
        LlmSplitSetting s = BaseSetting();
        s.requests = 2;
        s.devices = 2;
        s.kvBytesPerToken = 131072;
        s.deviceStaticBytes = 3000000000ULL;
        // Context P + 9 = 25 tokens does not fit, 24 does: step 9 fails.
        s.memoryBudgetBytes = s.deviceStaticBytes + 25 * s.kvBytesPerToken - 1;
        const uint32_t expected = BruteForceFailure(s);
        NS_TEST_ASSERT_MSG_EQ(expected, 9U, "the setting's own check");
        NS_TEST_ASSERT_MSG_EQ(s.FirstMemoryFailure(), expected, "closed form");
        const LlmSplitSimulationResult r = LlmSplitSimulation(s, Ideal("tcp")).Run();
        CheckConservation(r);
        NS_TEST_ASSERT_MSG_EQ(r.analyticMemoryFailureToken, expected, "result's analytic token");
        for (const LlmSplitSimulationResult::Device& d : r.perDevice)
        {
            NS_TEST_EXPECT_MSG_EQ(d.firstFailedToken,
                                  static_cast<int64_t>(expected),
                                  "failing token index");
            NS_TEST_EXPECT_MSG_EQ(d.firstFailReason, "memory", "reason");
            NS_TEST_EXPECT_MSG_EQ(d.tokensCompleted, 2U * expected, "tokens before the limit");
        }
        NS_TEST_EXPECT_MSG_EQ(r.failures.size(), 1U, "one reason only");
        NS_TEST_EXPECT_MSG_EQ(r.failures.at("memory"),
                              2U * 2U * (s.tokensToGenerate - expected),
                              "the rest of every request");
        NS_TEST_EXPECT_MSG_EQ(r.tokensCutOff, 0U, "nothing cut off");
        // The cloud computed exactly the steps that passed the check.
        NS_TEST_EXPECT_MSG_EQ_TOL(r.cloudBusySeconds,
                                  s.devices * s.CloudSecondsPerDevice(),
                                  1e-9,
                                  "cloud busy time");

        // A budget below the static memory: no step at all, every token failed.
        s.memoryBudgetBytes = s.deviceStaticBytes - 1;
        s.devices = 1;
        const LlmSplitSimulationResult none = LlmSplitSimulation(s, Ideal("tcp")).Run();
        CheckConservation(none);
        NS_TEST_EXPECT_MSG_EQ(none.tokensCompleted, 0U, "nothing fits");
        NS_TEST_EXPECT_MSG_EQ(none.failures.at("memory"), none.tokensRequested, "all memory");
        NS_TEST_EXPECT_MSG_EQ(none.ttft.samples, 0U, "no first token");
        NS_TEST_EXPECT_MSG_EQ(none.cloudJobs, 0U, "the cloud saw nothing");
    }
};

/**
 * @ingroup edge-llm-tests
 * K devices sharing the cloud: its busy time is exactly K × one device's cloud compute, and the
 * queueing delay grows with K.
 */
class LlmSplitContentionTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitContentionTestCase()
        : LlmSplitTestCase(
            "K devices: cloud busy time = K x per-device compute, queueing grows with K")
    {
    }

  private:
    void DoRun() override
    {
        double previousQueueing = -1;
        for (uint32_t k : {1U, 2U, 4U, 8U, 64U})
        {
            RngSeedManager::SetSeed(4);
            RngSeedManager::SetRun(1);
            LlmSplitSetting s = BaseSetting();
            s.devices = k;
            s.cloudPrefillSeconds = 0.010;
            s.cloudDecodeSeconds = 0.001;
            LlmTransportSetting t; // default delays: 10 ms access, 20 ms shared
            const LlmSplitSimulationResult r = LlmSplitSimulation(s, t).Run();
            CheckConservation(r);
            NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, r.tokensRequested, "K = " << k);
            const Time perDevice = Seconds(s.cloudPrefillSeconds)
                                   + (s.tokensToGenerate - 1) * Seconds(s.cloudDecodeSeconds);
            NS_TEST_EXPECT_MSG_EQ_TOL(r.cloudBusySeconds,
                                      (k * perDevice).GetSeconds(),
                                      1e-12,
                                      "K = " << k << ": busy time exact");
            NS_TEST_EXPECT_MSG_EQ(r.cloudJobs, k * s.tokensToGenerate, "jobs");
            NS_TEST_EXPECT_MSG_GT(r.cloudMeanQueueingSeconds,
                                  previousQueueing,
                                  "K = " << k << ": queueing grows with K");
            if (k == 1)
            {
                NS_TEST_EXPECT_MSG_EQ(r.cloudMeanQueueingSeconds, 0.0, "alone: no queueing");
            }
            previousQueueing = r.cloudMeanQueueingSeconds;
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Cloud-only against split with uncompressed (fp16) activations: fewer bytes per decode token
 * on the shared link, more compute on the cloud.
 */
class LlmSplitCloudOnlyTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitCloudOnlyTestCase()
        : LlmSplitTestCase(
            "Cloud-only vs split fp16: fewer shared-link bytes per decode token, more "
            "cloud compute")
    {
    }

  private:
    /// Shared-link bytes and cloud busy time of a run with G tokens.
    static LlmSplitSimulationResult RunWith(LlmSplitSetting s, uint32_t tokens)
    {
        RngSeedManager::SetSeed(5);
        RngSeedManager::SetRun(1);
        s.tokensToGenerate = tokens;
        return LlmSplitSimulation(s, Ideal("tcp")).Run();
    }

    void DoRun() override
    {
        LlmSplitSetting split = BaseSetting();
        split.payloadPrefillBytes = split.promptTokens * 4096 * 2; // fp16, uncompressed
        split.payloadDecodeBytes = 4096 * 2;
        LlmSplitSetting cloudOnly = split;
        cloudOnly.mode = LlmSplitSetting::Mode::CLOUD_ONLY;
        double perToken[2];
        double busy[2];
        int i = 0;
        for (const LlmSplitSetting& s : {split, cloudOnly})
        {
            const LlmSplitSimulationResult a = RunWith(s, 8);
            const LlmSplitSimulationResult b = RunWith(s, 24);
            CheckConservation(a);
            CheckConservation(b);
            perToken[i] = static_cast<double>(b.GetSharedBytes() - a.GetSharedBytes()) / 16;
            busy[i] = b.cloudBusySeconds;
            const double prefill = i == 0 ? s.cloudPrefillSeconds : s.cloudOnlyPrefillSeconds;
            const double decode = i == 0 ? s.cloudDecodeSeconds : s.cloudOnlyDecodeSeconds;
            NS_TEST_EXPECT_MSG_EQ_TOL(b.cloudBusySeconds, prefill + 23 * decode, 1e-9, "busy");
            ++i;
        }
        // Split fp16: 8192 + 26 bytes up and 4 + 26 down per token, plus TCP/IP headers.
        NS_TEST_EXPECT_MSG_GT(perToken[0], 8192.0, "split moves the activation");
        NS_TEST_EXPECT_MSG_LT(perToken[1], 200.0, "cloud-only moves a token id (and an ACK)");
        NS_TEST_EXPECT_MSG_LT(perToken[1], perToken[0], "cloud-only: fewer bytes per token");
        NS_TEST_EXPECT_MSG_GT(busy[1], busy[0], "cloud-only: more compute on the cloud");
    }
};

/**
 * @ingroup edge-llm-tests
 * Lossy links: over UDP, lost messages fail tokens with a reason (lost, timeout, aborted) and
 * the count still adds up; over TCP every token completes.
 */
class LlmSplitLossTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitLossTestCase()
        : LlmSplitTestCase(
            "Loss: every token completed or failed with a reason (UDP); TCP recovers")
    {
    }

  private:
    void DoRun() override
    {
        for (const std::string transport : {"udp", "tcp"})
        {
            RngSeedManager::SetSeed(6);
            RngSeedManager::SetRun(1);
            LlmSplitSetting s = BaseSetting();
            s.devices = 3;
            s.requests = 3;
            LlmTransportSetting t = Ideal(transport);
            t.lossRate = 0.02;
            const LlmSplitSimulationResult r = LlmSplitSimulation(s, t).Run();
            CheckConservation(r);
            NS_TEST_EXPECT_MSG_EQ(r.tokensCutOff, 0U, transport << ": nothing cut off");
            NS_TEST_EXPECT_MSG_GT(r.drops, 0U, transport << ": the links did lose packets");
            if (transport == "tcp")
            {
                NS_TEST_EXPECT_MSG_EQ(r.tokensCompleted, r.tokensRequested, "TCP retransmits");
                continue;
            }
            NS_TEST_EXPECT_MSG_GT(r.tokensFailed, 0U, "UDP loses tokens");
            for (const auto& [reason, count] : r.failures)
            {
                NS_TEST_EXPECT_MSG_EQ(
                    (reason == "lost" || reason == "timeout" || reason == "aborted"),
                    true,
                    "reason " << reason);
            }
        }
    }
};

/// Add a request's wait to a sum (RequestStart trace sink).
void
AddWait(Time* sum, uint32_t, Time waited)
{
    *sum += waited;
}

/**
 * @ingroup edge-llm-tests
 * Open-loop arrivals (set through the installed callback): requests that arrive while another
 * runs wait for the device, and their TTFT counts the wait.
 */
class LlmSplitOpenLoopTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitOpenLoopTestCase()
        : LlmSplitTestCase("Open-loop arrivals: requests wait for the device, TTFT counts it")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(8);
        RngSeedManager::SetRun(1);
        LlmSplitSetting s = BaseSetting();
        s.requests = 3;
        Time waited;
        LlmSplitSimulation run(s, Ideal("tcp"));
        run.SetInstalledCallback([&waited](const ApplicationContainer& devices,
                                           Ptr<LlmSplitCloudApplication>) {
            Ptr<Application> app = devices.Get(0);
            app->SetAttribute("ClosedLoop", BooleanValue(false));
            app->SetAttribute("InterArrival",
                              StringValue("ns3::ConstantRandomVariable[Constant=0.001]"));
            app->TraceConnectWithoutContext("RequestStart", MakeBoundCallback(&AddWait, &waited));
        });
        const LlmSplitSimulationResult r = run.Run();
        CheckConservation(r);
        NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, r.tokensRequested, "all done");
        // A request takes about TTFT + 15 TPOT = 87 ms: the 2nd and 3rd wait 86 and 172 ms.
        const double request = r.analyticTtftSeconds + 15 * r.analyticTpotSeconds;
        NS_TEST_EXPECT_MSG_GT(waited.GetSeconds(), 2.9 * request, "the waits");
        NS_TEST_EXPECT_MSG_GT(r.ttft.p95, 2 * request, "the last TTFT includes two waits");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(r.ttft.p50,
                                    request + 1.1 * r.analyticTtftSeconds,
                                    "the 2nd waits one request");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(r.tpot.p95 / r.analyticTpotSeconds, 1.10, "TPOT unchanged");
    }
};

/**
 * @ingroup edge-llm-tests
 * A run leaves nothing behind: the same run before and after a very different one (UDP, loss,
 * jumbo frames, 16 devices, another congestion control) gives the same events and bytes.
 */
class LlmSplitIsolationTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitIsolationTestCase()
        : LlmSplitTestCase("A run before and after a very different one: same events and bytes")
    {
    }

  private:
    /// The reference run.
    static LlmSplitSimulationResult Reference()
    {
        RngSeedManager::SetSeed(7);
        RngSeedManager::SetRun(1);
        LlmSplitSetting s = BaseSetting();
        s.devices = 2;
        return LlmSplitSimulation(s, LlmTransportSetting()).Run();
    }

    void DoRun() override
    {
        const LlmSplitSimulationResult before = Reference();
        {
            LlmSplitSetting s = BaseSetting();
            s.devices = 16;
            s.mode = LlmSplitSetting::Mode::CLOUD_ONLY;
            LlmTransportSetting t;
            t.Set("transport", "udp", "--transport");
            t.Set("loss", "0.01", "--loss");
            t.Set("mtu", "9000", "--mtu");
            LlmSplitSimulation(s, t).Run();
            t = LlmTransportSetting();
            t.Set("congestion-control", "TcpCubic", "--congestion-control");
            t.Set("socket-buffer", "1000000", "--socket-buffer");
            LlmSplitSimulation(BaseSetting(), t).Run();
        }
        const LlmSplitSimulationResult after = Reference();
        CheckConservation(after);
        NS_TEST_EXPECT_MSG_EQ(after.events, before.events, "same events");
        NS_TEST_EXPECT_MSG_EQ(after.GetSharedBytes(), before.GetSharedBytes(), "same bytes");
        NS_TEST_EXPECT_MSG_EQ(after.tpot.mean, before.tpot.mean, "same TPOT");
    }
};

/**
 * @ingroup edge-llm-tests
 * Split simulation system suite.
 */
class LlmSplitSimulationTestSuite : public TestSuite
{
  public:
    LlmSplitSimulationTestSuite()
        : TestSuite("edge-llm-split-simulation", TestSuite::Type::SYSTEM)
    {
        AddTestCase(new LlmSplitSettingTestCase());
        AddTestCase(new LlmSplitFidelityTestCase());
        AddTestCase(new LlmSplitMemoryTestCase());
        AddTestCase(new LlmSplitContentionTestCase());
        AddTestCase(new LlmSplitCloudOnlyTestCase());
        AddTestCase(new LlmSplitLossTestCase());
        AddTestCase(new LlmSplitOpenLoopTestCase());
        AddTestCase(new LlmSplitIsolationTestCase());
    }
};

/// Static instance.
LlmSplitSimulationTestSuite g_llmSplitSimulationTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/pcap-file.h"
#include "ns3/test.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
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
        : LlmSplitTestCase("A run before and after very different ones (Wi-Fi too): same events "
                           "and bytes")
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
            s = BaseSetting();
            s.devices = 4;
            LlmSplitSimulation wifi(s, LlmTransportSetting());
            wifi.SetAccess(LlmSplitSimulation::Access::WIFI_AX);
            wifi.Run();
        }
        const LlmSplitSimulationResult after = Reference();
        CheckConservation(after);
        NS_TEST_EXPECT_MSG_EQ(after.events, before.events, "same events");
        NS_TEST_EXPECT_MSG_EQ(after.GetSharedBytes(), before.GetSharedBytes(), "same bytes");
        NS_TEST_EXPECT_MSG_EQ(after.tpot.mean, before.tpot.mean, "same TPOT");
    }
};

/// Packets in a pcap file (-1: it does not open).
int64_t
PcapPackets(const std::string& path)
{
    PcapFile pcap;
    pcap.Open(path, std::ios::in);
    if (pcap.Fail())
    {
        return -1;
    }
    std::vector<uint8_t> data(65536);
    uint32_t sec;
    uint32_t usec;
    uint32_t inclLen;
    uint32_t origLen;
    uint32_t readLen;
    int64_t packets = 0;
    while (true)
    {
        pcap.Read(data.data(), data.size(), sec, usec, inclLen, origLen, readLen);
        if (pcap.Fail() || pcap.Eof())
        {
            break;
        }
        ++packets;
    }
    return packets;
}

/**
 * @ingroup edge-llm-tests
 * The output files of a run with Wi-Fi access, each read back by its reader: pcap of the
 * point-to-point and the Wi-Fi devices (ns-3's PcapFile), the ASCII trace, FlowMonitor and
 * NetAnim XML (an XML parser), the token CSV (a row per token, conservation); refusals of a
 * placement CSV and of an unwritable file.
 */
class LlmSplitOutputsTestCase : public LlmSplitTestCase
{
  public:
    LlmSplitOutputsTestCase()
        : LlmSplitTestCase("Output files of a Wi-Fi run: pcap, ASCII, FlowMonitor, NetAnim, "
                           "token CSV")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(9);
        RngSeedManager::SetRun(1);
        const std::string dir = CreateTempDirFilename("edge-llm-split-outputs");
        std::filesystem::create_directories(dir);
        LlmSimulationOutputs out;
        out.pcapPrefix = dir + "/trace";
        out.asciiFile = dir + "/trace.tr";
        out.flowMonitorXml = dir + "/flows.xml";
        out.netAnimXml = dir + "/anim.xml";
        out.tokenCsv = dir + "/tokens.csv";
        LlmSplitSetting s = BaseSetting();
        s.devices = 2;
        s.tokensToGenerate = 4;
        LlmSplitSimulation run(s, LlmTransportSetting());
        run.SetAccess(LlmSplitSimulation::Access::WIFI_AX);
        run.SetOutputs(out);
        const LlmSplitSimulationResult r = run.Run();
        CheckConservation(r);
        NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, r.tokensRequested, "all tokens");

        // pcap: a file per device (2 stations, the access point, the shared link's two ends);
        // the Wi-Fi and the point-to-point files hold packets.
        std::size_t files = 0;
        int64_t wifiPackets = 0;
        int64_t p2pPackets = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir))
        {
            if (e.path().extension() != ".pcap")
            {
                continue;
            }
            ++files;
            const int64_t n = PcapPackets(e.path().string());
            NS_TEST_ASSERT_MSG_GT_OR_EQ(n, 0, "pcap opens: " << e.path());
            // ns-3 names them PREFIX-<node>-<device>: nodes 0, 1 are the devices, 2 the router
            // (device 1: the access point, 2: the shared link; 0 is the loopback), 3 the cloud.
            const std::string name = e.path().filename().string();
            const bool p2p = name == "trace-2-2.pcap" || name == "trace-3-1.pcap";
            (p2p ? p2pPackets : wifiPackets) += n;
        }
        NS_TEST_ASSERT_MSG_EQ(files, 5U, "a pcap per device");
        NS_TEST_ASSERT_MSG_GT(wifiPackets, 0, "Wi-Fi pcap files hold frames");
        NS_TEST_ASSERT_MSG_GT(p2pPackets, 0, "shared-link pcap files hold packets");

        // ASCII trace: ns-3's +, -, r, d lines, Wi-Fi PHY lines (t, r) included.
        std::ifstream ascii(out.asciiFile);
        std::string line;
        std::size_t lines = 0;
        bool wifiLine = false;
        bool wellFormed = true;
        while (std::getline(ascii, line))
        {
            ++lines;
            wellFormed = wellFormed && !line.empty()
                         && std::string("+-rdt").find(line[0]) != std::string::npos;
            wifiLine = wifiLine || line.find("WifiNetDevice") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_GT(lines, 0U, "ASCII trace written");
        NS_TEST_ASSERT_MSG_EQ(wellFormed, true, "ASCII trace lines");
        NS_TEST_ASSERT_MSG_EQ(wifiLine, true, "ASCII trace of the Wi-Fi devices");

        // FlowMonitor: flows both ways between each device and the cloud.
        boost::property_tree::ptree flows;
        boost::property_tree::read_xml(out.flowMonitorXml, flows);
        std::size_t nFlows = 0;
        for (const auto& [tag, node] : flows.get_child("FlowMonitor.FlowStats"))
        {
            nFlows += tag == "Flow" ? 1 : 0;
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(nFlows, 4U, "FlowMonitor XML: two flows per device");

        // NetAnim: every node described.
        boost::property_tree::ptree anim;
        boost::property_tree::read_xml(out.netAnimXml, anim);
        std::size_t described = 0;
        for (const auto& [tag, node] : anim.get_child("anim"))
        {
            if (tag == "nu" && node.get<std::string>("<xmlattr>.p", "") == "d")
            {
                described += 1;
            }
        }
        NS_TEST_ASSERT_MSG_EQ(described, 4U, "NetAnim names 2 devices, access point, cloud");

        // Token CSV: a row per token, each completed, after its device's start.
        std::ifstream tokens(out.tokenCsv);
        std::getline(tokens, line);
        NS_TEST_ASSERT_MSG_EQ(line, "device,request,token,status,time_s,latency_s,reason", "head");
        uint64_t rows = 0;
        while (std::getline(tokens, line))
        {
            ++rows;
            std::vector<std::string> f;
            std::stringstream ss(line);
            std::string cell;
            while (std::getline(ss, cell, ','))
            {
                f.push_back(cell);
            }
            NS_TEST_ASSERT_MSG_EQ(f.size(), 6U, "row (empty reason): " << line);
            NS_TEST_ASSERT_MSG_EQ(f[3], "completed", "status");
            NS_TEST_ASSERT_MSG_GT(std::stod(f[4]), r.associationSeconds, "after the start");
            NS_TEST_ASSERT_MSG_GT(std::stod(f[5]), 0.0, "latency");
        }
        NS_TEST_ASSERT_MSG_EQ(rows, r.tokensRequested, "one row per token");
        std::filesystem::remove_all(dir);

        // Refused: a placement CSV (no meaning here) and a file in a missing folder.
        bool refused = false;
        try
        {
            LlmSimulationOutputs placement;
            placement.placementCsv = dir + "/placement.csv";
            run.SetOutputs(placement);
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("placement") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "placement CSV refused");
        refused = false;
        try
        {
            LlmSimulationOutputs bad;
            bad.flowMonitorXml = dir + "/missing/folder/flows.xml";
            LlmSplitSimulation unwritable(BaseSetting(), LlmTransportSetting());
            unwritable.SetOutputs(bad);
            unwritable.Run();
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("flows.xml") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "unwritable output refused before running");
    }
};

/**
 * @ingroup edge-llm-tests
 * Wi-Fi access (802.11ac and 802.11ax, 1 and 8 devices, TCP and UDP, ideal links): every
 * station associates before the devices start, every token completes or fails with a reason
 * (TCP: all complete), and the simulated TTFT and TPOT are at least the analytic ones at the
 * standard's PHY rate (preambles, MAC, contention and acknowledgements only add); one device
 * alone pays at most 1 ms of Wi-Fi overhead per token.
 */
class LlmSplitWifiTestCase : public LlmSplitTestCase
{
  public:
    /**
     * @brief A test case.
     * @param access WIFI_AC or WIFI_AX
     */
    explicit LlmSplitWifiTestCase(LlmSplitSimulation::Access access)
        : LlmSplitTestCase("Wi-Fi access (" + LlmSplitSimulation::GetAccessName(access)
                           + "): association, warm-up, token conservation, simulated TPOT >= "
                             "analytic at the PHY rate")
        , m_access(access)
    {
    }

  private:
    LlmSplitSimulation::Access m_access; //!< The medium

    void DoRun() override
    {
        // The setting the run analyses: the standard's PHY rate both ways (data subcarriers x
        // bits x 5/6 per OFDM symbol), the access delay moved onto the shared link.
        const LlmSplitSetting base = BaseSetting();
        const LlmSplitSetting ax =
            LlmSplitSimulation::WithAccess(base, LlmSplitSimulation::Access::WIFI_AX);
        NS_TEST_ASSERT_MSG_EQ_TOL(ax.uplinkBps, 980 * 10 * 5.0 / 6 / 16e-6, 1, "HE MCS 11");
        NS_TEST_ASSERT_MSG_EQ_TOL(ax.downlinkBps, ax.uplinkBps, 1e-9, "both ways");
        NS_TEST_ASSERT_MSG_EQ_TOL(
            LlmSplitSimulation::WithAccess(base, LlmSplitSimulation::Access::WIFI_AC).uplinkBps,
            234 * 8 * 5.0 / 6 / 4e-6,
            1,
            "VHT MCS 9");
        NS_TEST_ASSERT_MSG_EQ_TOL(ax.sharedDelaySeconds,
                                  base.sharedDelaySeconds + base.accessDelaySeconds,
                                  1e-15,
                                  "the path keeps its delay");
        NS_TEST_ASSERT_MSG_EQ(ax.accessDelaySeconds, 0.0, "no access delay");
        const LlmSplitSetting same =
            LlmSplitSimulation::WithAccess(base, LlmSplitSimulation::Access::P2P);
        NS_TEST_ASSERT_MSG_EQ(same.uplinkBps, base.uplinkBps, "p2p: unchanged");

        for (const auto access : {m_access})
        {
            for (const std::string transport : {"tcp", "udp"})
            {
                for (const uint32_t k : {1U, 8U})
                {
                    RngSeedManager::SetSeed(10);
                    RngSeedManager::SetRun(1);
                    LlmSplitSetting s = BaseSetting();
                    s.devices = k;
                    s.requests = 1;
                    LlmSplitSimulation run(s, Ideal(transport));
                    run.SetAccess(access);
                    const LlmSplitSimulationResult r = run.Run();
                    const std::string what = LlmSplitSimulation::GetAccessName(access) + " "
                                             + transport + " K = " + std::to_string(k);
                    CheckConservation(r);
                    NS_TEST_EXPECT_MSG_EQ(r.access,
                                          LlmSplitSimulation::GetAccessName(access),
                                          what);
                    NS_TEST_EXPECT_MSG_EQ(r.stationsAssociated, k, what << ": all associated");
                    NS_TEST_EXPECT_MSG_EQ(r.stationsReady, k, what << ": warm-up passed");
                    NS_TEST_EXPECT_MSG_GT(r.associationSeconds, 0.0, what << ": beacons first");
                    NS_TEST_EXPECT_MSG_LT(r.associationSeconds,
                                          LlmSplitSimulation::ASSOCIATION_DEADLINE_SECONDS,
                                          what << ": before the deadline");
                    NS_TEST_EXPECT_MSG_GT_OR_EQ(r.startSeconds,
                                                r.associationSeconds,
                                                what << ": requests after the association");
                    NS_TEST_EXPECT_MSG_EQ(r.tokensCutOff, 0U, what << ": nothing cut off");
                    if (transport == "tcp" || k == 1)
                    {
                        NS_TEST_EXPECT_MSG_EQ(r.tokensCompleted,
                                              r.tokensRequested,
                                              what << ": all done");
                    }
                    for (const auto& [reason, count] : r.failures)
                    {
                        NS_TEST_EXPECT_MSG_EQ(
                            (reason == "lost" || reason == "timeout" || reason == "aborted"),
                            true,
                            what << ": reason " << reason);
                    }
                    NS_TEST_EXPECT_MSG_EQ_TOL(r.uplinkBps,
                                              run.WithAccess(s, access).uplinkBps,
                                              1e-6,
                                              what << ": analysed at the PHY rate");
                    NS_TEST_ASSERT_MSG_GT(r.tpot.samples, 0U, what << ": TPOT measured");
                    NS_TEST_EXPECT_MSG_GT_OR_EQ(r.tpot.p50 / r.analyticTpotSeconds,
                                                1 - 1e-9,
                                                what << ": TPOT p50 below analytic");
                    NS_TEST_EXPECT_MSG_GT_OR_EQ(r.tpot.mean / r.analyticTpotSeconds,
                                                1 - 1e-9,
                                                what << ": TPOT mean below analytic");
                    NS_TEST_EXPECT_MSG_GT_OR_EQ(r.ttft.mean / r.analyticTtftSeconds,
                                                1 - 1e-9,
                                                what << ": TTFT below analytic");
                    if (k == 1)
                    {
                        NS_TEST_EXPECT_MSG_LT_OR_EQ(r.tpot.p95 - r.analyticTpotSeconds,
                                                    1e-3,
                                                    what << ": Wi-Fi overhead per token");
                    }
                }
            }
        }

        // Refused: another medium's name, and an MTU above Wi-Fi's MSDU limit.
        bool refused = false;
        try
        {
            LlmSplitSimulation::ParseAccess("wifi-n", "--access");
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("--access: expected p2p, wifi-ac or wifi-ax")
                      != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "unknown medium refused, naming the option");
        refused = false;
        try
        {
            LlmTransportSetting jumbo;
            jumbo.Set("mtu", "9000", "--mtu");
            LlmSplitSimulation run(BaseSetting(), jumbo);
            run.SetAccess(LlmSplitSimulation::Access::WIFI_AC);
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("mtu: expected 576 ... 2296") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "jumbo frames on Wi-Fi refused");
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
        // First: its ASCII trace needs packet metadata from the process's first packet.
        AddTestCase(new LlmSplitOutputsTestCase());
        AddTestCase(new LlmSplitSettingTestCase());
        AddTestCase(new LlmSplitFidelityTestCase());
        AddTestCase(new LlmSplitMemoryTestCase());
        AddTestCase(new LlmSplitContentionTestCase());
        AddTestCase(new LlmSplitCloudOnlyTestCase());
        AddTestCase(new LlmSplitLossTestCase());
        AddTestCase(new LlmSplitOpenLoopTestCase());
        AddTestCase(new LlmSplitIsolationTestCase());
        AddTestCase(new LlmSplitWifiTestCase(LlmSplitSimulation::Access::WIFI_AX));
        AddTestCase(new LlmSplitWifiTestCase(LlmSplitSimulation::Access::WIFI_AC));
    }
};

/// Static instance.
LlmSplitSimulationTestSuite g_llmSplitSimulationTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/edge-llm-module.h"
#include "ns3/error-model.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/packet.h"
#include "ns3/pcap-file.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/test.h"

#include <algorithm>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ns3;

namespace
{

/**
 * A transfer-bound scenario: `layers` identical layers whose output message is
 * β · e · 8 / 8 = `messageBytes`, on `servers` servers in a full mesh at `bps` with `delay`.
 */
LlmScenario
MeshScenario(uint32_t layers,
             uint32_t servers,
             uint32_t messageBytes,
             double bps,
             double delay,
             uint32_t tokens = 4)
{
    std::vector<LlmLayer> ls(layers);
    for (uint32_t l = 0; l < layers; ++l)
    {
        ls[l].name = "l" + std::to_string(l);
        ls[l].params = 1000000;
        ls[l].flopsPerToken = 2e6;
        ls[l].outputElementsPerToken = messageBytes / 16; // β = 16, 8 bits
        ls[l].weightMaxAbs = 0.3;
    }
    LlmScenario s;
    s.SetModel(LlmProfile("mesh", 32, ls));
    s.GetWorkload() = {tokens, 16};
    s.GetQuantization() = {8, 32, 8, 1e-3}; // 8 bits allowed (2·0.3/4^8 < 1e-3)
    for (uint32_t i = 0; i < servers; ++i)
    {
        s.GetServers().push_back({"s" + std::to_string(i), 1e10 * (1 + i), std::nullopt});
    }
    for (uint32_t i = 0; i < servers; ++i)
    {
        for (uint32_t j = 0; j < servers; ++j)
        {
            if (i != j)
            {
                s.GetLinks().push_back(
                    {"s" + std::to_string(i), "s" + std::to_string(j), bps, delay});
            }
        }
    }
    s.Validate("test");
    return s;
}

/// Outcome of one simulated run.
struct RunResult
{
    double analytic{0};        //!< T
    double analyticCompute{0}; //!< Σ cp
    double simulated{0};       //!< Completion time
    double compute{0};         //!< Simulated compute
    double transfer{0};        //!< Simulated transfer
    uint64_t started{0};       //!< Tokens started
    uint64_t completed{0};     //!< Tokens done
    uint64_t failed{0};        //!< Tokens failed
};

/// Solve, then simulate through LlmSimulation (a 10000-packet queue so that only loss drops).
RunResult
Simulate(const LlmScenario& s,
         const std::string& transport,
         bool useDelay,
         double errorRate = 0,
         uint32_t requests = 1)
{
    const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
    LlmTransportSetting setting;
    setting.transport = transport;
    setting.ideal = !useDelay;
    setting.lossRate = errorRate;
    setting.queueSize = "10000p";
    setting.requests = requests;
    const LlmSimulationResult sim = LlmSimulation(s, plan, setting).Run();
    RunResult r;
    r.analytic = sim.analyticSeconds;
    r.analyticCompute = sim.computeBoundSeconds;
    r.simulated = sim.simulatedSeconds;
    r.compute = sim.simulatedComputeSeconds;
    r.transfer = sim.simulatedTransferSeconds;
    r.started = sim.tokensStarted;
    r.completed = sim.tokensCompleted;
    r.failed = sim.tokensFailed;
    return r;
}

/**
 * @ingroup edge-llm-tests
 * LlmActivationHeader serializes and deserializes every field.
 */
class LlmHeaderTestCase : public TestCase
{
  public:
    LlmHeaderTestCase()
        : TestCase("Activation header round trip and size")
    {
    }

  private:
    void DoRun() override
    {
        LlmActivationHeader h;
        h.kind = LlmActivationHeader::TOKEN_FAILED;
        h.requestId = 0xdeadbeef;
        h.token = 127;
        h.layer = 25;
        h.bits = 12;
        h.payloadBytes = 524288;
        h.fragment = 3;
        h.fragments = 9;
        Ptr<Packet> p = Create<Packet>(100);
        p->AddHeader(h);
        NS_TEST_ASSERT_MSG_EQ(h.GetSerializedSize(), 26, "fixed size");
        NS_TEST_ASSERT_MSG_EQ(p->GetSize(), 126, "header + payload");
        LlmActivationHeader g;
        p->RemoveHeader(g);
        NS_TEST_ASSERT_MSG_EQ(g.kind, LlmActivationHeader::TOKEN_FAILED, "kind");
        NS_TEST_ASSERT_MSG_EQ(g.requestId, 0xdeadbeef, "request");
        NS_TEST_ASSERT_MSG_EQ(g.token, 127, "token");
        NS_TEST_ASSERT_MSG_EQ(g.layer, 25, "layer");
        NS_TEST_ASSERT_MSG_EQ(static_cast<int>(g.bits), 12, "bits");
        NS_TEST_ASSERT_MSG_EQ(g.payloadBytes, 524288, "payload");
        NS_TEST_ASSERT_MSG_EQ(g.fragment, 3, "fragment");
        NS_TEST_ASSERT_MSG_EQ(g.fragments, 9, "fragments");
        NS_TEST_ASSERT_MSG_EQ(p->GetSize(), 100, "payload left");
    }
};

/**
 * @ingroup edge-llm-tests
 * On ideal links the simulated compute equals the analytic compute, the completion time is at
 * most 10 % above T for messages of 64 KB and more, and the gap shrinks as messages grow.
 */
class LlmIdealFidelityTestCase : public TestCase
{
  public:
    LlmIdealFidelityTestCase()
        : TestCase("Ideal links: simulated time within 10 % above T, gap shrinks with size")
    {
    }

  private:
    void DoRun() override
    {
        double previousGap = INFINITY;
        for (uint32_t kb : {64, 256, 1024})
        {
            RngSeedManager::SetSeed(1);
            RngSeedManager::SetRun(1);
            const RunResult r = Simulate(MeshScenario(4, 5, kb * 1024, 1e8, 0.0), "tcp", false);
            NS_TEST_ASSERT_MSG_EQ(r.completed, r.started, "every token completes");
            NS_TEST_ASSERT_MSG_EQ(r.failed, 0, "none fails");
            NS_TEST_ASSERT_MSG_EQ_TOL(r.compute,
                                      r.analyticCompute,
                                      1e-6,
                                      "simulated compute equals eq. 3 (ns resolution)");
            const double gap = (r.simulated - r.analytic) / r.analytic;
            NS_TEST_ASSERT_MSG_GT_OR_EQ(gap, 0.0, kb << " KB: never faster than the model");
            NS_TEST_ASSERT_MSG_LT(gap, 0.10, kb << " KB: within 10 % above T");
            // Header bytes are a fixed share; connection set-up, slow start and the last
            // ACK-clocked round amortize over larger messages.
            const double analyticTransfer = r.analytic - r.analyticCompute;
            const double transferGap = (r.transfer - analyticTransfer) / analyticTransfer;
            NS_TEST_ASSERT_MSG_LT(transferGap,
                                  previousGap,
                                  kb << " KB: the transfer gap shrinks with size");
            previousGap = transferGap;
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Propagation delay and packet loss slow the simulation; the analytic T does not move, and TCP
 * completes every token.
 */
class LlmDelayLossTestCase : public TestCase
{
  public:
    LlmDelayLossTestCase()
        : TestCase("Delay and loss: simulated time grows, analytic T does not, tokens conserved")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(2);
        RngSeedManager::SetRun(1);
        const RunResult ideal = Simulate(MeshScenario(4, 5, 128 * 1024, 1e8, 0.01), "tcp", false);
        const RunResult delayed = Simulate(MeshScenario(4, 5, 128 * 1024, 1e8, 0.01), "tcp", true);
        const RunResult lossy =
            Simulate(MeshScenario(4, 5, 128 * 1024, 1e8, 0.0), "tcp", false, 0.002);
        NS_TEST_ASSERT_MSG_EQ_TOL(delayed.analytic, ideal.analytic, 1e-12, "T ignores delay");
        NS_TEST_ASSERT_MSG_GT(delayed.simulated, ideal.simulated * 1.05, "delay slows the run");
        NS_TEST_ASSERT_MSG_GT(lossy.simulated, ideal.simulated, "loss slows the run");
        for (const RunResult* r : {&ideal, &delayed, &lossy})
        {
            NS_TEST_ASSERT_MSG_EQ(r->completed, r->started, "TCP completes every token");
            NS_TEST_ASSERT_MSG_EQ(r->started, 4, "4 tokens");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * A scenario user: T grows by the access path (LlmCostModel::AccessDelay), the simulation puts
 * its user node behind the user's server and its completion time grows by about as much.
 */
class LlmAccessPathSimulationTestCase : public TestCase
{
  public:
    LlmAccessPathSimulationTestCase()
        : TestCase("User access path: analytic and simulated T grow by the path")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(2);
        RngSeedManager::SetRun(1);
        // Links between servers without delay, so that the access link's delay dominates the
        // path and the run without a user pays none of it.
        const LlmScenario plain = MeshScenario(4, 5, 128 * 1024, 1e8, 0.0);
        LlmScenario withUser = plain;
        withUser.SetUser(LlmUser{"s0", 1e8, 0.02});
        // One plan (the optimum with the user), simulated without and with the user node.
        const LlmCostModel m(withUser);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(m);
        const double access = m.AccessDelay(plan.placement);
        NS_TEST_ASSERT_MSG_GT(access, 4 * 2 * 0.02, "at least the access link's delays");
        NS_TEST_ASSERT_MSG_EQ_TOL(plan.objective,
                                  LlmCostModel(plain).Objective(plan.placement) + access,
                                  1e-9,
                                  "T counts the path");
        LlmTransportSetting t;
        t.queueSize = "10000p";
        const LlmSimulationResult a = LlmSimulation(plain, plan, t).Run();
        const LlmSimulationResult b = LlmSimulation(withUser, plan, t).Run();
        NS_TEST_ASSERT_MSG_EQ_TOL(b.accessSeconds, access, 1e-12, "reported");
        NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted, 4, "every token");
        const double grew = b.simulatedSeconds - a.simulatedSeconds;
        NS_TEST_ASSERT_MSG_GT(grew, 0.9 * access, "the simulated run crosses the path");
        // Once per token and leg, plus the set-up of the two TCP connections over the access
        // link (one round trip, 2 × 0.02 s, each).
        NS_TEST_ASSERT_MSG_LT(grew, access + 2 * 2 * 0.02 + 0.01, "once per token and leg");
        LlmTransportSetting elsewhere;
        elsewhere.user = "s1";
        bool refused = false;
        try
        {
            LlmSimulation(withUser,
                          LlmSolverFactory::Create("greedy")->Solve(LlmCostModel(withUser)),
                          elsewhere);
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("behind s0") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "--user elsewhere than the scenario's user");
    }
};

/**
 * @ingroup edge-llm-tests
 * A run longer than TCP's connection-setup retry window (about 190 s of simulated time): every
 * token completes and the compute time is still exact.
 */
class LlmLongRunTestCase : public TestCase
{
  public:
    LlmLongRunTestCase()
        : TestCase("Long run: 16 tokens over 500 simulated seconds, all conserved")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(5);
        RngSeedManager::SetRun(1);
        LlmScenario s = MeshScenario(4, 5, 64 * 1024, 1e8, 0.001, 16);
        for (LlmServer& srv : s.GetServers())
        {
            srv.ccsHz /= 1e5; // seconds per layer job
        }
        const RunResult r = Simulate(s, "tcp", true);
        NS_TEST_ASSERT_MSG_GT(r.simulated, 500.0, "a long run");
        NS_TEST_ASSERT_MSG_EQ(r.completed, 16, "every token completes");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.compute, r.analyticCompute, 1e-6, "compute exact");
    }
};

/**
 * @ingroup edge-llm-tests
 * UDP over a lossy link: a lost datagram fails its token (reported, never counted as
 * delivered), and every started token is either completed or failed.
 */
class LlmUdpLossTestCase : public TestCase
{
  public:
    LlmUdpLossTestCase()
        : TestCase("UDP loss: tokens fail visibly and are conserved")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(3);
        RngSeedManager::SetRun(1);
        const RunResult clean = Simulate(MeshScenario(4, 5, 64 * 1024, 1e8, 0.0, 8), "udp", false);
        NS_TEST_ASSERT_MSG_EQ(clean.completed, 8, "no loss: all complete");
        NS_TEST_ASSERT_MSG_LT((clean.simulated - clean.analytic) / clean.analytic,
                              0.10,
                              "paced UDP near T");
        const RunResult lossy =
            Simulate(MeshScenario(4, 5, 64 * 1024, 1e8, 0.0, 8), "udp", false, 0.01);
        NS_TEST_ASSERT_MSG_GT(lossy.failed, 0, "losses fail tokens");
        NS_TEST_ASSERT_MSG_EQ(lossy.completed + lossy.failed, lossy.started, "conserved");
        NS_TEST_ASSERT_MSG_EQ(lossy.started, 8, "every token was started");
    }
};

/**
 * @ingroup edge-llm-tests
 * The helper on a topology the user built: four nodes on one CSMA segment; capacities read
 * from the channel's DataRate; every token completes; several requests share the servers.
 */
class LlmUserTopologyTestCase : public TestCase
{
  public:
    LlmUserTopologyTestCase()
        : TestCase("Placement helper on a hand-built CSMA topology, several requests")
    {
    }

  private:
    void DoRun() override
    {
        RngSeedManager::SetSeed(4);
        RngSeedManager::SetRun(1);
        NodeContainer nodes;
        nodes.Create(4);
        CsmaHelper csma;
        csma.SetChannelAttribute("DataRate", DataRateValue(DataRate("100Mbps")));
        csma.SetChannelAttribute("Delay", TimeValue(MicroSeconds(5)));
        NetDeviceContainer devices = csma.Install(nodes);
        InternetStackHelper stack;
        stack.Install(nodes);
        Ipv4AddressHelper address("192.168.1.0", "255.255.255.0");
        address.Assign(devices);
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();

        const LlmScenario base = MeshScenario(3, 2, 64 * 1024, 1e8, 0.0);
        const LlmScenario s = LlmPlacementHelper::ScenarioFromTopology(base.GetModel(),
                                                                       base.GetWorkload(),
                                                                       base.GetQuantization(),
                                                                       nodes,
                                                                       {1e10, 2e10, 3e10, 4e10},
                                                                       {},
                                                                       1);
        NS_TEST_ASSERT_MSG_EQ(s.GetLinks().size(), 12, "a full mesh on one segment");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.GetLinks()[0].bps, 1e8, 1, "the channel's DataRate");

        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        LlmTransportSetting setting;
        setting.requests = 3;
        LlmSimulation simulation(s, plan, setting);
        simulation.SetNodes(nodes);
        uint32_t apps = 0;
        simulation.SetInstalledCallback([&apps, &nodes](LlmPlacementHelper&) {
            for (uint32_t i = 0; i < nodes.GetN(); ++i)
            {
                apps += nodes.Get(i)->GetNApplications();
            }
        });
        const LlmSimulationResult r = simulation.Run();
        NS_TEST_ASSERT_MSG_EQ(apps, 4, "three servers and a client");
        NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, 12, "3 requests × 4 tokens");
        NS_TEST_ASSERT_MSG_EQ(r.tokensUnfinished, 0, "all requests");
        NS_TEST_ASSERT_MSG_GT(r.simulatedSeconds,
                              plan.objective,
                              "sharing the servers takes longer than one request");

        // Settings that shape links do not apply to the user's own nodes.
        LlmTransportSetting jumbo;
        jumbo.mtu = 9000;
        bool refusedSetting = false;
        try
        {
            LlmSimulation(s, plan, jumbo).SetNodes(nodes);
        }
        catch (const LlmInputError&)
        {
            refusedSetting = true;
        }
        NS_TEST_ASSERT_MSG_EQ(refusedSetting, true, "link settings refused with own nodes");

        // A topology with a node count that does not match the scenario is refused.
        bool refused = false;
        try
        {
            LlmPlacementHelper(s).Install(NodeContainer(nodes.Get(0)));
        }
        catch (const LlmInputError&)
        {
            refused = true;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "node count checked");
    }
};

/**
 * @ingroup edge-llm-tests
 * Edge cases: a single server (no network at all), refused queue sizes and link rates.
 */
class LlmEdgeCaseTestCase : public TestCase
{
  public:
    LlmEdgeCaseTestCase()
        : TestCase("Single server without links; bad queue size and link rate refused")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s = MeshScenario(3, 1, 64 * 1024, 1e8, 0.0);
        s.SetMaxLayersPerServer(std::nullopt);
        const RunResult r = Simulate(s, "tcp", false);
        NS_TEST_ASSERT_MSG_EQ(r.completed, 4, "all tokens on one node");
        NS_TEST_ASSERT_MSG_EQ_TOL(r.simulated, r.analytic, 1e-6, "no transfer at all");

        EdgeTopologyHelper topology(MeshScenario(2, 2, 1024, 1e8, 0.0));
        bool refused = false;
        try
        {
            topology.SetQueueSize("bogus");
        }
        catch (const LlmInputError&)
        {
            refused = true;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "queue size checked");
        refused = false;
        try
        {
            EdgeTopologyHelper(MeshScenario(2, 2, 1024, 0.5, 0.0)).Install();
        }
        catch (const LlmInputError&)
        {
            refused = true;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "sub-bit/s link refused");
        Simulator::Destroy();
    }
};

/**
 * @ingroup edge-llm-tests
 * Runs in one process do not leak into each other: a default run gives the same result before
 * and after a run with another transport, congestion control, socket buffer, loss and MTU.
 */
class LlmRunIsolationTestCase : public TestCase
{
  public:
    LlmRunIsolationTestCase()
        : TestCase("Two runs in one process: the second is the same as alone")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = MeshScenario(4, 5, 64 * 1024, 1e8, 0.001);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        LlmSimulation first(s, plan);
        first.SetRngRun(1);
        const LlmSimulationResult alone = first.Run();

        LlmTransportSetting other;
        other.congestionControl = "TcpCubic";
        other.socketBuffer = 32768;
        other.lossRate = 0.002;
        other.mtu = 9000;
        other.queueSize = "20p";
        other.requests = 2;
        LlmSimulation second(s, plan, other);
        second.SetRngRun(2);
        const LlmSimulationResult changed = second.Run();
        NS_TEST_ASSERT_MSG_NE(changed.simulatedSeconds,
                              alone.simulatedSeconds,
                              "the other setting changes the run");

        LlmSimulation third(s, plan);
        third.SetRngRun(1);
        const LlmSimulationResult again = third.Run();
        NS_TEST_ASSERT_MSG_EQ(again.simulatedSeconds, alone.simulatedSeconds, "same time");
        NS_TEST_ASSERT_MSG_EQ(again.bytesSent, alone.bytesSent, "same bytes");
        NS_TEST_ASSERT_MSG_EQ(again.events, alone.events, "same events");
        NS_TEST_ASSERT_MSG_EQ(again.packetsSent, alone.packetsSent, "same packets");
        NS_TEST_ASSERT_MSG_EQ(again.tokensCompleted, 4, "all tokens");
    }
};

/**
 * @ingroup edge-llm-tests
 * Every output file of a run is written and read back by its reader: FlowMonitor XML and
 * NetAnim XML (an XML parser), pcap (ns-3's PcapFile), the ASCII trace, the token and
 * placement CSV files.
 */
class LlmOutputsTestCase : public TestCase
{
  public:
    LlmOutputsTestCase()
        : TestCase("Output files: FlowMonitor XML, NetAnim, pcap, ASCII, token and placement CSV")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-outputs");
        std::filesystem::create_directories(dir);
        LlmSimulationOutputs out;
        out.pcapPrefix = dir + "/trace";
        out.asciiFile = dir + "/trace.tr";
        out.flowMonitorXml = dir + "/flows.xml";
        out.netAnimXml = dir + "/anim.xml";
        out.tokenCsv = dir + "/tokens.csv";
        out.placementCsv = dir + "/placement.csv";
        const LlmScenario s = MeshScenario(3, 4, 16 * 1024, 1e8, 0.001, 3);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        LlmSimulation simulation(s, plan);
        simulation.SetOutputs(out);
        const LlmSimulationResult r = simulation.Run();
        NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, 3, "all tokens");

        // FlowMonitor XML: one <Flow> per flow in FlowStats.
        boost::property_tree::ptree flows;
        boost::property_tree::read_xml(out.flowMonitorXml, flows);
        std::size_t nFlows = 0;
        for (const auto& [tag, node] : flows.get_child("FlowMonitor.FlowStats"))
        {
            nFlows += tag == "Flow" ? 1 : 0;
        }
        NS_TEST_ASSERT_MSG_EQ(nFlows, r.flows, "FlowMonitor XML holds every flow");

        // NetAnim: an <anim> document naming the servers.
        boost::property_tree::ptree anim;
        boost::property_tree::read_xml(out.netAnimXml, anim);
        std::size_t named = 0;
        for (const auto& [tag, node] : anim.get_child("anim"))
        {
            if (tag == "nu" && node.get<std::string>("<xmlattr>.p", "") == "d")
            {
                named += node.get<std::string>("<xmlattr>.descr", "").rfind("s", 0) == 0 ? 1 : 0;
            }
        }
        NS_TEST_ASSERT_MSG_EQ(named, s.GetServers().size(), "every server named in NetAnim");

        // pcap: every file opens and the plan's devices carried packets.
        uint64_t packets = 0;
        std::size_t files = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir))
        {
            if (e.path().extension() != ".pcap")
            {
                continue;
            }
            ++files;
            PcapFile pcap;
            pcap.Open(e.path().string(), std::ios::in);
            NS_TEST_ASSERT_MSG_EQ(pcap.Fail(), false, "pcap opens: " << e.path());
            uint8_t data[65536];
            uint32_t sec;
            uint32_t usec;
            uint32_t inclLen;
            uint32_t origLen;
            uint32_t readLen;
            while (true)
            {
                pcap.Read(data, sizeof(data), sec, usec, inclLen, origLen, readLen);
                if (pcap.Fail() || pcap.Eof())
                {
                    break;
                }
                ++packets;
            }
        }
        NS_TEST_ASSERT_MSG_GT(files, 0, "pcap files written");
        NS_TEST_ASSERT_MSG_GT(packets, 0, "pcap files hold packets");

        // ASCII trace: ns-3's +, -, r, d lines.
        std::ifstream ascii(out.asciiFile);
        std::string line;
        std::getline(ascii, line);
        const bool traceLine =
            !line.empty() && std::string("+-rd").find(line[0]) != std::string::npos;
        NS_TEST_ASSERT_MSG_EQ(traceLine, true, "ASCII trace line: " << line);

        // Token CSV: a header with 6 + 2 L columns, one completed row per token.
        std::ifstream tokens(out.tokenCsv);
        std::getline(tokens, line);
        NS_TEST_ASSERT_MSG_EQ(std::count(line.begin(), line.end(), ','),
                              5 + 2 * 3,
                              "token CSV header: " << line);
        std::size_t rows = 0;
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
            NS_TEST_ASSERT_MSG_EQ(f.size(), 6 + 2 * 3, "token CSV row: " << line);
            NS_TEST_ASSERT_MSG_EQ(f[2], "completed", "status");
            NS_TEST_ASSERT_MSG_GT(std::stod(f[4]), std::stod(f[3]), "end after start");
            double compute = 0;
            for (std::size_t l = 0; l < 3; ++l)
            {
                compute += std::stod(f[6 + l]);
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(compute,
                                      r.computeBoundSeconds / s.GetWorkload().tokens,
                                      1e-6,
                                      "a token's compute is the plan's per-token compute");
        }
        NS_TEST_ASSERT_MSG_EQ(rows, 3, "one row per token");

        std::ifstream placement(out.placementCsv);
        rows = 0;
        while (std::getline(placement, line))
        {
            ++rows;
        }
        NS_TEST_ASSERT_MSG_EQ(rows, 1 + 3, "header and one row per layer");
        std::filesystem::remove_all(dir);

        // An output that cannot be written is refused before anything runs.
        LlmSimulationOutputs bad;
        bad.flowMonitorXml = dir + "/missing/folder/flows.xml";
        LlmSimulation refused(s, plan);
        refused.SetOutputs(bad);
        bool threw = false;
        try
        {
            refused.Run();
        }
        catch (const LlmInputError&)
        {
            threw = true;
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "unwritable output refused");
    }
};

/**
 * @ingroup edge-llm-tests
 * A transfer simulated well above eq. 4 is flagged with its cause: the built-in scenario's
 * 50 Mbit/s, 20 ms cloud link is window-limited with ns-3's 128 KiB socket buffer, and only
 * latency-bound once the buffer exceeds the bandwidth-delay product.
 */
class LlmSlowTransferTestCase : public TestCase
{
  public:
    LlmSlowTransferTestCase()
        : TestCase("Transfers far above eq. 4 are flagged with their cause")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s = LlmScenario::BuiltInDefault();
        s.GetWorkload().tokens = 2;
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        auto causes = [&](const LlmTransportSetting& t) {
            LlmSimulation simulation(s, plan, t);
            const LlmSimulationResult r = simulation.Run();
            NS_TEST_EXPECT_MSG_EQ(r.tokensCompleted, 2, "all tokens");
            std::string all;
            for (const auto& l : r.layers)
            {
                if (!l.slowTransferCause.empty())
                {
                    NS_TEST_EXPECT_MSG_GT(l.transferSimSeconds,
                                          1.5 * l.transferModelSeconds,
                                          "flagged only above 1.5 x");
                    all += l.slowTransferCause + "\n";
                }
            }
            const bool printed = r.ToText().find("Transfers simulated above") != std::string::npos;
            NS_TEST_EXPECT_MSG_EQ(printed, !all.empty(), "printed when flagged");
            return all;
        };
        const std::string small = causes(LlmTransportSetting());
        NS_TEST_EXPECT_MSG_NE(small.find("-> cloud: window-limited: the bandwidth-delay product "
                                         "250 kB (50 Mbit/s x 40 ms RTT) exceeds the 131 kB"),
                              std::string::npos,
                              small);
        LlmTransportSetting big;
        big.socketBuffer = 1000000;
        const std::string large = causes(big);
        NS_TEST_EXPECT_MSG_EQ(large.find("window-limited"), std::string::npos, large);
        NS_TEST_EXPECT_MSG_NE(large.find("-> cloud: latency-bound"), std::string::npos, large);

        // Several requests: latency statistics per request, throughput, and the comparison
        // against T per request back to back (not one request's T).
        LlmTransportSetting three;
        three.requests = 3;
        LlmSimulation simulation(s, plan, three);
        const LlmSimulationResult r = simulation.Run();
        NS_TEST_ASSERT_MSG_EQ(r.requestsCompleted, 3, "every request");
        NS_TEST_EXPECT_MSG_GT(r.requestLatencyP50, 0.0, "a latency");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(r.requestLatencyP50, r.requestLatencyP95, "p50 <= p95");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(r.requestLatencyP95, r.requestLatencyP99, "p95 <= p99");
        NS_TEST_EXPECT_MSG_LT_OR_EQ(r.requestLatencyP99, r.simulatedSeconds, "within the run");
        NS_TEST_EXPECT_MSG_EQ_TOL(r.throughputTokensPerSecond * r.simulatedSeconds,
                                  6.0,
                                  1e-6,
                                  "6 tokens over the run");
        NS_TEST_EXPECT_MSG_NE(r.ToText().find("against 3 x T"), std::string::npos, r.ToText());
    }
};

/// Add a packet's size to a byte count (a MacRx trace sink).
void
AddPacketBytes(uint64_t* bytes, Ptr<const Packet> p)
{
    *bytes += p->GetSize();
}

/**
 * @ingroup edge-llm-tests
 * Both ends of a connection stop (as at a migration's or a re-plan's switch to a new epoch)
 * while the sender's whole TCP buffer, the tail of a message, is in flight, queued at a slow
 * device. The stopped receiver keeps reading and discarding, so the data in flight drains and
 * the run goes on to its end. (Without draining, the receiver's buffer fills with exactly the
 * sender's 128 kB, its last ACK advertises a zero window to a sender with no unsent byte left,
 * and ns-3's TcpSocketBase::PersistTimeout dereferences a null item: SIGSEGV. A migration
 * under a dropped link met this when it stopped the old epoch just after the tail of a message
 * entered the sender's buffer.)
 */
class LlmMessengerStopTestCase : public TestCase
{
  public:
    LlmMessengerStopTestCase()
        : TestCase("Messengers stopped with a full buffer in flight: the receiver drains")
    {
    }

  private:
    void DoRun() override
    {
        // An initial window above the 128 kB buffers: the whole message leaves at once.
        TypeId::AttributeInformation cwnd;
        TypeId::LookupByName("ns3::TcpSocket").LookupAttributeByName("InitialCwnd", &cwnd);
        const Ptr<const AttributeValue> before = cwnd.initialValue;
        Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(100));
        NodeContainer nodes;
        nodes.Create(2);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("100kbps"));
        p2p.SetChannelAttribute("Delay", StringValue("1ms"));
        const NetDeviceContainer devices = p2p.Install(nodes);
        InternetStackHelper internet;
        internet.Install(nodes);
        Ipv4AddressHelper ipv4;
        ipv4.SetBase("10.1.1.0", "255.255.255.252");
        const Ipv4InterfaceContainer interfaces = ipv4.Assign(devices);
        Ptr<LlmMessenger> sender = CreateObject<LlmMessenger>();
        Ptr<LlmMessenger> receiver = CreateObject<LlmMessenger>();
        sender->Start(nodes.Get(0), 9000);
        receiver->Start(nodes.Get(1), 9000);
        // The message is the 128 kB TCP buffer and one segment. The first segment's ACK
        // (immediate, at 0.24 s) lets the tail into the sender's buffer and opens the
        // receiver's whole window: everything the receiver has not read is in flight, queued
        // at the 100 kbit/s device, and nothing is left to send. Both stop at 0.3 s, before the
        // second segment arrives (0.36 s).
        LlmActivationHeader h;
        h.payloadBytes = 131072 + 1448 - h.GetSerializedSize();
        const Address to = InetSocketAddress(interfaces.GetAddress(1), 9000);
        Simulator::Schedule(Seconds(0.1), &LlmMessenger::Send, sender, to, h, 0.0);
        Simulator::Schedule(Seconds(0.3), &LlmMessenger::Stop, sender);
        Simulator::Schedule(Seconds(0.3), &LlmMessenger::Stop, receiver);
        uint64_t received = 0;
        devices.Get(1)->TraceConnectWithoutContext("MacRx",
                                                   MakeBoundCallback(&AddPacketBytes, &received));
        Simulator::Stop(Seconds(60));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(Simulator::Now(), Seconds(60), "the run reached its end");
        NS_TEST_EXPECT_MSG_GT(received, 131072 + 1448, "the data in flight arrived");
        NS_TEST_EXPECT_MSG_LT(received, 2 * 131072, "and no more");
        sender->Dispose();
        receiver->Dispose();
        Simulator::Destroy();
        Config::SetDefault("ns3::TcpSocket::InitialCwnd", *before);
    }
};

/**
 * @ingroup edge-llm-tests
 * Header unit suite.
 */
class LlmHeaderTestSuite : public TestSuite
{
  public:
    LlmHeaderTestSuite()
        : TestSuite("edge-llm-header", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmHeaderTestCase());
    }
};

/**
 * @ingroup edge-llm-tests
 * Simulation system suite.
 */
class LlmSimulationTestSuite : public TestSuite
{
  public:
    LlmSimulationTestSuite()
        : TestSuite("edge-llm-simulation", TestSuite::Type::SYSTEM)
    {
        // First: its ASCII trace needs packet metadata from the process's first packet.
        AddTestCase(new LlmOutputsTestCase());
        AddTestCase(new LlmIdealFidelityTestCase());
        AddTestCase(new LlmDelayLossTestCase());
        AddTestCase(new LlmAccessPathSimulationTestCase());
        AddTestCase(new LlmLongRunTestCase());
        AddTestCase(new LlmUdpLossTestCase());
        AddTestCase(new LlmUserTopologyTestCase());
        AddTestCase(new LlmEdgeCaseTestCase());
        AddTestCase(new LlmRunIsolationTestCase());
        AddTestCase(new LlmSlowTransferTestCase());
        AddTestCase(new LlmMessengerStopTestCase());
    }
};

/// Static instances.
LlmHeaderTestSuite g_llmHeaderTestSuite;
LlmSimulationTestSuite g_llmSimulationTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-simulation-benchmark: the cost of simulating a placement, beside ns-3's own
// BulkSendApplication moving the same bytes over the same links in the same process.
//
//   edge-llm-simulation-benchmark                 # built-in OPT-350m scenario, n = 128
//   edge-llm-simulation-benchmark --tokens=32 --mtu=9000
//
// Run 1: edge-llm (solve, install, simulate n tokens). Run 2: for every pair of consecutive
// layers on different servers, a BulkSendApplication sends n · (β·e·b/8) bytes from the first
// to the second server over the same point-to-point links, to a PacketSink. Prints wall time,
// simulated events, events per second, and our wall-time ratio over BulkSend; and peak memory.

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/internet-module.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sys/resource.h>

using namespace ns3;

namespace
{

double
WallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Usage("Wall time and events of an edge-llm simulation vs BulkSend moving the same bytes.");
    LlmProgramOptions options(cmd,
                              LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVER
                                  | LlmProgramOptions::TRANSPORT);
    try
    {
        options.Parse(argc, argv);
        const LlmScenario scenario = options.BuildScenario();
        const uint32_t mtu = options.GetSetting().mtu;

        // Run 1: edge-llm, on every link of the scenario (as BulkSend's run below).
        const LlmPlan plan = options.MakePlan(LlmCostModel(scenario));
        LlmTransportSetting setting = options.GetSetting();
        setting.allLinks = true;
        const LlmSimulationResult ours = LlmSimulation(scenario, plan, setting).Run();
        const double oursWall = ours.wallSeconds;
        const uint64_t oursEvents = ours.events;
        const uint64_t oursTokens = ours.tokensCompleted;
        const double oursSimulated = ours.simulatedSeconds;

        // Run 2: BulkSend, the same bytes on the same links.
        EdgeTopologyHelper topology(scenario);
        topology.SetMtu(static_cast<uint16_t>(mtu));
        NodeContainer nodes = topology.Install();
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(mtu - 52));
        const double beta = scenario.GetWorkload().batch;
        const uint32_t n = scenario.GetWorkload().tokens;
        uint64_t bytes = 0;
        uint16_t port = 10000;
        for (std::size_t l = 0; l + 1 < plan.placement.size(); ++l)
        {
            const auto& a = plan.placement[l];
            const auto& b = plan.placement[l + 1];
            if (a.server == b.server)
            {
                continue;
            }
            const uint64_t message = static_cast<uint64_t>(std::ceil(
                beta * scenario.GetModel().GetLayer(l).outputElementsPerToken * a.bits / 8.0));
            const uint64_t total = message * n;
            bytes += total;
            Ipv4Address dst = nodes.Get(b.server)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
            BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(dst, port));
            bulk.SetAttribute("MaxBytes", UintegerValue(total));
            bulk.Install(nodes.Get(a.server));
            PacketSinkHelper sink("ns3::TcpSocketFactory",
                                  InetSocketAddress(Ipv4Address::GetAny(), port));
            sink.Install(nodes.Get(b.server));
            ++port;
        }
        const double t0 = WallSeconds();
        Simulator::Run();
        const double bulkWall = WallSeconds() - t0;
        const uint64_t bulkEvents = Simulator::GetEventCount();
        Simulator::Destroy();

        struct rusage usage;
        getrusage(RUSAGE_SELF, &usage);
        std::printf("Scenario %s: %zu layers, n = %u, beta = %u, MTU %u; %.1f MB between "
                    "servers\n\n",
                    options.GetScenarioOptions().GetSource().c_str(),
                    plan.placement.size(),
                    n,
                    scenario.GetWorkload().batch,
                    mtu,
                    bytes / 1e6);
        std::printf("%-10s %10s %12s %14s %12s\n", "run", "wall s", "events", "events/s", "sim s");
        std::printf("%-10s %10.3f %12llu %14.0f %12.3f   (%llu tokens)\n",
                    "edge-llm",
                    oursWall,
                    static_cast<unsigned long long>(oursEvents),
                    oursEvents / oursWall,
                    oursSimulated,
                    static_cast<unsigned long long>(oursTokens));
        std::printf("%-10s %10.3f %12llu %14.0f\n",
                    "bulksend",
                    bulkWall,
                    static_cast<unsigned long long>(bulkEvents),
                    bulkEvents / bulkWall);
        std::printf("\nWall-time ratio edge-llm / BulkSend: %.2f; peak memory %.1f MB\n",
                    oursWall / bulkWall,
                    usage.ru_maxrss / 1024.0);
        return 0;
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-simulation-benchmark: " << e.what() << std::endl;
        return 1;
    }
}

// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-first: ns-3's first.cc for edge-llm. Two edge servers and a cloud, wired by hand,
// share the layers of OPT-125m; GLPK places them and ns-3 runs 8 tokens packet by packet.
//
//   edge0 --- 1 Gbps, 1 ms --- edge1       edges: 20 GHz, 50 MB of storage each
//      \ 100 Mbps, 5 ms          /         cloud: 10 GHz (its share), unlimited storage
//       '------- cloud ---------'

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <iostream>

using namespace ns3;

void
TokenDone(uint32_t request, uint32_t token, Time latency)
{
    std::cout << Simulator::Now().As(Time::MS) << ": request " << request << ", token " << token
              << " done in " << latency.As(Time::MS) << std::endl;
}

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Parse(argc, argv);

    NodeContainer nodes;
    nodes.Create(3);
    Names::Add("edge0", nodes.Get(0));
    Names::Add("edge1", nodes.Get(1));
    Names::Add("cloud", nodes.Get(2));

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    NetDeviceContainer d2d = p2p.Install(nodes.Get(0), nodes.Get(1));
    p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer wan0 = p2p.Install(nodes.Get(0), nodes.Get(2));
    NetDeviceContainer wan1 = p2p.Install(nodes.Get(1), nodes.Get(2));

    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper address("10.1.1.0", "255.255.255.0");
    for (const NetDeviceContainer& link : {d2d, wan0, wan1})
    {
        address.Assign(link);
        address.NewNetwork();
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    // OPT-125m, 8 tokens of one sequence (batch 1); the link rates are read from the devices.
    const LlmProfile model = LlmProfile::BuiltIn("opt-125m");
    LlmScenario scenario = LlmPlacementHelper::ScenarioFromTopology(model,
                                                                    LlmWorkload{8, 1},
                                                                    LlmQuantization{},
                                                                    nodes,
                                                                    {2e10, 2e10, 1e10},
                                                                    {5e7, 5e7, std::nullopt},
                                                                    std::nullopt);
    LlmPlacementHelper placement(scenario); // servers named edge0, edge1, cloud
    placement.InstallByName();              // solves with GLPK, then installs
    placement.GetClient()->TraceConnectWithoutContext("TokenDone", MakeCallback(&TokenDone));
    std::cout << "layer server/bits:";
    for (const LlmLayerAssignment& a : placement.GetPlan().placement)
    {
        std::cout << " " << scenario.GetServers()[a.server].name << "/" << a.bits;
    }
    std::cout << std::endl;

    Simulator::Run();
    std::cout << "8 tokens in " << placement.GetClient()->GetCompletionTime().As(Time::MS)
              << "; the plan's T (eq. 1, without propagation delays) is "
              << placement.GetPlan().objective * 1e3 << " ms" << std::endl;
    Simulator::Destroy();
    return 0;
}

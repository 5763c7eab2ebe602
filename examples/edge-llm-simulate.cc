// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-simulate: solve a placement, run it packet by packet in ns-3, and put the analytic
// completion time T beside the simulated one.
//
//   edge-llm-simulate                                   # built-in OPT-350m scenario, TCP
//   edge-llm-simulate --transport=udp --tokens=16 --output=run.json
//   edge-llm-simulate --scenario=my.json --solver=greedy --requests=4 --RngRun=3
//
// The servers of the scenario become nodes joined by point-to-point links (rates Ω_ij, delays
// delay_s; --ideal drops the delays); each layer's server holds every token's activation for
// its compute time (eq. 3 per token) and sends β·e·b/8 bytes to the next layer's server. The
// request source sits on the first layer's node. Exit code 0, 1 on bad input, 2 without a plan.

#include "ns3/command-line.h"
#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/flow-monitor.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

using namespace ns3;

int
main(int argc, char* argv[])
{
    LlmScenarioOptions options;
    LlmSolverOptions solverOptions;
    std::string solverName = "ilp";
    std::string transport = "tcp";
    std::string output;
    uint32_t requests = 1;
    bool ideal = false;
    uint32_t mtu = 1500;
    std::string queue = "1000p";
    std::string user;
    std::string d2d = "p2p";
    bool allLinks = false;
    CommandLine cmd(__FILE__);
    cmd.Usage("Solve a DILEMMA placement and simulate it in ns-3: analytic vs simulated "
              "completion time.");
    options.AddToCommandLine(cmd);
    cmd.AddValue("solver",
                 "Placement solver (ilp, dp, greedy, cloud-only, uniform-bits, ...)",
                 solverName);
    cmd.AddValue("time-limit", "Solver time limit, s", solverOptions.timeLimitSeconds);
    cmd.AddValue("transport", "tcp or udp", transport);
    cmd.AddValue("requests", "Concurrent requests sharing the servers", requests);
    cmd.AddValue("ideal", "Ideal links: no propagation delay", ideal);
    cmd.AddValue("mtu", "Link MTU, bytes (1500 standard, 9000 jumbo)", mtu);
    cmd.AddValue("queue",
                 "Transmit queue of every link (a FIFO queue disc, e.g. 1000p or 1MB)",
                 queue);
    cmd.AddValue("d2d",
                 "Edge-to-edge medium: p2p (a link per pair at its Omega_ij), wifi-ac or "
                 "wifi-ax (one shared ad hoc network; MTU at most 2296)",
                 d2d);
    cmd.AddValue("all-links",
                 "Build every link of the scenario, not only those the plan uses (same times, "
                 "slower)",
                 allLinks);
    cmd.AddValue("user",
                 "Put the request source on a user node behind this server (1 Gbit/s, 1 ms "
                 "access link; default: on the first layer's server)",
                 user);
    cmd.AddValue("output", "Write the results as JSON to this file", output);
    cmd.Parse(argc, argv);

    try
    {
        if (transport != "tcp" && transport != "udp")
        {
            throw LlmInputError("command line",
                                "--transport",
                                "expected tcp or udp, got \"" + transport + "\"");
        }
        if (!(solverOptions.timeLimitSeconds > 0))
        {
            throw LlmInputError("command line", "--time-limit", "expected a positive number");
        }
        if (requests == 0 || mtu < 576 || mtu > 65535)
        {
            throw LlmInputError("command line",
                                requests == 0 ? "--requests" : "--mtu",
                                requests == 0 ? "expected a positive integer"
                                              : "expected 576 ... 65535 bytes");
        }
        if (d2d != "p2p" && d2d != "wifi-ac" && d2d != "wifi-ax")
        {
            throw LlmInputError("command line",
                                "--d2d",
                                "expected p2p, wifi-ac or wifi-ax, got \"" + d2d + "\"");
        }
        if (d2d != "p2p" && mtu > 2296)
        {
            throw LlmInputError("command line",
                                "--mtu",
                                "expected at most 2296 bytes with Wi-Fi (its MSDU limit)");
        }
        const LlmScenario scenario = options.Build();
        LlmPlacementHelper placement(scenario);
        placement.SetSolver(solverName, solverOptions);
        const LlmPlan& plan = placement.Solve();

        EdgeTopologyHelper topology(scenario);
        topology.SetUsePropagationDelay(!ideal);
        topology.SetMtu(static_cast<uint16_t>(mtu));
        topology.SetQueueSize(queue);
        if (!allLinks)
        {
            topology.SetPlanLinksOnly(plan);
        }
        if (d2d != "p2p")
        {
            topology.SetD2dWifi(d2d == "wifi-ac" ? "80211ac" : "80211ax");
        }
        if (!user.empty())
        {
            topology.SetUserNode(user, 1e9, MilliSeconds(1));
        }
        NodeContainer servers = topology.Install();

        placement.SetMessengerAttribute("Transport",
                                        StringValue(transport == "tcp" ? "Tcp" : "Udp"));
        placement.SetMessengerAttribute("UdpPayloadSize", UintegerValue(mtu - 28 - 26));
        placement.SetMessengerAttribute("TcpSegmentSize", UintegerValue(mtu - 52));
        placement.SetClientAttribute("Requests", UintegerValue(requests));
        if (transport == "udp")
        {
            // A token whose result never comes (its last datagram lost) is failed after 10 T.
            placement.SetClientAttribute(
                "TokenTimeout",
                TimeValue(
                    Seconds(10 * requests * plan.objective / scenario.GetWorkload().tokens + 1)));
        }
        placement.Install(servers, topology.GetUser());
        placement.AssignStreams(1);
        LlmRunRecorder recorder;
        recorder.Connect(placement);
        FlowMonitorHelper flowHelper;
        Ptr<FlowMonitor> monitor = flowHelper.InstallAll();

        const auto wallStart = std::chrono::steady_clock::now();
        Simulator::Stop(Seconds(1000 * (plan.objective + 1) * requests)); // safety net only
        Simulator::Run();
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

        Ptr<EdgeLlmClientApplication> client = placement.GetClient();
        const LlmCostModel& model = placement.GetCostModel();
        const double simulated = client->GetCompletionTime().GetSeconds();
        monitor->CheckForLostPackets();
        uint64_t txBytes = 0;
        uint64_t txPackets = 0;
        uint64_t rxPackets = 0;
        uint64_t lostPackets = 0;
        double delaySum = 0;
        const auto stats = monitor->GetFlowStats();
        for (const auto& [id, f] : stats)
        {
            txBytes += f.txBytes;
            txPackets += f.txPackets;
            rxPackets += f.rxPackets;
            lostPackets += f.lostPackets;
            delaySum += f.delaySum.GetSeconds();
        }

        std::printf("Plan: %s %s, %zu layers on %zu servers, quantization ratio %.2f %%\n",
                    plan.solver.c_str(),
                    ToString(plan.status).c_str(),
                    plan.placement.size(),
                    scenario.GetServers().size(),
                    plan.quantizationRatio);
        std::printf("Transport %s, MTU %u, %s links, %u request(s) of n = %u tokens, beta = %u\n\n",
                    transport.c_str(),
                    mtu,
                    ideal ? "ideal" : "delayed",
                    requests,
                    scenario.GetWorkload().tokens,
                    scenario.GetWorkload().batch);
        std::printf("%-12s %-8s %4s %12s %12s %12s %12s\n",
                    "layer",
                    "server",
                    "bits",
                    "cp model s",
                    "cp sim s",
                    "cm model s",
                    "cm sim s");
        const auto& layers = recorder.GetLayers();
        for (std::size_t l = 0; l < plan.placement.size(); ++l)
        {
            const auto& a = plan.placement[l];
            const double cm =
                l + 1 < plan.placement.size()
                    ? model.TransferDelay(l, a.server, plan.placement[l + 1].server, a.bits)
                    : 0.0;
            std::printf("%-12s %-8s %4u %12.4f %12.4f %12.4f %12.4f\n",
                        scenario.GetModel().GetLayer(l).name.c_str(),
                        scenario.GetServers()[a.server].name.c_str(),
                        a.bits,
                        model.ComputeDelay(l, a.server, a.bits) * requests,
                        layers[l].computeSeconds,
                        cm * requests,
                        layers[l].transferSeconds);
        }
        const double gap =
            plan.objective > 0 ? 100.0 * (simulated - plan.objective) / plan.objective : 0.0;
        const uint64_t inFlight =
            client->GetTokensStarted() - client->GetTokensCompleted() - client->GetTokensFailed();
        std::printf("\nAnalytic T (eq. 1, one request): %.6f s\n", plan.objective);
        std::printf("Simulated completion:            %.6f s (%+.3f %%)\n", simulated, gap);
        std::printf("Simulated compute %.6f s, transfer %.6f s (summed over layers and tokens)\n",
                    recorder.GetComputeSeconds(),
                    recorder.GetTransferSeconds());
        std::printf("Tokens: %llu started, %llu completed, %llu failed, %llu unfinished\n",
                    static_cast<unsigned long long>(client->GetTokensStarted()),
                    static_cast<unsigned long long>(client->GetTokensCompleted()),
                    static_cast<unsigned long long>(client->GetTokensFailed()),
                    static_cast<unsigned long long>(inFlight));
        std::printf("FlowMonitor: %zu flows, %llu bytes sent, %llu packets sent, %llu received, "
                    "%llu lost, mean delay %.6f s\n",
                    stats.size(),
                    static_cast<unsigned long long>(txBytes),
                    static_cast<unsigned long long>(txPackets),
                    static_cast<unsigned long long>(rxPackets),
                    static_cast<unsigned long long>(lostPackets),
                    rxPackets ? delaySum / rxPackets : 0.0);
        std::printf("Wall time %.2f s for %.0f simulated seconds\n", wall, simulated);

        if (!output.empty())
        {
            nlohmann::ordered_json j;
            j["analytic_s"] = plan.objective;
            j["simulated_s"] = simulated;
            j["tokens_completed"] = client->GetTokensCompleted();
            j["tokens_failed"] = client->GetTokensFailed();
            j["tokens_started"] = client->GetTokensStarted();
            j["tokens_unfinished"] = inFlight;
            j["bytes_sent"] = txBytes;
            j["packets_sent"] = txPackets;
            j["packets_lost"] = lostPackets;
            j["requests"] = requests;
            j["transport"] = transport;
            j["simulated_compute_s"] = recorder.GetComputeSeconds();
            j["simulated_transfer_s"] = recorder.GetTransferSeconds();
            j["wall_s"] = wall;
            j["flow_monitor"] = {{"flows", stats.size()},
                                 {"tx_packets", txPackets},
                                 {"rx_packets", rxPackets},
                                 {"lost_packets", lostPackets},
                                 {"mean_delay_s", rxPackets ? delaySum / rxPackets : 0.0}};
            j["layers"] = nlohmann::ordered_json::array();
            for (std::size_t l = 0; l < plan.placement.size(); ++l)
            {
                const auto& a = plan.placement[l];
                const double cm =
                    l + 1 < plan.placement.size()
                        ? model.TransferDelay(l, a.server, plan.placement[l + 1].server, a.bits)
                        : 0.0;
                j["layers"].push_back(
                    {{"layer", scenario.GetModel().GetLayer(l).name},
                     {"server", scenario.GetServers()[a.server].name},
                     {"bits", a.bits},
                     {"compute_model_s", model.ComputeDelay(l, a.server, a.bits) * requests},
                     {"compute_sim_s", layers[l].computeSeconds},
                     {"transfer_model_s", cm * requests},
                     {"transfer_sim_s", layers[l].transferSeconds}});
            }
            j["plan"] = nlohmann::ordered_json::parse(plan.ToJson(model));
            std::ofstream out(output);
            out << j.dump(2) << "\n";
            if (!out)
            {
                throw LlmInputError(output, "", "cannot write the results");
            }
        }
        Simulator::Destroy();
        if (inFlight > 0)
        {
            std::cerr << "edge-llm-simulate: " << inFlight
                      << " token(s) neither completed nor failed when the simulation stopped"
                      << std::endl;
            return 3;
        }
        return 0;
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-simulate: " << e.what() << std::endl;
        return std::string(e.what()).rfind("placement:", 0) == 0 ? 2 : 1;
    }
}

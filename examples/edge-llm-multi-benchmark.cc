// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-multi-benchmark: the cost of simulating several LLMs together. Places --models
// models (OPT-125m and OPT-350m in turn) on the built-in 30 edge servers and cloud, simulates
// them sharing the servers and links, and reports the wall time, the events and the events per
// second of the run, each model's simulated completion, and with --solo each model's run alone
// (its slowdown from sharing).
//
//   edge-llm-multi-benchmark                          # 4 models, 32 tokens each, TCP
//   edge-llm-multi-benchmark --models=8 --tokens=16 --solver=joint-ilp --solo
//   edge-llm-multi-benchmark --transport=udp --discipline=round-robin

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

using namespace ns3;

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Usage("Wall time, events and simulated completion of several LLMs simulated together.");
    LlmProgramOptions options(cmd, LlmProgramOptions::TRANSPORT);
    std::string models = "4";
    std::string tokens = "32";
    std::string requests = "1";
    std::string solver = "sequential";
    std::string discipline = "fifo";
    bool solo = false;
    EdgeLlmAddTextValue(cmd, "models", "Number of models (OPT-125m, OPT-350m, ...)", models);
    EdgeLlmAddTextValue(cmd, "tokens", "n: tokens per request of every model", tokens);
    EdgeLlmAddTextValue(cmd, "requests", "Requests of every model, all at 0", requests);
    EdgeLlmAddTextValue(cmd, "solver", "Joint placement: sequential or joint-ilp", solver);
    EdgeLlmAddTextValue(cmd, "discipline", "Shared compute: fifo or round-robin", discipline);
    cmd.AddValue("solo", "Also simulate each model alone on the same plan", solo);
    try
    {
        options.Parse(argc, argv);
        const std::string src = "command line";
        const auto m = LlmTextParse::Integer(src, "--models", models, 1, 256);
        const auto n = LlmTextParse::Integer(src, "--tokens", tokens, 1, 100000);
        const auto k = LlmTextParse::Integer(src, "--requests", requests, 1, 10000);
        if (discipline != "fifo" && discipline != "round-robin")
        {
            throw LlmInputError(src, "--discipline", "expected fifo or round-robin");
        }
        const LlmMultiScenario scenario =
            LlmMultiBuiltInScenario(m, static_cast<uint32_t>(n), static_cast<uint32_t>(k));
        const LlmJointCostModel joint(scenario, LlmJointObjective::MAX);
        const LlmJointPlan plan = LlmJointSolver::Create(solver)->Solve(joint);
        if (!plan.HasPlacement())
        {
            std::cerr << "edge-llm-multi-benchmark: no joint plan: " << plan.message << std::endl;
            return 2;
        }
        LlmMultiSimulation run(scenario, plan.models, options.GetSetting());
        run.SetDiscipline(discipline == "fifo" ? LlmComputeQueue::FIFO
                                               : LlmComputeQueue::ROUND_ROBIN);
        const LlmMultiSimulationResult r = run.Run();
        std::printf("%llu models x %llu request(s) x %llu tokens on %zu servers, %s placement "
                    "(%.3f s), %s, shared compute %s\n\n%s\n",
                    static_cast<unsigned long long>(m),
                    static_cast<unsigned long long>(k),
                    static_cast<unsigned long long>(n),
                    scenario.GetInfrastructure().GetServers().size(),
                    plan.solver.c_str(),
                    plan.stats.seconds,
                    options.GetSetting().transport.c_str(),
                    discipline.c_str(),
                    r.ToText().c_str());
        std::printf("Benchmark: wall %.3f s, %llu events, %.0f events/s, simulated end %.6g s\n",
                    r.wallSeconds,
                    static_cast<unsigned long long>(r.events),
                    r.wallSeconds > 0 ? r.events / r.wallSeconds : 0.0,
                    r.endSeconds);
        if (solo)
        {
            std::printf("\n%-14s %12s %12s %9s %10s %12s\n",
                        "model",
                        "alone s",
                        "shared s",
                        "slowdown",
                        "wall s",
                        "events");
            for (std::size_t i = 0; i < m; ++i)
            {
                LlmMultiScenario one;
                one.GetInfrastructure() = scenario.GetInfrastructure();
                one.GetTenants() = {scenario.GetTenants()[i]};
                const LlmMultiSimulationResult a =
                    LlmMultiSimulation(one, {plan.models[i]}, options.GetSetting()).Run();
                std::printf("%-14s %12.6g %12.6g %9.3f %10.3f %12llu\n",
                            r.models[i].name.c_str(),
                            a.models[0].simulatedSeconds,
                            r.models[i].simulatedSeconds,
                            a.models[0].simulatedSeconds > 0
                                ? r.models[i].simulatedSeconds / a.models[0].simulatedSeconds
                                : 0.0,
                            a.wallSeconds,
                            static_cast<unsigned long long>(a.events));
            }
        }
        return 0;
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-multi-benchmark: " << e.what() << std::endl;
        return 1;
    }
}

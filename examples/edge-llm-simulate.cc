// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-simulate: solve a placement (or read one), run it packet by packet in ns-3, and put
// the analytic completion time T beside the simulated one, layer by layer.
//
//   edge-llm-simulate                                   # built-in OPT-350m scenario, TCP
//   edge-llm-simulate --transport=udp --tokens=16 --output=run.json
//   edge-llm-simulate --scenario=my.json --solver=greedy --requests=4 --RngRun=3
//   edge-llm-simulate --plan=plan.json --loss=1e-4 --congestion-control=TcpCubic
//   edge-llm-simulate --tokens=8 --pcap=trace --flowmon-xml=flows.xml --token-csv=tokens.csv
//   edge-llm-simulate --link-trace=trace.csv          # links' rates change during the run
//   edge-llm-simulate --link-trace-random=10:0.3:1    # every 10 s, a seeded log-normal factor
//   edge-llm-simulate --fail=edge7@2 --fail-timeout=0.5  # a server fails: detect, re-plan, replay
//
// The servers of the scenario become nodes joined by point-to-point links (rates Ω_ij, delays
// delay_s); each layer's server holds every token's activation for its compute time (eq. 3 per
// token) and sends β·e·b/8 bytes to the next layer's server. The request source sits on the
// first layer's node (or --user). Exit code 0; 1 on bad input; 2 without a plan; 3 if tokens
// were cut off (still running when the run stopped; counted as failed).

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

using namespace ns3;

int
main(int argc, char* argv[])
{
    if (LlmNamesMultiScenario(argc, argv))
    {
        // A several-model scenario (contract version 2): the joint placement, simulated.
        return LlmMultiSimulateMain(argc, argv, "edge-llm-simulate");
    }
    CommandLine cmd(__FILE__);
    cmd.Usage("Solve a DILEMMA placement (or read one) and simulate it in ns-3: analytic vs "
              "simulated completion time.");
    LlmProgramOptions options(cmd,
                              LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVER
                                  | LlmProgramOptions::PLAN | LlmProgramOptions::TRANSPORT
                                  | LlmProgramOptions::OUTPUTS | LlmProgramOptions::LINK_TRACE
                                  | LlmProgramOptions::FAILURES);
    std::string output;
    EdgeLlmAddTextValue(cmd,
                        "output",
                        "Write the results (and the plan) as JSON to this file",
                        output);

    try
    {
        options.Parse(argc, argv);
        if (!output.empty() && !std::ofstream(output, std::ios::app))
        {
            throw LlmInputError(output, "", "cannot write the results (missing folder?)");
        }
        const LlmScenario scenario = options.BuildScenario();
        const LlmCostModel model(scenario);
        const LlmPlan plan = options.MakePlan(model);
        if (!plan.HasPlacement())
        {
            std::cerr << "edge-llm-simulate: placement: " << plan.solver << " found no plan ("
                      << ToString(plan.status) << "): " << plan.message << std::endl;
            return 2;
        }
        const LlmTransportSetting& setting = options.GetSetting();
        LlmSimulation simulation(scenario, plan, setting);
        simulation.SetOutputs(options.GetOutputs());
        if (const auto trace = options.MakeLinkTrace(scenario, plan))
        {
            simulation.SetLinkTrace(*trace); // the plan and T stay those of the static links
        }
        const LlmFailureSchedule failures = options.MakeFailureSchedule(scenario, plan);
        if (!failures.IsEmpty())
        {
            // Re-plans use the solver of the options (the ILP when --plan gave the plan).
            simulation.SetFailureSchedule(failures, options.GetFailureTimeout());
            simulation.SetReplanSolver(options.GetPlanFile().empty() ? options.GetSolver() : "ilp",
                                       options.GetSolverOptions());
        }
        if (const auto policy = options.GetReplacementPolicy())
        {
            // Re-placement re-solves with the run's solver (the ILP when --plan gave the plan).
            simulation.SetReplacementPolicy(*policy);
            simulation.SetReplanSolver(options.GetPlanFile().empty() ? options.GetSolver() : "ilp",
                                       options.GetSolverOptions());
        }
        const LlmSimulationResult r = simulation.Run();

        std::printf("Plan: %s %s, %zu layers on %zu servers, quantization ratio %.2f %%\n",
                    plan.solver.c_str(),
                    ToString(plan.status).c_str(),
                    plan.placement.size(),
                    scenario.GetServers().size(),
                    plan.quantizationRatio);
        std::printf("Transport %s, MTU %u, %s links, %u request(s) of n = %u tokens, beta = %u\n"
                    "(cp: compute, eq. 3; cm: transfer of the layer's output, eq. 4; model "
                    "times are for all requests)\n\n",
                    setting.transport.c_str(),
                    setting.mtu,
                    setting.ideal ? "ideal" : "delayed",
                    setting.requests,
                    scenario.GetWorkload().tokens,
                    scenario.GetWorkload().batch);
        std::printf("%s", r.ToText().c_str());
        const std::vector<LlmPlan> baselines =
            LlmBaselineComparison::Solve(model, plan, options.GetSolverOptions());
        std::printf("\n%s", LlmBaselineComparison::ToText(plan, baselines).c_str());

        if (!output.empty())
        {
            nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.ToJson());
            j["plan"] = nlohmann::ordered_json::parse(plan.ToJson(model));
            for (const LlmPlan& b : baselines)
            {
                j["baselines"].push_back(
                    {{"solver", b.solver},
                     {"status", ToString(b.status)},
                     {"objective_s",
                      b.HasPlacement() ? nlohmann::ordered_json(b.objective) : nullptr}});
            }
            std::ofstream out(output);
            out << j.dump(2) << "\n";
            if (!out)
            {
                throw LlmInputError(output, "", "cannot write the results");
            }
        }
        if (r.tokensUnfinished > 0)
        {
            std::cerr << "edge-llm-simulate: " << r.tokensUnfinished
                      << " token(s) were still running when the simulation stopped"
                      << (r.stoppedBySafetyLimit
                              ? " at its safety limit of "
                                    + LlmTextParse::Format(r.safetyLimitSeconds) + " s"
                              : std::string())
                      << "; they count as failed (cut-off)" << std::endl;
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

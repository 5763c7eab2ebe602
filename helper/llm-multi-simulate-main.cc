// SPDX-License-Identifier: GPL-2.0-only

#include "llm-multi-simulate-main.h"

#include "llm-multi-simulation.h"
#include "llm-program-options.h"
#include "ns3/command-line.h"
#include "ns3/edge-llm-compat.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-joint-cost-model.h"
#include "ns3/llm-joint-solver.h"
#include "ns3/llm-link-trace.h"
#include "ns3/llm-text-parse.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ns3
{

namespace
{

/// What the command line names the options in messages.
const std::string kSource = "command line";

/// Options of the one-model programs that a several-model run does not take, and why.
struct OneModelOptions
{
    std::vector<std::string> names; //!< Option names without "--"
    std::string why;                //!< What to do instead
};

/// Every one-model option edge-llm-simulate has and a several-model run refuses.
const std::vector<OneModelOptions>&
RefusedOneModelOptions()
{
    static const std::vector<OneModelOptions> refused{
        {LlmProgramOptions::ModelOverrides(),
         "set it per model in the file (models[].model, workload, quantization, user) or "
         "max_layers_per_server at its top level"},
        {{"plan"},
         "a plan file holds one model's placement; the joint solver (--solver) places "
         "every model"},
        {{"ilp-formulation", "verbose"},
         "the joint ILP (--solver=joint-ilp) has one formulation and prints no GLPK log"},
        {{"netanim", "token-csv", "placement-csv"},
         "a several-model run writes --pcap, --ascii and --flowmon-xml files, and --output=FILE "
         "its results as JSON (per model and per server); no NetAnim, token or placement table "
         "yet"},
        {{"link-trace-random", "replace"},
         "several models follow a CSV link trace (--link-trace=FILE) with their plans fixed; a "
         "random trace and re-placement are simulated for one model only so far"},
    };
    return refused;
}

} // namespace

LlmMultiScenario
LlmMultiBuiltInScenario(std::size_t models, uint32_t tokens, uint32_t requests)
{
    const LlmScenario base = LlmScenario::BuiltInDefault();
    LlmMultiScenario ms;
    ms.GetInfrastructure() = base;
    for (std::size_t k = 0; k < models; ++k)
    {
        const std::string profile = k % 2 == 0 ? "opt-125m" : "opt-350m";
        LlmTenant t;
        t.name = profile + "-" + std::to_string(k);
        t.model = LlmProfile::BuiltIn(profile);
        t.modelReference = profile;
        t.workload = {tokens, base.GetWorkload().batch};
        t.quantization = base.GetQuantization();
        t.arrival.requests = requests;
        ms.GetTenants().push_back(t);
    }
    ms.GetInfrastructure().SetModel(ms.GetTenants().front().model, "opt-125m");
    ms.GetInfrastructure().GetWorkload() = ms.GetTenants().front().workload;
    ms.Validate("built-in several-model scenario");
    return ms;
}

bool
LlmNamesMultiScenario(int argc, char* argv[])
{
    std::string path;
    for (int k = 1; k < argc; ++k)
    {
        const std::string a = argv[k];
        for (const std::string prefix : {"--scenario=", "-scenario="})
        {
            if (a.rfind(prefix, 0) == 0)
            {
                path = a.substr(prefix.size());
            }
        }
    }
    std::ifstream in(path);
    if (path.empty() || !in)
    {
        return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    return LlmMultiScenario::IsVersion2(text.str());
}

int
LlmMultiSimulateMain(int argc, char* argv[], const std::string& program)
{
    CommandLine cmd(program);
    cmd.Usage("Place several LLMs on shared edge servers (joint GLPK ILP or sequential "
              "DILEMMA) and simulate them together in ns-3: per model the analytic T_m beside "
              "the simulated completion, per server busy time and queueing.");
    LlmProgramOptions options(cmd,
                              LlmProgramOptions::TRANSPORT | LlmProgramOptions::OUTPUTS
                                  | LlmProgramOptions::FAILURES);
    std::string scenarioFile;
    std::string solver = "joint-ilp";
    std::string objective = "max";
    std::string timeLimit = "60";
    std::string gap = "0";
    std::string discipline = "fifo";
    std::string output;
    EdgeLlmAddTextValue(cmd,
                        "scenario",
                        "Scenario file, contract version 1 or 2 (default: 4 models, OPT-125m and "
                        "OPT-350m, 8 tokens each, on the built-in 30 edge servers and cloud)",
                        scenarioFile);
    EdgeLlmAddTextValue(cmd,
                        "solver",
                        "Joint placement: joint-ilp (GLPK, proven gap), sequential (sequential "
                        "DILEMMA: one model after another, largest first) or joint-exhaustive",
                        solver);
    EdgeLlmAddTextValue(cmd,
                        "objective",
                        "What the joint placement minimizes: max (the slowest model) or sum",
                        objective);
    EdgeLlmAddTextValue(cmd, "time-limit", "Solver time limit, s", timeLimit);
    EdgeLlmAddTextValue(cmd, "gap", "Relative gap at which the ILP may stop", gap);
    EdgeLlmAddTextValue(cmd,
                        "discipline",
                        "Order the models' jobs get a shared server: fifo or round-robin",
                        discipline);
    EdgeLlmAddTextValue(cmd, "output", "Write the results and the plan as JSON here", output);
    std::string linkTrace;
    EdgeLlmAddTextValue(cmd,
                        "link-trace",
                        "CSV trace time_s,from,to,bps: the links' rates change during the run "
                        "(the joint plan stays)",
                        linkTrace);
    bool acceptImplausibleUnits = false;
    cmd.AddValue("accept-implausible-units",
                 "Accept unit-slip values in the scenario (e.g. Omega < 1000 bit/s)",
                 acceptImplausibleUnits);
    try
    {
        // Name the refused one-model options before ns-3's parser calls them unknown.
        for (int k = 1; k < argc; ++k)
        {
            const std::string arg = argv[k];
            for (const OneModelOptions& group : RefusedOneModelOptions())
            {
                for (const std::string& name : group.names)
                {
                    for (const std::string dashes : {"--", "-"})
                    {
                        const std::string option = dashes + name;
                        if (arg == option || arg.rfind(option + "=", 0) == 0)
                        {
                            throw LlmInputError(kSource,
                                                "--" + name,
                                                "not with a several-model scenario (contract "
                                                "version 2): "
                                                    + group.why);
                        }
                    }
                }
            }
        }
        options.Parse(argc, argv);
        const LlmTransportSetting& setting = options.GetSetting();
        if (setting.requests != 1)
        {
            throw LlmInputError(kSource,
                                "--requests",
                                "each model's requests come from its arrival process "
                                "(models[].arrival.requests in the scenario)");
        }
        if (objective != "max" && objective != "sum")
        {
            throw LlmInputError(kSource,
                                "--objective",
                                "expected max or sum, got \"" + objective + "\"");
        }
        if (discipline != "fifo" && discipline != "round-robin")
        {
            throw LlmInputError(kSource,
                                "--discipline",
                                "expected fifo or round-robin, got \"" + discipline + "\"");
        }
        LlmSolverOptions solverOptions;
        solverOptions.timeLimitSeconds =
            LlmTextParse::Number(kSource, "--time-limit", timeLimit, 1e-3, 1e9);
        solverOptions.relativeGap = LlmTextParse::Number(kSource, "--gap", gap, 0, 1);
        if (!output.empty() && !std::ofstream(output, std::ios::app))
        {
            throw LlmInputError(output, "", "cannot write the results (missing folder?)");
        }
        const LlmMultiScenario scenario =
            scenarioFile.empty() ? LlmMultiBuiltInScenario(4, 8, 1)
                                 : LlmMultiScenario::Load(scenarioFile, acceptImplausibleUnits);
        const LlmJointCostModel joint(scenario,
                                      objective == "max" ? LlmJointObjective::MAX
                                                         : LlmJointObjective::SUM);
        const LlmJointPlan plan = LlmJointSolver::Create(solver, solverOptions)->Solve(joint);
        if (!plan.HasPlacement())
        {
            std::cerr << program << ": placement: " << plan.solver << " found no joint plan ("
                      << ToString(plan.status) << "): " << plan.message << std::endl;
            return 2;
        }
        std::printf("Joint plan: %s %s, %zu models on %zu servers, J (%s) = %.6g s, lower bound "
                    "%s, gap %s, %.3f s to solve\n",
                    plan.solver.c_str(),
                    ToString(plan.status).c_str(),
                    scenario.GetModelCount(),
                    scenario.GetInfrastructure().GetServers().size(),
                    objective.c_str(),
                    plan.objective,
                    std::isnan(plan.stats.lowerBound)
                        ? "none"
                        : (LlmTextParse::Format(plan.stats.lowerBound) + " s").c_str(),
                    std::isnan(plan.stats.gap)
                        ? "not proven"
                        : (LlmTextParse::Format(100 * plan.stats.gap) + " %").c_str(),
                    plan.stats.seconds);
        std::printf("Transport %s, MTU %u, %s links, shared compute %s\n\n",
                    setting.transport.c_str(),
                    setting.mtu,
                    setting.ideal ? "ideal" : "delayed",
                    discipline.c_str());
        LlmMultiSimulation simulation(scenario, plan.models, setting);
        simulation.SetOutputs(options.GetOutputs());
        if (!linkTrace.empty())
        {
            simulation.SetLinkTrace(LlmLinkTrace::Load(linkTrace, scenario.GetInfrastructure()));
        }
        // Failures: drawn up to 10 x the models' work by default (--fail-mtbf's horizon).
        LlmPlan work;
        for (std::size_t m = 0; m < plan.models.size(); ++m)
        {
            work.objective += plan.models[m].objective * scenario.GetTenants()[m].arrival.requests;
        }
        const LlmFailureSchedule failures =
            options.MakeFailureSchedule(scenario.GetInfrastructure(), work);
        if (!failures.IsEmpty())
        {
            // Each model re-plans alone with the version-1 ILP on what the others leave.
            simulation.SetFailureSchedule(failures, options.GetFailureTimeout(), "ilp");
        }
        simulation.SetDiscipline(discipline == "fifo" ? LlmComputeQueue::FIFO
                                                      : LlmComputeQueue::ROUND_ROBIN);
        const LlmMultiSimulationResult r = simulation.Run();
        std::printf("%s", r.ToText().c_str());
        if (!output.empty())
        {
            nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.ToJson());
            j["plan"] = nlohmann::ordered_json::parse(plan.ToJson(joint));
            std::ofstream out(output);
            out << j.dump(2) << "\n";
            if (!out)
            {
                throw LlmInputError(output, "", "cannot write the results");
            }
        }
        uint64_t unfinished = 0;
        for (const auto& m : r.models)
        {
            auto it = m.failures.find("cut-off");
            unfinished += it == m.failures.end() ? 0 : it->second;
        }
        if (unfinished > 0)
        {
            std::cerr << program << ": " << unfinished
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
        std::cerr << program << ": " << e.what() << std::endl;
        return std::string(e.what()).rfind("placement:", 0) == 0 ? 2 : 1;
    }
}

} // namespace ns3

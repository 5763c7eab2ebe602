// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-joint-benchmark: how long the joint ILP of several LLMs on shared edge servers
// (LlmJointIlpSolver) takes, and the gap it proves within its time limit.
//
//   edge-llm-joint-benchmark                                  # 2, 4, 8 models on 30, 100
//   edge-llm-joint-benchmark --models=8 --servers=30 --time-limit=300 --objective=sum
//
// Instances: the servers of the built-in scenario's kind, drawn by LlmTopologyGenerator with
// its defaults (N edge servers in a full mesh, CCS 1-4 GHz, kappa 64-256 MB times
// --storage-scale, Omega 0.1-1 Gbit/s, a 20 GHz cloud with unlimited storage behind 50 Mbit/s
// WAN links; --seed), and M OPT-350m models (26 layers, n = beta = 128), model k with
// delta = 1e-5, 1e-3, 1e-2 for k mod 3 = 0, 1, 2 (8, 6 and 4 bits), at most one layer of each
// model per server (2d). Per instance: the wall time, status, the joint objective J, the proven
// lower bound and gap, the sequential warm start's J (solved again on its own), the ILP's size
// and B&B nodes. Timings are printed, never asserted.
//
// Options are read whole and strictly; a bad value or a positional argument stops with one line
// naming it (exit 1).

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

const char* const kSource = "command line";

/// A comma-separated list of integers in [lo, hi].
std::vector<uint64_t>
IntegerList(const std::string& option, const std::string& text, uint64_t lo, uint64_t hi)
{
    std::vector<uint64_t> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        out.push_back(LlmTextParse::Integer(kSource, option, item, lo, hi));
    }
    if (out.empty() || text.back() == ',')
    {
        throw LlmInputError(kSource,
                            option,
                            "expected a comma-separated list of integers, got \"" + text + "\"");
    }
    return out;
}

/// M OPT-350m models on N servers of the built-in kind.
LlmMultiScenario
Instance(uint64_t servers, uint64_t models, uint64_t seed, double storageScale)
{
    LlmTopologyConfig config;
    config.edges = static_cast<uint32_t>(servers);
    config.seed = seed;
    LlmScenario infra = LlmTopologyGenerator(config).Generate();
    for (LlmServer& s : infra.GetServers())
    {
        if (s.storageBytes)
        {
            *s.storageBytes *= storageScale;
        }
    }
    LlmMultiScenario ms(infra);
    ms.GetTenants().clear();
    const double deltas[] = {1e-5, 1e-3, 1e-2};
    for (uint64_t k = 0; k < models; ++k)
    {
        LlmTenant t;
        t.name = "opt350m-" + std::to_string(k);
        t.model = LlmProfile::BuiltIn("opt-350m");
        t.modelReference = "opt-350m";
        t.workload = {128, 128};
        t.quantization = {4, 32, 2, deltas[k % 3]};
        ms.GetTenants().push_back(t);
    }
    ms.Validate("benchmark instance");
    return ms;
}

/// "12.3" or "-" for NaN.
std::string
Number(double v, const char* format)
{
    if (std::isnan(v))
    {
        return "-";
    }
    char buf[64];
    std::snprintf(buf, sizeof(buf), format, v);
    return buf;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string modelsText = "2,4,8";
    std::string serversText = "30,100";
    std::string timeLimitText = "60";
    std::string objectiveText = "max";
    std::string seedText = "1";
    std::string storageScaleText = "1";
    std::string verboseText = "0";
    CommandLine cmd(__FILE__);
    cmd.Usage("Wall time and proven gap of the joint ILP (several OPT-350m models on shared "
              "edge servers of the built-in kind).");
    EdgeLlmAddTextValue(cmd,
                        "models",
                        "Numbers of models M, comma-separated (1 ... 64)",
                        modelsText);
    EdgeLlmAddTextValue(cmd,
                        "servers",
                        "Numbers of edge servers N, comma-separated (1 ... 1000; plus the cloud)",
                        serversText);
    EdgeLlmAddTextValue(cmd, "time-limit", "Time limit of each solve, s", timeLimitText);
    EdgeLlmAddTextValue(cmd, "objective", "max, sum or both", objectiveText);
    EdgeLlmAddTextValue(cmd, "seed", "Seed of the servers' draws (1 ... 2^32-1)", seedText);
    EdgeLlmAddTextValue(cmd,
                        "storage-scale",
                        "Factor on every edge server's storage kappa_i (0.01 ... 100)",
                        storageScaleText);
    EdgeLlmAddTextValue(cmd,
                        "verbose",
                        "Solver log: 0 quiet, 1 summary, 2 GLPK progress",
                        verboseText);
    cmd.Parse(argc, argv);
    try
    {
        if (cmd.GetNExtraNonOptions() > 0)
        {
            throw LlmInputError(kSource,
                                "\"" + cmd.GetExtraNonOption(0) + "\"",
                                "expected options only (--name=value), got an argument without "
                                "--");
        }
        const auto models = IntegerList("--models", modelsText, 1, 64);
        const auto servers = IntegerList("--servers", serversText, 1, 1000);
        LlmSolverOptions options;
        options.timeLimitSeconds =
            LlmTextParse::Number(kSource, "--time-limit", timeLimitText, 1e-3, 1e6);
        options.verbosity =
            static_cast<int>(LlmTextParse::Integer(kSource, "--verbose", verboseText, 0, 2));
        const auto seed = LlmTextParse::Integer(kSource, "--seed", seedText, 1, UINT32_MAX);
        const double storageScale =
            LlmTextParse::Number(kSource, "--storage-scale", storageScaleText, 0.01, 100);
        std::vector<LlmJointObjective> objectives;
        if (objectiveText == "both")
        {
            objectives = {LlmJointObjective::MAX, LlmJointObjective::SUM};
        }
        else
        {
            objectives = {LlmJointObjectiveFromString(objectiveText, kSource, "--objective")};
        }

        std::printf("%7s %6s %4s %-22s %8s %8s %12s %12s %8s %12s %8s %9s %8s\n",
                    "servers",
                    "models",
                    "obj",
                    "status",
                    "time_s",
                    "heur_s",
                    "J_s",
                    "bound_s",
                    "gap_%",
                    "seq_J_s",
                    "rows",
                    "columns",
                    "nodes");
        for (uint64_t n : servers)
        {
            for (uint64_t m : models)
            {
                const LlmMultiScenario scenario = Instance(n, m, seed, storageScale);
                for (LlmJointObjective objective : objectives)
                {
                    const LlmJointCostModel model(scenario, objective);
                    const LlmJointPlan plan = LlmJointIlpSolver(options).Solve(model);
                    const LlmJointPlan warm = LlmJointSequentialSolver(options).Solve(model);
                    std::printf("%7llu %6llu %4s %-22s %8.2f %8.2f %12s %12s %8s %12s %8llu %9llu "
                                "%8llu\n",
                                static_cast<unsigned long long>(n),
                                static_cast<unsigned long long>(m),
                                ToString(objective).c_str(),
                                ToString(plan.status).c_str(),
                                plan.stats.seconds,
                                plan.stats.heuristicSeconds,
                                plan.HasPlacement() ? Number(plan.objective, "%.2f").c_str() : "-",
                                Number(plan.stats.lowerBound, "%.2f").c_str(),
                                Number(100 * plan.stats.gap, "%.3f").c_str(),
                                warm.HasPlacement() ? Number(warm.objective, "%.2f").c_str() : "-",
                                static_cast<unsigned long long>(plan.stats.rows),
                                static_cast<unsigned long long>(plan.stats.columns),
                                static_cast<unsigned long long>(plan.stats.nodes));
                    if (!plan.message.empty())
                    {
                        std::printf("        note: %s\n", plan.message.c_str());
                    }
                    std::fflush(stdout);
                }
            }
        }
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-joint-benchmark: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}

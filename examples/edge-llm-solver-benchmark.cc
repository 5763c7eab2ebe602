// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-solver-benchmark: how long the GLPK ILP takes, with and without each reduction.
//
//   edge-llm-solver-benchmark                                  # quick sizes
//   edge-llm-solver-benchmark --sizes=26x30,64x100 --time-limit=60
//
// For each size L×N (layers × servers) a seeded random instance (LlmRandomScenario: OPT-like
// layers, CCS ∈ [1, 4] GHz, Ω ∈ [100 Mbit/s, 1 Gbit/s], n = β = 128, δ = 1e-5, one layer per
// server) and, for "opt-350m", the built-in scenario, solved by:
//   full        every reduction: smallest allowed bits, Lagrangian bound + pruning, incumbent
//   gap-1%      full, stopping at a proven 1 % gap
//   no-prune    smallest allowed bits + incumbent, no Lagrangian pruning
//   no-incumb   smallest allowed bits + pruning, no incumbent handed to GLPK
//   bits-only   smallest allowed bits, GLPK presolve, nothing else
//   none        every allowed bit width, GLPK presolve, nothing else
//   dp          the shortest-path relaxation (a lower bound under one layer per server)
// Prints the status, objective, proven gap, wall time, B&B nodes and ILP size of each.

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <cstdio>
#include <iostream>
#include <sstream>

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string sizes = "opt-350m,8x10,16x20,26x30";
    std::string variants = "full,gap-1%,no-prune,no-incumb,bits-only,none,dp";
    double timeLimit = 60;
    uint32_t seed = 1;
    CommandLine cmd(__FILE__);
    cmd.Usage("Benchmark of the placement solvers (wall time, nodes, ILP size).");
    cmd.AddValue("sizes",
                 "Comma-separated LxN sizes, or opt-350m for the built-in scenario",
                 sizes);
    cmd.AddValue("variants", "Comma-separated solver variants (see the source header)", variants);
    cmd.AddValue("time-limit", "Time limit per solve, s", timeLimit);
    cmd.AddValue("seed", "Seed of the random instances", seed);
    cmd.Parse(argc, argv);

    auto split = [](const std::string& s) {
        std::vector<std::string> out;
        std::stringstream ss(s);
        std::string item;
        while (std::getline(ss, item, ','))
        {
            out.push_back(item);
        }
        return out;
    };

    std::printf("%-9s %-10s %-22s %14s %9s %9s %9s %8s %9s\n",
                "size",
                "variant",
                "status",
                "T s",
                "gap %",
                "time s",
                "heur s",
                "nodes",
                "columns");
    for (const std::string& size : split(sizes))
    {
        LlmScenario scenario;
        if (size == "opt-350m")
        {
            scenario = LlmScenario::BuiltInDefault();
        }
        else
        {
            LlmRandomScenario r;
            if (std::sscanf(size.c_str(), "%ux%u", &r.layers, &r.servers) != 2 || r.layers == 0
                || r.servers == 0)
            {
                std::cerr << "edge-llm-solver-benchmark: command line: --sizes: expected LxN "
                             "such as 26x30, got \""
                          << size << "\"" << std::endl;
                return 1;
            }
            r.tokens = 128;
            r.batch = 128;
            r.bMax = 32;
            r.delta = 1e-5;
            scenario = r.Draw(seed, 1);
        }
        const LlmCostModel model(scenario);
        for (const std::string& v : split(variants))
        {
            LlmSolverOptions o;
            o.timeLimitSeconds = timeLimit;
            std::string name = "ilp";
            if (v == "gap-1%")
            {
                o.relativeGap = 0.01;
            }
            else if (v == "no-prune")
            {
                o.lagrangianPruning = false;
            }
            else if (v == "no-incumb")
            {
                o.heuristicIncumbent = false;
            }
            else if (v == "bits-only" || v == "none")
            {
                o.reduceBits = v == "bits-only";
                o.lagrangianPruning = false;
                o.heuristicIncumbent = false;
                o.glpkPresolve = true;
            }
            else if (v == "dp")
            {
                name = "dp";
            }
            else if (v != "full")
            {
                std::cerr << "edge-llm-solver-benchmark: command line: --variants: unknown \"" << v
                          << "\"" << std::endl;
                return 1;
            }
            const LlmPlan p = LlmSolverFactory::Create(name, o)->Solve(model);
            std::printf("%-9s %-10s %-22s %14.4f %9.4f %9.3f %9.3f %8llu %9llu\n",
                        size.c_str(),
                        v.c_str(),
                        ToString(p.status).c_str(),
                        p.objective,
                        100 * p.stats.gap,
                        p.stats.seconds,
                        p.stats.heuristicSeconds,
                        static_cast<unsigned long long>(p.stats.nodes),
                        static_cast<unsigned long long>(p.stats.columns));
            std::fflush(stdout);
        }
    }
    return 0;
}

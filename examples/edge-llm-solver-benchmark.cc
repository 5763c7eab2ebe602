// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-solver-benchmark: how long the GLPK ILP takes, with and without each reduction.
//
//   edge-llm-solver-benchmark                                  # quick sizes
//   edge-llm-solver-benchmark --sizes=26x30,64x100 --time-limit=60
//
// Options are read whole and strictly: L and N are whole integers (1 ≤ L ≤ 100000 layers,
// 1 ≤ N ≤ 4096 servers, the scenario caps), --time-limit 0.001 ... 1e7 s, --seed 1 ...
// 4294967295; a bad value or a positional argument stops with one line naming it (exit 1).
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

namespace
{

const char* const kSource = "command line";

/// Comma-separated items; an empty item is kept (and refused by the caller).
std::vector<std::string>
Split(const std::string& s)
{
    std::vector<std::string> out;
    std::string::size_type from = 0;
    while (true)
    {
        const auto comma = s.find(',', from);
        out.push_back(
            s.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
        if (comma == std::string::npos)
        {
            return out;
        }
        from = comma + 1;
    }
}

/// One --sizes item: "opt-350m", or L×N with L and N whole integers within the scenario caps.
struct Size
{
    std::string text; //!< As given
    bool builtIn;     //!< opt-350m
    uint32_t layers;  //!< L
    uint32_t servers; //!< N
};

Size
ParseSize(const std::string& item)
{
    if (item == "opt-350m")
    {
        return {item, true, 0, 0};
    }
    const std::string expected = "expected LxN such as 26x30 (1 <= L <= 100000 layers, "
                                 "1 <= N <= 4096 servers) or opt-350m, got \""
                                 + item + "\"";
    const auto x = item.find('x');
    if (x == std::string::npos)
    {
        throw LlmInputError(kSource, "--sizes", expected);
    }
    try
    {
        const auto layers = LlmTextParse::Integer(kSource, "--sizes", item.substr(0, x), 1, 100000);
        const auto servers = LlmTextParse::Integer(kSource, "--sizes", item.substr(x + 1), 1, 4096);
        return {item, false, static_cast<uint32_t>(layers), static_cast<uint32_t>(servers)};
    }
    catch (const LlmInputError&)
    {
        throw LlmInputError(kSource, "--sizes", expected);
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string sizesText = "opt-350m,8x10,16x20,26x30";
    std::string variantsText = "full,gap-1%,no-prune,no-incumb,bits-only,none,dp";
    std::string timeLimitText = "60";
    std::string seedText = "1";
    CommandLine cmd(__FILE__);
    cmd.Usage("Benchmark of the placement solvers (wall time, nodes, ILP size).");
    EdgeLlmAddTextValue(cmd,
                        "sizes",
                        "Comma-separated LxN sizes (1 <= L <= 100000, 1 <= N <= 4096), or "
                        "opt-350m for the built-in scenario",
                        sizesText);
    EdgeLlmAddTextValue(cmd,
                        "variants",
                        "Comma-separated solver variants: full, gap-1%, no-prune, no-incumb, "
                        "bits-only, none, dp (see the source header)",
                        variantsText);
    EdgeLlmAddTextValue(cmd,
                        "time-limit",
                        "Time limit per solve, s (0.001 ... 1e7)",
                        timeLimitText);
    EdgeLlmAddTextValue(cmd, "seed", "Seed of the random instances (1 ... 4294967295)", seedText);
    cmd.Parse(argc, argv);

    std::vector<Size> sizes;
    std::vector<std::string> variants;
    double timeLimit = 0;
    uint32_t seed = 1;
    try
    {
        if (cmd.GetNExtraNonOptions() > 0)
        {
            throw LlmInputError(kSource,
                                "\"" + cmd.GetExtraNonOption(0) + "\"",
                                "expected options only (--name=value), got an argument without "
                                "--");
        }
        for (const std::string& item : Split(sizesText))
        {
            sizes.push_back(ParseSize(item));
        }
        for (const std::string& v : Split(variantsText))
        {
            if (v != "full" && v != "gap-1%" && v != "no-prune" && v != "no-incumb"
                && v != "bits-only" && v != "none" && v != "dp")
            {
                throw LlmInputError(kSource,
                                    "--variants",
                                    "expected full, gap-1%, no-prune, no-incumb, bits-only, "
                                    "none or dp, got \""
                                        + v + "\"");
            }
            variants.push_back(v);
        }
        timeLimit = LlmTextParse::Number(kSource,
                                         "--time-limit",
                                         timeLimitText,
                                         1e-3,
                                         1e7,
                                         "a time limit of 0.001 ... 1e7 s");
        seed = static_cast<uint32_t>(
            LlmTextParse::Integer(kSource, "--seed", seedText, 1, UINT32_MAX));
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-solver-benchmark: " << e.what() << std::endl;
        return 1;
    }

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
    for (const Size& size : sizes)
    {
        LlmScenario scenario;
        try
        {
            if (size.builtIn)
            {
                scenario = LlmScenario::BuiltInDefault();
            }
            else
            {
                LlmRandomScenario r;
                r.layers = size.layers;
                r.servers = size.servers;
                r.tokens = 128;
                r.batch = 128;
                r.bMax = 32;
                r.delta = 1e-5;
                scenario = r.Draw(seed, 1);
            }
        }
        catch (const LlmInputError& e)
        {
            std::cerr << "edge-llm-solver-benchmark: " << e.what() << std::endl;
            return 1;
        }
        const LlmCostModel model(scenario);
        for (const std::string& v : variants)
        {
            LlmSolverOptions o;
            o.timeLimitSeconds = timeLimit;
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
            const LlmPlan p =
                v == "dp" ? LlmDpSolver(o).Solve(model) : LlmIlpSolver(o).Solve(model);
            std::printf("%-9s %-10s %-22s %14.4f %9.4f %9.3f %9.3f %8llu %9llu\n",
                        size.text.c_str(),
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

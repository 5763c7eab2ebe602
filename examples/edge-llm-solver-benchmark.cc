// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-solver-benchmark: how long the GLPK ILP takes, on the instances users produce.
//
//   edge-llm-solver-benchmark --drawn=omega,ccs --runs=7     # the sweep's own instances
//   edge-llm-solver-benchmark --growth=26x30,80x300 --plot=growth.png
//   edge-llm-solver-benchmark --sizes=26x30,64x100           # ablation of the reductions
//
// --drawn: the instances `edge-llm-sweep --sweep=K --runs=N` solves (LlmSweep::DrawScenario:
// the built-in OPT-350m scenario, every grid value of the kind's default grid, RngRun 1 ... N),
// solved by the ilp solver; one line per instance (status, seconds, B&B nodes, objective) and
// a total (proven, median, max). --compare-layered also solves each with the layered
// formulation and prints the relative difference of the objectives.
// --growth: LLM-shaped random instances L×N (LlmRandomScenario with repeatedBlocks: an
// embedding, L−2 identical blocks, a head; CCS ∈ [1, 4] GHz, Ω ∈ [100 Mbit/s, 1 Gbit/s],
// n = β = 128, δ = 1e-5, one layer per server), solved by the ilp solver; a table, the
// growth exponent of the time in N per L (least squares on log-log over the instances proven
// optimal), and with --plot a log-log PNG of time vs N.
// --sizes: the reductions one by one, on random instances with distinct layers (and
// "opt-350m", the built-in scenario):
//   full        every reduction: smallest allowed bits, Lagrangian bound + pruning, incumbent
//   gap-1%      full, stopping at a proven 1 % gap
//   layered     full, with the layered formulation
//   no-prune    smallest allowed bits + incumbent, no Lagrangian pruning
//   no-incumb   smallest allowed bits + pruning, no incumbent handed to GLPK
//   bits-only   smallest allowed bits, GLPK presolve, nothing else
//   none        every allowed bit width, GLPK presolve, nothing else
//   dp          the shortest-path relaxation (a lower bound under one layer per server)
// Without --drawn, --growth or --sizes, the ablation runs on quick sizes.
//
// Options are read whole and strictly: L and N are whole integers (1 ≤ L ≤ 100000 layers,
// 1 ≤ N ≤ 4096 servers, the scenario caps), --runs 1 ... 100000, --time-limit 0.001 ... 1e7 s,
// --seed 1 ... 4294967295; a bad value or a positional argument stops with one line naming it
// (exit 1). Timings are printed, never asserted.

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"
#include "ns3/gnuplot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
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

/// Median of a sample (empty: 0).
double
Median(std::vector<double> x)
{
    if (x.empty())
    {
        return 0;
    }
    std::sort(x.begin(), x.end());
    const std::size_t m = x.size() / 2;
    return x.size() % 2 ? x[m] : 0.5 * (x[m - 1] + x[m]);
}

/// The sweep's own instances of each kind, solved by the ilp solver; returns 0.
int
RunDrawn(const std::vector<LlmSweepConfig::Kind>& kinds,
         uint32_t runs,
         const LlmSolverOptions& options,
         bool compareLayered)
{
    std::printf("%-6s %-12s %5s %-22s %9s %8s %20s%s\n",
                "sweep",
                "grid value",
                "run",
                "status",
                "time s",
                "nodes",
                "T s",
                compareLayered ? "   layered T s  layered s  rel. diff" : "");
    std::vector<double> seconds;
    std::size_t proven = 0;
    double worstDiff = 0;
    for (LlmSweepConfig::Kind kind : kinds)
    {
        LlmSweepConfig config;
        config.kind = kind;
        config.grid = LlmSweepConfig::DefaultGrid(kind);
        config.runs = runs;
        config.simulate = false;
        const LlmSweep sweep(LlmScenario::BuiltInDefault(), config);
        for (std::size_t index = 0; index < config.grid.size() * runs; ++index)
        {
            const LlmScenario scenario = sweep.DrawScenario(index);
            const LlmCostModel model(scenario);
            const LlmPlan p = LlmIlpSolver(options).Solve(model);
            seconds.push_back(p.stats.seconds);
            proven += p.status == LlmSolverStatus::OPTIMAL && p.stats.gap == 0 ? 1 : 0;
            std::printf("%-6s %-12.4g %5zu %-22s %9.3f %8llu %20.12g",
                        LlmSweepConfig::KindToString(kind).c_str(),
                        config.grid[index / runs],
                        index % runs + 1,
                        ToString(p.status).c_str(),
                        p.stats.seconds,
                        static_cast<unsigned long long>(p.stats.nodes),
                        p.objective);
            if (compareLayered)
            {
                LlmSolverOptions o = options;
                o.formulation = LlmSolverOptions::Formulation::LAYERED;
                const LlmPlan q = LlmIlpSolver(o).Solve(model);
                const double diff =
                    q.objective > 0 ? (p.objective - q.objective) / q.objective : 0.0;
                if (q.status == LlmSolverStatus::OPTIMAL)
                {
                    worstDiff = std::max(worstDiff, std::fabs(diff));
                }
                std::printf(" %14.12g %10.3f %10.3g%s",
                            q.objective,
                            q.stats.seconds,
                            diff,
                            q.status == LlmSolverStatus::OPTIMAL ? "" : " (layered not proven)");
            }
            if (p.status != LlmSolverStatus::OPTIMAL && !p.message.empty())
            {
                std::printf("  (%s)", p.message.c_str());
            }
            std::printf("\n");
            std::fflush(stdout);
        }
    }
    double total = 0;
    for (double x : seconds)
    {
        total += x;
    }
    std::printf("\n%zu instances: %zu proven optimal (gap 0); solve time median %.3f s, max "
                "%.3f s, mean %.3f s, total %.1f s\n",
                seconds.size(),
                proven,
                Median(seconds),
                seconds.empty() ? 0.0 : *std::max_element(seconds.begin(), seconds.end()),
                seconds.empty() ? 0.0 : total / seconds.size(),
                total);
    if (compareLayered)
    {
        std::printf("largest relative objective difference to the layered formulation's "
                    "proven optimum: %.3g\n",
                    worstDiff);
    }
    return 0;
}

/// LLM-shaped random instances L×N, solved by the ilp solver; returns 0, or 1 if the plot
/// could not be written.
int
RunGrowth(const std::vector<Size>& sizes,
          uint32_t seed,
          const LlmSolverOptions& options,
          const std::string& plotPath)
{
    std::printf("%-9s %6s %6s %-22s %14s %9s %9s %8s %9s %9s\n",
                "size",
                "L",
                "N",
                "status",
                "T s",
                "gap %",
                "time s",
                "nodes",
                "rows",
                "columns");
    std::map<uint32_t, std::vector<std::pair<double, double>>> byLayers; // L -> (N, s)
    for (const Size& size : sizes)
    {
        LlmRandomScenario r;
        r.layers = size.layers;
        r.servers = size.servers;
        r.repeatedBlocks = true;
        r.tokens = 128;
        r.batch = 128;
        r.bMax = 32;
        r.delta = 1e-5;
        const LlmScenario scenario = r.Draw(seed, 1);
        const LlmCostModel model(scenario);
        const LlmPlan p = LlmIlpSolver(options).Solve(model);
        std::printf("%-9s %6u %6u %-22s %14.6f %9.4f %9.3f %8llu %9llu %9llu\n",
                    size.text.c_str(),
                    size.layers,
                    size.servers,
                    ToString(p.status).c_str(),
                    p.objective,
                    100 * p.stats.gap,
                    p.stats.seconds,
                    static_cast<unsigned long long>(p.stats.nodes),
                    static_cast<unsigned long long>(p.stats.rows),
                    static_cast<unsigned long long>(p.stats.columns));
        std::fflush(stdout);
        if (p.status == LlmSolverStatus::OPTIMAL)
        {
            byLayers[size.layers].push_back({size.servers, p.stats.seconds}); // proven only
        }
    }
    // Growth exponent per L: the slope of log(time) on log(N), least squares.
    std::printf("\n");
    for (const auto& [layers, points] : byLayers)
    {
        if (points.size() < 2)
        {
            continue;
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (const auto& [n, t] : points)
        {
            const double x = std::log(n);
            const double y = std::log(std::max(t, 1e-6));
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        const double k = static_cast<double>(points.size());
        const double den = k * sxx - sx * sx;
        if (den > 0)
        {
            std::printf("L = %u: time grows as N^%.2f over N = %g ... %g\n",
                        layers,
                        (k * sxy - sx * sy) / den,
                        points.front().first,
                        points.back().first);
        }
    }
    if (plotPath.empty())
    {
        return 0;
    }
    // The house style (LlmFigure): decade ticks, units, legend inside, PNG and PDF.
    const std::string base = plotPath.size() > 4 && plotPath.substr(plotPath.size() - 4) == ".png"
                                 ? plotPath.substr(0, plotPath.size() - 4)
                                 : plotPath;
    Gnuplot plot(base + ".png",
                 "Exact placement (ilp): solve time vs servers\\nLLM-shaped random instances "
                 "(seed "
                     + std::to_string(seed) + "), one solve per point, proven optimal only");
    double nLo = INFINITY;
    double nHi = 0;
    double tLo = INFINITY;
    double tHi = 0;
    for (const auto& [layers, points] : byLayers)
    {
        for (const auto& [n, t] : points)
        {
            nLo = std::min(nLo, n);
            nHi = std::max(nHi, n);
            tLo = std::min(tLo, std::max(t, 1e-3));
            tHi = std::max(tHi, std::max(t, 1e-3));
        }
    }
    plot.SetExtra(LlmFigure::Axis("x", "edge servers N", LlmFigure::Unit::COUNT, true, nLo, nHi)
                  + LlmFigure::Axis("y", "solve time", LlmFigure::Unit::SECONDS, true, tLo, tHi)
                  + LlmFigure::Key(byLayers.size(), true)
                  + "set grid xtics ytics mxtics mytics lc rgb \"#dddddd\"");
    std::size_t k = 0;
    for (const auto& [layers, points] : byLayers)
    {
        Gnuplot2dDataset d("L = " + std::to_string(layers) + " layers");
        d.SetStyle(Gnuplot2dDataset::LINES_POINTS);
        d.SetExtra(LlmFigure::Style(LlmFigure::SolverColour(k == 0   ? "ilp"
                                                            : k == 1 ? "greedy"
                                                            : k == 2 ? "cloud-only"
                                                                     : "edgeshard"),
                                    LlmFigure::SettingMarker(k),
                                    1));
        ++k;
        for (const auto& [n, t] : points)
        {
            d.Add(n, std::max(t, 1e-3));
        }
        plot.AddDataset(d);
    }
    if (byLayers.empty())
    {
        std::cerr << "edge-llm-solver-benchmark: no instance proven optimal: no figure"
                  << std::endl;
        return 1;
    }
    const std::string note = LlmFigure::Draw(plot, base);
    if (!note.empty())
    {
        std::cerr << "edge-llm-solver-benchmark: " << note;
        return 1;
    }
    std::printf("figure: %s.png and %s.pdf (gnuplot script %s.plt)\n",
                base.c_str(),
                base.c_str(),
                base.c_str());

    return 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string sizesText;
    std::string variantsText = "full,gap-1%,layered,no-prune,no-incumb,bits-only,none,dp";
    std::string drawnText;
    std::string runsText = "10";
    std::string growthText;
    std::string plotPath;
    bool compareLayered = false;
    std::string timeLimitText = "60";
    std::string seedText = "1";
    CommandLine cmd(__FILE__);
    cmd.Usage("Benchmark of the placement solvers (wall time, nodes, ILP size) on the sweep's "
              "drawn instances (--drawn), on growing LLM-shaped instances (--growth) and, one "
              "reduction at a time, on random instances (--sizes).");
    EdgeLlmAddTextValue(cmd,
                        "drawn",
                        "Comma-separated sweep kinds (omega, ccs): solve the instances the "
                        "sweep draws",
                        drawnText);
    EdgeLlmAddTextValue(cmd, "runs", "With --drawn: runs per grid value (1 ... 100000)", runsText);
    cmd.AddValue("compare-layered",
                 "With --drawn: also solve with the layered formulation and compare",
                 compareLayered);
    EdgeLlmAddTextValue(cmd,
                        "growth",
                        "Comma-separated LxN sizes of LLM-shaped random instances (growth table)",
                        growthText);
    EdgeLlmAddTextValue(cmd, "plot", "With --growth: write a log-log PNG of time vs N", plotPath);
    EdgeLlmAddTextValue(cmd,
                        "sizes",
                        "Comma-separated LxN sizes (1 <= L <= 100000, 1 <= N <= 4096), or "
                        "opt-350m for the built-in scenario: the ablation of the reductions",
                        sizesText);
    EdgeLlmAddTextValue(cmd,
                        "variants",
                        "With --sizes: comma-separated solver variants: full, gap-1%, layered, "
                        "no-prune, no-incumb, bits-only, none, dp (see the source header)",
                        variantsText);
    EdgeLlmAddTextValue(cmd,
                        "time-limit",
                        "Time limit per solve, s (0.001 ... 1e7)",
                        timeLimitText);
    EdgeLlmAddTextValue(cmd, "seed", "Seed of the random instances (1 ... 4294967295)", seedText);
    cmd.Parse(argc, argv);

    std::vector<Size> sizes;
    std::vector<Size> growth;
    std::vector<LlmSweepConfig::Kind> kinds;
    uint32_t runs = 10;
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
        if (sizesText.empty() && drawnText.empty() && growthText.empty())
        {
            sizesText = "opt-350m,8x10,16x20,26x30";
        }
        for (const std::string& item :
             sizesText.empty() ? std::vector<std::string>() : Split(sizesText))
        {
            sizes.push_back(ParseSize(item));
        }
        for (const std::string& item :
             growthText.empty() ? std::vector<std::string>() : Split(growthText))
        {
            const Size size = ParseSize(item);
            if (size.builtIn)
            {
                throw LlmInputError(kSource,
                                    "--growth",
                                    "expected LxN sizes, got \"" + item + "\"");
            }
            growth.push_back(size);
        }
        for (const std::string& item :
             drawnText.empty() ? std::vector<std::string>() : Split(drawnText))
        {
            try
            {
                kinds.push_back(LlmSweepConfig::KindFromString(item));
            }
            catch (const LlmInputError&)
            {
                throw LlmInputError(kSource,
                                    "--drawn",
                                    "expected omega or ccs, got \"" + item + "\"");
            }
        }
        runs = static_cast<uint32_t>(LlmTextParse::Integer(kSource, "--runs", runsText, 1, 100000));
        if (!plotPath.empty() && growth.empty())
        {
            throw LlmInputError(kSource, "--plot", "draws the --growth table: give --growth too");
        }
        for (const std::string& v : Split(variantsText))
        {
            if (v != "full" && v != "gap-1%" && v != "layered" && v != "no-prune"
                && v != "no-incumb" && v != "bits-only" && v != "none" && v != "dp")
            {
                throw LlmInputError(kSource,
                                    "--variants",
                                    "expected full, gap-1%, layered, no-prune, no-incumb, "
                                    "bits-only, none or dp, got \""
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

    LlmSolverOptions options;
    options.timeLimitSeconds = timeLimit;
    int status = 0;
    if (!kinds.empty())
    {
        status |= RunDrawn(kinds, runs, options, compareLayered);
    }
    if (!growth.empty())
    {
        std::printf(kinds.empty() ? "" : "\n");
        status |= RunGrowth(growth, seed, options, plotPath);
    }
    if (sizes.empty())
    {
        return status;
    }
    if (!kinds.empty() || !growth.empty())
    {
        std::printf("\n");
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
            else if (v == "layered")
            {
                o.formulation = LlmSolverOptions::Formulation::LAYERED;
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
    return status;
}

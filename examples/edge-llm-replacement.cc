// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-replacement: one plan under a changing link trace, simulated with each re-placement
// policy (static never, periodic, threshold with hysteresis); prints completion time,
// migrations, migration and replay time, and draws tokens completed over simulated time (the
// spans in which a traced link runs below its static rate shaded).
//
//   edge-llm-replacement --link-trace-random=0.5:1:3 --tokens=32
//   edge-llm-replacement --link-trace=trace.csv --policies=never,periodic:1 --figure=cmp
//   edge-llm-replacement --scenario=examples/replacement-scenario.json
//       --link-trace=examples/replacement-trace.csv --solver=ilp --figure=replacement

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

using namespace ns3;

namespace
{

/// Record the simulated time of each completed token.
void
TokenDone(std::vector<double>* times, uint32_t, uint32_t, Time)
{
    times->push_back(Simulator::Now().GetSeconds());
}

/// Most trace rows whose slowed spans are shaded (a random trace slows some link most of the
/// time: shading would cover the whole plot).
constexpr std::size_t MAX_SHADED_ROWS = 50;

/**
 * The spans [from, to) in which some link of the trace runs below its static rate, merged,
 * the last one closed at `end`.
 * @param trace the link trace
 * @param end the right end of the plot, s
 * @return the spans
 */
std::vector<std::pair<double, double>>
SlowedSpans(const LlmLinkTrace& trace, double end)
{
    std::set<double> times;
    for (const LlmLinkTrace::Row& row : trace.GetRows())
    {
        times.insert(row.timeSeconds);
    }
    std::vector<std::pair<double, double>> spans;
    for (auto it = times.begin(); it != times.end(); ++it)
    {
        const double t = *it;
        const double next = std::next(it) == times.end() ? end : *std::next(it);
        bool slowed = false;
        for (const auto& [from, to] : trace.GetLinks())
        {
            slowed = slowed || trace.GetBps(from, to, t) < trace.GetStaticBps(from, to);
        }
        if (!slowed || next <= t)
        {
            continue;
        }
        if (!spans.empty() && spans.back().second == t)
        {
            spans.back().second = next;
        }
        else
        {
            spans.emplace_back(t, next);
        }
    }
    return spans;
}

} // namespace

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Usage("Simulate one plan under a link trace with each re-placement policy: static vs "
              "dynamic completion time.");
    LlmProgramOptions options(cmd,
                              LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVER
                                  | LlmProgramOptions::TRANSPORT | LlmProgramOptions::LINK_TRACE);
    std::string policies = "never,periodic:0.5,threshold:0.5:0.2:2:2";
    std::string figure = "replacement";
    EdgeLlmAddTextValue(cmd, "policies", "Comma-separated --replace values to compare", policies);
    EdgeLlmAddTextValue(cmd, "figure", "Figure path without extension (.png, .pdf)", figure);
    try
    {
        options.Parse(argc, argv);
        if (options.GetReplacementPolicy())
        {
            throw LlmInputError("command line",
                                "--replace",
                                "this program compares the policies of --policies (e.g. "
                                "--policies=never,periodic:1)");
        }
        const LlmScenario scenario = options.BuildScenario();
        const LlmPlan plan = options.MakePlan(LlmCostModel(scenario));
        if (!plan.HasPlacement())
        {
            std::cerr << "edge-llm-replacement: " << plan.solver
                      << " found no plan: " << plan.message << std::endl;
            return 2;
        }
        const auto trace = options.MakeLinkTrace(scenario, plan);
        if (!trace)
        {
            throw LlmInputError("command line",
                                "--link-trace-random",
                                "expected a link trace (--link-trace or --link-trace-random)");
        }
        std::vector<std::pair<std::string, LlmReplacementPolicy::Config>> runs;
        std::stringstream ss(policies);
        for (std::string item; std::getline(ss, item, ',');)
        {
            runs.emplace_back(item, LlmReplacementPolicy::Parse(item, "--policies"));
        }
        std::printf("Plan %s: T = %.6g s; trace %s (%zu rows)\n",
                    plan.solver.c_str(),
                    plan.objective,
                    trace->GetSource().c_str(),
                    trace->GetRows().size());
        std::printf("%-28s %14s %10s %12s %12s %12s %10s %8s\n",
                    "policy",
                    "completion s",
                    "migrations",
                    "migration B",
                    "migration s",
                    "replay s",
                    "checks",
                    "tokens");
        Gnuplot plot(figure + ".png",
                     "Static vs dynamic placement under a changing link trace\\n"
                         + trace->GetSource() + " (shaded: a traced link below its static rate)");
        plot.SetLegend("simulated time (s)", "tokens completed");
        std::size_t k = 0;
        double end = 0;
        uint64_t requested = 0;
        for (const auto& [name, config] : runs)
        {
            LlmSimulation sim(scenario, plan, options.GetSetting());
            sim.SetLinkTrace(*trace);
            sim.SetReplacementPolicy(config);
            sim.SetReplanSolver(options.GetSolver(), options.GetSolverOptions());
            std::vector<double> times;
            sim.SetInstalledCallback([&times](LlmPlacementHelper& p) {
                p.GetClient()->TraceConnectWithoutContext("TokenDone",
                                                          MakeBoundCallback(&TokenDone, &times));
            });
            const LlmSimulationResult r = sim.Run();
            std::printf("%-28s %14.6g %10llu %12llu %12.6g %12.6g %10llu %4llu/%llu\n",
                        name.c_str(),
                        r.simulatedSeconds,
                        static_cast<unsigned long long>(r.migrations),
                        static_cast<unsigned long long>(r.migrationBytes),
                        r.migrationSeconds,
                        r.replaySeconds,
                        static_cast<unsigned long long>(r.replacementChecks),
                        static_cast<unsigned long long>(r.tokensCompleted),
                        static_cast<unsigned long long>(r.tokensRequested));
            end = std::max(end, r.simulatedSeconds);
            requested = std::max(requested, r.tokensRequested);
            char label[160];
            std::snprintf(label,
                          sizeof(label),
                          "%s: %.1f s, %llu migration%s",
                          name.c_str(),
                          r.simulatedSeconds,
                          static_cast<unsigned long long>(r.migrations),
                          r.migrations == 1 ? "" : "s");
            Gnuplot2dDataset d(label);
            d.SetStyle(Gnuplot2dDataset::STEPS);
            d.SetExtra(LlmFigure::Style(LlmFigure::SettingColour(k), 0, 1 + k));
            d.Add(0, 0);
            for (std::size_t i = 0; i < times.size(); ++i)
            {
                d.Add(times[i], static_cast<double>(i + 1));
            }
            plot.AddDataset(d);
            ++k;
        }
        // Headroom above the last token for the legend; the slowed spans behind the curves.
        std::ostringstream extra;
        extra << LlmFigure::Key(runs.size(), true)
              << "set yrange [0:" << 1.1 * static_cast<double>(std::max<uint64_t>(requested, 1))
              << "]\n";
        if (trace->GetRows().size() <= MAX_SHADED_ROWS)
        {
            for (const auto& [from, to] : SlowedSpans(*trace, 1.05 * end))
            {
                extra << "set object rect from " << from << ", graph 0 to " << to
                      << ", graph 1 behind fc rgb \"#e4e4e4\" fs solid 1.0 noborder\n";
            }
        }
        plot.SetExtra(extra.str());
        const std::string note = LlmFigure::Draw(plot, figure);
        std::cout << (note.empty() ? "Figure: " + figure + ".png, " + figure + ".pdf\n" : note);
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-replacement: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}

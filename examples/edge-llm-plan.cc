// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-plan: solve a DILEMMA placement problem: which server runs each LLM layer, with how
// many bits.
//
//   edge-llm-plan                                 # built-in OPT-350m scenario, GLPK ILP
//   edge-llm-plan --scenario=my.json --solver=greedy --output=plan.json
//   edge-llm-plan --describe                      # the problem, layer by layer, no solve
//   edge-llm-plan --print-scenario > effective.json
//
// Prints layer -> server, bits, compute and transfer time, the objective T (eq. 1), the
// quantization ratio and the solver's status and statistics. Exit code 0 with a plan, 1 on
// bad input, 2 when there is no plan (infeasible, with the reason, or no solution in time).

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

using namespace ns3;

namespace
{

/// "8-32 (13 widths)" or "none".
std::string
DescribeBits(const std::vector<uint32_t>& bits)
{
    if (bits.empty())
    {
        return "none";
    }
    char buf[64];
    std::snprintf(buf,
                  sizeof(buf),
                  "%u-%u (%zu width%s)",
                  bits.front(),
                  bits.back(),
                  bits.size(),
                  bits.size() == 1 ? "" : "s");
    return buf;
}

/// Print the per-layer table of the problem; return false if some layer has no allowed bits.
bool
PrintProblemTable(const LlmCostModel& m)
{
    const LlmScenario& s = m.GetScenario();
    const LlmProfile& model = s.GetModel();
    std::printf("%-12s %12s %-20s %12s %12s %12s\n",
                "layer",
                "params",
                "allowed bits",
                "size MB",
                "cp min s",
                "cp max s");
    bool ok = true;
    double totalMin = 0;
    double totalOriginal = 0;
    for (std::size_t l = 0; l < m.GetNLayers(); ++l)
    {
        const LlmLayer& layer = model.GetLayer(l);
        const std::vector<uint32_t>& bits = m.GetAllowedBits(l);
        totalOriginal += m.StorageBytes(l, model.GetOriginalBits());
        if (bits.empty())
        {
            ok = false;
            std::printf("%-12s %12llu %-20s %12s %12s %12s\n",
                        layer.name.c_str(),
                        static_cast<unsigned long long>(layer.params),
                        "none",
                        "-",
                        "-",
                        "-");
            continue;
        }
        const uint32_t b = bits.front();
        double cpMin = INFINITY;
        double cpMax = 0;
        for (std::size_t i = 0; i < m.GetNServers(); ++i)
        {
            cpMin = std::min(cpMin, m.ComputeDelay(l, i, b));
            cpMax = std::max(cpMax, m.ComputeDelay(l, i, b));
        }
        totalMin += m.StorageBytes(l, b);
        std::printf("%-12s %12llu %-20s %12.3f %12.4g %12.4g\n",
                    layer.name.c_str(),
                    static_cast<unsigned long long>(layer.params),
                    DescribeBits(bits).c_str(),
                    m.StorageBytes(l, b) / 1e6,
                    cpMin,
                    cpMax);
    }
    std::printf("%-12s %12llu %-20s %12.3f   (%.3f MB at %u bits)\n",
                "total",
                static_cast<unsigned long long>(model.GetTotalParams()),
                "smallest allowed",
                totalMin / 1e6,
                totalOriginal / 1e6,
                model.GetOriginalBits());
    return ok;
}

/// "lower bound B s, gap G %", or "optimality not proven" for a heuristic.
std::string
GapText(const LlmSolverStats& st)
{
    if (!st.IsProven())
    {
        return "optimality not proven";
    }
    char buf[128];
    std::snprintf(buf, sizeof(buf), "lower bound %.6g s, gap %.3g %%", st.lowerBound, 100 * st.gap);
    return buf;
}

/// Print the plan table and summary.
void
PrintPlan(const LlmCostModel& m, const LlmPlan& plan)
{
    const LlmScenario& s = m.GetScenario();
    const LlmSolverStats& st = plan.stats;
    std::printf("Solver %s: %s in %.3f s (B&B nodes %llu, %llu rows, %llu of %llu columns; "
                "%s)\n",
                plan.solver.c_str(),
                ToString(plan.status).c_str(),
                st.seconds,
                static_cast<unsigned long long>(st.nodes),
                static_cast<unsigned long long>(st.rows),
                static_cast<unsigned long long>(st.columns),
                static_cast<unsigned long long>(st.columnsBeforePruning),
                GapText(st).c_str());
    if (!plan.message.empty())
    {
        std::printf("Note: %s\n", plan.message.c_str());
    }
    if (plan.placement.empty())
    {
        return;
    }
    std::printf("\n%-12s %-10s %5s %-18s %12s %12s\n",
                "layer",
                "server",
                "bits",
                "allowed bits",
                "compute s",
                "transfer s");
    double compute = 0;
    double transfer = 0;
    for (std::size_t l = 0; l < plan.placement.size(); ++l)
    {
        const LlmLayerAssignment& a = plan.placement[l];
        const double cp = m.ComputeDelay(l, a.server, a.bits);
        const double cm = l + 1 < plan.placement.size()
                              ? m.TransferDelay(l, a.server, plan.placement[l + 1].server, a.bits)
                              : 0.0;
        compute += cp;
        transfer += cm;
        std::printf("%-12s %-10s %5u %-18s %12.4f %12.4f\n",
                    s.GetModel().GetLayer(l).name.c_str(),
                    s.GetServers()[a.server].name.c_str(),
                    a.bits,
                    DescribeBits(m.GetAllowedBits(l)).c_str(),
                    cp,
                    cm);
    }
    if (s.GetUser())
    {
        std::printf("\nObjective T = %.9g s (compute %.9g s + transfer %.9g s + the user's "
                    "access path %.9g s, user at %s)\n",
                    plan.objective,
                    compute,
                    transfer,
                    m.AccessDelay(plan.placement),
                    s.GetUser()->server.c_str());
    }
    else
    {
        std::printf("\nObjective T = %.9g s (compute %.9g s + transfer %.9g s)\n",
                    plan.objective,
                    compute,
                    transfer);
    }
    std::printf("Quantization ratio = %.2f %%\n", plan.quantizationRatio);
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string output;
    bool printScenario = false;
    bool describe = false;
    CommandLine cmd(__FILE__);
    cmd.Usage("Place the layers of an LLM on edge servers and choose their bit widths "
              "(DILEMMA), with GLPK or a baseline.");
    LlmProgramOptions options(cmd, LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVER);
    EdgeLlmAddTextValue(cmd, "output", "Write the plan as JSON to this file", output);
    cmd.AddValue("describe", "Print the problem layer by layer and exit (no solve)", describe);
    cmd.AddValue("print-scenario",
                 "Write the effective scenario (after overrides, model expanded) as JSON to "
                 "stdout and exit",
                 printScenario);

    try
    {
        options.Parse(argc, argv);
        const LlmScenario scenario = options.BuildScenario();
        if (printScenario)
        {
            std::cout << scenario.ToJson(true);
            return 0;
        }
        const LlmCostModel model(scenario);
        const LlmQuantization& q = scenario.GetQuantization();
        std::size_t clouds = 0;
        for (const LlmServer& srv : scenario.GetServers())
        {
            clouds += srv.role == LlmServer::Role::CLOUD ? 1 : 0;
        }
        const auto maxLayers = scenario.GetMaxLayersPerServer();
        std::printf("Scenario: %s\n", options.GetScenarioOptions().GetSource().c_str());
        std::printf("Model %s: %zu layers, %u-bit weights; n = %u tokens, batch beta = %u\n",
                    scenario.GetModel().GetName().c_str(),
                    scenario.GetModel().GetNLayers(),
                    scenario.GetModel().GetOriginalBits(),
                    scenario.GetWorkload().tokens,
                    scenario.GetWorkload().batch);
        std::printf("Servers: %zu (%zu edge, %zu cloud), %zu directed links, max layers per "
                    "server: %s\n",
                    scenario.GetServers().size(),
                    scenario.GetServers().size() - clouds,
                    clouds,
                    scenario.GetLinks().size(),
                    maxLayers ? std::to_string(*maxLayers).c_str() : "unlimited");
        std::printf("Bits: %u..%u step %u; weight-error budget delta = %g\n\n",
                    q.bMin,
                    q.bMax,
                    q.bStep,
                    q.delta);
        if (describe)
        {
            const bool ok = PrintProblemTable(model);
            std::printf("\nsize MB: storage at the smallest delta-allowed width (2e); cp: "
                        "compute delay at that width on the fastest and slowest server "
                        "(eq. 3).\n");
            return ok ? 0 : 2;
        }
        const LlmPlan plan = options.MakePlan(model);
        PrintPlan(model, plan);
        if (!output.empty())
        {
            std::ofstream out(output);
            out << plan.ToJson(model);
            if (!out)
            {
                throw LlmInputError(output, "", "cannot write the plan file");
            }
            std::printf("Plan written to %s\n", output.c_str());
        }
        if (!plan.HasPlacement())
        {
            std::cerr << "edge-llm-plan: no plan (" << ToString(plan.status)
                      << "): " << plan.message << std::endl;
            return 2;
        }
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-plan: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}

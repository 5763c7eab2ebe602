// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-plan: solve a DILEMMA placement problem: which server runs each LLM layer, with how
// many bits.
//
//   edge-llm-plan                                 # built-in OPT-350m scenario, GLPK ILP
//   edge-llm-plan --scenario=my.json --solver=greedy --output=plan.json
//   edge-llm-plan --describe                      # the problem, layer by layer, no solve
//   edge-llm-plan --print-scenario > effective.json
//   edge-llm-plan --scenario=examples/two-models.json --objective=sum   # several models
//
// Prints layer -> server, bits, compute and transfer time, the objective T (eq. 1), the
// quantization ratio and the solver's status and statistics. A several-model scenario
// (version 2) is solved jointly (LlmJointIlpSolver): per model its placement and T_m, then the
// joint objective, its proven lower bound and gap. Exit code 0 with a plan, 1 on bad input, 2
// when there is no plan (infeasible, with the reason, or no solution in time).

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

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

/// Print the solver's status line and its note.
void
PrintSolverLine(const std::string& solver,
                LlmSolverStatus status,
                const LlmSolverStats& st,
                const std::string& message)
{
    std::printf("Solver %s: %s in %.3f s (B&B nodes %llu, %llu rows, %llu of %llu columns; "
                "%s)\n",
                solver.c_str(),
                ToString(status).c_str(),
                st.seconds,
                static_cast<unsigned long long>(st.nodes),
                static_cast<unsigned long long>(st.rows),
                static_cast<unsigned long long>(st.columns),
                static_cast<unsigned long long>(st.columnsBeforePruning),
                GapText(st).c_str());
    if (!message.empty())
    {
        std::printf("Note: %s\n", message.c_str());
    }
}

/// Print a placement's table, its T (named `label`) and its quantization ratio.
void
PrintPlacement(const LlmCostModel& m,
               const LlmPlacement& placement,
               double objective,
               double quantizationRatio,
               const std::string& label)
{
    const LlmScenario& s = m.GetScenario();
    std::printf("\n%-12s %-10s %5s %-18s %12s %12s\n",
                "layer",
                "server",
                "bits",
                "allowed bits",
                "compute s",
                "transfer s");
    double compute = 0;
    double transfer = 0;
    for (std::size_t l = 0; l < placement.size(); ++l)
    {
        const LlmLayerAssignment& a = placement[l];
        const double cp = m.ComputeDelay(l, a.server, a.bits);
        const double cm = l + 1 < placement.size()
                              ? m.TransferDelay(l, a.server, placement[l + 1].server, a.bits)
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
        std::printf("\n%s = %.9g s (compute %.9g s + transfer %.9g s + the user's "
                    "access path %.9g s, user at %s)\n",
                    label.c_str(),
                    objective,
                    compute,
                    transfer,
                    m.AccessDelay(placement),
                    s.GetUser()->server.c_str());
    }
    else
    {
        std::printf("\n%s = %.9g s (compute %.9g s + transfer %.9g s)\n",
                    label.c_str(),
                    objective,
                    compute,
                    transfer);
    }
    std::printf("Quantization ratio = %.2f %%\n", quantizationRatio);
}

/// Print the plan table and summary.
void
PrintPlan(const LlmCostModel& m, const LlmPlan& plan)
{
    PrintSolverLine(plan.solver, plan.status, plan.stats, plan.message);
    if (plan.placement.empty())
    {
        return;
    }
    PrintPlacement(m, plan.placement, plan.objective, plan.quantizationRatio, "Objective T");
}

/// Whether the command line gives --name (bare or with a value other than 0 or false).
bool
Given(int argc, char* argv[], const std::string& name)
{
    const std::string option = "--" + name;
    bool given = false;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == option || arg.rfind(option + "=", 0) == 0)
        {
            const std::string value =
                arg.size() > option.size() ? arg.substr(option.size() + 1) : "";
            given = value != "0" && value != "false";
        }
    }
    return given;
}

/**
 * Solve a several-model scenario (contract version 2) jointly: per model its placement and
 * T_m, then the joint objective, its proven bound and gap. Returns the exit code.
 */
int
SolveSeveral(const LlmProgramOptions& options,
             const std::string& file,
             bool acceptImplausibleUnits,
             const std::string& objectiveText,
             const std::string& output,
             bool describe,
             bool printScenario)
{
    const LlmMultiScenario scenario = LlmMultiScenario::Load(file, acceptImplausibleUnits);
    if (printScenario)
    {
        std::cout << scenario.ToJson(true);
        return 0;
    }
    const std::string& name = options.GetSolver();
    if (name != "ilp" && name != "exhaustive")
    {
        throw LlmInputError("command line",
                            "--solver",
                            "expected ilp (the joint ILP) or exhaustive (joint exhaustive "
                            "search) for a several-model scenario, got \""
                                + name + "\"");
    }
    const LlmJointObjective objective =
        objectiveText.empty()
            ? LlmJointObjective::MAX
            : LlmJointObjectiveFromString(objectiveText, "command line", "--objective");
    const LlmJointCostModel model(scenario, objective);
    const LlmScenario& infra = scenario.GetInfrastructure();
    std::size_t clouds = 0;
    for (const LlmServer& srv : infra.GetServers())
    {
        clouds += srv.role == LlmServer::Role::CLOUD ? 1 : 0;
    }
    const auto maxLayers = infra.GetMaxLayersPerServer();
    std::printf("Scenario: %s (version 2: %zu models on shared servers)\n",
                file.c_str(),
                scenario.GetModelCount());
    std::printf("Servers: %zu (%zu edge, %zu cloud), %zu directed links, max layers per "
                "server of each model: %s\n",
                infra.GetServers().size(),
                infra.GetServers().size() - clouds,
                clouds,
                infra.GetLinks().size(),
                maxLayers ? std::to_string(*maxLayers).c_str() : "unlimited");
    for (std::size_t m = 0; m < model.GetNModels(); ++m)
    {
        const LlmScenario& s = model.GetModel(m).GetScenario();
        const LlmQuantization& q = s.GetQuantization();
        std::printf("Model %s: %s, %zu layers, %u-bit weights; n = %u tokens, batch beta = %u; "
                    "bits %u..%u step %u, delta = %g%s%s\n",
                    model.GetModelName(m).c_str(),
                    s.GetModel().GetName().c_str(),
                    s.GetModel().GetNLayers(),
                    s.GetModel().GetOriginalBits(),
                    s.GetWorkload().tokens,
                    s.GetWorkload().batch,
                    q.bMin,
                    q.bMax,
                    q.bStep,
                    q.delta,
                    s.GetUser() ? "; user at " : "",
                    s.GetUser() ? s.GetUser()->server.c_str() : "");
    }
    std::printf("Joint objective: %s\n\n",
                objective == LlmJointObjective::MAX
                    ? "max (makespan bound: the largest of every T_m and every server's and "
                      "link's busy time)"
                    : "sum (completion-time bound: the larger of the sum of the T_m and every "
                      "server's and link's busy time)");
    if (describe)
    {
        bool ok = true;
        for (std::size_t m = 0; m < model.GetNModels(); ++m)
        {
            std::printf("Model %s:\n", model.GetModelName(m).c_str());
            ok = PrintProblemTable(model.GetModel(m)) && ok;
            std::printf("\n");
        }
        std::printf("size MB: storage at the smallest delta-allowed width (2e, shared by the "
                    "models); cp: compute delay at that width on the fastest and slowest server "
                    "(eq. 3).\n");
        return ok ? 0 : 2;
    }
    const LlmJointPlan plan =
        LlmJointSolver::Create(name == "ilp" ? "joint-ilp" : "joint-exhaustive",
                               options.GetSolverOptions())
            ->Solve(model);
    PrintSolverLine(plan.solver, plan.status, plan.stats, plan.message);
    if (plan.HasPlacement() || plan.status == LlmSolverStatus::RELAXED)
    {
        for (std::size_t m = 0; m < plan.models.size(); ++m)
        {
            const LlmPlan& p = plan.models[m];
            std::printf("\nModel %s:", model.GetModelName(m).c_str());
            PrintPlacement(model.GetModel(m),
                           p.placement,
                           p.objective,
                           p.quantizationRatio,
                           "T of " + model.GetModelName(m));
        }
        std::printf("\nBusiest resources:");
        for (const LlmResourceLoad& r : plan.busiest)
        {
            std::printf(" %s (%s) %.6g s;",
                        r.name.c_str(),
                        r.isLink ? "link" : "server",
                        r.seconds);
        }
        std::printf("\nJoint objective J (%s) = %.9g s; %s\n",
                    ToString(objective).c_str(),
                    plan.objective,
                    GapText(plan.stats).c_str());
    }
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
        std::cerr << "edge-llm-plan: no plan (" << ToString(plan.status) << "): " << plan.message
                  << std::endl;
        return 2;
    }
    return 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string output;
    std::string objective;
    bool printScenario = false;
    bool describe = false;
    CommandLine cmd(__FILE__);
    cmd.Usage("Place the layers of an LLM on edge servers and choose their bit widths "
              "(DILEMMA), with GLPK or a baseline.");
    LlmProgramOptions options(cmd, LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVER);
    EdgeLlmAddTextValue(cmd, "output", "Write the plan as JSON to this file", output);
    EdgeLlmAddTextValue(cmd,
                        "objective",
                        "Several-model scenarios (version 2): max (default; the makespan bound) "
                        "or sum (the completion-time sum bound)",
                        objective);
    cmd.AddValue("describe", "Print the problem layer by layer and exit (no solve)", describe);
    cmd.AddValue("print-scenario",
                 "Write the effective scenario (after overrides, model expanded) as JSON to "
                 "stdout and exit",
                 printScenario);

    try
    {
        options.Parse(argc, argv);
        // A several-model file (contract version 2) is solved jointly; its models set their own
        // delta, tokens, bits and users, so the one-model overrides are refused with it.
        const std::string source = options.GetScenarioOptions().GetSource();
        const bool file = source != LlmScenarioOptions().GetSource();
        if (file && LlmMultiScenario::IsVersion2(LlmStrictJson::ReadFile(source, "file")))
        {
            for (const std::string& o : LlmProgramOptions::ModelOverrides())
            {
                if (Given(argc, argv, o))
                {
                    throw LlmInputError("command line",
                                        "--" + o,
                                        "not with a several-model scenario (" + source
                                            + " is version 2): set it per model in the file "
                                              "(models[].model, workload, quantization, user) "
                                              "or max_layers_per_server at its top level");
                }
            }
            return SolveSeveral(options,
                                source,
                                Given(argc, argv, "accept-implausible-units"),
                                objective,
                                output,
                                describe,
                                printScenario);
        }
        if (!objective.empty())
        {
            throw LlmInputError("command line",
                                "--objective",
                                "only with a several-model scenario (version 2: \"models\"); "
                                "with one model the joint objective is its T");
        }
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

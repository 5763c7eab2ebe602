// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-plan: describe a DILEMMA placement problem layer by layer.
//
//   edge-llm-plan                       # the built-in OPT-350m scenario
//   edge-llm-plan --scenario=my.json --delta=1e-3 --tokens=64
//   edge-llm-plan --print-scenario > effective.json
//
// For each layer: parameters p_l, the bit widths the weight-error budget δ allows (eq. 5-7),
// its storage at the smallest allowed width (2e), and the range of its compute delay cp over
// the servers at that width (eq. 3). Exit code 0 on success, 1 on bad input.

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <cstdio>
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
PrintLayerTable(const LlmCostModel& m)
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

} // namespace

int
main(int argc, char* argv[])
{
    LlmScenarioOptions options;
    bool printScenario = false;
    CommandLine cmd(__FILE__);
    cmd.Usage("Describe (and, with the solver, plan) the placement of an LLM's layers on edge "
              "servers (DILEMMA).");
    options.AddToCommandLine(cmd);
    cmd.AddValue("print-scenario",
                 "Write the effective scenario (after overrides, model expanded) as JSON to "
                 "stdout and exit",
                 printScenario);
    cmd.Parse(argc, argv);

    try
    {
        const LlmScenario scenario = options.Build();
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
        std::printf("Scenario: %s\n", options.GetSource().c_str());
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
        if (!PrintLayerTable(model))
        {
            std::cerr << "edge-llm-plan: infeasible: a layer has no bit width whose weight "
                         "error is within delta = "
                      << q.delta << " (eq. 5-7); raise --delta or b_max" << std::endl;
            return 2;
        }
        std::printf("\nsize MB: storage at the smallest delta-allowed width (2e); cp: compute "
                    "delay at that width on the fastest and slowest server (eq. 3).\n");
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-plan: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}

// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-split-benchmark: how long the unified optimizer of adaptive split computing
// (LlmSplitOptimizer) takes over its full decision space.
//
//   edge-llm-split-benchmark                       # llama-2-7b, -13b, -70b, 5 runs each
//   edge-llm-split-benchmark --runs=20 --devices=64
//
// Per model: the settings of the full space ((L+1) splits × 6 weight-width pairs × 16
// activation settings × 3 KV widths, the default candidates), how many the pruned search
// evaluated, its median wall time, the same for a plain enumeration that evaluates every
// setting one by one (LlmSplitOptimizer::Evaluate), and the chosen setting. The activation
// NMSE table is calibrated once per model on the synthetic tensor (timed separately, not part
// of the search). Timings are printed, never asserted.
//
// Options are read whole and strictly; a bad value or a positional argument stops with one line
// naming it (exit 1).

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

using namespace ns3;

namespace
{

const char* const kSource = "command line";

/// Seconds since an arbitrary epoch.
double
WallNow()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// The median of a sample.
double
Median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string runsText = "5";
    std::string devicesText = "1";
    CommandLine cmd(__FILE__);
    cmd.Usage("Wall time of the split-computing optimizer (LlmSplitOptimizer) over its full "
              "decision space, on Llama-2-7b, -13b and -70b.");
    EdgeLlmAddTextValue(cmd, "runs", "Repetitions per model (1 ... 1000)", runsText);
    EdgeLlmAddTextValue(cmd, "devices", "K, devices sharing the cloud (1 ... 100000)", devicesText);
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
        const auto runs = LlmTextParse::Integer(kSource, "--runs", runsText, 1, 1000);
        const auto devices = LlmTextParse::Integer(kSource, "--devices", devicesText, 1, 100000);

        std::printf("%-12s %9s %9s %10s %11s %11s %13s  %s\n",
                    "model",
                    "settings",
                    "evaluated",
                    "search_ms",
                    "enumerate_ms",
                    "calibrate_s",
                    "tpot_ms",
                    "choice");
        for (const char* name : {"llama-2-7b", "llama-2-13b", "llama-2-70b"})
        {
            const LlmArchitecture arch = LlmProfile::BuiltInArchitecture(name);
            LlmSplitOptimizer::Inputs inputs;
            inputs.devices = static_cast<uint32_t>(devices);
            const double calibrateStart = WallNow();
            const LlmSplitOptimizer optimizer(arch, inputs); // calibrates the NMSE table
            const double calibrate = WallNow() - calibrateStart;

            std::vector<double> search;
            LlmSplitOptimizer::Result result;
            for (uint64_t r = 0; r < runs; ++r)
            {
                result = optimizer.Optimize();
                search.push_back(result.searchSeconds);
            }

            // The plain enumeration: Evaluate every setting of the same space.
            std::vector<double> enumerate;
            for (uint64_t r = 0; r < runs; ++r)
            {
                const double start = WallNow();
                uint64_t feasible = 0;
                for (uint32_t l = 0; l <= arch.numLayers; ++l)
                {
                    for (uint32_t q1 : inputs.weightBits)
                    {
                        for (uint32_t q2 : inputs.weightBits)
                        {
                            if (q2 < q1)
                            {
                                continue;
                            }
                            for (uint32_t kv : inputs.kvBits)
                            {
                                for (const auto& a : inputs.activationSettings)
                                {
                                    LlmSplitOptimizer::Choice c;
                                    c.splitLayer = l;
                                    c.frontBits = q1;
                                    c.backBits = q2;
                                    c.kvBits = kv;
                                    c.activation = a;
                                    feasible += optimizer.Evaluate(c).feasible ? 1 : 0;
                                }
                            }
                        }
                    }
                }
                enumerate.push_back(WallNow() - start);
                if (feasible == 0 && result.feasible)
                {
                    std::cerr << "edge-llm-split-benchmark: the enumeration found nothing\n";
                    return 2;
                }
            }

            const auto& c = result.choice;
            std::string choice =
                result.feasible
                    ? "l=" + std::to_string(c.splitLayer) + " Q_w1=" + std::to_string(c.frontBits)
                          + " Q_w2=" + std::to_string(c.backBits)
                          + " Q_kv=" + std::to_string(c.kvBits) + " act=" + c.activation.ToString()
                    : "infeasible (" + result.binding + ")";
            std::printf("%-12s %9llu %9llu %10.3f %11.1f %11.2f %13.3f  %s\n",
                        name,
                        static_cast<unsigned long long>(result.settingsTotal),
                        static_cast<unsigned long long>(result.settingsEvaluated),
                        Median(search) * 1e3,
                        Median(enumerate) * 1e3,
                        calibrate,
                        result.tpotSeconds * 1e3,
                        choice.c_str());
        }
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-split-benchmark: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

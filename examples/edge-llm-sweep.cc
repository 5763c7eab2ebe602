// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-sweep: Monte Carlo sweeps of the DILEMMA objective and the simulated completion time
// over min Ω (the paper's Fig. 5) or CCS (Fig. 6).
//
//   edge-llm-sweep --sweep=omega --runs=10 --output-dir=sweep     # all cores
//   edge-llm-sweep --sweep=ccs --solvers=ilp,greedy --tokens=16 --output-dir=ccs
//   edge-llm-sweep ... --write-run-list        # runs.txt: one command per run (clusters)
//   edge-llm-sweep ... --run-index=7           # one run, into output-dir/part-run-7.csv
//   edge-llm-sweep ... --merge                 # merge output-dir/part-*.csv, summarize, plot
//   edge-llm-sweep ... --outputs-run=3 --pcap=run3 --flowmon-xml=run3.xml   # run 3's files
//
// Outputs in --output-dir: runs.csv (one row per run, solver and setting; byte-for-byte
// repeatable), timing.csv (wall times), summary.csv and summary.json (mean and Student-t 95 %
// interval per grid value, solver and setting), <sweep>-{objective,simulated,ratio}.png.

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

using namespace ns3;

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Usage("Monte Carlo sweep of the DILEMMA objective and the ns-3 completion time over "
              "min Omega or CCS (the paper's Figs. 5 and 6).");
    LlmProgramOptions options(cmd,
                              LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVERS
                                  | LlmProgramOptions::TRANSPORT | LlmProgramOptions::VARIANTS
                                  | LlmProgramOptions::OUTPUTS);
    std::string kind = "omega";
    std::string grid;
    std::string runs = "10";
    std::string jobs = std::to_string(std::clamp(std::thread::hardware_concurrency(), 1u, 1024u));
    std::string runIndex;
    std::string outputsRun;
    std::string outputDir = "edge-llm-sweep";
    std::string saveScenario;
    bool noSimulation = false;
    bool writeRunList = false;
    bool merge = false;
    bool quiet = false;
    EdgeLlmAddTextValue(cmd, "sweep", "omega (min link speed) or ccs (min CPU clock)", kind);
    EdgeLlmAddTextValue(cmd, "grid",
                 "Comma-separated grid values, bit/s or Hz (default: 1e6 ... 1e10 in half "
                 "decades for omega, 0.5e9 ... 8e9 for ccs)",
                 grid);
    EdgeLlmAddTextValue(cmd, "runs", "Monte Carlo runs per grid value, 1 ... 1e6 (run k: RngRun = k)", runs);
    cmd.AddValue("no-simulation", "Solve only (no ns-3 run)", noSimulation);
    EdgeLlmAddTextValue(cmd, "output-dir", "Folder for the results", outputDir);
    EdgeLlmAddTextValue(cmd, "jobs", "Processes at a time, 1 ... 1024 (default: the cores)", jobs);
    EdgeLlmAddTextValue(cmd, "run-index", "Run only this run index, into part-run-<k>.csv", runIndex);
    EdgeLlmAddTextValue(cmd, "save-scenario", "With --run-index: save the run's drawn scenario", saveScenario);
    EdgeLlmAddTextValue(cmd, "outputs-run",
                 "Write --pcap, --flowmon-xml, ... of this run index (first solver and setting)",
                 outputsRun);
    cmd.AddValue("write-run-list", "Write runs.txt, a command per run index", writeRunList);
    cmd.AddValue("merge", "Merge the part files of --output-dir, summarize and plot", merge);
    cmd.AddValue("quiet", "No progress on stderr", quiet);
    cmd.Parse(argc, argv);

    try
    {
        const std::string src = "command line";
        options.Read();
        LlmSweepConfig config;
        config.kind = LlmSweepConfig::KindFromString(kind);
        config.runs = static_cast<uint32_t>(LlmTextParse::Integer(src, "--runs", runs, 1, 1000000));
        config.grid = LlmSweepConfig::GridFromString(grid, config.kind);
        config.solvers = options.GetSolvers();
        config.solverOptions = options.GetSolverOptions();
        config.simulate = !noSimulation;
        config.settings = options.GetSettings();
        LlmProcessPool pool(LlmTextParse::Integer(src, "--jobs", jobs, 1, 1024));
        std::filesystem::create_directories(outputDir);
        auto report = [&]() {
            std::string note;
            const std::string text =
                LlmSweepReport::MergeAndSummarize(outputDir, config.kind, note);
            std::fprintf(stderr, "%s", quiet ? "" : note.c_str());
            std::printf("%s", text.c_str());
        };
        if (merge)
        {
            report();
            return 0;
        }
        LlmSweep sweep(options.BuildScenario(), config);
        const std::size_t total = sweep.GetNRuns();
        const LlmSimulationOutputs& o = options.GetOutputs();
        const std::string files = o.pcapPrefix + o.asciiFile + o.flowMonitorXml + o.netAnimXml;
        if (!outputsRun.empty() || !(files + o.tokenCsv + o.placementCsv).empty())
        {
            const std::string what = "the run index 0 ... " + std::to_string(total - 1)
                                     + " whose output files (--pcap, ...) to write";
            sweep.SetOutputs(
                LlmTextParse::Integer(src, "--outputs-run", outputsRun, 0, total - 1, what),
                o);
        }
        if (writeRunList)
        {
            LlmProcessPool::WriteRunList(outputDir + "/runs.txt", total, [&](std::size_t i) {
                LlmProcessPool::Command c{argv[0]};
                std::copy_if(argv + 1, argv + argc, std::back_inserter(c), [](std::string a) {
                    return a != "--write-run-list" && a.rfind("--write-run-list=", 0) != 0;
                });
                c.push_back("--run-index=" + std::to_string(i));
                return c;
            });
            std::printf("%zu run commands in %s/runs.txt\n", total, outputDir.c_str());
            return 0;
        }
        if (!saveScenario.empty() && runIndex.empty())
        {
            throw LlmInputError(src, "--save-scenario", "needs --run-index=k");
        }
        if (!runIndex.empty())
        {
            const std::size_t i = LlmTextParse::Integer(src, "--run-index", runIndex, 0, total - 1);
            if (!saveScenario.empty())
            {
                sweep.DrawScenario(i).Save(saveScenario);
                std::printf("run index %zu: scenario written to %s\n", i, saveScenario.c_str());
                return 0;
            }
            LlmSweepReport::WritePart(outputDir, i, sweep.Run(i));
            return 0;
        }

        // Fresh sweep: a process per run index (one simulator per process), then merge.
        LlmSweepReport::ClearParts(outputDir);
        const auto start = std::chrono::steady_clock::now();
        pool.SetProgressCallback(quiet ? nullptr : LlmProcessPool::PrintProgress("runs"));
        const auto failures = pool.Run(total, [&](std::size_t i) {
            LlmProcessPool::Command c(argv, argv + argc);
            c.push_back("--run-index=" + std::to_string(i));
            c.push_back("--quiet=1");
            return c;
        });
        if (!failures.empty())
        {
            const LlmProcessPool::Failure& f = failures.front();
            std::cerr << "edge-llm-sweep: " << failures.size() << " run(s) failed, first index "
                      << f.index << " (" << f.reason << "; rerun it with --run-index=" << f.index
                      << " to see why)" << std::endl;
            return 1;
        }
        report();
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("Wall time %.1f s with %zu parallel job(s), %.2f s per run\n",
                    wall,
                    std::min<std::size_t>(pool.GetJobs(), total),
                    wall / total);
        return 0;
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-sweep: " << e.what() << std::endl;
        return 1;
    }
}

// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-sweep: Monte Carlo sweeps of the DILEMMA objective and the simulated completion time
// over min Ω (the paper's Fig. 5), CCS (Fig. 6), the servers' failure rate, or the number of
// LLMs sharing the servers.
//
//   edge-llm-sweep --sweep=omega --runs=10 --output-dir=sweep     # all cores
//   edge-llm-sweep --sweep=ccs --solvers=ilp,greedy --tokens=16 --output-dir=ccs
//   edge-llm-sweep --sweep=failures --grid=0,1,2,4 --solvers=ilp --output-dir=fail
//   edge-llm-sweep --sweep=models --grid=1,2,4 --tokens=16 --output-dir=models
//   edge-llm-sweep ... --write-run-list        # runs.txt: one command per run (clusters)
//   edge-llm-sweep ... --run-index=7           # one run, into output-dir/part-run-7.csv
//   edge-llm-sweep ... --merge                 # merge output-dir/part-*.csv, summarize, plot
//
// A rerun of the same command resumes: the part files of this sweep are kept and only the
// missing run indices run (part files of another sweep are removed). SIGINT or SIGTERM stops
// the workers, keeps the finished part files and exits with 130 or 143.
//   edge-llm-sweep ... --outputs-run=3 --pcap=run3 --flowmon-xml=run3.xml   # run 3's files
//
// Outputs in --output-dir: runs.csv (one row per run, solver and setting; byte-for-byte
// repeatable), timing.csv (wall times), summary.csv and summary.json (mean and Student-t 95 %
// interval per grid value, solver and setting), <sweep>-{objective,simulated,ratio}.png.
// A failures sweep adds replans and replay_s per run (their means in the summary) and
// failures-tokens.png (tokens failed, re-plans); a models sweep reports the joint objective J and
// the last model's simulated completion.

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
              "min Omega or CCS (the paper's Figs. 5 and 6), the servers' failure rate, or the "
              "number of LLMs sharing the servers.");
    LlmProgramOptions options(cmd,
                              LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVERS
                                  | LlmProgramOptions::TRANSPORT | LlmProgramOptions::VARIANTS
                                  | LlmProgramOptions::OUTPUTS);
    std::string kind = "omega";
    std::string objective = "max";
    std::string grid;
    std::string runs = "10";
    std::string jobs = std::to_string(std::clamp(std::thread::hardware_concurrency(), 1u, 1024u));
    std::string runIndex;
    std::string outputsRun;
    std::string outputDir = "edge-llm-sweep";
    std::string saveScenario;
    bool noSimulation = false;
    bool simulateBaselines = false;
    bool writeRunList = false;
    bool merge = false;
    bool allowMissing = false;
    bool quiet = false;
    EdgeLlmAddTextValue(cmd,
                        "sweep",
                        "omega (min link speed), ccs (min CPU clock), failures (failure rate per "
                        "server-hour; a failed server stays down) or models (LLMs sharing the "
                        "servers, placed jointly)",
                        kind);
    EdgeLlmAddTextValue(
        cmd,
        "grid",
        "Comma-separated grid values: bit/s, Hz, failures per server-hour or "
        "numbers of models (default: 1e6 ... 1e10 in half decades for omega, "
        "0.5e9 ... 8e9 for ccs, 0,0.05,0.1,0.2,0.4 for failures, 1,2,4,8 for models)",
        grid);
    EdgeLlmAddTextValue(cmd,
                        "objective",
                        "With --sweep=models: what the joint placement minimizes, max (the "
                        "slowest model) or sum",
                        objective);
    EdgeLlmAddTextValue(cmd,
                        "runs",
                        "Monte Carlo runs per grid value, 1 ... 1e6 (run k: RngRun = k)",
                        runs);
    cmd.AddValue("no-simulation", "Solve only (no ns-3 run)", noSimulation);
    cmd.AddValue("simulate-baselines",
                 "Simulate every solver's plan, not only the first solver's",
                 simulateBaselines);
    EdgeLlmAddTextValue(cmd, "output-dir", "Folder for the results", outputDir);
    EdgeLlmAddTextValue(cmd, "jobs", "Processes at a time, 1 ... 1024 (default: the cores)", jobs);
    EdgeLlmAddTextValue(cmd,
                        "run-index",
                        "Run only this run index, into part-run-<k>.csv",
                        runIndex);
    EdgeLlmAddTextValue(cmd,
                        "save-scenario",
                        "With --run-index: save the run's drawn scenario",
                        saveScenario);
    EdgeLlmAddTextValue(
        cmd,
        "outputs-run",
        "Write --pcap, --flowmon-xml, ... of this run index (first solver and setting)",
        outputsRun);
    cmd.AddValue("write-run-list", "Write runs.txt, a command per run index", writeRunList);
    cmd.AddValue("merge", "Merge the part files of --output-dir, summarize and plot", merge);
    cmd.AddValue("allow-missing",
                 "With --merge: summarize the runs that have a part file when others have none",
                 allowMissing);
    cmd.AddValue("quiet", "No progress on stderr", quiet);

    try
    {
        const std::string src = "command line";
        options.Parse(argc, argv);
        if (allowMissing && !merge)
        {
            throw LlmInputError(src, "--allow-missing", "only with --merge");
        }
        LlmSweepConfig config;
        config.kind = LlmSweepConfig::KindFromString(kind);
        config.runs = static_cast<uint32_t>(LlmTextParse::Integer(src, "--runs", runs, 1, 1000000));
        config.grid = LlmSweepConfig::GridFromString(grid, config.kind);
        config.solvers = options.HasSolvers() ? options.GetSolvers()
                                              : LlmSweepConfig::DefaultSolvers(config.kind);
        if (objective != "max" && objective != "sum")
        {
            throw LlmInputError(src,
                                "--objective",
                                "expected max or sum, got \"" + objective + "\"");
        }
        if (objective != "max" && config.kind != LlmSweepConfig::MODELS)
        {
            throw LlmInputError(src, "--objective", "only with --sweep=models");
        }
        config.jointObjective =
            objective == "max" ? LlmJointObjective::MAX : LlmJointObjective::SUM;
        config.solverOptions = options.GetSolverOptions();
        config.simulate = !noSimulation;
        config.simulateBaselines = simulateBaselines;
        config.settings = options.GetSettings();
        const auto nJobs = LlmTextParse::Integer(src, "--jobs", jobs, 1, 1024);
        LlmSweepRunner runner(LlmSweep(options.BuildScenario(), config), outputDir, nJobs, quiet);
        runner.PrepareOutputDir(!merge);
        if (merge)
        {
            return runner.Merge(
                allowMissing); // merge, summarize, plot; exit code 2 when no run has a plan
        }
        runner.SetOutputsRun(outputsRun, options.GetOutputs());
        const LlmProcessPool::Command self(argv, argv + argc);
        if (writeRunList)
        {
            return runner.WriteRunList(self);
        }
        if (!runIndex.empty() || !saveScenario.empty())
        {
            return runner.RunOne(runIndex, saveScenario);
        }
        return runner.RunAll(self); // the missing run indices in worker processes, then merge
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-sweep: " << e.what() << std::endl;
        return 1;
    }
    catch (const std::filesystem::filesystem_error& e)
    {
        std::cerr << "edge-llm-sweep: " << (e.path1().empty() ? outputDir : e.path1().string())
                  << ": " << e.code().message() << std::endl;
        return 1;
    }
    catch (const std::exception& e)
    {
        std::cerr << "edge-llm-sweep: " << e.what() << std::endl;
        return 1;
    }
}

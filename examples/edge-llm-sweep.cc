// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-sweep: Monte Carlo sweeps of the DILEMMA objective and the simulated completion time
// over min Ω (the paper's Fig. 5) or CCS (Fig. 6).
//
//   edge-llm-sweep --sweep=omega --runs=10 --output-dir=sweep     # all cores
//   edge-llm-sweep --sweep=ccs --solvers=ilp,greedy --tokens=16 --output-dir=ccs
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

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace ns3;

namespace
{

/**
 * Check --output-dir: a folder this process can write, created if asked to.
 * @param dir the folder
 * @param create create it (and its parents) if it does not exist
 * @throws LlmInputError naming --output-dir otherwise
 */
void
PrepareOutputDir(const std::string& dir, bool create)
{
    const std::string src = "command line";
    const std::string quoted = "\"" + dir + "\"";
    if (dir.empty())
    {
        throw LlmInputError(src, "--output-dir", "expected a folder, got \"\"");
    }
    std::error_code error;
    const auto status = std::filesystem::status(dir, error);
    if (std::filesystem::exists(status) && !std::filesystem::is_directory(status))
    {
        throw LlmInputError(src, "--output-dir", "expected a folder, " + quoted + " is a file");
    }
    if (!std::filesystem::exists(status))
    {
        if (!create)
        {
            throw LlmInputError(src,
                                "--output-dir",
                                "expected the folder of the sweep's part files, " + quoted
                                    + " does not exist");
        }
        error.clear();
        std::filesystem::create_directories(dir, error);
        if (error)
        {
            throw LlmInputError(src,
                                "--output-dir",
                                "expected a folder that can be created, " + quoted + ": "
                                    + error.message());
        }
    }
    if (access(dir.c_str(), W_OK | X_OK) != 0)
    {
        throw LlmInputError(src,
                            "--output-dir",
                            "expected a folder this user can write, " + quoted + " is not");
    }
}

} // namespace

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
    EdgeLlmAddTextValue(cmd,
                        "grid",
                        "Comma-separated grid values, bit/s or Hz (default: 1e6 ... 1e10 in half "
                        "decades for omega, 0.5e9 ... 8e9 for ccs)",
                        grid);
    EdgeLlmAddTextValue(cmd,
                        "runs",
                        "Monte Carlo runs per grid value, 1 ... 1e6 (run k: RngRun = k)",
                        runs);
    cmd.AddValue("no-simulation", "Solve only (no ns-3 run)", noSimulation);
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
    cmd.AddValue("quiet", "No progress on stderr", quiet);

    try
    {
        const std::string src = "command line";
        options.Parse(argc, argv);
        LlmSweepConfig config;
        config.kind = LlmSweepConfig::KindFromString(kind);
        config.runs = static_cast<uint32_t>(LlmTextParse::Integer(src, "--runs", runs, 1, 1000000));
        config.grid = LlmSweepConfig::GridFromString(grid, config.kind);
        config.solvers = options.GetSolvers();
        config.solverOptions = options.GetSolverOptions();
        config.simulate = !noSimulation;
        config.settings = options.GetSettings();
        LlmProcessPool pool(LlmTextParse::Integer(src, "--jobs", jobs, 1, 1024));
        LlmSweep sweep(options.BuildScenario(), config);
        const std::size_t total = sweep.GetNRuns();
        const std::string identity = sweep.Describe();
        PrepareOutputDir(outputDir, !merge);

        // Merge, summarize, plot; warn about failed tokens and missing plans. Exit code 2
        // when no run has a plan.
        auto report = [&]() {
            const std::vector<LlmSweepRow> rows = LlmSweepReport::Merge(outputDir, identity);
            const std::vector<LlmSweepSummary> summary = LlmSweepReport::Summarize(rows);
            const std::string note = LlmSweepReport::WriteSummary(outputDir, summary, config.kind);
            std::fprintf(stderr, "%s", quiet ? "" : note.c_str());
            std::printf("%s\n%zu rows in %s/runs.csv; summary.csv, summary.json and PNG figures "
                        "beside it\n",
                        LlmSweepReport::ToText(summary).c_str(),
                        rows.size(),
                        outputDir.c_str());
            std::fflush(stdout);
            std::istringstream warnings(LlmSweepReport::Warnings(rows));
            for (std::string line; std::getline(warnings, line);)
            {
                std::cerr << "edge-llm-sweep: " << line << std::endl;
            }
            if (!LlmSweepReport::AnyPlan(rows))
            {
                std::cerr << "edge-llm-sweep: no run has a plan (reasons above)" << std::endl;
                return 2;
            }
            return 0;
        };
        if (merge)
        {
            const LlmSweepPartScan scan = LlmSweepReport::ScanParts(outputDir, sweep);
            const std::vector<std::size_t> missing = scan.Missing();
            if (!missing.empty() && scan.foreign.empty() && scan.CountDone() > 0)
            {
                std::cerr << "edge-llm-sweep: warning: " << outputDir << ": " << missing.size()
                          << " of " << total << " runs have no part file (first run index "
                          << missing.front() << "); the summary covers the others" << std::endl;
            }
            return report();
        }
        const LlmSimulationOutputs& o = options.GetOutputs();
        const std::string files = o.pcapPrefix + o.asciiFile + o.flowMonitorXml + o.netAnimXml;
        std::optional<std::size_t> filesRun; // the run index that writes the output files
        if (!outputsRun.empty() || !(files + o.tokenCsv + o.placementCsv).empty())
        {
            const std::string what = "the run index 0 ... " + std::to_string(total - 1)
                                     + " whose output files (--pcap, ...) to write";
            filesRun = LlmTextParse::Integer(src, "--outputs-run", outputsRun, 0, total - 1, what);
            sweep.SetOutputs(*filesRun, o);
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
            LlmSweepReport::WritePart(outputDir, i, sweep.Run(i), identity);
            return 0;
        }

        // The sweep: keep the whole part files of this sweep (a rerun resumes), remove those
        // of another one, run each missing index in a process of its own, then merge.
        LlmSweepPartScan scan = LlmSweepReport::ScanParts(outputDir, sweep);
        if (filesRun)
        {
            scan.done[*filesRun] = false; // run again: its output files are asked for
        }
        if (!scan.foreign.empty())
        {
            std::cerr << "edge-llm-sweep: " << outputDir << ": removing " << scan.foreign.size()
                      << " part file(s) of another sweep (" << scan.difference << ")" << std::endl;
        }
        LlmSweepReport::RemoveParts(scan.foreign);
        LlmSweepReport::RemoveParts(scan.incomplete);
        LlmSweepReport::RemoveParts(scan.leftovers);
        const std::vector<std::size_t> missing = scan.Missing();
        if (missing.size() < total)
        {
            std::cerr << "edge-llm-sweep: " << outputDir << ": resuming, " << total - missing.size()
                      << " of " << total << " runs already done, " << missing.size() << " to run"
                      << std::endl;
        }
        const auto start = std::chrono::steady_clock::now();
        pool.SetProgressCallback(quiet ? nullptr : LlmProcessPool::PrintProgress("runs"));
        LlmProcessPool::CatchStopSignals();
        const auto failures = pool.Run(missing.size(), [&](std::size_t k) {
            LlmProcessPool::Command c(argv, argv + argc);
            c.push_back("--run-index=" + std::to_string(missing[k]));
            c.push_back("--quiet=1");
            return c;
        });
        const int stop = LlmProcessPool::GetStopSignal();
        LlmProcessPool::ReleaseStopSignals(); // a second Ctrl-C ends the merge at once
        if (stop != 0)
        {
            const std::size_t done = LlmSweepReport::ScanParts(outputDir, sweep).CountDone();
            std::cerr << "edge-llm-sweep: stopped by " << (stop == SIGINT ? "SIGINT" : "SIGTERM")
                      << ": " << done << " of " << total << " runs finished, their part files "
                      << "kept in " << outputDir << "; run the same command again to run the "
                      << total - done << " missing" << std::endl;
            return 128 + stop;
        }
        if (!failures.empty())
        {
            const std::size_t first = missing[failures.front().index];
            std::cerr << "edge-llm-sweep: " << failures.size() << " run(s) failed, first index "
                      << first << " (" << failures.front().reason
                      << "; rerun it with --run-index=" << first
                      << " to see why; the same command again runs the failed ones)" << std::endl;
            return 1;
        }
        const int code = report();
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!missing.empty())
        {
            std::printf("Wall time %.1f s with %zu parallel job(s), %.2f s per run\n",
                        wall,
                        std::min<std::size_t>(pool.GetJobs(), missing.size()),
                        wall / missing.size());
        }
        return code;
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

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
// Outputs in --output-dir: runs.csv (one row per run and solver; byte-for-byte repeatable),
// timing.csv (solver wall times), summary.csv and summary.json (mean and Student-t 95 %
// interval per grid value and solver), <sweep>-objective.png and <sweep>-simulated.png.

#include "ns3/command-line.h"
#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <tuple>
#include <unistd.h>

extern char** environ;

using namespace ns3;

namespace
{

std::vector<std::string>
Split(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (!item.empty())
        {
            out.push_back(item);
        }
    }
    return out;
}

/// Run the given indices in this process, appending rows to part and timing files.
void
RunIndices(const LlmSweep& sweep,
           const std::vector<std::size_t>& indices,
           const std::string& part,
           const std::string& timing)
{
    std::ofstream rows(part);
    std::ofstream times(timing);
    for (std::size_t i : indices)
    {
        for (const LlmSweepRow& r : sweep.Run(i))
        {
            rows << LlmSweep::ToCsv(r) << "\n" << std::flush;
            times << r.gridValue << "," << r.run << "," << r.solver << "," << r.setting << ","
                  << r.solveSeconds << "," << r.simulateSeconds << "\n";
        }
    }
}

/// Merge part files into runs.csv and timing.csv, summarize and plot.
void
Merge(const std::string& dir, LlmSweepConfig::Kind kind, bool quiet)
{
    std::vector<std::string> parts;
    std::vector<std::string> timings;
    for (const auto& e : std::filesystem::directory_iterator(dir))
    {
        const std::string f = e.path().filename().string();
        if (f.rfind("part-", 0) == 0 && e.path().extension() == ".csv")
        {
            parts.push_back(e.path().string());
        }
        if (f.rfind("timing-", 0) == 0)
        {
            timings.push_back(e.path().string());
        }
    }
    if (parts.empty())
    {
        throw LlmInputError(dir, "", "no part-*.csv files to merge");
    }
    const std::vector<LlmSweepRow> rows = LlmSweep::ReadCsv(parts);
    std::ofstream runs(dir + "/runs.csv");
    runs << LlmSweep::CsvHeader() << "\n";
    for (const LlmSweepRow& r : rows)
    {
        runs << LlmSweep::ToCsv(r) << "\n";
    }
    std::ofstream timing(dir + "/timing.csv");
    timing << "grid_value,run,solver,setting,solve_s,simulate_s\n";
    for (const std::string& t : timings)
    {
        timing << std::ifstream(t).rdbuf();
    }
    const auto summary = LlmSweep::Summarize(rows);
    const std::string note = LlmSweep::WriteSummary(dir, summary, kind);
    if (!quiet)
    {
        std::fprintf(stderr, "%s", note.c_str());
    }
    std::printf("%-12s %-12s %-12s %5s %14s %12s %14s %12s\n",
                "grid value",
                "solver",
                "setting",
                "runs",
                "T mean s",
                "T ci95 s",
                "sim mean s",
                "sim ci95 s");
    for (const LlmSweepSummary& s : summary)
    {
        std::printf("%-12.4g %-12s %-12s %5u %14.6g %12.4g %14.6g %12.4g\n",
                    s.gridValue,
                    s.solver.c_str(),
                    s.setting.c_str(),
                    s.runs,
                    s.objectiveMean,
                    s.objectiveCi95,
                    s.simulatedMean,
                    s.simulatedCi95);
    }
    std::printf("\n%zu rows in %s/runs.csv; summary.csv, summary.json and PNG figures beside "
                "it\n",
                rows.size(),
                dir.c_str());
}

} // namespace

int
main(int argc, char* argv[])
{
    LlmScenarioOptions options;
    LlmSweepConfig config;
    LlmTransportSetting base;
    std::string d2dDelay;
    std::string wanDelay;
    std::string variants;
    std::string sweepKind = "omega";
    std::string grid;
    std::string solvers = "ilp";
    std::string outputDir = "edge-llm-sweep";
    uint32_t jobs = std::max(1u, std::thread::hardware_concurrency());
    int64_t runIndex = -1;
    bool writeRunList = false;
    bool merge = false;
    bool quiet = false;
    bool noSimulation = false;
    std::string saveScenario;
    CommandLine cmd(__FILE__);
    cmd.Usage("Monte Carlo sweep of the DILEMMA objective and the ns-3 completion time over "
              "min Omega or CCS (the paper's Figs. 5 and 6).");
    options.AddToCommandLine(cmd);
    cmd.AddValue("sweep", "omega (min link speed) or ccs (min CPU clock)", sweepKind);
    cmd.AddValue("grid",
                 "Comma-separated grid values (bit/s for omega, Hz for ccs); default: 1e6 ... "
                 "1e10 bit/s in half decades, or 0.5e9 ... 8e9 Hz",
                 grid);
    cmd.AddValue("runs", "Monte Carlo runs per grid value (run k uses RngRun = k)", config.runs);
    cmd.AddValue("solvers", "Comma-separated solvers (ilp, greedy, uniform-bits, ...)", solvers);
    cmd.AddValue("time-limit",
                 "Solver time limit per run, s",
                 config.solverOptions.timeLimitSeconds);
    cmd.AddValue("gap",
                 "Relative gap at which the ILP may stop (0: proven optimal; the CSV records "
                 "each plan's proven gap)",
                 config.solverOptions.relativeGap);
    cmd.AddValue("transport", "tcp or udp", base.transport);
    cmd.AddValue("mtu", "Link MTU, bytes (1500, or 9000 jumbo)", base.mtu);
    cmd.AddValue("ideal", "Ideal links: no propagation delay", base.ideal);
    cmd.AddValue("loss", "Packet error rate on every link (RateErrorModel)", base.lossRate);
    cmd.AddValue("congestion-control",
                 "TCP variant, e.g. TcpNewReno, TcpCubic (default: ns-3's)",
                 base.congestionControl);
    cmd.AddValue("queue", "Device transmit queue size, e.g. 100p or 1MB", base.queueSize);
    cmd.AddValue("socket-buffer",
                 "TCP send and receive buffer, bytes (0: ns-3's default, 131072)",
                 base.socketBuffer);
    cmd.AddValue("d2d-delay",
                 "Propagation delay of every edge-edge link, s (default: the "
                 "scenario's)",
                 d2dDelay);
    cmd.AddValue("wan-delay",
                 "Propagation delay of every cloud link, s (default: the "
                 "scenario's)",
                 wanDelay);
    cmd.AddValue("d2d", "D2D medium: p2p, wifi-ac or wifi-ax (ad hoc, shared)", base.d2d);
    cmd.AddValue("all-links",
                 "Build every link of the scenario, not only those the plan uses (same times "
                 "on point-to-point links, slower)",
                 base.allLinks);
    cmd.AddValue("name", "Curve name of the setting the options above define", base.name);
    cmd.AddValue("variants",
                 "More settings, each its own curve: \"name:key=value,...;name2:...\" with keys "
                 "transport, mtu, ideal, loss, cc, queue, buffer, d2d-delay, wan-delay, d2d, "
                 "all-links (the rest as above), e.g. \"jumbo:mtu=9000;lossy:loss=1e-4\"",
                 variants);
    cmd.AddValue("no-simulation", "Solve only (no ns-3 run)", noSimulation);
    cmd.AddValue("output-dir", "Folder for the results", outputDir);
    cmd.AddValue("jobs", "Worker processes", jobs);
    cmd.AddValue("run-index", "Run only this run index, into part-run-<k>.csv", runIndex);
    cmd.AddValue("save-scenario",
                 "With --run-index: write the scenario that run draws to this JSON file and exit "
                 "(for edge-llm-plan / edge-llm-simulate --scenario=)",
                 saveScenario);
    cmd.AddValue("write-run-list",
                 "Write runs.txt, one command per run index, and exit",
                 writeRunList);
    cmd.AddValue("merge", "Merge the part files of --output-dir, summarize and plot", merge);
    cmd.AddValue("quiet", "No progress on stderr", quiet);
    cmd.Parse(argc, argv);

    try
    {
        if (sweepKind != "omega" && sweepKind != "ccs")
        {
            throw LlmInputError("command line",
                                "--sweep",
                                "expected omega or ccs, got \"" + sweepKind + "\"");
        }
        if (jobs == 0)
        {
            throw LlmInputError("command line", "--jobs", "expected at least 1");
        }
        if (!(config.solverOptions.relativeGap >= 0 && config.solverOptions.relativeGap < 1))
        {
            throw LlmInputError("command line", "--gap", "expected 0 <= gap < 1");
        }
        for (const auto& [text, flag, target] :
             {std::tuple<const std::string&, const char*, std::optional<double>*>{
                  d2dDelay,
                  "--d2d-delay",
                  &base.d2dDelaySeconds},
              std::tuple<const std::string&, const char*, std::optional<double>*>{
                  wanDelay,
                  "--wan-delay",
                  &base.wanDelaySeconds}})
        {
            if (text.empty())
            {
                continue;
            }
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (*end != '\0' || !(v >= 0 && v <= 10))
            {
                throw LlmInputError("command line",
                                    flag,
                                    "expected a delay of 0 ... 10 s, got \"" + text + "\"");
            }
            *target = v;
        }
        base.Validate("command line setting");
        config.settings = {base};
        std::stringstream vs(variants);
        std::string spec;
        while (std::getline(vs, spec, ';'))
        {
            if (!spec.empty())
            {
                config.settings.push_back(LlmTransportSetting::Parse(spec, base));
            }
        }
        config.kind = sweepKind == "omega" ? LlmSweepConfig::OMEGA : LlmSweepConfig::CCS;
        config.simulate = !noSimulation;
        config.solvers = Split(solvers);
        for (const std::string& g : Split(grid))
        {
            char* end = nullptr;
            const double v = std::strtod(g.c_str(), &end);
            if (*end != '\0' || !(v > 0))
            {
                throw LlmInputError("command line",
                                    "--grid",
                                    "expected positive numbers, got \"" + g + "\"");
            }
            config.grid.push_back(v);
        }
        if (config.grid.empty())
        {
            if (config.kind == LlmSweepConfig::OMEGA)
            {
                for (int k = 0; k <= 8; ++k)
                {
                    config.grid.push_back(std::round(1e6 * std::pow(10.0, k / 2.0)));
                }
            }
            else
            {
                config.grid = {0.5e9, 1e9, 2e9, 4e9, 8e9};
            }
        }
        std::filesystem::create_directories(outputDir);
        if (merge)
        {
            Merge(outputDir, config.kind, quiet);
            return 0;
        }
        const LlmSweep sweep(options.Build(), config);
        const std::size_t total = sweep.GetNRuns();
        if (writeRunList)
        {
            std::ofstream list(outputDir + "/runs.txt");
            for (std::size_t i = 0; i < total; ++i)
            {
                list << argv[0];
                for (int a = 1; a < argc; ++a)
                {
                    if (std::string(argv[a]) != "--write-run-list")
                    {
                        list << " '" << argv[a] << "'";
                    }
                }
                list << " --run-index=" << i << "\n";
            }
            std::printf("%zu run commands in %s/runs.txt\n", total, outputDir.c_str());
            return 0;
        }
        if (!saveScenario.empty() && runIndex < 0)
        {
            throw LlmInputError("command line", "--save-scenario", "needs --run-index=k");
        }
        if (runIndex >= 0)
        {
            std::vector<std::size_t> indices;
            std::string tag;
            {
                if (static_cast<std::size_t>(runIndex) >= total)
                {
                    throw LlmInputError("command line",
                                        "--run-index",
                                        "expected 0 ... " + std::to_string(total - 1));
                }
                if (!saveScenario.empty())
                {
                    sweep.DrawScenario(static_cast<std::size_t>(runIndex)).Save(saveScenario);
                    std::printf("run index %lld: scenario written to %s\n",
                                static_cast<long long>(runIndex),
                                saveScenario.c_str());
                    return 0;
                }
                indices.push_back(static_cast<std::size_t>(runIndex));
                tag = "run-" + std::to_string(runIndex);
            }
            RunIndices(sweep,
                       indices,
                       outputDir + "/part-" + tag + ".csv",
                       outputDir + "/timing-" + tag + ".txt");
            return 0;
        }

        // Fresh sweep: clear old parts, start the workers, report progress, merge.
        for (const auto& e : std::filesystem::directory_iterator(outputDir))
        {
            const std::string f = e.path().filename().string();
            if (f.rfind("part-", 0) == 0 || f.rfind("timing-", 0) == 0)
            {
                std::filesystem::remove(e.path());
            }
        }
        // One process per run (ns-3 has one simulator per process), at most --jobs at a time,
        // each started as soon as a slot frees: runs differ a lot in length (the ILP), so a
        // fixed split among workers would leave one core idle at the end.
        const auto start = std::chrono::steady_clock::now();
        const uint32_t n = static_cast<uint32_t>(std::min<std::size_t>(jobs, total));
        std::map<pid_t, std::size_t> running;
        std::vector<std::size_t> failed;
        std::size_t next = 0;
        std::size_t done = 0;
        auto lastReport = start - std::chrono::seconds(1);
        while (next < total || !running.empty())
        {
            while (running.size() < n && next < total)
            {
                std::vector<std::string> args(argv, argv + argc);
                args.push_back("--run-index=" + std::to_string(next));
                args.push_back("--quiet=1");
                std::vector<char*> cargs;
                for (auto& a : args)
                {
                    cargs.push_back(a.data());
                }
                cargs.push_back(nullptr);
                pid_t pid = 0;
                if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, cargs.data(), environ)
                    != 0)
                {
                    throw LlmInputError("edge-llm-sweep", "--jobs", "cannot start a run process");
                }
                running[pid] = next++;
            }
            int status = 0;
            const pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid > 0 && running.count(pid))
            {
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                {
                    failed.push_back(running[pid]);
                }
                running.erase(pid);
                ++done;
                continue;
            }
            const auto now = std::chrono::steady_clock::now();
            if (!quiet && now - lastReport >= std::chrono::milliseconds(500))
            {
                lastReport = now;
                const double elapsed = std::chrono::duration<double>(now - start).count();
                const double eta = done ? elapsed * (total - done) / done : 0.0;
                std::fprintf(stderr,
                             "\r%zu / %zu runs done, %.0f s elapsed, ETA %.0f s   ",
                             done,
                             total,
                             elapsed,
                             eta);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (!quiet)
        {
            std::fprintf(stderr, "\r%zu / %zu runs done\n", done, total);
        }
        if (!failed.empty())
        {
            std::sort(failed.begin(), failed.end());
            std::cerr << "edge-llm-sweep: " << failed.size() << " run(s) failed, first index "
                      << failed.front() << " (rerun it with --run-index=" << failed.front()
                      << " to see why)" << std::endl;
            return 1;
        }
        Merge(outputDir, config.kind, quiet);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("Wall time %.1f s with %u parallel job(s), %.2f s per run\n",
                    wall,
                    n,
                    wall / total);
        return 0;
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-sweep: " << e.what() << std::endl;
        return 1;
    }
}

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

using namespace ns3;

namespace
{

/// A small scenario for sweeps: 4 layers on 5 servers, 4 tokens.
LlmScenario
SmallScenario()
{
    LlmRandomScenario r;
    r.layers = 4;
    r.servers = 5;
    r.tokens = 4;
    r.batch = 16;
    return r.Draw(21, 1);
}

/**
 * @ingroup edge-llm-tests
 * A small sweep over Ω and over CCS: T falls with both, the simulation never beats the compute
 * bound, outputs are written and parse, and the same seeds give the same CSV byte for byte.
 */
class LlmSweepTestCase : public TestCase
{
  public:
    LlmSweepTestCase()
        : TestCase("Small Omega and CCS sweeps: trends, bounds, outputs, repeatability")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-sweep");
        std::filesystem::create_directories(dir);
        {
            // By default: the ILP and the four baselines, only the ILP simulated.
            LlmSweepConfig d;
            d.grid = {1e7};
            d.runs = 1;
            NS_TEST_ASSERT_MSG_EQ(d.solvers.size(), 5, "ilp and four baselines");
            const LlmSweep sweep(SmallScenario(), d);
            NS_TEST_ASSERT_MSG_EQ(sweep.GetRowsPerRun(), 5, "one simulated setting + 4 solved");
            const auto rows = sweep.Run(0);
            NS_TEST_ASSERT_MSG_EQ(rows.size(), 5, "a row per solver");
            NS_TEST_EXPECT_MSG_EQ(rows[0].setting, "tcp", "the ilp simulated");
            for (std::size_t k = 1; k < rows.size(); ++k)
            {
                NS_TEST_EXPECT_MSG_EQ(rows[k].setting, "-", rows[k].solver << " solved only");
            }
        }
        for (auto kind : {LlmSweepConfig::OMEGA, LlmSweepConfig::CCS})
        {
            LlmSweepConfig c;
            c.kind = kind;
            c.grid = kind == LlmSweepConfig::OMEGA ? std::vector<double>{1e6, 1e7, 1e8}
                                                   : std::vector<double>{1e9, 2e9, 4e9};
            c.runs = 2;
            c.solvers = {"ilp", "greedy"};
            c.simulateBaselines = true; // both simulated
            LlmSweep sweep(SmallScenario(), c);
            NS_TEST_ASSERT_MSG_EQ(sweep.GetNRuns(), 6, "3 grid values x 2 runs");
            // --outputs-run: run index 4 writes its token CSV (first solver, first setting).
            LlmSimulationOutputs outputs;
            outputs.tokenCsv = dir + "/tokens-4.csv";
            sweep.SetOutputs(4, outputs);
            std::vector<LlmSweepRow> rows;
            std::string csv;
            for (std::size_t i = 0; i < sweep.GetNRuns(); ++i)
            {
                for (const LlmSweepRow& r : sweep.Run(i))
                {
                    rows.push_back(r);
                    csv += LlmSweepReport::ToCsv(r) + "\n";
                    NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, 4, "every token completes");
                    NS_TEST_ASSERT_MSG_GT_OR_EQ(r.simulated,
                                                r.computeBound * (1 - 1e-9),
                                                "never below the transfer-free bound");
                }
            }
            // Repeatable: the same runs again give the same bytes.
            std::string again;
            for (std::size_t i = 0; i < sweep.GetNRuns(); ++i)
            {
                for (const LlmSweepRow& r : sweep.Run(i))
                {
                    again += LlmSweepReport::ToCsv(r) + "\n";
                }
            }
            NS_TEST_ASSERT_MSG_EQ(again, csv, "same seed, same CSV");
            NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(outputs.tokenCsv),
                                  true,
                                  "the output files of the chosen run index");
            std::filesystem::remove(outputs.tokenCsv);

            // T falls as the grid value grows, run by run (common random numbers).
            for (const LlmSweepRow& a : rows)
            {
                for (const LlmSweepRow& b : rows)
                {
                    if (a.solver == "ilp" && b.solver == "ilp" && a.run == b.run
                        && a.gridValue < b.gridValue)
                    {
                        NS_TEST_ASSERT_MSG_GT(a.objective, b.objective, "T falls with the grid");
                    }
                }
            }
            // Outputs exist and parse.
            const std::string part = dir + "/part.csv";
            std::ofstream(part) << LlmSweepReport::CsvHeader() << "\n" << csv;
            const auto read = LlmSweepReport::ReadCsv({part});
            NS_TEST_ASSERT_MSG_EQ(read.size(), rows.size(), "CSV read back");
            std::filesystem::remove(part);

            // Part files, one per run index in any order, merge into the sorted runs.csv.
            LlmSweepReport::ClearParts(dir);
            for (std::size_t i = sweep.GetNRuns(); i-- > 0;)
            {
                std::vector<LlmSweepRow> part;
                for (const LlmSweepRow& r : rows)
                {
                    if (r.gridValue == c.grid[i / c.runs] && r.run == i % c.runs + 1)
                    {
                        part.push_back(r);
                    }
                }
                LlmSweepReport::WritePart(dir, i, part);
            }
            const auto merged = LlmSweepReport::Merge(dir);
            std::string expected = LlmSweepReport::CsvHeader() + "\n";
            for (const LlmSweepRow& r : read)
            {
                expected += LlmSweepReport::ToCsv(r) + "\n";
            }
            std::ifstream runsCsv(dir + "/runs.csv");
            const std::string runsText((std::istreambuf_iterator<char>(runsCsv)),
                                       std::istreambuf_iterator<char>());
            NS_TEST_ASSERT_MSG_EQ(merged.size(), rows.size(), "merged rows");
            NS_TEST_ASSERT_MSG_EQ(runsText, expected, "runs.csv: header, rows sorted");
            std::ifstream timingCsv(dir + "/timing.csv");
            std::size_t timingLines = 0;
            for (std::string line; std::getline(timingCsv, line);)
            {
                ++timingLines;
            }
            NS_TEST_ASSERT_MSG_EQ(timingLines, rows.size() + 1, "timing.csv: header, a line a row");
            const auto summary = LlmSweepReport::Summarize(read);
            NS_TEST_ASSERT_MSG_EQ(summary.size(), 6, "3 grid values x 2 solvers");
            LlmSweepReport::WriteSummary(dir, summary, kind);
            const auto j = nlohmann::json::parse(std::ifstream(dir + "/summary.json"));
            NS_TEST_ASSERT_MSG_EQ(j.size(), 6, "summary.json rows");
            for (const char* key : {"grid_value",
                                    "solver",
                                    "runs",
                                    "objective_mean_s",
                                    "objective_ci95_s",
                                    "simulated_mean_s",
                                    "simulated_ci95_s"})
            {
                NS_TEST_ASSERT_MSG_EQ(j[0].contains(key), true, key);
            }
            const std::string name = kind == LlmSweepConfig::OMEGA ? "omega" : "ccs";
            NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(dir + "/" + name + "-objective.plt"),
                                  true,
                                  "gnuplot script");
        }
        std::filesystem::remove_all(dir);
    }
};

/**
 * @ingroup edge-llm-tests
 * Figures: one colour per solver in every figure, a marker per setting, the legend inside when
 * it is short and below when long, decade (and 2x, 5x on a narrow range) ticks with SI units,
 * the caption with the runs and the interval, PDF beside PNG, no figure without data.
 */
class LlmFigureTestCase : public TestCase
{
  public:
    LlmFigureTestCase()
        : TestCase("Figures: colours, markers, legend, ticks, units, caption, PDF, no empty file")
    {
    }

  private:
    static bool Contains(const std::string& text, const std::string& part)
    {
        return text.find(part) != std::string::npos;
    }

    static std::string Read(const std::string& path)
    {
        std::ifstream in(path);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }

    void DoRun() override
    {
        // Ticks: a narrow CCS range gets 2x and 5x labels in MHz/GHz, a wide one decades only.
        const std::string ccs =
            LlmFigure::Axis("x", "min CPU clock CCS", LlmFigure::Unit::HERTZ, true, 5e8, 8e9);
        for (const char* label : {"\"500 MHz\"",
                                  "\"1 GHz\"",
                                  "\"2 GHz\"",
                                  "\"5 GHz\"",
                                  "\"10 GHz\"",
                                  "min CPU clock CCS (Hz)",
                                  "set logscale x 10"})
        {
            NS_TEST_ASSERT_MSG_EQ(Contains(ccs, label), true, ccs);
        }
        const std::string om =
            LlmFigure::Axis("x", "min link speed Ω", LlmFigure::Unit::BIT_PER_S, true, 1e6, 1e10);
        for (const char* label : {"\"1 Mbit/s\"", "\"100 Mbit/s\"", "\"10 Gbit/s\""})
        {
            NS_TEST_ASSERT_MSG_EQ(Contains(om, label), true, om);
        }
        NS_TEST_ASSERT_MSG_EQ(Contains(om, "2 Mbit/s"), false, "decades only on a wide range");
        NS_TEST_ASSERT_MSG_EQ(LlmFigure::SolverColour("ilp"), "#0072B2", "ilp's colour");
        NS_TEST_ASSERT_MSG_NE(LlmFigure::SolverColour("greedy"),
                              LlmFigure::SolverColour("ilp"),
                              "one colour per solver");
        NS_TEST_ASSERT_MSG_NE(LlmFigure::SettingMarker(0), LlmFigure::SettingMarker(1), "markers");

        const std::string dir = CreateTempDirFilename("edge-llm-figures");
        std::filesystem::create_directories(dir);
        std::vector<LlmSweepSummary> summary;
        for (double g : {0.5e9, 1e9, 2e9, 4e9, 8e9})
        {
            for (const char* solver : {"ilp", "greedy", "cloud-only"})
            {
                for (const char* setting : {"tcp", "lossy"})
                {
                    LlmSweepSummary s;
                    s.gridValue = g;
                    s.solver = solver;
                    s.setting = setting;
                    s.runs = 10;
                    s.objectiveMean = 1e12 / g;
                    s.objectiveCi95 = 0.1 * s.objectiveMean;
                    s.simulatedMean = 1.1 * s.objectiveMean;
                    s.simulatedCi95 = 0.05 * s.simulatedMean;
                    s.computeBoundMean = 0.9 * s.objectiveMean;
                    s.ratioMean = 1.1;
                    s.ratioCi95 = 0.01;
                    s.simulatedRuns = 10;
                    summary.push_back(s);
                }
            }
        }
        LlmSweepReport::WriteSummary(dir, summary, LlmSweepConfig::CCS);
        const std::string objective = Read(dir + "/ccs-objective.plt");
        const std::string simulated = Read(dir + "/ccs-simulated.plt");
        for (const std::string& plt : {objective, simulated})
        {
            NS_TEST_ASSERT_MSG_EQ(Contains(plt, "lc rgb \"#0072B2\""), true, "ilp blue everywhere");
            NS_TEST_ASSERT_MSG_EQ(Contains(plt, "lc rgb \"#D55E00\""), true, "greedy vermillion");
            NS_TEST_ASSERT_MSG_EQ(Contains(plt,
                                           "10 runs per point; error bars: 95 % confidence "
                                           "interval (Student t)"),
                                  true,
                                  "caption");
            NS_TEST_ASSERT_MSG_EQ(Contains(plt, "\"1 GHz\""), true, "SI ticks");
            NS_TEST_ASSERT_MSG_EQ(Contains(plt, "pdfcairo"), true, "a PDF too");
        }
        NS_TEST_ASSERT_MSG_EQ(Contains(objective, "set key inside top right"), true, "3 entries");
        NS_TEST_ASSERT_MSG_EQ(Contains(simulated, "set key below"), true, "12 entries");
        NS_TEST_ASSERT_MSG_EQ(Contains(simulated, "pt 7"), true, "tcp's marker");
        NS_TEST_ASSERT_MSG_EQ(Contains(simulated, "pt 5"), true, "lossy's marker");
        if (LlmProcessPool::Execute({"gnuplot", "--version"}, true) == 0)
        {
            for (const char* f : {"/ccs-objective.png", "/ccs-objective.pdf", "/ccs-ratio.pdf"})
            {
                NS_TEST_ASSERT_MSG_GT(std::filesystem::file_size(dir + f), 1000, f);
            }
        }
        // Without simulation: the objective figure only; no simulated or ratio file at all.
        for (LlmSweepSummary& s : summary)
        {
            s.simulatedMean = 0;
            s.simulatedCi95 = 0;
            s.ratioMean = 0;
            s.simulatedRuns = 0;
        }
        LlmSweepReport::WriteSummary(dir, summary, LlmSweepConfig::CCS);
        for (const char* f : {"/ccs-ratio.png", "/ccs-ratio.pdf", "/ccs-simulated.png"})
        {
            NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(dir + f), false, f);
        }
        std::filesystem::remove_all(dir);
    }
};

/**
 * @ingroup edge-llm-tests
 * Transport settings: parsing, the errors that name the key, and one run simulated in each
 * setting (every token completes; only-the-plan's-links gives the same times as every link;
 * delay and Wi-Fi show up; T is the same in all).
 */
class LlmTransportSettingTestCase : public TestCase
{
  public:
    LlmTransportSettingTestCase()
        : TestCase("Transport settings: parse, refuse, simulate each as its own row")
    {
    }

  private:
    /// Whether parsing and validating spec throws an LlmInputError mentioning what.
    bool Refused(const std::string& spec, const std::string& what)
    {
        try
        {
            LlmTransportSetting::Parse(spec, LlmTransportSetting{}).Validate("--variants");
        }
        catch (const LlmInputError& e)
        {
            return std::string(e.what()).find(what) != std::string::npos;
        }
        return false;
    }

    void DoRun() override
    {
        LlmTransportSetting base;
        base.mtu = 9000;
        const auto t = LlmTransportSetting::Parse(
            "x:transport=udp,loss=0.01,cc=TcpCubic,queue=20p,buffer=65536,d2d-delay=0.002,"
            "wan-delay=0.04,ideal=1,all-links=1",
            base);
        NS_TEST_ASSERT_MSG_EQ(t.name, "x", "name");
        NS_TEST_ASSERT_MSG_EQ(t.transport, "udp", "transport");
        NS_TEST_ASSERT_MSG_EQ(t.mtu, 9000, "mtu kept from the base");
        NS_TEST_ASSERT_MSG_EQ_TOL(t.lossRate, 0.01, 1e-15, "loss");
        NS_TEST_ASSERT_MSG_EQ(t.congestionControl, "TcpCubic", "cc");
        NS_TEST_ASSERT_MSG_EQ(t.queueSize, "20p", "queue");
        NS_TEST_ASSERT_MSG_EQ(t.socketBuffer, 65536, "buffer");
        NS_TEST_ASSERT_MSG_EQ_TOL(*t.d2dDelaySeconds, 0.002, 1e-15, "d2d delay");
        NS_TEST_ASSERT_MSG_EQ_TOL(*t.wanDelaySeconds, 0.04, 1e-15, "wan delay");
        NS_TEST_ASSERT_MSG_EQ(t.ideal && t.allLinks, true, "flags");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:colour=red", "unknown key \"colour\""), true, "key");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:mtu=big", "mtu"), true, "number");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:ideal=maybe", "ideal"), true, "bool");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:transport=sctp", "transport"), true, "transport");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:cc=TcpNoSuch", "congestion"), true, "cc");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:cc=TcpSocketBase", "congestion"), true, "not a cc");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:queue=lots", "queue"), true, "queue");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:d2d=wifi-ax,mtu=9000", "MSDU"), true, "Wi-Fi MTU");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:d2d=lte", "d2d"), true, "medium");
        NS_TEST_ASSERT_MSG_EQ(Refused("x:loss=1", "loss"), true, "loss");
        NS_TEST_ASSERT_MSG_EQ(Refused(":mtu=9000", "name"), true, "empty name");

        LlmSweepConfig c;
        c.grid = {1e7};
        c.runs = 1;
        c.solvers = {"ilp"};
        c.settings.clear();
        for (const char* spec : {"tcp",
                                 "all:all-links=1",
                                 "jumbo:mtu=9000",
                                 "lossy:loss=0.01",
                                 "far:d2d-delay=0.05,wan-delay=0.05",
                                 "small-buffer:buffer=4096",
                                 "cubic:cc=TcpCubic",
                                 "wifi:d2d=wifi-ax"})
        {
            c.settings.push_back(LlmTransportSetting::Parse(spec, LlmTransportSetting{}));
        }
        const LlmSweep sweep(SmallScenario(), c);
        const auto rows = sweep.Run(0);
        NS_TEST_ASSERT_MSG_EQ(rows.size(), c.settings.size(), "one row per setting");
        std::map<std::string, LlmSweepRow> by;
        for (const auto& r : rows)
        {
            by[r.setting] = r;
            NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, 4, "every token completes in " + r.setting);
            NS_TEST_ASSERT_MSG_EQ(r.tokensFailed, 0, "no token fails in " + r.setting);
            NS_TEST_ASSERT_MSG_GT_OR_EQ(r.simulated,
                                        r.computeBound * (1 - 1e-9),
                                        "never below the compute floor in " + r.setting);
            NS_TEST_ASSERT_MSG_EQ(r.objective, rows[0].objective, "T does not depend on it");
        }
        NS_TEST_ASSERT_MSG_EQ(by["all"].simulated,
                              by["tcp"].simulated,
                              "the plan's links alone give the same time as every link");
        NS_TEST_ASSERT_MSG_GT(by["lossy"].drops, 0, "1 % loss drops packets, TCP recovers");
        NS_TEST_ASSERT_MSG_GT(by["far"].simulated,
                              by["tcp"].simulated + 4 * 0.05,
                              "every token pays the longer delays");
        NS_TEST_ASSERT_MSG_GT(by["small-buffer"].simulated,
                              by["tcp"].simulated,
                              "a 4 KB window slows the transfers");
        NS_TEST_ASSERT_MSG_NE(by["wifi"].simulated, by["tcp"].simulated, "Wi-Fi is its own curve");

        LlmSweepConfig twice = c;
        twice.settings = {c.settings[0], c.settings[0]};
        bool refused = false;
        try
        {
            LlmSweep{SmallScenario(), twice};
        }
        catch (const LlmInputError&)
        {
            refused = true;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "two settings with one name are refused");
    }
};

/**
 * @ingroup edge-llm-tests
 * The run list quotes every argument for the shell (a space and a quote survive a round trip
 * through sh), and the process pool runs commands N at a time, reporting the failures.
 */
class LlmProcessPoolTestCase : public TestCase
{
  public:
    LlmProcessPoolTestCase()
        : TestCase("Process pool: run list quoting, N at a time, failures reported")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-pool");
        std::filesystem::create_directories(dir);

        // Quoting: an argument with a space and a quote is one shell word, read back as it was.
        const std::string tricky = "it's a \"b\" $HOME `x`";
        NS_TEST_ASSERT_MSG_EQ(LlmProcessPool::Quote("a b'c"), "'a b'\\''c'", "quote escaping");
        NS_TEST_ASSERT_MSG_EQ(LlmProcessPool::Quote(""), "''", "empty argument");
        const std::string list = dir + "/runs.txt";
        LlmProcessPool::WriteRunList(list, 2, [&](std::size_t i) {
            return LlmProcessPool::Command{"printf",
                                           "%s|",
                                           tricky,
                                           "--run-index=" + std::to_string(i)};
        });
        std::ifstream in(list);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);)
        {
            lines.push_back(line);
        }
        NS_TEST_ASSERT_MSG_EQ(lines.size(), 2, "one command per run index");
        NS_TEST_ASSERT_MSG_EQ(lines[1],
                              "'printf' '%s|' 'it'\\''s a \"b\" $HOME `x`' '--run-index=1'",
                              "every argument single-quoted");
        const std::string out = dir + "/out.txt";
        NS_TEST_ASSERT_MSG_EQ(LlmProcessPool::Execute({"sh", "-c", lines[1] + " > '" + out + "'"}),
                              0,
                              "the shell runs the line");
        std::ifstream printed(out);
        std::string text;
        std::getline(printed, text);
        NS_TEST_ASSERT_MSG_EQ(text, tricky + "|--run-index=1|", "the arguments arrive unchanged");

        // The pool: 6 tasks, 2 at a time; the odd ones fail, one program does not exist.
        LlmProcessPool pool(2);
        std::size_t reports = 0;
        bool finished = false;
        pool.SetProgressCallback(
            [&](const LlmProcessPool::Progress& p) {
                ++reports;
                finished = p.finished && p.done == 6 && p.failed == 3;
            },
            std::chrono::milliseconds(1));
        const auto failures = pool.Run(6, [](std::size_t i) {
            if (i == 5)
            {
                return LlmProcessPool::Command{"edge-llm-no-such-program"};
            }
            return LlmProcessPool::Command{i % 2 ? "/bin/false" : "/bin/true"};
        });
        NS_TEST_ASSERT_MSG_EQ(failures.size(), 3, "three tasks fail");
        NS_TEST_ASSERT_MSG_EQ(failures[0].index, 1, "by index");
        NS_TEST_ASSERT_MSG_EQ(failures[1].index, 3, "by index");
        NS_TEST_ASSERT_MSG_EQ(failures[0].exitCode, 1, "false exits with 1");
        NS_TEST_ASSERT_MSG_EQ(failures[0].reason, "exit code 1", "reason");
        NS_TEST_ASSERT_MSG_EQ(failures[2].index, 5, "the missing program");
        NS_TEST_ASSERT_MSG_EQ(failures[2].exitCode, LlmProcessPool::NOT_FOUND, "not found");
        NS_TEST_ASSERT_MSG_GT(reports, 1, "progress reported");
        NS_TEST_ASSERT_MSG_EQ(finished, true, "the last report: all done, 3 failed");
        NS_TEST_ASSERT_MSG_EQ(LlmProcessPool::Execute({"edge-llm-no-such-program"}),
                              LlmProcessPool::NOT_FOUND,
                              "gnuplot not found is told this way");
        NS_TEST_ASSERT_MSG_EQ(LlmProcessPool::Execute({"sh", "-c", "exit 3"}), 3, "exit code");
        std::filesystem::remove_all(dir);
    }
};

/// Whether text contains part.
bool
Has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Whether f() throws an LlmInputError whose message contains every one of what.
template<typename F>
bool
RefusedWith(F f, const std::vector<std::string>& what)
{
    try
    {
        f();
    }
    catch (const LlmInputError& e)
    {
        for (const std::string& w : what)
        {
            if (std::string(e.what()).find(w) == std::string::npos)
            {
                return false;
            }
        }
        return true;
    }
    return false;
}

/**
 * @ingroup edge-llm-tests
 * A SIGTERM to the process running the pool (after CatchStopSignals) stops the run at once:
 * the running tasks get the signal and are waited for, no further task starts.
 */
class LlmProcessPoolStopTestCase : public TestCase
{
  public:
    LlmProcessPoolStopTestCase()
        : TestCase("Process pool: SIGTERM stops and reaps the running tasks")
    {
    }

  private:
    void DoRun() override
    {
        struct sigaction current;
        sigaction(SIGTERM, nullptr, &current);
        if (current.sa_handler == SIG_IGN)
        {
            return; // SIGTERM ignored here: CatchStopSignals leaves it so
        }
        LlmProcessPool::CatchStopSignals();
        LlmProcessPool pool(2);
        bool sent = false;
        bool stoppedReport = false;
        pool.SetProgressCallback(
            [&](const LlmProcessPool::Progress& p) {
                if (!sent && p.running == 2)
                {
                    sent = true;
                    std::raise(SIGTERM); // recorded by the handler, the test goes on
                }
                stoppedReport = p.finished && p.stopped;
            },
            std::chrono::milliseconds(1));
        const auto start = std::chrono::steady_clock::now();
        const auto failures = pool.Run(4, [](std::size_t) {
            return LlmProcessPool::Command{"sleep", "20"};
        });
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const int stop = LlmProcessPool::GetStopSignal();
        LlmProcessPool::ReleaseStopSignals();
        NS_TEST_ASSERT_MSG_EQ(sent, true, "the signal was sent");
        NS_TEST_ASSERT_MSG_EQ(stop, SIGTERM, "the signal is told");
        NS_TEST_ASSERT_MSG_EQ(LlmProcessPool::GetStopSignal(), 0, "forgotten after release");
        NS_TEST_ASSERT_MSG_LT(seconds, 3.0, "stopped at once, not after the tasks' 20 s");
        NS_TEST_ASSERT_MSG_EQ(failures.size(), 2, "the two running tasks ended, none started");
        for (const auto& f : failures)
        {
            NS_TEST_ASSERT_MSG_EQ(f.exitCode, 128 + SIGTERM, "ended by the forwarded SIGTERM");
        }
        NS_TEST_ASSERT_MSG_EQ(stoppedReport, true, "the last report says stopped");
    }
};

/**
 * @ingroup edge-llm-tests
 * Part files name their sweep: a rerun finds the whole ones of its own sweep (resume), sees
 * another sweep's as foreign and says what differs, drops half-written ones; a merge refuses
 * another sweep's part files.
 */
class LlmSweepResumeTestCase : public TestCase
{
  public:
    LlmSweepResumeTestCase()
        : TestCase("Sweep resume: part files name their sweep, foreign ones are refused")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-resume");
        std::filesystem::create_directories(dir);
        LlmSweepConfig c;
        c.grid = {1e7, 1e8};
        c.runs = 2;
        c.solvers = {"greedy"};
        c.simulate = false;
        const LlmSweep sweep(SmallScenario(), c);
        const std::string id = sweep.Describe();
        NS_TEST_ASSERT_MSG_EQ(LlmSweep(SmallScenario(), c).Describe(), id, "the same sweep");
        NS_TEST_ASSERT_MSG_EQ(Has(id, "\n"), false, "one line");
        NS_TEST_ASSERT_MSG_EQ(sweep.GetRowsPerRun(), 1, "one solver, not simulated");
        LlmSweepConfig more = c;
        more.runs = 3;
        const LlmSweep other(SmallScenario(), more);
        LlmRandomScenario r;
        r.layers = 4;
        r.servers = 5;
        r.tokens = 8; // another workload: another scenario hash
        const LlmSweep otherScenario(r.Draw(21, 1), c);
        NS_TEST_ASSERT_MSG_NE(otherScenario.Describe(), id, "the scenario is part of it");
        NS_TEST_ASSERT_MSG_EQ(LlmSweepReport::Difference(other.Describe(), id),
                              "its --runs is 3, this sweep's 2",
                              "what differs, for people");
        NS_TEST_ASSERT_MSG_EQ(
            Has(LlmSweepReport::Difference(otherScenario.Describe(), id), "scenario"),
            true,
            "the scenario differs");

        // Indices 0 and 2 done, 3 half written (no rows), a leftover temporary file, and a
        // part file of the 3-run sweep.
        LlmSweepReport::WritePart(dir, 0, sweep.Run(0), id);
        LlmSweepReport::WritePart(dir, 2, sweep.Run(2), id);
        std::ofstream(dir + "/part-run-3.csv") << "# sweep: " << id << "\n";
        std::ofstream(dir + "/.part-run-1.csv.tmp") << "half";
        LlmSweepReport::WritePart(dir, 5, other.Run(5), other.Describe());
        NS_TEST_ASSERT_MSG_EQ(LlmSweepReport::ReadIdentity(dir + "/part-run-0.csv"),
                              id,
                              "the part file's first line");
        LlmSweepPartScan scan = LlmSweepReport::ScanParts(dir, sweep);
        NS_TEST_ASSERT_MSG_EQ(scan.CountDone(), 2, "two whole part files of this sweep");
        NS_TEST_ASSERT_MSG_EQ((scan.Missing() == std::vector<std::size_t>{1, 3}),
                              true,
                              "indices 1 and 3 still to run");
        NS_TEST_ASSERT_MSG_EQ(scan.foreign.size(), 1, "part-run-5 is another sweep's");
        NS_TEST_ASSERT_MSG_EQ(scan.difference, "its --runs is 3, this sweep's 2", "why");
        NS_TEST_ASSERT_MSG_EQ(scan.incomplete.size(), 1, "part-run-3 has no rows");
        NS_TEST_ASSERT_MSG_EQ(scan.leftovers.size(), 1, "a temporary file");

        // A merge with this sweep's identity refuses the foreign part file, naming it.
        NS_TEST_ASSERT_MSG_EQ(RefusedWith([&]() { LlmSweepReport::Merge(dir, id); },
                                          {"part-run-5.csv", "another sweep", "--runs is 3"}),
                              true,
                              "merge refuses another sweep's part file");
        // What the sweep does on a rerun: remove foreign, incomplete and leftover files.
        LlmSweepReport::RemoveParts(scan.foreign);
        LlmSweepReport::RemoveParts(scan.incomplete);
        LlmSweepReport::RemoveParts(scan.leftovers);
        NS_TEST_ASSERT_MSG_EQ(std::filesystem::exists(dir + "/timing-run-5.txt"),
                              false,
                              "the timing file goes with its part file");
        LlmSweepReport::WritePart(dir, 1, sweep.Run(1), id);
        LlmSweepReport::WritePart(dir, 3, sweep.Run(3), id);
        scan = LlmSweepReport::ScanParts(dir, sweep);
        NS_TEST_ASSERT_MSG_EQ(scan.Missing().empty() && scan.foreign.empty(), true, "all done");
        const auto rows = LlmSweepReport::Merge(dir, id);
        NS_TEST_ASSERT_MSG_EQ(rows.size(), 4, "four runs merged");
        std::ifstream runsCsv(dir + "/runs.csv");
        std::string header;
        std::getline(runsCsv, header);
        NS_TEST_ASSERT_MSG_EQ(header, LlmSweepReport::CsvHeader(), "runs.csv has no sweep line");

        // An earlier version's part file (no sweep line) is foreign too.
        std::ofstream(dir + "/part-run-0.csv") << LlmSweepReport::ToCsv(rows[0]) << "\n";
        scan = LlmSweepReport::ScanParts(dir, sweep);
        NS_TEST_ASSERT_MSG_EQ(scan.foreign.size(), 1, "no sweep line: foreign");
        NS_TEST_ASSERT_MSG_EQ(Has(scan.difference, "earlier version"), true, "said so");
        NS_TEST_ASSERT_MSG_EQ(
            RefusedWith([&]() { LlmSweepReport::ScanParts(dir + "/none", sweep); },
                        {"none", "cannot read the folder"}),
            true,
            "a folder that is not there: an LlmInputError, no filesystem_error");
        std::filesystem::remove_all(dir);
    }
};

/**
 * @ingroup edge-llm-tests
 * --merge through the runner: a part file of another edge-llm version or a truncated one is
 * refused by name, missing run indices are listed, and --allow-missing summarizes the others,
 * counting the missing ones in the summary.
 */
class LlmSweepMergeTestCase : public TestCase
{
  public:
    LlmSweepMergeTestCase()
        : TestCase("Sweep merge: versions, truncated parts, missing runs, --allow-missing")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-merge");
        std::filesystem::create_directories(dir);
        LlmSweepConfig c;
        c.grid = {1e7, 1e8};
        c.runs = 3;
        c.solvers = {"greedy"};
        c.simulate = false;
        const LlmSweep sweep(SmallScenario(), c);
        const std::string id = sweep.Describe();
        NS_TEST_ASSERT_MSG_EQ(Has(id, std::string("\"version\":\"") + EDGE_LLM_VERSION),
                              true,
                              "the manifest names the program version");
        const LlmSweepRunner runner(sweep, dir, 1, true);
        for (std::size_t i : {0, 2, 4, 5})
        {
            LlmSweepReport::WritePart(dir, i, sweep.Run(i), id);
        }
        NS_TEST_ASSERT_MSG_EQ(
            RefusedWith([&]() { runner.Merge(false); },
                        {"--merge", "2 of 6 runs", "run indices 1, 3", "--allow-missing"}),
            true,
            "missing runs are listed");
        NS_TEST_ASSERT_MSG_EQ(runner.Merge(true), 0, "--allow-missing merges the others");
        nlohmann::json j;
        std::ifstream(dir + "/summary.json") >> j;
        NS_TEST_ASSERT_MSG_EQ(j.size(), 2, "two grid points");
        NS_TEST_ASSERT_MSG_EQ(j[0]["runs"], 2, "two runs of 1e7");
        NS_TEST_ASSERT_MSG_EQ(j[0]["runs_missing"], 1, "one of 1e7 missing");
        NS_TEST_ASSERT_MSG_EQ(j[1]["runs_missing"], 1, "one of 1e8 missing");

        // A truncated part file: its sweep line, no rows.
        std::ofstream(dir + "/part-run-1.csv") << "# sweep: " << id << "\n";
        NS_TEST_ASSERT_MSG_EQ(
            RefusedWith([&]() { runner.Merge(true); }, {"part-run-1.csv", "truncated"}),
            true,
            "a truncated part file is named");
        std::filesystem::remove(dir + "/part-run-1.csv");

        // Another edge-llm version wrote part-run-3.
        nlohmann::ordered_json old = nlohmann::ordered_json::parse(id);
        old["version"] = "0.0.1";
        LlmSweepReport::WritePart(dir, 3, sweep.Run(3), old.dump());
        NS_TEST_ASSERT_MSG_EQ(RefusedWith([&]() { runner.Merge(true); },
                                          {"part-run-3.csv", "edge-llm 0.0.1", EDGE_LLM_VERSION}),
                              true,
                              "another version is refused, naming both");
        std::filesystem::remove_all(dir);
    }
};

/**
 * @ingroup edge-llm-tests
 * The summary counts failed tokens and runs without a plan instead of dropping them; the
 * warnings name them, with each distinct reason for no plan, read back from the timing files.
 */
class LlmSweepSummaryCountsTestCase : public TestCase
{
  public:
    LlmSweepSummaryCountsTestCase()
        : TestCase("Sweep summary: failed tokens and missing plans counted, reasons kept")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-summary");
        std::filesystem::create_directories(dir);
        auto row = [](uint32_t run, double simulated, uint64_t done, uint64_t failed) {
            LlmSweepRow r;
            r.gridValue = 1e7;
            r.run = run;
            r.solver = "ilp";
            r.setting = "lossy";
            r.status = "optimal";
            r.objective = 1.0;
            r.computeBound = 0.5;
            r.simulated = simulated;
            r.tokensCompleted = done;
            r.tokensFailed = failed;
            return r;
        };
        LlmSweepRow noPlan = row(4, 0, 0, 0);
        noPlan.status = "infeasible";
        noPlan.objective = 0;
        noPlan.message = "constraint 2e: \"x\", y and z do not fit";
        LlmSweepRow limited = row(2, 1.2, 4, 0);
        limited.status = "feasible";
        limited.gap = 0.05;
        limited.message = "time limit (60 s) reached in GLPK's branch and cut; gap 5 %";
        const std::vector<LlmSweepRow> parts[] = {{row(1, 1.0, 4, 0)},
                                                  {limited},
                                                  {row(3, 0.5, 2, 2)},
                                                  {noPlan}};
        for (std::size_t i = 0; i < 4; ++i)
        {
            LlmSweepReport::WritePart(dir, i, parts[i]);
        }
        const auto rows = LlmSweepReport::Merge(dir);
        NS_TEST_ASSERT_MSG_EQ(rows.size(), 4, "rows");
        NS_TEST_ASSERT_MSG_EQ(rows[3].message, noPlan.message, "the message, through timing");
        for (const LlmSweepRow& r : rows)
        {
            NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted + r.tokensFailed,
                                  (r.status == "optimal" || r.status == "feasible" ? 4u : 0u),
                                  "every token accounted for");
        }
        const auto summary = LlmSweepReport::Summarize(rows);
        NS_TEST_ASSERT_MSG_EQ(summary.size(), 1, "one group");
        const LlmSweepSummary& s = summary[0];
        NS_TEST_ASSERT_MSG_EQ(s.runs, 3, "three runs with a plan");
        NS_TEST_ASSERT_MSG_EQ(s.simulatedRuns, 2, "two completed every token");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.simulatedMean, 1.1, 1e-12, "the mean of those two");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.objectiveMean, 1.0, 1e-12, "T over the runs with a plan");
        NS_TEST_ASSERT_MSG_EQ(s.runsWithFailedTokens, 1, "counted, not dropped");
        NS_TEST_ASSERT_MSG_EQ(s.tokensFailed, 2, "failed tokens");
        NS_TEST_ASSERT_MSG_EQ(s.runsWithoutPlan, 1, "no plan");
        NS_TEST_ASSERT_MSG_EQ(s.runsAtTimeLimit, 1, "one run stopped at the time limit");
        NS_TEST_ASSERT_MSG_EQ_TOL(s.gapMax, 0.05, 1e-12, "its proven gap");
        const std::string warnings = LlmSweepReport::Warnings(rows);
        NS_TEST_ASSERT_MSG_EQ(Has(warnings, "tokens failed in 1 of 3 simulated rows (2 of 12"),
                              true,
                              warnings);
        NS_TEST_ASSERT_MSG_EQ(Has(warnings,
                                  "no plan in 1 of 4 runs, ilp (infeasible): "
                                  "constraint 2e: \"x\", y and z do not fit\n"),
                              true,
                              warnings);
        NS_TEST_ASSERT_MSG_EQ(Has(warnings,
                                  "warning: ilp stopped at its time limit in 1 of 4 runs "
                                  "(largest proven gap 5 %)"),
                              true,
                              warnings);
        NS_TEST_ASSERT_MSG_EQ(LlmSweepReport::AnyPlan(rows), true, "some plan");
        NS_TEST_ASSERT_MSG_EQ(LlmSweepReport::AnyPlan({noPlan}), false, "no plan at all");
        LlmSweepReport::WriteSummary(dir, summary, LlmSweepConfig::OMEGA);
        const auto j = nlohmann::json::parse(std::ifstream(dir + "/summary.json"));
        NS_TEST_ASSERT_MSG_EQ(j[0]["runs_with_failed_tokens"], 1, "summary.json");
        NS_TEST_ASSERT_MSG_EQ(j[0]["tokens_failed"], 2, "summary.json");
        NS_TEST_ASSERT_MSG_EQ(j[0]["runs_without_plan"], 1, "summary.json");
        NS_TEST_ASSERT_MSG_EQ(j[0]["runs_at_time_limit"], 1, "summary.json");
        NS_TEST_ASSERT_MSG_EQ(j[0]["gap_max"], 0.05, "summary.json");
        std::ifstream csv(dir + "/summary.csv");
        std::string header;
        std::string line;
        std::getline(csv, header);
        std::getline(csv, line);
        NS_TEST_ASSERT_MSG_EQ(Has(header, ",tokens_failed,"), true, header);
        NS_TEST_ASSERT_MSG_EQ(line.substr(line.size() - 21),
                              ",2,1,2,1,1,0.05,0,0,0",
                              "the counts in summary.csv (no failure: no re-plan, no replay)");
        std::filesystem::remove_all(dir);
    }
};

/**
 * @ingroup edge-llm-tests
 * Sweep inputs: the grid is refused whole (inf, overflow, empty items); the setting's default
 * name is its transport; the baselines without quantization stay within the bit set when
 * b_max is below the original bits.
 */
class LlmSweepInputsTestCase : public TestCase
{
  public:
    LlmSweepInputsTestCase()
        : TestCase("Sweep inputs: strict grid, default setting name, baselines below 32 bits")
    {
    }

  private:
    void DoRun() override
    {
        for (const char* grid : {"inf", "1e400", ",,,", "1e7,", "nan", "0", "-1e7", "1e7 1e8"})
        {
            NS_TEST_ASSERT_MSG_EQ(
                RefusedWith([&]() { LlmSweepConfig::GridFromString(grid, LlmSweepConfig::OMEGA); },
                            {"command line: --grid: expected"}),
                true,
                grid);
        }
        NS_TEST_ASSERT_MSG_EQ(
            LlmSweepConfig::GridFromString("1e7,2.5e8", LlmSweepConfig::CCS).size(),
            2,
            "a good grid");

        // --transport=udp without --name: the rows say udp.
        for (const auto& [args, name] :
             std::vector<std::pair<std::vector<std::string>, std::string>>{
                 {{"p", "--transport=udp"}, "udp"},
                 {{"p"}, "tcp"},
                 {{"p", "--transport=udp", "--name=mine"}, "mine"}})
        {
            CommandLine cmd;
            LlmProgramOptions options(cmd, LlmProgramOptions::TRANSPORT);
            cmd.Parse(args);
            options.Read();
            NS_TEST_ASSERT_MSG_EQ(options.GetSettings().at(0).name, name, "the default name");
        }

        // b_max 8 < 16 original bits: one width for all layers, the largest within delta.
        LlmScenario s = SmallScenario();
        s.GetQuantization().bMax = 8;
        s.GetQuantization().delta = 1;
        for (const char* solver : {"uniform-bits", "edgeshard"})
        {
            const LlmCostModel model(s);
            const LlmPlan plan = LlmSolverFactory::Create(solver)->Solve(model);
            NS_TEST_ASSERT_MSG_EQ(plan.HasPlacement(), true, solver + (": " + plan.message));
            NS_TEST_ASSERT_MSG_EQ(plan.solver, solver, "named");
            for (const LlmLayerAssignment& a : plan.placement)
            {
                NS_TEST_ASSERT_MSG_EQ(a.bits, 8, "every layer at b_max");
            }
            NS_TEST_ASSERT_MSG_EQ(Has(plan.message, "every layer at 8 bits"),
                                  true,
                                  "the message says which width");
        }
        // A budget no width of {4, 6} meets for every layer: infeasible with the reason.
        s.GetQuantization().bMax = 6;
        s.GetQuantization().delta = 1e-12;
        for (const char* solver : {"uniform-bits", "edgeshard"})
        {
            const LlmCostModel model(s);
            const LlmPlan plan = LlmSolverFactory::Create(solver)->Solve(model);
            NS_TEST_ASSERT_MSG_EQ(ToString(plan.status),
                                  "infeasible",
                                  solver + (": " + plan.message));
            NS_TEST_ASSERT_MSG_EQ(plan.message.empty(), false, "with a reason");
        }
        // b_max = the original bits: no quantization, as before.
        const LlmScenario small = SmallScenario();
        const LlmCostModel original(small); // keeps the scenario by reference
        const LlmPlan u = LlmSolverFactory::Create("uniform-bits")->Solve(original);
        NS_TEST_ASSERT_MSG_EQ(u.HasPlacement(), true, "uniform-bits");
        NS_TEST_ASSERT_MSG_EQ(u.placement.at(0).bits,
                              small.GetModel().GetOriginalBits(),
                              "original bits");
    }
};

/**
 * @ingroup edge-llm-tests
 * A failure-rate sweep: rate 0 is the plain run, the draws scale with the rate (common random
 * numbers), every token completes or fails, re-plans happen at a high rate and their counts
 * survive the CSV.
 */
class LlmSweepFailuresTestCase : public TestCase
{
  public:
    LlmSweepFailuresTestCase()
        : TestCase("Failure-rate sweep: rate 0 = no failure, scaled draws, tokens conserved")
    {
    }

  private:
    void DoRun() override
    {
        // 4 layers on 10 servers: room to re-plan after a failure or two.
        LlmRandomScenario random;
        random.layers = 4;
        random.servers = 10;
        random.tokens = 4;
        random.batch = 16;
        const LlmScenario base = random.Draw(21, 1);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(base));
        NS_TEST_ASSERT_MSG_EQ(plan.HasPlacement(), true, plan.message);
        LlmSimulation plain(base, plan);
        plain.SetRngRun(1);
        const LlmSimulationResult alone = plain.Run();
        NS_TEST_ASSERT_MSG_GT(alone.simulatedSeconds, 0, "the plain run completes");
        // Rates whose mean time to a server's failure is 8 and 2 runs long.
        const double perRun = 3600 / alone.simulatedSeconds;
        LlmSweepConfig c;
        c.kind = LlmSweepConfig::FAILURES;
        c.grid = {0, perRun / 32, perRun / 2};
        c.runs = 4;
        c.solvers = {"ilp"};
        const LlmSweep sweep(base, c);
        NS_TEST_ASSERT_MSG_EQ(sweep.DrawFailures(0).IsEmpty(), true, "rate 0: no failure");
        for (std::size_t k = 0; k < c.runs; ++k)
        {
            const auto slow = sweep.DrawFailures(c.runs + k).GetFailures();
            const auto fast = sweep.DrawFailures(2 * c.runs + k).GetFailures();
            NS_TEST_ASSERT_MSG_EQ(slow.size(), base.GetServers().size(), "each server once");
            NS_TEST_ASSERT_MSG_EQ(fast.size(), slow.size(), "the same servers");
            for (std::size_t f = 0; f < slow.size(); ++f)
            {
                NS_TEST_ASSERT_MSG_EQ(fast[f].server, slow[f].server, "same order");
                NS_TEST_ASSERT_MSG_EQ_TOL(fast[f].timeSeconds * 16,
                                          slow[f].timeSeconds,
                                          1e-9 * slow[f].timeSeconds,
                                          "16 x the rate: 1/16 of the time");
                NS_TEST_ASSERT_MSG_EQ(fast[f].repairSeconds.has_value(), false, "no repair");
            }
        }
        uint32_t replans = 0;
        uint32_t hit = 0;
        std::string csv;
        for (std::size_t i = 0; i < sweep.GetNRuns(); ++i)
        {
            for (const LlmSweepRow& r : sweep.Run(i))
            {
                csv += LlmSweepReport::ToCsv(r) + "\n";
                NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted + r.tokensFailed,
                                      4,
                                      "completed + failed = requested at rate " << r.gridValue);
                if (r.gridValue == 0)
                {
                    NS_TEST_ASSERT_MSG_EQ(r.simulated,
                                          alone.simulatedSeconds,
                                          "rate 0 is the plain run");
                    NS_TEST_ASSERT_MSG_EQ(r.bytes, alone.bytesSent, "the same bytes");
                    NS_TEST_ASSERT_MSG_EQ(r.replans, 0, "no re-plan");
                }
                if (r.gridValue > 0)
                {
                    replans += r.replans;
                    hit += r.replans > 0 || r.tokensFailed > 0 ? 1 : 0;
                    NS_TEST_ASSERT_MSG_EQ((r.replaySeconds == 0 || r.replans > 0),
                                          true,
                                          "a replay only after a re-plan");
                }
            }
        }
        NS_TEST_ASSERT_MSG_GT(hit, 0, "some run sees a failure");
        NS_TEST_ASSERT_MSG_GT(replans, 0, "and recovers by re-planning");
        const std::string dir = CreateTempDirFilename("edge-llm-sweep-failures");
        std::filesystem::create_directories(dir);
        std::ofstream(dir + "/rows.csv") << LlmSweepReport::CsvHeader() << "\n" << csv;
        uint32_t read = 0;
        for (const LlmSweepRow& r : LlmSweepReport::ReadCsv({dir + "/rows.csv"}))
        {
            read += r.replans;
        }
        NS_TEST_ASSERT_MSG_EQ(read, replans, "re-plans survive the CSV");
        const auto summary =
            LlmSweepReport::Summarize(LlmSweepReport::ReadCsv({dir + "/rows.csv"}));
        NS_TEST_ASSERT_MSG_EQ(summary.size(), 3, "one line per rate");
        NS_TEST_ASSERT_MSG_EQ(summary.front().replansMean, 0, "rate 0");
        NS_TEST_ASSERT_MSG_EQ_TOL(summary[1].replansMean + summary[2].replansMean,
                                  replans / 4.0,
                                  1e-12,
                                  "mean re-plans per rate");
        // The failures figure: tokens failed (left axis) and re-plans per run (right axis).
        LlmSweepReport::WriteSummary(dir, summary, LlmSweepConfig::FAILURES);
        std::ifstream plt(dir + "/failures-tokens.plt");
        const std::string script((std::istreambuf_iterator<char>(plt)),
                                 std::istreambuf_iterator<char>());
        NS_TEST_ASSERT_MSG_EQ(Has(script, "axes x1y2"), true, "re-plans on the right axis");
        NS_TEST_ASSERT_MSG_EQ(Has(script, "failure rate per server (1/h)"), true, "x label");
        NS_TEST_ASSERT_MSG_GT(std::filesystem::file_size(dir + "/failures-tokens.png"), 0, "drawn");
        std::filesystem::remove_all(dir);
    }
};

/**
 * @ingroup edge-llm-tests
 * A sweep over the number of LLMs: g copies on the same drawn links, one model equals the v1
 * ILP, more models never lower J, every token of every model completes, joint solver names only.
 */
class LlmSweepModelsTestCase : public TestCase
{
  public:
    LlmSweepModelsTestCase()
        : TestCase("Models sweep: one model is DILEMMA, J grows with models, tokens complete")
    {
    }

  private:
    void DoRun() override
    {
        LlmSweepConfig c;
        c.kind = LlmSweepConfig::MODELS;
        c.grid = {1, 2, 3};
        c.runs = 2;
        c.solvers = LlmSweepConfig::DefaultSolvers(LlmSweepConfig::MODELS);
        NS_TEST_ASSERT_MSG_EQ(c.solvers.front(), "joint-ilp", "joint ILP first");
        const LlmSweep sweep(SmallScenario(), c);
        std::map<std::pair<double, uint32_t>, LlmSweepRow> ilp;
        for (std::size_t i = 0; i < sweep.GetNRuns(); ++i)
        {
            const auto models = static_cast<std::size_t>(c.grid[i / c.runs]);
            NS_TEST_ASSERT_MSG_EQ(sweep.DrawMultiScenario(i).GetModelCount(), models, "g models");
            // Common random numbers: the same links at every number of models.
            NS_TEST_ASSERT_MSG_EQ(sweep.DrawScenario(i).ToJson(),
                                  sweep.DrawScenario(i % c.runs).ToJson(),
                                  "the same draw");
            const auto rows = sweep.Run(i);
            NS_TEST_ASSERT_MSG_EQ(rows.size(), sweep.GetRowsPerRun(), "rows per run");
            NS_TEST_ASSERT_MSG_EQ(rows[0].solver, "joint-ilp", "first");
            NS_TEST_ASSERT_MSG_EQ(rows[0].status, "optimal", rows[0].message);
            NS_TEST_ASSERT_MSG_EQ(rows[0].tokensCompleted, 4 * models, "every token");
            NS_TEST_ASSERT_MSG_EQ(rows[0].tokensFailed, 0, "none failed");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(rows[0].simulated,
                                        rows[0].computeBound * (1 - 1e-9),
                                        "never below one model's compute");
            NS_TEST_ASSERT_MSG_EQ(rows[1].setting, "-", "sequential solved only");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(rows[1].objective,
                                        rows[0].objective * (1 - 1e-9),
                                        "the heuristic never beats the optimum");
            ilp[std::make_pair(rows[0].gridValue, rows[0].run)] = rows[0];
            if (models == 1)
            {
                const LlmScenario one = sweep.DrawScenario(i);
                const LlmPlan v1 = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(one));
                NS_TEST_ASSERT_MSG_EQ_TOL(rows[0].objective,
                                          v1.objective,
                                          1e-9 * v1.objective,
                                          "one model: the DILEMMA ILP");
            }
        }
        for (uint32_t run = 1; run <= c.runs; ++run)
        {
            for (double g : {2.0, 3.0})
            {
                const LlmSweepRow& more = ilp[std::make_pair(g, run)];
                const LlmSweepRow& fewer = ilp[std::make_pair(g - 1, run)];
                const LlmSweepRow& one = ilp[std::make_pair(1.0, run)];
                NS_TEST_ASSERT_MSG_GT_OR_EQ(more.objective,
                                            fewer.objective * (1 - 1e-9),
                                            "J never falls with another model");
                NS_TEST_ASSERT_MSG_GT(more.simulated,
                                      one.simulated,
                                      "sharing the servers costs time in ns-3");
            }
        }
        // Joint solvers with models only, v1 solvers without; whole numbers of models.
        LlmSweepConfig bad = c;
        bad.solvers = {"ilp"};
        NS_TEST_ASSERT_MSG_EQ(RefusedWith([&]() { LlmSweep(SmallScenario(), bad); },
                                          {"--solvers", "joint solvers with --sweep=models"}),
                              true,
                              "v1 solver in a models sweep");
        bad.kind = LlmSweepConfig::OMEGA;
        bad.grid = {1e7};
        bad.solvers = {"joint-ilp"};
        NS_TEST_ASSERT_MSG_EQ(RefusedWith([&]() { LlmSweep(SmallScenario(), bad); },
                                          {"--solvers", "only with --sweep=models"}),
                              true,
                              "joint solver in an omega sweep");
        LlmSweep models(SmallScenario(), c);
        NS_TEST_ASSERT_MSG_EQ(RefusedWith([&]() { models.SetOutputs(0, LlmSimulationOutputs{}); },
                                          {"--outputs-run", "edge-llm-multi-simulate"}),
                              true,
                              "no per-run files for models");
        NS_TEST_ASSERT_MSG_EQ(RefusedWith([&]() { models.DrawFailures(0); }, {"--sweep"}),
                              true,
                              "no failures in a models sweep");
        for (const char* grid : {"1.5", "0", "-1", "257", "1,1", "x"})
        {
            NS_TEST_ASSERT_MSG_EQ(
                RefusedWith([&]() { LlmSweepConfig::GridFromString(grid, LlmSweepConfig::MODELS); },
                            {"command line: --grid: expected"}),
                true,
                grid);
        }
        for (const char* grid : {"-1", "3601", "nan", "0,0"})
        {
            NS_TEST_ASSERT_MSG_EQ(
                RefusedWith(
                    [&]() { LlmSweepConfig::GridFromString(grid, LlmSweepConfig::FAILURES); },
                    {"command line: --grid: expected"}),
                true,
                grid);
        }
        NS_TEST_ASSERT_MSG_EQ(
            LlmSweepConfig::GridFromString("0,0.1", LlmSweepConfig::FAILURES).size(),
            2,
            "rate 0 is a grid value");
        NS_TEST_ASSERT_MSG_EQ(LlmSweepConfig::KindFromString("failures"),
                              LlmSweepConfig::FAILURES,
                              "failures");
        NS_TEST_ASSERT_MSG_EQ(LlmSweepConfig::KindFromString("models"),
                              LlmSweepConfig::MODELS,
                              "models");
        NS_TEST_ASSERT_MSG_EQ(RefusedWith([&]() { LlmSweepConfig::KindFromString("model"); },
                                          {"--sweep", "expected omega, ccs, failures or models"}),
                              true,
                              "an unknown kind");
    }
};

/**
 * @ingroup edge-llm-tests
 * The sweep suite.
 */
class LlmSweepTestSuite : public TestSuite
{
  public:
    LlmSweepTestSuite()
        : TestSuite("edge-llm-sweep", TestSuite::Type::SYSTEM)
    {
        AddTestCase(new LlmSweepTestCase());
        AddTestCase(new LlmFigureTestCase());
        AddTestCase(new LlmTransportSettingTestCase());
        AddTestCase(new LlmProcessPoolTestCase());
        AddTestCase(new LlmProcessPoolStopTestCase());
        AddTestCase(new LlmSweepResumeTestCase());
        AddTestCase(new LlmSweepMergeTestCase());
        AddTestCase(new LlmSweepSummaryCountsTestCase());
        AddTestCase(new LlmSweepInputsTestCase());
        AddTestCase(new LlmSweepFailuresTestCase());
        AddTestCase(new LlmSweepModelsTestCase());
    }
};

/// Static instance.
LlmSweepTestSuite g_llmSweepTestSuite;

} // namespace

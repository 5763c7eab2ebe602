// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <filesystem>
#include <fstream>
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
        for (auto kind : {LlmSweepConfig::OMEGA, LlmSweepConfig::CCS})
        {
            LlmSweepConfig c;
            c.kind = kind;
            c.grid = kind == LlmSweepConfig::OMEGA ? std::vector<double>{1e6, 1e7, 1e8}
                                                   : std::vector<double>{1e9, 2e9, 4e9};
            c.runs = 2;
            c.solvers = {"ilp", "greedy"};
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
        AddTestCase(new LlmTransportSettingTestCase());
        AddTestCase(new LlmProcessPoolTestCase());
    }
};

/// Static instance.
LlmSweepTestSuite g_llmSweepTestSuite;

} // namespace

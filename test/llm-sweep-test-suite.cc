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
            const LlmSweep sweep(SmallScenario(), c);
            NS_TEST_ASSERT_MSG_EQ(sweep.GetNRuns(), 6, "3 grid values x 2 runs");
            std::vector<LlmSweepRow> rows;
            std::string csv;
            for (std::size_t i = 0; i < sweep.GetNRuns(); ++i)
            {
                for (const LlmSweepRow& r : sweep.Run(i))
                {
                    rows.push_back(r);
                    csv += LlmSweep::ToCsv(r) + "\n";
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
                    again += LlmSweep::ToCsv(r) + "\n";
                }
            }
            NS_TEST_ASSERT_MSG_EQ(again, csv, "same seed, same CSV");

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
            std::ofstream(part) << LlmSweep::CsvHeader() << "\n" << csv;
            const auto read = LlmSweep::ReadCsv({part});
            NS_TEST_ASSERT_MSG_EQ(read.size(), rows.size(), "CSV read back");
            const auto summary = LlmSweep::Summarize(read);
            NS_TEST_ASSERT_MSG_EQ(summary.size(), 6, "3 grid values x 2 solvers");
            LlmSweep::WriteSummary(dir, summary, kind);
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
    }
};

/// Static instance.
LlmSweepTestSuite g_llmSweepTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <filesystem>
#include <fstream>
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
 * The sweep suite.
 */
class LlmSweepTestSuite : public TestSuite
{
  public:
    LlmSweepTestSuite()
        : TestSuite("edge-llm-sweep", TestSuite::Type::SYSTEM)
    {
        AddTestCase(new LlmSweepTestCase());
    }
};

/// Static instance.
LlmSweepTestSuite g_llmSweepTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/command-line.h"
#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/**
 * A transfer-bound scenario: `layers` identical layers whose output message is `messageBytes`
 * (β = 16, 8 bits), on `servers` servers s0, s1, ... in a full mesh at `bps` with `delay`.
 */
LlmScenario
TraceScenario(uint32_t layers,
              uint32_t servers,
              uint32_t messageBytes,
              double bps,
              double delay,
              uint32_t tokens = 4)
{
    std::vector<LlmLayer> ls(layers);
    for (uint32_t l = 0; l < layers; ++l)
    {
        ls[l].name = "l" + std::to_string(l);
        ls[l].params = 1000000;
        ls[l].flopsPerToken = 2e6;
        ls[l].outputElementsPerToken = messageBytes / 16;
        ls[l].weightMaxAbs = 0.3;
    }
    LlmScenario s;
    s.SetModel(LlmProfile("mesh", 32, ls));
    s.GetWorkload() = {tokens, 16};
    s.GetQuantization() = {8, 32, 8, 1e-3};
    for (uint32_t i = 0; i < servers; ++i)
    {
        s.GetServers().push_back({"s" + std::to_string(i), 1e10 * (1 + i), std::nullopt});
    }
    for (uint32_t i = 0; i < servers; ++i)
    {
        for (uint32_t j = 0; j < servers; ++j)
        {
            if (i != j)
            {
                s.GetLinks().push_back(
                    {"s" + std::to_string(i), "s" + std::to_string(j), bps, delay});
            }
        }
    }
    s.Validate("test");
    return s;
}

/// Three servers, every link at 1e8 bit/s except s2 -> s0, which does not exist.
LlmScenario
SmallScenario()
{
    LlmScenario s = TraceScenario(2, 3, 1024, 1e8, 0.0);
    auto& links = s.GetLinks();
    links.erase(std::remove_if(links.begin(),
                               links.end(),
                               [](const LlmLink& l) { return l.from == "s2" && l.to == "s0"; }),
                links.end());
    return s;
}

/// The error of parsing `text` as "t.csv" ("" if it parses).
std::string
ParseError(const std::string& text, const LlmScenario& s = SmallScenario())
{
    try
    {
        LlmLinkTrace::Parse(text, "t.csv", s);
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/// Whether `text` contains `fragment`.
bool
Contains(const std::string& text, const std::string& fragment)
{
    return text.find(fragment) != std::string::npos;
}

/**
 * @ingroup edge-llm-tests
 * A good trace reads back as rows; Ω_ij(t) is the last row at or before t, the static rate
 * before; CSV written by ToCsv reads back equal.
 */
class LlmLinkTraceParseTestCase : public TestCase
{
  public:
    LlmLinkTraceParseTestCase()
        : TestCase("Link trace: rows, Omega_ij(t), CSV round trip")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = SmallScenario();
        const LlmLinkTrace t = LlmLinkTrace::Parse("\xEF\xBB\xBFtime_s,from,to,bps\r\n"
                                                   "0, s0, s1, 5e7\r\n"
                                                   "\n"
                                                   "2.5,s1,s2,2e8\n"
                                                   "10,s0,s1,1.5e8\n",
                                                   "t.csv",
                                                   s);
        NS_TEST_ASSERT_MSG_EQ(t.GetRows().size(), 3, "three rows");
        NS_TEST_ASSERT_MSG_EQ(t.GetRows()[1].line, 4, "line numbers count blank lines");
        NS_TEST_ASSERT_MSG_EQ(t.GetLinks().size(), 2, "two links");
        NS_TEST_ASSERT_MSG_EQ(t.GetSource(), "t.csv", "source");
        NS_TEST_ASSERT_MSG_EQ(t.GetBps("s0", "s1", 0), 5e7, "at its first row");
        NS_TEST_ASSERT_MSG_EQ(t.GetBps("s0", "s1", 9.99), 5e7, "until the next");
        NS_TEST_ASSERT_MSG_EQ(t.GetBps("s0", "s1", 10), 1.5e8, "from the next on");
        NS_TEST_ASSERT_MSG_EQ(t.GetBps("s1", "s2", 1), 1e8, "static before its first row");
        NS_TEST_ASSERT_MSG_EQ(t.GetBps("s1", "s2", 1e6), 2e8, "last row holds");
        NS_TEST_ASSERT_MSG_EQ(t.GetBps("s2", "s1", 5), 1e8, "a link without rows is static");
        NS_TEST_ASSERT_MSG_EQ_TOL(t.GetMaxSlowdown(), 2.0, 1e-12, "1e8 / 5e7");
        const LlmLinkTrace back = LlmLinkTrace::Parse(t.ToCsv(), "again.csv", s);
        NS_TEST_ASSERT_MSG_EQ((back.GetRows() == t.GetRows()), true, "round trip");

        const std::string dir = CreateTempDirFilename("edge-llm-link-trace");
        std::filesystem::create_directories(dir);
        t.Save(dir + "/trace.csv");
        const LlmLinkTrace loaded = LlmLinkTrace::Load(dir + "/trace.csv", s);
        NS_TEST_ASSERT_MSG_EQ((loaded.GetRows() == t.GetRows()), true, "saved and loaded");
        std::filesystem::remove_all(dir);
        bool refused = false;
        try
        {
            LlmLinkTrace::Load(dir + "/missing.csv", s);
        }
        catch (const LlmInputError& e)
        {
            refused = Contains(e.what(), "missing.csv: cannot open the file for reading");
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "a missing file");
    }
};

/**
 * @ingroup edge-llm-tests
 * Every bad row is refused naming the file, the line and the field.
 */
class LlmLinkTraceRefusalTestCase : public TestCase
{
  public:
    LlmLinkTraceRefusalTestCase()
        : TestCase("Link trace: bad rows refused with file, line and field")
    {
    }

  private:
    void DoRun() override
    {
        const std::string h = "time_s,from,to,bps\n";
        const std::vector<std::pair<std::string, std::string>> cases{
            {"",
             "t.csv: expected the header line time_s,from,to,bps and one row per change, "
             "got an empty file"},
            {"\n \n", "got an empty file"},
            {"time,from,to,bps\n0,s0,s1,1e8\n",
             "t.csv: line 1: expected the header time_s,from,to,bps, got \"time,from,to,bps\""},
            {h, "t.csv: line 2: expected at least one row after the header"},
            {h + "0,s0,s1,1e8\n0,mars,s1,1e8\n",
             "t.csv: line 3: from: expected the name of a scenario server, got \"mars\""},
            {h + "0,s0,venus,1e8\n",
             "t.csv: line 2: to: expected the name of a scenario server, got \"venus\""},
            {h + "0,s2,s0,1e8\n", "t.csv: line 2: to: the scenario has no link s2 -> s0"},
            {h + "0,s1,s1,1e8\n", "t.csv: line 2: to: expected a server other than from"},
            {h + "-1,s0,s1,1e8\n", "t.csv: line 2: time_s: expected a time >= 0 s, got -1"},
            {h + "1e10,s0,s1,1e8\n", "t.csv: line 2: time_s: expected a time of at most 1e9 s"},
            {h
                 + "0,s0,s1,1e8\n1,s0,s1,1e8\n2,s0,s1,1e8\n3,s0,s1,1e8\n5,s0,s1,1e8\n"
                   "5,s1,s0,1e8\n3,s0,s1,1e8\n",
             "t.csv: line 8: time_s: expected rows sorted by time, got 3 after 5"},
            {h + "abc,s0,s1,1e8\n",
             "t.csv: line 2: time_s: expected a number (the time in s), got \"abc\""},
            {h + "0,s0,s1,fast\n",
             "t.csv: line 2: bps: expected a number (the rate in bit/s), got \"fast\""},
            {h + "0,s0,s1,inf\n", "t.csv: line 2: bps: expected a number"},
            {h + "0,s0,s1,1e8x\n", "t.csv: line 2: bps: expected a number"},
            {h + "0,s0,s1\n", "t.csv: line 2: bps: expected 4 columns (time_s,from,to,bps), got 3"},
            {h + "0\n", "t.csv: line 2: from: expected 4 columns"},
            {h + "0,s0,s1,1e8,x\n", "t.csv: line 2: column 5: expected 4 columns"},
            {h + "0,s0,s1,0\n", "t.csv: line 2: bps: expected a positive link speed in bit/s"},
            {h + "0,s0,s1,-5e7\n", "t.csv: line 2: bps: expected a positive link speed"},
            {h + "0,s0,s1,100\n",
             "t.csv: line 2: bps: expected a link speed in bit/s of at least 1000, got 100; did "
             "you mean 1e+08 (Mbit/s typed as bit/s)?"},
            {h + "0,s0,s1,1e19\n", "t.csv: line 2: bps: expected 1 ... 9e18 bit/s"},
            {h + "0,s0,s1,1e8\n0,s0,s1,2e8\n",
             "t.csv: line 3: time_s: a second row for s0 -> s1 at 0 s (the first is line 2)"},
        };
        for (const auto& [text, fragment] : cases)
        {
            const std::string e = ParseError(text);
            NS_TEST_EXPECT_MSG_EQ(Contains(e, fragment),
                                  true,
                                  "\"" << text << "\" gave \"" << e << "\", expected \"" << fragment
                                       << "\"");
        }
        // The scenario's own escape hatch for implausible units applies to its traces too.
        LlmScenario lax = SmallScenario();
        lax.SetAcceptImplausibleUnits(true);
        NS_TEST_EXPECT_MSG_EQ(ParseError(h + "0,s0,s1,100\n", lax), "", "accepted");
        NS_TEST_EXPECT_MSG_EQ(Contains(ParseError(h + "0,s0,s1,0.5\n", lax), "1 ... 9e18"),
                              true,
                              "still a device rate");
    }
};

/**
 * @ingroup edge-llm-tests
 * The random process: reproducible by seed, independent per link, clamped, sorted; σ = 0
 * changes nothing; bad values refused.
 */
class LlmLinkTraceRandomTestCase : public TestCase
{
  public:
    LlmLinkTraceRandomTestCase()
        : TestCase("Link trace: random process reproducible by seed, clamped, per-link streams")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = TraceScenario(2, 4, 1024, 1e8, 0.0);
        LlmLinkTrace::RandomProcess p;
        p.periodSeconds = 2;
        p.sigma = 0.8;
        p.seed = 7;
        p.horizonSeconds = 41; // 20 periods
        const LlmLinkTrace a = LlmLinkTrace::Random(s, p);
        const LlmLinkTrace b = LlmLinkTrace::Random(s, p);
        NS_TEST_ASSERT_MSG_EQ(a.GetRows().size(), 20 * s.GetLinks().size(), "links x periods");
        NS_TEST_ASSERT_MSG_EQ(a.ToCsv(), b.ToCsv(), "same seed, same trace");
        p.seed = 8;
        NS_TEST_ASSERT_MSG_NE(LlmLinkTrace::Random(s, p).ToCsv(), a.ToCsv(), "another seed");
        p.seed = 7;
        double previous = 0;
        double lowest = 1e300;
        double highest = 0;
        for (const LlmLinkTrace::Row& r : a.GetRows())
        {
            NS_TEST_ASSERT_MSG_GT_OR_EQ(r.timeSeconds, previous, "sorted");
            previous = r.timeSeconds;
            lowest = std::min(lowest, r.bps);
            highest = std::max(highest, r.bps);
            NS_TEST_ASSERT_MSG_EQ(r.bps, std::round(r.bps), "whole bit/s");
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(lowest, 1e7, "clamped at 0.1 x");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(highest, 1e9, "clamped at 10 x");
        NS_TEST_ASSERT_MSG_LT(lowest, 0.6e8, "σ = 0.8 over 20 periods moves the rates");
        NS_TEST_ASSERT_MSG_GT(highest, 1.6e8, "both ways");
        // It is a trace like a file's: written and read back equal.
        NS_TEST_ASSERT_MSG_EQ((LlmLinkTrace::Parse(a.ToCsv(), "r.csv", s).GetRows() == a.GetRows()),
                              true,
                              "round trip");
        // A link's process does not depend on the other links drawn.
        const LlmLinkTrace one = LlmLinkTrace::Random(s, p, {{"s2", "s1"}});
        NS_TEST_ASSERT_MSG_EQ(one.GetRows().size(), 20, "one link");
        for (double t : {2.0, 17.0, 40.0})
        {
            NS_TEST_ASSERT_MSG_EQ(one.GetBps("s2", "s1", t),
                                  a.GetBps("s2", "s1", t),
                                  "same stream at " << t);
        }
        p.sigma = 0;
        const LlmLinkTrace flat = LlmLinkTrace::Random(s, p); // outlives the loop over its rows
        for (const LlmLinkTrace::Row& r : flat.GetRows())
        {
            NS_TEST_ASSERT_MSG_EQ(r.bps, 1e8, "sigma 0 keeps the static rate");
        }
        p.sigma = 0.3;
        const auto refused = [&s](const LlmLinkTrace::RandomProcess& q,
                                  const std::string& fragment,
                                  std::vector<std::pair<std::string, std::string>> links = {}) {
            try
            {
                LlmLinkTrace::Random(s, q, links);
            }
            catch (const LlmInputError& e)
            {
                return Contains(e.what(), fragment);
            }
            return false;
        };
        LlmLinkTrace::RandomProcess q = p;
        q.periodSeconds = 0;
        NS_TEST_EXPECT_MSG_EQ(refused(q, "period: expected a period"), true, "period 0");
        q = p;
        q.seed = 0;
        NS_TEST_EXPECT_MSG_EQ(refused(q, "seed: expected a seed"), true, "seed 0");
        q = p;
        q.sigma = -1;
        NS_TEST_EXPECT_MSG_EQ(refused(q, "sigma"), true, "negative sigma");
        q = p;
        q.periodSeconds = 1e-6;
        NS_TEST_EXPECT_MSG_EQ(refused(q, "lengthen the period"), true, "too many rows");
        NS_TEST_EXPECT_MSG_EQ(refused(p, "no link s0 -> s9", {{"s0", "s9"}}), true, "link");
    }
};

/**
 * @ingroup edge-llm-tests
 * --link-trace and --link-trace-random are read strictly.
 */
class LlmLinkTraceOptionsTestCase : public TestCase
{
  public:
    LlmLinkTraceOptionsTestCase()
        : TestCase("Link trace options: PERIOD:SIGMA:SEED[:HORIZON] read strictly")
    {
    }

  private:
    void DoRun() override
    {
        const auto error = [](const std::vector<std::string>& args) {
            CommandLine cmd;
            LlmProgramOptions options(cmd,
                                      LlmProgramOptions::TRANSPORT | LlmProgramOptions::LINK_TRACE);
            cmd.Parse(args);
            try
            {
                options.Read();
                const LlmScenario s = TraceScenario(2, 3, 1024, 1e8, 0.0);
                const LlmPlan plan = LlmSolverFactory::Create("greedy")->Solve(LlmCostModel(s));
                const auto trace = options.MakeLinkTrace(s, plan);
                return trace ? "rows " + std::to_string(trace->GetRows().size())
                             : std::string("none");
            }
            catch (const LlmInputError& e)
            {
                return std::string(e.what());
            }
        };
        NS_TEST_EXPECT_MSG_EQ(error({"p"}), "none", "no option, no trace");
        // Two layers on two servers a, b: the path source (a) -> a -> b -> a crosses one pair,
        // two directed links, for 5 periods.
        NS_TEST_EXPECT_MSG_EQ(error({"p", "--link-trace-random=1:0.3:4:5"}), "rows 10", "drawn");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(error({"p", "--link-trace-random=1:0.3"}), "expected PERIOD:SIGMA:SEED"),
            true,
            "two parts");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(error({"p", "--link-trace-random=1:0.3:4:"}), "expected PERIOD:SIGMA:SEED"),
            true,
            "empty horizon");
        NS_TEST_EXPECT_MSG_EQ(Contains(error({"p", "--link-trace-random=0:0.3:4"}),
                                       "command line: --link-trace-random PERIOD: expected a "
                                       "period"),
                              true,
                              "period 0");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(error({"p", "--link-trace-random=1:x:4"}), "--link-trace-random SIGMA"),
            true,
            "sigma");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(error({"p", "--link-trace-random=1:0.3:0"}), "--link-trace-random SEED"),
            true,
            "seed 0");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(error({"p", "--link-trace=a.csv", "--link-trace-random=1:0.3:4"}),
                     "give one of them"),
            true,
            "both");
        NS_TEST_EXPECT_MSG_EQ(Contains(error({"p", "--link-trace=/nonexistent/a.csv"}),
                                       "a.csv: cannot open the file for reading"),
                              true,
                              "missing file");
    }
};

/// The per-token latencies of a token CSV, in token order.
std::vector<double>
TokenLatencies(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::vector<double> out;
    while (std::getline(in, line))
    {
        std::stringstream ss(line);
        std::string cell;
        for (int k = 0; k < 6 && std::getline(ss, cell, ','); ++k)
        {
        }
        out.push_back(std::stod(cell));
    }
    return out;
}

/// Trace rows setting every directed link among the plan's servers to `bps` at `t`.
std::string
PlanRows(const LlmScenario& s, const LlmPlan& plan, double t, double bps)
{
    std::string rows;
    std::vector<std::size_t> used;
    for (const LlmLayerAssignment& a : plan.placement)
    {
        used.push_back(a.server);
    }
    for (std::size_t i : used)
    {
        for (std::size_t j : used)
        {
            if (i != j)
            {
                rows += LlmTextParse::Format(t) + "," + s.GetServers()[i].name + ","
                        + s.GetServers()[j].name + "," + LlmTextParse::Format(bps) + "\n";
            }
        }
    }
    return rows;
}

/**
 * @ingroup edge-llm-tests
 * Over UDP the senders pace at the link's current rate: a trace that slows the plan's links 16x
 * from the start (or from mid-run) loses no datagram at short queues, every token completes,
 * and the transfer takes about 16x as long as at the static rate.
 */
class LlmLinkTraceUdpPacingTestCase : public TestCase
{
  public:
    LlmLinkTraceUdpPacingTestCase()
        : TestCase("Link trace over UDP: senders pace at the current rate, no queue drop")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = TraceScenario(4, 5, 256 * 1024, 1e8, 0.0, 8);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        LlmTransportSetting udp;
        udp.transport = "udp";
        udp.name = "udp";
        // Short queues: a sender 16x faster than its link would overflow them within a message.
        udp.queueSize = "10p";
        const auto run = [&](const std::string& rows) {
            LlmSimulation sim(s, plan, udp);
            sim.SetRngRun(1);
            if (!rows.empty())
            {
                sim.SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n" + rows, "udp.csv", s));
            }
            return sim.Run();
        };
        const LlmSimulationResult fast = run("");
        const LlmSimulationResult slow = run(PlanRows(s, plan, 0, 6.25e6));
        const LlmSimulationResult later = run(PlanRows(s, plan, fast.simulatedSeconds / 4, 6.25e6));
        for (const LlmSimulationResult* r : {&fast, &slow, &later})
        {
            NS_TEST_ASSERT_MSG_EQ(r->tokensCompleted, 8, "every token completes");
            NS_TEST_ASSERT_MSG_EQ(r->tokensFailed, 0, "none fails");
            NS_TEST_ASSERT_MSG_EQ(r->dropsQueue, 0, "paced at the link's rate: no queue drop");
        }
        NS_TEST_ASSERT_MSG_GT(slow.linkRateChanges, 0, "the trace changed the links");
        NS_TEST_ASSERT_MSG_EQ_TOL(slow.simulatedTransferSeconds / fast.simulatedTransferSeconds,
                                  16.0,
                                  1.6,
                                  "16x slower links: about 16x the transfer time");
        NS_TEST_ASSERT_MSG_GT(later.simulatedSeconds, fast.simulatedSeconds, "slowed mid-run");
        NS_TEST_ASSERT_MSG_LT(later.simulatedSeconds, slow.simulatedSeconds, "not from the start");
    }
};

/**
 * @ingroup edge-llm-tests
 * A trace that never changes a rate gives the run without a trace, event for event.
 */
class LlmLinkTraceConstantTestCase : public TestCase
{
  public:
    LlmLinkTraceConstantTestCase()
        : TestCase("Link trace that never changes a rate: identical to no trace")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = TraceScenario(4, 5, 64 * 1024, 1e8, 0.001);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        LlmSimulation plain(s, plan);
        plain.SetRngRun(1);
        const LlmSimulationResult a = plain.Run();

        // Every link of the scenario, at its own rate, at 0 and at several times in the run.
        std::string text = "time_s,from,to,bps\n";
        for (double t : {0.0, 0.001, 0.01, 0.05})
        {
            for (const LlmLink& l : s.GetLinks())
            {
                text += LlmTextParse::Format(t) + "," + l.from + "," + l.to + ","
                        + LlmTextParse::Format(l.bps) + "\n";
            }
        }
        LlmSimulation traced(s, plan);
        traced.SetRngRun(1);
        traced.SetLinkTrace(LlmLinkTrace::Parse(text, "constant.csv", s));
        const LlmSimulationResult b = traced.Run();
        NS_TEST_ASSERT_MSG_EQ(b.linkTraceRows, 4 * s.GetLinks().size(), "rows");
        NS_TEST_ASSERT_MSG_EQ(b.linkRateChanges, 0, "no rate changed");
        NS_TEST_ASSERT_MSG_EQ(b.linkTraceLinks, s.GetLinks().size(), "links named");
        NS_TEST_ASSERT_MSG_LT(b.linkTraceLinksSimulated, b.linkTraceLinks, "plan links only");
        NS_TEST_ASSERT_MSG_EQ(b.simulatedSeconds, a.simulatedSeconds, "same time");
        NS_TEST_ASSERT_MSG_EQ(b.bytesSent, a.bytesSent, "same bytes");
        NS_TEST_ASSERT_MSG_EQ(b.events, a.events, "same events");
        NS_TEST_ASSERT_MSG_EQ(b.packetsSent, a.packetsSent, "same packets");
        NS_TEST_ASSERT_MSG_EQ(b.simulatedTransferSeconds, a.simulatedTransferSeconds, "transfer");
        NS_TEST_ASSERT_MSG_EQ(b.safetyLimitSeconds, a.safetyLimitSeconds, "same safety limit");
        NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted, 4, "all tokens");
        NS_TEST_ASSERT_MSG_EQ(Contains(b.ToText(), "Link trace: "), true, "reported");
        NS_TEST_ASSERT_MSG_EQ(Contains(a.ToText(), "Link trace: "), false, "not without one");
    }
};

/**
 * @ingroup edge-llm-tests
 * Halving the bottleneck link's rate at t = 0 doubles its simulated transfer (within 10 %);
 * the analytic T stays the static one; the other links are untouched.
 */
class LlmLinkTraceHalveTestCase : public TestCase
{
  public:
    LlmLinkTraceHalveTestCase()
        : TestCase("Link trace halving the bottleneck at t = 0: its transfer about 2 x")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = TraceScenario(4, 5, 1024 * 1024, 1e8, 0.0);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        LlmTransportSetting ideal;
        ideal.ideal = true;
        ideal.queueSize = "10000p";
        LlmSimulation plain(s, plan, ideal);
        plain.SetRngRun(1);
        const LlmSimulationResult a = plain.Run();
        // The bottleneck: the layer whose output transfer takes longest.
        std::size_t l = 0;
        for (std::size_t k = 0; k < a.layers.size(); ++k)
        {
            if (a.layers[k].transferSimSeconds > a.layers[l].transferSimSeconds)
            {
                l = k;
            }
        }
        const std::string& from = s.GetServers()[plan.placement[l].server].name;
        const std::string& to = s.GetServers()[plan.placement[l + 1].server].name;
        LlmSimulation halved(s, plan, ideal);
        halved.SetRngRun(1);
        halved.SetLinkTrace(
            LlmLinkTrace::Parse("time_s,from,to,bps\n0," + from + "," + to + ",5e7\n",
                                "halve.csv",
                                s));
        const LlmSimulationResult b = halved.Run();
        NS_TEST_ASSERT_MSG_EQ(b.linkRateChanges, 1, "one change, at t = 0");
        NS_TEST_ASSERT_MSG_EQ(b.linkTraceLinksSimulated, 1, "the link was built");
        NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted, 4, "all tokens");
        NS_TEST_ASSERT_MSG_EQ(b.analyticSeconds, a.analyticSeconds, "T is the static one");
        const double ratio = b.layers[l].transferSimSeconds / a.layers[l].transferSimSeconds;
        NS_TEST_ASSERT_MSG_EQ_TOL(ratio, 2.0, 0.2, "the halved link's transfer doubles");
        for (std::size_t k = 0; k + 1 < a.layers.size(); ++k)
        {
            if (k != l)
            {
                NS_TEST_ASSERT_MSG_EQ_TOL(b.layers[k].transferSimSeconds
                                              / a.layers[k].transferSimSeconds,
                                          1.0,
                                          0.1,
                                          "layer " << k << " unchanged");
            }
        }
        NS_TEST_ASSERT_MSG_GT(b.simulatedSeconds, a.simulatedSeconds, "the run is slower");
    }
};

/**
 * @ingroup edge-llm-tests
 * Links slow at the start and back to their rate halfway: later tokens are faster than the
 * first ones, and the run lies between the slow and the static one.
 */
class LlmLinkTraceRiseTestCase : public TestCase
{
  public:
    LlmLinkTraceRiseTestCase()
        : TestCase("Link trace rising during the run: later tokens faster")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = TraceScenario(4, 5, 256 * 1024, 1e8, 0.0, 8);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        const std::string dir = CreateTempDirFilename("edge-llm-link-trace-rise");
        std::filesystem::create_directories(dir);
        const auto run = [&](const std::string& rows, const std::string& csv) {
            LlmSimulation sim(s, plan);
            sim.SetRngRun(1);
            LlmSimulationOutputs out;
            out.tokenCsv = dir + "/" + csv;
            sim.SetOutputs(out);
            if (!rows.empty())
            {
                sim.SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n" + rows, csv, s));
            }
            return sim.Run();
        };
        const LlmSimulationResult fast = run("", "fast.csv");
        const LlmSimulationResult slow = run(PlanRows(s, plan, 0, 2.5e7), "slow.csv");
        const double half = slow.simulatedSeconds / 2;
        const LlmSimulationResult rise =
            run(PlanRows(s, plan, 0, 2.5e7) + PlanRows(s, plan, half, 1e8), "rise.csv");
        NS_TEST_ASSERT_MSG_EQ(rise.tokensCompleted, 8, "all tokens");
        NS_TEST_ASSERT_MSG_GT(rise.linkRateChanges, slow.linkRateChanges, "changed twice");
        NS_TEST_ASSERT_MSG_LT(rise.simulatedSeconds, slow.simulatedSeconds, "faster than slow");
        NS_TEST_ASSERT_MSG_GT(rise.simulatedSeconds, fast.simulatedSeconds, "slower than fast");
        const std::vector<double> s1 = TokenLatencies(dir + "/slow.csv");
        const std::vector<double> r1 = TokenLatencies(dir + "/rise.csv");
        const std::vector<double> f1 = TokenLatencies(dir + "/fast.csv");
        NS_TEST_ASSERT_MSG_EQ(r1.size(), 8, "eight tokens");
        NS_TEST_ASSERT_MSG_EQ_TOL(r1.front() / s1.front(), 1.0, 0.05, "the first token is slow");
        NS_TEST_ASSERT_MSG_EQ_TOL(r1.back() / f1.back(), 1.0, 0.1, "the last token is fast");
        NS_TEST_ASSERT_MSG_LT(r1.back(), 0.5 * r1.front(), "later tokens faster");
        NS_TEST_ASSERT_MSG_EQ_TOL(s1.back() / s1.front(), 1.0, 0.1, "slow throughout");
        std::filesystem::remove_all(dir);
    }
};

/**
 * A scenario for re-placement: four layers of 4 MB (at 32 bits) whose 16 kB outputs cross a
 * link, five servers of 8.5 MB each (two layers at most), eight tokens.
 */
LlmScenario
ReplaceScenario()
{
    LlmScenario s = TraceScenario(4, 5, 16 * 1024, 1e8, 0.0, 8);
    for (LlmServer& server : s.GetServers())
    {
        server.storageBytes = 8.5e6;
    }
    s.Validate("test");
    return s;
}

/// A run of the plan under a trace (none if empty) and a policy (none if empty), checking every
/// neverPeriod s if given.
LlmSimulationResult
RunReplace(const LlmScenario& s,
           const LlmPlan& plan,
           const std::string& rows,
           const std::string& policy,
           double neverPeriod = 0)
{
    LlmSimulation sim(s, plan);
    sim.SetRngRun(1);
    if (!rows.empty())
    {
        sim.SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n" + rows, "replace.csv", s));
    }
    if (!policy.empty())
    {
        LlmReplacementPolicy::Config config = LlmReplacementPolicy::Parse(policy, "--replace");
        if (neverPeriod > 0)
        {
            config.periodSeconds = neverPeriod;
        }
        sim.SetReplacementPolicy(config);
    }
    return sim.Run();
}

/**
 * @ingroup edge-llm-tests
 * Under a trace that never changes a rate, the periodic policy re-solves but never migrates:
 * the run equals the one with --replace=never (time, tokens, events).
 */
class LlmReplacementConstantTestCase : public TestCase
{
  public:
    LlmReplacementConstantTestCase()
        : TestCase("Re-placement under a constant trace: periodic equals never")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = ReplaceScenario();
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        const std::string rows = PlanRows(s, plan, 0, 1e8) + PlanRows(s, plan, 0.005, 1e8);
        // never checking at the same period: the same check events, none of them re-solves.
        const LlmSimulationResult never = RunReplace(s, plan, rows, "never", 0.002);
        const LlmSimulationResult periodic = RunReplace(s, plan, rows, "periodic:0.002");
        NS_TEST_ASSERT_MSG_GT(periodic.replacementChecks, 0, "it checked");
        NS_TEST_ASSERT_MSG_EQ(periodic.replacementChecks, never.replacementChecks, "same checks");
        NS_TEST_ASSERT_MSG_EQ(periodic.migrations, 0, "no migration");
        NS_TEST_ASSERT_MSG_EQ(periodic.migrationBytes, 0, "no weights moved");
        NS_TEST_ASSERT_MSG_EQ(periodic.simulatedSeconds, never.simulatedSeconds, "same time");
        NS_TEST_ASSERT_MSG_EQ(periodic.tokensCompleted, never.tokensCompleted, "same tokens");
        NS_TEST_ASSERT_MSG_EQ(periodic.tokensCompleted, 8, "all tokens");
        NS_TEST_ASSERT_MSG_EQ(periodic.events, never.events, "same events");
        NS_TEST_ASSERT_MSG_EQ(periodic.bytesSent, never.bytesSent, "same bytes");
        NS_TEST_ASSERT_MSG_EQ(Contains(periodic.ToJson(), "\"replacement_policy\""),
                              true,
                              "reported");
        const LlmSimulationResult plain = RunReplace(s, plan, rows, "");
        NS_TEST_ASSERT_MSG_EQ(Contains(plain.ToJson(), "replacement"), false, "not without one");
        NS_TEST_ASSERT_MSG_EQ(Contains(plain.ToText(), "Re-placement"), false, "not in text");
    }
};

/**
 * @ingroup edge-llm-tests
 * The plan's links drop 1000 x early in the run: the periodic policy migrates (sending the
 * weights over the network) and completes sooner than the static plan; every token completes
 * or fails once.
 */
class LlmReplacementDropTestCase : public TestCase
{
  public:
    LlmReplacementDropTestCase()
        : TestCase("Re-placement when the plan's links drop 1000 x: periodic migrates, faster")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = ReplaceScenario();
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        std::set<std::size_t> used;
        for (const LlmLayerAssignment& a : plan.placement)
        {
            used.insert(a.server);
        }
        NS_TEST_ASSERT_MSG_GT(used.size(), 1, "the plan crosses a link");
        // The plan's first hop between two servers drops 1000 x.
        std::size_t l = 0;
        while (l + 1 < plan.placement.size()
               && plan.placement[l].server == plan.placement[l + 1].server)
        {
            ++l;
        }
        const std::string rows = "0.002," + s.GetServers()[plan.placement[l].server].name + ","
                                 + s.GetServers()[plan.placement[l + 1].server].name + ",1e5\n";
        const LlmSimulationResult never = RunReplace(s, plan, rows, "never");
        const LlmSimulationResult periodic = RunReplace(s, plan, rows, "periodic:0.005");
        NS_TEST_ASSERT_MSG_EQ(never.migrations, 0, "never does not migrate");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(periodic.migrations, 1, "periodic migrates");
        NS_TEST_ASSERT_MSG_GT(periodic.migrationBytes, 0, "weights moved");
        NS_TEST_ASSERT_MSG_GT(periodic.migrationSeconds, 0, "the transfer takes time");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(periodic.replans, periodic.migrations, "re-plans counted");
        NS_TEST_ASSERT_MSG_LT(periodic.simulatedSeconds, never.simulatedSeconds, "faster");
        NS_TEST_ASSERT_MSG_GT(periodic.simulatedSeconds, 0, "completed");
        NS_TEST_ASSERT_MSG_EQ(periodic.tokensCompleted + periodic.tokensFailed,
                              periodic.tokensRequested,
                              "completed + failed = requested");
        NS_TEST_ASSERT_MSG_EQ(periodic.tokensCompleted, 8, "all tokens");
        NS_TEST_ASSERT_MSG_EQ(never.tokensCompleted, 8, "all tokens (never)");
    }
};

/**
 * @ingroup edge-llm-tests
 * The plan's links flap between 1000 x slower and their rate: the threshold policy with a
 * long dwell migrates at most once.
 */
class LlmReplacementFlapTestCase : public TestCase
{
  public:
    LlmReplacementFlapTestCase()
        : TestCase("Re-placement under a flapping trace: threshold with a long dwell holds")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = ReplaceScenario();
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        std::string rows;
        for (int k = 0; k < 10; ++k)
        {
            rows += PlanRows(s, plan, 0.002 + 0.02 * k, k % 2 ? 1e8 : 1e5);
        }
        const LlmSimulationResult r = RunReplace(s, plan, rows, "threshold:0.005:0:1:1000");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(r.migrations, 1, "at most one migration");
        NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted + r.tokensFailed,
                              r.tokensRequested,
                              "completed + failed = requested");
        NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, 8, "all tokens");
    }
};

/**
 * @ingroup edge-llm-tests
 * A trace naming a D2D link while D2D traffic goes over Wi-Fi, or a link the simulated
 * scenario lacks, is refused; a WAN link under Wi-Fi is accepted.
 */
class LlmLinkTraceWifiTestCase : public TestCase
{
  public:
    LlmLinkTraceWifiTestCase()
        : TestCase("Link trace: a Wi-Fi D2D link or a missing link refused")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s = TraceScenario(2, 3, 1024, 1e8, 0.0);
        s.GetServers()[2].role = LlmServer::Role::CLOUD;
        const LlmPlan plan = LlmSolverFactory::Create("greedy")->Solve(LlmCostModel(s));
        LlmTransportSetting wifi;
        wifi.d2d = "wifi-ax";
        std::string refused;
        try
        {
            LlmSimulation(s, plan, wifi)
                .SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n0,s2,s0,1e8\n1,s0,s1,5e7\n",
                                                  "w.csv",
                                                  s));
        }
        catch (const LlmInputError& e)
        {
            refused = e.what();
        }
        NS_TEST_EXPECT_MSG_EQ(Contains(refused,
                                       "w.csv: line 3: s0 -> s1 is a D2D link, carried over "
                                       "Wi-Fi (d2d=wifi-ax)"),
                              true,
                              refused);
        // The WAN link to the cloud stays point-to-point: accepted.
        LlmSimulation(s, plan, wifi)
            .SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n0,s2,s0,5e7\n", "w.csv", s));
        // A trace of another scenario that names a link this one lacks.
        LlmScenario fewer = s;
        fewer.GetLinks().erase(fewer.GetLinks().begin()); // s0 -> s1
        refused.clear();
        try
        {
            LlmSimulation(fewer, LlmSolverFactory::Create("greedy")->Solve(LlmCostModel(fewer)))
                .SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n0,s0,s1,5e7\n", "o.csv", s));
        }
        catch (const LlmInputError& e)
        {
            refused = e.what();
        }
        NS_TEST_EXPECT_MSG_EQ(Contains(refused,
                                       "o.csv: line 2: the simulated scenario has no link s0 -> "
                                       "s1"),
                              true,
                              refused);
    }
};

/**
 * @ingroup edge-llm-tests
 * The link trace's unit suite: parsing, refusals, the random process, the options.
 */
class LlmLinkTraceTestSuite : public TestSuite
{
  public:
    LlmLinkTraceTestSuite()
        : TestSuite("edge-llm-link-trace", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmLinkTraceParseTestCase());
        AddTestCase(new LlmLinkTraceRefusalTestCase());
        AddTestCase(new LlmLinkTraceRandomTestCase());
        AddTestCase(new LlmLinkTraceOptionsTestCase());
        AddTestCase(new LlmLinkTraceWifiTestCase());
    }
};

/**
 * @ingroup edge-llm-tests
 * Simulated links that follow a trace.
 */
class LlmLinkTraceSimulationTestSuite : public TestSuite
{
  public:
    LlmLinkTraceSimulationTestSuite()
        : TestSuite("edge-llm-link-trace-simulation", TestSuite::Type::SYSTEM)
    {
        AddTestCase(new LlmLinkTraceConstantTestCase());
        AddTestCase(new LlmLinkTraceHalveTestCase());
        AddTestCase(new LlmLinkTraceRiseTestCase());
        AddTestCase(new LlmReplacementConstantTestCase());
        AddTestCase(new LlmReplacementDropTestCase());
        AddTestCase(new LlmReplacementFlapTestCase());
        AddTestCase(new LlmLinkTraceUdpPacingTestCase());
    }
};

/// Static instances.
LlmLinkTraceTestSuite g_llmLinkTraceTestSuite;
LlmLinkTraceSimulationTestSuite g_llmLinkTraceSimulationTestSuite;

} // namespace

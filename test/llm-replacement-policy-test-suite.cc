// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <memory>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/**
 * Two transfer-heavy layers (1 MiB output per token and sequence, 1e6 parameters each) on three
 * servers s0, s1, s2 (CCS 1, 2, 3 × 1e10) in a full mesh at 1e8 bit/s with 1 ms delay.
 */
LlmScenario
PolicyScenario()
{
    std::vector<LlmLayer> ls(2);
    for (uint32_t l = 0; l < 2; ++l)
    {
        ls[l].name = "l" + std::to_string(l);
        ls[l].params = 1000000;
        ls[l].flopsPerToken = 2e6;
        ls[l].outputElementsPerToken = 65536;
        ls[l].weightMaxAbs = 0.3;
    }
    LlmScenario s;
    s.SetModel(LlmProfile("policy", 32, ls));
    s.GetWorkload() = {4, 16};
    s.GetQuantization() = {8, 32, 8, 1e-3};
    for (uint32_t i = 0; i < 3; ++i)
    {
        s.GetServers().push_back({"s" + std::to_string(i), 1e10 * (1 + i), std::nullopt});
    }
    for (uint32_t i = 0; i < 3; ++i)
    {
        for (uint32_t j = 0; j < 3; ++j)
        {
            if (i != j)
            {
                s.GetLinks().push_back(
                    {"s" + std::to_string(i), "s" + std::to_string(j), 1e8, 1e-3});
            }
        }
    }
    s.Validate("test");
    return s;
}

/// The message of parsing `text` ("" if it parses).
std::string
ParseError(const std::string& text)
{
    try
    {
        LlmReplacementPolicy::Parse(text, "--replace");
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/// A trace setting the running plan's link a -> b to `bps` at `t`.
LlmLinkTrace
DropTrace(const LlmScenario& s, std::size_t a, std::size_t b, double t, double bps)
{
    const std::string csv = "time_s,from,to,bps\n" + std::to_string(t) + ","
                            + s.GetServers()[a].name + "," + s.GetServers()[b].name + ","
                            + std::to_string(bps) + "\n";
    return LlmLinkTrace::Parse(csv, "drop.csv", s);
}

} // namespace

/**
 * @ingroup edge-llm-tests
 * Parsing of the policy option.
 */
class LlmReplacementPolicyParseTestCase : public TestCase
{
  public:
    LlmReplacementPolicyParseTestCase()
        : TestCase("policy option: never, periodic, threshold; bad values named")
    {
    }

  private:
    void DoRun() override
    {
        using K = LlmReplacementPolicy::Kind;
        NS_TEST_ASSERT_MSG_EQ((LlmReplacementPolicy::Parse("never", "x").kind == K::NEVER),
                              true,
                              "never");
        const auto p = LlmReplacementPolicy::Parse("periodic:15", "x");
        NS_TEST_ASSERT_MSG_EQ((p.kind == K::PERIODIC), true, "periodic");
        NS_TEST_ASSERT_MSG_EQ(p.periodSeconds, 15, "period");
        const auto t = LlmReplacementPolicy::Parse("threshold:5:0.2:3:60", "x");
        NS_TEST_ASSERT_MSG_EQ((t.kind == K::THRESHOLD), true, "threshold");
        NS_TEST_ASSERT_MSG_EQ(t.periodSeconds, 5, "period");
        NS_TEST_ASSERT_MSG_EQ(t.threshold, 0.2, "theta");
        NS_TEST_ASSERT_MSG_EQ(t.confirmations, 3, "confirmations");
        NS_TEST_ASSERT_MSG_EQ(t.dwellSeconds, 60, "dwell");
        const auto d = LlmReplacementPolicy::Parse("threshold:5:0.2", "x");
        NS_TEST_ASSERT_MSG_EQ(d.confirmations, 2, "default confirmations");

        for (const std::string bad : {"",
                                      "sometimes",
                                      "never:1",
                                      "periodic",
                                      "periodic:0",
                                      "periodic:-1",
                                      "periodic:1:2",
                                      "threshold:10",
                                      "threshold:10:abc",
                                      "threshold:10:0.1:0",
                                      "threshold:10:0.1:2:-5",
                                      "threshold:1:0.1:2:3:4"})
        {
            const std::string e = ParseError(bad);
            NS_TEST_ASSERT_MSG_EQ((e.find("--replace") == 0), true, "names the option: " + bad);
        }
        NS_TEST_ASSERT_MSG_EQ((ParseError("threshold:10:abc").find("THETA") != std::string::npos),
                              true,
                              "names the field");
    }
};

/**
 * @ingroup edge-llm-tests
 * M: the weight bytes of moved layers over their links, pairs in parallel.
 */
class LlmReplacementMigrationTestCase : public TestCase
{
  public:
    LlmReplacementMigrationTestCase()
        : TestCase("migration time: bytes of moved layers, pairs in parallel, a pair in sequence")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = PolicyScenario();
        const LlmCostModel m(s);
        const double oneLayer = 1e6 * 16 / 8; // p_l · b / 8 at 16 bits
        uint64_t bytes = 0;
        uint32_t layers = 0;
        // Two pairs (s0 -> s1, s1 -> s2): in parallel.
        double t = LlmReplacementPolicy::MigrationSeconds(m,
                                                          {{0, 16}, {1, 16}},
                                                          {{1, 16}, {2, 16}},
                                                          &bytes,
                                                          &layers);
        NS_TEST_ASSERT_MSG_EQ_TOL(t, oneLayer * 8 / 1e8 + 1e-3, 1e-12, "parallel pairs");
        NS_TEST_ASSERT_MSG_EQ(bytes, 2 * oneLayer, "bytes");
        NS_TEST_ASSERT_MSG_EQ(layers, 2, "layers");
        // One pair carries both: in sequence.
        t = LlmReplacementPolicy::MigrationSeconds(m, {{0, 16}, {0, 16}}, {{1, 16}, {1, 16}});
        NS_TEST_ASSERT_MSG_EQ_TOL(t, 2 * oneLayer * 8 / 1e8 + 1e-3, 1e-12, "one pair");
        // Same placement: nothing moves.
        t = LlmReplacementPolicy::MigrationSeconds(m,
                                                   {{0, 16}, {1, 16}},
                                                   {{0, 16}, {1, 16}},
                                                   &bytes,
                                                   &layers);
        NS_TEST_ASSERT_MSG_EQ(t, 0, "nothing moves");
        NS_TEST_ASSERT_MSG_EQ(layers, 0, "no layer");
        // Bits only: requantized in place, counted as moved but no transfer.
        t = LlmReplacementPolicy::MigrationSeconds(m,
                                                   {{0, 16}, {1, 16}},
                                                   {{0, 8}, {1, 16}},
                                                   &bytes,
                                                   &layers);
        NS_TEST_ASSERT_MSG_EQ(t, 0, "in place");
        NS_TEST_ASSERT_MSG_EQ(layers, 1, "one layer requantized");
        // No link: infeasible.
        LlmScenario cut = s;
        cut.GetLinks().erase(cut.GetLinks().begin()); // s0 -> s1
        const LlmCostModel mc(cut);
        t = LlmReplacementPolicy::MigrationSeconds(mc, {{0, 16}, {1, 16}}, {{1, 16}, {2, 16}});
        NS_TEST_ASSERT_MSG_EQ((t == LlmCostModel::INFEASIBLE), true, "no link");
    }
};

/**
 * @ingroup edge-llm-tests
 * The policies on a link that degrades, a trace that never changes and one that flaps.
 */
class LlmReplacementDecisionTestCase : public TestCase
{
  public:
    LlmReplacementDecisionTestCase()
        : TestCase("policies: never, periodic, threshold with confirmation, dwell and worth")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = PolicyScenario();
        const auto solver = LlmSolverFactory::Create("exhaustive");
        const LlmCostModel m0(s);
        const LlmPlan p0 = solver->Solve(m0);
        NS_TEST_ASSERT_MSG_EQ(p0.HasPlacement(), true, "static plan");
        const LlmPlacement running = p0.placement;
        const std::size_t a = running[0].server;
        const std::size_t b = running[1].server;
        NS_TEST_ASSERT_MSG_NE(a, b, "two servers");

        // A trace that never changes: no policy migrates.
        const LlmLinkTrace same = DropTrace(s, a, b, 10, 1e8);
        for (const std::string kind : {"never", "periodic:10", "threshold:10:0:1:0"})
        {
            LlmReplacementPolicy policy(LlmReplacementPolicy::Parse(kind, "x"), *solver);
            for (int k = 1; k <= 5; ++k)
            {
                const auto d = policy.Check(10.0 * k,
                                            LlmReplacementPolicy::ScenarioAt(s, same, 10.0 * k),
                                            running,
                                            1.0);
                NS_TEST_ASSERT_MSG_EQ(d.migrate, false, kind + ": constant trace");
                NS_TEST_ASSERT_MSG_EQ_TOL(d.currentSeconds, p0.objective, 1e-12, "T_cur");
            }
        }

        // The plan's link drops 1000×.
        const LlmLinkTrace drop = DropTrace(s, a, b, 10, 1e5);
        const LlmScenario at20 = LlmReplacementPolicy::ScenarioAt(s, drop, 20);
        NS_TEST_ASSERT_MSG_EQ(LlmCostModel(at20).LinkBps(a, b), 1e5, "ScenarioAt");
        const LlmScenario at5 = LlmReplacementPolicy::ScenarioAt(s, drop, 5);
        NS_TEST_ASSERT_MSG_EQ(LlmCostModel(at5).LinkBps(a, b), 1e8, "before the row");
        {
            LlmReplacementPolicy never(LlmReplacementPolicy::Parse("never", "x"), *solver);
            const auto d = never.Check(20, at20, running, 1.0);
            NS_TEST_ASSERT_MSG_EQ((d.migrate || d.solved), false, "never re-solves");
            NS_TEST_ASSERT_MSG_GT(d.currentSeconds, 100 * p0.objective, "T_cur degraded");
        }
        {
            LlmReplacementPolicy periodic(LlmReplacementPolicy::Parse("periodic:10", "x"), *solver);
            const auto d = periodic.Check(20, at20, running, 1.0);
            NS_TEST_ASSERT_MSG_EQ(d.migrate, true, "periodic migrates");
            NS_TEST_ASSERT_MSG_LT(d.bestSeconds, d.currentSeconds, "better");
            NS_TEST_ASSERT_MSG_GT(d.migrationSeconds, 0, "pays the move");
            NS_TEST_ASSERT_MSG_GT(d.layersMoved, 0, "moves");
            // At the very end of the run a move is not worth it.
            LlmReplacementPolicy late(LlmReplacementPolicy::Parse("periodic:10", "x"), *solver);
            const double f = 0.5 * d.migrationSeconds / (d.currentSeconds - d.bestSeconds);
            const auto e = late.Check(20, at20, running, f);
            NS_TEST_ASSERT_MSG_EQ(e.migrate, false, "not worth it with little left");
            // Worth its weights, not its KV replay: the tokens already generated are replayed
            // on the new plan at T_best per n of them.
            const double saving = d.currentSeconds - d.bestSeconds;
            const double rho = 1.5 * (saving - d.migrationSeconds) / d.bestSeconds;
            LlmReplacementPolicy replaying(LlmReplacementPolicy::Parse("periodic:10", "x"),
                                           *solver);
            const auto g = replaying.Check(20, at20, running, 1.0, rho);
            NS_TEST_ASSERT_MSG_EQ(g.migrate, false, "not worth its replay");
            NS_TEST_ASSERT_MSG_EQ_TOL(g.replaySeconds, rho * g.bestSeconds, 1e-9, "R = rho T_best");
            NS_TEST_ASSERT_MSG_EQ((g.reason.find("replay") != std::string::npos), true, g.reason);
            LlmReplacementPolicy cheap(LlmReplacementPolicy::Parse("periodic:10", "x"), *solver);
            NS_TEST_ASSERT_MSG_EQ(cheap.Check(20, at20, running, 1.0, rho / 3).migrate,
                                  true,
                                  "a replay the saving still covers");
        }
        {
            LlmReplacementPolicy threshold(LlmReplacementPolicy::Parse("threshold:10:0.1:2:0", "x"),
                                           *solver);
            NS_TEST_ASSERT_MSG_EQ(threshold.Check(20, at20, running, 1.0).migrate,
                                  false,
                                  "first excess: waits for confirmation");
            const auto d = threshold.Check(30, at20, running, 1.0);
            NS_TEST_ASSERT_MSG_EQ(d.migrate, true, "confirmed");
            // A threshold above the excess never migrates.
            const double excess = d.currentSeconds / d.bestSeconds - 1;
            LlmReplacementPolicy high(
                LlmReplacementPolicy::Parse("threshold:10:" + std::to_string(2 * excess) + ":1:0",
                                            "x"),
                *solver);
            NS_TEST_ASSERT_MSG_EQ(high.Check(20, at20, running, 1.0).migrate,
                                  false,
                                  "below the threshold");
        }

        // Flapping: the slow link alternates between the static plan's link and the link of
        // the plan that avoids it. Periodic moves away and back at every check; the threshold
        // policy's dwell keeps it from moving back.
        {
            const LlmCostModel m20(at20);
            const LlmPlan p1 = solver->Solve(m20);
            const std::size_t c = p1.placement[0].server;
            const std::size_t e = p1.placement[1].server;
            NS_TEST_ASSERT_MSG_EQ(((c == a && e == b) || c == e), false, "another link");
            auto flap = [&](const std::string& kind) {
                LlmReplacementPolicy policy(LlmReplacementPolicy::Parse(kind, "x"), *solver);
                LlmPlacement cur = running;
                uint32_t migrations = 0;
                for (int k = 1; k <= 8; ++k)
                {
                    const bool slow = k % 2 == 1;
                    const LlmLinkTrace t =
                        slow ? DropTrace(s, a, b, 0, 1e5) : DropTrace(s, c, e, 0, 1e5);
                    const auto d = policy.Check(10.0 * k,
                                                LlmReplacementPolicy::ScenarioAt(s, t, 10.0 * k),
                                                cur,
                                                1.0);
                    if (d.migrate)
                    {
                        cur = d.plan.placement;
                        ++migrations;
                    }
                }
                return migrations;
            };
            const uint32_t periodic = flap("periodic:10");
            const uint32_t damped = flap("threshold:10:0.1:1:1000");
            NS_TEST_ASSERT_MSG_GT(periodic, 2, "periodic follows every flap");
            NS_TEST_ASSERT_MSG_EQ(damped, 1, "the dwell time stops the flapping");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The re-placement policy suite.
 */
class LlmReplacementPolicyTestSuite : public TestSuite
{
  public:
    LlmReplacementPolicyTestSuite()
        : TestSuite("edge-llm-replacement-policy", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmReplacementPolicyParseTestCase);
        AddTestCase(new LlmReplacementMigrationTestCase);
        AddTestCase(new LlmReplacementDecisionTestCase);
    }
};

/// The suite's instance.
static LlmReplacementPolicyTestSuite g_llmReplacementPolicyTestSuite;

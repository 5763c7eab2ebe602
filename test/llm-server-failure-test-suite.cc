// SPDX-License-Identifier: GPL-2.0-only

// Server failures: the failure schedule (parser and random process) and runs in which servers
// fail: detection, re-plan, replay of the KV cache, token accounting.

#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/test.h"

#include <map>
#include <set>

using namespace ns3;

namespace
{

/**
 * `layers` identical layers on `servers` servers in a full mesh (one layer per server): every
 * token crosses the servers of the plan, each layer's output a `messageBytes` message.
 */
LlmScenario
FailureScenario(uint32_t layers, uint32_t servers, uint32_t tokens, uint32_t messageBytes = 32768)
{
    std::vector<LlmLayer> ls(layers);
    for (uint32_t l = 0; l < layers; ++l)
    {
        ls[l].name = "l" + std::to_string(l);
        ls[l].params = 1000000;
        ls[l].flopsPerToken = 2e8; // about 1 ms of compute per token and layer
        ls[l].outputElementsPerToken = messageBytes / 16; // β = 16, 8 bits
        ls[l].weightMaxAbs = 0.3;
    }
    LlmScenario s;
    s.SetModel(LlmProfile("failure", 32, ls));
    s.GetWorkload() = {tokens, 16};
    s.GetQuantization() = {8, 32, 8, 1e-3};
    for (uint32_t i = 0; i < servers; ++i)
    {
        s.GetServers().push_back({"s" + std::to_string(i), 4e9 + 1e9 * i, std::nullopt});
    }
    for (uint32_t i = 0; i < servers; ++i)
    {
        for (uint32_t j = 0; j < servers; ++j)
        {
            if (i != j)
            {
                s.GetLinks().push_back(
                    {"s" + std::to_string(i), "s" + std::to_string(j), 2e8, 1e-4});
            }
        }
    }
    s.Validate("test");
    return s;
}

/// Whether a text holds a fragment.
bool
Contains(const std::string& text, const std::string& fragment)
{
    return text.find(fragment) != std::string::npos;
}

/// The message of the LlmInputError the function throws ("" if it throws none).
template<typename F>
std::string
ErrorOf(F f)
{
    try
    {
        f();
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/// What a run with failures saw through the client's traces.
struct Observed
{
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> done;   //!< (request, token) -> TokenDone
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> failed; //!< (request, token) -> failed
    std::map<std::pair<uint32_t, uint32_t>, double> doneAt;   //!< (request, token) -> time, s
    std::vector<double> replanAt;                             //!< Re-plan times, s
    std::vector<uint32_t> replayTokens;                       //!< Tokens of each replay
    double replayCompute{0};                                  //!< Σ of replay jobs' compute, s
    Ptr<const LlmPipeline> finalPipeline;                     //!< The last pipeline
};

void
OnDone(Observed* o, uint32_t request, uint32_t token, Time)
{
    ++o->done[{request, token}];
    o->doneAt[{request, token}] = Simulator::Now().GetSeconds();
}

void
OnFailed(Observed* o, uint32_t request, uint32_t token)
{
    ++o->failed[{request, token}];
}

void
OnReplan(Observed* o, uint32_t, const std::vector<uint32_t>&)
{
    o->replanAt.push_back(Simulator::Now().GetSeconds());
}

void
OnReplayDone(Observed* o, uint32_t, uint32_t tokens, Time)
{
    o->replayTokens.push_back(tokens);
}

/// (The client by raw pointer: a Ptr bound into its own trace would keep it alive for good.)
void
OnAllDone(Observed* o, EdgeLlmClientApplication* client)
{
    o->finalPipeline = client->GetPipeline();
}

void
OnReplayJob(Observed* o, uint32_t, uint32_t, uint32_t, double seconds)
{
    o->replayCompute += seconds;
}

/// Simulate a plan with failures, observing the client's and servers' traces.
LlmSimulationResult
RunWithFailures(const LlmScenario& s,
                const LlmPlan& plan,
                const LlmTransportSetting& setting,
                const std::string& fail,
                Observed* o,
                double failureTimeout = 0)
{
    LlmSimulation run(s, plan, setting);
    run.SetRngRun(1);
    if (!fail.empty())
    {
        run.SetFailureSchedule(LlmFailureSchedule::Parse({fail}, "test", "--fail", s),
                               failureTimeout);
    }
    run.SetInstalledCallback([o](LlmPlacementHelper& helper) {
        Ptr<EdgeLlmClientApplication> c = helper.GetClient();
        c->TraceConnectWithoutContext("TokenDone", MakeBoundCallback(&OnDone, o));
        c->TraceConnectWithoutContext("TokenFailed", MakeBoundCallback(&OnFailed, o));
        c->TraceConnectWithoutContext("Replan", MakeBoundCallback(&OnReplan, o));
        c->TraceConnectWithoutContext("ReplayDone", MakeBoundCallback(&OnReplayDone, o));
        for (uint32_t i = 0; i < helper.GetScenario().GetServers().size(); ++i)
        {
            if (Ptr<EdgeLlmServerApplication> app = helper.GetServer(i))
            {
                app->TraceConnectWithoutContext("Replay", MakeBoundCallback(&OnReplayJob, o));
            }
        }
        helper.AddServerStartedCallback([o](uint32_t, Ptr<EdgeLlmServerApplication> app) {
            app->TraceConnectWithoutContext("Replay", MakeBoundCallback(&OnReplayJob, o));
        });
        // Read the client's last pipeline when the run ends (the client is gone after it).
        c->TraceConnectWithoutContext("AllDone", MakeBoundCallback(&OnAllDone, o, PeekPointer(c)));
    });
    return run.Run();
}

/**
 * @ingroup edge-llm-tests
 * The failure schedule reads items strictly and names the bad one.
 */
class LlmFailureScheduleParseTestCase : public TestCase
{
  public:
    LlmFailureScheduleParseTestCase()
        : TestCase("Failure schedule: items read, bad items refused naming the item")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = FailureScenario(2, 3, 2);
        const LlmFailureSchedule f =
            LlmFailureSchedule::Parse({"s2@1e+1+5,s0@3", "s1@0.5"}, "command line", "--fail", s);
        NS_TEST_ASSERT_MSG_EQ(f.GetFailures().size(), 3, "three items over two values");
        NS_TEST_ASSERT_MSG_EQ(f.GetFailures()[0].server, "s1", "sorted by time");
        NS_TEST_ASSERT_MSG_EQ_TOL(f.GetFailures()[2].timeSeconds, 10, 1e-12, "1e+1 s");
        NS_TEST_ASSERT_MSG_EQ(f.GetFailures()[2].repairSeconds.has_value(), true, "repair");
        NS_TEST_ASSERT_MSG_EQ_TOL(*f.GetFailures()[2].repairSeconds, 5, 1e-12, "+5 s");
        NS_TEST_ASSERT_MSG_EQ(f.GetFailures()[1].repairSeconds.has_value(), false, "for good");
        NS_TEST_ASSERT_MSG_EQ(f.ToText(), "s1@0.5,s0@3,s2@10+5", "as items");

        const auto bad = [&s](const std::string& item) {
            return ErrorOf(
                [&]() { LlmFailureSchedule::Parse({item}, "command line", "--fail", s); });
        };
        const std::string unknown = bad("s0@1,mars@10");
        NS_TEST_ASSERT_MSG_EQ(Contains(unknown,
                                       "command line: --fail item 2 (mars@10): server: expected "
                                       "the name of a scenario server, got \"mars\""),
                              true,
                              unknown);
        const std::string negative = bad("s1@-5");
        NS_TEST_ASSERT_MSG_EQ(Contains(negative,
                                       "--fail item 1 (s1@-5): time: expected a failure "
                                       "time of 0 ... 1e9 s, got \"-5\""),
                              true,
                              negative);
        const std::string text = bad("s1@soon");
        NS_TEST_ASSERT_MSG_EQ(Contains(text,
                                       "--fail item 1 (s1@soon): time: expected a failure "
                                       "time of 0 ... 1e9 s, got \"soon\""),
                              true,
                              text);
        const std::string syntax = bad("s1");
        NS_TEST_ASSERT_MSG_EQ(Contains(syntax, "--fail item 1 (s1): expected SERVER@TIME[+REPAIR]"),
                              true,
                              syntax);
        const std::string empty = bad("s1@1,,s2@2");
        NS_TEST_ASSERT_MSG_EQ(Contains(empty, "--fail item 2 (): expected SERVER@TIME"),
                              true,
                              empty);
        const std::string repair = bad("s1@1+0");
        NS_TEST_ASSERT_MSG_EQ(Contains(repair,
                                       "--fail item 1 (s1@1+0): repair: expected a repair "
                                       "time of 0 < REPAIR <= 1e9 s"),
                              true,
                              repair);
        const std::string twice = bad("s1@1+5,s1@3");
        NS_TEST_ASSERT_MSG_EQ(Contains(twice,
                                       "--fail item (s1@3): expected a server that is up "
                                       "when it fails, but s1 is still down at 3 s (failed "
                                       "at 1 s, back at 6 s)"),
                              true,
                              twice);
        NS_TEST_ASSERT_MSG_EQ(bad("s1@1+5,s1@6"), "", "failing again once back is fine");
    }
};

/**
 * @ingroup edge-llm-tests
 * The exponential failure process: reproducible by seed, one failure per server without
 * repair, none before a zero horizon, bad values refused.
 */
class LlmFailureScheduleRandomTestCase : public TestCase
{
  public:
    LlmFailureScheduleRandomTestCase()
        : TestCase("Failure schedule: seeded exponential process")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = FailureScenario(2, 40, 2);
        LlmFailureSchedule::RandomProcess p;
        p.mtbfSeconds = 100;
        p.horizonSeconds = 1e6;
        const LlmFailureSchedule a = LlmFailureSchedule::Random(s, p);
        const LlmFailureSchedule b = LlmFailureSchedule::Random(s, p);
        NS_TEST_ASSERT_MSG_EQ(a.ToText(), b.ToText(), "same seed, same schedule");
        NS_TEST_ASSERT_MSG_EQ(a.GetFailures().size(), 40, "each server once (no repair)");
        double sum = 0;
        for (const auto& f : a.GetFailures())
        {
            sum += f.timeSeconds;
        }
        // The mean of 40 exponential draws of mean 100 s: within 50 ... 150 s (about 3 sigma).
        NS_TEST_ASSERT_MSG_GT(sum / 40, 50.0, "mean near the MTBF");
        NS_TEST_ASSERT_MSG_LT(sum / 40, 150.0, "mean near the MTBF");
        p.seed = 2;
        NS_TEST_ASSERT_MSG_NE(LlmFailureSchedule::Random(s, p).ToText(), a.ToText(), "seed 2");
        p.repairSeconds = 10;
        p.horizonSeconds = 1000;
        const LlmFailureSchedule r = LlmFailureSchedule::Random(s, p);
        NS_TEST_ASSERT_MSG_GT(r.GetFailures().size(), 40, "repaired servers fail again");
        for (const auto& f : r.GetFailures())
        {
            NS_TEST_ASSERT_MSG_LT_OR_EQ(f.timeSeconds, 1000.0, "within the horizon");
        }
        p.horizonSeconds = 0;
        NS_TEST_ASSERT_MSG_EQ(LlmFailureSchedule::Random(s, p).IsEmpty(), true, "no horizon");
        p.mtbfSeconds = -1;
        NS_TEST_ASSERT_MSG_EQ(
            Contains(ErrorOf([&]() { LlmFailureSchedule::Random(s, p, "--fail-mtbf"); }),
                     "--fail-mtbf: MTBF: expected a mean time between failures"),
            true,
            "negative MTBF refused");
    }
};

/**
 * @ingroup edge-llm-tests
 * A server that hosts no layer fails mid-run: nothing changes (same completion time, every
 * token once, no re-plan).
 */
class LlmIdleServerFailureTestCase : public TestCase
{
  public:
    LlmIdleServerFailureTestCase()
        : TestCase("A failure of a server that hosts no layer changes nothing")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = FailureScenario(3, 6, 8);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        std::set<std::size_t> hosts;
        for (const auto& a : plan.placement)
        {
            hosts.insert(a.server);
        }
        std::string idle;
        for (std::size_t i = 0; i < s.GetServers().size() && idle.empty(); ++i)
        {
            idle = hosts.count(i) ? "" : s.GetServers()[i].name;
        }
        for (const std::string transport : {"tcp", "udp"})
        {
            LlmTransportSetting t;
            t.transport = transport;
            Observed none;
            const LlmSimulationResult a = RunWithFailures(s, plan, t, "", &none);
            Observed some;
            const LlmSimulationResult b =
                RunWithFailures(s,
                                plan,
                                t,
                                idle + "@" + LlmTextParse::Format(a.simulatedSeconds / 2),
                                &some);
            NS_TEST_ASSERT_MSG_EQ(b.serversFailed, 1, transport << ": the failure happened");
            NS_TEST_ASSERT_MSG_EQ(b.replans, 0, transport << ": no re-plan");
            NS_TEST_ASSERT_MSG_EQ(b.simulatedSeconds,
                                  a.simulatedSeconds,
                                  transport << ": same completion time");
            NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted, 8, transport << ": every token");
            NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted, a.tokensCompleted, transport << ": same");
            NS_TEST_ASSERT_MSG_EQ(b.tokensFailed, 0, transport << ": none failed");
            NS_TEST_ASSERT_MSG_EQ(Contains(b.ToJson(), "\"replans\": 0"), true, "reported");
            NS_TEST_ASSERT_MSG_EQ(Contains(a.ToJson(), "replans"), false, "not without failures");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * A server hosting a layer fails in the middle of a token, under TCP and UDP and with two
 * requests: the client detects it, re-plans without it, replays the KV cache and goes on; every
 * token is delivered once (counted per request and token), completed + failed = requested, and
 * no token ran without its KV cache. The replay is real: the first token after the re-plan
 * comes at least the replay's compute later, and that compute is t tokens' worth of the new
 * pipeline's layers.
 */
class LlmHostingServerFailureTestCase : public TestCase
{
  public:
    LlmHostingServerFailureTestCase()
        : TestCase("A failure mid-token of a hosting server: re-plan, replay, every token once")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = FailureScenario(3, 6, 8);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        // The middle layer's server: neither the client's node (the first layer's) nor idle.
        const std::string victim = s.GetServers()[plan.placement[1].server].name;
        for (const auto& [transport, requests] :
             std::vector<std::pair<std::string, uint32_t>>{{"tcp", 1}, {"udp", 1}, {"tcp", 2}})
        {
            const std::string what = transport + ", " + std::to_string(requests) + " request(s)";
            LlmTransportSetting t;
            t.transport = transport;
            t.requests = requests;
            Observed plain;
            const LlmSimulationResult a = RunWithFailures(s, plan, t, "", &plain);
            // Fail the server while the middle token of the run is computing at it.
            const double at = a.simulatedSeconds * 0.55;
            Observed o;
            const LlmSimulationResult b =
                RunWithFailures(s, plan, t, victim + "@" + LlmTextParse::Format(at), &o);
            const uint64_t requested = 8ull * requests;
            NS_TEST_ASSERT_MSG_EQ(b.tokensRequested, requested, what);
            NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted + b.tokensFailed, requested, what);
            NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted, requested, what << ": all recovered");
            NS_TEST_ASSERT_MSG_EQ(b.tokensUnfinished, 0, what << ": none cut off");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(b.replans, 1, what << ": re-planned");
            NS_TEST_ASSERT_MSG_GT(b.replaySeconds, 0.0, what << ": replayed");
            NS_TEST_ASSERT_MSG_EQ(b.kvMisses, 0, what << ": every job had its KV cache");
            NS_TEST_ASSERT_MSG_GT(b.simulatedSeconds, a.simulatedSeconds, what << ": it costs");
            // Each (request, token) delivered at most once, and every completed one was.
            uint64_t delivered = 0;
            for (const auto& [key, count] : o.done)
            {
                NS_TEST_ASSERT_MSG_EQ(count,
                                      1,
                                      what << ": token " << key.second << " of request "
                                           << key.first << " delivered once");
                NS_TEST_ASSERT_MSG_EQ(o.failed.count(key), 0, what << ": not also failed");
                ++delivered;
            }
            NS_TEST_ASSERT_MSG_EQ(delivered, b.tokensCompleted, what << ": traces agree");
            NS_TEST_ASSERT_MSG_EQ(b.replanEvents.size(), b.replans, what << ": recorded");
            NS_TEST_ASSERT_MSG_EQ(b.replanEvents.front().failed.front(), victim, what);
            NS_TEST_ASSERT_MSG_GT(b.replanEvents.front().layersMoved, 0, what << ": moved");

            // The replay is paid for: t tokens × the new pipeline's per-token compute.
            NS_TEST_ASSERT_MSG_EQ(o.replayTokens.empty(), false, what << ": a replay ended");
            NS_TEST_ASSERT_MSG_EQ((o.finalPipeline != nullptr), true, what);
            double perToken = 0;
            for (const auto& st : o.finalPipeline->stages)
            {
                perToken += st.operations / s.GetServers()[st.server].ccsHz;
            }
            double tokensReplayed = 0;
            for (uint32_t k : o.replayTokens)
            {
                tokensReplayed += k;
            }
            NS_TEST_ASSERT_MSG_GT(tokensReplayed, 0.0, what << ": earlier tokens replayed");
            NS_TEST_ASSERT_MSG_EQ_TOL(o.replayCompute,
                                      tokensReplayed * perToken,
                                      1e-6,
                                      what << ": replay compute = t × a token's compute");
            // The first token after the (last) re-plan waits for the replay's compute.
            const double replan = o.replanAt.back();
            double first = INFINITY;
            for (const auto& [key, when] : o.doneAt)
            {
                if (when >= replan)
                {
                    first = std::min(first, when);
                }
            }
            NS_TEST_ASSERT_MSG_GT_OR_EQ(first - replan,
                                        o.replayCompute / requests,
                                        what << ": the next token comes after the replay");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(b.replaySeconds,
                                        o.replayCompute / requests,
                                        what << ": replay_s holds the replay's compute");
            const std::string json = b.ToJson();
            NS_TEST_ASSERT_MSG_EQ(Contains(json, "\"replay_s\": "), true, json);
            NS_TEST_ASSERT_MSG_EQ(Contains(b.ToText(), "Re-plans: "), true, b.ToText());
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Failures that leave no pipeline end in "no-path", never in a hang: the client's own server
 * (the first layer's, where the request source runs), and too few servers left for the layers.
 * A server that comes back before the timeout has lost its state and is re-planned around.
 */
class LlmNoPathFailureTestCase : public TestCase
{
  public:
    LlmNoPathFailureTestCase()
        : TestCase("No pipeline left: remaining tokens fail with no-path; a repaired server")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = FailureScenario(3, 5, 8);
        const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
        LlmTransportSetting t;
        Observed plain;
        const LlmSimulationResult a = RunWithFailures(s, plan, t, "", &plain);
        const std::string at = LlmTextParse::Format(a.simulatedSeconds / 2);
        const auto name = [&](std::size_t l) {
            return s.GetServers()[plan.placement[l].server].name;
        };
        std::string idle;
        for (std::size_t i = 0; i < s.GetServers().size(); ++i)
        {
            bool hosts = false;
            for (const auto& a : plan.placement)
            {
                hosts = hosts || a.server == i;
            }
            idle = hosts ? idle : s.GetServers()[i].name;
        }

        for (const auto& [fail, what] : std::vector<std::pair<std::string, std::string>>{
                 {name(0) + "@" + at, "the client's own server"},
                 {name(1) + "@" + at + "," + name(2) + "@" + at + "," + idle + "@" + at,
                  "3 layers on the 2 servers left"}})
        {
            Observed o;
            const LlmSimulationResult b = RunWithFailures(s, plan, t, fail, &o, 0.01);
            NS_TEST_ASSERT_MSG_EQ(b.tokensCompleted + b.tokensFailed, 8, what);
            NS_TEST_ASSERT_MSG_EQ(b.tokensUnfinished, 0, what << ": no hang");
            NS_TEST_ASSERT_MSG_EQ(b.stoppedBySafetyLimit, false, what);
            NS_TEST_ASSERT_MSG_GT(b.tokensCompleted, 0, what << ": tokens before it");
            const auto noPath = b.failures.find("no-path");
            NS_TEST_ASSERT_MSG_EQ((noPath != b.failures.end() ? noPath->second : 0),
                                  b.tokensFailed,
                                  what << ": every failed token has the reason");
            NS_TEST_ASSERT_MSG_EQ(b.replans, 0, what << ": no pipeline installed");
            NS_TEST_ASSERT_MSG_EQ(b.replanEvents.size(), 1, what);
            NS_TEST_ASSERT_MSG_EQ(b.replanEvents[0].planned, false, what);
            NS_TEST_ASSERT_MSG_LT(b.endSeconds, a.simulatedSeconds, what << ": ends early");
        }

        // Back 1 ms later, before the 10 ms timeout: up, but without its jobs and KV cache.
        Observed o;
        const LlmSimulationResult c =
            RunWithFailures(s, plan, t, name(1) + "@" + at + "+0.001", &o, 0.01);
        NS_TEST_ASSERT_MSG_EQ(c.serversRepaired, 1, "repaired");
        NS_TEST_ASSERT_MSG_EQ(c.tokensCompleted, 8, "every token after the repair");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(c.replans, 1, "the lost state is re-planned around");
        NS_TEST_ASSERT_MSG_EQ(c.kvMisses, 0, "replayed");

        // The same on Wi-Fi D2D (one-hop static routes, which the node gets back with it).
        LlmTransportSetting wifi;
        wifi.d2d = "wifi-ax";
        Observed w;
        const LlmSimulationResult d =
            RunWithFailures(s, plan, wifi, name(1) + "@" + at + "+0.001", &w, 0.01);
        NS_TEST_ASSERT_MSG_EQ(d.serversRepaired, 1, "Wi-Fi: repaired");
        NS_TEST_ASSERT_MSG_EQ(d.tokensCompleted, 8, "Wi-Fi: every token after the repair");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(d.replans, 1, "Wi-Fi: re-planned");
    }
};

/**
 * @ingroup edge-llm-tests
 * Failure schedule unit suite.
 */
class LlmFailureScheduleTestSuite : public TestSuite
{
  public:
    LlmFailureScheduleTestSuite()
        : TestSuite("edge-llm-failure-schedule", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmFailureScheduleParseTestCase());
        AddTestCase(new LlmFailureScheduleRandomTestCase());
    }
};

/**
 * @ingroup edge-llm-tests
 * Server failure system suite.
 */
class LlmServerFailureTestSuite : public TestSuite
{
  public:
    LlmServerFailureTestSuite()
        : TestSuite("edge-llm-server-failure", TestSuite::Type::SYSTEM)
    {
        AddTestCase(new LlmIdleServerFailureTestCase());
        AddTestCase(new LlmHostingServerFailureTestCase());
        AddTestCase(new LlmNoPathFailureTestCase());
    }
};

/// Static instances.
LlmFailureScheduleTestSuite g_llmFailureScheduleTestSuite;
LlmServerFailureTestSuite g_llmServerFailureTestSuite;

} // namespace

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-test-scenarios.h"
#include "ns3/core-module.h"
#include "ns3/edge-llm-module.h"
#include "ns3/network-module.h"
#include "ns3/test.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

using namespace ns3;

namespace
{

/**
 * `layers` identical layers (output message `messageBytes` at 16 bits for β = 8; compute
 * FLOPS·β·16/32 = 8e7 operations, 8 ms at 1e10 Hz) on `servers` edge servers at 1e10 Hz, with
 * the given directed links (both directions of each pair), `bps` and a 1 ms delay.
 */
LlmScenario
Infrastructure(uint32_t layers,
               uint32_t servers,
               const std::vector<std::pair<uint32_t, uint32_t>>& pairs,
               uint32_t tokens = 4,
               uint32_t messageBytes = 20000,
               double bps = 1e8)
{
    std::vector<LlmLayer> ls(layers);
    for (uint32_t l = 0; l < layers; ++l)
    {
        ls[l].name = "l" + std::to_string(l);
        ls[l].params = 1000000;
        ls[l].flopsPerToken = 2e7;
        ls[l].outputElementsPerToken = messageBytes / 16; // β = 8, 16 bits: 2 bytes each
        ls[l].weightMaxAbs = 0.3;
    }
    LlmScenario s;
    s.SetModel(LlmProfile("toy", 32, ls));
    s.GetWorkload() = {tokens, 8};
    s.GetQuantization() = {8, 32, 8, 1e-3};
    s.SetMaxLayersPerServer(std::nullopt);
    for (uint32_t i = 0; i < servers; ++i)
    {
        s.GetServers().push_back({"s" + std::to_string(i), 1e10, std::nullopt});
    }
    for (const auto& [a, b] : pairs)
    {
        const std::string x = "s" + std::to_string(a);
        const std::string y = "s" + std::to_string(b);
        s.GetLinks().push_back({x, y, bps, 1e-3});
        s.GetLinks().push_back({y, x, bps, 1e-3});
    }
    s.Validate("test");
    return s;
}

/// A tenant of the scenario's model, n and β, with its requests starting together.
LlmTenant
Tenant(const std::string& name, const LlmScenario& s, uint32_t requests)
{
    LlmTenant t;
    t.name = name;
    t.model = s.GetModel();
    t.workload = s.GetWorkload();
    t.quantization = s.GetQuantization();
    t.user = s.GetUser();
    t.arrival.requests = requests;
    return t;
}

/// A plan placing layer l on servers[l] at 16 bits (checked by LlmMultiSimulation).
LlmPlan
HandPlan(const std::vector<std::size_t>& servers)
{
    LlmPlan p;
    p.solver = "hand";
    p.status = LlmSolverStatus::FEASIBLE;
    for (std::size_t server : servers)
    {
        p.placement.push_back({server, 16});
    }
    return p;
}

/// A several-model scenario on an infrastructure, built through its public members.
LlmMultiScenario
Multi(const LlmScenario& infrastructure, const std::vector<LlmTenant>& tenants)
{
    LlmMultiScenario ms;
    ms.GetInfrastructure() = infrastructure;
    ms.GetTenants() = tenants;
    return ms;
}

/// A setting with a large queue (only contention, no drop).
LlmTransportSetting
Setting(const std::string& transport)
{
    LlmTransportSetting t;
    t.name = transport;
    t.transport = transport;
    t.queueSize = "10000p";
    return t;
}

/**
 * @ingroup edge-llm-tests
 * LlmComputeQueue alone: FIFO serves jobs in submission order, RoundRobin serves the owners in
 * turn; busy time and queueing delays are those of the order.
 */
class LlmComputeQueueTestCase : public TestCase
{
  public:
    LlmComputeQueueTestCase()
        : TestCase("Compute queue: FIFO and round-robin order, busy time, queueing delay")
    {
    }

  private:
    /// One job holds the node 10 ms, then releases it.
    struct Owner
    {
        Ptr<LlmComputeQueue> queue;            //!< The queue
        uint32_t key{0};                       //!< Owner key
        std::vector<uint32_t>* order{nullptr}; //!< Grant order, shared by the owners

        /// The node is ours: hold it 10 ms.
        void Granted()
        {
            order->push_back(key);
            Simulator::Schedule(MilliSeconds(10), &LlmComputeQueue::Release, queue, key);
        }
    };

    void DoRun() override
    {
        for (const auto discipline : {LlmComputeQueue::FIFO, LlmComputeQueue::ROUND_ROBIN})
        {
            Ptr<Node> node = CreateObject<Node>();
            Ptr<LlmComputeQueue> q = CreateObject<LlmComputeQueue>();
            q->SetAttribute("Discipline",
                            EdgeLlmEnumValue<LlmComputeQueue::Discipline>(discipline));
            node->AggregateObject(q);
            std::vector<uint32_t> order;
            Owner a{q, 1, &order};
            Owner b{q, 2, &order};
            q->AddOwner(1, MakeCallback(&Owner::Granted, &a));
            q->AddOwner(2, MakeCallback(&Owner::Granted, &b));
            for (uint32_t k = 0; k < 3; ++k)
            {
                q->Submit(1, 0, k, 0); // the first gets the node at once
            }
            q->Submit(2, 0, 0, 0);
            q->Submit(2, 0, 1, 0);
            NS_TEST_ASSERT_MSG_EQ(q->GetQueueLength(), 4, "four jobs wait behind the first");
            Simulator::Run();
            const bool fifo = discipline == LlmComputeQueue::FIFO;
            const std::vector<uint32_t> expected =
                fifo ? std::vector<uint32_t>{1, 1, 1, 2, 2} : std::vector<uint32_t>{1, 2, 1, 2, 1};
            NS_TEST_ASSERT_MSG_EQ((order == expected),
                                  true,
                                  (fifo ? "FIFO" : "round robin") << ": wrong grant order");
            NS_TEST_ASSERT_MSG_EQ_TOL(q->GetBusySeconds(), 0.05, 1e-12, "5 jobs x 10 ms");
            NS_TEST_ASSERT_MSG_EQ(q->GetJobsCompleted(), 5, "every job ran");
            const auto& st = q->GetOwnerStats();
            NS_TEST_ASSERT_MSG_EQ(st.at(2).jobs, 2, "owner 2's jobs");
            // FIFO: owner 2's jobs start at 30 and 40 ms; round robin at 10 and 30 ms.
            NS_TEST_ASSERT_MSG_EQ_TOL(st.at(2).queueingMaxSeconds,
                                      (fifo ? 0.04 : 0.03),
                                      1e-12,
                                      "owner 2's longest wait");
            NS_TEST_ASSERT_MSG_EQ_TOL(st.at(2).GetMeanQueueingSeconds(),
                                      (fifo ? 0.035 : 0.02),
                                      1e-12,
                                      "owner 2's mean wait");
            NS_TEST_ASSERT_MSG_EQ_TOL(st.at(1).busySeconds, 0.03, 1e-12, "owner 1's busy time");
            Simulator::Destroy();
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * One model in LlmMultiSimulation is LlmSimulation's run of the equivalent v1 scenario: the
 * same completion time, tokens and events (TCP with two requests; UDP with a user node).
 */
class LlmMultiOneModelTestCase : public TestCase
{
  public:
    LlmMultiOneModelTestCase()
        : TestCase("One model: the multi simulation equals LlmSimulation, event for event")
    {
    }

  private:
    void DoRun() override
    {
        for (const std::string transport : {"tcp", "udp"})
        {
            LlmScenario s = Infrastructure(6, 3, {{0, 1}, {1, 2}, {0, 2}});
            // Compute differs per server, so that the plan spreads over them.
            s.GetServers()[0].ccsHz = 2e9;
            s.GetServers()[1].ccsHz = 3e9;
            s.GetServers()[2].ccsHz = 4e9;
            s.SetMaxLayersPerServer(2);
            if (transport == "udp")
            {
                LlmUser u;
                u.server = "s1";
                s.SetUser(u);
            }
            s.Validate("test");
            const LlmPlan plan = LlmSolverFactory::Create("ilp")->Solve(LlmCostModel(s));
            NS_TEST_ASSERT_MSG_EQ(plan.HasPlacement(), true, "a plan");
            LlmTransportSetting setting = Setting(transport);
            setting.requests = 2;
            RngSeedManager::SetSeed(11);
            RngSeedManager::SetRun(1);
            const LlmSimulationResult single = LlmSimulation(s, plan, setting).Run();

            LlmMultiScenario ms = Multi(s, {Tenant("only", s, 2)});
            RngSeedManager::SetSeed(11);
            RngSeedManager::SetRun(1);
            const LlmMultiSimulationResult multi = LlmMultiSimulation(ms, {plan}, setting).Run();
            NS_TEST_ASSERT_MSG_EQ(multi.models.size(), 1, "one model");
            const auto& m = multi.models[0];
            NS_TEST_ASSERT_MSG_GT(single.simulatedSeconds, 0, transport << ": finished");
            NS_TEST_ASSERT_MSG_EQ(m.simulatedSeconds,
                                  single.simulatedSeconds,
                                  transport << ": same completion");
            NS_TEST_ASSERT_MSG_EQ(m.tokensCompleted, single.tokensCompleted, "same tokens");
            NS_TEST_ASSERT_MSG_EQ(m.tokensFailed, single.tokensFailed, "same failures");
            NS_TEST_ASSERT_MSG_EQ(m.tokensRequested, single.tokensRequested, "same request");
            NS_TEST_ASSERT_MSG_EQ(multi.events, single.events, transport << ": same events");
            NS_TEST_ASSERT_MSG_EQ(multi.bytesSent, single.bytesSent, "same bytes");
            NS_TEST_ASSERT_MSG_EQ_TOL(m.analyticSeconds, single.analyticSeconds, 1e-12, "same T");
            NS_TEST_ASSERT_MSG_EQ_TOL(m.simulatedComputeSeconds,
                                      single.simulatedComputeSeconds,
                                      1e-12,
                                      "same compute");
            // The shared compute's busy time is the model's compute.
            double busy = 0;
            for (const auto& srv : multi.servers)
            {
                busy += srv.busySeconds;
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(busy, single.simulatedComputeSeconds, 1e-6, "busy time");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Two models on disjoint servers and links do not interfere: each finishes as in its solo
 * run, whatever the discipline.
 */
class LlmMultiDisjointTestCase : public TestCase
{
  public:
    LlmMultiDisjointTestCase()
        : TestCase("Two models on disjoint servers and links: each equals its solo run")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s = Infrastructure(4, 4, {{0, 1}, {2, 3}});
        LlmTenant a = Tenant("a", s, 3);
        LlmTenant b = Tenant("b", s, 2);
        LlmUser u;
        u.server = "s3"; // b's requests come from a user node behind s3
        b.user = u;
        const LlmPlan pa = HandPlan({0, 0, 1, 1});
        const LlmPlan pb = HandPlan({2, 3, 3, 2});
        const LlmTransportSetting setting = Setting("tcp");
        RngSeedManager::SetSeed(12);
        const LlmMultiSimulationResult both =
            LlmMultiSimulation(Multi(s, {a, b}), {pa, pb}, setting).Run();
        const LlmMultiSimulationResult soloA =
            LlmMultiSimulation(Multi(s, {a}), {pa}, setting).Run();
        const LlmMultiSimulationResult soloB =
            LlmMultiSimulation(Multi(s, {b}), {pb}, setting).Run();
        NS_TEST_ASSERT_MSG_GT(soloA.models[0].simulatedSeconds, 0, "a finished");
        NS_TEST_ASSERT_MSG_GT(soloB.models[0].simulatedSeconds, 0, "b finished");
        NS_TEST_ASSERT_MSG_EQ_TOL(both.models[0].simulatedSeconds,
                                  soloA.models[0].simulatedSeconds,
                                  1e-9,
                                  "a as alone");
        NS_TEST_ASSERT_MSG_EQ_TOL(both.models[1].simulatedSeconds,
                                  soloB.models[0].simulatedSeconds,
                                  1e-9,
                                  "b as alone");
        NS_TEST_ASSERT_MSG_EQ(both.models[0].tokensCompleted, 12, "a: 3 requests x 4 tokens");
        NS_TEST_ASSERT_MSG_EQ(both.models[1].tokensCompleted, 8, "b: 2 requests x 4 tokens");
        for (const auto& srv : both.servers)
        {
            NS_TEST_ASSERT_MSG_EQ(srv.models.size(), 1, srv.name << " hosts one model");
        }
        NS_TEST_ASSERT_MSG_EQ(both.servers.size(), 4, "four hosting servers");
    }
};

/**
 * A model's jobs at one server, measured from its server application's own traces: a job
 * arrives when its activation does (or when the previous layer ends there) and waits until its
 * LayerStart. An account independent of LlmComputeQueue's.
 */
struct JobWatch
{
    Ptr<const LlmPipeline> pipeline;                                  //!< The model's placement
    uint32_t server{0};                                               //!< The server's index
    std::map<std::tuple<uint32_t, uint32_t, uint32_t>, Time> arrived; //!< Jobs waiting
    double waitSeconds{0};                                            //!< Σ LayerStart − arrival
    uint64_t jobs{0};                                                 //!< Jobs started

    /**
     * An activation arrived.
     * @param h its header
     */
    void Received(const LlmActivationHeader& h)
    {
        arrived[{h.requestId, h.token, h.layer}] = Simulator::Now();
    }

    /**
     * A layer job ended: the next layer's job arrives if it runs here too.
     * @param request request id
     * @param token token index
     * @param layer layer index
     */
    void Ended(uint32_t request, uint32_t token, uint32_t layer)
    {
        if (layer + 1 < pipeline->stages.size() && pipeline->stages[layer + 1].server == server)
        {
            arrived[{request, token, layer + 1}] = Simulator::Now();
        }
    }

    /**
     * A layer job started: it waited since it arrived.
     * @param request request id
     * @param token token index
     * @param layer layer index
     */
    void Started(uint32_t request, uint32_t token, uint32_t layer)
    {
        const auto it = arrived.find({request, token, layer});
        NS_ABORT_MSG_IF(it == arrived.end(), "a job started that never arrived");
        waitSeconds += (Simulator::Now() - it->second).GetSeconds();
        arrived.erase(it);
        ++jobs;
    }
};

/// What the shared-server scenario measures.
struct SharedRun
{
    LlmMultiSimulationResult both;                 //!< Both models
    LlmMultiSimulationResult soloA;                //!< a alone
    LlmMultiSimulationResult soloB;                //!< b alone
    std::vector<std::pair<uint32_t, bool>> grants; //!< At s0: owner, other owner waiting
    JobWatch watch[2];                             //!< Each model's jobs at s0
};

/// Record a grant at the shared server: its owner and whether the other owner still waits.
/// (The queue by raw pointer: a Ptr bound into its own trace would keep the node alive.)
void
RecordGrant(std::vector<std::pair<uint32_t, bool>>* grants,
            LlmComputeQueue* queue,
            uint32_t owner,
            uint32_t,
            uint32_t,
            uint32_t)
{
    // Called before the granted job leaves the waiting count: the queue length beyond the
    // owner's own waiting jobs is the other owner's.
    grants->emplace_back(owner, queue->GetQueueLength() > queue->GetWaiting(owner));
}

/**
 * Two 4-layer models forced to share server s0 (a: s0 s0 s1 s1; b: s2 s2 s0 s0), each with
 * several requests at once.
 */
SharedRun
RunShared(const std::string& transport, LlmComputeQueue::Discipline discipline)
{
    const LlmScenario s = Infrastructure(4, 3, {{0, 1}, {0, 2}});
    const LlmTenant a = Tenant("a", s, 3);
    const LlmTenant b = Tenant("b", s, 3);
    const LlmPlan pa = HandPlan({0, 0, 1, 1});
    const LlmPlan pb = HandPlan({2, 2, 0, 0});
    const LlmTransportSetting setting = Setting(transport);
    SharedRun r;
    RngSeedManager::SetSeed(13);
    LlmMultiSimulation both(Multi(s, {a, b}), {pa, pb}, setting);
    both.SetDiscipline(discipline);
    both.SetInstalledCallback([&r](const std::vector<LlmPlacementHelper*>& models,
                                   const NodeContainer& servers) {
        Ptr<LlmComputeQueue> q = servers.Get(0)->GetObject<LlmComputeQueue>();
        q->TraceConnectWithoutContext("JobStart",
                                      MakeBoundCallback(&RecordGrant, &r.grants, PeekPointer(q)));
        for (std::size_t m = 0; m < 2; ++m)
        {
            Ptr<EdgeLlmServerApplication> app = models[m]->GetServer(0);
            JobWatch& w = r.watch[m];
            w.pipeline = app->GetPipeline();
            app->TraceConnectWithoutContext("ActivationReceived",
                                            MakeCallback(&JobWatch::Received, &w));
            app->TraceConnectWithoutContext("LayerEnd", MakeCallback(&JobWatch::Ended, &w));
            app->TraceConnectWithoutContext("LayerStart", MakeCallback(&JobWatch::Started, &w));
        }
    });
    r.both = both.Run();
    r.soloA = LlmMultiSimulation(Multi(s, {a}), {pa}, setting).Run();
    r.soloB = LlmMultiSimulation(Multi(s, {b}), {pb}, setting).Run();
    return r;
}

/**
 * @ingroup edge-llm-tests
 * Two models forced to share one server, under TCP and UDP: its busy time is the sum of both
 * models' compute there, jobs queue, each model finishes no sooner than alone, and every token
 * is accounted for.
 */
class LlmMultiSharedServerTestCase : public TestCase
{
  public:
    LlmMultiSharedServerTestCase()
        : TestCase("Two models sharing a server: busy time, queueing, slowdown, token counts")
    {
    }

  private:
    void DoRun() override
    {
        for (const std::string transport : {"tcp", "udp"})
        {
            const SharedRun r = RunShared(transport, LlmComputeQueue::FIFO);
            const auto& both = r.both;
            NS_TEST_ASSERT_MSG_EQ(both.models.size(), 2, "two models");
            // s0 runs 2 layers of each model: 4 tokens x 3 requests x 2 layers x 8 ms each.
            const LlmScenario s = Infrastructure(4, 3, {{0, 1}, {0, 2}});
            const LlmCostModel cost(s);
            const double perModel = 3 * (cost.ComputeDelay(0, 0, 16) + cost.ComputeDelay(1, 0, 16));
            const LlmMultiSimulationResult::Server* s0 = nullptr;
            for (const auto& srv : both.servers)
            {
                s0 = srv.name == "s0" ? &srv : s0;
            }
            NS_TEST_ASSERT_MSG_NE(s0, nullptr, "s0 hosts layers");
            NS_TEST_ASSERT_MSG_EQ(s0->models.size(), 2, "both models on s0");
            NS_TEST_ASSERT_MSG_EQ_TOL(s0->busySeconds,
                                      2 * perModel,
                                      1e-6,
                                      transport << ": busy = both models' compute");
            NS_TEST_ASSERT_MSG_EQ_TOL(s0->models.at(0).busySeconds + s0->models.at(1).busySeconds,
                                      s0->busySeconds,
                                      1e-9,
                                      "per-model busy adds up");
            NS_TEST_ASSERT_MSG_EQ(s0->jobs, 2 * 3 * 4 * 2, "jobs at s0");
            NS_TEST_ASSERT_MSG_GT(s0->queueingMaxSeconds, 0, transport << ": jobs queued");
            NS_TEST_ASSERT_MSG_GT(s0->queueingMeanSeconds, 0, "mean queueing delay");
            for (std::size_t m = 0; m < 2; ++m)
            {
                // The queue's account of each model's waiting equals the application's.
                const auto& sm = s0->models.at(m);
                NS_TEST_ASSERT_MSG_EQ(r.watch[m].jobs, sm.jobs, "jobs seen by the application");
                NS_TEST_ASSERT_MSG_EQ_TOL(sm.queueingMeanSeconds * sm.jobs,
                                          r.watch[m].waitSeconds,
                                          1e-9,
                                          transport << ": model " << m << "'s queueing delay");
            }
            NS_TEST_ASSERT_MSG_GT_OR_EQ(both.models[0].simulatedSeconds,
                                        r.soloA.models[0].simulatedSeconds,
                                        transport << ": a no sooner than alone");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(both.models[1].simulatedSeconds,
                                        r.soloB.models[0].simulatedSeconds,
                                        transport << ": b no sooner than alone");
            NS_TEST_ASSERT_MSG_GT(both.models[0].simulatedSeconds + both.models[1].simulatedSeconds,
                                  r.soloA.models[0].simulatedSeconds
                                      + r.soloB.models[0].simulatedSeconds,
                                  transport << ": sharing costs time");
            for (const auto& m : both.models)
            {
                NS_TEST_ASSERT_MSG_EQ(m.tokensCompleted + m.tokensFailed,
                                      m.tokensRequested,
                                      transport << ": " << m.name << "'s tokens add up");
                NS_TEST_ASSERT_MSG_EQ(m.tokensRequested, 12, "3 requests x 4 tokens");
            }
            NS_TEST_ASSERT_MSG_EQ(both.GetTokensCompleted(), 24, transport << ": all completed");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * FIFO and round robin give the shared server's jobs to the models in different orders: round
 * robin never serves a model twice in a row while the other waits; FIFO does here.
 */
class LlmMultiDisciplineTestCase : public TestCase
{
  public:
    LlmMultiDisciplineTestCase()
        : TestCase("FIFO vs round robin at a shared server: the order of the models' jobs")
    {
    }

  private:
    /// Grants that went to the same owner twice in a row while the other owner waited.
    static uint32_t Unfair(const std::vector<std::pair<uint32_t, bool>>& grants)
    {
        uint32_t n = 0;
        for (std::size_t k = 1; k < grants.size(); ++k)
        {
            n += grants[k].first == grants[k - 1].first && grants[k - 1].second ? 1 : 0;
        }
        return n;
    }

    void DoRun() override
    {
        const SharedRun fifo = RunShared("tcp", LlmComputeQueue::FIFO);
        const SharedRun rr = RunShared("tcp", LlmComputeQueue::ROUND_ROBIN);
        NS_TEST_ASSERT_MSG_EQ(fifo.grants.size(), 48, "every job at s0 granted (FIFO)");
        NS_TEST_ASSERT_MSG_EQ(rr.grants.size(), 48, "every job at s0 granted (round robin)");
        uint32_t contended = 0;
        for (const auto& g : rr.grants)
        {
            contended += g.second ? 1 : 0;
        }
        NS_TEST_ASSERT_MSG_GT(contended, 0, "the other model waited at some grants");
        NS_TEST_ASSERT_MSG_EQ(Unfair(rr.grants), 0, "round robin alternates while both wait");
        NS_TEST_ASSERT_MSG_GT(Unfair(fifo.grants), 0, "FIFO serves a model twice in a row here");
        NS_TEST_ASSERT_MSG_EQ((fifo.grants != rr.grants), true, "the orders differ");
        NS_TEST_ASSERT_MSG_EQ(rr.both.discipline, "round-robin", "discipline reported");
        NS_TEST_ASSERT_MSG_EQ(rr.both.GetTokensCompleted(), 24, "round robin completes all");
    }
};

/**
 * @ingroup edge-llm-tests
 * Plans that do not fit together are refused: the wrong count, and two models whose weights
 * together exceed a server's storage.
 */
class LlmMultiRefusedTestCase : public TestCase
{
  public:
    LlmMultiRefusedTestCase()
        : TestCase("Plans that do not fit the scenario together are refused")
    {
    }

  private:
    void DoRun() override
    {
        LlmScenario s = Infrastructure(2, 2, {{0, 1}});
        // One layer at 16 bits stores 2e6 bytes: s0 holds two layers, not three.
        s.GetServers()[0].storageBytes = 4.5e6;
        const LlmTenant a = Tenant("a", s, 1);
        const LlmTenant b = Tenant("b", s, 1);
        bool refused = false;
        try
        {
            LlmMultiSimulation(Multi(s, {a, b}), {HandPlan({0, 1})}, Setting("tcp"));
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("one plan per model") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "one plan for two models");
        refused = false;
        try
        {
            LlmMultiSimulation(Multi(s, {a, b}),
                               {HandPlan({0, 0}), HandPlan({0, 1})},
                               Setting("tcp"));
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("together store") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "three layers on s0");
        // Each alone fits: no error.
        LlmMultiSimulation ok(Multi(s, {a, b}),
                              {HandPlan({0, 1}), HandPlan({0, 1})},
                              Setting("tcp"));
    }
};

/**
 * @ingroup edge-llm-tests
 * The arrival process: constant gaps and a start time shift a model's requests as given;
 * Poisson gaps come from RngRun, so a run number reproduces a run and another changes it.
 */
class LlmMultiArrivalTestCase : public TestCase
{
  public:
    LlmMultiArrivalTestCase()
        : TestCase("Arrivals: constant gaps and start time; Poisson gaps seeded by RngRun")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = Infrastructure(4, 4, {{0, 1}, {2, 3}});
        LlmTenant a = Tenant("a", s, 3);
        LlmTenant b = Tenant("b", s, 3);
        const LlmPlan pa = HandPlan({0, 0, 1, 1});
        const LlmPlan pb = HandPlan({2, 3, 3, 2});
        RngSeedManager::SetSeed(14);
        // b's requests 10 s apart (each takes well under 10 s) from 2 s on: b finishes 20 s
        // plus one request after its client starts (a request on warm connections and ARP
        // caches is a little faster than the first of a fresh run).
        b.arrival.meanInterArrivalSeconds = 10;
        b.arrival.startSeconds = 2;
        const LlmMultiSimulationResult spaced =
            LlmMultiSimulation(Multi(s, {a, b}), {pa, pb}, Setting("tcp")).Run();
        const LlmMultiSimulationResult one =
            LlmMultiSimulation(Multi(s, {Tenant("b", s, 1)}), {pb}, Setting("tcp")).Run();
        NS_TEST_ASSERT_MSG_LT(one.models[0].simulatedSeconds, 10, "a request takes < 10 s");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(spaced.models[1].simulatedSeconds,
                                    20 + one.models[0].simulatedSeconds,
                                    "two gaps of 10 s, then the last request alone");
        NS_TEST_ASSERT_MSG_GT(spaced.models[1].simulatedSeconds,
                              20 + 0.9 * one.models[0].simulatedSeconds,
                              "the last request starts 20 s after the first");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(spaced.endSeconds, 22, "b started at 2 s");

        a.arrival.process = LlmArrival::Process::POISSON;
        a.arrival.meanInterArrivalSeconds = 0.2;
        std::vector<double> times;
        for (const uint64_t run : {1, 1, 2})
        {
            LlmMultiSimulation sim(Multi(s, {a}), {pa}, Setting("tcp"));
            sim.SetRngRun(run);
            const LlmMultiSimulationResult r = sim.Run();
            NS_TEST_ASSERT_MSG_EQ(r.models[0].tokensCompleted, 12, "every token");
            times.push_back(r.models[0].simulatedSeconds);
        }
        NS_TEST_ASSERT_MSG_EQ(times[0], times[1], "the same RngRun reproduces the run");
        NS_TEST_ASSERT_MSG_NE(times[0], times[2], "another RngRun draws other gaps");
    }
};

/**
 * @ingroup edge-llm-tests
 * LlmNamesMultiScenario tells a version-2 --scenario from a version-1 one, a missing file and a
 * command line without one (edge-llm-simulate hands only the first to LlmMultiSimulateMain).
 */
class LlmMultiProgramTestCase : public TestCase
{
  public:
    LlmMultiProgramTestCase()
        : TestCase("A version-2 --scenario is told apart from a version-1 one")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-multi-program");
        std::filesystem::create_directories(dir);
        const std::string v1 = dir + "/v1.json";
        const std::string v2 = dir + "/v2.json";
        std::ofstream(v1) << tests::kHandScenario;
        const LlmMultiScenario ms = LlmMultiScenario::Parse(tests::kHandScenario, "hand");
        std::ofstream(v2) << ms.ToJson();
        auto names = [](std::vector<std::string> args) {
            std::vector<char*> argv;
            for (std::string& a : args)
            {
                argv.push_back(a.data());
            }
            return LlmNamesMultiScenario(static_cast<int>(argv.size()), argv.data());
        };
        NS_TEST_ASSERT_MSG_EQ(names({"p", "--scenario=" + v2}), true, "version 2");
        NS_TEST_ASSERT_MSG_EQ(names({"p", "--tokens=4", "--scenario=" + v2}), true, "any place");
        NS_TEST_ASSERT_MSG_EQ(names({"p", "--scenario=" + v1}), false, "version 1");
        NS_TEST_ASSERT_MSG_EQ(names({"p", "--scenario=" + v2, "--scenario=" + v1}),
                              false,
                              "the last one counts, as for CommandLine");
        NS_TEST_ASSERT_MSG_EQ(names({"p", "--scenario=" + dir + "/none.json"}), false, "missing");
        NS_TEST_ASSERT_MSG_EQ(names({"p"}), false, "no --scenario");
        NS_TEST_ASSERT_MSG_EQ(LlmMultiScenario::Load(v2).GetModelCount(), 1, "one model read");
    }
};

/**
 * @ingroup edge-llm-tests
 * A several-model run writes its pcap files and FlowMonitor XML, and refuses the files it has
 * no table for (NetAnim, token CSV, placement CSV) and one it cannot write.
 */
class LlmMultiOutputsTestCase : public TestCase
{
  public:
    LlmMultiOutputsTestCase()
        : TestCase("Several-model run: pcap and FlowMonitor files written, others refused")
    {
    }

  private:
    void DoRun() override
    {
        const std::string dir = CreateTempDirFilename("edge-llm-multi-outputs");
        std::filesystem::create_directories(dir);
        const LlmScenario s = Infrastructure(4, 3, {{0, 1}, {0, 2}});
        const LlmMultiScenario multi = Multi(s, {Tenant("a", s, 1), Tenant("b", s, 1)});
        const std::vector<LlmPlan> plans = {HandPlan({0, 0, 1, 1}), HandPlan({2, 2, 0, 0})};
        LlmMultiSimulation run(multi, plans, Setting("tcp"));
        LlmSimulationOutputs outputs;
        outputs.pcapPrefix = dir + "/multi";
        outputs.flowMonitorXml = dir + "/flows.xml";
        run.SetOutputs(outputs);
        const LlmMultiSimulationResult r = run.Run();
        NS_TEST_ASSERT_MSG_EQ(r.GetTokensCompleted(), r.GetTokensRequested(), "every token");
        NS_TEST_ASSERT_MSG_GT(std::filesystem::file_size(outputs.flowMonitorXml), 0, "XML");
        std::size_t pcaps = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir))
        {
            const std::string name = e.path().filename().string();
            if (name.rfind("multi-", 0) == 0 && e.path().extension() == ".pcap"
                && std::filesystem::file_size(e.path()) > 24)
            {
                ++pcaps; // more than the pcap file header: packets were captured
            }
        }
        NS_TEST_ASSERT_MSG_GT(pcaps, 1, "a pcap per device that carried packets");
        for (const std::string& what : std::vector<std::string>{"netanim", "token", "placement"})
        {
            LlmSimulationOutputs o;
            (what == "netanim" ? o.netAnimXml
             : what == "token" ? o.tokenCsv
                               : o.placementCsv) = dir + "/x";
            bool refused = false;
            try
            {
                LlmMultiSimulation(multi, plans, Setting("tcp")).SetOutputs(o);
            }
            catch (const LlmInputError& e)
            {
                refused = std::string(e.what()).find("several-model run") != std::string::npos;
            }
            NS_TEST_ASSERT_MSG_EQ(refused, true, what << " refused");
        }
        LlmSimulationOutputs bad;
        bad.flowMonitorXml = dir + "/missing/flows.xml";
        LlmMultiSimulation unwritable(multi, plans, Setting("tcp"));
        unwritable.SetOutputs(bad);
        bool refused = false;
        try
        {
            unwritable.Run();
        }
        catch (const LlmInputError& e)
        {
            refused =
                std::string(e.what()).find("cannot write the FlowMonitor XML") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "an unwritable file is refused before the run");
        std::filesystem::remove_all(dir);
    }
};

/**
 * @ingroup edge-llm-tests
 * Several models under a link trace: a trace that never changes a rate gives the run without
 * one, event for event; slowing the link only model a crosses slows a and not b; over UDP with
 * short queues, every model's senders pace at the new rate (no queue drop).
 */
class LlmMultiLinkTraceTestCase : public TestCase
{
  public:
    LlmMultiLinkTraceTestCase()
        : TestCase("Several models under a link trace: constant = none, the slowed model only")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = Infrastructure(4, 3, {{0, 1}, {0, 2}}, 4, 200000);
        const LlmMultiScenario multi = Multi(s, {Tenant("a", s, 1), Tenant("b", s, 1)});
        const std::vector<LlmPlan> plans = {HandPlan({0, 0, 1, 1}), HandPlan({2, 2, 0, 0})};
        const auto run = [&](const std::string& transport, const std::string& rows) {
            LlmTransportSetting t = Setting(transport);
            t.queueSize = "10p";
            LlmMultiSimulation sim(multi, plans, t);
            sim.SetRngRun(1);
            if (!rows.empty())
            {
                sim.SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n" + rows, "t.csv", s));
            }
            return sim.Run();
        };
        for (const std::string transport : {"tcp", "udp"})
        {
            const LlmMultiSimulationResult none = run(transport, "");
            const LlmMultiSimulationResult same = run(transport, "0,s0,s1,1e8\n0.01,s0,s1,1e8\n");
            NS_TEST_ASSERT_MSG_EQ(same.events, none.events, transport << ": same events");
            NS_TEST_ASSERT_MSG_EQ(same.bytesSent, none.bytesSent, "same bytes");
            NS_TEST_ASSERT_MSG_EQ(same.linkRateChanges, 0, "no rate changed");
            NS_TEST_ASSERT_MSG_EQ(same.models[0].simulatedSeconds,
                                  none.models[0].simulatedSeconds,
                                  "same time");
            // s0 -> s1 is a's link only: 8x slower from the start.
            const LlmMultiSimulationResult slow = run(transport, "0,s0,s1,1.25e7\n");
            NS_TEST_ASSERT_MSG_EQ(slow.GetTokensCompleted(), slow.GetTokensRequested(), "all");
            NS_TEST_ASSERT_MSG_GT(slow.linkRateChanges, 0, "changed");
            NS_TEST_ASSERT_MSG_GT(slow.models[0].simulatedSeconds,
                                  none.models[0].simulatedSeconds * 1.5,
                                  transport << ": a crosses the slowed link");
            NS_TEST_ASSERT_MSG_EQ_TOL(slow.models[1].simulatedSeconds,
                                      none.models[1].simulatedSeconds,
                                      0.05 * none.models[1].simulatedSeconds,
                                      "b does not");
            if (transport == "udp")
            {
                // (TCP probes for bandwidth and fills short queues; UDP is paced.)
                NS_TEST_ASSERT_MSG_EQ(slow.dropsQueue, 0, "udp: paced at the new rate, no drop");
            }
            NS_TEST_ASSERT_MSG_EQ((slow.ToJson().find("\"rate_changes\"") != std::string::npos),
                                  true,
                                  "reported");
        }
        bool refused = false;
        try
        {
            LlmMultiSimulation(multi, plans, Setting("tcp"))
                .SetLinkTrace(LlmLinkTrace::Parse("time_s,from,to,bps\n0,s1,s2,1e6\n", "t.csv", s));
        }
        catch (const LlmInputError& e)
        {
            refused = std::string(e.what()).find("t.csv") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(refused, true, "a link the scenario does not have");
    }
};

/// After any model's re-plan: the largest excess of the models' weights together over a
/// server's storage (0: none), bytes.
struct StorageWatch
{
    std::vector<LlmPlacementHelper*> models; //!< Every model's placement
    std::vector<double> capacity;            //!< κ_i per server, bytes
    double worstExcess{0};                   //!< Largest Σ_m used − κ_i seen
    uint32_t checks{0};                      //!< Re-plans seen

    /// A model re-planned: add up every model's plan in use.
    void Check(uint32_t, const std::vector<uint32_t>&)
    {
        ++checks;
        std::vector<double> used(capacity.size(), 0.0);
        for (LlmPlacementHelper* h : models)
        {
            const std::vector<double> u = h->GetStorageUsed();
            for (std::size_t i = 0; i < u.size() && i < used.size(); ++i)
            {
                used[i] += h->IsServerDown(static_cast<uint32_t>(i)) ? 0.0 : u[i];
            }
        }
        for (std::size_t i = 0; i < used.size(); ++i)
        {
            worstExcess = std::max(worstExcess, used[i] - capacity[i]);
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Server failures with several models, under TCP and UDP: a failure of a server no model uses
 * changes no model's time or tokens; a failure of a server both models share mid-run makes
 * both re-plan and replay, every token completes exactly once, and no re-plan puts more weights
 * on a server than its storage holds with the other model's plan in use.
 */
class LlmMultiFailureTestCase : public TestCase
{
  public:
    LlmMultiFailureTestCase()
        : TestCase("Several models and a server failure: both re-plan within the shared storage")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<std::pair<uint32_t, uint32_t>> mesh;
        for (uint32_t i = 0; i < 5; ++i)
        {
            for (uint32_t j = i + 1; j < 5; ++j)
            {
                mesh.emplace_back(i, j);
            }
        }
        LlmScenario s = Infrastructure(4, 5, mesh, 6, 20000); // s4 hosts no layer
        // κ = 3 layers at 16 bits (p · 16 / 8 = 2 MB each); s2 computes 4 x faster, so a
        // re-plan wants it, but b keeps 2 of its 3 layers' room there.
        for (LlmServer& server : s.GetServers())
        {
            server.storageBytes = 6e6;
        }
        s.GetServers()[2].ccsHz = 4e10;
        const LlmMultiScenario multi = Multi(s, {Tenant("a", s, 1), Tenant("b", s, 1)});
        const std::vector<LlmPlan> plans = {HandPlan({0, 0, 1, 1}), HandPlan({2, 2, 1, 3})};
        for (const std::string transport : {"tcp", "udp"})
        {
            LlmTransportSetting t = Setting(transport);
            t.allLinks = true; // as a run with failures builds them
            LlmMultiSimulation plain(multi, plans, t);
            plain.SetRngRun(1);
            const LlmMultiSimulationResult none = plain.Run();
            const double mid = none.models[0].simulatedSeconds / 3;
            const auto run = [&](const std::string& item, StorageWatch* watch) {
                LlmMultiSimulation sim(multi, plans, t);
                sim.SetRngRun(1);
                sim.SetFailureSchedule(LlmFailureSchedule::Parse({item}, "test", "--fail", s));
                sim.SetInstalledCallback(
                    [watch, &s](const std::vector<LlmPlacementHelper*>& ms, const NodeContainer&) {
                        watch->models = ms;
                        watch->capacity.assign(s.GetServers().size(), 6e6);
                        for (LlmPlacementHelper* h : ms)
                        {
                            h->GetClient()->TraceConnectWithoutContext(
                                "Replan",
                                MakeCallback(&StorageWatch::Check, watch));
                        }
                    });
                return sim.Run();
            };
            StorageWatch idleWatch;
            const LlmMultiSimulationResult idle =
                run("s4@" + LlmTextParse::Format(mid), &idleWatch);
            NS_TEST_ASSERT_MSG_EQ(idle.serversFailed, 1, transport << ": it failed");
            for (std::size_t m = 0; m < 2; ++m)
            {
                NS_TEST_ASSERT_MSG_EQ(idle.models[m].simulatedSeconds,
                                      none.models[m].simulatedSeconds,
                                      transport << ": a server no model uses changes nothing");
                NS_TEST_ASSERT_MSG_EQ(idle.models[m].tokensCompleted,
                                      none.models[m].tokensCompleted,
                                      "same tokens");
                NS_TEST_ASSERT_MSG_EQ(idle.models[m].replans, 0, "no re-plan");
            }
            StorageWatch watch;
            const LlmMultiSimulationResult shared = run("s1@" + LlmTextParse::Format(mid), &watch);
            for (std::size_t m = 0; m < 2; ++m)
            {
                const auto& r = shared.models[m];
                NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted + r.tokensFailed,
                                      r.tokensRequested,
                                      transport << ": completed + failed = requested");
                NS_TEST_ASSERT_MSG_EQ(r.tokensCompleted, r.tokensRequested, "all recovered");
                NS_TEST_ASSERT_MSG_GT_OR_EQ(r.replans, 1, transport << ": model " << m);
                NS_TEST_ASSERT_MSG_GT(r.simulatedSeconds,
                                      none.models[m].simulatedSeconds,
                                      "the failure costs time");
            }
            NS_TEST_ASSERT_MSG_GT_OR_EQ(watch.checks, 2, "both re-plans seen");
            NS_TEST_ASSERT_MSG_LT_OR_EQ(watch.worstExcess,
                                        1e-6,
                                        transport << ": within every server's storage");
            NS_TEST_ASSERT_MSG_EQ(
                (shared.ToJson().find("\"server_failures\"") != std::string::npos),
                true,
                "reported");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Several-model simulation suite.
 */
class LlmMultiSimulationTestSuite : public TestSuite
{
  public:
    LlmMultiSimulationTestSuite()
        : TestSuite("edge-llm-multi-simulation", TestSuite::Type::SYSTEM)
    {
        AddTestCase(new LlmComputeQueueTestCase());
        AddTestCase(new LlmMultiOneModelTestCase());
        AddTestCase(new LlmMultiDisjointTestCase());
        AddTestCase(new LlmMultiSharedServerTestCase());
        AddTestCase(new LlmMultiDisciplineTestCase());
        AddTestCase(new LlmMultiRefusedTestCase());
        AddTestCase(new LlmMultiArrivalTestCase());
        AddTestCase(new LlmMultiProgramTestCase());
        AddTestCase(new LlmMultiOutputsTestCase());
        AddTestCase(new LlmMultiLinkTraceTestCase());
        AddTestCase(new LlmMultiFailureTestCase());
    }
};

/// Static instance.
LlmMultiSimulationTestSuite g_llmMultiSimulationTestSuite;

} // namespace

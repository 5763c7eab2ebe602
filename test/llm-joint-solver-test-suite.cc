// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/llm-cost-model.h"
#include "ns3/llm-ilp-solver.h"
#include "ns3/llm-joint-cost-model.h"
#include "ns3/llm-joint-exhaustive-solver.h"
#include "ns3/llm-joint-ilp-solver.h"
#include "ns3/llm-joint-sequential-solver.h"
#include "ns3/llm-multi-scenario.h"
#include "ns3/llm-random-scenario.h"
#include "ns3/llm-topology-generator.h"
#include "ns3/test.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

using namespace ns3;

namespace
{

/// Two one-layer models on three servers (a 1 GHz, b 2 GHz, c 4 GHz, c holds one layer):
/// every number is easy to compute by hand.
const char* kTwoOneLayerModels = R"({
  "version": 2,
  "models": [
    {"name": "m0",
     "model": {"name": "one", "original_bits": 32,
               "layers": [{"name": "l0", "params": 1000, "flops_per_token": 2.0e6,
                           "output_elements_per_token": 100, "weight_max_abs": 0.5}]},
     "workload": {"tokens": 10, "batch": 2},
     "quantization": {"b_min": 4, "b_max": 32, "b_step": 4, "delta": 0.01}},
    {"name": "m1",
     "model": {"name": "one", "original_bits": 32,
               "layers": [{"name": "l0", "params": 1000, "flops_per_token": 2.0e6,
                           "output_elements_per_token": 100, "weight_max_abs": 0.5}]},
     "workload": {"tokens": 10, "batch": 2},
     "quantization": {"b_min": 4, "b_max": 32, "b_step": 4, "delta": 0.01}}
  ],
  "servers": [{"name": "a", "ccs_hz": 1.0e9}, {"name": "b", "ccs_hz": 2.0e9},
              {"name": "c", "ccs_hz": 4.0e9, "storage_bytes": 500}],
  "links": [],
  "accept_implausible_units": true
})";

/// Equal to 1e-9 relative, or both without a plan.
bool
SameOutcome(const LlmJointPlan& a, const LlmJointPlan& b)
{
    if (a.HasPlacement() != b.HasPlacement())
    {
        return false;
    }
    return !a.HasPlacement()
           || std::fabs(a.objective - b.objective) <= 1e-9 * std::max(1.0, std::fabs(b.objective));
}

/**
 * A random several-model instance: the servers and links of LlmRandomScenario draw `stream`,
 * the models drawn from their own streams (the same sizes), model 1 with a ten times larger δ.
 */
LlmMultiScenario
DrawJoint(uint64_t stream,
          std::size_t models,
          uint32_t layers,
          uint32_t servers,
          std::optional<uint32_t> maxLayers,
          bool limitedStorage,
          double linkProbability)
{
    LlmRandomScenario r;
    r.layers = layers;
    r.servers = servers;
    r.maxLayersPerServer = maxLayers;
    r.limitedStorage = limitedStorage;
    r.linkProbability = linkProbability;
    r.bStep = 4; // widths 4, 8, 12, 16: few enough for the joint exhaustive search
    LlmMultiScenario s(r.Draw(7, stream));
    s.GetTenants().clear();
    for (std::size_t m = 0; m < models; ++m)
    {
        LlmRandomScenario rm = r;
        rm.delta = m == 1 ? 1e-3 : 1e-4;
        const LlmScenario d = rm.Draw(11, stream * 16 + m);
        LlmTenant t;
        t.name = "m" + std::to_string(m);
        t.model = d.GetModel();
        t.workload = d.GetWorkload();
        t.quantization = d.GetQuantization();
        s.GetTenants().push_back(t);
    }
    s.Validate("random joint scenario");
    return s;
}

/**
 * @ingroup edge-llm-tests
 * Two one-layer models, computed by hand: storage on c binds for the sum, not for the max.
 */
class LlmJointHandTestCase : public TestCase
{
  public:
    LlmJointHandTestCase()
        : TestCase("Joint solvers on a hand-computed instance (shared storage binds)")
    {
    }

  private:
    void DoRun() override
    {
        const LlmMultiScenario s = LlmMultiScenario::Parse(kTwoOneLayerModels, "hand.json");
        // b* = 4 (2·0.5/4^4 ≤ 0.01), 500 bytes; cp = 10·2e6·2/CCS·4/32: a 5 ms, b 2.5, c 1.25.
        // c holds one of the two layers (κ_c = 500 B).
        {
            const LlmJointCostModel m(s, LlmJointObjective::MAX);
            const LlmJointPlacement both{{{2, 4}}, {{2, 4}}};
            NS_TEST_ASSERT_MSG_NE(m.CheckPlacement(both).find("shared storage (2e)"),
                                  std::string::npos,
                                  m.CheckPlacement(both));
            const LlmJointPlacement split{{{2, 4}}, {{1, 4}}};
            NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(split), "", "feasible");
            NS_TEST_ASSERT_MSG_EQ_TOL(m.ServerBusy(split)[1], 0.0025, 1e-15, "B_b");
            NS_TEST_ASSERT_MSG_EQ_TOL(m.ServerBusy(split)[2], 0.00125, 1e-15, "B_c");
            // max: T = 1.25 and 2.5 ms, B_b = 2.5 ms -> J = 2.5 ms (both on b: also 5 ms).
            NS_TEST_ASSERT_MSG_EQ_TOL(m.Objective(split), 0.0025, 1e-15, "J max");
            const LlmJointCostModel sum(s, LlmJointObjective::SUM);
            NS_TEST_ASSERT_MSG_EQ_TOL(sum.Objective(split), 0.00375, 1e-15, "J sum");
            const LlmJointPlacement onB{{{1, 4}}, {{1, 4}}};
            NS_TEST_ASSERT_MSG_EQ_TOL(sum.Objective(onB), 0.005, 1e-15, "both on b");
        }
        for (const auto objective : {LlmJointObjective::MAX, LlmJointObjective::SUM})
        {
            const LlmJointCostModel m(s, objective);
            const double expected = objective == LlmJointObjective::MAX ? 0.0025 : 0.00375;
            for (const LlmJointReductions& r :
                 {LlmJointReductions{}, LlmJointReductions{false, false, false}})
            {
                const LlmJointPlan p = LlmJointIlpSolver({}, r).Solve(m);
                NS_TEST_ASSERT_MSG_EQ(ToString(p.status), "optimal", p.message);
                NS_TEST_ASSERT_MSG_EQ_TOL(p.objective, expected, 1e-12, ToString(objective));
                NS_TEST_ASSERT_MSG_EQ_TOL(p.stats.lowerBound, expected, 1e-12, "bound");
            }
            const LlmJointPlan e = LlmJointExhaustiveSolver().Solve(m);
            NS_TEST_ASSERT_MSG_EQ(ToString(e.status), "optimal", e.message);
            NS_TEST_ASSERT_MSG_EQ_TOL(e.objective, expected, 1e-12, "exhaustive");
        }
        // Without the storage limit on c, both go to c: J = 2.5 ms for both objectives.
        LlmMultiScenario free = s;
        free.GetInfrastructure().GetServers()[2].storageBytes.reset();
        const LlmJointCostModel fm(free, LlmJointObjective::SUM);
        const LlmJointPlan fp = LlmJointIlpSolver().Solve(fm);
        NS_TEST_ASSERT_MSG_EQ_TOL(fp.objective, 0.0025, 1e-12, "storage free");
        NS_TEST_ASSERT_MSG_EQ((fp.GetPlacement() == LlmJointPlacement{{{2, 4}}, {{2, 4}}}),
                              true,
                              "both on c");

        // The plan file.
        const LlmJointCostModel m(s, LlmJointObjective::SUM);
        const LlmJointPlan p = LlmJointIlpSolver().Solve(m);
        const auto j = nlohmann::json::parse(p.ToJson(m));
        NS_TEST_ASSERT_MSG_EQ(j["objective"].get<std::string>(), "sum", "objective kind");
        NS_TEST_ASSERT_MSG_EQ_TOL(j["objective_s"].get<double>(), 0.00375, 1e-12, "objective_s");
        NS_TEST_ASSERT_MSG_EQ_TOL(j["gap"].get<double>(), 0.0, 1e-12, "gap");
        NS_TEST_ASSERT_MSG_EQ(j["status"].get<std::string>(), "optimal", "status");
        NS_TEST_ASSERT_MSG_EQ(j["models"].size(), 2u, "models");
        NS_TEST_ASSERT_MSG_EQ(j["models"][1]["name"].get<std::string>(), "m1", "name");
        NS_TEST_ASSERT_MSG_EQ(j["models"][0]["plan"]["layers"].size(), 1u, "per-model plan");
        NS_TEST_ASSERT_MSG_EQ(j["busiest"][0]["resource"].get<std::string>(), "b", "busiest");
        NS_TEST_ASSERT_MSG_EQ_TOL(j["busiest"][0]["busy_s"].get<double>(), 0.0025, 1e-15, "B_b");
    }
};

/**
 * @ingroup edge-llm-tests
 * With one model the joint ILP (GLPK on the joint formulation, no reduction) gives the
 * version-1 ILP's objective, for both joint objectives.
 */
class LlmJointOneModelTestCase : public TestCase
{
  public:
    LlmJointOneModelTestCase()
        : TestCase("With one model the joint ILP equals the version-1 ILP on 48 instances")
    {
    }

  private:
    void DoRun() override
    {
        uint32_t infeasible = 0;
        for (uint64_t k = 0; k < 48; ++k)
        {
            LlmRandomScenario r;
            r.layers = 3 + k % 4;
            r.servers = 4 + (k / 4) % 4;
            const uint32_t mode = (k / 16) % 3;
            r.maxLayersPerServer = mode == 0
                                       ? std::optional<uint32_t>(1)
                                       : (mode == 1 ? std::optional<uint32_t>(2) : std::nullopt);
            r.limitedStorage = k % 2 == 1;
            r.linkProbability = (k / 2) % 3 == 0 ? 0.6 : 1.0;
            const LlmScenario v1 = r.Draw(3, k);
            const LlmMultiScenario s(v1);
            const LlmPlan ref = LlmIlpSolver().Solve(LlmCostModel(v1));
            infeasible += ref.HasPlacement() ? 0 : 1;
            for (const auto objective : {LlmJointObjective::MAX, LlmJointObjective::SUM})
            {
                const LlmJointCostModel m(s, objective);
                for (const LlmJointReductions& red :
                     {LlmJointReductions{false, false, false}, LlmJointReductions{}})
                {
                    const LlmJointPlan p = LlmJointIlpSolver({}, red).Solve(m);
                    NS_TEST_ASSERT_MSG_EQ(p.HasPlacement(),
                                          ref.HasPlacement(),
                                          "instance " << k << ": " << p.message << " / "
                                                      << ref.message);
                    if (p.HasPlacement())
                    {
                        NS_TEST_ASSERT_MSG_EQ(ToString(p.status), "optimal", p.message);
                        NS_TEST_ASSERT_MSG_EQ_TOL(p.objective,
                                                  ref.objective,
                                                  1e-9 * ref.objective,
                                                  "instance " << k);
                        NS_TEST_ASSERT_MSG_EQ_TOL(p.models[0].objective,
                                                  ref.objective,
                                                  1e-9 * ref.objective,
                                                  "T_0");
                    }
                }
            }
        }
        NS_TEST_ASSERT_MSG_GT(infeasible, 0u, "some instances are infeasible");
        NS_TEST_ASSERT_MSG_LT(infeasible, 24u, "most instances are feasible");
    }
};

/**
 * @ingroup edge-llm-tests
 * On tiny several-model instances the joint ILP equals joint exhaustive search (both
 * objectives, with and without its reductions); the warm start is feasible and no better than
 * the optimum; every bound is at most its objective; shared storage binds on some instances
 * and some are infeasible.
 */
class LlmJointVersusExhaustiveTestCase : public TestCase
{
  public:
    LlmJointVersusExhaustiveTestCase()
        : TestCase("Joint ILP equals joint exhaustive search on 72 tiny instances")
    {
    }

  private:
    void DoRun() override
    {
        uint32_t infeasible = 0;
        uint32_t storageBinds = 0;
        uint32_t warmStarts = 0;
        for (uint64_t k = 0; k < 72; ++k)
        {
            const std::size_t models = 2 + k % 2;
            const uint32_t layers = models == 3 ? 2 : 2 + (k / 2) % 2;
            const uint32_t servers = 3 + (k / 4) % 2;
            const uint32_t mode = (k / 8) % 3;
            const std::optional<uint32_t> maxLayers =
                mode == 0 ? std::optional<uint32_t>(1)
                          : (mode == 1 ? std::optional<uint32_t>(2) : std::nullopt);
            const double links = (k / 24) % 3 == 2 ? 0.7 : 1.0;
            const LlmMultiScenario s =
                DrawJoint(k, models, layers, servers, maxLayers, (k / 24) % 3 != 1, links);
            LlmMultiScenario unlimited = s;
            for (LlmServer& srv : unlimited.GetInfrastructure().GetServers())
            {
                srv.storageBytes.reset();
            }
            for (const auto objective : {LlmJointObjective::MAX, LlmJointObjective::SUM})
            {
                const LlmJointCostModel m(s, objective);
                const LlmJointPlan e = LlmJointExhaustiveSolver().Solve(m);
                NS_TEST_ASSERT_MSG_NE(ToString(e.status), "time-limit-no-solution", e.message);
                infeasible += e.HasPlacement() ? 0 : 1;
                for (const LlmJointReductions& red :
                     {LlmJointReductions{}, LlmJointReductions{false, false, false}})
                {
                    const LlmJointPlan p = LlmJointIlpSolver({}, red).Solve(m);
                    NS_TEST_ASSERT_MSG_EQ(SameOutcome(p, e),
                                          true,
                                          "instance " << k << " " << ToString(objective) << ": ilp "
                                                      << p.objective << " (" << p.message
                                                      << "), exhaustive " << e.objective << " ("
                                                      << e.message << ")");
                    if (p.HasPlacement())
                    {
                        NS_TEST_ASSERT_MSG_EQ(ToString(p.status), "optimal", p.message);
                        NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(p.GetPlacement()), "", "feasible");
                        NS_TEST_ASSERT_MSG_LT_OR_EQ(p.stats.lowerBound,
                                                    p.objective * (1 + 1e-12),
                                                    "bound <= objective");
                    }
                    else
                    {
                        NS_TEST_ASSERT_MSG_EQ(p.message.empty(), false, "a reason");
                    }
                }
                // The warm start: feasible and no better than the optimum.
                const LlmJointPlan w = LlmJointSequentialSolver().Solve(m);
                if (w.HasPlacement())
                {
                    ++warmStarts;
                    NS_TEST_ASSERT_MSG_EQ(e.HasPlacement(), true, "warm start on an infeasible");
                    NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(w.GetPlacement()), "", "warm feasible");
                    NS_TEST_ASSERT_MSG_GT_OR_EQ(w.objective,
                                                e.objective * (1 - 1e-9),
                                                "warm start >= optimum");
                }
                else
                {
                    NS_TEST_ASSERT_MSG_EQ(w.message.empty(), false, "a reason");
                }
                // Does the shared storage bind? (the optimum without storage limits is lower)
                const LlmJointCostModel um(unlimited, objective);
                const LlmJointPlan u = LlmJointIlpSolver().Solve(um);
                if (e.HasPlacement() && u.objective < e.objective * (1 - 1e-9))
                {
                    ++storageBinds;
                }
            }
        }
        NS_TEST_ASSERT_MSG_GT(infeasible, 4u, "some instances are infeasible");
        NS_TEST_ASSERT_MSG_GT(storageBinds, 10u, "shared storage binds on some instances");
        NS_TEST_ASSERT_MSG_GT(warmStarts, 40u, "the warm start places most instances");
    }
};

/**
 * @ingroup edge-llm-tests
 * Infeasible joint problems say what binds.
 */
class LlmJointInfeasibleTestCase : public TestCase
{
  public:
    LlmJointInfeasibleTestCase()
        : TestCase("Infeasible joint problems name the binding constraint")
    {
    }

  private:
    void DoRun() override
    {
        const LlmMultiScenario base = LlmMultiScenario::Parse(kTwoOneLayerModels, "hand.json");
        // Three one-layer models of 500 bytes each.
        LlmMultiScenario s = base;
        s.GetTenants().push_back(s.GetTenants()[1]);
        s.GetTenants()[2].name = "m2";
        // No server holds a 500-byte layer.
        for (std::size_t i = 0; i < 3; ++i)
        {
            s.GetInfrastructure().GetServers()[i].storageBytes = 400;
        }
        for (const auto objective : {LlmJointObjective::MAX, LlmJointObjective::SUM})
        {
            const LlmJointCostModel m(s, objective);
            for (const LlmJointPlan& p : {LlmJointIlpSolver().Solve(m),
                                          LlmJointExhaustiveSolver().Solve(m),
                                          LlmJointSequentialSolver().Solve(m)})
            {
                NS_TEST_ASSERT_MSG_EQ(ToString(p.status), "infeasible", p.solver);
                NS_TEST_ASSERT_MSG_NE(p.message.find("models[0]) is infeasible alone"),
                                      std::string::npos,
                                      p.message);
            }
        }
        // Each fits alone (c holds 500 B), not together: total storage.
        s.GetInfrastructure().GetServers()[0].storageBytes = 500;
        s.GetInfrastructure().GetServers()[1].storageBytes = 100;
        s.GetInfrastructure().GetServers()[2].storageBytes = 500;
        {
            const LlmJointCostModel m(s, LlmJointObjective::MAX);
            const LlmJointPlan p = LlmJointIlpSolver().Solve(m);
            NS_TEST_ASSERT_MSG_EQ(ToString(p.status), "infeasible", p.message);
            NS_TEST_ASSERT_MSG_NE(
                p.message.find("shared storage (2e): the 3 models need 0.0015 MB together"),
                std::string::npos,
                p.message);
        }
        // Enough bytes in total, but no server holds two of them: the slot count.
        s.GetInfrastructure().GetServers()[0].storageBytes = 900;
        s.GetInfrastructure().GetServers()[1].storageBytes = 900;
        s.GetInfrastructure().GetServers()[2].storageBytes = 300;
        {
            const LlmJointCostModel m(s, LlmJointObjective::MAX);
            const LlmJointPlan p = LlmJointIlpSolver().Solve(m);
            NS_TEST_ASSERT_MSG_EQ(ToString(p.status), "infeasible", p.message);
            NS_TEST_ASSERT_MSG_NE(p.message.find("shared storage (2e) with (2d): 3 layers"),
                                  std::string::npos,
                                  p.message);
        }
        // A model whose δ no width meets.
        LlmMultiScenario d = base;
        d.GetTenants()[1].quantization.delta = 1e-30;
        d.GetTenants()[1].quantization.bMax = 16;
        const LlmJointCostModel dm(d, LlmJointObjective::SUM);
        const LlmJointPlan dp = LlmJointIlpSolver().Solve(dm);
        NS_TEST_ASSERT_MSG_EQ(ToString(dp.status), "infeasible", dp.message);
        NS_TEST_ASSERT_MSG_NE(dp.message.find("model m1 (models[1]) is infeasible alone: "
                                              "weight-error budget"),
                              std::string::npos,
                              dp.message);
    }
};

/**
 * @ingroup edge-llm-tests
 * The joint ILP under time limits: a solved instance carries its proven gap and at least the
 * largest solo optimum as its bound; GLPK stopped at the limit returns the warm start with the
 * best bound proven; a limit too short for any phase returns no plan, naming the phase.
 */
class LlmJointTimeLimitTestCase : public TestCase
{
  public:
    LlmJointTimeLimitTestCase()
        : TestCase("The joint ILP keeps its time limit and proves the gap of what it returns")
    {
    }

  private:
    void DoRun() override
    {
        const LlmMultiScenario s = DrawJoint(5, 4, 12, 16, 1, false, 1.0);
        LlmSolverOptions o;
        o.timeLimitSeconds = 5;
        const LlmJointCostModel m(s, LlmJointObjective::MAX);
        const LlmJointPlan p = LlmJointIlpSolver(o).Solve(m);
        NS_TEST_ASSERT_MSG_EQ(p.HasPlacement(), true, p.message);
        NS_TEST_ASSERT_MSG_LT(p.stats.seconds, 6.0, "time limit kept");
        NS_TEST_ASSERT_MSG_EQ(p.stats.IsProven(), true, "a proven gap");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(p.stats.lowerBound, p.objective * (1 + 1e-12), "bound");
        double solo = 0;
        for (std::size_t k = 0; k < m.GetNModels(); ++k)
        {
            solo = std::max(solo, LlmIlpSolver().Solve(m.GetModel(k)).objective);
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(p.stats.lowerBound * (1 + 1e-9), solo, "solo bound");
        NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(p.GetPlacement()), "", "feasible");
        const LlmJointPlan w = LlmJointSequentialSolver().Solve(m);
        NS_TEST_ASSERT_MSG_LT_OR_EQ(p.objective, w.objective * (1 + 1e-12), "no worse than warm");

        // GLPK stopped by the limit (no solo bounds, so GLPK must run; the root LP of four
        // OPT-350m models on 30 servers takes longer than the limit): the warm start, its gap.
        LlmTopologyConfig config;
        config.seed = 3;
        LlmMultiScenario big(LlmTopologyGenerator(config).Generate());
        for (std::size_t k = 1; k < 4; ++k)
        {
            big.GetTenants().push_back(big.GetTenants()[0]);
            big.GetTenants()[k].name = "opt350m-" + std::to_string(k);
            big.GetTenants()[k].quantization.delta = k % 2 == 0 ? 1e-5 : 1e-3;
        }
        const LlmJointCostModel bm(big, LlmJointObjective::SUM);
        o.timeLimitSeconds = 8;
        const LlmJointPlan b = LlmJointIlpSolver(o, {true, false, true}).Solve(bm);
        NS_TEST_ASSERT_MSG_EQ(ToString(b.status), "feasible", b.message);
        NS_TEST_ASSERT_MSG_NE(b.message.find("time limit (8 s) reached in"),
                              std::string::npos,
                              b.message);
        NS_TEST_ASSERT_MSG_LT(b.stats.seconds, 10.0, "time limit kept");
        NS_TEST_ASSERT_MSG_EQ(b.stats.IsProven(), true, "a proven gap");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(b.stats.lowerBound, b.objective, "bound");
        NS_TEST_ASSERT_MSG_GT(b.stats.lowerBound, 0.0, "a bound");

        // A limit too short for the bounds and the warm start.
        o.timeLimitSeconds = 1e-6;
        const LlmJointPlan t = LlmJointIlpSolver(o).Solve(bm);
        NS_TEST_ASSERT_MSG_EQ(ToString(t.status), "time-limit-no-solution", t.message);
        NS_TEST_ASSERT_MSG_NE(t.message.find("time limit (1e-06 s) reached in"),
                              std::string::npos,
                              t.message);
        NS_TEST_ASSERT_MSG_LT(t.stats.seconds, 0.5, "time limit kept");
    }
};

/**
 * @ingroup edge-llm-tests
 * The joint solver suite.
 */
class LlmJointSolverTestSuite : public TestSuite
{
  public:
    LlmJointSolverTestSuite()
        : TestSuite("edge-llm-joint-solver", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmJointHandTestCase());
        AddTestCase(new LlmJointOneModelTestCase());
        AddTestCase(new LlmJointVersusExhaustiveTestCase());
        AddTestCase(new LlmJointInfeasibleTestCase());
        AddTestCase(new LlmJointTimeLimitTestCase());
    }
};

/// Static instance.
LlmJointSolverTestSuite g_llmJointSolverTestSuite;

} // namespace

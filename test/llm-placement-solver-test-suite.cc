// SPDX-License-Identifier: GPL-2.0-only

#include "../model/llm-server-path-ilp.h"
#include "llm-test-scenarios.h"
#include "ns3/llm-baseline-comparison.h"
#include "ns3/llm-cost-model.h"
#include "ns3/llm-dp-solver.h"
#include "ns3/llm-exhaustive-solver.h"
#include "ns3/llm-ilp-solver.h"
#include "ns3/llm-layered-graph.h"
#include "ns3/llm-placement-solver.h"
#include "ns3/llm-random-scenario.h"
#include "ns3/llm-scenario.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/test.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

using namespace ns3;

namespace
{

using tests::kHandScenario;

LlmPlan
SolveWith(const std::string& name, const LlmCostModel& m, const LlmSolverOptions& o = {})
{
    return LlmSolverFactory::Create(name, o)->Solve(m);
}

/**
 * @ingroup edge-llm-tests
 * A hand-computed instance: every exact solver finds T = 0.0115 s on (b, c).
 */
class LlmSolverHandTestCase : public TestCase
{
  public:
    LlmSolverHandTestCase()
        : TestCase("Solvers on a hand-computed instance")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = LlmScenario::Parse(kHandScenario, "hand.json");
        const LlmCostModel m(s);
        // l0 at 4 bits (1/4^4 ≤ 0.01), l1 at 8 bits (table). Only (a, b) and (b, c) are linked:
        // (a, b): 0.005 + 0.008 + 0.01 = 0.023 s; (b, c): 0.0025 + 0.004 + 0.005 = 0.0115 s
        // (l1 needs 3000 bytes at 8 bits: it just fits on c).
        for (const char* name : {"ilp", "exhaustive", "dp"})
        {
            const LlmPlan p = SolveWith(name, m);
            NS_TEST_ASSERT_MSG_EQ(ToString(p.status), "optimal", name);
            NS_TEST_ASSERT_MSG_EQ_TOL(p.objective, 0.0115, 1e-15, name);
            NS_TEST_ASSERT_MSG_EQ((p.placement == LlmPlacement{{1, 4}, {2, 8}}), true, name);
        }
        const LlmPlan u = SolveWith("uniform-bits", m);
        NS_TEST_ASSERT_MSG_EQ(ToString(u.status), "infeasible", "l0 at 32 bits fits only b");
        NS_TEST_ASSERT_MSG_NE(u.message.find("constraint"), std::string::npos, u.message);

        // The plan file.
        const LlmPlan p = SolveWith("ilp", m);
        const auto j = nlohmann::json::parse(p.ToJson(m));
        NS_TEST_ASSERT_MSG_EQ_TOL(j["objective_s"].get<double>(), 0.0115, 1e-15, "objective_s");
        NS_TEST_ASSERT_MSG_EQ_TOL(j["quantization_ratio"].get<double>(),
                                  100.0 * (1000 * 4 + 3000 * 8) / (4000 * 32),
                                  1e-12,
                                  "ratio");
        NS_TEST_ASSERT_MSG_EQ(j["layers"][1]["server"].get<std::string>(), "c", "server");
        NS_TEST_ASSERT_MSG_EQ(j["layers"][1]["bits"].get<int>(), 8, "bits");
        NS_TEST_ASSERT_MSG_EQ(j["solver"]["name"].get<std::string>(), "ilp", "solver");
        NS_TEST_ASSERT_MSG_EQ(j["solver"]["status"].get<std::string>(), "optimal", "status");
        NS_TEST_ASSERT_MSG_EQ(j["solver"].contains("seconds"), true, "seconds");
    }
};

/// Objectives equal to 1e-9 relative, or both without a plan.
bool
SameOutcome(const LlmPlan& a, const LlmPlan& b)
{
    if (a.HasPlacement() != b.HasPlacement())
    {
        return false;
    }
    return !a.HasPlacement()
           || std::fabs(a.objective - b.objective) <= 1e-9 * std::max(1.0, std::fabs(b.objective));
}

/**
 * @ingroup edge-llm-tests
 * The ILP against exhaustive search (every allowed width, no reduction) on tiny random
 * instances with every combination of (2d), summed (2e) and missing links.
 */
class LlmIlpVersusExhaustiveTestCase : public TestCase
{
  public:
    LlmIlpVersusExhaustiveTestCase()
        : TestCase("ILP equals exhaustive search on 240 random tiny instances")
    {
    }

  private:
    void DoRun() override
    {
        uint32_t infeasible = 0;
        for (uint64_t k = 0; k < 240; ++k)
        {
            LlmRandomScenario r;
            r.layers = 2 + k % 3;
            r.servers = 2 + (k / 3) % 3;
            const uint32_t mode = (k / 9) % 3;
            r.maxLayersPerServer = mode == 0
                                       ? std::optional<uint32_t>(1)
                                       : (mode == 1 ? std::optional<uint32_t>(2) : std::nullopt);
            r.limitedStorage = (k / 27) % 2 == 1;
            r.linkProbability = (k / 54) % 2 == 1 ? 0.6 : 1.0;
            r.bMin = 4;
            r.bStep = 4;
            r.bMax = 16;
            r.delta = 1e-3 * (1 + k % 7); // several allowed widths per layer
            const LlmScenario s = r.Draw(11, k);
            const LlmCostModel m(s);
            const LlmPlan ilp = SolveWith("ilp", m);
            const LlmPlan ex = SolveWith("exhaustive", m);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(ilp, ex),
                                  true,
                                  "instance " << k << ": ilp " << ToString(ilp.status) << " "
                                              << ilp.objective << " vs exhaustive "
                                              << ToString(ex.status) << " " << ex.objective);
            if (ilp.HasPlacement())
            {
                NS_TEST_ASSERT_MSG_EQ(ToString(ilp.status), "optimal", "instance " << k);
                NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(ilp.placement), "", "instance " << k);
            }
            else
            {
                ++infeasible;
                NS_TEST_ASSERT_MSG_EQ(ilp.message.empty(), false, "a reason, instance " << k);
            }
        }
        NS_TEST_ASSERT_MSG_GT(infeasible, 5, "the set includes infeasible instances");
        NS_TEST_ASSERT_MSG_LT(infeasible, 200, "and feasible ones");
    }
};

/**
 * @ingroup edge-llm-tests
 * With a scenario user, every solver charges the user's access path: both ILP formulations
 * and GLPK alone equal exhaustive search, the DP bounds them, the baselines' plans are feasible
 * and their objectives include the path; a user whose server reaches no host is infeasible.
 */
class LlmAccessPathTestCase : public TestCase
{
  public:
    LlmAccessPathTestCase()
        : TestCase("User access path: every solver charges it, the ILPs equal exhaustive search")
    {
    }

  private:
    void DoRun() override
    {
        LlmSolverOptions serverPath;
        serverPath.formulation = LlmSolverOptions::Formulation::SERVER_PATH;
        LlmSolverOptions layered;
        layered.formulation = LlmSolverOptions::Formulation::LAYERED;
        LlmSolverOptions bare = serverPath;
        bare.heuristicIncumbent = false;
        bare.lagrangianPruning = false;
        uint32_t changed = 0;
        uint32_t feasible = 0;
        for (uint64_t k = 0; k < 120; ++k)
        {
            LlmRandomScenario r;
            r.repeatedBlocks = k % 4 != 3;
            r.layers = 2 + k % 4;
            r.servers = r.layers + (k / 4) % 3;
            r.bStep = 4;
            r.limitedStorage = (k / 12) % 2 == 1;
            r.linkProbability = (k / 24) % 3 == 0 ? 0.6 : 1.0;
            r.maxLayersPerServer = (k / 24) % 2 == 0 ? std::optional<uint32_t>(1) : std::nullopt;
            LlmScenario s = r.Draw(31, k);
            const LlmCostModel plain(s);
            const LlmPlan before = SolveWith("exhaustive", plain);
            // Delays large enough to move the first and last layers; the user on server k % N.
            for (std::size_t e = 0; e < s.GetLinks().size(); ++e)
            {
                s.GetLinks()[e].delaySeconds = 1e-3 * static_cast<double>((e * 7 + k) % 11);
            }
            LlmUser user;
            user.server = s.GetServers()[k % s.GetServers().size()].name;
            user.bps = 1e8;
            user.delaySeconds = 2e-3;
            s.SetUser(user);
            s.Validate("test");
            const LlmCostModel m(s);
            const LlmPlan ex = SolveWith("exhaustive", m);
            for (const LlmPlan& p : {LlmIlpSolver(serverPath).Solve(m),
                                     LlmIlpSolver(layered).Solve(m),
                                     LlmIlpSolver(bare).Solve(m)})
            {
                NS_TEST_ASSERT_MSG_EQ(SameOutcome(p, ex),
                                      true,
                                      "instance " << k << ": " << p.objective << " " << p.message
                                                  << " vs exhaustive " << ex.objective);
            }
            if (!ex.HasPlacement())
            {
                continue;
            }
            ++feasible;
            const double access = m.AccessDelay(ex.placement);
            NS_TEST_ASSERT_MSG_GT(access, 0.0, "the path costs time, instance " << k);
            NS_TEST_ASSERT_MSG_EQ_TOL(m.Objective(ex.placement),
                                      plain.Objective(ex.placement) + access,
                                      1e-9 * ex.objective,
                                      "T = the paper's T + the access path, instance " << k);
            changed += before.HasPlacement() && !(before.placement == ex.placement) ? 1 : 0;
            const LlmPlan dp = SolveWith("dp", m);
            if (dp.HasPlacement() || ToString(dp.status) == "relaxation-violates")
            {
                NS_TEST_ASSERT_MSG_LT_OR_EQ(dp.objective,
                                            ex.objective * (1 + 1e-9),
                                            "the DP bounds the optimum, instance " << k);
            }
            for (const std::string name : {"greedy", "cloud-only", "edgeshard", "uniform-bits"})
            {
                const LlmPlan b = SolveWith(name, m);
                if (b.HasPlacement())
                {
                    NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(b.placement), "", name << " " << k);
                    NS_TEST_ASSERT_MSG_EQ_TOL(b.objective,
                                              m.Objective(b.placement),
                                              1e-9 * b.objective,
                                              name << " reports T with the path, instance " << k);
                    NS_TEST_ASSERT_MSG_GT_OR_EQ(b.objective,
                                                ex.objective * (1 - 1e-9),
                                                name << " is no better than optimal, " << k);
                }
            }
        }
        NS_TEST_ASSERT_MSG_GT(feasible, 60, "mostly feasible instances");
        NS_TEST_ASSERT_MSG_GT(changed, 5, "the access path moves some optimal placements");

        // A user whose server has no links out or in: only that server can host the first and
        // last layers; with one layer per server and two layers, no plan.
        LlmRandomScenario r;
        r.layers = 2;
        r.servers = 3;
        LlmScenario s = r.Draw(5, 1);
        const std::string u = s.GetServers()[0].name;
        auto& links = s.GetLinks();
        links.erase(std::remove_if(links.begin(),
                                   links.end(),
                                   [&u](const LlmLink& l) { return l.from == u || l.to == u; }),
                    links.end());
        s.SetUser(LlmUser{u, 1e9, 1e-3});
        const LlmCostModel m(s);
        NS_TEST_ASSERT_MSG_EQ(std::isinf(m.AccessDelay(0, 1)),
                              true,
                              "no link from the user's server");
        NS_TEST_ASSERT_MSG_EQ(SolveWith("ilp", m).HasPlacement(), false, "infeasible");
        NS_TEST_ASSERT_MSG_EQ(SolveWith("exhaustive", m).HasPlacement(), false, "infeasible");
    }
};

/**
 * @ingroup edge-llm-tests
 * The server-path formulation (runs of identical layers, lazy connectivity rows) against the
 * layered formulation, exhaustive search and the DP, on LLM-shaped random instances (identical
 * middle blocks) and on instances without runs, with one layer per server, storage limits and
 * missing links.
 */
class LlmServerPathTestCase : public TestCase
{
  public:
    LlmServerPathTestCase()
        : TestCase("Server-path ILP equals the layered ILP, exhaustive search and the DP")
    {
    }

  private:
    void DoRun() override
    {
        LlmSolverOptions serverPath;
        serverPath.formulation = LlmSolverOptions::Formulation::SERVER_PATH;
        LlmSolverOptions layered;
        layered.formulation = LlmSolverOptions::Formulation::LAYERED;
        LlmSolverOptions bare = serverPath; // GLPK alone: no incumbent, no pruning
        bare.heuristicIncumbent = false;
        bare.lagrangianPruning = false;
        uint32_t feasible = 0;
        uint32_t infeasible = 0;
        uint32_t dpExact = 0;
        for (uint64_t k = 0; k < 160; ++k)
        {
            LlmRandomScenario r;
            r.repeatedBlocks = k % 8 != 7; // one in eight without runs
            r.layers = 3 + k % 3;
            r.servers = r.layers + (k / 3) % 3;
            r.bStep = 4; // a few widths per layer: exhaustive search stays small
            r.limitedStorage = (k / 12) % 2 == 1;
            r.linkProbability = (k / 24) % 3 == 0 ? 0.5 : ((k / 24) % 3 == 1 ? 0.8 : 1.0);
            r.tokens = 128;
            r.batch = 128;
            const LlmScenario s = r.Draw(21, k);
            const LlmCostModel m(s);
            const LlmPlan sp = LlmIlpSolver(serverPath).Solve(m);
            const LlmPlan lay = LlmIlpSolver(layered).Solve(m);
            const LlmPlan raw = LlmIlpSolver(bare).Solve(m);
            const LlmPlan ex = SolveWith("exhaustive", m);
            const LlmPlan dp = SolveWith("dp", m);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(sp, lay),
                                  true,
                                  "instance " << k << ": server-path " << ToString(sp.status) << " "
                                              << sp.objective << " vs layered "
                                              << ToString(lay.status) << " " << lay.objective);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(sp, ex),
                                  true,
                                  "instance " << k << ": server-path " << sp.objective
                                              << " vs exhaustive " << ex.objective);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(raw, ex),
                                  true,
                                  "instance " << k << ", GLPK alone: " << raw.objective
                                              << " vs exhaustive " << ex.objective);
            if (!sp.HasPlacement())
            {
                ++infeasible;
                NS_TEST_ASSERT_MSG_EQ(sp.message.empty(), false, "a reason, instance " << k);
                continue;
            }
            ++feasible;
            NS_TEST_ASSERT_MSG_EQ(ToString(sp.status), "optimal", "instance " << k);
            NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(sp.placement), "", "instance " << k);
            NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(raw.placement), "", "instance " << k);
            NS_TEST_ASSERT_MSG_EQ(sp.stats.gap, 0.0, "proven, instance " << k);
            // The DP relaxes one layer per server: a lower bound, exact when its path is
            // feasible.
            if (dp.HasPlacement() || ToString(dp.status) == "relaxation-violates")
            {
                NS_TEST_ASSERT_MSG_LT_OR_EQ(dp.objective,
                                            sp.objective * (1 + 1e-9),
                                            "the DP bounds the ILP, instance " << k);
                if (dp.HasPlacement())
                {
                    ++dpExact;
                    NS_TEST_ASSERT_MSG_EQ(SameOutcome(sp, dp), true, "DP, instance " << k);
                }
            }
        }
        NS_TEST_ASSERT_MSG_GT(feasible, 80, "mostly feasible instances");
        NS_TEST_ASSERT_MSG_GT(infeasible, 3, "and some infeasible ones");
        NS_TEST_ASSERT_MSG_GT(dpExact, 3, "and some where the DP is exact");

        // Runs: an LLM-shaped model is embedding, one run of identical blocks, head.
        LlmRandomScenario r;
        r.repeatedBlocks = true;
        r.layers = 12;
        r.servers = 14;
        const LlmScenario s = r.Draw(22, 1);
        const LlmCostModel m(s);
        const LlmLayeredGraph g(m, LlmPlacementSolver::SmallestAllowedBits(m));
        NS_TEST_ASSERT_MSG_EQ(LlmServerPathIlp::FindRuns(g).size(), 3, "three runs");
        NS_TEST_ASSERT_MSG_EQ(LlmServerPathIlp::FindRuns(g)[1].last, 10, "blocks 1 ... 10");
        r.repeatedBlocks = false;
        const LlmScenario d = r.Draw(22, 1);
        const LlmCostModel md(d);
        const LlmLayeredGraph gd(md, LlmPlacementSolver::SmallestAllowedBits(md));
        NS_TEST_ASSERT_MSG_EQ(LlmServerPathIlp::FindRuns(gd).size(), 12, "no runs");

        // Medium instances, beyond exhaustive search: the two formulations agree.
        for (uint64_t k = 0; k < 12; ++k)
        {
            LlmRandomScenario q;
            q.repeatedBlocks = true;
            q.layers = 8 + k % 5;
            q.servers = q.layers + 2 + k % 4;
            q.limitedStorage = k % 2 == 1;
            q.linkProbability = k % 3 == 0 ? 0.7 : 1.0;
            q.tokens = 128;
            q.batch = 128;
            const LlmScenario x = q.Draw(23, k);
            const LlmCostModel mx(x);
            const LlmPlan a = LlmIlpSolver(serverPath).Solve(mx);
            const LlmPlan b = LlmIlpSolver(layered).Solve(mx);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(a, b),
                                  true,
                                  "medium instance " << k << ": " << a.objective << " vs "
                                                     << b.objective);
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The ILP against the DP where the DP is exact: no (2d), unlimited storage.
 */
class LlmIlpVersusDpTestCase : public TestCase
{
  public:
    LlmIlpVersusDpTestCase()
        : TestCase("ILP equals the DP on 150 random instances without 2d and storage limits")
    {
    }

  private:
    void DoRun() override
    {
        for (uint64_t k = 0; k < 150; ++k)
        {
            LlmRandomScenario r;
            r.layers = 3 + k % 10;
            r.servers = 3 + (k / 10) % 8;
            r.maxLayersPerServer = std::nullopt;
            r.linkProbability = k % 2 ? 0.5 : 1.0;
            r.delta = 1e-5 * (1 + k % 5);
            const LlmScenario s = r.Draw(12, k);
            const LlmCostModel m(s);
            const LlmPlan ilp = SolveWith("ilp", m);
            const LlmPlan dp = SolveWith("dp", m);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(ilp, dp),
                                  true,
                                  "instance " << k << ": ilp " << ilp.objective << " dp "
                                              << dp.objective);
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * The reductions are exact: the ILP with every allowed width and no pruning/incumbent returns
 * the optimum of the reduced ILP, on random instances with (2d) = 1, 2 and summed storage.
 */
class LlmIlpReductionTestCase : public TestCase
{
  public:
    LlmIlpReductionTestCase()
        : TestCase("ILP with and without bit reduction and pruning: same optimum on 80 instances")
    {
    }

  private:
    void DoRun() override
    {
        LlmSolverOptions plain;
        plain.reduceBits = false;
        plain.lagrangianPruning = false;
        plain.heuristicIncumbent = false;
        plain.glpkPresolve = true;
        LlmSolverOptions bitsOnly = plain;
        bitsOnly.reduceBits = true;
        for (uint64_t k = 0; k < 80; ++k)
        {
            LlmRandomScenario r;
            r.layers = 3 + k % 6;
            r.servers = r.layers + (k / 6) % 4;
            r.maxLayersPerServer =
                k % 3 == 0 ? std::optional<uint32_t>(2) : std::optional<uint32_t>(1);
            r.limitedStorage = k % 2 == 0;
            r.linkProbability = 0.8;
            r.bStep = 2;
            r.bMax = 16;
            r.delta = 1e-4 * (1 + k % 9);
            const LlmScenario s = r.Draw(13, k);
            const LlmCostModel m(s);
            const LlmPlan full = LlmIlpSolver(plain).Solve(m);
            const LlmPlan reduced = LlmIlpSolver(bitsOnly).Solve(m);
            const LlmPlan all = LlmIlpSolver().Solve(m);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(full, reduced),
                                  true,
                                  "bit reduction, instance " << k << ": " << full.objective
                                                             << " vs " << reduced.objective);
            NS_TEST_ASSERT_MSG_EQ(SameOutcome(full, all),
                                  true,
                                  "pruning, instance " << k << ": " << full.objective << " vs "
                                                       << all.objective);
            if (full.HasPlacement())
            {
                NS_TEST_ASSERT_MSG_GT_OR_EQ(full.stats.columns,
                                            all.stats.columns,
                                            "the reductions never add columns");
            }
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Every combination of the ILP's options (formulation, pruning, incumbent, bit reduction,
 * GLPK presolve) equals exhaustive search where the summed storage rows (2e) bind: several
 * layers per server on small disks. Unscaled storage rows in bytes once made GLPK 5.0's branch
 * and bound stop at a wrong optimum here.
 */
class LlmIlpOptionsVersusExhaustiveTestCase : public TestCase
{
  public:
    LlmIlpOptionsVersusExhaustiveTestCase()
        : TestCase("Every ILP option combination equals exhaustive search under binding storage")
    {
    }

  private:
    void DoRun() override
    {
        for (uint64_t k = 0; k < 40; ++k)
        {
            LlmRandomScenario r;
            r.repeatedBlocks = k % 2 == 0;
            r.layers = 3 + k % 3;
            r.servers = 3 + (k / 3) % 4;
            r.maxLayersPerServer = k % 4 == 3 ? std::optional<uint32_t>(2) : std::nullopt;
            r.limitedStorage = true;
            r.bStep = 4;
            r.delta = 1e-4 * (1 + k % 5);
            const LlmScenario s = r.Draw(37, k);
            const LlmCostModel m(s);
            const LlmPlan ex = SolveWith("exhaustive", m);
            for (uint32_t mask = 0; mask < 32; ++mask)
            {
                LlmSolverOptions o;
                o.formulation = (mask & 1) ? LlmSolverOptions::Formulation::LAYERED
                                           : LlmSolverOptions::Formulation::AUTO;
                o.lagrangianPruning = (mask & 2) != 0;
                o.heuristicIncumbent = (mask & 4) != 0;
                o.reduceBits = (mask & 8) != 0;
                o.glpkPresolve = (mask & 16) != 0;
                const LlmPlan p = LlmIlpSolver(o).Solve(m);
                NS_TEST_ASSERT_MSG_EQ(SameOutcome(p, ex),
                                      true,
                                      "instance " << k << ", options " << mask << ": "
                                                  << p.objective << " (" << p.message
                                                  << ") vs exhaustive " << ex.objective);
            }
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * A relative gap lets the ILP stop early, never further from the optimum than asked.
 */
class LlmIlpGapTestCase : public TestCase
{
  public:
    LlmIlpGapTestCase()
        : TestCase("ILP with a relative gap stays within it")
    {
    }

  private:
    void DoRun() override
    {
        LlmSolverOptions loose;
        loose.relativeGap = 0.01;
        for (uint64_t k = 0; k < 20; ++k)
        {
            LlmRandomScenario r;
            r.layers = 10 + k % 6;
            r.servers = r.layers + 3;
            r.tokens = 128;
            r.batch = 128;
            const LlmScenario s = r.Draw(15, k);
            const LlmCostModel m(s);
            const LlmPlan exact = SolveWith("ilp", m);
            const LlmPlan gap = LlmIlpSolver(loose).Solve(m);
            NS_TEST_ASSERT_MSG_EQ(gap.HasPlacement(), true, "instance " << k);
            NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(gap.placement), "", "feasible " << k);
            NS_TEST_ASSERT_MSG_LT_OR_EQ(gap.objective,
                                        exact.objective * 1.01 * (1 + 1e-12),
                                        "within 1 % of the optimum, instance " << k);
            NS_TEST_ASSERT_MSG_LT_OR_EQ(gap.stats.lowerBound,
                                        exact.objective * (1 + 1e-9),
                                        "a valid lower bound, instance " << k);
            NS_TEST_ASSERT_MSG_LT_OR_EQ(gap.stats.gap, 0.01, "reported gap, instance " << k);
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Infeasible instances are explained: the constraint and the layer or server are named.
 */
class LlmInfeasibleTestCase : public TestCase
{
  public:
    LlmInfeasibleTestCase()
        : TestCase("Infeasibility is explained")
    {
    }

  private:
    /// Solve with the ILP and expect no plan and `text` in the message.
    void Expect(const LlmScenario& s, const std::string& text, const std::string& what)
    {
        const LlmCostModel m(s);
        const LlmPlan p = SolveWith("ilp", m);
        NS_TEST_EXPECT_MSG_EQ(ToString(p.status), "infeasible", what);
        NS_TEST_EXPECT_MSG_NE(p.message.find(text),
                              std::string::npos,
                              what << ": \"" << text << "\" in \"" << p.message << "\"");
    }

    void DoRun() override
    {
        LlmRandomScenario r;
        r.layers = 6;
        r.servers = 4;
        Expect(r.Draw(1, 1),
               "constraint 2d: 6 layers at most 1 per server need 6 servers, "
               "the scenario has 4",
               "too few servers");

        LlmScenario s = r.Draw(1, 2);
        s.SetMaxLayersPerServer(std::nullopt);
        s.GetQuantization().delta = 1e-30;
        s.GetQuantization().bMax = 12;
        Expect(s, "weight-error budget (eq. 5-7): layer layer0 has no bit width", "delta");

        s = r.Draw(1, 3);
        s.SetMaxLayersPerServer(std::nullopt);
        for (LlmServer& srv : s.GetServers())
        {
            srv.storageBytes = 1000.0;
        }
        Expect(s, "constraint 2e: layer layer0 needs", "fits nowhere");

        s = r.Draw(1, 4);
        s.SetMaxLayersPerServer(std::nullopt);
        const double layerBytes = s.GetModel().GetLayer(0).params * 16 / 8.0;
        for (LlmServer& srv : s.GetServers())
        {
            srv.storageBytes = layerBytes * 1.2;
        }
        LlmProfile p = s.GetModel();
        std::vector<LlmLayer> same(6, p.GetLayer(0));
        for (std::size_t l = 0; l < same.size(); ++l)
        {
            same[l].name = "layer" + std::to_string(l);
            same[l].weightMaxAbs = 1e-6; // every width allowed: b* = 4 bits
        }
        s.SetModel(LlmProfile("same", 16, same));
        for (LlmServer& srv : s.GetServers())
        {
            srv.storageBytes = same[0].params * 4 / 8.0 * 1.2; // one layer per server at 4 bits
        }
        Expect(s, "constraint 2e: the layers need", "total storage");

        // 2d and 2e together (each alone can be met): Llama-2-7b, two layers per server, on
        // the built-in servers, most of which hold no decoder block.
        {
            LlmScenario llama = LlmScenario::BuiltInDefault();
            llama.SetModel(LlmProfile::BuiltIn("llama-2-7b"), "llama-2-7b");
            llama.SetMaxLayersPerServer(2);
            Expect(llama,
                   "constraints 2d and 2e together: 32 layers need at least 202.4 MB each at "
                   "their smallest allowed bits, but the servers hold at most 11 of them",
                   "2d and 2e together");
        }

        r.servers = 8;
        s = r.Draw(1, 5);
        s.GetLinks().clear();
        Expect(s, "constraint 2f: no link leads from a server able to host layer layer0", "links");

        // 2d and 2e together: each server holds one 4-bit layer by storage, two by count,
        // 6 layers on 4 servers: each alone is met (2d: 8 slots; 2e total: 4.8 layers), the
        // combination fails. GLPK proves it.
        s = r.Draw(1, 6);
        s.SetModel(LlmProfile("same", 16, same));
        s.SetMaxLayersPerServer(2);
        s.GetServers().resize(4);
        s.GetLinks().clear();
        for (const LlmServer& a : s.GetServers())
        {
            for (const LlmServer& b : s.GetServers())
            {
                if (a.name != b.name)
                {
                    s.GetLinks().push_back({a.name, b.name, 1e8, std::nullopt});
                }
            }
        }
        for (LlmServer& srv : s.GetServers())
        {
            srv.storageBytes = same[0].params * 4 / 8.0 * 1.5;
        }
        s.Validate("test");
        Expect(s,
               "constraints 2d and 2e together: 6 layers need at least 9.212 MB each at their "
               "smallest allowed bits, but the servers hold at most 4 of them",
               "combined: found before GLPK");

        // Every quick check passes (a chain s0 -> s1 -> s0 exists, three slots for three
        // layers), but one layer per server needs three distinct linked servers: GLPK proves
        // it, in both formulations.
        {
            LlmRandomScenario q;
            q.layers = 3;
            q.servers = 3;
            q.repeatedBlocks = true;
            LlmScenario t = q.Draw(1, 7);
            t.GetLinks().clear();
            t.GetLinks().push_back({"s0", "s1", 1e8, std::nullopt});
            t.GetLinks().push_back({"s1", "s0", 1e8, std::nullopt});
            t.Validate("test");
            Expect(t, "no placement satisfies constraints 2d, 2e and 2f together", "GLPK proves");
            LlmSolverOptions layered;
            layered.formulation = LlmSolverOptions::Formulation::LAYERED;
            const LlmCostModel mt(t);
            NS_TEST_EXPECT_MSG_EQ(ToString(LlmIlpSolver(layered).Solve(mt).status),
                                  "infeasible",
                                  "layered too");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * Baselines: feasible where they succeed and never better than the exact optimum of their own
 * problem.
 */
class LlmBaselineTestCase : public TestCase
{
  public:
    LlmBaselineTestCase()
        : TestCase("Baselines against the ILP")
    {
    }

  private:
    void DoRun() override
    {
        // The comparison set beside a plan: every other solver, the winner named.
        {
            const LlmScenario b = LlmScenario::BuiltInDefault();
            const LlmCostModel mb(b);
            const LlmPlan ilp = SolveWith("ilp", mb);
            const auto others = LlmBaselineComparison::Solve(mb, ilp, {});
            NS_TEST_ASSERT_MSG_EQ(others.size(), 4, "four baselines beside the ilp");
            const std::string text = LlmBaselineComparison::ToText(ilp, others);
            NS_TEST_EXPECT_MSG_NE(text.find("cloud-only's plan is 7.74 x faster than ilp's"),
                                  std::string::npos,
                                  text);
            for (const LlmPlan& o : others)
            {
                NS_TEST_EXPECT_MSG_NE(o.solver, "ilp", "not solved twice");
            }
        }
        for (uint64_t k = 0; k < 30; ++k)
        {
            LlmRandomScenario r;
            r.layers = 4 + k % 8;
            r.servers = r.layers + 2 + k % 5;
            r.maxLayersPerServer =
                k % 4 == 0 ? std::optional<uint32_t>(2) : std::optional<uint32_t>(1);
            r.bMax = 32;
            r.delta = 1e-5;
            LlmScenario s = r.Draw(14, k);
            s.GetServers().push_back({"cloud", 8e9, std::nullopt, LlmServer::Role::CLOUD});
            for (uint32_t i = 0; i < r.servers; ++i)
            {
                s.GetLinks().push_back({"s" + std::to_string(i), "cloud", 5e7, 0.02});
                s.GetLinks().push_back({"cloud", "s" + std::to_string(i), 5e7, 0.02});
            }
            s.Validate("test");
            const LlmCostModel m(s);
            const LlmPlan ilp = SolveWith("ilp", m);
            NS_TEST_ASSERT_MSG_EQ(ToString(ilp.status), "optimal", "instance " << k);
            const double tol = 1e-9 * ilp.objective;
            const LlmPlan greedy = SolveWith("greedy", m);
            if (greedy.HasPlacement())
            {
                NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(greedy.placement), "", "greedy feasible");
                NS_TEST_ASSERT_MSG_GT_OR_EQ(greedy.objective + tol, ilp.objective, "greedy");
            }
            const LlmPlan uniform = SolveWith("uniform-bits", m);
            NS_TEST_ASSERT_MSG_EQ(ToString(uniform.status), "optimal", "uniform " << k);
            NS_TEST_ASSERT_MSG_EQ_TOL(uniform.quantizationRatio, 100.0, 1e-9, "no quantization");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(uniform.objective + tol, ilp.objective, "uniform-bits");
            const LlmPlan shard = SolveWith("edgeshard", m);
            if (shard.HasPlacement())
            {
                NS_TEST_ASSERT_MSG_EQ(m.CheckPlacement(shard.placement), "", "edgeshard feasible");
                NS_TEST_ASSERT_MSG_EQ_TOL(shard.quantizationRatio, 100.0, 1e-9, "edgeshard bits");
                NS_TEST_ASSERT_MSG_GT_OR_EQ(shard.objective * (1 + 1e-9),
                                            uniform.objective,
                                            "edgeshard vs the optimum at original bits");
            }
            const LlmPlan cloud = SolveWith("cloud-only", m);
            NS_TEST_ASSERT_MSG_EQ(ToString(cloud.status), "feasible", "cloud-only");
            double cp = 0;
            for (std::size_t l = 0; l < m.GetNLayers(); ++l)
            {
                NS_TEST_ASSERT_MSG_EQ(cloud.placement[l].server, r.servers, "on the cloud");
                cp += m.ComputeDelay(l, r.servers, cloud.placement[l].bits);
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(cloud.objective, cp, 1e-9 * cp, "compute only");
        }
        const LlmScenario noCloud = LlmRandomScenario().Draw(1, 1);
        const LlmCostModel m(noCloud);
        NS_TEST_ASSERT_MSG_NE(SolveWith("cloud-only", m).message.find("role"),
                              std::string::npos,
                              "cloud-only needs a cloud server");
    }
};

/**
 * @ingroup edge-llm-tests
 * Time limits bound every solver: instances whose full solve takes well over a minute (ILP) or
 * seconds (DP) stop at a 0.5 s (or smaller) limit with a feasible plan or none; sizes beyond
 * the exhaustive search's limits are refused at once. The time bound checked is loose (3 × the
 * limit + 1 s): it catches a phase that ignores the clock, not timing noise.
 */
class LlmSolverTimeLimitTestCase : public TestCase
{
  public:
    LlmSolverTimeLimitTestCase()
        : TestCase("Time limits bound every phase of the ILP, the DP and exhaustive search")
    {
    }

  private:
    /// Status feasible or time-limit-no-solution, within 3 × the limit + 1 s.
    void Check(const LlmPlan& p, double limit, const std::string& what)
    {
        const std::string status = ToString(p.status);
        NS_TEST_EXPECT_MSG_EQ((status == "feasible" || status == "time-limit-no-solution"),
                              true,
                              what << ": " << status << ": " << p.message);
        NS_TEST_EXPECT_MSG_LT(p.stats.seconds,
                              3 * limit + 1,
                              what << " took " << p.stats.seconds << " s: " << p.message);
    }

    void DoRun() override
    {
        // 3000 layers x 40 servers, at most 80 layers each: GLPK alone runs past 60 s.
        LlmRandomScenario big;
        big.layers = 3000;
        big.servers = 40;
        big.maxLayersPerServer = 80;
        big.tokens = 128;
        big.batch = 128;
        big.bMax = 32;
        big.delta = 1e-5;
        const LlmScenario bigScenario = big.Draw(1, 1); // the model keeps a reference
        const LlmCostModel bigModel(bigScenario);
        for (double limit : {0.5, 1e-3})
        {
            LlmSolverOptions o;
            o.timeLimitSeconds = limit;
            Check(LlmIlpSolver(o).Solve(bigModel), limit, "ilp 3000x40");
        }
        // 400 x 40, at most 12 each: small enough for GLPK, whose root LP takes over 30 s.
        LlmRandomScenario mid = big;
        mid.layers = 400;
        mid.maxLayersPerServer = 12;
        const LlmScenario midScenario = mid.Draw(1, 1); // the model keeps a reference
        const LlmCostModel midModel(midScenario);
        LlmSolverOptions half;
        half.timeLimitSeconds = 0.5;
        Check(LlmIlpSolver(half).Solve(midModel), 0.5, "ilp 400x40");
        // 20000 x 8, any number of layers per server: the incumbent's local search (O(L²) per
        // pass) once ran for minutes here; the shortest path is the optimum and proves it.
        LlmRandomScenario deep = big;
        deep.layers = 20000;
        deep.servers = 8;
        deep.maxLayersPerServer = std::nullopt;
        const LlmScenario deepScenario = deep.Draw(1, 1); // the model keeps a reference
        const LlmCostModel deepModel(deepScenario);
        const LlmPlan d = LlmIlpSolver(half).Solve(deepModel);
        NS_TEST_EXPECT_MSG_EQ(d.HasPlacement(), true, ToString(d.status) << ": " << d.message);
        NS_TEST_EXPECT_MSG_LT(d.stats.seconds, 3 * 0.5 + 1, "ilp 20000x8: " << d.message);
        // The DP: 3000 layers x 800 servers (no links, any number of layers per server) is
        // L·N² ≈ 2e9 steps, seconds; it has no plan before its last layer.
        LlmRandomScenario wide = big;
        wide.servers = 800;
        wide.maxLayersPerServer = std::nullopt;
        wide.linkProbability = 0;
        const LlmScenario wideScenario = wide.Draw(1, 1); // the model keeps a reference
        const LlmCostModel wideModel(wideScenario);
        LlmSolverOptions fast;
        fast.timeLimitSeconds = 0.1;
        const LlmPlan dp = LlmDpSolver(fast).Solve(wideModel);
        Check(dp, 0.1, "dp 3000x800");
        NS_TEST_EXPECT_MSG_EQ(ToString(dp.status), "time-limit-no-solution", dp.message);
        // In the shortest path, or (a -O0 build on a loaded machine) still building its graph.
        const bool inPhase = dp.message.find("shortest path") != std::string::npos
                             || dp.message.find("building the layered graph") != std::string::npos;
        NS_TEST_EXPECT_MSG_EQ(inPhase, true, dp.message);
        // Exhaustive search: refuses what it cannot enumerate, stops at the limit otherwise.
        const LlmPlan refused = LlmExhaustiveSolver(half).Solve(bigModel);
        NS_TEST_EXPECT_MSG_EQ(ToString(refused.status), "time-limit-no-solution", "3000 layers");
        NS_TEST_EXPECT_MSG_NE(refused.message.find("MAX_LAYERS"), std::string::npos, "named");
        NS_TEST_EXPECT_MSG_LT(refused.stats.seconds, 0.5, "refused at once");
        LlmRandomScenario small = big;
        small.layers = 6;
        small.servers = 30; // one width: 30^6 = 7e8 placements, seconds to search them all
        small.maxLayersPerServer = std::nullopt;
        small.bMin = 16;
        small.bMax = 16;
        const LlmScenario smallScenario = small.Draw(1, 1); // the model keeps a reference
        const LlmCostModel smallModel(smallScenario);
        LlmSolverOptions tiny;
        tiny.timeLimitSeconds = 0.02;
        const LlmPlan ex = LlmExhaustiveSolver(tiny).Solve(smallModel);
        Check(ex, 0.02, "exhaustive 6x30");
    }
};

/**
 * @ingroup edge-llm-tests
 * The solver suite.
 */
class LlmPlacementSolverTestSuite : public TestSuite
{
  public:
    LlmPlacementSolverTestSuite()
        : TestSuite("edge-llm-solver", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmSolverHandTestCase());
        AddTestCase(new LlmIlpVersusExhaustiveTestCase());
        AddTestCase(new LlmIlpVersusDpTestCase());
        AddTestCase(new LlmServerPathTestCase());
        AddTestCase(new LlmAccessPathTestCase());
        AddTestCase(new LlmIlpReductionTestCase());
        AddTestCase(new LlmIlpOptionsVersusExhaustiveTestCase());
        AddTestCase(new LlmIlpGapTestCase());
        AddTestCase(new LlmInfeasibleTestCase());
        AddTestCase(new LlmBaselineTestCase());
        AddTestCase(new LlmSolverTimeLimitTestCase());
    }
};

/// Static instance.
LlmPlacementSolverTestSuite g_llmPlacementSolverTestSuite;

} // namespace

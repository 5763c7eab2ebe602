// SPDX-License-Identifier: GPL-2.0-only

#include "llm-ilp-solver.h"

#include "llm-incumbent-search.h"
#include "llm-lagrangian-bound.h"
#include "llm-layered-graph.h"
#include "llm-layered-ilp.h"
#include "llm-server-path-ilp.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmIlpSolver");

LlmIlpSolver::LlmIlpSolver(const LlmSolverOptions& options, Bits bits)
    : m_options(options)
    , m_bits(bits)
{
}

LlmPlan
LlmIlpSolver::Solve(const LlmCostModel& model) const
{
    NS_LOG_FUNCTION(this);
    const LlmSolverDeadline deadline(m_options.timeLimitSeconds);
    const std::size_t nl = model.GetNLayers();
    const std::size_t ns = model.GetNServers();
    const uint32_t original = model.GetScenario().GetModel().GetOriginalBits();
    LlmPlan plan;
    plan.solver = GetName();
    auto done = [&plan, &deadline]() {
        plan.stats.seconds = deadline.Elapsed();
        return plan;
    };
    auto timeLimit = [&deadline](const std::string& phase) {
        std::ostringstream os;
        os << "time limit (" << deadline.GetLimit() << " s) reached in " << phase;
        return os.str();
    };
    const std::string tooLarge = CheckPairLimit(model, GetName());
    if (!tooLarge.empty())
    {
        plan.status = LlmSolverStatus::NO_SOLUTION;
        plan.message = tooLarge;
        return done();
    }

    // b*_l, and the widths each layer may take in the formulation.
    const std::vector<uint32_t> bits =
        m_bits == Bits::ORIGINAL ? std::vector<uint32_t>(nl, original) : SmallestAllowedBits(model);
    std::vector<std::vector<uint32_t>> candidates(nl);
    for (std::size_t l = 0; l < nl; ++l)
    {
        if (m_bits == Bits::ALLOWED && !m_options.reduceBits)
        {
            candidates[l] = model.GetAllowedBits(l);
        }
        else if (bits[l] != 0)
        {
            candidates[l] = {bits[l]};
        }
    }
    const std::string why = ExplainInfeasible(model, bits, &deadline);
    if (!why.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = why;
        return done();
    }
    if (deadline.Expired())
    {
        plan.status = LlmSolverStatus::NO_SOLUTION;
        plan.message = timeLimit("the bit reduction and feasibility checks (2d, 2e, 2f)")
                       + " without a feasible placement";
        return done();
    }

    // Bounds, incumbent, pruning (on the graph of b*_l; valid for the full formulation too).
    const LlmLayeredGraph g(model, bits);
    LlmIncumbentSearch incumbent(g, model);
    LlmLagrangianBound lagrangian;
    // The best bound proven so far: the Lagrangian one, or Σ_l min_i cp(l, i, b*_l) (every
    // placement costs at least its compute), whichever is larger.
    auto bestBound = [&](double other) {
        double cheapest = 0;
        for (std::size_t l = 0; l < nl; ++l)
        {
            double c = INFINITY;
            for (std::size_t i = 0; i < ns; ++i)
            {
                c = std::min(c, g.Node(l, i));
            }
            cheapest += c;
        }
        return std::max({lagrangian.bound, other, cheapest});
    };
    // Stop at a phase's end: the incumbent if there is one (gap from the best bound), else none.
    auto stop = [&](const std::string& reason) {
        plan.stats.heuristicSeconds = deadline.Elapsed();
        const double bound = bestBound(-INFINITY);
        if (std::isfinite(incumbent.BestCost()))
        {
            plan.placement = g.ToPlacement(incumbent.Best());
            Finish(model, plan, LlmSolverStatus::FEASIBLE);
            plan.stats.lowerBound = std::min(bound, plan.objective);
            plan.stats.gap = plan.objective > 0
                                 ? (plan.objective - plan.stats.lowerBound) / plan.objective
                                 : 0.0;
            // A bound that meets the incumbent proves it optimal, as GLPK would have.
            const bool proven = plan.status == LlmSolverStatus::FEASIBLE && plan.stats.gap <= 1e-9;
            if (proven)
            {
                plan.status = LlmSolverStatus::OPTIMAL;
            }
            plan.message =
                reason
                + (proven ? "; the heuristic incumbent is returned, proven optimal by the bound"
                          : "; the heuristic incumbent is returned, gap "
                                + std::to_string(100 * plan.stats.gap) + " %");
        }
        else
        {
            plan.status = LlmSolverStatus::NO_SOLUTION;
            plan.message = reason + " without a feasible placement";
            plan.stats.lowerBound = std::isfinite(bound) ? bound : 0.0;
        }
        NS_LOG_INFO(GetName() << ": " << plan.message);
        return done();
    };
    if (deadline.Expired())
    {
        return stop(timeLimit("building the layered graph"));
    }
    const bool prune = m_options.lagrangianPruning && candidates[0].size() == 1
                       && std::all_of(candidates.begin(), candidates.end(), [](const auto& c) {
                              return c.size() == 1;
                          });
    incumbent.SetDeadline(&deadline);
    if (m_options.lagrangianPruning || m_options.heuristicIncumbent)
    {
        // A quarter of the limit at most for each of the incumbent search and the bound.
        const LlmSolverDeadline incumbentDeadline =
            deadline.Within(0.25 * m_options.timeLimitSeconds);
        incumbent.SetDeadline(&incumbentDeadline);
        incumbent.MultiStart();
        incumbent.SetDeadline(&deadline);
        if (deadline.Expired())
        {
            return stop(timeLimit("the incumbent search (greedy starts and local search)"));
        }
        if (m_options.lagrangianPruning)
        {
            lagrangian = LlmLagrangianBound::Optimize(g,
                                                      model,
                                                      incumbent,
                                                      deadline,
                                                      0.25 * m_options.timeLimitSeconds);
            if (deadline.Expired())
            {
                return stop(timeLimit("the Lagrangian bound (subgradient steps)"));
            }
        }
    }
    const double ub = incumbent.BestCost();
    if (m_options.relativeGap > 0 && std::isfinite(ub) && ub > 0
        && (ub - lagrangian.bound) / ub <= m_options.relativeGap)
    {
        // The Lagrangian bound already proves the requested gap: no branch and bound needed.
        plan.placement = g.ToPlacement(incumbent.Best());
        Finish(model, plan, LlmSolverStatus::FEASIBLE);
        plan.stats.lowerBound = std::min(lagrangian.bound, plan.objective);
        plan.stats.gap = (plan.objective - plan.stats.lowerBound) / plan.objective;
        plan.stats.heuristicSeconds = deadline.Elapsed();
        plan.message = "within the requested gap by the Lagrangian bound (GLPK not run)";
        return done();
    }
    // A GLPK outcome as the plan: GLPK's placement, or the incumbent with the best bound.
    auto fromOutcome = [&](const LlmIlpOutcome& out) {
        plan.stats.nodes = out.nodes;
        plan.stats.rows = out.rows;
        plan.stats.columns = out.columns;
        plan.stats.columnsBeforePruning = out.columnsBeforePruning;
        if (out.status == LlmIlpOutcome::Status::OPTIMAL
            || out.status == LlmIlpOutcome::Status::FEASIBLE)
        {
            plan.placement = out.placement;
            const bool optimal = out.status == LlmIlpOutcome::Status::OPTIMAL;
            Finish(model, plan, optimal ? LlmSolverStatus::OPTIMAL : LlmSolverStatus::FEASIBLE);
            plan.stats.lowerBound = optimal ? plan.objective : bestBound(out.bound);
            plan.stats.lowerBound = std::min(plan.stats.lowerBound, plan.objective);
            plan.stats.gap = plan.objective > 0
                                 ? (plan.objective - plan.stats.lowerBound) / plan.objective
                                 : 0.0;
            if (out.outOfTime)
            {
                plan.message = timeLimit("GLPK's branch and cut") + "; gap "
                               + std::to_string(100 * plan.stats.gap) + " %";
            }
        }
        else if (out.status == LlmIlpOutcome::Status::INFEASIBLE)
        {
            // GLPK proved it, or the formulation found it while building (phase says why).
            plan.status = LlmSolverStatus::INFEASIBLE;
            plan.message = !out.phase.empty()
                               ? out.phase
                               : "no placement satisfies constraints 2d, 2e and 2f together (GLPK "
                                 "proved the ILP infeasible; each constraint alone can be met)";
        }
        else if (!out.phase.empty())
        {
            // Stopped while building (time or size limit): the incumbent, if any.
            return stop(out.outOfTime ? timeLimit(out.phase) : out.phase);
        }
        else if (std::isfinite(ub))
        {
            // GLPK stopped (time limit, possibly inside the root LP) before it took the
            // incumbent: the incumbent is still a feasible plan, with the best bound as its proof.
            plan.placement = g.ToPlacement(incumbent.Best());
            Finish(model, plan, LlmSolverStatus::FEASIBLE);
            plan.stats.lowerBound = std::min(bestBound(out.bound), plan.objective);
            plan.stats.gap = plan.objective > 0
                                 ? (plan.objective - plan.stats.lowerBound) / plan.objective
                                 : 0.0;
            plan.message = "GLPK stopped before improving the heuristic incumbent ("
                           + (out.outOfTime ? timeLimit(out.rootLpOnly ? "GLPK's root LP"
                                                                       : "GLPK's branch and cut")
                                            : "code " + std::to_string(out.glpkCode))
                           + "); gap " + std::to_string(100 * plan.stats.gap) + " %";
        }
        else
        {
            plan.status = LlmSolverStatus::NO_SOLUTION;
            plan.message = out.outOfTime
                               ? timeLimit("GLPK") + " without a feasible placement"
                               : "GLPK stopped (code " + std::to_string(out.glpkCode) + ")";
            plan.stats.lowerBound = bestBound(out.bound);
        }
        NS_LOG_INFO(GetName() << ": " << ToString(plan.status) << " T=" << plan.objective
                              << " rows=" << plan.stats.rows << " cols=" << plan.stats.columns
                              << " nodes=" << plan.stats.nodes);
        return done();
    };

    // The server-path formulation: one layer per server, one width per layer, and (AUTO) a run
    // of identical layers for it to exploit.
    const bool oneWidth = std::all_of(candidates.begin(), candidates.end(), [](const auto& c) {
        return c.size() == 1;
    });
    bool serverPath = !g.SameServerAllowed() && oneWidth
                      && m_options.formulation != LlmSolverOptions::Formulation::LAYERED;
    if (serverPath && m_options.formulation == LlmSolverOptions::Formulation::AUTO)
    {
        serverPath = LlmServerPathIlp::FindRuns(g).size() < nl;
    }
    LlmLayeredIlp::Pruning pruning;
    if (prune && std::isfinite(ub))
    {
        std::vector<std::size_t> path;
        const double sp = g.ShortestPath(lagrangian.penalty,
                                         lagrangian.storagePrice,
                                         &pruning.forward,
                                         &pruning.backward,
                                         path,
                                         &deadline);
        if (std::isnan(sp))
        {
            return stop(timeLimit("the pruning (prefix and suffix bounds)"));
        }
    }
    pruning.use = prune && std::isfinite(ub) && !pruning.forward.empty();
    pruning.penalty = lagrangian.penalty;
    pruning.storagePrice = lagrangian.storagePrice;
    pruning.constant = lagrangian.constant;
    pruning.ub = ub;
    plan.stats.heuristicSeconds = deadline.Elapsed();
    NS_LOG_INFO("incumbent " << ub << " Lagrangian bound " << lagrangian.bound << " after "
                             << lagrangian.iterations << " iterations, "
                             << plan.stats.heuristicSeconds << " s");

    const bool give = m_options.heuristicIncumbent && std::isfinite(ub);
    if (serverPath)
    {
        const LlmServerPathIlp ilp(g);
        return fromOutcome(ilp.Solve(pruning,
                                     give ? incumbent.Best() : std::vector<std::size_t>(),
                                     deadline,
                                     m_options));
    }
    const LlmLayeredIlp ilp(model, g, candidates);
    return fromOutcome(ilp.Solve(std::move(pruning),
                                 give ? incumbent.Best() : std::vector<std::size_t>(),
                                 deadline,
                                 m_options));
}

} // namespace ns3

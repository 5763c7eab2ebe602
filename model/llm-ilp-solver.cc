// SPDX-License-Identifier: GPL-2.0-only

#include "llm-ilp-solver.h"

#include "llm-glpk-search.h"
#include "llm-layered-graph.h"
#include "llm-server-path-ilp.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <glpk.h>
#include <numeric>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmIlpSolver");

namespace
{

/**
 * Incumbent search on a layered graph: multi-start greedy, repair and local search (relocate a
 * layer to another server, swap the servers of two layers) under (2d) and summed (2e). Every
 * step stops at the deadline of the current phase (SetDeadline) and keeps what it has: a
 * construction cut short is dropped, a local search cut short keeps its (feasible) moves.
 */
class IncumbentSearch
{
  public:
    IncumbentSearch(const LlmLayeredGraph& g, const LlmCostModel& model)
        : m_g(g)
        , m_nl(g.GetNLayers())
        , m_ns(g.GetNServers())
        , m_cap(m_ns)
    {
        const auto k = model.GetScenario().GetMaxLayersPerServer();
        m_maxLayers = k ? *k : UINT32_MAX;
        for (std::size_t i = 0; i < m_ns; ++i)
        {
            m_cap[i] = model.StorageCapacity(i) * (1 + 1e-12);
        }
    }

    /// Bound every later step by this deadline (not null).
    void SetDeadline(const LlmSolverDeadline* deadline) { m_deadline = deadline; }

    /// Offer a path (any, possibly infeasible): repair, improve, keep if best.
    void Offer(std::vector<std::size_t> path)
    {
        if (!Repair(path))
        {
            return;
        }
        double cost = m_g.PathCost(path);
        LocalSearch(path, cost);
        Keep(path, cost);
    }

    /// Greedy construction from every first server, local search on the best few.
    void MultiStart()
    {
        // The first servers in order of the first layer's cost, so that the deadline cuts the
        // least promising starts; then back in server order, so that the sort by cost below
        // sees the same sequence whatever the order of construction.
        std::vector<std::size_t> order(m_ns);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
            return m_g.Node(0, a) < m_g.Node(0, b);
        });
        std::vector<std::pair<std::size_t, std::vector<std::size_t>>> built;
        for (std::size_t k = 0; k < m_ns && !m_deadline->Expired(); ++k)
        {
            std::vector<std::size_t> path;
            if (Construct(order[k], path))
            {
                built.emplace_back(order[k], std::move(path));
            }
        }
        std::sort(built.begin(), built.end(), [](const auto& a, const auto& b) {
            return a.first < b.first;
        });
        std::vector<std::pair<double, std::vector<std::size_t>>> starts;
        for (auto& [s0, path] : built)
        {
            starts.emplace_back(m_g.PathCost(path), std::move(path));
        }
        std::sort(starts.begin(), starts.end(), [](const auto& a, const auto& b) {
            return a.first < b.first;
        });
        for (std::size_t k = 0; k < std::min<std::size_t>(3, starts.size()); ++k)
        {
            double cost = starts[k].first;
            LocalSearch(starts[k].second, cost);
            Keep(starts[k].second, cost);
        }
    }

    bool Feasible(const std::vector<std::size_t>& path) const
    {
        std::vector<uint32_t> count(m_ns, 0);
        std::vector<double> used(m_ns, 0.0);
        for (std::size_t l = 0; l < m_nl; ++l)
        {
            if (++count[path[l]] > m_maxLayers
                || (used[path[l]] += m_g.Storage(l)) > m_cap[path[l]])
            {
                return false;
            }
        }
        return std::isfinite(m_g.PathCost(path));
    }

    double BestCost() const { return m_bestCost; }

    const std::vector<std::size_t>& Best() const { return m_best; }

  private:
    void Keep(const std::vector<std::size_t>& path, double cost)
    {
        if (cost < m_bestCost && Feasible(path))
        {
            m_bestCost = cost;
            m_best = path;
        }
    }

    /// Cheapest admissible server for layer l after `prev` (and before `next`, if any).
    bool Choose(std::size_t l,
                const std::vector<std::size_t>& path,
                bool hasNext,
                const std::vector<uint32_t>& count,
                const std::vector<double>& used,
                std::size_t& choice) const
    {
        double best = INFINITY;
        for (std::size_t j = 0; j < m_ns; ++j)
        {
            if (count[j] >= m_maxLayers || used[j] + m_g.Storage(l) > m_cap[j])
            {
                continue;
            }
            double c = m_g.Node(l, j);
            if (l > 0)
            {
                c += m_g.Edge(l - 1, path[l - 1], j);
            }
            if (hasNext)
            {
                c += m_g.Edge(l, j, path[l + 1]);
            }
            if (c < best)
            {
                best = c;
                choice = j;
            }
        }
        return std::isfinite(best);
    }

    bool Construct(std::size_t s0, std::vector<std::size_t>& path) const
    {
        if (!std::isfinite(m_g.Node(0, s0)))
        {
            return false;
        }
        std::vector<uint32_t> count(m_ns, 0);
        std::vector<double> used(m_ns, 0.0);
        path.assign(m_nl, 0);
        path[0] = s0;
        ++count[s0];
        used[s0] += m_g.Storage(0);
        for (std::size_t l = 1; l < m_nl; ++l)
        {
            if ((l % 64 == 0 && m_deadline->Expired())
                || !Choose(l, path, false, count, used, path[l]))
            {
                return false;
            }
            ++count[path[l]];
            used[path[l]] += m_g.Storage(l);
        }
        return true;
    }

    /// Move layers off over-full servers, in layer order.
    bool Repair(std::vector<std::size_t>& path) const
    {
        std::vector<uint32_t> count(m_ns, 0);
        std::vector<double> used(m_ns, 0.0);
        for (std::size_t l = 0; l < m_nl; ++l)
        {
            if (l % 64 == 0 && m_deadline->Expired())
            {
                return false;
            }
            const std::size_t i = path[l];
            const bool bad = count[i] >= m_maxLayers || used[i] + m_g.Storage(l) > m_cap[i]
                             || !std::isfinite(m_g.Node(l, i))
                             || (l > 0 && !std::isfinite(m_g.Edge(l - 1, path[l - 1], i)));
            if (bad && !Choose(l, path, l + 1 < m_nl, count, used, path[l])
                && !Choose(l, path, false, count, used, path[l]))
            {
                return false;
            }
            ++count[path[l]];
            used[path[l]] += m_g.Storage(l);
        }
        return std::isfinite(m_g.PathCost(path));
    }

    /// Sum of the node terms at layers a and b and the edge terms touching them.
    double Terms(const std::vector<std::size_t>& s, std::size_t a, std::size_t b) const
    {
        double t = m_g.Node(a, s[a]) + (a != b ? m_g.Node(b, s[b]) : 0.0);
        std::size_t edges[4] = {a - 1, a, b - 1, b}; // edge e joins layers e and e+1
        std::sort(edges, edges + 4);
        for (std::size_t k = 0; k < 4; ++k)
        {
            const std::size_t e = edges[k];
            // Skip duplicates and edges outside 0..L−2 (a − 1 wraps to SIZE_MAX when a = 0).
            if ((k > 0 && e == edges[k - 1]) || e >= m_nl - 1)
            {
                continue;
            }
            t += m_g.Edge(e, s[e], s[e + 1]);
        }
        return t;
    }

    void LocalSearch(std::vector<std::size_t>& s, double& cost) const
    {
        std::vector<uint32_t> count(m_ns, 0);
        std::vector<double> used(m_ns, 0.0);
        for (std::size_t l = 0; l < m_nl; ++l)
        {
            ++count[s[l]];
            used[s[l]] += m_g.Storage(l);
        }
        bool improved = true;
        for (int pass = 0; improved && pass < 100; ++pass)
        {
            improved = false;
            for (std::size_t l = 0; l < m_nl; ++l)
            {
                if (m_deadline->Expired())
                {
                    improved = false; // s is feasible: every move kept it so
                    break;
                }
                // Relocate layer l.
                const std::size_t old = s[l];
                const double before = Terms(s, l, l);
                for (std::size_t j = 0; j < m_ns; ++j)
                {
                    if (j == old || count[j] >= m_maxLayers || used[j] + m_g.Storage(l) > m_cap[j])
                    {
                        continue;
                    }
                    s[l] = j;
                    const double delta = Terms(s, l, l) - before;
                    if (delta < -1e-12 * cost)
                    {
                        --count[old];
                        used[old] -= m_g.Storage(l);
                        ++count[j];
                        used[j] += m_g.Storage(l);
                        cost += delta;
                        improved = true;
                        break;
                    }
                    s[l] = old;
                }
                // Swap the servers of layers l and m.
                for (std::size_t m = l + 1; m < m_nl; ++m)
                {
                    const std::size_t a = s[l];
                    const std::size_t b = s[m];
                    if (a == b || used[a] - m_g.Storage(l) + m_g.Storage(m) > m_cap[a]
                        || used[b] - m_g.Storage(m) + m_g.Storage(l) > m_cap[b])
                    {
                        continue;
                    }
                    const double before2 = Terms(s, l, m);
                    std::swap(s[l], s[m]);
                    const double delta = Terms(s, l, m) - before2;
                    if (delta < -1e-12 * cost)
                    {
                        used[a] += m_g.Storage(m) - m_g.Storage(l);
                        used[b] += m_g.Storage(l) - m_g.Storage(m);
                        cost += delta;
                        improved = true;
                    }
                    else
                    {
                        std::swap(s[l], s[m]);
                    }
                }
            }
        }
        cost = m_g.PathCost(s); // no drift from the incremental updates
    }

    const LlmLayeredGraph& m_g;
    std::size_t m_nl;
    std::size_t m_ns;
    uint32_t m_maxLayers;
    std::vector<double> m_cap;
    std::vector<std::size_t> m_best;
    double m_bestCost{INFINITY};
    const LlmSolverDeadline* m_deadline{nullptr};
};

/// The Lagrangian relaxation of (2d) and summed (2e): prices and the bound they prove.
struct LagrangianBound
{
    double bound{-INFINITY};          //!< Best L(π, ν) found
    std::vector<double> penalty;      //!< π_i at the best bound (empty: 2d not relaxed)
    std::vector<double> storagePrice; //!< ν_i/κ_i at the best bound (empty: 2e not relaxed)
    double constant{0};               //!< Σ π_i K + Σ ν_i
    uint32_t iterations{0};           //!< Subgradient iterations
};

/**
 * Subgradient optimization of the Lagrangian dual (Polyak steps towards the incumbent). No
 * iteration starts after `budget` seconds; a shortest path stops only at the solve's deadline
 * (a path cut short is lost work); the incumbent search offered a path gets a tenth of the
 * budget (a local search cut short keeps its moves).
 */
LagrangianBound
OptimizeLagrangian(const LlmLayeredGraph& g,
                   const LlmCostModel& model,
                   IncumbentSearch& incumbent,
                   const LlmSolverDeadline& deadline,
                   double budget)
{
    const LlmSolverDeadline phase = deadline.Within(budget);
    auto offer = [&](const std::vector<std::size_t>& p) {
        const LlmSolverDeadline search = phase.Within(0.1 * budget);
        incumbent.SetDeadline(&search);
        incumbent.Offer(p);
        incumbent.SetDeadline(&deadline);
    };
    const std::size_t nl = g.GetNLayers();
    const std::size_t ns = g.GetNServers();
    const auto k = model.GetScenario().GetMaxLayersPerServer();
    const bool relaxCount = k && *k < nl;
    bool relaxStorage = false;
    if (!k || *k > 1) // with one layer per server, per-layer storage is all of (2e)
    {
        for (std::size_t i = 0; i < ns; ++i)
        {
            relaxStorage = relaxStorage || std::isfinite(model.StorageCapacity(i));
        }
    }
    std::vector<double> pi(relaxCount ? ns : 0, 0.0);
    std::vector<double> nu(relaxStorage ? ns : 0, 0.0); // price of storage_i/κ_i ≤ 1
    std::vector<double> price(relaxStorage ? ns : 0, 0.0);
    LagrangianBound best;
    best.penalty = pi;
    best.storagePrice = price;
    double theta = 2.0;
    int stall = 0;
    std::vector<std::size_t> path;
    const double tol = 1e-9;
    for (uint32_t it = 0; it < 1000; ++it)
    {
        double constant = 0;
        for (std::size_t i = 0; i < pi.size(); ++i)
        {
            constant += pi[i] * (*k);
        }
        for (std::size_t i = 0; i < nu.size(); ++i)
        {
            const double cap = model.StorageCapacity(i);
            price[i] = std::isfinite(cap) ? nu[i] / cap : 0.0;
            constant += std::isfinite(cap) ? nu[i] : 0.0;
        }
        const double sp = g.ShortestPath(pi, price, nullptr, nullptr, path, &deadline);
        if (std::isnan(sp))
        {
            break; // out of time inside the shortest path
        }
        best.iterations = it + 1;
        if (!std::isfinite(sp))
        {
            break; // no path at all: the caller reports infeasibility
        }
        const double value = sp - constant;
        if (value > best.bound + tol * std::fabs(value))
        {
            best.bound = value;
            best.penalty = pi;
            best.storagePrice = price;
            best.constant = constant;
            stall = 0;
        }
        else if (++stall >= 20)
        {
            theta /= 2;
            stall = 0;
        }
        if (!relaxCount && !relaxStorage)
        {
            offer(path);
            break; // the shortest path is the optimum
        }
        if (it % 10 == 0 || incumbent.Feasible(path))
        {
            offer(path);
        }
        const double ub = incumbent.BestCost();
        if (std::isfinite(ub) && best.bound >= ub * (1 - tol))
        {
            break; // bound meets incumbent: optimal
        }
        // Subgradient of the relaxed constraints, projected on the non-negative prices.
        std::vector<double> gPi(pi.size(), 0.0);
        std::vector<double> gNu(nu.size(), 0.0);
        for (std::size_t l = 0; l < nl; ++l)
        {
            if (!gPi.empty())
            {
                gPi[path[l]] += 1.0;
            }
            if (!gNu.empty() && std::isfinite(model.StorageCapacity(path[l])))
            {
                gNu[path[l]] += g.Storage(l) / model.StorageCapacity(path[l]);
            }
        }
        double norm2 = 0;
        for (std::size_t i = 0; i < gPi.size(); ++i)
        {
            gPi[i] -= *k;
            if (pi[i] > 0 || gPi[i] > 0)
            {
                norm2 += gPi[i] * gPi[i];
            }
        }
        for (std::size_t i = 0; i < gNu.size(); ++i)
        {
            gNu[i] = std::isfinite(model.StorageCapacity(i)) ? gNu[i] - 1.0 : 0.0;
            if (nu[i] > 0 || gNu[i] > 0)
            {
                norm2 += gNu[i] * gNu[i];
            }
        }
        if (norm2 == 0 || theta < 1e-6 || phase.Expired())
        {
            break;
        }
        const double target = std::isfinite(ub) ? ub : std::fabs(value) * 1.05 + 1e-9;
        const double step = theta * (target - value) / norm2;
        for (std::size_t i = 0; i < pi.size(); ++i)
        {
            pi[i] = std::max(0.0, pi[i] + step * gPi[i]);
        }
        for (std::size_t i = 0; i < nu.size(); ++i)
        {
            nu[i] = std::max(0.0, nu[i] + step * gNu[i]);
        }
    }
    return best;
}

} // namespace

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
    IncumbentSearch incumbent(g, model);
    LagrangianBound lagrangian;
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
            lagrangian = OptimizeLagrangian(g,
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
            plan.status = LlmSolverStatus::INFEASIBLE;
            plan.message = "no placement satisfies constraints 2d, 2e and 2f together (GLPK "
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
            plan.message =
                "GLPK stopped before improving the heuristic incumbent ("
                + (out.outOfTime
                       ? timeLimit(out.rootLpOnly ? "GLPK's root LP" : "GLPK's branch and cut")
                       : "code " + std::to_string(out.glpkCode))
                + "); gap " + std::to_string(100 * plan.stats.gap) + " %";
        }
        else
        {
            plan.status = LlmSolverStatus::NO_SOLUTION;
            plan.message = out.outOfTime ? timeLimit("GLPK") + " without a feasible placement"
                                         : "GLPK stopped (code " + std::to_string(out.glpkCode)
                                               + ")";
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
    if (serverPath)
    {
        plan.stats.heuristicSeconds = deadline.Elapsed();
        const LlmServerPathIlp ilp(g);
        const bool give = m_options.heuristicIncumbent && std::isfinite(ub);
        return fromOutcome(
            ilp.Solve(give ? incumbent.Best() : std::vector<std::size_t>(), deadline, m_options));
    }

    std::vector<double> forward;
    std::vector<double> backward;
    if (prune && std::isfinite(ub))
    {
        std::vector<std::size_t> path;
        const double sp = g.ShortestPath(lagrangian.penalty,
                                         lagrangian.storagePrice,
                                         &forward,
                                         &backward,
                                         path,
                                         &deadline);
        if (std::isnan(sp))
        {
            return stop(timeLimit("the pruning (prefix and suffix bounds)"));
        }
    }
    const bool usePruning = prune && std::isfinite(ub) && !forward.empty();
    const double limit = ub + 1e-9 * std::fabs(ub) + 1e-12;
    auto nodeKept = [&](std::size_t l, std::size_t i) {
        return !usePruning
               || forward[l * ns + i] + backward[l * ns + i] - lagrangian.constant <= limit;
    };
    auto edgeKept = [&](std::size_t l, std::size_t i, std::size_t j) {
        return !usePruning
               || forward[l * ns + i] + g.Edge(l, i, j)
                          + g.PricedNode(l + 1, j, lagrangian.penalty, lagrangian.storagePrice)
                          + backward[(l + 1) * ns + j] - lagrangian.constant
                      <= limit;
    };
    plan.stats.heuristicSeconds = deadline.Elapsed();
    NS_LOG_INFO("incumbent " << ub << " Lagrangian bound " << lagrangian.bound << " after "
                             << lagrangian.iterations << " iterations, "
                             << plan.stats.heuristicSeconds << " s");

    // Columns: x for (l, i, b), z for (l, i, b) -> j. The x of pair p = l·N + i are
    // xs[xFirst[p]] ... xs[xFirst[p + 1] − 1]; at most MAX_COLUMNS in all.
    struct XVar
    {
        std::size_t l, i;
        uint32_t b;
        int col;
    };
    struct ZVar
    {
        std::size_t x; // index of the source x
        std::size_t j;
        int col;
    };
    auto tooManyColumns = [&](uint64_t columns) {
        std::ostringstream os;
        os.precision(3);
        os << "size limit: the ILP has more than " << static_cast<double>(columns)
           << " columns after pruning, more than the " << MAX_COLUMNS
           << " handed to GLPK (LlmIlpSolver::MAX_COLUMNS)";
        return os.str();
    };
    std::vector<XVar> xs;
    std::vector<uint32_t> xFirst(nl * ns + 1, 0);
    auto xBegin = [&xFirst, ns](std::size_t l, std::size_t i) { return xFirst[l * ns + i]; };
    auto xEnd = [&xFirst, ns](std::size_t l, std::size_t i) { return xFirst[l * ns + i + 1]; };
    uint64_t before = 0;
    for (std::size_t l = 0; l < nl; ++l)
    {
        if (deadline.Expired())
        {
            return stop(timeLimit("building the ILP columns"));
        }
        for (std::size_t i = 0; i < ns; ++i)
        {
            xFirst[l * ns + i] = static_cast<uint32_t>(xs.size());
            for (uint32_t b : candidates[l])
            {
                if (model.StorageBytes(l, b) > model.StorageCapacity(i) * (1 + 1e-12))
                {
                    continue;
                }
                ++before;
                if (nodeKept(l, i))
                {
                    if (xs.size() >= MAX_COLUMNS)
                    {
                        return stop(tooManyColumns(xs.size()));
                    }
                    xs.push_back({l, i, b, static_cast<int>(xs.size()) + 1});
                }
            }
        }
    }
    xFirst[nl * ns] = static_cast<uint32_t>(xs.size());
    std::vector<ZVar> zs;
    const bool sameServer = g.SameServerAllowed();
    for (std::size_t u = 0; u < xs.size(); ++u)
    {
        const XVar& x = xs[u];
        if (x.l + 1 >= nl)
        {
            continue;
        }
        if (u % 64 == 0 && deadline.Expired())
        {
            return stop(timeLimit("building the ILP columns"));
        }
        for (std::size_t j = 0; j < ns; ++j)
        {
            if (xBegin(x.l + 1, j) == xEnd(x.l + 1, j) || (j == x.i && !sameServer)
                || (j != x.i && model.LinkBps(x.i, j) <= 0))
            {
                continue;
            }
            ++before;
            if (edgeKept(x.l, x.i, j))
            {
                if (xs.size() + zs.size() >= MAX_COLUMNS)
                {
                    return stop(tooManyColumns(xs.size() + zs.size()));
                }
                zs.push_back({u, j, static_cast<int>(xs.size() + zs.size()) + 1});
            }
        }
    }
    plan.stats.columnsBeforePruning = before;
    forward = std::vector<double>(); // not needed any more: free before GLPK allocates
    backward = std::vector<double>();

    if (xs.empty())
    {
        // Only when no incumbent exists (pruning always keeps the incumbent's variables) and
        // every (layer, server) pair is excluded, which ExplainInfeasible reports first.
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = "no layer can be placed on any server (2e per layer)";
        return done();
    }

    glp_prob* lp = glp_create_prob();
    // Stop while building: free the problem first.
    auto stopBuilding = [&]() {
        glp_delete_prob(lp);
        return stop(timeLimit("building the GLPK problem"));
    };
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, static_cast<int>(xs.size() + zs.size()));
    for (const XVar& x : xs)
    {
        glp_set_col_kind(lp, x.col, GLP_BV);
        glp_set_obj_coef(lp, x.col, model.ComputeDelay(x.l, x.i, x.b));
    }
    for (const ZVar& z : zs)
    {
        const XVar& x = xs[z.x];
        glp_set_col_bnds(lp, z.col, GLP_DB, 0.0, 1.0);
        glp_set_obj_coef(lp, z.col, model.TransferDelay(x.l, x.i, z.j, x.b));
    }
    std::vector<int> ia{0};
    std::vector<int> ja{0};
    std::vector<double> ar{0.0};
    auto addRow = [&lp](int type, double value) {
        const int r = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, r, type, value, value);
        return r;
    };
    auto entry = [&](int row, int col, double v) {
        ia.push_back(row);
        ja.push_back(col);
        ar.push_back(v);
    };
    // (2c) one placement per layer.
    for (std::size_t l = 0; l < nl; ++l)
    {
        const int r = addRow(GLP_FX, 1.0);
        for (uint32_t u = xBegin(l, 0); u < xEnd(l, ns - 1); ++u)
        {
            entry(r, xs[u].col, 1.0);
        }
    }
    if (deadline.Expired())
    {
        return stopBuilding();
    }
    // (2d) layers per server; (2e) summed storage where it can bind.
    const auto maxLayers = model.GetScenario().GetMaxLayersPerServer();
    for (std::size_t i = 0; i < ns; ++i)
    {
        if (deadline.Expired())
        {
            return stopBuilding();
        }
        std::size_t layersHere = 0;
        double storageHere = 0;
        for (std::size_t l = 0; l < nl; ++l)
        {
            double most = 0;
            for (uint32_t u = xBegin(l, i); u < xEnd(l, i); ++u)
            {
                most = std::max(most, model.StorageBytes(l, xs[u].b));
            }
            layersHere += xBegin(l, i) == xEnd(l, i) ? 0 : 1;
            storageHere += most;
        }
        if (maxLayers && layersHere > *maxLayers)
        {
            const int r = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, r, GLP_UP, 0.0, *maxLayers);
            for (std::size_t l = 0; l < nl; ++l)
            {
                for (uint32_t u = xBegin(l, i); u < xEnd(l, i); ++u)
                {
                    entry(r, xs[u].col, 1.0);
                }
            }
        }
        if ((!maxLayers || *maxLayers > 1) && storageHere > model.StorageCapacity(i))
        {
            const int r = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, r, GLP_UP, 0.0, model.StorageCapacity(i));
            for (std::size_t l = 0; l < nl; ++l)
            {
                for (uint32_t u = xBegin(l, i); u < xEnd(l, i); ++u)
                {
                    entry(r, xs[u].col, model.StorageBytes(l, xs[u].b));
                }
            }
        }
    }
    // (2f) flow: out of every x of layers < L−1, into every (l+1, j).
    std::vector<int> outRow(xs.size(), 0);
    for (std::size_t u = 0; u < xs.size(); ++u)
    {
        if (xs[u].l + 1 < nl)
        {
            outRow[u] = addRow(GLP_FX, 0.0);
            entry(outRow[u], xs[u].col, -1.0);
        }
    }
    if (deadline.Expired())
    {
        return stopBuilding();
    }
    std::vector<int> inRow(nl * ns, 0);
    for (std::size_t l = 1; l < nl; ++l)
    {
        for (std::size_t j = 0; j < ns; ++j)
        {
            if (xBegin(l, j) != xEnd(l, j))
            {
                inRow[l * ns + j] = addRow(GLP_FX, 0.0);
                for (uint32_t u = xBegin(l, j); u < xEnd(l, j); ++u)
                {
                    entry(inRow[l * ns + j], xs[u].col, -1.0);
                }
            }
        }
    }
    for (const ZVar& z : zs)
    {
        entry(outRow[z.x], z.col, 1.0);
        entry(inRow[(xs[z.x].l + 1) * ns + z.j], z.col, 1.0);
    }
    if (deadline.Expired())
    {
        return stopBuilding();
    }
    glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    plan.stats.rows = static_cast<uint64_t>(glp_get_num_rows(lp));
    plan.stats.columns = static_cast<uint64_t>(glp_get_num_cols(lp));
    NS_LOG_INFO("GLPK problem: " << plan.stats.rows << " rows, " << plan.stats.columns
                                 << " columns, " << ia.size() - 1 << " nonzeros, built at "
                                 << deadline.Elapsed() << " s");

    // The incumbent as column values (x at b*_l, z along its path).
    std::vector<double> start1;
    const bool giveIncumbent = m_options.heuristicIncumbent && std::isfinite(ub);
    if (giveIncumbent)
    {
        start1.assign(xs.size() + zs.size() + 1, 0.0);
        const auto& path = incumbent.Best();
        std::vector<std::size_t> chosen(nl, xs.size());
        for (std::size_t l = 0; l < nl; ++l)
        {
            for (uint32_t u = xBegin(l, path[l]); u < xEnd(l, path[l]); ++u)
            {
                if (xs[u].b == bits[l])
                {
                    chosen[l] = u;
                    start1[xs[u].col] = 1.0;
                }
            }
        }
        for (const ZVar& z : zs)
        {
            const std::size_t l = xs[z.x].l;
            if (chosen[l] == z.x && path[l + 1] == z.j)
            {
                start1[z.col] = 1.0;
            }
        }
    }
    if (deadline.Expired())
    {
        return stopBuilding();
    }

    const double untimed =
        LlmGlpkSearch::UNTIMED_SECONDS_PER_NONZERO * static_cast<double>(ia.size() - 1);
    if (deadline.Remaining() < untimed)
    {
        glp_delete_prob(lp);
        std::ostringstream os;
        os << timeLimit("building the GLPK problem") << " (less than the " << untimed
           << " s GLPK's presolve needs were left)";
        return stop(os.str());
    }
    LlmIlpOutcome out;
    LlmGlpkSearch::Run(lp,
                       ia.size() - 1,
                       giveIncumbent ? &start1 : nullptr,
                       LlmGlpkSearch::RowGenerator(),
                       deadline,
                       m_options,
                       out);
    out.columnsBeforePruning = plan.stats.columnsBeforePruning;
    if (out.status == LlmIlpOutcome::Status::OPTIMAL
        || out.status == LlmIlpOutcome::Status::FEASIBLE)
    {
        out.placement.assign(nl, {0, 0});
        for (const XVar& x : xs)
        {
            if (glp_mip_col_val(lp, x.col) > 0.5)
            {
                out.placement[x.l] = {x.i, x.b};
            }
        }
    }
    glp_delete_prob(lp);
    return fromOutcome(out);
}

} // namespace ns3

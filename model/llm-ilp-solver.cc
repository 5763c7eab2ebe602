// SPDX-License-Identifier: GPL-2.0-only

#include "llm-ilp-solver.h"

#include "llm-layered-graph.h"
#include "ns3/log.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <glpk.h>
#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmIlpSolver");

namespace
{

using Clock = std::chrono::steady_clock;

double
Since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/**
 * Incumbent search on a layered graph: multi-start greedy, repair and local search (relocate a
 * layer to another server, swap the servers of two layers) under (2d) and summed (2e).
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
        std::vector<std::pair<double, std::vector<std::size_t>>> starts;
        for (std::size_t s0 = 0; s0 < m_ns; ++s0)
        {
            std::vector<std::size_t> path;
            if (Construct(s0, path))
            {
                starts.emplace_back(m_g.PathCost(path), path);
            }
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
            if (!Choose(l, path, false, count, used, path[l]))
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

/// Subgradient optimization of the Lagrangian dual (Polyak steps towards the incumbent).
LagrangianBound
OptimizeLagrangian(const LlmLayeredGraph& g,
                   const LlmCostModel& model,
                   IncumbentSearch& incumbent,
                   double timeBudget)
{
    const auto start = Clock::now();
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
        const double sp = g.ShortestPath(pi, price, nullptr, nullptr, path);
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
            incumbent.Offer(path);
            break; // the shortest path is the optimum
        }
        if (it % 10 == 0 || incumbent.Feasible(path))
        {
            incumbent.Offer(path);
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
        if (norm2 == 0 || theta < 1e-6 || Since(start) > timeBudget)
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

/// GLPK callback data.
struct CallbackData
{
    const std::vector<double>* incumbent{nullptr}; //!< 1-based column values, or null
    bool given{false};                             //!< Incumbent handed over
    uint64_t nodes{0};                             //!< B&B nodes so far
    double bound{-INFINITY};                       //!< Best node bound
};

void
Callback(glp_tree* tree, void* info)
{
    auto* d = static_cast<CallbackData*>(info);
    if (glp_ios_reason(tree) == GLP_IHEUR && d->incumbent && !d->given)
    {
        glp_ios_heur_sol(tree, d->incumbent->data());
        d->given = true;
    }
    int active = 0;
    int current = 0;
    int total = 0;
    glp_ios_tree_size(tree, &active, &current, &total);
    d->nodes = static_cast<uint64_t>(total);
    const int best = glp_ios_best_node(tree);
    if (best != 0)
    {
        d->bound = glp_ios_node_bound(tree, best);
    }
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
    const auto start = Clock::now();
    const std::size_t nl = model.GetNLayers();
    const std::size_t ns = model.GetNServers();
    const uint32_t original = model.GetScenario().GetModel().GetOriginalBits();
    LlmPlan plan;
    plan.solver = GetName();
    auto done = [&plan, &start]() {
        plan.stats.seconds = Since(start);
        return plan;
    };

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
    const std::string why = ExplainInfeasible(model, bits);
    if (!why.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = why;
        return done();
    }

    // Bounds, incumbent, pruning (on the graph of b*_l; valid for the full formulation too).
    const LlmLayeredGraph g(model, bits);
    IncumbentSearch incumbent(g, model);
    LagrangianBound lagrangian;
    const bool prune = m_options.lagrangianPruning && candidates[0].size() == 1
                       && std::all_of(candidates.begin(), candidates.end(), [](const auto& c) {
                              return c.size() == 1;
                          });
    if (m_options.lagrangianPruning || m_options.heuristicIncumbent)
    {
        incumbent.MultiStart();
        if (m_options.lagrangianPruning)
        {
            lagrangian = OptimizeLagrangian(g, model, incumbent, 0.25 * m_options.timeLimitSeconds);
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
        plan.stats.heuristicSeconds = Since(start);
        plan.message = "within the requested gap by the Lagrangian bound (GLPK not run)";
        return done();
    }
    std::vector<double> forward;
    std::vector<double> backward;
    if (prune && std::isfinite(ub))
    {
        std::vector<std::size_t> path;
        g.ShortestPath(lagrangian.penalty, lagrangian.storagePrice, &forward, &backward, path);
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
    plan.stats.heuristicSeconds = Since(start);
    NS_LOG_INFO("incumbent " << ub << " Lagrangian bound " << lagrangian.bound << " after "
                             << lagrangian.iterations << " iterations, "
                             << plan.stats.heuristicSeconds << " s");

    // Columns: x for (l, i, b), z for (l, i, b) -> j.
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
    std::vector<XVar> xs;
    std::vector<std::vector<std::size_t>> xAt(nl * ns); // x indices of (l, i)
    uint64_t before = 0;
    for (std::size_t l = 0; l < nl; ++l)
    {
        for (std::size_t i = 0; i < ns; ++i)
        {
            for (uint32_t b : candidates[l])
            {
                if (model.StorageBytes(l, b) > model.StorageCapacity(i) * (1 + 1e-12))
                {
                    continue;
                }
                ++before;
                if (nodeKept(l, i))
                {
                    xAt[l * ns + i].push_back(xs.size());
                    xs.push_back({l, i, b, static_cast<int>(xs.size()) + 1});
                }
            }
        }
    }
    std::vector<ZVar> zs;
    const bool sameServer = g.SameServerAllowed();
    for (std::size_t u = 0; u < xs.size(); ++u)
    {
        const XVar& x = xs[u];
        if (x.l + 1 >= nl)
        {
            continue;
        }
        for (std::size_t j = 0; j < ns; ++j)
        {
            if (xAt[(x.l + 1) * ns + j].empty() || (j == x.i && !sameServer)
                || (j != x.i && model.LinkBps(x.i, j) <= 0))
            {
                continue;
            }
            ++before;
            if (edgeKept(x.l, x.i, j))
            {
                zs.push_back({u, j, static_cast<int>(xs.size() + zs.size()) + 1});
            }
        }
    }
    plan.stats.columnsBeforePruning = before;

    if (xs.empty())
    {
        // Only when no incumbent exists (pruning always keeps the incumbent's variables) and
        // every (layer, server) pair is excluded, which ExplainInfeasible reports first.
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = "no layer can be placed on any server (2e per layer)";
        return done();
    }

    glp_prob* lp = glp_create_prob();
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
        for (std::size_t i = 0; i < ns; ++i)
        {
            for (std::size_t u : xAt[l * ns + i])
            {
                entry(r, xs[u].col, 1.0);
            }
        }
    }
    // (2d) layers per server; (2e) summed storage where it can bind.
    const auto maxLayers = model.GetScenario().GetMaxLayersPerServer();
    for (std::size_t i = 0; i < ns; ++i)
    {
        std::size_t layersHere = 0;
        double storageHere = 0;
        for (std::size_t l = 0; l < nl; ++l)
        {
            double most = 0;
            for (std::size_t u : xAt[l * ns + i])
            {
                most = std::max(most, model.StorageBytes(l, xs[u].b));
            }
            layersHere += xAt[l * ns + i].empty() ? 0 : 1;
            storageHere += most;
        }
        if (maxLayers && layersHere > *maxLayers)
        {
            const int r = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, r, GLP_UP, 0.0, *maxLayers);
            for (std::size_t l = 0; l < nl; ++l)
            {
                for (std::size_t u : xAt[l * ns + i])
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
                for (std::size_t u : xAt[l * ns + i])
                {
                    entry(r, xs[u].col, model.StorageBytes(l, xs[u].b));
                }
            }
        }
    }
    // (2f) flow: out of every x of layers < L−1, into every (l+1, j).
    std::vector<int> outRow(xs.size(), 0);
    std::vector<int> inRow(nl * ns, 0);
    for (std::size_t u = 0; u < xs.size(); ++u)
    {
        if (xs[u].l + 1 < nl)
        {
            outRow[u] = addRow(GLP_FX, 0.0);
            entry(outRow[u], xs[u].col, -1.0);
        }
    }
    for (std::size_t l = 1; l < nl; ++l)
    {
        for (std::size_t j = 0; j < ns; ++j)
        {
            if (!xAt[l * ns + j].empty())
            {
                inRow[l * ns + j] = addRow(GLP_FX, 0.0);
                for (std::size_t u : xAt[l * ns + j])
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
    glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    plan.stats.rows = static_cast<uint64_t>(glp_get_num_rows(lp));
    plan.stats.columns = static_cast<uint64_t>(glp_get_num_cols(lp));

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
            for (std::size_t u : xAt[l * ns + path[l]])
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

    const int msg = m_options.verbosity >= 2 ? GLP_MSG_ON : GLP_MSG_OFF;
    const double remaining = m_options.timeLimitSeconds - Since(start);
    const int tmLim = static_cast<int>(std::clamp(remaining * 1000.0, 1.0, 2.0e9));
    CallbackData cb;
    cb.incumbent = giveIncumbent ? &start1 : nullptr;
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = msg;
    parm.tm_lim = tmLim;
    parm.mip_gap = m_options.relativeGap;
    parm.cb_func = Callback;
    parm.cb_info = &cb;
    parm.presolve = (giveIncumbent || !m_options.glpkPresolve) ? GLP_OFF : GLP_ON;
    int ret = 0;
    bool lpInfeasible = false;
    if (parm.presolve == GLP_OFF)
    {
        glp_smcp sparm;
        glp_init_smcp(&sparm);
        sparm.msg_lev = msg;
        sparm.tm_lim = tmLim;
        sparm.presolve = GLP_ON;
        ret = glp_simplex(lp, &sparm);
        if (ret == 0 && glp_get_status(lp) != GLP_OPT)
        {
            lpInfeasible = glp_get_status(lp) == GLP_NOFEAS;
        }
        parm.tm_lim = static_cast<int>(
            std::clamp((m_options.timeLimitSeconds - Since(start)) * 1000.0, 1.0, 2.0e9));
    }
    if (!lpInfeasible && (ret == 0 || parm.presolve == GLP_ON))
    {
        ret = glp_intopt(lp, &parm);
    }
    const int mipStatus = lpInfeasible ? GLP_NOFEAS : glp_mip_status(lp);
    plan.stats.nodes = cb.nodes;
    if (mipStatus == GLP_OPT || mipStatus == GLP_FEAS)
    {
        plan.placement.assign(nl, {0, 0});
        for (const XVar& x : xs)
        {
            if (glp_mip_col_val(lp, x.col) > 0.5)
            {
                plan.placement[x.l] = {x.i, x.b};
            }
        }
        const bool optimal = mipStatus == GLP_OPT && ret == 0;
        Finish(model, plan, optimal ? LlmSolverStatus::OPTIMAL : LlmSolverStatus::FEASIBLE);
        const double glpkBound = optimal ? plan.objective : cb.bound;
        plan.stats.lowerBound = std::max(lagrangian.bound, glpkBound);
        plan.stats.lowerBound = std::min(plan.stats.lowerBound, plan.objective);
        plan.stats.gap =
            plan.objective > 0 ? (plan.objective - plan.stats.lowerBound) / plan.objective : 0.0;
        if (ret == GLP_ETMLIM)
        {
            plan.message = "time limit reached; gap " + std::to_string(100 * plan.stats.gap) + " %";
        }
    }
    else if (mipStatus == GLP_NOFEAS || ret == GLP_ENOPFS)
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = "no placement satisfies constraints 2d, 2e and 2f together (GLPK proved "
                       "the ILP infeasible; each constraint alone can be met)";
    }
    else if (std::isfinite(ub))
    {
        // GLPK stopped (time limit, possibly inside the root LP) before it took the incumbent:
        // the incumbent is still a feasible plan, with the Lagrangian bound as its proof.
        plan.placement = g.ToPlacement(incumbent.Best());
        Finish(model, plan, LlmSolverStatus::FEASIBLE);
        plan.stats.lowerBound = std::min(std::max(lagrangian.bound, cb.bound), plan.objective);
        plan.stats.gap =
            plan.objective > 0 ? (plan.objective - plan.stats.lowerBound) / plan.objective : 0.0;
        plan.message =
            "GLPK stopped before improving the heuristic incumbent ("
            + std::string(ret == GLP_ETMLIM ? "time limit" : "code " + std::to_string(ret))
            + "); gap " + std::to_string(100 * plan.stats.gap) + " %";
    }
    else
    {
        plan.status = LlmSolverStatus::NO_SOLUTION;
        plan.message = ret == GLP_ETMLIM ? "time limit reached without a feasible placement"
                                         : "GLPK stopped (code " + std::to_string(ret) + ")";
        plan.stats.lowerBound = std::max(lagrangian.bound, cb.bound);
    }
    glp_delete_prob(lp);
    NS_LOG_INFO(GetName() << ": " << ToString(plan.status) << " T=" << plan.objective
                          << " rows=" << plan.stats.rows << " cols=" << plan.stats.columns
                          << " nodes=" << plan.stats.nodes);
    return done();
}

} // namespace ns3

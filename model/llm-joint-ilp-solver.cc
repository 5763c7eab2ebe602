// SPDX-License-Identifier: GPL-2.0-only

#include "llm-joint-ilp-solver.h"

#include "llm-glpk-search.h"
#include "llm-ilp-solver.h"
#include "llm-incumbent-search.h"
#include "llm-joint-sequential-solver.h"
#include "llm-lagrangian-bound.h"
#include "llm-layered-graph.h"
#include "llm-layered-ilp.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <glpk.h>
#include <memory>
#include <optional>
#include <sstream>
#include <tuple>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmJointIlpSolver");

namespace
{

/// The sum of the k largest values (all of them if k is empty).
double
LargestSum(std::vector<double> v, std::optional<uint32_t> k)
{
    std::sort(v.begin(), v.end(), std::greater<>());
    double s = 0;
    for (std::size_t n = 0; n < v.size() && (!k || n < *k); ++n)
    {
        s += v[n];
    }
    return s;
}

} // namespace

LlmJointIlpSolver::LlmJointIlpSolver(const LlmSolverOptions& options,
                                     const LlmJointReductions& reductions)
    : m_options(options)
    , m_reductions(reductions)
{
}

LlmJointPlan
LlmJointIlpSolver::Solve(const LlmJointCostModel& model) const
{
    NS_LOG_FUNCTION(this);
    const LlmSolverDeadline deadline(m_options.timeLimitSeconds);
    const std::size_t nm = model.GetNModels();
    const std::size_t ns = model.GetNServers();
    const bool sum = model.GetObjective() == LlmJointObjective::SUM;
    LlmJointPlan plan;
    plan.solver = GetName();
    plan.objectiveKind = model.GetObjective();
    auto done = [&plan, &deadline]() {
        plan.stats.seconds = deadline.Elapsed();
        return plan;
    };
    auto timeLimit = [&deadline](const std::string& phase) {
        std::ostringstream os;
        os << "time limit (" << deadline.GetLimit() << " s) reached in " << phase;
        return os.str();
    };
    for (std::size_t m = 0; m < nm; ++m)
    {
        const std::string tooLarge =
            LlmPlacementSolver::CheckPairLimit(model.GetModel(m), GetName());
        if (!tooLarge.empty())
        {
            plan.status = LlmSolverStatus::NO_SOLUTION;
            plan.message = "model " + model.GetModelName(m) + ": " + tooLarge;
            return done();
        }
    }
    const std::string why = ExplainInfeasible(model, &deadline);
    if (!why.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = why;
        return done();
    }

    // Lower bounds of T_m: each model's solo optimum (identical models solved once), else its
    // cheapest compute.
    std::vector<double> modelBound(nm, 0.0);
    {
        std::vector<std::vector<uint32_t>> bits(nm);
        for (std::size_t m = 0; m < nm; ++m)
        {
            const LlmCostModel& cm = model.GetModel(m);
            bits[m] = LlmPlacementSolver::SmallestAllowedBits(cm);
            for (std::size_t l = 0; l < cm.GetNLayers(); ++l)
            {
                double c = INFINITY;
                for (std::size_t i = 0; i < ns; ++i)
                {
                    if (cm.StorageBytes(l, bits[m][l]) <= cm.StorageCapacity(i) * (1 + 1e-12))
                    {
                        c = std::min(c, cm.NodeDelay(l, i, bits[m][l]));
                    }
                }
                modelBound[m] += c;
            }
        }
    }
    if (m_reductions.soloBounds)
    {
        const LlmSolverDeadline solo = deadline.Within(0.25 * m_options.timeLimitSeconds);
        for (std::size_t m = 0; m < nm; ++m)
        {
            const LlmScenario& s = model.GetModel(m).GetScenario();
            std::size_t same = m;
            for (std::size_t k = 0; k < m && same == m; ++k)
            {
                same = model.GetModel(k).GetScenario() == s ? k : m;
            }
            if (same != m)
            {
                modelBound[m] = modelBound[same];
                continue;
            }
            LlmSolverOptions o = m_options;
            o.relativeGap = 0;
            o.timeLimitSeconds = std::max(1e-3, solo.Remaining() / static_cast<double>(nm - m));
            const LlmPlan p = LlmIlpSolver(o).Solve(model.GetModel(m));
            if (p.status == LlmSolverStatus::INFEASIBLE)
            {
                plan.status = LlmSolverStatus::INFEASIBLE;
                plan.message = "model " + model.GetModelName(m) + " (models[" + std::to_string(m)
                               + "]) is infeasible alone: " + p.message;
                return done();
            }
            if (!std::isnan(p.stats.lowerBound))
            {
                modelBound[m] = std::max(modelBound[m], p.stats.lowerBound);
            }
        }
    }
    double soloBound = model.Combine(modelBound, 0.0);

    // The incumbent: sequential DILEMMA.
    LlmJointPlacement incumbent;
    double ub = INFINITY;
    if (m_reductions.warmStart && !deadline.Expired())
    {
        LlmSolverOptions o = m_options;
        o.reduceBits = true; // the widths of the formulation's columns
        const LlmJointSequentialSolver::Result r =
            LlmJointSequentialSolver::Run(model,
                                          deadline.Within(0.25 * m_options.timeLimitSeconds),
                                          o);
        if (!r.placement.empty() && model.CheckPlacement(r.placement).empty())
        {
            incumbent = r.placement;
            ub = model.Objective(incumbent);
        }
        NS_LOG_INFO("sequential warm start: " << (incumbent.empty() ? r.why : "J = ")
                                              << (incumbent.empty() ? 0.0 : ub));
    }
    plan.stats.heuristicSeconds = deadline.Elapsed();

    // Return the incumbent (if any) with the best bound proven, or no plan.
    auto fromIncumbent = [&](const std::string& reason, double bound) {
        if (incumbent.empty())
        {
            plan.status = LlmSolverStatus::NO_SOLUTION;
            plan.message = reason + " without a feasible joint placement";
            plan.stats.lowerBound = bound;
            return done();
        }
        Finish(model, plan, incumbent, LlmSolverStatus::FEASIBLE);
        plan.stats.lowerBound = std::min(bound, plan.objective);
        plan.stats.gap =
            plan.objective > 0 ? (plan.objective - plan.stats.lowerBound) / plan.objective : 0.0;
        const bool proven = plan.status == LlmSolverStatus::FEASIBLE && plan.stats.gap <= 1e-9;
        if (proven)
        {
            plan.status = LlmSolverStatus::OPTIMAL;
            for (LlmPlan& p : plan.models)
            {
                p.status = LlmSolverStatus::OPTIMAL;
            }
        }
        plan.message = reason
                       + (proven ? "; the sequential incumbent is returned, proven optimal by "
                                   "the bound"
                                 : "; the sequential incumbent is returned, gap "
                                       + std::to_string(100 * plan.stats.gap) + " %");
        return done();
    };
    if (deadline.Expired())
    {
        return fromIncumbent(timeLimit("the solo bounds and the sequential warm start"), soloBound);
    }
    if (std::isfinite(ub) && (ub - soloBound) / ub <= std::max(m_options.relativeGap, 1e-12))
    {
        return fromIncumbent("within the requested gap by the models' solo optima (GLPK not run)",
                             soloBound);
    }

    // Per model: the layered graph at b*_l and, with an incumbent, the pruning: the prices of
    // the model's own Lagrangian bound (its (2d) and its storage, which the joint constraints
    // imply) and the limit its T_m must keep for J to improve on the incumbent.
    std::vector<std::unique_ptr<LlmLayeredGraph>> graphs;
    std::vector<LlmLayeredIlp::Pruning> pruning(nm);
    const LlmSolverDeadline pruneDeadline = deadline.Within(0.25 * m_options.timeLimitSeconds);
    for (std::size_t m = 0; m < nm; ++m)
    {
        const LlmCostModel& cm = model.GetModel(m);
        graphs.push_back(
            std::make_unique<LlmLayeredGraph>(cm, LlmPlacementSolver::SmallestAllowedBits(cm)));
        if (!m_reductions.pruning || !std::isfinite(ub))
        {
            continue;
        }
        std::size_t same = m;
        for (std::size_t k = 0; k < m && same == m; ++k)
        {
            same = model.GetModel(k).GetScenario() == cm.GetScenario() ? k : m;
        }
        if (same != m)
        {
            pruning[m] = pruning[same];
        }
        else
        {
            const LlmLayeredGraph& g = *graphs[m];
            LlmIncumbentSearch search(g, cm);
            search.SetDeadline(&pruneDeadline);
            std::vector<std::size_t> servers;
            for (const LlmLayerAssignment& a : incumbent[m])
            {
                servers.push_back(a.server);
            }
            search.Offer(servers);
            const LlmLagrangianBound lagrangian = LlmLagrangianBound::Optimize(
                g,
                cm,
                search,
                pruneDeadline,
                std::max(0.0, pruneDeadline.Remaining()) / static_cast<double>(nm - m));
            std::vector<std::size_t> path;
            const double sp = g.ShortestPath(lagrangian.penalty,
                                             lagrangian.storagePrice,
                                             &pruning[m].forward,
                                             &pruning[m].backward,
                                             path,
                                             &deadline);
            if (std::isnan(sp))
            {
                return fromIncumbent(timeLimit("the pruning (prefix and suffix bounds)"),
                                     soloBound);
            }
            pruning[m].penalty = lagrangian.penalty;
            pruning[m].storagePrice = lagrangian.storagePrice;
            pruning[m].constant = lagrangian.constant;
            modelBound[m] = std::max(modelBound[m], lagrangian.bound);
        }
        // T_m ≤ J ≤ ub (MAX); T_m ≤ ub − Σ_{k≠m} T_k ≤ ub − Σ_{k≠m} bound_k (SUM).
        pruning[m].use = true;
        pruning[m].ub = ub;
    }
    soloBound = model.Combine(modelBound, 0.0);
    if (m_reductions.pruning && std::isfinite(ub) && sum)
    {
        double total = 0;
        for (std::size_t m = 0; m < nm; ++m)
        {
            total += modelBound[m];
        }
        for (std::size_t m = 0; m < nm; ++m)
        {
            pruning[m].ub = ub - (total - modelBound[m]);
        }
    }
    plan.stats.heuristicSeconds = deadline.Elapsed();

    // Columns: x^m_{l,i}, z^m_{l,i,j}, then Z (MAX) or C_m (SUM).
    struct XVar
    {
        std::size_t m, l, i;
        int col;
    };
    struct ZVar
    {
        std::size_t m, l, i, j;
        int col;
    };
    std::vector<XVar> xs;
    std::vector<ZVar> zs;
    std::vector<std::vector<int>> xAt(nm); // column of (l, i), or 0
    uint64_t before = 0;
    auto tooMany = [&]() {
        std::ostringstream os;
        os << "size limit: the joint ILP has more than " << LlmIlpSolver::MAX_COLUMNS
           << " columns after pruning (LlmIlpSolver::MAX_COLUMNS)";
        return fromIncumbent(os.str(), soloBound);
    };
    for (std::size_t m = 0; m < nm; ++m)
    {
        const LlmLayeredGraph& g = *graphs[m];
        const std::size_t nl = g.GetNLayers();
        xAt[m].assign(nl * ns, 0);
        for (std::size_t l = 0; l < nl; ++l)
        {
            if (deadline.Expired())
            {
                return fromIncumbent(timeLimit("building the ILP columns"), soloBound);
            }
            for (std::size_t i = 0; i < ns; ++i)
            {
                if (!std::isfinite(g.Node(l, i)))
                {
                    continue;
                }
                ++before;
                if (pruning[m].NodeKept(g, l, i))
                {
                    if (xs.size() >= LlmIlpSolver::MAX_COLUMNS)
                    {
                        return tooMany();
                    }
                    xs.push_back({m, l, i, static_cast<int>(xs.size()) + 1});
                    xAt[m][l * ns + i] = xs.back().col;
                }
            }
        }
    }
    for (std::size_t u = 0; u < xs.size(); ++u)
    {
        const XVar x = xs[u];
        const LlmLayeredGraph& g = *graphs[x.m];
        if (x.l + 1 >= g.GetNLayers())
        {
            continue;
        }
        if (u % 64 == 0 && deadline.Expired())
        {
            return fromIncumbent(timeLimit("building the ILP columns"), soloBound);
        }
        for (std::size_t j = 0; j < ns; ++j)
        {
            if (xAt[x.m][(x.l + 1) * ns + j] == 0 || !std::isfinite(g.Edge(x.l, x.i, j)))
            {
                continue;
            }
            ++before;
            if (pruning[x.m].EdgeKept(g, x.l, x.i, j))
            {
                if (xs.size() + zs.size() >= LlmIlpSolver::MAX_COLUMNS)
                {
                    return tooMany();
                }
                zs.push_back({x.m, x.l, x.i, j, static_cast<int>(xs.size() + zs.size()) + 1});
            }
        }
    }
    const int firstTime = static_cast<int>(xs.size() + zs.size()) + 1; // Z, or C_0 ... C_{M−1}
    const int nTime = sum ? static_cast<int>(nm) : 1;
    // Then the stage times t^m_l ≥ cost of layer l and its output (T_m = Σ_l t^m_l): short rows
    // instead of one row per model over all its columns, which GLPK's LP presolver is slow on.
    std::vector<int> firstStage(nm, 0);
    int nStage = 0;
    for (std::size_t m = 0; m < nm; ++m)
    {
        firstStage[m] = firstTime + nTime + nStage;
        nStage += static_cast<int>(graphs[m]->GetNLayers());
    }
    plan.stats.columnsBeforePruning = before + static_cast<uint64_t>(nTime + nStage);

    glp_prob* lp = glp_create_prob();
    auto stopBuilding = [&]() {
        glp_delete_prob(lp);
        return fromIncumbent(timeLimit("building the GLPK problem"), soloBound);
    };
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, firstTime - 1 + nTime + nStage);
    for (const XVar& x : xs)
    {
        glp_set_col_kind(lp, x.col, GLP_BV);
    }
    for (const ZVar& z : zs)
    {
        glp_set_col_bnds(lp, z.col, GLP_DB, 0.0, 1.0);
    }
    for (int t = 0; t < nTime; ++t)
    {
        const double lower = sum ? modelBound[t] : soloBound;
        glp_set_col_bnds(lp, firstTime + t, GLP_LO, std::isfinite(lower) ? lower : 0.0, 0.0);
        glp_set_obj_coef(lp, firstTime + t, 1.0);
    }
    for (int t = 0; t < nStage; ++t)
    {
        glp_set_col_bnds(lp, firstTime + nTime + t, GLP_LO, 0.0, 0.0);
    }
    std::vector<int> ia{0};
    std::vector<int> ja{0};
    std::vector<double> ar{0.0};
    auto addRow = [&lp](int type, double lo, double up) {
        const int r = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, r, type, lo, up);
        return r;
    };
    auto entry = [&](int row, int col, double v) {
        ia.push_back(row);
        ja.push_back(col);
        ar.push_back(v);
    };
    const auto maxLayers = model.GetScenario().GetInfrastructure().GetMaxLayersPerServer();
    // Per model: (2c), (2d), T_m ≤ Z (or C_m), flow (2f).
    std::size_t zBegin = 0;
    for (std::size_t m = 0; m < nm; ++m)
    {
        if (deadline.Expired())
        {
            return stopBuilding();
        }
        const LlmLayeredGraph& g = *graphs[m];
        const std::size_t nl = g.GetNLayers();
        for (std::size_t l = 0; l < nl; ++l)
        {
            const int r = addRow(GLP_FX, 1.0, 1.0);
            for (std::size_t i = 0; i < ns; ++i)
            {
                if (xAt[m][l * ns + i] != 0)
                {
                    entry(r, xAt[m][l * ns + i], 1.0);
                }
            }
        }
        for (std::size_t i = 0; maxLayers && i < ns; ++i)
        {
            uint32_t here = 0;
            for (std::size_t l = 0; l < nl; ++l)
            {
                here += xAt[m][l * ns + i] != 0 ? 1 : 0;
            }
            if (here > *maxLayers)
            {
                const int r = addRow(GLP_UP, 0.0, *maxLayers);
                for (std::size_t l = 0; l < nl; ++l)
                {
                    if (xAt[m][l * ns + i] != 0)
                    {
                        entry(r, xAt[m][l * ns + i], 1.0);
                    }
                }
            }
        }
        // Z − Σ_l t^m_l ≥ 0 (MAX), C_m − Σ_l t^m_l ≥ 0 (SUM); t^m_l − (layer l's NodeDelay and
        // transfer out) ≥ 0.
        const int timeRow = addRow(GLP_LO, 0.0, 0.0);
        entry(timeRow, firstTime + (sum ? static_cast<int>(m) : 0), 1.0);
        std::vector<int> stageRow(nl, 0);
        for (std::size_t l = 0; l < nl; ++l)
        {
            entry(timeRow, firstStage[m] + static_cast<int>(l), -1.0);
            stageRow[l] = addRow(GLP_LO, 0.0, 0.0);
            entry(stageRow[l], firstStage[m] + static_cast<int>(l), 1.0);
        }
        for (const XVar& x : xs)
        {
            if (x.m == m)
            {
                entry(stageRow[x.l], x.col, -g.Node(x.l, x.i));
            }
        }
        std::vector<int> outRow(nl * ns, 0);
        std::vector<int> inRow(nl * ns, 0);
        for (std::size_t l = 0; l < nl; ++l)
        {
            for (std::size_t i = 0; i < ns; ++i)
            {
                const int col = xAt[m][l * ns + i];
                if (col == 0)
                {
                    continue;
                }
                if (l + 1 < nl)
                {
                    outRow[l * ns + i] = addRow(GLP_FX, 0.0, 0.0);
                    entry(outRow[l * ns + i], col, -1.0);
                }
                if (l > 0)
                {
                    inRow[l * ns + i] = addRow(GLP_FX, 0.0, 0.0);
                    entry(inRow[l * ns + i], col, -1.0);
                }
            }
        }
        for (; zBegin < zs.size() && zs[zBegin].m == m; ++zBegin)
        {
            const ZVar& z = zs[zBegin];
            entry(outRow[z.l * ns + z.i], z.col, 1.0);
            entry(inRow[(z.l + 1) * ns + z.j], z.col, 1.0);
            const double cost = g.Edge(z.l, z.i, z.j);
            if (cost != 0)
            {
                entry(stageRow[z.l], z.col, -cost);
            }
        }
    }
    if (deadline.Expired())
    {
        return stopBuilding();
    }
    // Shared storage (2e, in units of κ_i) and the servers' busy times, where they can bind.
    const double zLower = soloBound;
    for (std::size_t i = 0; i < ns; ++i)
    {
        double storage = 0;
        double busy = 0;
        for (std::size_t m = 0; m < nm; ++m)
        {
            const LlmCostModel& cm = model.GetModel(m);
            const LlmLayeredGraph& g = *graphs[m];
            std::vector<double> sizes;
            std::vector<double> compute;
            for (std::size_t l = 0; l < g.GetNLayers(); ++l)
            {
                if (xAt[m][l * ns + i] != 0)
                {
                    sizes.push_back(g.Storage(l));
                    compute.push_back(cm.ComputeDelay(l, i, g.GetBits()[l]));
                }
            }
            storage += LargestSum(sizes, maxLayers);
            busy += LargestSum(compute, maxLayers);
        }
        const double capacity = model.StorageCapacity(i);
        if (storage > capacity * (1 + 1e-12))
        {
            const int r = addRow(GLP_UP, 0.0, 1.0);
            for (const XVar& x : xs)
            {
                if (x.i == i)
                {
                    entry(r, x.col, graphs[x.m]->Storage(x.l) / capacity);
                }
            }
        }
        if (busy > zLower)
        {
            // Z − B_i ≥ 0 (MAX), Σ_m C_m − B_i ≥ 0 (SUM).
            const int r = addRow(GLP_LO, 0.0, 0.0);
            for (int t = 0; t < nTime; ++t)
            {
                entry(r, firstTime + t, 1.0);
            }
            for (const XVar& x : xs)
            {
                if (x.i == i)
                {
                    const LlmCostModel& cm = model.GetModel(x.m);
                    entry(r, x.col, -cm.ComputeDelay(x.l, x.i, graphs[x.m]->GetBits()[x.l]));
                }
            }
        }
    }
    if (deadline.Expired())
    {
        return stopBuilding();
    }
    // The links' busy times, where they can bind: z grouped by link.
    {
        std::vector<std::size_t> byLink(zs.size());
        for (std::size_t k = 0; k < zs.size(); ++k)
        {
            byLink[k] = k;
        }
        std::sort(byLink.begin(), byLink.end(), [&zs](std::size_t a, std::size_t b) {
            return std::tie(zs[a].i, zs[a].j, zs[a].m) < std::tie(zs[b].i, zs[b].j, zs[b].m);
        });
        for (std::size_t k = 0; k < byLink.size();)
        {
            std::size_t e = k;
            double most = 0;
            while (e < byLink.size() && zs[byLink[e]].i == zs[byLink[k]].i
                   && zs[byLink[e]].j == zs[byLink[k]].j)
            {
                // At most K layers of a model on i send to j: the K costliest per model.
                const std::size_t m = zs[byLink[e]].m;
                std::vector<double> costs;
                for (; e < byLink.size() && zs[byLink[e]].i == zs[byLink[k]].i
                       && zs[byLink[e]].j == zs[byLink[k]].j && zs[byLink[e]].m == m;
                     ++e)
                {
                    const ZVar& z = zs[byLink[e]];
                    costs.push_back(graphs[m]->Edge(z.l, z.i, z.j));
                }
                most += LargestSum(costs, maxLayers);
            }
            if (zs[byLink[k]].i != zs[byLink[k]].j && most > zLower)
            {
                const int r = addRow(GLP_LO, 0.0, 0.0);
                for (int t = 0; t < nTime; ++t)
                {
                    entry(r, firstTime + t, 1.0);
                }
                for (std::size_t q = k; q < e; ++q)
                {
                    const ZVar& z = zs[byLink[q]];
                    entry(r, z.col, -graphs[z.m]->Edge(z.l, z.i, z.j));
                }
            }
            k = e;
        }
    }
    if (deadline.Expired())
    {
        return stopBuilding();
    }
    glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    plan.stats.rows = static_cast<uint64_t>(glp_get_num_rows(lp));
    plan.stats.columns = static_cast<uint64_t>(glp_get_num_cols(lp));
    NS_LOG_INFO("joint GLPK problem: " << plan.stats.rows << " rows, " << plan.stats.columns
                                       << " columns, " << ia.size() - 1 << " nonzeros");

    // The incumbent as column values.
    std::vector<double> start;
    if (!incumbent.empty())
    {
        start.assign(static_cast<std::size_t>(firstTime + nTime + nStage), 0.0);
        for (std::size_t m = 0; m < nm && !start.empty(); ++m)
        {
            for (std::size_t l = 0; l < incumbent[m].size(); ++l)
            {
                const int col = xAt[m][l * ns + incumbent[m][l].server];
                if (col == 0)
                {
                    // Pruned by rounding at the limit: GLPK starts without it.
                    start.clear();
                    break;
                }
                start[col] = 1.0;
            }
        }
        for (const ZVar& z : zs)
        {
            if (!start.empty() && incumbent[z.m][z.l].server == z.i
                && incumbent[z.m][z.l + 1].server == z.j)
            {
                start[z.col] = 1.0;
            }
        }
        for (std::size_t m = 0; m < nm && !start.empty(); ++m)
        {
            const LlmLayeredGraph& g = *graphs[m];
            for (std::size_t l = 0; l < g.GetNLayers(); ++l)
            {
                const std::size_t i = incumbent[m][l].server;
                start[firstStage[m] + l] =
                    g.Node(l, i)
                    + (l + 1 < g.GetNLayers() ? g.Edge(l, i, incumbent[m][l + 1].server) : 0.0);
            }
        }
        if (!start.empty() && sum)
        {
            const std::vector<double> times = model.ModelTimes(incumbent);
            double total = 0;
            for (std::size_t m = 0; m < nm; ++m)
            {
                start[firstTime + m] = std::max(times[m], modelBound[m]);
                total += start[firstTime + m];
            }
            start[firstTime] += std::max(0.0, ub - total);
        }
        else if (!start.empty())
        {
            start[firstTime] = ub;
        }
    }
    // GLPK's scaling and LP presolver, which its time limit does not count, take longer per
    // nonzero on the joint problem (its busy-time rows couple every model) than LlmGlpkSearch
    // keeps for them: GLPK gets a phase deadline that ends UNTIMED_SECONDS_PER_NONZERO earlier.
    const double nonzeros = static_cast<double>(ia.size() - 1);
    const double untimed = UNTIMED_SECONDS_PER_NONZERO * nonzeros;
    if (deadline.Remaining() < untimed)
    {
        glp_delete_prob(lp);
        std::ostringstream os;
        os << "building the GLPK problem (less than the " << untimed
           << " s GLPK's scaling and presolve need were left)";
        return fromIncumbent(timeLimit(os.str()), soloBound);
    }
    const LlmSolverDeadline glpkDeadline = deadline.Within(
        deadline.Remaining()
        - (UNTIMED_SECONDS_PER_NONZERO - LlmGlpkSearch::UNTIMED_SECONDS_PER_NONZERO) * nonzeros);
    LlmIlpOutcome out;
    LlmGlpkSearch::Run(lp,
                       ia.size() - 1,
                       start.empty() ? nullptr : &start,
                       LlmGlpkSearch::RowGenerator(),
                       glpkDeadline,
                       m_options,
                       out);
    plan.stats.nodes = out.nodes;
    LlmJointPlacement found;
    if (out.status == LlmIlpOutcome::Status::OPTIMAL
        || out.status == LlmIlpOutcome::Status::FEASIBLE)
    {
        found.resize(nm);
        for (std::size_t m = 0; m < nm; ++m)
        {
            found[m].assign(graphs[m]->GetNLayers(), {0, 0});
        }
        for (const XVar& x : xs)
        {
            if (glp_mip_col_val(lp, x.col) > 0.5)
            {
                found[x.m][x.l] = {x.i, graphs[x.m]->GetBits()[x.l]};
            }
        }
    }
    glp_delete_prob(lp);

    const double bound = std::max(soloBound, out.bound);
    if (out.status == LlmIlpOutcome::Status::INFEASIBLE)
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = "no joint placement satisfies the shared storage (2e summed over the "
                       "models) together with each model's (2d) and (2f) (GLPK proved the ILP "
                       "infeasible; each model alone and the storage totals can be met)";
        return done();
    }
    if (found.empty())
    {
        return fromIncumbent(
            out.outOfTime ? timeLimit(out.rootLpOnly ? "GLPK's root LP" : "GLPK's branch and cut")
                          : "GLPK stopped (code " + std::to_string(out.glpkCode) + ")",
            bound);
    }
    // GLPK's placement, or the incumbent if GLPK's is not better.
    const bool optimal = out.status == LlmIlpOutcome::Status::OPTIMAL;
    const LlmJointPlacement& best =
        !incumbent.empty() && ub < model.Objective(found) ? incumbent : found;
    Finish(model, plan, best, optimal ? LlmSolverStatus::OPTIMAL : LlmSolverStatus::FEASIBLE);
    plan.stats.lowerBound = std::min(optimal ? plan.objective : bound, plan.objective);
    plan.stats.gap =
        plan.objective > 0 ? (plan.objective - plan.stats.lowerBound) / plan.objective : 0.0;
    if (out.outOfTime)
    {
        plan.message = timeLimit("GLPK's branch and cut") + "; gap "
                       + std::to_string(100 * plan.stats.gap) + " %";
    }
    NS_LOG_INFO(GetName() << ": " << ToString(plan.status) << " J=" << plan.objective
                          << " bound=" << plan.stats.lowerBound << " nodes=" << plan.stats.nodes);
    return done();
}

} // namespace ns3

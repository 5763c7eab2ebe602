// SPDX-License-Identifier: GPL-2.0-only

#include "llm-layered-ilp.h"

#include "llm-glpk-search.h"
#include "llm-ilp-solver.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <glpk.h>
#include <sstream>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmLayeredIlp");

LlmLayeredIlp::LlmLayeredIlp(const LlmCostModel& model,
                             const LlmLayeredGraph& g,
                             const std::vector<std::vector<uint32_t>>& candidates)
    : m_model(model)
    , m_g(g)
    , m_candidates(candidates)
{
}

LlmIlpOutcome
LlmLayeredIlp::Solve(Pruning pruning,
                     const std::vector<std::size_t>& incumbent,
                     const LlmSolverDeadline& deadline,
                     const LlmSolverOptions& options) const
{
    NS_LOG_FUNCTION(this);
    LlmIlpOutcome out;
    const std::size_t nl = m_g.GetNLayers();
    const std::size_t ns = m_g.GetNServers();
    // Stop while building at the time limit (the caller names the limit).
    auto stopped = [&out](const std::string& phase) {
        out.status = LlmIlpOutcome::Status::STOPPED;
        out.outOfTime = true;
        out.phase = phase;
        return out;
    };
    auto nodeKept = [&](std::size_t l, std::size_t i) { return pruning.NodeKept(m_g, l, i); };
    auto edgeKept = [&](std::size_t l, std::size_t i, std::size_t j) {
        return pruning.EdgeKept(m_g, l, i, j);
    };

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
           << " columns after pruning, more than the " << LlmIlpSolver::MAX_COLUMNS
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
            return stopped("building the ILP columns");
        }
        for (std::size_t i = 0; i < ns; ++i)
        {
            xFirst[l * ns + i] = static_cast<uint32_t>(xs.size());
            for (uint32_t b : m_candidates[l])
            {
                if (m_model.StorageBytes(l, b) > m_model.StorageCapacity(i) * (1 + 1e-12)
                    || !std::isfinite(m_model.AccessDelay(l, i)))
                {
                    continue;
                }
                ++before;
                if (nodeKept(l, i))
                {
                    if (xs.size() >= LlmIlpSolver::MAX_COLUMNS)
                    {
                        out.phase = tooManyColumns(xs.size());
                        return out;
                    }
                    xs.push_back({l, i, b, static_cast<int>(xs.size()) + 1});
                }
            }
        }
    }
    xFirst[nl * ns] = static_cast<uint32_t>(xs.size());
    std::vector<ZVar> zs;
    const bool sameServer = m_g.SameServerAllowed();
    for (std::size_t u = 0; u < xs.size(); ++u)
    {
        const XVar& x = xs[u];
        if (x.l + 1 >= nl)
        {
            continue;
        }
        if (u % 64 == 0 && deadline.Expired())
        {
            return stopped("building the ILP columns");
        }
        for (std::size_t j = 0; j < ns; ++j)
        {
            if (xBegin(x.l + 1, j) == xEnd(x.l + 1, j) || (j == x.i && !sameServer)
                || (j != x.i && m_model.LinkBps(x.i, j) <= 0))
            {
                continue;
            }
            ++before;
            if (edgeKept(x.l, x.i, j))
            {
                if (xs.size() + zs.size() >= LlmIlpSolver::MAX_COLUMNS)
                {
                    out.phase = tooManyColumns(xs.size() + zs.size());
                    return out;
                }
                zs.push_back({u, j, static_cast<int>(xs.size() + zs.size()) + 1});
            }
        }
    }
    out.columnsBeforePruning = before;
    pruning.forward = std::vector<double>(); // not needed any more: free before GLPK allocates
    pruning.backward = std::vector<double>();

    if (xs.empty())
    {
        // Only when no incumbent exists (pruning always keeps the incumbent's variables) and
        // every (layer, server) pair is excluded, which ExplainInfeasible reports first.
        out.status = LlmIlpOutcome::Status::INFEASIBLE;
        out.phase = "no layer can be placed on any server (2e per layer)";
        return out;
    }

    glp_prob* lp = glp_create_prob();
    // Stop while building: free the problem first.
    auto stopBuilding = [&]() {
        glp_delete_prob(lp);
        return stopped("building the GLPK problem");
    };
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, static_cast<int>(xs.size() + zs.size()));
    for (const XVar& x : xs)
    {
        glp_set_col_kind(lp, x.col, GLP_BV);
        glp_set_obj_coef(lp, x.col, m_model.NodeDelay(x.l, x.i, x.b));
    }
    for (const ZVar& z : zs)
    {
        const XVar& x = xs[z.x];
        glp_set_col_bnds(lp, z.col, GLP_DB, 0.0, 1.0);
        glp_set_obj_coef(lp, z.col, m_model.TransferDelay(x.l, x.i, z.j, x.b));
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
    const auto maxLayers = m_model.GetScenario().GetMaxLayersPerServer();
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
                most = std::max(most, m_model.StorageBytes(l, xs[u].b));
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
        if ((!maxLayers || *maxLayers > 1) && storageHere > m_model.StorageCapacity(i))
        {
            // In units of κ_i: bytes (1e6 ... 1e10) beside 0-1 columns led GLPK 5.0's branch
            // and bound, unscaled, to stop at a wrong "optimum".
            const double capacity = m_model.StorageCapacity(i);
            const int r = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, r, GLP_UP, 0.0, 1.0);
            for (std::size_t l = 0; l < nl; ++l)
            {
                for (uint32_t u = xBegin(l, i); u < xEnd(l, i); ++u)
                {
                    entry(r, xs[u].col, m_model.StorageBytes(l, xs[u].b) / capacity);
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
    out.rows = static_cast<uint64_t>(glp_get_num_rows(lp));
    out.columns = static_cast<uint64_t>(glp_get_num_cols(lp));
    NS_LOG_INFO("GLPK problem: " << out.rows << " rows, " << out.columns << " columns, "
                                 << ia.size() - 1 << " nonzeros, built at " << deadline.Elapsed()
                                 << " s");

    // The incumbent as column values (x at b*_l, z along its path).
    std::vector<double> start1;
    const bool giveIncumbent = !incumbent.empty();
    if (giveIncumbent)
    {
        start1.assign(xs.size() + zs.size() + 1, 0.0);
        const auto& path = incumbent;
        const std::vector<uint32_t>& bits = m_g.GetBits();
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
        os << "building the GLPK problem (less than the " << untimed
           << " s GLPK's presolve needs were left)";
        return stopped(os.str());
    }
    LlmGlpkSearch::Run(lp,
                       ia.size() - 1,
                       giveIncumbent ? &start1 : nullptr,
                       LlmGlpkSearch::RowGenerator(),
                       deadline,
                       options,
                       out);
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
    return out;
}

} // namespace ns3

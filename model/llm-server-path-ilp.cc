// SPDX-License-Identifier: GPL-2.0-only

#include "llm-server-path-ilp.h"

#include "llm-glpk-search.h"
#include "llm-ilp-solver.h"
#include "ns3/assert.h"
#include "ns3/log.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>
#include <cmath>
#include <glpk.h>
#include <queue>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmServerPathIlp");

namespace
{

/// One arc column: server i to server j.
struct Arc
{
    std::size_t i; //!< Tail server
    std::size_t j; //!< Head server
    int col;       //!< GLPK column
};

/// Flow values are scaled to integers for the maximum flow (exact arithmetic).
constexpr double FLOW_SCALE = 1e7;
/// A connectivity row is added when it is violated by more than this (in units of y).
constexpr double CUT_VIOLATION = 1e-4;
/// Most connectivity rows added per run in one call of the generator.
constexpr int MAX_CUTS_PER_RUN = 64;

using FlowTraits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS,
    boost::vecS,
    boost::directedS,
    boost::no_property,
    boost::property<
        boost::edge_capacity_t,
        long,
        boost::property<boost::edge_residual_capacity_t,
                        long,
                        boost::property<boost::edge_reverse_t, FlowTraits::edge_descriptor>>>>;

/// Columns of the formulation and the connectivity separation on them.
struct Columns
{
    std::size_t ns{0};                       //!< N
    std::vector<LlmServerPathIlp::Run> runs; //!< Runs
    std::vector<int> y;                      //!< y_{r,i}: column or 0, R × N
    std::vector<std::vector<Arc>> u;         //!< u arcs per run
    std::vector<std::vector<Arc>> v;         //!< v arcs per boundary r (run r to r+1)
    std::vector<int> s;                      //!< s_j per server (0: none)
    std::vector<int> t;                      //!< t_i per server (0: none)

    int Y(std::size_t r, std::size_t i) const { return y[r * ns + i]; }

    /// Columns (and coefficient 1) whose sum is the entry of run r into server j.
    void Entry(std::size_t r, std::size_t j, std::vector<int>& cols) const
    {
        if (r == 0)
        {
            if (s[j])
            {
                cols.push_back(s[j]);
            }
            return;
        }
        for (const Arc& a : v[r - 1])
        {
            if (a.j == j)
            {
                cols.push_back(a.col);
            }
        }
    }

    /**
     * Add the violated connectivity rows of the current LP solution of P (at most
     * MAX_CUTS_PER_RUN per run); return how many.
     */
    int Separate(glp_prob* p) const
    {
        int added = 0;
        for (std::size_t r = 0; r < runs.size(); ++r)
        {
            if (u[r].empty())
            {
                continue;
            }
            // Vertices: servers with y_{r,i} > 0, then the source (the run's entries).
            std::vector<long> vertex(ns, -1);
            std::vector<std::size_t> server;
            std::vector<double> yv;
            for (std::size_t i = 0; i < ns; ++i)
            {
                const double val = Y(r, i) ? glp_get_col_prim(p, Y(r, i)) : 0.0;
                if (val > 1e-9)
                {
                    vertex[i] = static_cast<long>(server.size());
                    server.push_back(i);
                    yv.push_back(val);
                }
            }
            const std::size_t m = server.size();
            FlowGraph fg(m + 1);
            auto capacity = boost::get(boost::edge_capacity, fg);
            auto reverse = boost::get(boost::edge_reverse, fg);
            auto residual = boost::get(boost::edge_residual_capacity, fg);
            auto addEdge = [&](std::size_t a, std::size_t b, double value) {
                const long c = std::lround(value * FLOW_SCALE);
                if (c <= 0)
                {
                    return;
                }
                auto e = boost::add_edge(a, b, fg).first;
                auto back = boost::add_edge(b, a, fg).first;
                capacity[e] = c;
                capacity[back] = 0;
                reverse[e] = back;
                reverse[back] = e;
            };
            const std::size_t source = m;
            for (const Arc& a : u[r])
            {
                if (vertex[a.i] >= 0 && vertex[a.j] >= 0)
                {
                    addEdge(vertex[a.i], vertex[a.j], glp_get_col_prim(p, a.col));
                }
            }
            std::vector<int> entry;
            for (std::size_t k = 0; k < m; ++k)
            {
                entry.clear();
                Entry(r, server[k], entry);
                double in = 0;
                for (int c : entry)
                {
                    in += glp_get_col_prim(p, c);
                }
                addEdge(source, k, in);
            }
            std::vector<bool> covered(m, false);
            int cuts = 0;
            for (std::size_t k = 0; k < m && cuts < MAX_CUTS_PER_RUN; ++k)
            {
                if (covered[k] || yv[k] <= CUT_VIOLATION)
                {
                    continue;
                }
                const long flow = boost::push_relabel_max_flow(fg, source, k);
                if (static_cast<double>(flow) / FLOW_SCALE >= yv[k] - CUT_VIOLATION)
                {
                    continue;
                }
                // S: the vertices the source cannot reach in the residual graph (k among them).
                std::vector<bool> reached(m + 1, false);
                std::queue<std::size_t> queue;
                queue.push(source);
                reached[source] = true;
                while (!queue.empty())
                {
                    const std::size_t a = queue.front();
                    queue.pop();
                    for (auto [e, end] = boost::out_edges(a, fg); e != end; ++e)
                    {
                        const std::size_t b = boost::target(*e, fg);
                        if (!reached[b] && residual[*e] > 0)
                        {
                            reached[b] = true;
                            queue.push(b);
                        }
                    }
                }
                std::vector<bool> inS(ns, false);
                for (std::size_t q = 0; q < m; ++q)
                {
                    if (!reached[q])
                    {
                        inS[server[q]] = true;
                        covered[q] = true;
                    }
                }
                // (u arcs of run r entering S) + (entries of run r into S) − y_{r,k} ≥ 0.
                std::vector<int> ind{0};
                std::vector<double> val{0.0};
                for (const Arc& a : u[r])
                {
                    if (!inS[a.i] && inS[a.j])
                    {
                        ind.push_back(a.col);
                        val.push_back(1.0);
                    }
                }
                for (std::size_t j = 0; j < ns; ++j)
                {
                    if (inS[j])
                    {
                        entry.clear();
                        Entry(r, j, entry);
                        for (int c : entry)
                        {
                            ind.push_back(c);
                            val.push_back(1.0);
                        }
                    }
                }
                ind.push_back(Y(r, server[k]));
                val.push_back(-1.0);
                const int row = glp_add_rows(p, 1);
                glp_set_row_bnds(p, row, GLP_LO, 0.0, 0.0);
                glp_set_mat_row(p, row, static_cast<int>(ind.size()) - 1, ind.data(), val.data());
                ++cuts;
            }
            added += cuts;
        }
        return added;
    }
};

} // namespace

std::vector<LlmServerPathIlp::Run>
LlmServerPathIlp::FindRuns(const LlmLayeredGraph& g)
{
    std::vector<Run> runs;
    const std::size_t nl = g.GetNLayers();
    const std::size_t ns = g.GetNServers();
    for (std::size_t l = 0; l < nl; ++l)
    {
        bool joins = !runs.empty() && g.OutputBits(l - 1) == g.OutputBits(runs.back().first);
        for (std::size_t i = 0; joins && i < ns; ++i)
        {
            joins = g.Node(l, i) == g.Node(runs.back().first, i);
        }
        if (joins)
        {
            runs.back().last = l;
        }
        else
        {
            runs.push_back({l, l});
        }
    }
    return runs;
}

LlmServerPathIlp::LlmServerPathIlp(const LlmLayeredGraph& g)
    : m_g(g)
    , m_runs(FindRuns(g))
{
    NS_ASSERT_MSG(!g.SameServerAllowed(), "the server-path ILP needs one layer per server");
}

LlmIlpOutcome
LlmServerPathIlp::Solve(const LlmLayeredIlp::Pruning& pruning,
                        const std::vector<std::size_t>& incumbent,
                        const LlmSolverDeadline& deadline,
                        const LlmSolverOptions& options) const
{
    NS_LOG_FUNCTION(this);
    LlmIlpOutcome out;
    const std::size_t ns = m_g.GetNServers();
    const std::size_t nr = m_runs.size();
    const std::size_t last = nr - 1;
    auto stopped = [&out](const std::string& phase) {
        out.status = LlmIlpOutcome::Status::STOPPED;
        out.outOfTime = true;
        out.phase = phase;
        return out;
    };
    const std::string building = "building the server-path ILP";
    // Bound-based pruning, per layer position (the layered ILP's test).
    auto nodeKept = [&](std::size_t l, std::size_t i) { return pruning.NodeKept(m_g, l, i); };
    auto edgeKept = [&](std::size_t l, std::size_t i, std::size_t j) {
        return pruning.EdgeKept(m_g, l, i, j);
    };
    uint64_t before = 0;

    // Columns.
    Columns c;
    c.ns = ns;
    c.runs = m_runs;
    c.y.assign(nr * ns, 0);
    c.u.resize(nr);
    c.v.resize(nr);
    c.s.assign(ns, 0);
    c.t.assign(ns, 0);
    int cols = 0;
    std::vector<double> cost{0.0}; // 1-based
    auto tooMany = [&]() { return static_cast<std::size_t>(cols) >= LlmIlpSolver::MAX_COLUMNS; };
    for (std::size_t r = 0; r < nr; ++r)
    {
        for (std::size_t i = 0; i < ns; ++i)
        {
            const double cp = m_g.Node(m_runs[r].first, i);
            if (!std::isfinite(cp))
            {
                continue;
            }
            ++before;
            bool kept = false;
            for (std::size_t l = m_runs[r].first; l <= m_runs[r].last && !kept; ++l)
            {
                kept = nodeKept(l, i);
            }
            if (kept)
            {
                c.y[r * ns + i] = ++cols;
                cost.push_back(cp);
            }
        }
    }
    for (std::size_t i = 0; i < ns; ++i)
    {
        before += (std::isfinite(m_g.Node(0, i)) ? 1 : 0)
                  + (std::isfinite(m_g.Node(m_g.GetNLayers() - 1, i)) ? 1 : 0); // s_i, t_i
        if (c.Y(0, i) && nodeKept(0, i))
        {
            c.s[i] = ++cols;
            cost.push_back(0.0);
        }
        if (c.Y(last, i) && nodeKept(m_g.GetNLayers() - 1, i))
        {
            c.t[i] = ++cols;
            cost.push_back(0.0);
        }
    }
    for (std::size_t r = 0; r < nr; ++r)
    {
        const bool inside = m_runs[r].last > m_runs[r].first;
        for (std::size_t i = 0; i < ns; ++i)
        {
            if (deadline.Expired())
            {
                return stopped(building);
            }
            if (!c.Y(r, i))
            {
                continue;
            }
            for (std::size_t j = 0; j < ns; ++j)
            {
                if (j == i)
                {
                    continue;
                }
                if (inside && c.Y(r, j))
                {
                    const double cm = m_g.Edge(m_runs[r].first, i, j);
                    bool kept = false;
                    for (std::size_t l = m_runs[r].first; l < m_runs[r].last && !kept; ++l)
                    {
                        kept = edgeKept(l, i, j);
                    }
                    before += std::isfinite(cm) ? 1 : 0;
                    if (std::isfinite(cm) && kept)
                    {
                        if (tooMany())
                        {
                            out.phase = building + ": more than LlmIlpSolver::MAX_COLUMNS columns";
                            return out;
                        }
                        c.u[r].push_back({i, j, ++cols});
                        cost.push_back(cm);
                    }
                }
                if (r < last && c.Y(r + 1, j))
                {
                    const double cm = m_g.Edge(m_runs[r].last, i, j);
                    before += std::isfinite(cm) ? 1 : 0;
                    if (std::isfinite(cm) && edgeKept(m_runs[r].last, i, j))
                    {
                        if (tooMany())
                        {
                            out.phase = building + ": more than LlmIlpSolver::MAX_COLUMNS columns";
                            return out;
                        }
                        c.v[r].push_back({i, j, ++cols});
                        cost.push_back(cm);
                    }
                }
            }
        }
    }
    out.columns = static_cast<uint64_t>(cols);
    out.columnsBeforePruning = before;

    glp_prob* lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_cols(lp, cols);
    for (int k = 1; k <= cols; ++k)
    {
        glp_set_col_kind(lp, k, GLP_BV);
        glp_set_obj_coef(lp, k, cost[k]);
    }
    std::vector<int> ia{0};
    std::vector<int> ja{0};
    std::vector<double> ar{0.0};
    auto addRow = [&lp](int type, double lo, double up) {
        const int r = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, r, type, lo, up);
        return r;
    };
    auto entry = [&](int row, int col, double value) {
        ia.push_back(row);
        ja.push_back(col);
        ar.push_back(value);
    };
    // Σ_i y_{r,i} = len_r.
    for (std::size_t r = 0; r < nr; ++r)
    {
        const double len = static_cast<double>(m_runs[r].last - m_runs[r].first + 1);
        const int row = addRow(GLP_FX, len, len);
        for (std::size_t i = 0; i < ns; ++i)
        {
            if (c.Y(r, i))
            {
                entry(row, c.Y(r, i), 1.0);
            }
        }
    }
    // (2d) Σ_r y_{r,i} ≤ 1, where a server could take layers of two runs.
    for (std::size_t i = 0; i < ns && nr > 1; ++i)
    {
        int here = 0;
        for (std::size_t r = 0; r < nr; ++r)
        {
            here += c.Y(r, i) ? 1 : 0;
        }
        if (here > 1)
        {
            const int row = addRow(GLP_UP, 0.0, 1.0);
            for (std::size_t r = 0; r < nr; ++r)
            {
                if (c.Y(r, i))
                {
                    entry(row, c.Y(r, i), 1.0);
                }
            }
        }
    }
    // Σ s = 1, Σ t = 1, Σ v_r = 1.
    {
        const int rs = addRow(GLP_FX, 1.0, 1.0);
        const int rt = addRow(GLP_FX, 1.0, 1.0);
        for (std::size_t i = 0; i < ns; ++i)
        {
            if (c.s[i])
            {
                entry(rs, c.s[i], 1.0);
            }
            if (c.t[i])
            {
                entry(rt, c.t[i], 1.0);
            }
        }
        for (std::size_t r = 0; r < last; ++r)
        {
            const int rv = addRow(GLP_FX, 1.0, 1.0);
            for (const Arc& a : c.v[r])
            {
                entry(rv, a.col, 1.0);
            }
        }
    }
    if (deadline.Expired())
    {
        glp_delete_prob(lp);
        return stopped(building);
    }
    // Degrees: in(r, j) = y_{r,j} = out(r, j).
    std::vector<int> inRow(nr * ns, 0);
    std::vector<int> outRow(nr * ns, 0);
    for (std::size_t r = 0; r < nr; ++r)
    {
        for (std::size_t i = 0; i < ns; ++i)
        {
            if (c.Y(r, i))
            {
                inRow[r * ns + i] = addRow(GLP_FX, 0.0, 0.0);
                outRow[r * ns + i] = addRow(GLP_FX, 0.0, 0.0);
                entry(inRow[r * ns + i], c.Y(r, i), -1.0);
                entry(outRow[r * ns + i], c.Y(r, i), -1.0);
            }
        }
    }
    for (std::size_t i = 0; i < ns; ++i)
    {
        if (c.s[i])
        {
            entry(inRow[i], c.s[i], 1.0);
        }
        if (c.t[i])
        {
            entry(outRow[last * ns + i], c.t[i], 1.0);
        }
    }
    for (std::size_t r = 0; r < nr; ++r)
    {
        for (const Arc& a : c.u[r])
        {
            entry(outRow[r * ns + a.i], a.col, 1.0);
            entry(inRow[r * ns + a.j], a.col, 1.0);
        }
        for (const Arc& a : c.v[r])
        {
            entry(outRow[r * ns + a.i], a.col, 1.0);
            entry(inRow[(r + 1) * ns + a.j], a.col, 1.0);
        }
    }
    glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    if (deadline.Expired())
    {
        glp_delete_prob(lp);
        return stopped(building);
    }
    NS_LOG_INFO("server-path ILP: " << nr << " runs, " << glp_get_num_rows(lp) << " rows, " << cols
                                    << " columns, " << ia.size() - 1 << " nonzeros");

    // The incumbent as column values.
    std::vector<double> start;
    if (!incumbent.empty())
    {
        start.assign(static_cast<std::size_t>(cols) + 1, 0.0);
        auto arcCol = [](const std::vector<Arc>& arcs, std::size_t i, std::size_t j) {
            for (const Arc& a : arcs)
            {
                if (a.i == i && a.j == j)
                {
                    return a.col;
                }
            }
            return 0;
        };
        bool ok = c.s[incumbent.front()] && c.t[incumbent.back()];
        if (ok)
        {
            start[c.s[incumbent.front()]] = 1.0;
            start[c.t[incumbent.back()]] = 1.0;
        }
        for (std::size_t r = 0; r < nr && ok; ++r)
        {
            for (std::size_t l = m_runs[r].first; l <= m_runs[r].last && ok; ++l)
            {
                const int y = c.Y(r, incumbent[l]);
                ok = y != 0;
                int arc = 0; // the arc to layer l+1 (none after the last layer)
                if (l < m_runs[r].last)
                {
                    arc = arcCol(c.u[r], incumbent[l], incumbent[l + 1]);
                    ok = ok && arc != 0;
                }
                else if (r < last)
                {
                    arc = arcCol(c.v[r], incumbent[l], incumbent[l + 1]);
                    ok = ok && arc != 0;
                }
                if (ok)
                {
                    start[y] = 1.0;
                    if (arc)
                    {
                        start[arc] = 1.0;
                    }
                }
            }
        }
        if (!ok)
        {
            start.clear(); // not a path of this formulation (cannot happen for a feasible path)
        }
    }

    LlmGlpkSearch::Run(
        lp,
        ia.size() - 1,
        start.empty() ? nullptr : &start,
        [&c](glp_tree* tree) { return c.Separate(glp_ios_get_prob(tree)); },
        deadline,
        options,
        out);

    if (out.status == LlmIlpOutcome::Status::OPTIMAL
        || out.status == LlmIlpOutcome::Status::FEASIBLE)
    {
        // Walk the path: s, then u arcs inside each run, v arcs between runs.
        const std::size_t none = ns;
        std::vector<std::size_t> nextU(nr * ns, none);
        std::vector<std::size_t> nextV(nr * ns, none);
        std::size_t at = none;
        for (std::size_t i = 0; i < ns; ++i)
        {
            if (c.s[i] && glp_mip_col_val(lp, c.s[i]) > 0.5)
            {
                at = i;
            }
        }
        for (std::size_t r = 0; r < nr; ++r)
        {
            for (const Arc& a : c.u[r])
            {
                if (glp_mip_col_val(lp, a.col) > 0.5)
                {
                    nextU[r * ns + a.i] = a.j;
                }
            }
            for (const Arc& a : c.v[r])
            {
                if (glp_mip_col_val(lp, a.col) > 0.5)
                {
                    nextV[r * ns + a.i] = a.j;
                }
            }
        }
        std::vector<std::size_t> path;
        std::vector<bool> used(ns, false);
        for (std::size_t r = 0; r < nr && at != none; ++r)
        {
            for (std::size_t l = m_runs[r].first; l <= m_runs[r].last && at != none; ++l)
            {
                if (used[at])
                {
                    at = none;
                    break;
                }
                used[at] = true;
                path.push_back(at);
                at = l < m_runs[r].last ? nextU[r * ns + at] : r < last ? nextV[r * ns + at] : at;
            }
        }
        if (path.size() == m_g.GetNLayers())
        {
            out.placement = m_g.ToPlacement(path);
        }
        else
        {
            // Not a path (cannot happen: every integer solution passed the separation).
            out.status = LlmIlpOutcome::Status::STOPPED;
            out.phase = "reading GLPK's solution (not a path through distinct servers)";
        }
    }
    glp_delete_prob(lp);
    NS_LOG_INFO("server-path ILP: nodes " << out.nodes << ", lazy rows " << out.lazyRows);
    return out;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-glpk-search.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

namespace
{

/// GLPK callback data.
struct CallbackData
{
    const std::vector<double>* incumbent{nullptr};    //!< 1-based column values, or null
    bool given{false};                                //!< Incumbent handed over
    const LlmGlpkSearch::RowGenerator* rows{nullptr}; //!< Lazy rows, or null
    uint64_t lazyRows{0};                             //!< Rows the generator added
    uint64_t nodes{0};                                //!< B&B nodes so far
    double bound{-INFINITY};                          //!< Best node bound
    const LlmSolverDeadline* deadline{nullptr};       //!< Stop the search once it passes
};

void
Callback(glp_tree* tree, void* info)
{
    auto* d = static_cast<CallbackData*>(info);
    const int reason = glp_ios_reason(tree);
    if (reason == GLP_IHEUR && d->incumbent && !d->given)
    {
        glp_ios_heur_sol(tree, d->incumbent->data());
        d->given = true;
    }
    if (reason == GLP_IROWGEN && d->rows && *d->rows)
    {
        d->lazyRows += static_cast<uint64_t>((*d->rows)(tree));
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
    if (d->deadline && d->deadline->Expired())
    {
        glp_ios_terminate(tree); // tm_lim as well, checked between GLPK's own steps
    }
}

} // namespace

void
LlmGlpkSearch::Run(glp_prob* lp,
                   uint64_t nonzeros,
                   const std::vector<double>* incumbent,
                   const RowGenerator& rows,
                   const LlmSolverDeadline& deadline,
                   const LlmSolverOptions& options,
                   LlmIlpOutcome& out)
{
    // GLPK: the rest of the limit (tm_lim), and the callback stops the search at the deadline.
    // GLPK's presolvers (LP before the root simplex, MIP in glp_intopt) are not timed by tm_lim:
    // keep UNTIMED_SECONDS_PER_NONZERO per nonzero for them (0.45 µs measured at 2-10 million).
    const double untimed = UNTIMED_SECONDS_PER_NONZERO * static_cast<double>(nonzeros);
    auto remainingMs = [&deadline](double reserve) {
        return static_cast<int>(std::clamp((deadline.Remaining() - reserve) * 1000.0, 1.0, 2.0e9));
    };
    const int msg = options.verbosity >= 2 ? GLP_MSG_ON : GLP_MSG_OFF;
    CallbackData cb;
    cb.incumbent = incumbent;
    cb.rows = &rows;
    cb.deadline = &deadline;
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = msg;
    parm.tm_lim = remainingMs(untimed);
    parm.mip_gap = options.relativeGap;
    // GLPK prunes a node whose bound is within tol_obj · (1 + |incumbent|) of the incumbent
    // (1e-7 by default): placements that differ by less (transfers of a few µs against
    // compute of 1000 s at 10 Gbit/s) would be left unexplored. Proven means within 1e-11.
    parm.tol_obj = 1e-11;
    parm.cb_func = Callback;
    parm.cb_info = &cb;
    // GLPK's MIP presolver works on a copy of the problem: no heuristic solution and no lazy
    // rows can reach it.
    parm.presolve = (incumbent || rows || !options.glpkPresolve) ? GLP_OFF : GLP_ON;
    if (rows)
    {
        // GLPK's heuristics record the integer solutions they find without GLP_IROWGEN: with
        // lazy rows they could accept a solution that violates one. Off, so that every integer
        // solution GLPK keeps comes from a node LP that passed the row generator (or is the
        // caller's incumbent).
        parm.sr_heur = GLP_OFF;
        parm.fp_heur = GLP_OFF;
        parm.ps_heur = GLP_OFF;
    }
    // Scale rows and columns as glpsol does (GLPK's solvers assume a scaled problem; unscaled,
    // GLPK 5.0's branch and bound returned a wrong optimum on storage rows in bytes).
    const int termOut = glp_term_out(GLP_OFF); // its report of the scale factors
    glp_scale_prob(lp, GLP_SF_AUTO);
    glp_term_out(termOut);
    int ret = 0;
    bool lpInfeasible = false;
    if (parm.presolve == GLP_OFF)
    {
        glp_smcp sparm;
        glp_init_smcp(&sparm);
        sparm.msg_lev = msg;
        sparm.tm_lim = remainingMs(untimed);
        sparm.presolve = GLP_ON;
        ret = glp_simplex(lp, &sparm);
        if (ret == 0 && glp_get_status(lp) != GLP_OPT)
        {
            lpInfeasible = glp_get_status(lp) == GLP_NOFEAS;
        }
        parm.tm_lim = remainingMs(0.0);
    }
    if (!lpInfeasible && (ret == 0 || parm.presolve == GLP_ON))
    {
        ret = glp_intopt(lp, &parm);
    }
    out.glpkCode = ret;
    out.outOfTime = ret == GLP_ETMLIM || ret == GLP_ESTOP
                    || (ret != 0 && parm.presolve == GLP_OFF && deadline.Expired());
    out.rootLpOnly = parm.presolve == GLP_OFF && cb.nodes == 0;
    out.nodes = cb.nodes;
    out.lazyRows = cb.lazyRows;
    out.bound = cb.bound;
    const int mipStatus = lpInfeasible ? GLP_NOFEAS : glp_mip_status(lp);
    if (mipStatus == GLP_OPT || mipStatus == GLP_FEAS)
    {
        out.status = mipStatus == GLP_OPT && ret == 0 ? LlmIlpOutcome::Status::OPTIMAL
                                                      : LlmIlpOutcome::Status::FEASIBLE;
    }
    else if (mipStatus == GLP_NOFEAS || ret == GLP_ENOPFS)
    {
        out.status = LlmIlpOutcome::Status::INFEASIBLE;
    }
    else
    {
        out.status = LlmIlpOutcome::Status::STOPPED;
    }
    out.rows = static_cast<uint64_t>(glp_get_num_rows(lp));
    out.columns = static_cast<uint64_t>(glp_get_num_cols(lp));
}

} // namespace ns3

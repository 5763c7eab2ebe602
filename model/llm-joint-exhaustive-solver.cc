// SPDX-License-Identifier: GPL-2.0-only

#include "llm-joint-exhaustive-solver.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace ns3
{

namespace
{

/// Depth-first search state.
struct Search
{
    Search(const LlmJointCostModel& jointModel, std::size_t servers, uint32_t most)
        : model(jointModel)
        , nServers(servers)
        , maxLayers(most)
    {
    }

    const LlmJointCostModel& model;
    std::size_t nServers;
    uint32_t maxLayers;                       // 2d per model (UINT32_MAX: unlimited)
    std::vector<std::vector<double>> rest;    // per model: cheapest compute of layers ≥ l
    std::vector<std::vector<uint32_t>> count; // per model: layers per server
    std::vector<double> used;                 // storage per server (all models)
    std::vector<double> times;                // T_m so far
    std::vector<double> serverBusy;           // B_i so far
    std::map<std::pair<std::size_t, std::size_t>, double> linkBusy; // B_ij so far
    LlmJointPlacement current;
    LlmJointPlacement best;
    double bestCost{INFINITY};
    uint64_t visited{0};
    const LlmSolverDeadline* deadline{nullptr};
    bool stopped{false};

    /// J with each model's remaining layers at their cheapest compute.
    double Bound(std::size_t m, std::size_t l, double busiest) const
    {
        std::vector<double> t = times;
        for (std::size_t k = m; k < t.size(); ++k)
        {
            t[k] += rest[k][k == m ? l : 0];
        }
        return model.Combine(t, busiest);
    }

    void Visit(std::size_t m, std::size_t l, double busiest)
    {
        ++visited;
        if (stopped || ((visited & 4095) == 0 && deadline->Expired()))
        {
            stopped = true;
            return;
        }
        if (m == current.size())
        {
            const double cost = model.Combine(times, busiest);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = current;
            }
            return;
        }
        if (l == current[m].size())
        {
            Visit(m + 1, 0, busiest);
            return;
        }
        if (Bound(m, l, busiest) >= bestCost)
        {
            return;
        }
        const LlmCostModel& cm = model.GetModel(m);
        for (std::size_t i = 0; i < nServers; ++i)
        {
            if (count[m][i] >= maxLayers)
            {
                continue;
            }
            double link = 0;
            std::size_t prev = i;
            if (l > 0)
            {
                const LlmLayerAssignment& p = current[m][l - 1];
                prev = p.server;
                link = cm.TransferDelay(l - 1, p.server, i, p.bits);
                if (std::isinf(link))
                {
                    continue;
                }
            }
            for (uint32_t b : cm.GetAllowedBits(l))
            {
                const double storage = cm.StorageBytes(l, b);
                const double node = cm.NodeDelay(l, i, b);
                if (used[i] + storage > model.StorageCapacity(i) * (1 + 1e-12) || std::isinf(node))
                {
                    continue;
                }
                const double compute = cm.ComputeDelay(l, i, b);
                ++count[m][i];
                used[i] += storage;
                times[m] += node + link;
                serverBusy[i] += compute;
                double busy = std::max(busiest, serverBusy[i]);
                double* onLink = nullptr;
                if (prev != i)
                {
                    onLink = &linkBusy[{prev, i}];
                    *onLink += link;
                    busy = std::max(busy, *onLink);
                }
                current[m][l] = {i, b};
                Visit(m, l + 1, busy);
                if (onLink)
                {
                    *onLink -= link;
                }
                serverBusy[i] -= compute;
                times[m] -= node + link;
                used[i] -= storage;
                --count[m][i];
            }
        }
    }
};

} // namespace

LlmJointExhaustiveSolver::LlmJointExhaustiveSolver(const LlmSolverOptions& options)
    : m_options(options)
{
}

LlmJointPlan
LlmJointExhaustiveSolver::Solve(const LlmJointCostModel& model) const
{
    const LlmSolverDeadline deadline(m_options.timeLimitSeconds);
    LlmJointPlan plan;
    plan.solver = GetName();
    plan.objectiveKind = model.GetObjective();
    auto done = [&plan, &deadline]() {
        plan.stats.seconds = deadline.Elapsed();
        return plan;
    };
    const std::size_t nm = model.GetNModels();
    const std::size_t ns = model.GetNServers();
    double leaves = 1;
    for (std::size_t m = 0; m < nm; ++m)
    {
        const LlmCostModel& cm = model.GetModel(m);
        for (std::size_t l = 0; l < cm.GetNLayers(); ++l)
        {
            leaves *= static_cast<double>(ns * cm.GetAllowedBits(l).size());
        }
    }
    if (leaves == 0)
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = ExplainInfeasible(model, &deadline);
        return done();
    }
    if (leaves > MAX_LEAVES)
    {
        char buf[200];
        std::snprintf(buf,
                      sizeof(buf),
                      "size limit: the instance has %.3g candidate joint placements, more than "
                      "the %.0e joint exhaustive search accepts (use joint-ilp)",
                      leaves,
                      MAX_LEAVES);
        plan.status = LlmSolverStatus::NO_SOLUTION;
        plan.message = buf;
        return done();
    }
    const auto maxLayers = model.GetScenario().GetInfrastructure().GetMaxLayersPerServer();
    Search s(model, ns, maxLayers ? *maxLayers : UINT32_MAX);
    s.rest.resize(nm);
    s.count.assign(nm, std::vector<uint32_t>(ns, 0));
    s.used.assign(ns, 0.0);
    s.times.assign(nm, 0.0);
    s.serverBusy.assign(ns, 0.0);
    s.current.resize(nm);
    for (std::size_t m = 0; m < nm; ++m)
    {
        const LlmCostModel& cm = model.GetModel(m);
        const std::size_t nl = cm.GetNLayers();
        s.current[m].resize(nl);
        s.rest[m].assign(nl + 1, 0.0);
        for (std::size_t l = nl; l-- > 0;)
        {
            double c = INFINITY;
            for (std::size_t i = 0; i < ns; ++i)
            {
                for (uint32_t b : cm.GetAllowedBits(l))
                {
                    if (cm.StorageBytes(l, b) <= model.StorageCapacity(i) * (1 + 1e-12))
                    {
                        c = std::min(c, cm.NodeDelay(l, i, b));
                    }
                }
            }
            s.rest[m][l] = s.rest[m][l + 1] + c;
        }
    }
    s.deadline = &deadline;
    s.Visit(0, 0, 0.0);
    plan.stats.nodes = s.visited;
    if (s.stopped)
    {
        std::ostringstream os;
        os << "time limit (" << deadline.GetLimit()
           << " s) reached in the joint exhaustive search after " << s.visited << " nodes";
        if (s.best.empty())
        {
            plan.status = LlmSolverStatus::NO_SOLUTION;
            plan.message = os.str() + " without a feasible joint placement";
            return done();
        }
        Finish(model, plan, s.best, LlmSolverStatus::FEASIBLE);
        plan.stats.lowerBound = std::min(CheapestBound(model), plan.objective);
        plan.stats.gap =
            plan.objective > 0 ? (plan.objective - plan.stats.lowerBound) / plan.objective : 0.0;
        os << "; best joint placement so far, gap " << 100 * plan.stats.gap << " %";
        plan.message = os.str();
        return done();
    }
    if (s.best.empty())
    {
        plan.status = LlmSolverStatus::INFEASIBLE;
        plan.message = ExplainInfeasible(model, &deadline);
        if (plan.message.empty())
        {
            plan.message = "no joint placement satisfies the shared storage with each model's "
                           "(2d) and (2f) (joint exhaustive search)";
        }
        return done();
    }
    Finish(model, plan, s.best, LlmSolverStatus::OPTIMAL);
    plan.stats.lowerBound = plan.objective;
    plan.stats.gap = 0;
    return done();
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-baseline-solvers.h"

#include "llm-ilp-solver.h"
#include "llm-layered-graph.h"
#include "llm-text-parse.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace ns3
{

namespace
{

double
Since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Plan with an INFEASIBLE status and a reason.
LlmPlan
Infeasible(const std::string& solver, const std::string& why)
{
    LlmPlan p;
    p.solver = solver;
    p.status = LlmSolverStatus::INFEASIBLE;
    p.message = why;
    return p;
}

/// The plan message part telling the width used when the bit set stops below the original.
std::string
WidthNote(uint32_t width, uint32_t original)
{
    return width == original ? std::string()
                             : "every layer at " + std::to_string(width)
                                   + " bits, the largest width of the bit set within delta for "
                                     "all layers (b_max is below the original "
                                   + std::to_string(original) + " bits)";
}

} // namespace

uint32_t
LlmUnquantizedBits(const LlmCostModel& model, std::string& why)
{
    why.clear();
    const uint32_t original = model.GetScenario().GetModel().GetOriginalBits();
    const std::vector<uint32_t>& set = model.GetBitSet();
    if (std::find(set.begin(), set.end(), original) != set.end())
    {
        return original; // no quantization: always within δ (0 error)
    }
    for (auto b = set.rbegin(); b != set.rend(); ++b)
    {
        bool everyLayer = true;
        for (std::size_t l = 0; l < model.GetNLayers() && everyLayer; ++l)
        {
            everyLayer = model.IsAllowed(l, *b);
        }
        if (everyLayer)
        {
            return *b;
        }
    }
    const std::vector<uint32_t> smallest = LlmPlacementSolver::SmallestAllowedBits(model);
    why = LlmPlacementSolver::ExplainInfeasible(model, smallest);
    if (why.empty())
    {
        why = "b_max " + std::to_string(set.back()) + " is below the original "
              + std::to_string(original)
              + " bits and no single width of the bit set is within the weight-error budget "
                "delta for every layer (this baseline keeps one width for all layers)";
    }
    return 0;
}

LlmUniformBitsSolver::LlmUniformBitsSolver(const LlmSolverOptions& options)
    : m_options(options)
{
}

LlmPlan
LlmUniformBitsSolver::Solve(const LlmCostModel& model) const
{
    const auto start = std::chrono::steady_clock::now();
    const uint32_t original = model.GetScenario().GetModel().GetOriginalBits();
    std::string why;
    const uint32_t width = LlmUnquantizedBits(model, why);
    if (width == 0)
    {
        LlmPlan p = Infeasible(GetName(), why);
        p.stats.seconds = Since(start);
        return p;
    }
    if (width == original)
    {
        return LlmIlpSolver(m_options, LlmIlpSolver::Bits::ORIGINAL).Solve(model);
    }
    // The ILP on the scenario whose bit set is {width}: every layer at that width.
    LlmScenario narrowed = model.GetScenario();
    narrowed.GetQuantization().bMin = width;
    narrowed.GetQuantization().bMax = width;
    const LlmCostModel narrowedModel(narrowed);
    LlmPlan plan = LlmIlpSolver(m_options, LlmIlpSolver::Bits::ALLOWED).Solve(narrowedModel);
    plan.solver = GetName();
    if (plan.HasPlacement())
    {
        Finish(model, plan, plan.status); // the same costs; checked against the whole bit set
    }
    plan.message = WidthNote(width, original) + (plan.message.empty() ? "" : "; " + plan.message);
    plan.stats.seconds = Since(start);
    return plan;
}

LlmPlan
LlmGreedySolver::Solve(const LlmCostModel& model) const
{
    const auto start = std::chrono::steady_clock::now();
    const std::vector<uint32_t> bits = SmallestAllowedBits(model);
    if (std::find(bits.begin(), bits.end(), 0u) != bits.end())
    {
        return Infeasible(GetName(), ExplainInfeasible(model, bits));
    }
    const std::size_t ns = model.GetNServers();
    std::vector<std::size_t> order(ns);
    std::iota(order.begin(), order.end(), 0);
    const auto& servers = model.GetScenario().GetServers();
    std::stable_sort(order.begin(), order.end(), [&servers](std::size_t a, std::size_t b) {
        return servers[a].ccsHz > servers[b].ccsHz;
    });
    const auto maxLayers = model.GetScenario().GetMaxLayersPerServer();
    std::vector<uint32_t> count(ns, 0);
    std::vector<double> used(ns, 0.0);
    LlmPlan plan;
    plan.solver = GetName();
    for (std::size_t l = 0; l < model.GetNLayers(); ++l)
    {
        bool placed = false;
        for (std::size_t i : order)
        {
            const double need = model.StorageBytes(l, bits[l]);
            if ((maxLayers && count[i] >= *maxLayers)
                || used[i] + need > model.StorageCapacity(i) * (1 + 1e-12))
            {
                continue;
            }
            if (std::isinf(model.AccessDelay(l, i)))
            {
                continue; // the user's access path has no link to or from i
            }
            if (l > 0
                && std::isinf(
                    model.TransferDelay(l - 1, plan.placement.back().server, i, bits[l - 1])))
            {
                continue;
            }
            plan.placement.push_back({i, bits[l]});
            ++count[i];
            used[i] += need;
            placed = true;
            break;
        }
        if (!placed)
        {
            std::string why = ExplainInfeasible(model, bits);
            LlmPlan p = Infeasible(GetName(),
                                   "greedy found no free, linked server with room for layer "
                                       + model.GetScenario().GetModel().GetLayer(l).name
                                       + (why.empty() ? std::string(" (a placement may exist: "
                                                                    "try the ilp solver)")
                                                      : "; " + why));
            p.stats.seconds = Since(start);
            return p;
        }
    }
    Finish(model, plan, LlmSolverStatus::FEASIBLE);
    plan.stats.seconds = Since(start);
    return plan;
}

LlmPlan
LlmCloudOnlySolver::Solve(const LlmCostModel& model) const
{
    const auto start = std::chrono::steady_clock::now();
    const std::vector<uint32_t> bits = SmallestAllowedBits(model);
    if (std::find(bits.begin(), bits.end(), 0u) != bits.end())
    {
        return Infeasible(GetName(), ExplainInfeasible(model, bits));
    }
    const auto& servers = model.GetScenario().GetServers();
    auto it = std::find_if(servers.begin(), servers.end(), [](const LlmServer& s) {
        return s.role == LlmServer::Role::CLOUD;
    });
    if (it == servers.end())
    {
        return Infeasible(GetName(), "cloud-only needs a server with \"role\": \"cloud\"");
    }
    const std::size_t cloud = it - servers.begin();
    LlmPlan plan;
    plan.solver = GetName();
    double storage = 0;
    for (std::size_t l = 0; l < model.GetNLayers(); ++l)
    {
        plan.placement.push_back({cloud, bits[l]});
        storage += model.StorageBytes(l, bits[l]);
    }
    plan.objective = model.Objective(plan.placement);
    plan.quantizationRatio = model.QuantizationRatio(plan.placement);
    if (storage > model.StorageCapacity(cloud) * (1 + 1e-12))
    {
        LlmPlan p =
            Infeasible(GetName(),
                       "constraint 2e: the cloud server " + it->name + " cannot store all layers");
        p.stats.seconds = Since(start);
        return p;
    }
    plan.status = LlmSolverStatus::FEASIBLE;
    plan.message = "all layers on " + it->name + "; ignores max_layers_per_server (2d) by design";
    plan.stats.seconds = Since(start);
    return plan;
}

LlmEdgeShardSolver::LlmEdgeShardSolver(const LlmSolverOptions& options)
    : m_options(options)
{
}

LlmPlan
LlmEdgeShardSolver::Solve(const LlmCostModel& model) const
{
    const auto start = std::chrono::steady_clock::now();
    const LlmSolverDeadline deadline(m_options.timeLimitSeconds);
    const auto outOfTime = [&](const std::string& where) {
        LlmPlan p;
        p.solver = GetName();
        p.status = LlmSolverStatus::NO_SOLUTION;
        p.message = "time limit (" + LlmTextParse::Format(m_options.timeLimitSeconds)
                    + " s) reached in " + where + " before a shard placement was found";
        p.stats.seconds = Since(start);
        return p;
    };
    const std::size_t nl = model.GetNLayers();
    const std::size_t ns = model.GetNServers();
    const uint32_t unquantized = model.GetScenario().GetModel().GetOriginalBits();
    std::string noWidth;
    const uint32_t original = LlmUnquantizedBits(model, noWidth); // the width of every layer
    if (original == 0)
    {
        LlmPlan p = Infeasible(GetName(), noWidth);
        p.stats.seconds = Since(start);
        return p;
    }
    const std::vector<uint32_t> bits(nl, original);
    const auto maxLayers = model.GetScenario().GetMaxLayersPerServer();
    const std::size_t maxShard = maxLayers ? *maxLayers : nl;
    const double inf = INFINITY;

    // prefix[i][l] = Σ_{m<l} cp(m, i, original); storage prefix per layer.
    std::vector<double> cpPrefix(ns * (nl + 1), 0.0);
    std::vector<double> stPrefix(nl + 1, 0.0);
    for (std::size_t l = 0; l < nl; ++l)
    {
        stPrefix[l + 1] = stPrefix[l] + model.StorageBytes(l, original);
        for (std::size_t i = 0; i < ns; ++i)
        {
            cpPrefix[i * (nl + 1) + l + 1] =
                cpPrefix[i * (nl + 1) + l] + model.ComputeDelay(l, i, original);
        }
    }
    // barredFrom[i]: first layer server i may no longer host (after reuse was found).
    std::vector<std::size_t> barredFrom(ns, nl);
    LlmPlan plan;
    plan.solver = GetName();
    for (std::size_t round = 0; round <= ns * nl; ++round)
    {
        // dp[l * ns + i]: best cost of layers 0..l, the last shard ending at l on server i.
        std::vector<double> dp(nl * ns, inf);
        std::vector<std::pair<std::size_t, std::size_t>> from(nl * ns, {nl, 0}); // (k, j)
        for (std::size_t l = 0; l < nl; ++l)
        {
            if (deadline.Expired())
            {
                return outOfTime("round " + std::to_string(round + 1) + " of the shard search");
            }
            for (std::size_t i = 0; i < ns; ++i)
            {
                if (l >= barredFrom[i])
                {
                    continue;
                }
                for (std::size_t len = 1; len <= std::min(maxShard, l + 1); ++len)
                {
                    const std::size_t k = l + 1 - len; // shard k..l on i
                    if (stPrefix[l + 1] - stPrefix[k] > model.StorageCapacity(i) * (1 + 1e-12))
                    {
                        break;
                    }
                    // The user's access path (0 without a scenario user) for a shard that holds
                    // the first or the last layer.
                    const double compute =
                        cpPrefix[i * (nl + 1) + l + 1] - cpPrefix[i * (nl + 1) + k]
                        + (k == 0 ? model.AccessDelay(0, i) : 0.0)
                        + (l + 1 == nl && nl > 1 ? model.AccessDelay(nl - 1, i) : 0.0);
                    if (std::isinf(compute))
                    {
                        continue;
                    }
                    if (k == 0)
                    {
                        if (compute < dp[l * ns + i])
                        {
                            dp[l * ns + i] = compute;
                            from[l * ns + i] = {nl, 0};
                        }
                        continue;
                    }
                    for (std::size_t j = 0; j < ns; ++j)
                    {
                        if (j == i || dp[(k - 1) * ns + j] == inf)
                        {
                            continue;
                        }
                        const double c = dp[(k - 1) * ns + j]
                                         + model.TransferDelay(k - 1, j, i, original) + compute;
                        if (c < dp[l * ns + i])
                        {
                            dp[l * ns + i] = c;
                            from[l * ns + i] = {k - 1, j};
                        }
                    }
                }
            }
        }
        plan.stats.nodes += nl * ns;
        std::size_t bestI = 0;
        for (std::size_t i = 1; i < ns; ++i)
        {
            if (dp[(nl - 1) * ns + i] < dp[(nl - 1) * ns + bestI])
            {
                bestI = i;
            }
        }
        if (dp[(nl - 1) * ns + bestI] == inf)
        {
            std::string why = ExplainInfeasible(model, bits);
            LlmPlan p = Infeasible(
                GetName(),
                "edgeshard found no shard placement at "
                    + (original == unquantized ? std::string("the original ") : std::string())
                    + std::to_string(original) + " bits"
                    + (why.empty() ? std::string() : "; " + why));
            p.stats.seconds = Since(start);
            return p;
        }
        // Recover shards (start, end, server), last to first.
        std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> shards;
        std::size_t l = nl - 1;
        std::size_t i = bestI;
        while (true)
        {
            auto [k, j] = from[l * ns + i];
            shards.emplace_back(k == nl ? 0 : k + 1, l, i);
            if (k == nl)
            {
                break;
            }
            l = k;
            i = j;
        }
        std::reverse(shards.begin(), shards.end());
        // A server used by two shards: bar it from the later shard's layers on, and retry.
        std::vector<std::size_t> firstEnd(ns, nl);
        bool reused = false;
        for (const auto& [s, e, srv] : shards)
        {
            if (firstEnd[srv] != nl)
            {
                barredFrom[srv] = std::min(barredFrom[srv], firstEnd[srv] + 1);
                reused = true;
                break;
            }
            firstEnd[srv] = e;
        }
        if (reused)
        {
            continue;
        }
        plan.placement.assign(nl, {0, original});
        for (const auto& [s, e, srv] : shards)
        {
            for (std::size_t m = s; m <= e; ++m)
            {
                plan.placement[m] = {srv, original};
            }
        }
        plan.message = std::to_string(shards.size()) + " shards, "
                       + (original == unquantized ? std::string("no quantization")
                                                  : WidthNote(original, unquantized));
        Finish(model, plan, LlmSolverStatus::FEASIBLE);
        plan.stats.seconds = Since(start);
        return plan;
    }
    LlmPlan p = Infeasible(GetName(), "edgeshard could not avoid reusing a server");
    p.stats.seconds = Since(start);
    return p;
}

} // namespace ns3

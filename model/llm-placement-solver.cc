// SPDX-License-Identifier: GPL-2.0-only

#include "llm-placement-solver.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ns3
{

std::string
ToString(LlmSolverOptions::Formulation f)
{
    switch (f)
    {
        case LlmSolverOptions::Formulation::LAYERED:
            return "layered";
        case LlmSolverOptions::Formulation::SERVER_PATH:
            return "server-path";
        default:
            return "auto";
    }
}

std::string
ToString(LlmSolverStatus s)
{
    switch (s)
    {
        case LlmSolverStatus::OPTIMAL:
            return "optimal";
        case LlmSolverStatus::FEASIBLE:
            return "feasible";
        case LlmSolverStatus::INFEASIBLE:
            return "infeasible";
        case LlmSolverStatus::NO_SOLUTION:
            return "time-limit-no-solution";
        case LlmSolverStatus::RELAXED:
            return "relaxation-violates";
    }
    return "unknown";
}

std::vector<uint32_t>
LlmPlacementSolver::SmallestAllowedBits(const LlmCostModel& model)
{
    std::vector<uint32_t> bits(model.GetNLayers(), 0);
    for (std::size_t l = 0; l < bits.size(); ++l)
    {
        const auto& allowed = model.GetAllowedBits(l);
        bits[l] = allowed.empty() ? 0 : allowed.front();
    }
    return bits;
}

namespace
{

std::string
Bytes(double b)
{
    std::ostringstream os;
    os.precision(4);
    os << b / 1e6 << " MB";
    return os.str();
}

} // namespace

LlmSolverDeadline::LlmSolverDeadline(double limitSeconds)
    : m_start(Clock::now())
    , m_limit(limitSeconds)
    , m_end(limitSeconds)
{
}

LlmSolverDeadline
LlmSolverDeadline::Within(double seconds) const
{
    LlmSolverDeadline d = *this;
    d.m_end = std::min(m_end, Elapsed() + seconds);
    return d;
}

double
LlmSolverDeadline::Elapsed() const
{
    return std::chrono::duration<double>(Clock::now() - m_start).count();
}

double
LlmSolverDeadline::Remaining() const
{
    return m_end - Elapsed();
}

bool
LlmSolverDeadline::Expired() const
{
    return !(Elapsed() < m_end); // NaN limit: expired
}

std::string
LlmPlacementSolver::CheckPairLimit(const LlmCostModel& model, const std::string& solver)
{
    const double pairs =
        static_cast<double>(model.GetNLayers()) * static_cast<double>(model.GetNServers());
    if (pairs <= MAX_PAIRS)
    {
        return "";
    }
    std::ostringstream os;
    os.precision(3);
    os << "size limit: " << model.GetNLayers() << " layers x " << model.GetNServers()
       << " servers = " << pairs << " (layer, server) pairs, more than the " << MAX_PAIRS << " the "
       << solver << " solver accepts (LlmPlacementSolver::MAX_PAIRS)";
    return os.str();
}

std::string
LlmPlacementSolver::ExplainInfeasible(const LlmCostModel& model, const std::vector<uint32_t>& bits)
{
    return ExplainInfeasible(model, bits, nullptr);
}

std::string
LlmPlacementSolver::ExplainInfeasible(const LlmCostModel& model,
                                      const std::vector<uint32_t>& bits,
                                      const LlmSolverDeadline* deadline)
{
    const LlmScenario& s = model.GetScenario();
    const auto& layers = s.GetModel().GetLayers();
    const auto& servers = s.GetServers();
    const std::size_t nl = layers.size();
    const std::size_t ns = servers.size();

    // (5-7): a layer with no δ-allowed width.
    for (std::size_t l = 0; l < nl; ++l)
    {
        if (bits[l] == 0)
        {
            double best = INFINITY;
            uint32_t at = 0;
            for (uint32_t b : model.GetBitSet())
            {
                if (model.WeightError(l, b) < best)
                {
                    best = model.WeightError(l, b);
                    at = b;
                }
            }
            std::ostringstream os;
            os << "weight-error budget (eq. 5-7): layer " << layers[l].name
               << " has no bit width with error <= delta = " << s.GetQuantization().delta;
            if (at != 0 && std::isfinite(best))
            {
                os << " (smallest error " << best << " at " << at << " bits)";
            }
            return os.str();
        }
    }
    // (2d): too few servers.
    const auto maxLayers = s.GetMaxLayersPerServer();
    if (maxLayers && static_cast<double>(*maxLayers) * ns < nl)
    {
        return "constraint 2d: " + std::to_string(nl) + " layers at most "
               + std::to_string(*maxLayers) + " per server need "
               + std::to_string((nl + *maxLayers - 1) / *maxLayers) + " servers, the scenario has "
               + std::to_string(ns);
    }
    // (2e): a layer that fits nowhere; total storage.
    double totalNeed = 0;
    double totalHave = 0;
    double largest = 0;
    for (std::size_t i = 0; i < ns; ++i)
    {
        totalHave += model.StorageCapacity(i);
        largest = std::max(largest, model.StorageCapacity(i));
    }
    for (std::size_t l = 0; l < nl; ++l)
    {
        const double need = model.StorageBytes(l, bits[l]);
        totalNeed += need;
        if (need > largest)
        {
            return "constraint 2e: layer " + layers[l].name + " needs " + Bytes(need) + " at "
                   + std::to_string(bits[l]) + " bits; the largest server storage is "
                   + Bytes(largest);
        }
    }
    if (totalNeed > totalHave)
    {
        return "constraint 2e: the layers need " + Bytes(totalNeed)
               + " in total at their smallest allowed bits; all servers together store "
               + Bytes(totalHave);
    }
    // (2d) and (2e) together, Hall-style: the layers of at least X bytes each need a slot on a
    // server that holds at most min(K, ⌊κ_i / X⌋) of them; too few such slots for some X binds.
    // O(L log L + D·N) for D distinct layer sizes, checking the deadline as it goes; skipped
    // when some server offers unlimited slots (no layer limit and no storage limit).
    bool unlimitedSlots = false;
    for (std::size_t i = 0; i < ns && !maxLayers; ++i)
    {
        unlimitedSlots = unlimitedSlots || !std::isfinite(model.StorageCapacity(i));
    }
    if (!unlimitedSlots)
    {
        std::vector<double> sizes(nl);
        for (std::size_t l = 0; l < nl; ++l)
        {
            sizes[l] = model.StorageBytes(l, bits[l]);
        }
        std::sort(sizes.begin(), sizes.end(), std::greater<>());
        for (std::size_t k = 0; k < nl; ++k)
        {
            const double x = sizes[k];
            if ((k + 1 < nl && sizes[k + 1] == x) || !(x > 0))
            {
                continue; // the last of equal sizes counts them all
            }
            if (deadline && k % 64 == 0 && deadline->Expired())
            {
                return "";
            }
            const double need = static_cast<double>(k + 1); // layers of at least x bytes
            double slots = 0;
            for (std::size_t i = 0; i < ns && slots < need; ++i)
            {
                const double most = maxLayers ? static_cast<double>(*maxLayers) : INFINITY;
                slots += std::min(most, std::floor(model.StorageCapacity(i) * (1 + 1e-12) / x));
            }
            if (slots < need)
            {
                std::ostringstream os;
                os << "constraints 2d and 2e together: " << need << " layers need at least "
                   << Bytes(x) << " each at their smallest allowed bits, but the servers hold at "
                   << "most " << slots << " of them (per server the smaller of "
                   << (maxLayers ? std::to_string(*maxLayers) + " layers (2d)" : "no layer limit")
                   << " and its storage / " << Bytes(x)
                   << "); add storage or servers, allow more layers per server, or a larger δ "
                      "for fewer bits";
                return os.str();
            }
        }
    }
    // (2f): no chain of links through servers able to host each layer. Whether some reachable
    // server links to j depends only on the set of reachable servers, which rarely changes
    // from one layer to the next: recomputed (O(N²)) only when it does, O(N) per layer else.
    const bool sameServer = !maxLayers || *maxLayers >= 2;
    auto hosts = [&](std::size_t l, std::size_t i) {
        return model.StorageBytes(l, bits[l]) <= model.StorageCapacity(i)
               && model.NodeDelay(l, i, bits[l]) < LlmCostModel::INFEASIBLE;
    };
    std::vector<bool> reach(ns);
    for (std::size_t i = 0; i < ns; ++i)
    {
        reach[i] = hosts(0, i);
    }
    std::vector<bool> linkedFrom; // linkedFrom[j]: a reachable server i != j links to j
    std::vector<bool> linkedFor;  // the reach set linkedFrom was computed for
    for (std::size_t l = 0; l + 1 < nl; ++l)
    {
        if (deadline && deadline->Expired())
        {
            return "";
        }
        if (linkedFrom.empty() || reach != linkedFor)
        {
            linkedFrom.assign(ns, false);
            for (std::size_t j = 0; j < ns; ++j)
            {
                for (std::size_t i = 0; i < ns && !linkedFrom[j]; ++i)
                {
                    linkedFrom[j] = i != j && reach[i] && model.LinkBps(i, j) > 0;
                }
            }
            linkedFor = reach;
        }
        std::vector<bool> next(ns, false);
        bool any = false;
        for (std::size_t j = 0; j < ns; ++j)
        {
            next[j] = ((sameServer && reach[j]) || linkedFrom[j]) && hosts(l + 1, j);
            any = any || next[j];
        }
        if (!any)
        {
            return "constraint 2f: no link leads from a server able to host layer " + layers[l].name
                   + " (and every layer before it) to a server able to host " + layers[l + 1].name;
        }
        reach.swap(next);
    }
    return "";
}

void
LlmPlacementSolver::Finish(const LlmCostModel& model, LlmPlan& plan, LlmSolverStatus status)
{
    const std::string why = model.CheckPlacement(plan.placement);
    plan.objective = model.Objective(plan.placement);
    plan.quantizationRatio = model.QuantizationRatio(plan.placement);
    if (why.empty())
    {
        plan.status = status;
    }
    else
    {
        plan.status = LlmSolverStatus::RELAXED;
        plan.message = why + (plan.message.empty() ? "" : "; " + plan.message);
    }
}

std::string
LlmPlan::ToJson(const LlmCostModel& model) const
{
    using Json = nlohmann::ordered_json;
    const LlmScenario& s = model.GetScenario();
    Json j;
    const bool has = !placement.empty();
    j["objective_s"] = has ? Json(objective) : Json(nullptr);
    j["quantization_ratio"] = has ? Json(quantizationRatio) : Json(nullptr);
    if (s.GetUser())
    {
        // The user's access path, part of objective_s (ours, see LlmUser).
        j["user_server"] = s.GetUser()->server;
        j["access_s"] = has ? Json(model.AccessDelay(placement)) : Json(nullptr);
    }
    j["layers"] = Json::array();
    for (std::size_t l = 0; l < placement.size(); ++l)
    {
        const LlmLayerAssignment& a = placement[l];
        Json lj;
        lj["layer"] = s.GetModel().GetLayer(l).name;
        lj["server"] = s.GetServers()[a.server].name;
        lj["bits"] = a.bits;
        lj["compute_s"] = model.ComputeDelay(l, a.server, a.bits);
        lj["transfer_s"] = l + 1 < placement.size()
                               ? model.TransferDelay(l, a.server, placement[l + 1].server, a.bits)
                               : 0.0;
        j["layers"].push_back(lj);
    }
    Json sj;
    sj["name"] = solver;
    sj["status"] = ToString(status);
    if (!message.empty())
    {
        sj["message"] = message;
    }
    sj["seconds"] = stats.seconds;
    sj["heuristic_seconds"] = stats.heuristicSeconds;
    sj["nodes"] = stats.nodes;
    sj["rows"] = stats.rows;
    sj["columns"] = stats.columns;
    sj["columns_before_pruning"] = stats.columnsBeforePruning;
    // null: not proven (a heuristic, or no bound)
    sj["lower_bound_s"] = std::isnan(stats.lowerBound) ? Json(nullptr) : Json(stats.lowerBound);
    sj["gap"] = stats.IsProven() ? Json(stats.gap) : Json(nullptr);
    j["solver"] = sj;
    return j.dump(2) + "\n";
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-placement-solver.h"

#include "llm-layered-graph.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ns3
{

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

std::string
LlmPlacementSolver::ExplainInfeasible(const LlmCostModel& model, const std::vector<uint32_t>& bits)
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
    // (2f): no chain of links through servers able to host each layer.
    const LlmLayeredGraph g(model, bits);
    std::vector<bool> reach(ns);
    for (std::size_t i = 0; i < ns; ++i)
    {
        reach[i] = g.Node(0, i) < LlmLayeredGraph::INF;
    }
    for (std::size_t l = 0; l + 1 < nl; ++l)
    {
        std::vector<bool> next(ns, false);
        bool any = false;
        for (std::size_t j = 0; j < ns; ++j)
        {
            if (g.Node(l + 1, j) == LlmLayeredGraph::INF)
            {
                continue;
            }
            for (std::size_t i = 0; i < ns && !next[j]; ++i)
            {
                next[j] = reach[i] && g.Edge(l, i, j) < LlmLayeredGraph::INF;
            }
            any = any || next[j];
        }
        if (!any)
        {
            return "constraint 2f: no link leads from a server able to host layer " + layers[l].name
                   + " (and every layer before it) to a server able to host " + layers[l + 1].name;
        }
        reach = next;
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
    sj["lower_bound_s"] = stats.lowerBound;
    sj["gap"] = stats.gap;
    j["solver"] = sj;
    return j.dump(2) + "\n";
}

} // namespace ns3

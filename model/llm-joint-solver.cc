// SPDX-License-Identifier: GPL-2.0-only

#include "llm-joint-solver.h"

#include "llm-input-error.h"
#include "llm-joint-exhaustive-solver.h"
#include "llm-joint-ilp-solver.h"
#include "llm-joint-sequential-solver.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ns3
{

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

std::unique_ptr<LlmJointSolver>
LlmJointSolver::Create(const std::string& name, const LlmSolverOptions& options)
{
    if (name == "joint-ilp")
    {
        return std::make_unique<LlmJointIlpSolver>(options);
    }
    if (name == "sequential")
    {
        return std::make_unique<LlmJointSequentialSolver>(options);
    }
    if (name == "joint-exhaustive")
    {
        return std::make_unique<LlmJointExhaustiveSolver>(options);
    }
    std::string names;
    for (const std::string& n : Names())
    {
        names += (names.empty() ? "" : ", ") + n;
    }
    throw LlmInputError("joint solver", "", "expected one of " + names + ", got \"" + name + "\"");
}

std::vector<std::string>
LlmJointSolver::Names()
{
    return {"joint-ilp", "sequential", "joint-exhaustive"};
}

LlmJointPlacement
LlmJointPlan::GetPlacement() const
{
    LlmJointPlacement p;
    for (const LlmPlan& m : models)
    {
        p.push_back(m.placement);
    }
    return p;
}

std::string
LlmJointPlan::ToJson(const LlmJointCostModel& model) const
{
    using Json = nlohmann::ordered_json;
    const bool has = !models.empty() && !models.front().placement.empty();
    Json j;
    j["objective"] = ToString(objectiveKind);
    j["objective_s"] = has ? Json(objective) : Json(nullptr);
    j["lower_bound_s"] = std::isnan(stats.lowerBound) ? Json(nullptr) : Json(stats.lowerBound);
    j["gap"] = stats.IsProven() ? Json(stats.gap) : Json(nullptr);
    j["status"] = ToString(status);
    if (!message.empty())
    {
        j["message"] = message;
    }
    Json sj;
    sj["name"] = solver;
    sj["seconds"] = stats.seconds;
    sj["heuristic_seconds"] = stats.heuristicSeconds;
    sj["nodes"] = stats.nodes;
    sj["rows"] = stats.rows;
    sj["columns"] = stats.columns;
    sj["columns_before_pruning"] = stats.columnsBeforePruning;
    j["solver"] = sj;
    j["busiest"] = Json::array();
    for (const LlmResourceLoad& r : busiest)
    {
        j["busiest"].push_back(
            {{"resource", r.name}, {"kind", r.isLink ? "link" : "server"}, {"busy_s", r.seconds}});
    }
    j["models"] = Json::array();
    for (std::size_t m = 0; m < models.size(); ++m)
    {
        Json mj;
        mj["name"] = model.GetModelName(m);
        mj["time_s"] = has ? Json(models[m].objective) : Json(nullptr);
        mj["plan"] = Json::parse(models[m].ToJson(model.GetModel(m)));
        j["models"].push_back(mj);
    }
    return j.dump(2) + "\n";
}

std::string
LlmJointSolver::ExplainInfeasible(const LlmJointCostModel& model, const LlmSolverDeadline* deadline)
{
    const std::size_t nm = model.GetNModels();
    const std::size_t ns = model.GetNServers();
    std::vector<double> sizes;
    double totalNeed = 0;
    for (std::size_t m = 0; m < nm; ++m)
    {
        const LlmCostModel& cm = model.GetModel(m);
        const std::vector<uint32_t> bits = LlmPlacementSolver::SmallestAllowedBits(cm);
        const std::string why = LlmPlacementSolver::ExplainInfeasible(cm, bits, deadline);
        if (!why.empty())
        {
            return "model " + model.GetModelName(m) + " (models[" + std::to_string(m)
                   + "]) is infeasible alone: " + why;
        }
        for (std::size_t l = 0; l < cm.GetNLayers(); ++l)
        {
            sizes.push_back(cm.StorageBytes(l, bits[l]));
            totalNeed += sizes.back();
        }
    }
    double totalHave = 0;
    for (std::size_t i = 0; i < ns; ++i)
    {
        totalHave += model.StorageCapacity(i);
    }
    if (totalNeed > totalHave * (1 + 1e-12))
    {
        return "shared storage (2e): the " + std::to_string(nm) + " models need " + Bytes(totalNeed)
               + " together at their smallest allowed bits; all servers " + "together store "
               + Bytes(totalHave);
    }
    // Hall-type count over all models' layers: those of at least X bytes need slots on servers
    // that hold at most min(M·K, ⌊κ_i / X⌋) of them.
    const auto maxLayers = model.GetScenario().GetInfrastructure().GetMaxLayersPerServer();
    const double perServer =
        maxLayers ? static_cast<double>(*maxLayers) * static_cast<double>(nm) : INFINITY;
    bool unlimited = false;
    for (std::size_t i = 0; i < ns; ++i)
    {
        unlimited = unlimited || (!maxLayers && !std::isfinite(model.StorageCapacity(i)));
    }
    if (!unlimited)
    {
        std::sort(sizes.begin(), sizes.end(), std::greater<>());
        for (std::size_t k = 0; k < sizes.size(); ++k)
        {
            const double x = sizes[k];
            if ((k + 1 < sizes.size() && sizes[k + 1] == x) || !(x > 0))
            {
                continue;
            }
            const double need = static_cast<double>(k + 1);
            double slots = 0;
            for (std::size_t i = 0; i < ns && slots < need; ++i)
            {
                slots +=
                    std::min(perServer, std::floor(model.StorageCapacity(i) * (1 + 1e-12) / x));
            }
            if (slots < need)
            {
                std::ostringstream os;
                os << "shared storage (2e) with (2d): " << need
                   << " layers of the models need at least " << Bytes(x)
                   << " each at their smallest allowed bits, but the servers hold at most " << slots
                   << " of them (per server the smaller of "
                   << (maxLayers ? std::to_string(*maxLayers) + " layers per model (2d) x "
                                       + std::to_string(nm) + " models"
                                 : std::string("no layer limit"))
                   << " and its storage / " << Bytes(x) << ")";
                return os.str();
            }
        }
    }
    return "";
}

double
LlmJointSolver::CheapestBound(const LlmJointCostModel& model)
{
    std::vector<double> times(model.GetNModels(), 0.0);
    for (std::size_t m = 0; m < model.GetNModels(); ++m)
    {
        const LlmCostModel& cm = model.GetModel(m);
        const std::vector<uint32_t> bits = LlmPlacementSolver::SmallestAllowedBits(cm);
        for (std::size_t l = 0; l < cm.GetNLayers(); ++l)
        {
            double c = INFINITY;
            for (std::size_t i = 0; i < cm.GetNServers() && bits[l] != 0; ++i)
            {
                if (cm.StorageBytes(l, bits[l]) <= cm.StorageCapacity(i) * (1 + 1e-12))
                {
                    c = std::min(c, cm.NodeDelay(l, i, bits[l]));
                }
            }
            times[m] += c;
        }
    }
    return model.Combine(times, 0.0);
}

void
LlmJointSolver::Finish(const LlmJointCostModel& model,
                       LlmJointPlan& plan,
                       const LlmJointPlacement& placement,
                       LlmSolverStatus status)
{
    plan.objectiveKind = model.GetObjective();
    plan.models.assign(model.GetNModels(), LlmPlan());
    for (std::size_t m = 0; m < model.GetNModels(); ++m)
    {
        LlmPlan& p = plan.models[m];
        const LlmCostModel& cm = model.GetModel(m);
        p.solver = plan.solver;
        p.placement = placement.at(m);
        p.objective = cm.Objective(p.placement);
        p.quantizationRatio = cm.QuantizationRatio(p.placement);
        p.status = status;
    }
    plan.objective = model.Objective(placement);
    plan.busiest = model.Busiest(placement, BUSIEST);
    const std::string why = model.CheckPlacement(placement);
    plan.status = why.empty() ? status : LlmSolverStatus::RELAXED;
    if (!why.empty())
    {
        plan.message = why + (plan.message.empty() ? "" : "; " + plan.message);
        for (LlmPlan& p : plan.models)
        {
            p.status = LlmSolverStatus::RELAXED;
        }
    }
}

} // namespace ns3

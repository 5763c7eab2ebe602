// SPDX-License-Identifier: GPL-2.0-only

#include "llm-solver-factory.h"

#include "llm-baseline-solvers.h"
#include "llm-dp-solver.h"
#include "llm-exhaustive-solver.h"
#include "llm-ilp-solver.h"
#include "llm-input-error.h"

namespace ns3
{

std::vector<std::string>
LlmSolverFactory::Names()
{
    return {"ilp", "dp", "exhaustive", "greedy", "cloud-only", "uniform-bits", "edgeshard"};
}

std::unique_ptr<LlmPlacementSolver>
LlmSolverFactory::Create(const std::string& name, const LlmSolverOptions& options)
{
    if (name == "ilp")
    {
        return std::make_unique<LlmIlpSolver>(options);
    }
    if (name == "uniform-bits")
    {
        return std::make_unique<LlmUniformBitsSolver>(options);
    }
    if (name == "dp")
    {
        return std::make_unique<LlmDpSolver>(options);
    }
    if (name == "exhaustive")
    {
        return std::make_unique<LlmExhaustiveSolver>(options);
    }
    if (name == "greedy")
    {
        return std::make_unique<LlmGreedySolver>();
    }
    if (name == "cloud-only")
    {
        return std::make_unique<LlmCloudOnlySolver>();
    }
    if (name == "edgeshard")
    {
        return std::make_unique<LlmEdgeShardSolver>(options);
    }
    std::string known;
    for (const auto& n : Names())
    {
        known += (known.empty() ? "" : ", ") + n;
    }
    throw LlmInputError("command line",
                        "--solver",
                        "expected one of " + known + ", got \"" + name + "\"");
}

} // namespace ns3

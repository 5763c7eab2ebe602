// SPDX-License-Identifier: GPL-2.0-only

#include "llm-sweep.h"

#include "llm-multi-simulation.h"
#include "ns3/edge-llm-version.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-joint-solver.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/llm-text-parse.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

namespace ns3
{

LlmSweepConfig::Kind
LlmSweepConfig::KindFromString(const std::string& name)
{
    for (Kind kind : {OMEGA, CCS, FAILURES, MODELS})
    {
        if (name == KindToString(kind))
        {
            return kind;
        }
    }
    throw LlmInputError("command line",
                        "--sweep",
                        "expected omega, ccs, failures or models, got \"" + name + "\"");
}

std::string
LlmSweepConfig::KindToString(Kind kind)
{
    switch (kind)
    {
        case OMEGA:
            return "omega";
        case CCS:
            return "ccs";
        case FAILURES:
            return "failures";
        case MODELS:
            return "models";
    }
    return "omega";
}

std::vector<std::string>
LlmSweepConfig::DefaultSolvers(Kind kind)
{
    if (kind == MODELS)
    {
        return {"joint-ilp", "sequential"};
    }
    return LlmBaselineComparison::DefaultSolvers();
}

std::vector<double>
LlmSweepConfig::DefaultGrid(Kind kind)
{
    switch (kind)
    {
        case CCS:
            return {0.5e9, 1e9, 2e9, 4e9, 8e9};
        case FAILURES:
            return {0, 0.05, 0.1, 0.2, 0.4};
        case MODELS:
            return {1, 2, 4, 8};
        case OMEGA:
            break;
    }
    std::vector<double> grid;
    for (int k = 0; k <= 8; ++k)
    {
        grid.push_back(std::round(1e6 * std::pow(10.0, k / 2.0)));
    }
    return grid;
}

std::vector<double>
LlmSweepConfig::GridFromString(const std::string& text, Kind kind)
{
    if (text.empty())
    {
        return DefaultGrid(kind);
    }
    const std::string what = kind == MODELS ? "whole numbers of models 1 ... "
                                                  + std::to_string(LlmMultiScenario::MAX_MODELS)
                             : kind == FAILURES ? "failure rates per server-hour >= 0"
                                                : "positive numbers";
    std::vector<double> grid;
    for (std::size_t begin = 0; begin <= text.size();)
    {
        const std::size_t comma = std::min(text.find(',', begin), text.size());
        const std::string item = text.substr(begin, comma - begin);
        if (item.empty())
        {
            throw LlmInputError("command line",
                                "--grid",
                                "expected comma-separated " + what + " without empty items, got \""
                                    + text + "\"");
        }
        double value = 0;
        if (kind == MODELS)
        {
            value = static_cast<double>(LlmTextParse::Integer(
                "command line",
                "--grid",
                item,
                1,
                LlmMultiScenario::MAX_MODELS,
                "a whole number of models 1 ... " + std::to_string(LlmMultiScenario::MAX_MODELS)));
        }
        else if (kind == FAILURES)
        {
            // At most one failure per server-second on average: beyond it nothing runs.
            value = LlmTextParse::Number("command line",
                                         "--grid",
                                         item,
                                         0,
                                         3600,
                                         "a failure rate of 0 ... 3600 per server-hour");
        }
        else
        {
            value = LlmTextParse::Number("command line",
                                         "--grid",
                                         item,
                                         std::numeric_limits<double>::denorm_min(),
                                         std::numeric_limits<double>::max(),
                                         "a finite positive number");
        }
        if (std::find(grid.begin(), grid.end(), value) != grid.end())
        {
            throw LlmInputError("command line",
                                "--grid",
                                "expected every grid value once, got " + item + " twice");
        }
        grid.push_back(value);
        begin = comma + 1;
    }
    return grid;
}

LlmSweep::LlmSweep(const LlmScenario& base, const LlmSweepConfig& config)
    : m_base(base)
    , m_config(config)
{
    if (m_config.grid.empty() || m_config.runs == 0 || m_config.solvers.empty())
    {
        throw LlmInputError("command line",
                            "--grid/--runs/--solvers",
                            "expected a non-empty grid, at least one run and one solver");
    }
    const bool failures = m_config.kind == LlmSweepConfig::FAILURES;
    for (double g : m_config.grid)
    {
        if (!(g > 0 || (failures && g == 0)) || !std::isfinite(g)
            || (m_config.kind == LlmSweepConfig::MODELS
                && (g != std::floor(g) || g > LlmMultiScenario::MAX_MODELS)))
        {
            throw LlmInputError("command line",
                                "--grid",
                                "expected finite positive grid values (failure rates may be 0, "
                                "numbers of models are whole numbers)");
        }
    }
    for (const std::string& s : m_config.solvers)
    {
        const std::vector<std::string> joint = LlmJointSolver::Names();
        const bool isJoint = std::find(joint.begin(), joint.end(), s) != joint.end();
        if (m_config.kind == LlmSweepConfig::MODELS && !isJoint)
        {
            std::string names;
            for (const std::string& n : joint)
            {
                names += (names.empty() ? "" : ", ") + n;
            }
            throw LlmInputError("command line",
                                "--solvers",
                                "expected joint solvers with --sweep=models (" + names + "), got \""
                                    + s + "\"");
        }
        if (m_config.kind != LlmSweepConfig::MODELS)
        {
            if (isJoint)
            {
                throw LlmInputError("command line",
                                    "--solvers",
                                    "\"" + s + "\" places several LLMs: only with --sweep=models");
            }
            LlmSolverFactory::Create(s); // refuses unknown names
        }
    }
    if (m_config.kind == LlmSweepConfig::MODELS)
    {
        for (const LlmLink& l : m_base.GetLinks())
        {
            if (m_base.IsD2d(*m_base.FindServer(l.from), *m_base.FindServer(l.to)))
            {
                m_minD2dBps = m_minD2dBps > 0 ? std::min(m_minD2dBps, l.bps) : l.bps;
            }
        }
        if (!(m_minD2dBps > 0))
        {
            throw LlmInputError("command line",
                                "--sweep=models",
                                "expected a scenario with a D2D link (the runs draw every D2D "
                                "Omega_ij from U[min, 10 min])");
        }
    }
    if (m_config.settings.empty())
    {
        throw LlmInputError("command line", "--variants", "expected at least one setting");
    }
    for (std::size_t k = 0; k < m_config.settings.size(); ++k)
    {
        m_config.settings[k].Validate("--variants " + m_config.settings[k].name);
        for (std::size_t m = 0; m < k; ++m)
        {
            if (m_config.settings[m].name == m_config.settings[k].name)
            {
                throw LlmInputError("command line",
                                    "--variants",
                                    "two settings are named \"" + m_config.settings[k].name
                                        + "\": every curve needs its own name");
            }
        }
    }
}

std::size_t
LlmSweep::GetNRuns() const
{
    return m_config.grid.size() * m_config.runs;
}

std::size_t
LlmSweep::GetRowsPerRun() const
{
    std::size_t rows = 0;
    for (std::size_t k = 0; k < m_config.solvers.size(); ++k)
    {
        rows += m_config.Simulates(k) ? m_config.settings.size() : 1;
    }
    return rows;
}

std::string
LlmSweep::Describe() const
{
    nlohmann::ordered_json d;
    d["version"] = EDGE_LLM_VERSION;
    d["sweep"] = LlmSweepConfig::KindToString(m_config.kind);
    nlohmann::ordered_json grid = nlohmann::ordered_json::array();
    for (double g : m_config.grid)
    {
        grid.push_back(LlmTextParse::Format(g));
    }
    d["grid"] = grid;
    d["runs"] = m_config.runs;
    d["solvers"] = m_config.solvers;
    if (m_config.kind == LlmSweepConfig::MODELS)
    {
        d["joint_objective"] = m_config.jointObjective == LlmJointObjective::MAX ? "max" : "sum";
    }
    const LlmSolverOptions& o = m_config.solverOptions;
    d["solver_options"] = {{"time_limit_s", LlmTextParse::Format(o.timeLimitSeconds)},
                           {"gap", LlmTextParse::Format(o.relativeGap)},
                           {"reduce_bits", o.reduceBits},
                           {"lagrangian_pruning", o.lagrangianPruning},
                           {"heuristic_incumbent", o.heuristicIncumbent},
                           {"glpk_presolve", o.glpkPresolve},
                           {"ilp_formulation", ToString(o.formulation)}};
    d["simulate"] = m_config.simulate;
    d["simulate_baselines"] = m_config.simulateBaselines;
    nlohmann::ordered_json settings = nlohmann::ordered_json::array();
    for (const LlmTransportSetting& t : m_config.settings)
    {
        auto delay = [](const std::optional<double>& v) {
            return v ? LlmTextParse::Format(*v) : std::string("scenario");
        };
        settings.push_back({{"name", t.name},
                            {"transport", t.transport},
                            {"mtu", t.mtu},
                            {"ideal", t.ideal},
                            {"loss", LlmTextParse::Format(t.lossRate)},
                            {"cc", t.congestionControl},
                            {"queue", t.queueSize},
                            {"buffer", t.socketBuffer},
                            {"d2d_delay", delay(t.d2dDelaySeconds)},
                            {"wan_delay", delay(t.wanDelaySeconds)},
                            {"d2d", t.d2d},
                            {"all_links", t.allLinks},
                            {"user", t.user},
                            {"requests", t.requests}});
    }
    d["settings"] = settings;
    // FNV-1a, 64 bits: the same text gives the same hash on every machine.
    uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : m_base.ToJson(true))
    {
        hash = (hash ^ c) * 1099511628211ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016" PRIx64, hash);
    d["scenario_fnv1a"] = hex;
    return d.dump();
}

const LlmSweepConfig&
LlmSweep::GetConfig() const
{
    return m_config;
}

void
LlmSweep::SetOutputs(std::size_t index, const LlmSimulationOutputs& outputs)
{
    if (m_config.kind == LlmSweepConfig::MODELS)
    {
        throw LlmInputError("command line",
                            "--outputs-run",
                            "the models sweep writes no per-run files: save the run's scenario "
                            "(--run-index=k --save-scenario=FILE) and run edge-llm-multi-simulate "
                            "on it");
    }
    if (index >= GetNRuns())
    {
        throw LlmInputError("command line",
                            "--outputs-run",
                            "expected a run index 0 ... " + std::to_string(GetNRuns() - 1)
                                + ", got " + std::to_string(index));
    }
    if (!m_config.simulate)
    {
        throw LlmInputError("command line",
                            "--outputs-run",
                            "nothing is simulated (--no-simulation): no output files to write");
    }
    if ((outputs.pcapPrefix + outputs.asciiFile + outputs.flowMonitorXml + outputs.netAnimXml
         + outputs.tokenCsv + outputs.placementCsv)
            .empty())
    {
        throw LlmInputError("command line",
                            "--outputs-run",
                            "expected an output file to write (--pcap, --ascii, --flowmon-xml, "
                            "--netanim, --token-csv or --placement-csv)");
    }
    m_outputsRun = index;
    m_outputs = outputs;
}

LlmScenario
LlmSweep::DrawScenario(std::size_t index) const
{
    const double g = m_config.grid.at(index / m_config.runs);
    const uint32_t k = static_cast<uint32_t>(index % m_config.runs) + 1;
    RngSeedManager::SetRun(k);
    Ptr<UniformRandomVariable> u = CreateObject<UniformRandomVariable>();
    u->SetStream(0);
    LlmScenario s = m_base;
    if (m_config.kind == LlmSweepConfig::OMEGA || m_config.kind == LlmSweepConfig::MODELS)
    {
        // MODELS: the draw at the base's smallest D2D Ω, the same at every number of models.
        const double lo = m_config.kind == LlmSweepConfig::MODELS ? m_minD2dBps : g;
        for (LlmLink& l : s.GetLinks())
        {
            if (s.IsD2d(*s.FindServer(l.from), *s.FindServer(l.to)))
            {
                l.bps = u->GetValue(lo, 10 * lo);
            }
        }
    }
    else if (m_config.kind == LlmSweepConfig::CCS)
    {
        for (LlmServer& srv : s.GetServers())
        {
            if (srv.role == LlmServer::Role::EDGE)
            {
                srv.ccsHz = u->GetValue(g, 2 * g);
            }
        }
    }
    return s;
}

LlmMultiScenario
LlmSweep::DrawMultiScenario(std::size_t index) const
{
    if (m_config.kind != LlmSweepConfig::MODELS)
    {
        throw LlmInputError("command line", "--sweep", "expected models (a several-LLM sweep)");
    }
    const auto models = static_cast<std::size_t>(m_config.grid.at(index / m_config.runs));
    const LlmMultiScenario one(DrawScenario(index));
    LlmMultiScenario multi = one;
    std::vector<LlmTenant>& tenants = multi.GetTenants();
    tenants.clear();
    for (std::size_t m = 0; m < models; ++m)
    {
        LlmTenant t = one.GetTenants().front();
        t.name += "-" + std::to_string(m + 1);
        t.arrival = LlmArrival{}; // one request (batch of beta sequences) at 0 s
        tenants.push_back(t);
    }
    multi.Validate("sweep run " + std::to_string(index));
    return multi;
}

LlmFailureSchedule
LlmSweep::DrawFailures(std::size_t index) const
{
    if (m_config.kind != LlmSweepConfig::FAILURES)
    {
        throw LlmInputError("command line", "--sweep", "expected failures (a failure sweep)");
    }
    const double rate = m_config.grid.at(index / m_config.runs);
    if (rate == 0)
    {
        return LlmFailureSchedule();
    }
    LlmFailureSchedule::RandomProcess p;
    p.mtbfSeconds = 3600 / rate;
    p.seed = static_cast<uint32_t>(index % m_config.runs) + 1;
    p.repairSeconds.reset(); // a failed server stays down
    // One failure per server at most (no repair): the horizon only bounds the draw; a failure
    // after the last token is never reached (the run stops there).
    p.horizonSeconds = LlmFailureSchedule::MAX_TIME_SECONDS;
    return LlmFailureSchedule::Random(m_base,
                                      p,
                                      "sweep failures (rate " + LlmTextParse::Format(rate)
                                          + " per server-hour, run " + std::to_string(p.seed)
                                          + ")");
}

std::vector<LlmSweepRow>
LlmSweep::Run(std::size_t index) const
{
    if (m_config.kind == LlmSweepConfig::MODELS)
    {
        return RunModels(index);
    }
    const LlmFailureSchedule failures =
        m_config.kind == LlmSweepConfig::FAILURES ? DrawFailures(index) : LlmFailureSchedule();
    const LlmScenario s = DrawScenario(index);
    const LlmCostModel model(s);
    std::vector<LlmSweepRow> rows;
    for (std::size_t k = 0; k < m_config.solvers.size(); ++k)
    {
        const std::string& name = m_config.solvers[k];
        LlmSweepRow row;
        row.gridValue = m_config.grid[index / m_config.runs];
        row.run = static_cast<uint32_t>(index % m_config.runs) + 1;
        row.solver = name;
        const auto t0 = std::chrono::steady_clock::now();
        const LlmPlan plan = LlmSolverFactory::Create(name, m_config.solverOptions)->Solve(model);
        row.solveSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        row.status = ToString(plan.status);
        row.message = plan.message;
        if (!plan.HasPlacement())
        {
            // One row per setting all the same (nothing to simulate), so every run has as many.
            for (const LlmTransportSetting& setting : m_config.settings)
            {
                row.setting = m_config.Simulates(k) ? setting.name : "-";
                rows.push_back(row);
                if (!m_config.Simulates(k))
                {
                    break;
                }
            }
            continue;
        }
        row.objective = plan.objective;
        row.quantizationRatio = plan.quantizationRatio;
        for (std::size_t l = 0; l < plan.placement.size(); ++l)
        {
            row.computeBound +=
                model.ComputeDelay(l, plan.placement[l].server, plan.placement[l].bits);
        }
        row.gap = plan.stats.gap;
        if (!m_config.Simulates(k))
        {
            row.setting = "-";
            rows.push_back(row);
            continue;
        }
        for (std::size_t m = 0; m < m_config.settings.size(); ++m)
        {
            const LlmTransportSetting& setting = m_config.settings[m];
            LlmSweepRow r = row;
            r.setting = setting.name;
            const auto t1 = std::chrono::steady_clock::now();
            LlmSimulation simulation(s, plan, setting);
            simulation.SetRngRun(r.run);
            if (!failures.IsEmpty())
            {
                simulation.SetFailureSchedule(failures);
            }
            if (m_outputsRun == index && k == 0 && m == 0)
            {
                simulation.SetOutputs(m_outputs);
            }
            const LlmSimulationResult result = simulation.Run();
            r.bytes = result.bytesSent;
            r.drops = result.GetDrops();
            r.simulated = result.simulatedSeconds;
            r.tokensCompleted = result.tokensCompleted;
            r.replans = result.replans;
            r.replaySeconds = result.replaySeconds;
            // Every requested token is completed or failed: one the run left unfinished
            // counts as failed (LlmSimulation already does; this keeps every row whole).
            r.tokensFailed =
                std::max<uint64_t>(result.tokensFailed,
                                   result.tokensRequested > result.tokensCompleted
                                       ? result.tokensRequested - result.tokensCompleted
                                       : 0);
            r.simulateSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
            rows.push_back(r);
        }
    }
    return rows;
}

std::vector<LlmSweepRow>
LlmSweep::RunModels(std::size_t index) const
{
    const LlmMultiScenario multi = DrawMultiScenario(index);
    const LlmJointCostModel model(multi, m_config.jointObjective);
    std::vector<LlmSweepRow> rows;
    for (std::size_t k = 0; k < m_config.solvers.size(); ++k)
    {
        LlmSweepRow row;
        row.gridValue = m_config.grid[index / m_config.runs];
        row.run = static_cast<uint32_t>(index % m_config.runs) + 1;
        row.solver = m_config.solvers[k];
        const auto t0 = std::chrono::steady_clock::now();
        const LlmJointPlan plan =
            LlmJointSolver::Create(row.solver, m_config.solverOptions)->Solve(model);
        row.solveSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        row.status = ToString(plan.status);
        row.message = plan.message;
        if (plan.HasPlacement())
        {
            row.objective = plan.objective;
            row.gap = plan.stats.gap;
            double ratio = 0;
            for (std::size_t m = 0; m < plan.models.size(); ++m)
            {
                const LlmPlan& p = plan.models[m];
                double compute = 0;
                for (std::size_t l = 0; l < p.placement.size(); ++l)
                {
                    compute += model.GetModel(m).ComputeDelay(l,
                                                              p.placement[l].server,
                                                              p.placement[l].bits);
                }
                row.computeBound = std::max(row.computeBound, compute);
                ratio += p.quantizationRatio / plan.models.size();
            }
            row.quantizationRatio = ratio;
        }
        if (!m_config.Simulates(k))
        {
            row.setting = "-";
            rows.push_back(row);
            continue;
        }
        for (const LlmTransportSetting& setting : m_config.settings)
        {
            LlmSweepRow r = row;
            r.setting = setting.name;
            if (!plan.HasPlacement())
            {
                rows.push_back(r); // one row per setting all the same: every run has as many
                continue;
            }
            const auto t1 = std::chrono::steady_clock::now();
            LlmMultiSimulation simulation(multi, plan.models, setting);
            simulation.SetRngRun(r.run);
            const LlmMultiSimulationResult result = simulation.Run();
            r.bytes = result.bytesSent;
            r.drops = result.dropsCorrupted + result.dropsQueue + result.dropsWifi;
            r.tokensCompleted = result.GetTokensCompleted();
            r.tokensFailed = result.GetTokensFailed();
            // The last model's completion; 0 (not a whole run) if one model left a token.
            bool whole = true;
            for (const LlmMultiSimulationResult::Model& m : result.models)
            {
                whole = whole && m.simulatedSeconds > 0 && m.tokensCompleted == m.tokensRequested;
                r.simulated = std::max(r.simulated, m.startSeconds + m.simulatedSeconds);
            }
            r.simulated = whole ? r.simulated : 0;
            r.simulateSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
            rows.push_back(r);
        }
    }
    return rows;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-sweep.h"

#include "llm-simulation.h"

#include "ns3/gnuplot.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/log.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmSweep");

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
    for (double g : m_config.grid)
    {
        if (!(g > 0))
        {
            throw LlmInputError("command line", "--grid", "expected positive grid values");
        }
    }
    for (const std::string& s : m_config.solvers)
    {
        LlmSolverFactory::Create(s); // refuses unknown names
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

LlmScenario
LlmSweep::DrawScenario(std::size_t index) const
{
    const double g = m_config.grid.at(index / m_config.runs);
    const uint32_t k = static_cast<uint32_t>(index % m_config.runs) + 1;
    RngSeedManager::SetRun(k);
    Ptr<UniformRandomVariable> u = CreateObject<UniformRandomVariable>();
    u->SetStream(0);
    LlmScenario s = m_base;
    if (m_config.kind == LlmSweepConfig::OMEGA)
    {
        for (LlmLink& l : s.GetLinks())
        {
            if (s.IsD2d(*s.FindServer(l.from), *s.FindServer(l.to)))
            {
                l.bps = u->GetValue(g, 10 * g);
            }
        }
    }
    else
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

std::vector<LlmSweepRow>
LlmSweep::Run(std::size_t index) const
{
    const LlmScenario s = DrawScenario(index);
    const LlmCostModel model(s);
    std::vector<LlmSweepRow> rows;
    for (const std::string& name : m_config.solvers)
    {
        LlmSweepRow row;
        row.gridValue = m_config.grid[index / m_config.runs];
        row.run = static_cast<uint32_t>(index % m_config.runs) + 1;
        row.solver = name;
        const auto t0 = std::chrono::steady_clock::now();
        const LlmPlan plan = LlmSolverFactory::Create(name, m_config.solverOptions)->Solve(model);
        row.solveSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        row.status = ToString(plan.status);
        if (!plan.HasPlacement())
        {
            // One row per setting all the same (nothing to simulate), so every run has as many.
            for (const LlmTransportSetting& setting : m_config.settings)
            {
                row.setting = m_config.simulate ? setting.name : "-";
                rows.push_back(row);
                if (!m_config.simulate)
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
        if (!m_config.simulate)
        {
            row.setting = "-";
            rows.push_back(row);
            continue;
        }
        for (const LlmTransportSetting& setting : m_config.settings)
        {
            LlmSweepRow r = row;
            r.setting = setting.name;
            const auto t1 = std::chrono::steady_clock::now();
            Simulate(s, plan, setting, r);
            r.simulateSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
            rows.push_back(r);
        }
    }
    return rows;
}

void
LlmSweep::Simulate(const LlmScenario& scenario,
                   const LlmPlan& plan,
                   const LlmTransportSetting& setting,
                   LlmSweepRow& row) const
{
    LlmSimulation simulation(scenario, plan, setting);
    simulation.SetRngRun(row.run);
    const LlmSimulationResult r = simulation.Run();
    row.bytes = r.bytesSent;
    row.drops = r.GetDrops();
    row.simulated = r.simulatedSeconds;
    row.tokensCompleted = r.tokensCompleted;
    row.tokensFailed = r.tokensFailed;
}

std::string
LlmSweep::CsvHeader()
{
    return "grid_value,run,solver,setting,status,objective_s,simulated_s,compute_bound_s,"
           "quantization_ratio,gap,bytes,drops,tokens_completed,tokens_failed";
}

std::string
LlmSweep::ToCsv(const LlmSweepRow& r)
{
    char buf[1024];
    std::snprintf(buf,
                  sizeof(buf),
                  "%.17g,%u,%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.6g,%llu,%llu,%llu,%llu",
                  r.gridValue,
                  r.run,
                  r.solver.c_str(),
                  r.setting.c_str(),
                  r.status.c_str(),
                  r.objective,
                  r.simulated,
                  r.computeBound,
                  r.quantizationRatio,
                  r.gap,
                  static_cast<unsigned long long>(r.bytes),
                  static_cast<unsigned long long>(r.drops),
                  static_cast<unsigned long long>(r.tokensCompleted),
                  static_cast<unsigned long long>(r.tokensFailed));
    return buf;
}

std::vector<LlmSweepRow>
LlmSweep::ReadCsv(const std::vector<std::string>& paths)
{
    std::vector<LlmSweepRow> rows;
    for (const std::string& path : paths)
    {
        std::ifstream in(path);
        if (!in)
        {
            throw LlmInputError(path, "", "cannot open the file for reading");
        }
        std::string line;
        std::size_t number = 0;
        while (std::getline(in, line))
        {
            ++number;
            if (line.empty() || line == CsvHeader())
            {
                continue;
            }
            std::vector<std::string> f;
            std::stringstream ss(line);
            std::string cell;
            while (std::getline(ss, cell, ','))
            {
                f.push_back(cell);
            }
            try
            {
                if (f.size() != 14)
                {
                    throw std::invalid_argument("field count");
                }
                LlmSweepRow r;
                r.gridValue = std::stod(f[0]);
                r.run = static_cast<uint32_t>(std::stoul(f[1]));
                r.solver = f[2];
                r.setting = f[3];
                r.status = f[4];
                r.objective = std::stod(f[5]);
                r.simulated = std::stod(f[6]);
                r.computeBound = std::stod(f[7]);
                r.quantizationRatio = std::stod(f[8]);
                r.gap = std::stod(f[9]);
                r.bytes = std::stoull(f[10]);
                r.drops = std::stoull(f[11]);
                r.tokensCompleted = std::stoull(f[12]);
                r.tokensFailed = std::stoull(f[13]);
                rows.push_back(r);
            }
            catch (const std::exception&)
            {
                throw LlmInputError(path,
                                    "line " + std::to_string(number),
                                    "expected 14 comma-separated fields: " + CsvHeader());
            }
        }
    }
    std::sort(rows.begin(), rows.end(), [](const LlmSweepRow& a, const LlmSweepRow& b) {
        return std::tie(a.gridValue, a.run, a.solver, a.setting)
               < std::tie(b.gridValue, b.run, b.solver, b.setting);
    });
    return rows;
}

namespace
{

/// Mean and Student-t 95 % half-width of a sample.
std::pair<double, double>
MeanCi(const std::vector<double>& x)
{
    if (x.empty())
    {
        return {0.0, 0.0};
    }
    double mean = 0;
    for (double v : x)
    {
        mean += v / x.size();
    }
    if (x.size() < 2)
    {
        return {mean, 0.0};
    }
    double var = 0;
    for (double v : x)
    {
        var += (v - mean) * (v - mean) / (x.size() - 1);
    }
    boost::math::students_t t(static_cast<double>(x.size() - 1));
    const double q = boost::math::quantile(boost::math::complement(t, 0.025));
    return {mean, q * std::sqrt(var / x.size())};
}

} // namespace

std::vector<LlmSweepSummary>
LlmSweep::Summarize(const std::vector<LlmSweepRow>& rows)
{
    std::map<std::tuple<std::string, std::string, double>,
             std::pair<std::vector<double>, std::vector<double>>>
        groups;
    std::map<std::tuple<std::string, std::string, double>, std::vector<double>> floors;
    std::map<std::tuple<std::string, std::string, double>, std::vector<double>> ratios;
    for (const LlmSweepRow& r : rows)
    {
        if (r.status == "optimal" || r.status == "feasible")
        {
            auto& g = groups[{r.solver, r.setting, r.gridValue}];
            g.first.push_back(r.objective);
            floors[{r.solver, r.setting, r.gridValue}].push_back(r.computeBound);
            if (r.simulated > 0)
            {
                g.second.push_back(r.simulated);
                if (r.objective > 0)
                {
                    ratios[{r.solver, r.setting, r.gridValue}].push_back(r.simulated / r.objective);
                }
            }
        }
    }
    std::vector<LlmSweepSummary> out;
    for (const auto& [key, samples] : groups)
    {
        LlmSweepSummary s;
        s.solver = std::get<0>(key);
        s.setting = std::get<1>(key);
        s.gridValue = std::get<2>(key);
        s.runs = static_cast<uint32_t>(samples.first.size());
        std::tie(s.objectiveMean, s.objectiveCi95) = MeanCi(samples.first);
        std::tie(s.simulatedMean, s.simulatedCi95) = MeanCi(samples.second);
        s.computeBoundMean = MeanCi(floors[key]).first;
        std::tie(s.ratioMean, s.ratioCi95) = MeanCi(ratios[key]);
        out.push_back(s);
    }
    return out;
}

std::string
LlmSweep::WriteSummary(const std::string& dir,
                       const std::vector<LlmSweepSummary>& summary,
                       LlmSweepConfig::Kind kind)
{
    const std::string name = kind == LlmSweepConfig::OMEGA ? "omega" : "ccs";
    std::ofstream csv(dir + "/summary.csv");
    csv << "grid_value,solver,setting,runs,objective_mean_s,objective_ci95_s,simulated_mean_s,"
           "simulated_ci95_s,compute_bound_mean_s,simulated_over_objective_mean,"
           "simulated_over_objective_ci95\n";
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const LlmSweepSummary& s : summary)
    {
        char buf[1024];
        std::snprintf(buf,
                      sizeof(buf),
                      "%.17g,%s,%s,%u,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                      s.gridValue,
                      s.solver.c_str(),
                      s.setting.c_str(),
                      s.runs,
                      s.objectiveMean,
                      s.objectiveCi95,
                      s.simulatedMean,
                      s.simulatedCi95,
                      s.computeBoundMean,
                      s.ratioMean,
                      s.ratioCi95);
        csv << buf;
        json.push_back({{"grid_value", s.gridValue},
                        {"solver", s.solver},
                        {"setting", s.setting},
                        {"runs", s.runs},
                        {"objective_mean_s", s.objectiveMean},
                        {"objective_ci95_s", s.objectiveCi95},
                        {"simulated_mean_s", s.simulatedMean},
                        {"simulated_ci95_s", s.simulatedCi95},
                        {"compute_bound_mean_s", s.computeBoundMean},
                        {"simulated_over_objective_mean", s.ratioMean},
                        {"simulated_over_objective_ci95", s.ratioCi95}});
    }
    std::ofstream(dir + "/summary.json") << json.dump(2) << "\n";
    if (!csv)
    {
        throw LlmInputError(dir + "/summary.csv", "", "cannot write the file");
    }

    // Figures: objective (analytic) and simulated completion vs the grid, per solver.
    const std::string x =
        kind == LlmSweepConfig::OMEGA ? "min link speed Omega (bit/s)" : "min CPU clock CCS (Hz)";
    std::vector<std::string> notes;
    for (const std::string& what :
         {std::string("objective"), std::string("simulated"), std::string("ratio")})
    {
        const bool ratio = what == "ratio";
        const std::string base = dir + "/" + name + "-" + what;
        Gnuplot plot(base + ".png",
                     what == "objective" ? "DILEMMA objective T (analytic)"
                     : ratio ? "Where the simulation leaves the model: simulated / analytic T"
                             : "Simulated completion time (ns-3), analytic T and compute floor");
        plot.SetTerminal("pngcairo size 1100,600");
        plot.SetLegend(x, ratio ? "simulated / analytic T" : "completion time (s)");
        // Log y only when the times span more than a decade (gnuplot labels decades only).
        double lo = INFINITY;
        double hi = 0;
        for (const LlmSweepSummary& s : summary)
        {
            for (double v : {s.objectiveMean, s.simulatedMean, s.computeBoundMean})
            {
                if (v > 0)
                {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
        }
        const bool logY = !ratio && hi > 10 * lo;
        plot.SetExtra(std::string("set logscale x\n") + (logY ? "set logscale y\n" : "")
                      + "set autoscale xfix\nset autoscale yfix\n"
                        "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n"
                        "set key outside right top\nset grid");
        std::set<std::string> settings;
        for (const LlmSweepSummary& s : summary)
        {
            settings.insert(s.setting);
        }
        std::map<std::string, Gnuplot2dDataset> sets;
        std::set<std::pair<std::string, double>> analyticDone; // T is the same in every setting
        auto add = [&sets](const std::string& key, double x, double y, double ci, int dashed) {
            auto it = sets.find(key);
            if (it == sets.end())
            {
                Gnuplot2dDataset d(key);
                d.SetStyle(Gnuplot2dDataset::LINES_POINTS);
                d.SetErrorBars(Gnuplot2dDataset::Y);
                if (dashed)
                {
                    d.SetExtra("dashtype " + std::to_string(dashed));
                }
                it = sets.emplace(key, d).first;
            }
            it->second.Add(x, y, ci);
        };
        for (const LlmSweepSummary& s : summary)
        {
            const std::string label =
                s.solver + " simulated" + (settings.size() > 1 ? ", " + s.setting : "");
            if (ratio)
            {
                if (s.ratioMean > 0)
                {
                    add(label, s.gridValue, s.ratioMean, s.ratioCi95, 0);
                }
                continue;
            }
            if (analyticDone.insert({s.solver, s.gridValue}).second)
            {
                add(s.solver + " analytic T",
                    s.gridValue,
                    s.objectiveMean,
                    s.objectiveCi95,
                    what == "simulated" ? 2 : 0);
                if (what == "simulated")
                {
                    add(s.solver + " compute floor (no transfer)",
                        s.gridValue,
                        s.computeBoundMean,
                        0.0,
                        3);
                }
            }
            if (what == "simulated" && s.simulatedMean > 0)
            {
                add(label, s.gridValue, s.simulatedMean, s.simulatedCi95, 0);
            }
        }
        for (auto& [key, d] : sets)
        {
            plot.AddDataset(d);
        }
        std::ofstream plt(base + ".plt");
        plot.GenerateOutput(plt);
        plt.close();
        const std::string command = "gnuplot '" + base + ".plt' 2>/dev/null";
        if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
        {
            notes.push_back("gnuplot not found: " + base + ".plt written, no PNG");
        }
        else if (std::system(command.c_str()) != 0)
        {
            notes.push_back("gnuplot failed on " + base + ".plt");
        }
    }
    std::string note;
    for (const auto& n : notes)
    {
        note += n + "\n";
    }
    return note;
}

} // namespace ns3

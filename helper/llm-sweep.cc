// SPDX-License-Identifier: GPL-2.0-only

#include "llm-sweep.h"

#include "edge-topology-helper.h"
#include "llm-placement-helper.h"
#include "llm-run-recorder.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/gnuplot.h"
#include "ns3/llm-input-error.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
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
        LlmPlacementSolver::Create(s); // refuses unknown names
    }
    if (!m_config.congestionControl.empty())
    {
        TypeId tid;
        if (!TypeId::LookupByNameFailSafe("ns3::" + m_config.congestionControl, &tid))
        {
            throw LlmInputError("command line",
                                "--congestion-control",
                                "expected an ns-3 TCP congestion control such as TcpNewReno or "
                                "TcpCubic, got \""
                                    + m_config.congestionControl + "\"");
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
    auto isEdge = [&s](const std::string& name) {
        return s.GetServers()[*s.FindServer(name)].role == LlmServer::Role::EDGE;
    };
    if (m_config.kind == LlmSweepConfig::OMEGA)
    {
        for (LlmLink& l : s.GetLinks())
        {
            if (isEdge(l.from) && isEdge(l.to))
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
        const LlmPlan plan = LlmPlacementSolver::Create(name, m_config.solverOptions)->Solve(model);
        row.solveSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        row.status = ToString(plan.status);
        if (!plan.HasPlacement())
        {
            rows.push_back(row);
            continue;
        }
        row.objective = plan.objective;
        row.quantizationRatio = plan.quantizationRatio;
        for (std::size_t l = 0; l < plan.placement.size(); ++l)
        {
            row.computeBound +=
                model.ComputeDelay(l, plan.placement[l].server, plan.placement[l].bits);
        }
        if (m_config.simulate)
        {
            RngSeedManager::SetRun(row.run);
            if (!m_config.congestionControl.empty())
            {
                Config::SetDefault(
                    "ns3::TcpL4Protocol::SocketType",
                    TypeIdValue(TypeId::LookupByName("ns3::" + m_config.congestionControl)));
            }
            LlmPlacementHelper placement(s);
            placement.SetPlan(plan);
            EdgeTopologyHelper topology(s);
            topology.SetMtu(static_cast<uint16_t>(m_config.mtu));
            topology.SetUsePropagationDelay(!m_config.ideal);
            topology.SetPlanLinksOnly(plan);
            if (m_config.lossRate > 0)
            {
                Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
                em->SetAttribute("ErrorRate", DoubleValue(m_config.lossRate));
                em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
                topology.SetDeviceAttribute("ReceiveErrorModel", PointerValue(em));
            }
            NodeContainer nodes = topology.Install();
            placement.SetMessengerAttribute(
                "Transport",
                StringValue(m_config.transport == "udp" ? "Udp" : "Tcp"));
            placement.SetMessengerAttribute("TcpSegmentSize", UintegerValue(m_config.mtu - 52));
            placement.SetMessengerAttribute("UdpPayloadSize", UintegerValue(m_config.mtu - 54));
            if (m_config.transport == "udp")
            {
                placement.SetClientAttribute(
                    "TokenTimeout",
                    TimeValue(Seconds(10 * plan.objective / s.GetWorkload().tokens + 1)));
            }
            placement.Install(nodes);
            LlmRunRecorder recorder;
            recorder.Connect(placement);
            FlowMonitorHelper flows;
            Ptr<FlowMonitor> monitor = flows.InstallAll();
            Simulator::Stop(Seconds(1000 * (plan.objective + 1))); // safety net only
            Simulator::Run();
            monitor->CheckForLostPackets();
            for (const auto& [id, f] : monitor->GetFlowStats())
            {
                row.bytes += f.txBytes;
                row.drops += f.lostPackets;
            }
            Ptr<EdgeLlmClientApplication> c = placement.GetClient();
            row.simulated = c->GetCompletionTime().GetSeconds();
            row.tokensCompleted = c->GetTokensCompleted();
            row.tokensFailed = c->GetTokensFailed();
            Simulator::Destroy();
        }
        rows.push_back(row);
    }
    return rows;
}

std::string
LlmSweep::CsvHeader()
{
    return "grid_value,run,solver,status,objective_s,simulated_s,compute_bound_s,"
           "quantization_ratio,bytes,drops,tokens_completed,tokens_failed";
}

std::string
LlmSweep::ToCsv(const LlmSweepRow& r)
{
    char buf[512];
    std::snprintf(buf,
                  sizeof(buf),
                  "%.17g,%u,%s,%s,%.17g,%.17g,%.17g,%.17g,%llu,%llu,%llu,%llu",
                  r.gridValue,
                  r.run,
                  r.solver.c_str(),
                  r.status.c_str(),
                  r.objective,
                  r.simulated,
                  r.computeBound,
                  r.quantizationRatio,
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
                if (f.size() != 12)
                {
                    throw std::invalid_argument("field count");
                }
                LlmSweepRow r;
                r.gridValue = std::stod(f[0]);
                r.run = static_cast<uint32_t>(std::stoul(f[1]));
                r.solver = f[2];
                r.status = f[3];
                r.objective = std::stod(f[4]);
                r.simulated = std::stod(f[5]);
                r.computeBound = std::stod(f[6]);
                r.quantizationRatio = std::stod(f[7]);
                r.bytes = std::stoull(f[8]);
                r.drops = std::stoull(f[9]);
                r.tokensCompleted = std::stoull(f[10]);
                r.tokensFailed = std::stoull(f[11]);
                rows.push_back(r);
            }
            catch (const std::exception&)
            {
                throw LlmInputError(path,
                                    "line " + std::to_string(number),
                                    "expected 12 comma-separated fields: " + CsvHeader());
            }
        }
    }
    std::sort(rows.begin(), rows.end(), [](const LlmSweepRow& a, const LlmSweepRow& b) {
        return std::tie(a.gridValue, a.run, a.solver) < std::tie(b.gridValue, b.run, b.solver);
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
    std::map<std::pair<std::string, double>, std::pair<std::vector<double>, std::vector<double>>>
        groups;
    for (const LlmSweepRow& r : rows)
    {
        if (r.status == "optimal" || r.status == "feasible")
        {
            auto& g = groups[{r.solver, r.gridValue}];
            g.first.push_back(r.objective);
            if (r.simulated > 0)
            {
                g.second.push_back(r.simulated);
            }
        }
    }
    std::vector<LlmSweepSummary> out;
    for (const auto& [key, samples] : groups)
    {
        LlmSweepSummary s;
        s.solver = key.first;
        s.gridValue = key.second;
        s.runs = static_cast<uint32_t>(samples.first.size());
        std::tie(s.objectiveMean, s.objectiveCi95) = MeanCi(samples.first);
        std::tie(s.simulatedMean, s.simulatedCi95) = MeanCi(samples.second);
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
    csv << "grid_value,solver,runs,objective_mean_s,objective_ci95_s,simulated_mean_s,"
           "simulated_ci95_s\n";
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const LlmSweepSummary& s : summary)
    {
        char buf[256];
        std::snprintf(buf,
                      sizeof(buf),
                      "%.17g,%s,%u,%.17g,%.17g,%.17g,%.17g\n",
                      s.gridValue,
                      s.solver.c_str(),
                      s.runs,
                      s.objectiveMean,
                      s.objectiveCi95,
                      s.simulatedMean,
                      s.simulatedCi95);
        csv << buf;
        json.push_back({{"grid_value", s.gridValue},
                        {"solver", s.solver},
                        {"runs", s.runs},
                        {"objective_mean_s", s.objectiveMean},
                        {"objective_ci95_s", s.objectiveCi95},
                        {"simulated_mean_s", s.simulatedMean},
                        {"simulated_ci95_s", s.simulatedCi95}});
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
    for (const std::string& what : {std::string("objective"), std::string("simulated")})
    {
        const std::string base = dir + "/" + name + "-" + what;
        Gnuplot plot(base + ".png",
                     what == "objective" ? "DILEMMA objective T (analytic)"
                                         : "Simulated completion time (ns-3) and analytic T");
        plot.SetTerminal("pngcairo size 900,600");
        plot.SetLegend(x, "completion time (s)");
        plot.SetExtra("set logscale x\nset logscale y\nset autoscale xfix\nset offsets graph 0.05, "
                      "graph 0.05, 0, 0\nset key top right\nset grid");
        std::map<std::string, Gnuplot2dDataset> sets;
        for (const LlmSweepSummary& s : summary)
        {
            for (bool simulated : {false, true})
            {
                if ((what == "objective" && simulated) || (simulated && s.simulatedMean <= 0))
                {
                    continue;
                }
                const std::string key = s.solver + (simulated ? " simulated" : " analytic");
                auto it = sets.find(key);
                if (it == sets.end())
                {
                    Gnuplot2dDataset d(key);
                    d.SetStyle(Gnuplot2dDataset::LINES_POINTS);
                    d.SetErrorBars(Gnuplot2dDataset::Y);
                    it = sets.emplace(key, d).first;
                }
                it->second.Add(s.gridValue,
                               simulated ? s.simulatedMean : s.objectiveMean,
                               simulated ? s.simulatedCi95 : s.objectiveCi95);
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

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-multi-simulation.h"

#include "edge-topology-helper.h"
#include "llm-run-recorder.h"
#include "llm-run-setup.h"
#include "llm-simulation.h"
#include "ns3/double.h"
#include "ns3/edge-llm-compat.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/flow-monitor.h"
#include "ns3/llm-cost-model.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/names.h"
#include "ns3/pointer.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmMultiSimulation");

namespace
{

/// Calls Simulator::Destroy and Names::Clear when the run ends, however it ends.
struct SimulatorGuard
{
    ~SimulatorGuard()
    {
        Simulator::Destroy();
        Names::Clear();
    }
};

/// A model's client finished every request: stop once every model's has.
void
ClientDone(std::size_t* pending)
{
    if (--*pending == 0)
    {
        Simulator::Stop();
    }
}

/// The user whose node holds model m's request source (empty: its first layer's server node).
std::optional<LlmUser>
SourceUser(const LlmScenario& model, const LlmTransportSetting& setting)
{
    if (model.GetUser())
    {
        return model.GetUser();
    }
    if (!setting.user.empty())
    {
        LlmUser u;
        u.server = setting.user;
        return u;
    }
    return std::nullopt;
}

} // namespace

uint16_t
LlmMultiSimulation::ServerPort(std::size_t m)
{
    return static_cast<uint16_t>(9000 + 200 * m);
}

uint16_t
LlmMultiSimulation::ClientPort(std::size_t m)
{
    return static_cast<uint16_t>(9001 + 200 * m);
}

uint64_t
LlmMultiSimulationResult::GetTokensRequested() const
{
    uint64_t n = 0;
    for (const Model& m : models)
    {
        n += m.tokensRequested;
    }
    return n;
}

uint64_t
LlmMultiSimulationResult::GetTokensCompleted() const
{
    uint64_t n = 0;
    for (const Model& m : models)
    {
        n += m.tokensCompleted;
    }
    return n;
}

uint64_t
LlmMultiSimulationResult::GetTokensFailed() const
{
    uint64_t n = 0;
    for (const Model& m : models)
    {
        n += m.tokensFailed;
    }
    return n;
}

std::string
LlmMultiSimulationResult::ToText() const
{
    std::string out;
    char buf[512];
    std::snprintf(buf,
                  sizeof(buf),
                  "%-14s %-12s %4s %12s %12s %12s %8s %9s %9s %7s %12s\n",
                  "model",
                  "llm",
                  "reqs",
                  "T_m s",
                  "reqs x T_m s",
                  "simulated s",
                  "sim/T",
                  "tokens",
                  "completed",
                  "failed",
                  "latency s");
    out += buf;
    for (const Model& m : models)
    {
        const double serial = m.analyticSeconds * m.requests;
        std::snprintf(buf,
                      sizeof(buf),
                      "%-14s %-12s %4u %12.6g %12.6g %12.6g %8.3f %9llu %9llu %7llu %12.6g\n",
                      m.name.c_str(),
                      m.model.c_str(),
                      m.requests,
                      m.analyticSeconds,
                      serial,
                      m.simulatedSeconds,
                      serial > 0 ? m.simulatedSeconds / serial : 0.0,
                      static_cast<unsigned long long>(m.tokensRequested),
                      static_cast<unsigned long long>(m.tokensCompleted),
                      static_cast<unsigned long long>(m.tokensFailed),
                      m.meanTokenLatencySeconds);
        out += buf;
    }
    out += "(T_m: one request of the model alone, eq. 1; simulated: all its requests, sharing "
           "the servers and links)\n\n";
    std::snprintf(buf,
                  sizeof(buf),
                  "%-10s %12s %6s %8s %14s %14s  %s\n",
                  "server",
                  "busy s",
                  "util",
                  "jobs",
                  "queue mean s",
                  "queue max s",
                  "per model: jobs, busy s, queueing mean/max s");
    out += buf;
    for (const Server& s : servers)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "%-10s %12.6g %5.1f%% %8llu %14.6g %14.6g ",
                      s.name.c_str(),
                      s.busySeconds,
                      endSeconds > 0 ? 100.0 * s.busySeconds / endSeconds : 0.0,
                      static_cast<unsigned long long>(s.jobs),
                      s.queueingMeanSeconds,
                      s.queueingMaxSeconds);
        out += buf;
        std::string parts;
        for (const auto& [m, sm] : s.models)
        {
            std::snprintf(buf,
                          sizeof(buf),
                          "%s%s: %llu, %.4g, %.3g/%.3g",
                          parts.empty() ? " " : "; ",
                          models[m].name.c_str(),
                          static_cast<unsigned long long>(sm.jobs),
                          sm.busySeconds,
                          sm.queueingMeanSeconds,
                          sm.queueingMaxSeconds);
            parts += buf;
        }
        out += parts + "\n";
    }
    std::snprintf(buf,
                  sizeof(buf),
                  "\nShared compute: %s; transport %s. Tokens: %llu requested, %llu completed, "
                  "%llu failed\n",
                  discipline.c_str(),
                  transport.c_str(),
                  static_cast<unsigned long long>(GetTokensRequested()),
                  static_cast<unsigned long long>(GetTokensCompleted()),
                  static_cast<unsigned long long>(GetTokensFailed()));
    out += buf;
    std::snprintf(buf,
                  sizeof(buf),
                  "FlowMonitor: %llu flows, %llu bytes sent, %llu packets sent, %llu received, "
                  "%llu lost; drops: %llu corrupted, %llu at full queues, %llu Wi-Fi\n",
                  static_cast<unsigned long long>(flows),
                  static_cast<unsigned long long>(bytesSent),
                  static_cast<unsigned long long>(packetsSent),
                  static_cast<unsigned long long>(packetsReceived),
                  static_cast<unsigned long long>(packetsLost),
                  static_cast<unsigned long long>(dropsCorrupted),
                  static_cast<unsigned long long>(dropsQueue),
                  static_cast<unsigned long long>(dropsWifi));
    out += buf;
    std::snprintf(buf,
                  sizeof(buf),
                  "Wall time %.2f s for %.6g simulated seconds, %llu events%s\n",
                  wallSeconds,
                  endSeconds,
                  static_cast<unsigned long long>(events),
                  stoppedBySafetyLimit ? " (stopped at the safety limit)" : "");
    out += buf;
    if (!failureSchedule.empty())
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Server failures: %llu failed, %llu repaired; failure timeout %.6g s; "
                      "schedule ",
                      static_cast<unsigned long long>(serversFailed),
                      static_cast<unsigned long long>(serversRepaired),
                      failureTimeoutSeconds);
        out += buf + failureSchedule.substr(0, 300) + (failureSchedule.size() > 300 ? "..." : "")
               + "\n";
        for (const Model& m : models)
        {
            std::snprintf(buf,
                          sizeof(buf),
                          "  %s: %u re-plans, replay %.6g s\n",
                          m.name.c_str(),
                          m.replans,
                          m.replaySeconds);
            out += buf;
        }
    }
    if (!linkTraceSource.empty())
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Link trace: %llu links (%llu simulated), %llu rate changes (",
                      static_cast<unsigned long long>(linkTraceLinks),
                      static_cast<unsigned long long>(linkTraceLinksSimulated),
                      static_cast<unsigned long long>(linkRateChanges));
        out += buf + linkTraceSource + ")\n";
    }
    return out;
}

std::string
LlmMultiSimulationResult::ToJson() const
{
    nlohmann::ordered_json j;
    j["discipline"] = discipline;
    j["setting"] = setting;
    j["transport"] = transport;
    j["models"] = nlohmann::ordered_json::array();
    for (const Model& m : models)
    {
        j["models"].push_back({{"name", m.name},
                               {"model", m.model},
                               {"requests", m.requests},
                               {"tokens", m.tokens},
                               {"start_s", m.startSeconds},
                               {"analytic_s", m.analyticSeconds},
                               {"analytic_requests_s", m.analyticSeconds * m.requests},
                               {"simulated_s", m.simulatedSeconds},
                               {"simulated_compute_s", m.simulatedComputeSeconds},
                               {"simulated_transfer_s", m.simulatedTransferSeconds},
                               {"mean_token_latency_s", m.meanTokenLatencySeconds},
                               {"tokens_requested", m.tokensRequested},
                               {"tokens_completed", m.tokensCompleted},
                               {"tokens_failed", m.tokensFailed},
                               {"failures", m.failures},
                               {"replans", m.replans},
                               {"replay_s", m.replaySeconds},
                               {"servers", m.servers}});
    }
    j["servers"] = nlohmann::ordered_json::array();
    for (const Server& s : servers)
    {
        nlohmann::ordered_json per = nlohmann::ordered_json::array();
        for (const auto& [m, sm] : s.models)
        {
            per.push_back({{"name", models[m].name},
                           {"jobs", sm.jobs},
                           {"busy_s", sm.busySeconds},
                           {"queueing_mean_s", sm.queueingMeanSeconds},
                           {"queueing_max_s", sm.queueingMaxSeconds}});
        }
        j["servers"].push_back({{"name", s.name},
                                {"busy_s", s.busySeconds},
                                {"utilization", endSeconds > 0 ? s.busySeconds / endSeconds : 0.0},
                                {"jobs", s.jobs},
                                {"queueing_mean_s", s.queueingMeanSeconds},
                                {"queueing_max_s", s.queueingMaxSeconds},
                                {"models", per}});
    }
    j["tokens_requested"] = GetTokensRequested();
    j["tokens_completed"] = GetTokensCompleted();
    j["tokens_failed"] = GetTokensFailed();
    j["bytes_sent"] = bytesSent;
    j["flow_monitor"] = {{"flows", flows},
                         {"tx_packets", packetsSent},
                         {"rx_packets", packetsReceived},
                         {"lost_packets", packetsLost}};
    j["drops"] = {{"corrupted", dropsCorrupted}, {"queue", dropsQueue}, {"wifi", dropsWifi}};
    j["events"] = events;
    j["wall_s"] = wallSeconds;
    j["end_s"] = endSeconds;
    j["stopped_by_safety_limit"] = stoppedBySafetyLimit;
    j["safety_limit_s"] = safetyLimitSeconds;
    if (!failureSchedule.empty())
    {
        j["server_failures"] = {{"schedule", failureSchedule},
                                {"failed", serversFailed},
                                {"repaired", serversRepaired},
                                {"failure_timeout_s", failureTimeoutSeconds}};
    }
    if (!linkTraceSource.empty())
    {
        j["link_trace"] = {{"source", linkTraceSource},
                           {"links", linkTraceLinks},
                           {"links_simulated", linkTraceLinksSimulated},
                           {"rate_changes", linkRateChanges}};
    }
    return j.dump(2);
}

LlmMultiSimulation::LlmMultiSimulation(const LlmMultiScenario& scenario,
                                       const std::vector<LlmPlan>& plans,
                                       const LlmTransportSetting& setting)
    : m_scenario(scenario)
    , m_infrastructure(scenario.GetInfrastructure())
    , m_plans(plans)
    , m_setting(setting)
{
    const std::size_t count = scenario.GetModelCount();
    if (count == 0 || plans.size() != count)
    {
        throw LlmInputError("placement",
                            "",
                            "expected one plan per model (" + std::to_string(count) + "), got "
                                + std::to_string(plans.size()));
    }
    m_setting.Validate("");
    if (!m_setting.user.empty() && !m_infrastructure.FindServer(m_setting.user))
    {
        throw LlmInputError("command line",
                            "--user",
                            "expected the name of a scenario server, got \"" + m_setting.user
                                + "\"");
    }
    LlmRunSetup::ApplyDelays(m_infrastructure, m_setting);
    m_models.reserve(count);
    for (std::size_t m = 0; m < count; ++m)
    {
        m_models.push_back(scenario.ModelScenario(m));
        LlmRunSetup::ApplyDelays(m_models.back(), m_setting);
    }
    // Each plan fits its model alone; together the models' weights fit every server's κ_i.
    const std::size_t n = m_infrastructure.GetServers().size();
    std::vector<double> stored(n, 0.0);
    const double maxDelay = LlmRunSetup::MaxDelay(m_infrastructure, m_setting);
    double need = 0;
    double offsets = 0;
    for (std::size_t m = 0; m < count; ++m)
    {
        const std::string& name = scenario.GetTenants()[m].name;
        const LlmPlan& plan = plans[m];
        if (!plan.HasPlacement())
        {
            throw LlmInputError("placement",
                                "models[" + std::to_string(m) + "]",
                                "the plan of " + name + " has no placement to simulate ("
                                    + ToString(plan.status)
                                    + (plan.message.empty() ? "" : ": " + plan.message) + ")");
        }
        const LlmCostModel model(m_models[m]);
        const std::string why = model.CheckPlacement(plan.placement);
        if (!why.empty())
        {
            throw LlmInputError("placement",
                                "models[" + std::to_string(m) + "]",
                                "the plan of " + name + " does not fit it: " + why);
        }
        for (std::size_t l = 0; l < plan.placement.size(); ++l)
        {
            stored[plan.placement[l].server] += model.StorageBytes(l, plan.placement[l].bits);
        }
        const double t = model.Objective(plan.placement);
        m_analytic.push_back(t);
        const LlmArrival& a = scenario.GetTenants()[m].arrival;
        const double tokens = static_cast<double>(m_models[m].GetWorkload().tokens) * a.requests;
        const double hops = static_cast<double>(plan.placement.size()) + 2;
        need += t * a.requests + tokens * hops * 4 * maxDelay;
        m_limit += 1000 * (t + 1) * a.requests + 10 * tokens * hops * 4 * maxDelay;
        // Arrivals: exponential gaps are bounded here by ten times their mean on average.
        offsets = std::max(offsets, a.startSeconds + 10 * a.meanInterArrivalSeconds * a.requests);
    }
    const LlmCostModel shared(m_infrastructure);
    for (std::size_t i = 0; i < n; ++i)
    {
        const double kappa = shared.StorageCapacity(i);
        if (stored[i] > kappa * (1 + 1e-12))
        {
            throw LlmInputError("placement",
                                "servers[" + std::to_string(i) + "]",
                                "the models' plans together store "
                                    + LlmTextParse::Format(stored[i]) + " bytes on "
                                    + m_infrastructure.GetServers()[i].name
                                    + ", above its storage_bytes " + LlmTextParse::Format(kappa));
        }
    }
    need += offsets;
    m_limit += offsets;
    if (!(need <= LlmSimulation::MAX_SIMULATED_SECONDS))
    {
        throw LlmInputError(
            "simulation",
            "",
            "expected a run of at most "
                + LlmTextParse::Format(LlmSimulation::MAX_SIMULATED_SECONDS)
                + " s of simulated time, but the models need about " + LlmTextParse::Format(need)
                + " s: check the servers' ccs_hz, the links' bps and delay_s, and the models' "
                  "arrival (requests, mean_s, start_s)");
    }
}

void
LlmMultiSimulation::SetDiscipline(LlmComputeQueue::Discipline discipline)
{
    m_discipline = discipline;
}

void
LlmMultiSimulation::SetFailureSchedule(const LlmFailureSchedule& schedule,
                                       double failureTimeoutSeconds,
                                       const std::string& solver)
{
    const std::string source = schedule.GetSource().empty() ? "failures" : schedule.GetSource();
    for (const LlmFailureSchedule::Failure& f : schedule.GetFailures())
    {
        if (!m_infrastructure.FindServer(f.server))
        {
            throw LlmInputError(source,
                                f.item.empty() ? "server" : f.item,
                                "expected a server of the scenario, got \"" + f.server + "\"");
        }
    }
    if (!(failureTimeoutSeconds >= 0))
    {
        throw LlmInputError(source, "timeout", "expected a failure timeout >= 0 s");
    }
    LlmSolverFactory::Create(solver); // refuses an unknown name
    m_failures = schedule;
    m_failureTimeout = failureTimeoutSeconds;
    m_replanSolver = solver;
}

void
LlmMultiSimulation::SetLinkTrace(const LlmLinkTrace& trace)
{
    LlmRunSetup::CheckLinkTrace(trace, m_infrastructure, m_setting);
    m_linkTrace = trace;
}

void
LlmMultiSimulation::SetOutputs(const LlmSimulationOutputs& outputs)
{
    for (const auto& [file, option] : {std::make_pair(outputs.netAnimXml, "--netanim"),
                                       std::make_pair(outputs.tokenCsv, "--token-csv"),
                                       std::make_pair(outputs.placementCsv, "--placement-csv")})
    {
        if (!file.empty())
        {
            throw LlmInputError("command line",
                                option,
                                "a several-model run writes pcap, ASCII and FlowMonitor files "
                                "(--pcap, --ascii, --flowmon-xml) and its per-model results "
                                "(--output); not this one yet");
        }
    }
    m_outputs = outputs;
}

void
LlmMultiSimulation::SetRngRun(uint64_t run)
{
    m_hasRngRun = true;
    m_rngRun = run;
}

void
LlmMultiSimulation::SetInstalledCallback(
    std::function<void(const std::vector<LlmPlacementHelper*>&, const NodeContainer&)> f)
{
    m_installed = std::move(f);
}

const LlmScenario&
LlmMultiSimulation::GetModelScenario(std::size_t m) const
{
    return m_models.at(m);
}

LlmMultiSimulationResult
LlmMultiSimulation::Run()
{
    LlmRunSetup::PrepareOutputs(m_outputs); // writable files, packet metadata for ASCII
    if (m_hasRngRun)
    {
        RngSeedManager::SetRun(m_rngRun);
    }
    SimulatorGuard guard;
    const LlmTransportSetting& t = m_setting;
    const std::size_t count = m_models.size();
    const double slowdown = m_linkTrace.GetMaxSlowdown();          // 1 without a trace
    const double limitSeconds = std::min(m_limit * slowdown, 9e9); // ns-3 Time: about 9.2e9 s

    // The topology, once: a user node per distinct (server, rate, delay) of the models' users.
    EdgeTopologyHelper topology(m_infrastructure);
    LlmRunSetup::ShapeTopology(topology, t);
    std::vector<std::optional<uint32_t>> userOf(count);
    std::map<std::tuple<std::string, double, double>, uint32_t> userNodes;
    for (std::size_t m = 0; m < count; ++m)
    {
        if (const auto user = SourceUser(m_models[m], t))
        {
            const auto key = std::make_tuple(user->server, user->bps, user->delaySeconds);
            auto it = userNodes.find(key);
            if (it == userNodes.end())
            {
                it = userNodes
                         .insert({key,
                                  topology.AddUserNode(user->server,
                                                       user->bps,
                                                       Seconds(user->delaySeconds))})
                         .first;
            }
            userOf[m] = it->second;
        }
        if (!t.allLinks && m_failures.IsEmpty()) // (a re-plan may need any link)
        {
            const auto& first = m_infrastructure.GetServers()[m_plans[m].placement.front().server];
            topology.AddPlanLinks(m_plans[m],
                                  userOf[m] ? SourceUser(m_models[m], t)->server : first.name);
        }
    }
    NodeContainer servers = topology.Install();
    LlmRunSetup::SetCongestionControl(t);
    // Every server node's compute is shared by the models' server applications on it.
    std::vector<Ptr<LlmComputeQueue>> queues;
    for (uint32_t i = 0; i < servers.GetN(); ++i)
    {
        Ptr<LlmComputeQueue> q = CreateObject<LlmComputeQueue>();
        q->SetAttribute("Discipline", EdgeLlmEnumValue<LlmComputeQueue::Discipline>(m_discipline));
        servers.Get(i)->AggregateObject(q);
        queues.push_back(q);
    }

    // Each model: its placement helper, ports, arrival process and recorder.
    std::vector<std::unique_ptr<LlmPlacementHelper>> helpers;
    std::vector<std::unique_ptr<LlmRunRecorder>> recorders;
    std::size_t pending = count;
    double workSeconds = 0; // Σ requests × T_m: every model's requests back to back
    for (std::size_t m = 0; m < count; ++m)
    {
        workSeconds += m_scenario.GetTenants()[m].arrival.requests * m_analytic[m];
    }
    const double tokenDelay =
        LlmRunSetup::MaxDelay(m_infrastructure, t); // per hop; times the hops below
    const bool failures = !m_failures.IsEmpty();
    std::size_t maxHops = 0;
    uint32_t minTokens = UINT32_MAX;
    for (std::size_t m = 0; m < count; ++m)
    {
        maxHops = std::max(maxHops, m_plans[m].placement.size() + 2);
        minTokens = std::min(minTokens, m_models[m].GetWorkload().tokens);
    }
    // The clients' failure timeout: three times a token's share of the work of every model
    // (a token may wait behind all) plus the propagation delays its messages cross.
    const double failureTimeout =
        !failures ? 0.0
        : m_failureTimeout > 0
            ? m_failureTimeout
            : std::max(0.01,
                       3 * (workSeconds / minTokens + static_cast<double>(maxHops) * tokenDelay)
                           * slowdown);
    for (std::size_t m = 0; m < count; ++m)
    {
        const LlmArrival& a = m_scenario.GetTenants()[m].arrival;
        const LlmScenario& s = m_models[m];
        auto h = std::make_unique<LlmPlacementHelper>(s);
        h->SetPlan(m_plans[m]);
        h->SetServerAttribute("Port", UintegerValue(ServerPort(m)));
        h->SetClientAttribute("Port", UintegerValue(ClientPort(m)));
        LlmRunSetup::SetTransport(*h, t);
        h->SetClientAttribute("Requests", UintegerValue(a.requests));
        Ptr<RandomVariableStream> gap;
        if (a.process == LlmArrival::Process::POISSON && a.meanInterArrivalSeconds > 0)
        {
            Ptr<ExponentialRandomVariable> e = CreateObject<ExponentialRandomVariable>();
            e->SetAttribute("Mean", DoubleValue(a.meanInterArrivalSeconds));
            gap = e;
        }
        else
        {
            Ptr<ConstantRandomVariable> c = CreateObject<ConstantRandomVariable>();
            c->SetAttribute("Constant", DoubleValue(a.meanInterArrivalSeconds));
            gap = c;
        }
        h->SetClientAttribute("InterArrival", PointerValue(gap));
        if (t.transport == "udp")
        {
            // As LlmSimulation, over the work of every model (a token may wait behind all).
            const double hops = static_cast<double>(m_plans[m].placement.size()) + 2;
            h->SetClientAttribute(
                "TokenTimeout",
                TimeValue(Seconds(std::max(LlmRunSetup::UdpTokenTimeout(workSeconds,
                                                                        1,
                                                                        s.GetWorkload().tokens,
                                                                        hops * tokenDelay)
                                               * slowdown,
                                           2 * failureTimeout))));
        }
        h->Install(servers, userOf[m] ? topology.GetUser(*userOf[m]) : nullptr);
        h->GetClient()->SetStartTime(MilliSeconds(1) + Seconds(a.startSeconds));
        h->AssignStreams(1 + static_cast<int64_t>(m));
        auto recorder = std::make_unique<LlmRunRecorder>();
        recorder->Connect(*h, false);
        h->GetClient()->TraceConnectWithoutContext("AllDone",
                                                   MakeBoundCallback(&ClientDone, &pending));
        helpers.push_back(std::move(h));
        recorders.push_back(std::move(recorder));
    }
    FlowMonitorHelper flowHelper;
    Ptr<FlowMonitor> monitor = flowHelper.InstallAll();
    LlmRunSetup::Drops drops;
    LlmRunSetup::ConnectDrops(drops);
    LlmRunSetup::EnablePacketTraces(m_outputs);
    std::vector<LlmPlacementHelper*> raw;
    for (auto& h : helpers)
    {
        raw.push_back(h.get());
    }
    LlmRunSetup::FailureState failureState;
    if (failures)
    {
        for (std::size_t m = 0; m < count; ++m)
        {
            LlmPlacementHelper* h = helpers[m].get();
            h->SetSolver(m_replanSolver);
            h->EnableFailureRecovery(Seconds(failureTimeout));
            // A re-plan keeps off the storage the other models' plans in use hold.
            h->SetStorageInUse([&raw, m]() {
                std::vector<double> used;
                for (std::size_t k = 0; k < raw.size(); ++k)
                {
                    if (k == m)
                    {
                        continue;
                    }
                    const std::vector<double> theirs = raw[k]->GetStorageUsed();
                    used.resize(std::max(used.size(), theirs.size()), 0.0);
                    for (std::size_t i = 0; i < theirs.size(); ++i)
                    {
                        used[i] += theirs[i];
                    }
                }
                return used;
            });
            LlmRunRecorder* recorder = recorders[m].get();
            h->AddServerStartedCallback([recorder](uint32_t, Ptr<EdgeLlmServerApplication> app) {
                recorder->ConnectServer(app);
            });
        }
        LlmRunSetup::ScheduleFailures(m_failures,
                                      m_infrastructure,
                                      servers,
                                      raw,
                                      t.d2d == "p2p",
                                      failureState);
    }
    LlmRunSetup::LinkTraceCounts traceCounts;
    LlmRunSetup::ApplyLinkTrace(m_linkTrace, m_infrastructure, servers, raw, false, traceCounts);
    if (m_installed)
    {
        m_installed(raw, servers);
    }

    const auto wallStart = std::chrono::steady_clock::now();
    const Time limit = Seconds(limitSeconds);
    Simulator::Stop(limit); // safety net only: the last model's last token stops the run
    Simulator::Run();
    LlmMultiSimulationResult r;
    r.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    r.events = Simulator::GetEventCount();
    r.endSeconds = Simulator::Now().GetSeconds();
    r.safetyLimitSeconds = limitSeconds;
    r.discipline = m_discipline == LlmComputeQueue::FIFO ? "fifo" : "round-robin";
    r.setting = t.name;
    r.transport = t.transport;

    for (std::size_t m = 0; m < count; ++m)
    {
        const LlmTenant& tenant = m_scenario.GetTenants()[m];
        Ptr<EdgeLlmClientApplication> c = helpers[m]->GetClient();
        LlmMultiSimulationResult::Model mr;
        mr.name = tenant.name;
        mr.model = tenant.model.GetName();
        mr.requests = tenant.arrival.requests;
        mr.tokens = m_models[m].GetWorkload().tokens;
        mr.startSeconds = tenant.arrival.startSeconds;
        mr.analyticSeconds = m_analytic[m];
        mr.simulatedSeconds = c->GetCompletionTime().GetSeconds();
        mr.simulatedComputeSeconds = recorders[m]->GetComputeSeconds();
        mr.simulatedTransferSeconds = recorders[m]->GetTransferSeconds();
        mr.tokensRequested = static_cast<uint64_t>(mr.requests) * mr.tokens;
        mr.tokensCompleted = c->GetTokensCompleted();
        mr.tokensFailed = c->GetTokensFailed();
        mr.failures = c->GetFailureCounts();
        mr.replans = c->GetReplans();
        mr.replaySeconds = c->GetReplayTime().GetSeconds();
        // Token conservation: a token neither completed nor failed at the end was cut off.
        const uint64_t unfinished =
            mr.tokensRequested - std::min(mr.tokensRequested, mr.tokensCompleted + mr.tokensFailed);
        if (unfinished > 0)
        {
            mr.tokensFailed += unfinished;
            mr.failures["cut-off"] += unfinished;
            r.stoppedBySafetyLimit = r.stoppedBySafetyLimit || Simulator::Now() >= limit;
        }
        double sum = 0;
        for (const Time& latency : c->GetTokenLatencies())
        {
            sum += latency.GetSeconds();
        }
        mr.meanTokenLatencySeconds =
            c->GetTokenLatencies().empty() ? 0.0 : sum / c->GetTokenLatencies().size();
        for (const LlmLayerAssignment& a : m_plans[m].placement)
        {
            const std::string& server = m_infrastructure.GetServers()[a.server].name;
            if (std::find(mr.servers.begin(), mr.servers.end(), server) == mr.servers.end())
            {
                mr.servers.push_back(server);
            }
        }
        r.models.push_back(mr);
    }
    for (uint32_t i = 0; i < servers.GetN(); ++i)
    {
        const auto& stats = queues[i]->GetOwnerStats();
        if (stats.empty())
        {
            continue; // hosts no layer
        }
        LlmMultiSimulationResult::Server sr;
        sr.name = m_infrastructure.GetServers()[i].name;
        sr.busySeconds = queues[i]->GetBusySeconds();
        double queueing = 0;
        for (const auto& [port, st] : stats)
        {
            const std::size_t m = (port - ServerPort(0)) / (ServerPort(1) - ServerPort(0));
            if (port < ServerPort(0) || m >= count)
            {
                continue; // not a model's server application
            }
            // A model's server applications of every epoch (re-plans listen on new ports).
            LlmMultiSimulationResult::ServerModel& sm = sr.models[m];
            const double before = sm.queueingMeanSeconds * sm.jobs;
            sm.jobs += st.jobs;
            sm.busySeconds += st.busySeconds;
            sm.queueingMeanSeconds = sm.jobs > 0 ? (before + st.queueingSumSeconds) / sm.jobs : 0.0;
            sm.queueingMaxSeconds = std::max(sm.queueingMaxSeconds, st.queueingMaxSeconds);
            sr.jobs += st.jobs;
            queueing += st.queueingSumSeconds;
            sr.queueingMaxSeconds = std::max(sr.queueingMaxSeconds, st.queueingMaxSeconds);
        }
        sr.queueingMeanSeconds = sr.jobs > 0 ? queueing / sr.jobs : 0.0;
        r.servers.push_back(sr);
    }
    monitor->CheckForLostPackets();
    for (const auto& [id, f] : monitor->GetFlowStats())
    {
        ++r.flows;
        r.bytesSent += f.txBytes;
        r.packetsSent += f.txPackets;
        r.packetsReceived += f.rxPackets;
        r.packetsLost += f.lostPackets;
    }
    r.dropsCorrupted = drops.corrupted;
    r.dropsQueue = drops.queue;
    r.dropsWifi = drops.wifi;
    if (failures)
    {
        r.failureSchedule = m_failures.ToText();
        r.failureTimeoutSeconds = failureTimeout;
        r.serversFailed = failureState.failed;
        r.serversRepaired = failureState.repaired;
    }
    r.linkTraceSource = m_linkTrace.IsEmpty() ? "" : m_linkTrace.GetSource();
    r.linkTraceLinks = traceCounts.links;
    r.linkTraceLinksSimulated = traceCounts.linksSimulated;
    r.linkRateChanges = traceCounts.rateChanges;
    if (!m_outputs.flowMonitorXml.empty())
    {
        monitor->SerializeToXmlFile(m_outputs.flowMonitorXml, true, true);
    }
    return r;
}

} // namespace ns3

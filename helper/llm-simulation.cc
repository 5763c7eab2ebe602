// SPDX-License-Identifier: GPL-2.0-only

#include "llm-simulation.h"

#include "edge-topology-helper.h"
#include "llm-run-setup.h"
#include "ns3/animation-interface.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/config.h"
#include "ns3/csma-helper.h"
#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/flow-monitor.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-routing-table-entry.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/ipv4.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-replacement-policy.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/names.h"
#include "ns3/node-list.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-channel.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/queue-item.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/uinteger.h"
#include "ns3/yans-wifi-helper.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmSimulation");

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

/**
 * The re-placement policy during a run: checks every period, sends the moved layers' weights
 * over the network (one TCP bulk transfer per server pair, the layers of a pair one after the
 * other) and, when all have arrived, switches the client to the new plan (epoch + 1, KV replay).
 */
class ReplacementRunner
{
  public:
    ReplacementRunner(const LlmReplacementPolicy::Config& config,
                      std::unique_ptr<LlmPlacementSolver> solver,
                      const LlmScenario& scenario,
                      const LlmLinkTrace& trace,
                      LlmPlacementHelper* placement,
                      const NodeContainer& servers,
                      uint64_t tokensRequested,
                      LlmSimulationResult* r)
        : m_solver(std::move(solver))
        , m_policy(config, *m_solver)
        , m_period(Seconds(config.periodSeconds))
        , m_scenario(scenario)
        , m_trace(trace)
        , m_placement(placement)
        , m_servers(servers)
        , m_requested(tokensRequested)
        , m_r(r)
    {
    }

    /// Schedule the first check.
    void Start() { Simulator::Schedule(m_period, &ReplacementRunner::Check, this); }

  private:
    /// The running placement: the helper's pipeline in use.
    LlmPlacement Running() const
    {
        LlmPlacement p;
        for (const LlmPipeline::Stage& st : m_placement->GetPipeline()->stages)
        {
            p.push_back({st.server, st.bits});
        }
        return p;
    }

    void Check()
    {
        Ptr<EdgeLlmClientApplication> c = m_placement->GetClient();
        const uint64_t done = c->GetTokensCompleted() + c->GetTokensFailed();
        if (done >= m_requested)
        {
            return; // the run is over
        }
        if (!m_pending)
        {
            const double now = Simulator::Now().GetSeconds();
            const double remaining =
                static_cast<double>(m_requested - done) / static_cast<double>(m_requested);
            const LlmPlacement running = Running();
            // A switch replays the unfinished requests' earlier tokens (KV rebuild).
            const double replayShare =
                static_cast<double>(c->GetTokensToReplay()) / m_scenario.GetWorkload().tokens;
            const LlmReplacementPolicy::Decision d =
                m_policy.Check(now,
                               LlmReplacementPolicy::ScenarioAt(m_scenario, m_trace, now),
                               running,
                               remaining,
                               replayShare);
            ++m_r->replacementChecks;
            NS_LOG_INFO("re-placement check at " << now << " s: " << d.reason);
            if (d.migrate)
            {
                StartMigration(running, d);
            }
        }
        Simulator::Schedule(m_period, &ReplacementRunner::Check, this);
    }

    void StartMigration(const LlmPlacement& from, const LlmReplacementPolicy::Decision& d)
    {
        m_pending = true;
        m_next = d.plan;
        m_decided = Simulator::Now();
        m_epoch = m_placement->GetPipeline()->epoch;
        m_r->migrationBytes += d.migrationBytes;
        const LlmCostModel& model = m_placement->GetCostModel();
        // Weight bytes per (source, destination) server pair: p_l · b_l / 8 per moved layer.
        std::map<std::pair<uint32_t, uint32_t>, uint64_t> pairs;
        for (std::size_t l = 0; l < from.size(); ++l)
        {
            const LlmLayerAssignment& to = m_next.placement[l];
            if (from[l].server != to.server)
            {
                pairs[{static_cast<uint32_t>(from[l].server), static_cast<uint32_t>(to.server)}] +=
                    static_cast<uint64_t>(std::ceil(model.StorageBytes(l, to.bits)));
            }
        }
        m_transfers = pairs.size();
        for (const auto& [pair, bytes] : pairs)
        {
            const uint16_t port = m_nextPort++;
            const Address dst = m_placement->GetPipeline()->serverAddress[pair.second];
            const Ipv4Address ip = InetSocketAddress::ConvertFrom(dst).GetIpv4();
            PacketSinkHelper sinkHelper("ns3::TcpSocketFactory",
                                        InetSocketAddress(Ipv4Address::GetAny(), port));
            ApplicationContainer sink = sinkHelper.Install(m_servers.Get(pair.second));
            auto* received = &m_received[port];
            *received = 0;
            sink.Get(0)->TraceConnectWithoutContext(
                "Rx",
                MakeBoundCallback(&ReplacementRunner::Received, this, port, bytes));
            sink.Start(Seconds(0));
            BulkSendHelper send("ns3::TcpSocketFactory", InetSocketAddress(ip, port));
            send.SetAttribute("MaxBytes", UintegerValue(bytes));
            send.Install(m_servers.Get(pair.first)).Start(Seconds(0));
            NS_LOG_INFO("migration: " << bytes << " weight bytes from server " << pair.first
                                      << " to " << pair.second << " on port " << port);
        }
        if (m_transfers == 0)
        {
            Simulator::ScheduleNow(&ReplacementRunner::Switch, this);
        }
    }

    static void Received(ReplacementRunner* self,
                         uint16_t port,
                         uint64_t expected,
                         Ptr<const Packet> p,
                         const Address&)
    {
        uint64_t& got = self->m_received[port];
        const bool before = got >= expected;
        got += p->GetSize();
        if (!before && got >= expected && --self->m_transfers == 0)
        {
            self->Switch();
        }
    }

    void Switch()
    {
        m_pending = false;
        Ptr<EdgeLlmClientApplication> c = m_placement->GetClient();
        if (m_placement->GetPipeline()->epoch != m_epoch
            || c->GetTokensCompleted() + c->GetTokensFailed() >= m_requested)
        {
            return; // a failure re-plan came first, or the run is over
        }
        Ptr<const LlmPipeline> next = m_placement->Migrate(m_next);
        if (next && c->Migrate(next))
        {
            ++m_r->migrations;
            m_r->migrationSeconds += (Simulator::Now() - m_decided).GetSeconds();
        }
    }

    std::unique_ptr<LlmPlacementSolver> m_solver; //!< The run's solver
    LlmReplacementPolicy m_policy;                //!< The policy
    Time m_period;                                //!< Check period
    const LlmScenario& m_scenario;                //!< Static scenario
    const LlmLinkTrace& m_trace;                  //!< Ω_ij(t)
    LlmPlacementHelper* m_placement;              //!< The run's applications
    NodeContainer m_servers;                      //!< Server nodes
    uint64_t m_requested;                         //!< Tokens requested
    LlmSimulationResult* m_r;                     //!< The result
    bool m_pending{false};                        //!< A migration's weights are in transit
    LlmPlan m_next;                               //!< Its plan
    Time m_decided;                               //!< When it was decided
    uint32_t m_epoch{0};                          //!< The epoch it replaces
    std::size_t m_transfers{0};                   //!< Transfers still to arrive
    uint16_t m_nextPort{49152};                   //!< Next transfer port
    std::map<uint16_t, uint64_t> m_received;      //!< Bytes received per transfer port
};

} // namespace

std::string
LlmSimulation::SlowTransferCause(std::size_t from, std::size_t to) const
{
    const LlmScenario& s = m_scenario;
    const std::string& a = s.GetServers()[from].name;
    const std::string& b = s.GetServers()[to].name;
    double bps = 0;
    double delay = 0;
    for (const LlmLink& l : s.GetLinks())
    {
        if (l.from == a && l.to == b)
        {
            bps = l.bps;
            delay = m_setting.ideal ? 0.0 : l.delaySeconds.value_or(0.0);
        }
    }
    const double rtt = 2 * delay;
    // ns-3's TcpSocket SndBufSize and RcvBufSize default: 131072 bytes.
    const double buffer = m_setting.socketBuffer ? m_setting.socketBuffer : 131072.0;
    const double bdp = bps * rtt / 8;
    char buf[512];
    if (m_setting.transport == "tcp" && bdp > buffer)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "window-limited: the bandwidth-delay product %.0f kB (%.3g Mbit/s x %.3g ms "
                      "RTT) exceeds the %.0f kB TCP socket buffer, so TCP sends at most "
                      "buffer/RTT = %.3g Mbit/s, and each message starts in slow start (raise "
                      "--socket-buffer above %.0f bytes)",
                      bdp / 1e3,
                      bps / 1e6,
                      rtt * 1e3,
                      buffer / 1e3,
                      buffer * 8 / rtt / 1e6,
                      bdp);
    }
    else if (rtt > 0)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "latency-bound: every message pays at least one %.3g ms RTT (%.3g ms delay "
                      "each way) and %s, which eq. 4 does not count at %.3g Mbit/s",
                      rtt * 1e3,
                      delay * 1e3,
                      m_setting.transport == "tcp" ? "TCP's slow start" : "the token's return",
                      bps / 1e6);
    }
    else
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "header- or contention-bound at %.3g Mbit/s (no propagation delay: "
                      "headers, ACKs, queueing or a shared medium)",
                      bps / 1e6);
    }
    // A trace that changed the link explains more than its static Ω does.
    std::string traced;
    double lo = INFINITY;
    double hi = 0;
    for (const LlmLinkTrace::Row& row : m_linkTrace.GetRows())
    {
        if (row.from == a && row.to == b)
        {
            lo = std::min(lo, row.bps);
            hi = std::max(hi, row.bps);
        }
    }
    if (hi > 0 && lo == hi)
    {
        char note[256];
        std::snprintf(note,
                      sizeof(note),
                      "link trace: its rate was set to %.3g Mbit/s during the run against the "
                      "static %.3g Mbit/s of eq. 4; ",
                      lo / 1e6,
                      bps / 1e6);
        traced = note;
    }
    else if (hi > 0)
    {
        char note[256];
        std::snprintf(note,
                      sizeof(note),
                      "link trace: its rate went %.3g ... %.3g Mbit/s during the run against "
                      "the static %.3g Mbit/s of eq. 4; ",
                      lo / 1e6,
                      hi / 1e6,
                      bps / 1e6);
        traced = note;
    }
    return a + " -> " + b + ": " + traced + buf;
}

uint64_t
LlmSimulationResult::GetDrops() const
{
    return dropsCorrupted + dropsQueue + dropsWifi;
}

std::string
LlmSimulationResult::ToText() const
{
    std::string out;
    char buf[512];
    std::snprintf(buf,
                  sizeof(buf),
                  "%-12s %-8s %4s %12s %12s %12s %12s\n",
                  "layer",
                  "server",
                  "bits",
                  "cp model s",
                  "cp sim s",
                  "cm model s",
                  "cm sim s");
    out += buf;
    for (const Layer& l : layers)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "%-12s %-8s %4u %12.6g %12.6g %12.6g %12.6g\n",
                      l.layer.c_str(),
                      l.server.c_str(),
                      l.bits,
                      l.computeModelSeconds,
                      l.computeSimSeconds,
                      l.transferModelSeconds,
                      l.transferSimSeconds);
        out += buf;
    }
    bool flagged = false;
    for (const Layer& l : layers)
    {
        if (!l.slowTransferCause.empty())
        {
            if (!flagged)
            {
                std::snprintf(buf,
                              sizeof(buf),
                              "\nTransfers simulated above %.1f x eq. 4:\n",
                              SLOW_TRANSFER_RATIO);
                out += buf;
                flagged = true;
            }
            std::snprintf(buf,
                          sizeof(buf),
                          "  %s: %.4g s simulated vs %.4g s model (%.2f x); ",
                          l.layer.c_str(),
                          l.transferSimSeconds,
                          l.transferModelSeconds,
                          l.transferSimSeconds / l.transferModelSeconds);
            out += buf + l.slowTransferCause + "\n";
        }
    }
    // With several requests the comparable analytic figure is T per request back to back.
    const double serial = analyticSeconds * requests;
    const double gap = serial > 0 ? 100.0 * (simulatedSeconds - serial) / serial : 0.0;
    if (accessSeconds > 0)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "\nAnalytic T (eq. 1 + the user's access path %.6g s, one request): %.9g s\n",
                      accessSeconds,
                      analyticSeconds);
    }
    else
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "\nAnalytic T (eq. 1, one request): %.9g s\n",
                      analyticSeconds);
    }
    out += buf;
    if (requests > 1)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Simulated completion of %u requests: %.9g s (%+.3f %% against %u x T = "
                      "%.9g s back to back; requests that overlap on the servers can finish "
                      "sooner)\n",
                      requests,
                      simulatedSeconds,
                      gap,
                      requests,
                      serial);
    }
    else
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Simulated completion:            %.9g s (%+.3f %%)\n",
                      simulatedSeconds,
                      gap);
    }
    out += buf;
    if (requestsCompleted > 0)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Request latency (%u of %u requests completed): mean %.6g s, p50 %.6g s, "
                      "p95 %.6g s, p99 %.6g s (T = %.6g s); throughput %.6g tokens/s (x beta "
                      "sequences each)\n",
                      requestsCompleted,
                      requests,
                      requestLatencyMean,
                      requestLatencyP50,
                      requestLatencyP95,
                      requestLatencyP99,
                      analyticSeconds,
                      throughputTokensPerSecond);
        out += buf;
    }
    std::snprintf(buf,
                  sizeof(buf),
                  "Simulated compute %.6f s, transfer %.6f s (summed over layers and tokens)\n",
                  simulatedComputeSeconds,
                  simulatedTransferSeconds);
    out += buf;
    std::snprintf(buf,
                  sizeof(buf),
                  "Tokens: %llu requested, %llu completed, %llu failed",
                  static_cast<unsigned long long>(tokensRequested),
                  static_cast<unsigned long long>(tokensCompleted),
                  static_cast<unsigned long long>(tokensFailed));
    out += buf;
    std::string reasons;
    for (const auto& [reason, count] : failures)
    {
        reasons += (reasons.empty() ? " (" : ", ") + std::to_string(count) + " " + reason;
    }
    out += reasons.empty() ? "\n" : reasons + ")\n";
    if (!failureSchedule.empty())
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Server failures: %llu failed, %llu repaired (schedule %.200s%s); failure "
                      "timeout %.6g s\n",
                      static_cast<unsigned long long>(serversFailed),
                      static_cast<unsigned long long>(serversRepaired),
                      failureSchedule.c_str(),
                      failureSchedule.size() > 200 ? "..." : "",
                      failureTimeoutSeconds);
        out += buf;
        std::snprintf(buf,
                      sizeof(buf),
                      "Re-plans: %u; replay %.6g s (%llu replays, summed over requests); %llu "
                      "token jobs without their KV cache\n",
                      replans,
                      replaySeconds,
                      static_cast<unsigned long long>(replays),
                      static_cast<unsigned long long>(kvMisses));
        out += buf;
        for (const auto& e : replanEvents)
        {
            std::string failedNames;
            for (const std::string& f : e.failed)
            {
                failedNames += (failedNames.empty() ? "" : ",") + f;
            }
            if (e.planned)
            {
                std::snprintf(buf,
                              sizeof(buf),
                              "  at %.6g s: %.100s failed; epoch %u, %u layers moved, T = %.6g s "
                              "(solved in %.3g s)\n",
                              e.timeSeconds,
                              failedNames.c_str(),
                              e.epoch,
                              e.layersMoved,
                              e.objectiveSeconds,
                              e.solveWallSeconds);
            }
            else
            {
                std::snprintf(buf,
                              sizeof(buf),
                              "  at %.6g s: %.100s failed; no path: %.300s\n",
                              e.timeSeconds,
                              failedNames.c_str(),
                              e.reason.c_str());
            }
            out += buf;
        }
    }
    std::snprintf(buf,
                  sizeof(buf),
                  "FlowMonitor: %llu flows, %llu bytes sent, %llu packets sent, %llu received, "
                  "%llu lost, mean delay %.6f s\n",
                  static_cast<unsigned long long>(flows),
                  static_cast<unsigned long long>(bytesSent),
                  static_cast<unsigned long long>(packetsSent),
                  static_cast<unsigned long long>(packetsReceived),
                  static_cast<unsigned long long>(packetsLost),
                  meanDelaySeconds);
    out += buf;
    std::snprintf(buf,
                  sizeof(buf),
                  "Drops: %llu corrupted, %llu at full queues, %llu at the Wi-Fi retry limit\n",
                  static_cast<unsigned long long>(dropsCorrupted),
                  static_cast<unsigned long long>(dropsQueue),
                  static_cast<unsigned long long>(dropsWifi));
    out += buf;
    if (!replacementPolicy.empty())
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Re-placement (%s): %llu checks, %llu migrations, %llu weight bytes moved, "
                      "%.6g s from decisions to switches; %u re-plans, replay %.6g s\n",
                      replacementPolicy.c_str(),
                      static_cast<unsigned long long>(replacementChecks),
                      static_cast<unsigned long long>(migrations),
                      static_cast<unsigned long long>(migrationBytes),
                      migrationSeconds,
                      replans,
                      replaySeconds);
        out += buf;
    }
    if (!linkTraceSource.empty())
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Link trace: %llu rows on %llu links (%llu built by the run), %llu rate "
                      "changes applied; the plan and T use the static Omega_ij\n",
                      static_cast<unsigned long long>(linkTraceRows),
                      static_cast<unsigned long long>(linkTraceLinks),
                      static_cast<unsigned long long>(linkTraceLinksSimulated),
                      static_cast<unsigned long long>(linkRateChanges));
        out += buf;
    }
    std::snprintf(buf,
                  sizeof(buf),
                  "Wall time %.2f s for %.6g simulated seconds, %llu events\n",
                  wallSeconds,
                  endSeconds,
                  static_cast<unsigned long long>(events));
    out += buf;
    return out;
}

std::string
LlmSimulationResult::ToJson() const
{
    nlohmann::ordered_json j;
    j["analytic_s"] = analyticSeconds;
    j["simulated_s"] = simulatedSeconds;
    j["requests_completed"] = requestsCompleted;
    j["request_latency_s"] = {{"mean", requestLatencyMean},
                              {"p50", requestLatencyP50},
                              {"p95", requestLatencyP95},
                              {"p99", requestLatencyP99}};
    j["throughput_tokens_per_s"] = throughputTokensPerSecond;
    j["compute_bound_s"] = computeBoundSeconds;
    j["access_s"] = accessSeconds;
    j["tokens_requested"] = tokensRequested;
    j["tokens_started"] = tokensStarted;
    j["tokens_completed"] = tokensCompleted;
    j["tokens_failed"] = tokensFailed;
    j["tokens_cut_off"] = tokensUnfinished;
    j["failures"] = failures;
    if (!failureSchedule.empty())
    {
        j["replans"] = replans;
        j["replay_s"] = replaySeconds;
        nlohmann::ordered_json events = nlohmann::ordered_json::array();
        for (const auto& e : replanEvents)
        {
            nlohmann::ordered_json ev;
            ev["time_s"] = e.timeSeconds;
            ev["failed"] = e.failed;
            ev["down"] = e.down;
            ev["planned"] = e.planned;
            if (e.planned)
            {
                ev["epoch"] = e.epoch;
                ev["objective_s"] = e.objectiveSeconds;
                ev["layers_moved"] = e.layersMoved;
                ev["solve_wall_s"] = e.solveWallSeconds;
            }
            else
            {
                ev["reason"] = e.reason;
            }
            events.push_back(ev);
        }
        j["server_failures"] = {{"schedule", failureSchedule},
                                {"failure_timeout_s", failureTimeoutSeconds},
                                {"failed", serversFailed},
                                {"repaired", serversRepaired},
                                {"replays", replays},
                                {"kv_misses", kvMisses},
                                {"replan_events", events}};
    }
    j["stopped_by_safety_limit"] = stoppedBySafetyLimit;
    j["safety_limit_s"] = safetyLimitSeconds;
    j["bytes_sent"] = bytesSent;
    j["packets_sent"] = packetsSent;
    j["packets_lost"] = packetsLost;
    j["drops"] = {{"corrupted", dropsCorrupted}, {"queue", dropsQueue}, {"wifi", dropsWifi}};
    j["setting"] = setting;
    j["transport"] = transport;
    j["requests"] = requests;
    j["simulated_compute_s"] = simulatedComputeSeconds;
    j["simulated_transfer_s"] = simulatedTransferSeconds;
    j["events"] = events;
    j["wall_s"] = wallSeconds;
    j["end_s"] = endSeconds;
    j["flow_monitor"] = {{"flows", flows},
                         {"tx_packets", packetsSent},
                         {"rx_packets", packetsReceived},
                         {"lost_packets", packetsLost},
                         {"mean_delay_s", meanDelaySeconds}};
    if (!linkTraceSource.empty())
    {
        j["link_trace"] = {{"source", linkTraceSource},
                           {"rows", linkTraceRows},
                           {"links", linkTraceLinks},
                           {"links_simulated", linkTraceLinksSimulated},
                           {"rate_changes", linkRateChanges}};
    }
    if (!replacementPolicy.empty())
    {
        j["replacement_policy"] = replacementPolicy;
        j["replacement_checks"] = replacementChecks;
        j["migrations"] = migrations;
        j["migration_bytes"] = migrationBytes;
        j["migration_s"] = migrationSeconds;
        j["replans"] = replans;
        j["replay_s"] = replaySeconds;
    }
    j["layers"] = nlohmann::ordered_json::array();
    for (const Layer& l : layers)
    {
        j["layers"].push_back({{"layer", l.layer},
                               {"server", l.server},
                               {"bits", l.bits},
                               {"compute_model_s", l.computeModelSeconds},
                               {"compute_sim_s", l.computeSimSeconds},
                               {"transfer_model_s", l.transferModelSeconds},
                               {"transfer_sim_s", l.transferSimSeconds}});
    }
    return j.dump(2);
}

LlmSimulation::LlmSimulation(const LlmScenario& scenario,
                             const LlmPlan& plan,
                             const LlmTransportSetting& setting)
    : m_scenario(scenario)
    , m_plan(plan)
    , m_setting(setting)
{
    if (!plan.HasPlacement())
    {
        throw LlmInputError("placement",
                            "",
                            "the plan has no placement to simulate (" + ToString(plan.status)
                                + (plan.message.empty() ? "" : ": " + plan.message) + ")");
    }
    m_setting.Validate("");
    // Delays are a property of the simulated links only (eq. 4 has none).
    LlmRunSetup::ApplyDelays(m_scenario, m_setting);
    // The safety limit: 1000 (T + 1) per request, plus ten times every propagation delay a
    // token's messages and their ACKs can cross (eq. 4 has no delays; delay_s may be large).
    const double maxDelay = LlmRunSetup::MaxDelay(m_scenario, m_setting);
    const double tokens = static_cast<double>(m_scenario.GetWorkload().tokens) * m_setting.requests;
    const double hops = static_cast<double>(plan.placement.size()) + 2;
    const double need = plan.objective * m_setting.requests + tokens * hops * 4 * maxDelay;
    if (!(need <= MAX_SIMULATED_SECONDS))
    {
        throw LlmInputError(
            "simulation",
            "",
            "expected a run of at most " + LlmTextParse::Format(MAX_SIMULATED_SECONDS)
                + " s of simulated time, but the plan needs about " + LlmTextParse::Format(need)
                + " s (T = " + LlmTextParse::Format(plan.objective)
                + " s per request): check the servers' ccs_hz (operations per "
                  "second), the links' bps and delay_s, and --requests");
    }
    m_limit = 1000 * (plan.objective + 1) * m_setting.requests + 10 * tokens * hops * 4 * maxDelay;
    m_tokenDelaySeconds = hops * maxDelay;
    if (!m_setting.user.empty() && !m_scenario.FindServer(m_setting.user))
    {
        throw LlmInputError("command line",
                            "--user",
                            "expected the name of a scenario server, got \"" + m_setting.user
                                + "\"");
    }
    const auto& user = m_scenario.GetUser();
    if (!m_setting.user.empty() && user && user->server != m_setting.user)
    {
        throw LlmInputError("command line",
                            "--user",
                            "the scenario's user is behind " + user->server
                                + " and the objective counts its access path: simulate it there "
                                  "(omit --user), or change the scenario's user (--access-path)");
    }
}

void
LlmSimulation::SetNodes(const NodeContainer& servers, Ptr<Node> client)
{
    if (m_setting.ShapesTopology())
    {
        throw LlmInputError("LlmSimulation",
                            "SetNodes",
                            "the setting shapes links (mtu, ideal, loss, queue, delays, d2d, "
                            "all-links or user), which your own nodes already have: build them "
                            "into your topology instead");
    }
    m_servers = servers;
    m_client = client;
}

void
LlmSimulation::SetLinkTrace(const LlmLinkTrace& trace)
{
    LlmRunSetup::CheckLinkTrace(trace, m_scenario, m_setting);
    m_linkTrace = trace;
}

void
LlmSimulation::SetFailureSchedule(const LlmFailureSchedule& schedule, double failureTimeoutSeconds)
{
    const std::string source = schedule.GetSource().empty() ? "failures" : schedule.GetSource();
    for (const LlmFailureSchedule::Failure& f : schedule.GetFailures())
    {
        if (!m_scenario.FindServer(f.server))
        {
            throw LlmInputError(source,
                                f.item.empty() ? f.server : f.item,
                                "the simulated scenario has no server " + f.server);
        }
    }
    if (!(failureTimeoutSeconds >= 0) || !(failureTimeoutSeconds <= 1e9))
    {
        throw LlmInputError("LlmSimulation",
                            "failure timeout",
                            "expected 0 (the default) ... 1e9 s, got "
                                + LlmTextParse::Format(failureTimeoutSeconds));
    }
    m_failures = schedule;
    m_failureTimeout = failureTimeoutSeconds;
}

void
LlmSimulation::SetReplanSolver(const std::string& name, const LlmSolverOptions& options)
{
    LlmSolverFactory::Create(name, options); // refuses an unknown name now
    m_replanSolver = name;
    m_replanOptions = options;
}

void
LlmSimulation::SetReplacementPolicy(const LlmReplacementPolicy::Config& config)
{
    if (!(config.periodSeconds > 0))
    {
        throw LlmInputError("LlmSimulation",
                            "re-placement period",
                            "expected a period > 0 s, got "
                                + LlmTextParse::Format(config.periodSeconds));
    }
    m_policy = config;
}

void
LlmSimulation::SetOutputs(const LlmSimulationOutputs& outputs)
{
    m_outputs = outputs;
}

void
LlmSimulation::SetRngRun(uint64_t run)
{
    m_hasRngRun = true;
    m_rngRun = run;
}

void
LlmSimulation::SetInstalledCallback(std::function<void(LlmPlacementHelper&)> f)
{
    m_installed = std::move(f);
}

const LlmScenario&
LlmSimulation::GetScenario() const
{
    return m_scenario;
}

LlmSimulationResult
LlmSimulation::Run()
{
    LlmRunSetup::PrepareOutputs(m_outputs); // writable files, packet metadata for ASCII
    if (m_hasRngRun)
    {
        RngSeedManager::SetRun(m_rngRun);
    }
    // NetAnim's interface must outlive Simulator::Destroy: its traces still fire while the
    // nodes are disposed (sockets closing), so it is declared before the guard.
    std::unique_ptr<AnimationInterface> anim;
    SimulatorGuard guard;
    const LlmTransportSetting& t = m_setting;
    const LlmScenario& s = m_scenario;
    // A trace that slows links stretches the run: the safety limit and UDP's token timeout
    // grow by its worst slowdown (1 without a trace).
    const double slowdown = m_linkTrace.GetMaxSlowdown();
    const double limitSeconds = std::min(m_limit * slowdown, 9e9); // ns-3 Time: about 9.2e9 s

    const bool failures = !m_failures.IsEmpty();
    const bool replace = m_policy.has_value();
    if (replace && m_policy->kind != LlmReplacementPolicy::Kind::NEVER && m_linkTrace.IsEmpty())
    {
        throw LlmInputError("command line",
                            "--replace",
                            "a re-placement policy other than never re-solves when the links "
                            "change: give a link trace (--link-trace or --link-trace-random)");
    }
    LlmSimulationResult r;
    LlmPlacementHelper placement(s);
    if (failures)
    {
        placement.SetSolver(m_replanSolver, m_replanOptions); // the re-plans' solver
    }
    placement.SetPlan(m_plan);
    NodeContainer servers = m_servers;
    Ptr<Node> client = m_client;
    if (servers.GetN() == 0)
    {
        EdgeTopologyHelper topology(s);
        LlmRunSetup::ShapeTopology(topology, t); // MTU, queues, delays, D2D medium, loss
        if (!t.allLinks && !failures && !replace)
        {
            topology.SetPlanLinksOnly(m_plan); // (a re-plan or migration may need any link)
        }
        if (const auto& user = s.GetUser())
        {
            // The user whose access path the objective counts, on the link it was counted with.
            topology.SetUserNode(user->server, user->bps, Seconds(user->delaySeconds));
        }
        else if (!t.user.empty())
        {
            topology.SetUserNode(t.user, LlmUser().bps, Seconds(LlmUser().delaySeconds));
        }
        servers = topology.Install();
        client = topology.GetUser();
    }
    // The transport on the objects of this run only (Config::SetDefault would outlive it).
    LlmRunSetup::SetCongestionControl(t);
    LlmRunSetup::SetTransport(placement, t);
    placement.SetClientAttribute("Requests", UintegerValue(t.requests));
    // The client's failure timeout: three times a token's share of T plus the propagation
    // delays its messages cross (at least 10 ms), unless given.
    const double failureTimeout =
        !failures ? 0.0
        : m_failureTimeout > 0
            ? m_failureTimeout
            : std::max(
                0.01,
                3 * (t.requests * m_plan.objective / s.GetWorkload().tokens + m_tokenDelaySeconds)
                    * slowdown);
    if (t.transport == "udp")
    {
        // A token whose result never comes (its last datagram lost) is failed after ten times
        // its share of T plus the propagation delays its messages cross (with failures, at
        // least twice the failure timeout, so that a failure is detected before).
        const double timeout = LlmRunSetup::UdpTokenTimeout(m_plan.objective,
                                                            t.requests,
                                                            s.GetWorkload().tokens,
                                                            m_tokenDelaySeconds)
                               * slowdown;
        placement.SetClientAttribute("TokenTimeout",
                                     TimeValue(Seconds(std::max(timeout, 2 * failureTimeout))));
    }
    placement.Install(servers, client);
    placement.AssignStreams(1);
    LlmRunRecorder recorder;
    recorder.Connect(placement);
    LlmRunSetup::FailureState failureState; // failed and repaired counts, saved routes
    if (failures)
    {
        placement.EnableFailureRecovery(Seconds(failureTimeout));
        placement.AddServerStartedCallback(
            [&recorder](uint32_t, Ptr<EdgeLlmServerApplication> app) {
                recorder.ConnectServer(app);
            });
        // Global routes go around a failed node (Wi-Fi D2D runs on one-hop static routes).
        LlmRunSetup::ScheduleFailures(m_failures,
                                      s,
                                      servers,
                                      {&placement},
                                      t.d2d == "p2p",
                                      failureState);
        r.failureSchedule = m_failures.ToText();
        r.failureTimeoutSeconds = failureTimeout;
    }
    std::unique_ptr<ReplacementRunner> runner;
    if (replace)
    {
        if (!failures)
        {
            placement.AddServerStartedCallback(
                [&recorder](uint32_t, Ptr<EdgeLlmServerApplication> app) {
                    recorder.ConnectServer(app);
                });
        }
        // The run's own solver: the one the plan came from (else the re-plans' solver).
        std::unique_ptr<LlmPlacementSolver> solver;
        try
        {
            solver = LlmSolverFactory::Create(m_plan.solver, m_replanOptions);
        }
        catch (const LlmInputError&)
        {
            solver = LlmSolverFactory::Create(m_replanSolver, m_replanOptions);
        }
        runner = std::make_unique<ReplacementRunner>(*m_policy,
                                                     std::move(solver),
                                                     s,
                                                     m_linkTrace,
                                                     &placement,
                                                     servers,
                                                     static_cast<uint64_t>(t.requests)
                                                         * s.GetWorkload().tokens,
                                                     &r);
        runner->Start();
        r.replacementPolicy = LlmReplacementPolicy::ToString(m_policy->kind);
    }
    FlowMonitorHelper flowHelper;
    Ptr<FlowMonitor> monitor = flowHelper.InstallAll();

    // Drops where they happen: corrupted on receive (loss), queue disc or device queue full,
    // Wi-Fi retry limit (FlowMonitor calls a packet lost only 10 s after it was sent).
    LlmRunSetup::Drops drops;
    LlmRunSetup::ConnectDrops(drops);
    LlmRunSetup::LinkTraceCounts traceCounts;
    if (!m_linkTrace.IsEmpty())
    {
        r.linkTraceSource = m_linkTrace.GetSource();
        r.linkTraceRows = m_linkTrace.GetRows().size();
    }
    LlmRunSetup::ApplyLinkTrace(m_linkTrace,
                                m_scenario,
                                servers,
                                {&placement},
                                m_servers.GetN() > 0,
                                traceCounts);

    LlmRunSetup::EnablePacketTraces(m_outputs);
    if (!m_outputs.netAnimXml.empty())
    {
        // The cloud on top, edge servers on a circle below it, a user node beneath its
        // server; nodes that already stand somewhere (Wi-Fi) keep their place. Positions
        // first: the interface writes them when it starts.
        const std::size_t n = s.GetServers().size();
        for (std::size_t i = 0; i < n; ++i)
        {
            Ptr<Node> node = servers.Get(i);
            if (node->GetObject<MobilityModel>())
            {
                continue;
            }
            const bool cloud = s.GetServers()[i].role == LlmServer::Role::CLOUD;
            const double a = 2 * M_PI * i / n;
            AnimationInterface::SetConstantPosition(node,
                                                    cloud ? 50 : 50 + 40 * std::cos(a),
                                                    cloud ? 0 : 60 + 30 * std::sin(a));
        }
        if (client && !client->GetObject<MobilityModel>())
        {
            AnimationInterface::SetConstantPosition(client, 50, 100);
        }
        anim = std::make_unique<AnimationInterface>(m_outputs.netAnimXml);
        for (std::size_t i = 0; i < n; ++i)
        {
            anim->UpdateNodeDescription(servers.Get(i), s.GetServers()[i].name);
        }
        if (client)
        {
            anim->UpdateNodeDescription(client, "user");
        }
    }
    if (m_installed)
    {
        m_installed(placement);
    }

    const auto wallStart = std::chrono::steady_clock::now();
    const Time limit = Seconds(limitSeconds);
    Simulator::Stop(limit); // safety net only: the recorder stops at the last token
    Simulator::Run();
    r.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    r.dropsCorrupted = drops.corrupted;
    r.dropsQueue = drops.queue;
    r.dropsWifi = drops.wifi;
    r.linkTraceLinks = traceCounts.links;
    r.linkTraceLinksSimulated = traceCounts.linksSimulated;
    r.linkRateChanges = traceCounts.rateChanges;
    r.serversFailed = failureState.failed;
    r.serversRepaired = failureState.repaired;
    r.events = Simulator::GetEventCount();
    r.endSeconds = Simulator::Now().GetSeconds();

    const LlmCostModel& model = placement.GetCostModel();
    Ptr<EdgeLlmClientApplication> c = placement.GetClient();
    r.setting = t.name;
    r.transport = t.transport;
    r.requests = t.requests;
    r.analyticSeconds = m_plan.objective;
    r.accessSeconds = model.AccessDelay(m_plan.placement);
    r.simulatedSeconds = c->GetCompletionTime().GetSeconds();
    r.simulatedComputeSeconds = recorder.GetComputeSeconds();
    r.simulatedTransferSeconds = recorder.GetTransferSeconds();
    r.tokensRequested = static_cast<uint64_t>(t.requests) * s.GetWorkload().tokens;
    r.tokensStarted = c->GetTokensStarted();
    r.tokensCompleted = c->GetTokensCompleted();
    r.tokensFailed = c->GetTokensFailed();
    r.failures = c->GetFailureCounts();
    if (failures || replace)
    {
        r.replans = c->GetReplans();
        r.replaySeconds = c->GetReplayTime().GetSeconds();
        r.replays = c->GetReplays();
        r.replanEvents = placement.GetReplans();
        for (uint32_t i = 0; i < s.GetServers().size(); ++i)
        {
            if (Ptr<EdgeLlmServerApplication> app = placement.GetServer(i))
            {
                r.kvMisses += app->GetKvMisses();
            }
        }
    }
    // Token conservation: a token neither completed nor failed when the run ended was cut off.
    r.tokensUnfinished =
        r.tokensRequested - std::min(r.tokensRequested, r.tokensCompleted + r.tokensFailed);
    r.stoppedBySafetyLimit = r.tokensUnfinished > 0 && Simulator::Now() >= limit;
    r.safetyLimitSeconds = limitSeconds;
    if (r.tokensUnfinished > 0)
    {
        r.tokensFailed += r.tokensUnfinished;
        r.failures["cut-off"] += r.tokensUnfinished;
    }
    // Over the completion of every request (or, with one unfinished, the run's end).
    const double span = r.simulatedSeconds > 0 ? r.simulatedSeconds : Simulator::Now().GetSeconds();
    r.throughputTokensPerSecond = span > 0 ? static_cast<double>(r.tokensCompleted) / span : 0.0;
    // Per-request latency: from its first token's start to its last token's result.
    {
        std::map<uint32_t, std::pair<double, double>> span; // request -> (start, end)
        std::map<uint32_t, bool> whole;
        for (const LlmRunRecorder::Token& tk : recorder.GetTokens())
        {
            auto [it, fresh] = span.insert({tk.request, {tk.startSeconds, tk.endSeconds}});
            if (!fresh)
            {
                it->second.first = std::min(it->second.first, tk.startSeconds);
                it->second.second = std::max(it->second.second, tk.endSeconds);
            }
            const auto w = whole.insert({tk.request, tk.completed}).first;
            w->second = w->second && tk.completed;
        }
        std::vector<double> latency;
        for (const auto& [request, se] : span)
        {
            const uint64_t tokensPerRequest = s.GetWorkload().tokens;
            uint64_t seen = 0;
            for (const LlmRunRecorder::Token& tk : recorder.GetTokens())
            {
                seen += tk.request == request ? 1 : 0;
            }
            if (whole[request] && seen == tokensPerRequest && se.first >= 0)
            {
                latency.push_back(se.second - se.first);
            }
        }
        std::sort(latency.begin(), latency.end());
        r.requestsCompleted = static_cast<uint32_t>(latency.size());
        if (!latency.empty())
        {
            double sum = 0;
            for (double x : latency)
            {
                sum += x;
            }
            r.requestLatencyMean = sum / latency.size();
            auto rank = [&latency](double q) {
                const std::size_t k =
                    static_cast<std::size_t>(std::ceil(q * static_cast<double>(latency.size())));
                return latency[std::min(latency.size(), std::max<std::size_t>(k, 1)) - 1];
            };
            r.requestLatencyP50 = rank(0.50);
            r.requestLatencyP95 = rank(0.95);
            r.requestLatencyP99 = rank(0.99);
        }
    }
    const auto& layers = recorder.GetLayers();
    for (std::size_t l = 0; l < m_plan.placement.size(); ++l)
    {
        const auto& a = m_plan.placement[l];
        LlmSimulationResult::Layer layer;
        layer.layer = s.GetModel().GetLayer(l).name;
        layer.server = s.GetServers()[a.server].name;
        layer.bits = a.bits;
        const double cp = model.ComputeDelay(l, a.server, a.bits);
        r.computeBoundSeconds += cp;
        layer.computeModelSeconds = cp * t.requests;
        layer.computeSimSeconds = layers[l].computeSeconds;
        layer.transferModelSeconds =
            l + 1 < m_plan.placement.size()
                ? model.TransferDelay(l, a.server, m_plan.placement[l + 1].server, a.bits)
                      * t.requests
                : 0.0;
        layer.transferSimSeconds = layers[l].transferSeconds;
        if (layer.transferModelSeconds > 0
            && layer.transferSimSeconds
                   > LlmSimulationResult::SLOW_TRANSFER_RATIO * layer.transferModelSeconds)
        {
            layer.slowTransferCause = SlowTransferCause(a.server, m_plan.placement[l + 1].server);
        }
        r.layers.push_back(layer);
    }
    monitor->CheckForLostPackets();
    double delaySum = 0;
    const auto stats = monitor->GetFlowStats();
    r.flows = stats.size();
    for (const auto& [id, f] : stats)
    {
        r.bytesSent += f.txBytes;
        r.packetsSent += f.txPackets;
        r.packetsReceived += f.rxPackets;
        r.packetsLost += f.lostPackets;
        delaySum += f.delaySum.GetSeconds();
    }
    r.meanDelaySeconds = r.packetsReceived ? delaySum / r.packetsReceived : 0.0;

    if (!m_outputs.flowMonitorXml.empty())
    {
        monitor->SerializeToXmlFile(m_outputs.flowMonitorXml, true, true);
    }
    WriteTokenCsv(recorder);
    WritePlacementCsv(r);
    return r;
}

void
LlmSimulation::WriteTokenCsv(const LlmRunRecorder& recorder) const
{
    if (m_outputs.tokenCsv.empty())
    {
        return;
    }
    std::ofstream out(m_outputs.tokenCsv);
    out << "request,token,status,start_s,end_s,latency_s";
    const LlmProfile& model = m_scenario.GetModel();
    for (std::size_t l = 0; l < model.GetNLayers(); ++l)
    {
        out << ",compute_s:" << model.GetLayer(l).name;
    }
    for (std::size_t l = 0; l < model.GetNLayers(); ++l)
    {
        out << ",transfer_s:" << model.GetLayer(l).name;
    }
    out << "\n";
    char buf[64];
    const auto number = [&buf](double v) {
        std::snprintf(buf, sizeof(buf), "%.9f", v);
        return std::string(buf);
    };
    for (const LlmRunRecorder::Token& t : recorder.GetTokens())
    {
        const bool ended = t.endSeconds >= 0;
        out << t.request << "," << t.token << ","
            << (t.completed ? "completed"
                : t.failed  ? "failed"
                            : "unfinished")
            << "," << number(t.startSeconds) << "," << (ended ? number(t.endSeconds) : "") << ","
            << (ended ? number(t.endSeconds - t.startSeconds) : "");
        for (double v : t.computeSeconds)
        {
            out << "," << number(v);
        }
        for (double v : t.transferSeconds)
        {
            out << "," << number(v);
        }
        out << "\n";
    }
    if (!out)
    {
        throw LlmInputError(m_outputs.tokenCsv, "", "cannot write the token CSV");
    }
}

void
LlmSimulation::WritePlacementCsv(const LlmSimulationResult& r) const
{
    if (m_outputs.placementCsv.empty())
    {
        return;
    }
    std::ofstream out(m_outputs.placementCsv);
    out << "layer,server,bits,compute_model_s,compute_sim_s,transfer_model_s,transfer_sim_s\n";
    for (const LlmSimulationResult::Layer& l : r.layers)
    {
        char buf[256];
        std::snprintf(buf,
                      sizeof(buf),
                      "%.9f,%.9f,%.9f,%.9f",
                      l.computeModelSeconds,
                      l.computeSimSeconds,
                      l.transferModelSeconds,
                      l.transferSimSeconds);
        out << l.layer << "," << l.server << "," << l.bits << "," << buf << "\n";
    }
    if (!out)
    {
        throw LlmInputError(m_outputs.placementCsv, "", "cannot write the placement CSV");
    }
}

} // namespace ns3

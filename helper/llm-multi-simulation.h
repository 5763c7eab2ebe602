// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_MULTI_SIMULATION_H
#define LLM_MULTI_SIMULATION_H

#include "llm-placement-helper.h"
#include "llm-simulation-outputs.h"
#include "llm-transport-setting.h"
#include "ns3/llm-compute-queue.h"
#include "ns3/llm-failure-schedule.h"
#include "ns3/llm-link-trace.h"
#include "ns3/llm-multi-scenario.h"
#include "ns3/llm-placement-solver.h"
#include "ns3/node-container.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The outcome of one simulated run of several LLMs on shared servers and links.
 */
struct LlmMultiSimulationResult
{
    /// One model (tenant).
    struct Model
    {
        std::string name;                   //!< Tenant name
        std::string model;                  //!< Its LLM profile name
        uint32_t requests{0};               //!< Requests of its arrival process
        uint32_t tokens{0};                 //!< n per request
        double startSeconds{0};             //!< Its first request's start (arrival start_s), s
        double analyticSeconds{0};          //!< T_m: one request of the model alone (eq. 1 and
                                            //!< its access path, LlmCostModel on ModelScenario)
        double simulatedSeconds{0};         //!< Completion of all its requests, from its client's
                                            //!< start (0 if one is unfinished)
        double simulatedComputeSeconds{0};  //!< Σ of its simulated layer compute
        double simulatedTransferSeconds{0}; //!< Σ of its simulated layer transfers
        double meanTokenLatencySeconds{0};  //!< Mean latency of its completed tokens, s
        uint32_t replans{0};                //!< Re-plans after server failures
        double replaySeconds{0};            //!< Simulated time spent replaying its KV state, s
        uint64_t tokensRequested{0};        //!< requests × n
        uint64_t tokensCompleted{0};        //!< Tokens whose result arrived
        uint64_t tokensFailed{0};           //!< Tokens failed, cut-off ones included
        std::map<std::string, uint64_t> failures; //!< Failed tokens by reason (+ "cut-off")
        std::vector<std::string> servers;         //!< Servers hosting its layers, in layer order,
                                                  //!< each once
    };

    /// One model's share of a server.
    struct ServerModel
    {
        uint64_t jobs{0};              //!< Its jobs granted the server
        double busySeconds{0};         //!< Time its jobs held the server, s
        double queueingMeanSeconds{0}; //!< Mean queueing delay of its jobs, s
        double queueingMaxSeconds{0};  //!< Largest queueing delay of its jobs, s
    };

    /// One server hosting a layer of at least one model.
    struct Server
    {
        std::string name;                          //!< Server name
        double busySeconds{0};                     //!< Time jobs held its compute, s
        uint64_t jobs{0};                          //!< Jobs granted its compute
        double queueingMeanSeconds{0};             //!< Mean queueing delay over every job, s
        double queueingMaxSeconds{0};              //!< Largest queueing delay, s
        std::map<std::size_t, ServerModel> models; //!< Per model index hosting a layer here
    };

    std::vector<Model> models;           //!< Per model, in the scenario's order
    std::vector<Server> servers;         //!< Per hosting server, in the scenario's order
    std::string discipline;              //!< "fifo" or "round-robin"
    std::string setting;                 //!< Transport setting name
    std::string transport;               //!< tcp or udp
    uint64_t bytesSent{0};               //!< IP bytes sent (FlowMonitor)
    uint64_t packetsSent{0};             //!< Packets sent (FlowMonitor)
    uint64_t packetsReceived{0};         //!< Packets received (FlowMonitor)
    uint64_t packetsLost{0};             //!< Packets FlowMonitor calls lost
    uint64_t flows{0};                   //!< FlowMonitor flows
    uint64_t dropsCorrupted{0};          //!< Packets a device's error model corrupted
    uint64_t dropsQueue{0};              //!< Packets a full queue dropped
    uint64_t dropsWifi{0};               //!< Wi-Fi frames dropped at the retry limit
    uint64_t events{0};                  //!< Simulator events executed
    double wallSeconds{0};               //!< Wall time of Simulator::Run, s
    double endSeconds{0};                //!< Simulated time when the run ended, s
    bool stoppedBySafetyLimit{false};    //!< The run hit its simulated-time safety limit
    double safetyLimitSeconds{0};        //!< That limit, s
    std::string failureSchedule;         //!< The failure schedule as items (empty: none)
    double failureTimeoutSeconds{0};     //!< The clients' FailureTimeout, s
    uint64_t serversFailed{0};           //!< Server failures applied before the run ended
    uint64_t serversRepaired{0};         //!< Repairs applied before the run ended
    std::string linkTraceSource;         //!< The link trace's file (empty: no trace)
    uint64_t linkTraceLinks{0};          //!< Links the trace names
    uint64_t linkTraceLinksSimulated{0}; //!< Of those, links the run built
    uint64_t linkRateChanges{0};         //!< DataRate changes the trace made during the run

    /// @return Σ over models of tokensRequested
    uint64_t GetTokensRequested() const;
    /// @return Σ over models of tokensCompleted
    uint64_t GetTokensCompleted() const;
    /// @return Σ over models of tokensFailed
    uint64_t GetTokensFailed() const;

    /**
     * @brief The result for people: per model T_m beside the simulated completion and tokens,
     *        per server its busy time and each model's jobs and queueing, then the totals.
     * @return the text
     */
    std::string ToText() const;

    /**
     * @brief The result as JSON: {"discipline", "transport", "setting", "models": [{"name",
     *        "model", "requests", "tokens", "start_s", "analytic_s", "analytic_requests_s",
     *        "simulated_s", "tokens_requested", "tokens_completed", "tokens_failed",
     *        "failures", "mean_token_latency_s", ...}], "servers": [{"name", "busy_s", "jobs",
     *        "queueing_mean_s", "queueing_max_s", "models": [{"name", "jobs", "busy_s",
     *        "queueing_mean_s", "queueing_max_s"}]}], "tokens_requested", "tokens_completed",
     *        "tokens_failed", "events", "wall_s", "end_s", "flow_monitor", "drops", ...}.
     * @return pretty-printed JSON text
     */
    std::string ToJson() const;
};

/**
 * @ingroup edge-llm
 * @brief One simulated run of several LLMs sharing edge servers and links (scenario contract
 *        version 2), from building the nodes to the result.
 *
 * Run() builds the scenario's topology once (EdgeTopologyHelper, shaped by the transport
 * setting as LlmSimulation does: MTU, queue, loss, delays, D2D medium; only the links the
 * plans' traffic crosses unless all-links), aggregates an LlmComputeQueue to every server node
 * (so the server applications of different models on one node share its compute, in the
 * discipline of SetDiscipline), and installs one LlmPlacementHelper per model with its own
 * ports (ServerPort(m), ClientPort(m)). Model m's request source is a client on a user node
 * behind its user's server (tenants whose user is the same server, rate and delay share one
 * node), or, without a user, on its first layer's server node (as LlmSimulation); its arrival
 * process gives the client's Requests, InterArrival (constant or exponential of the mean) and
 * start time (1 ms + start_s). The models' flows share the links. The run stops when every
 * model's client has finished, or at a safety limit of simulated time; it ends with
 * Simulator::Destroy() and Names::Clear().
 *
 * With one model and one request source this is LlmSimulation's run, event for event.
 * The transport setting's requests key is not used (each model's arrival process says how
 * many requests it has); its user key gives a user node to the models without one.
 */
class LlmMultiSimulation
{
  public:
    /// Listening port of model m's server applications: 9000 + 200 m (the ports between are
    /// left to its re-plans).
    static uint16_t ServerPort(std::size_t m);
    /// Port model m's client receives results on: 9001 + 200 m.
    static uint16_t ClientPort(std::size_t m);

    /**
     * @brief A run of one plan per model.
     * @param scenario the scenario
     * @param plans one plan per model, in the scenario's order (each for ModelScenario(m))
     * @param setting transport, links, queues
     * @throws LlmInputError if the plans do not fit the scenario (count, layers, servers,
     *         links, every model's storage on a server together above its κ_i), the setting is
     *         invalid, or the run would need more than LlmSimulation::MAX_SIMULATED_SECONDS
     */
    LlmMultiSimulation(const LlmMultiScenario& scenario,
                       const std::vector<LlmPlan>& plans,
                       const LlmTransportSetting& setting = {});

    /**
     * @brief The order the models' jobs get a shared server (default FIFO).
     * @param discipline the LlmComputeQueue discipline
     */
    void SetDiscipline(LlmComputeQueue::Discipline discipline);

    /**
     * @brief Set ns-3's run number (RngRun) before building (default: leave it as it is).
     * @param run the run number
     */
    void SetRngRun(uint64_t run);

    /**
     * @brief Ω_ij over time: the point-to-point links' DataRate follows the trace during the run,
     *        and every model's UDP senders pace at the current rate (LlmRunSetup::
     *        ApplyLinkTrace). The plans stay those given (no re-placement); the safety limit
     *        and the UDP token timeouts grow by the trace's worst slowdown.
     * @param trace the trace (of the shared servers' links)
     * @throws LlmInputError if a traced link is not a link of the scenario, or a D2D link
     *         carried over Wi-Fi
     */
    void SetLinkTrace(const LlmLinkTrace& trace);

    /**
     * @brief Servers that fail during the run (LlmRunSetup::ScheduleFailures): the node goes
     *        down and every model's server application on it crashes. Each model's client
     *        detects it by its FailureTimeout and re-plans alone with `solver` on the servers
     *        still up and the storage the other models leave there (their plans in use at that
     *        moment), then replays its requests' earlier tokens; a model whose re-plan finds
     *        no placement reports its remaining tokens failed (no-path). The run builds every
     *        link of the scenario.
     * @param schedule the failures (servers of the scenario)
     * @param failureTimeoutSeconds the clients' FailureTimeout, s (0: 3 × (Σ requests × T_m /
     *        n + the propagation delays of a token))
     * @param solver the re-plans' solver (LlmSolverFactory name)
     * @throws LlmInputError if a failure names a server the scenario does not have
     */
    void SetFailureSchedule(const LlmFailureSchedule& schedule,
                            double failureTimeoutSeconds = 0,
                            const std::string& solver = "ilp");

    /**
     * @brief Packet-level files of the run: pcap per device, an ASCII trace, FlowMonitor XML.
     * @param outputs the files (netAnimXml, tokenCsv and placementCsv must be empty: a
     *        several-model run has no single placement or token table)
     * @throws LlmInputError naming a file this run does not write
     */
    void SetOutputs(const LlmSimulationOutputs& outputs);

    /**
     * @brief A function called after installing, before the simulator runs (to connect your
     *        own traces, e.g. the LlmComputeQueue aggregated to a server node).
     * @param f the function; it gets the placement helper of every model and the server nodes
     */
    void SetInstalledCallback(
        std::function<void(const std::vector<LlmPlacementHelper*>&, const NodeContainer&)> f);

    /**
     * @brief Build, install, run, collect, destroy the simulator.
     * @return the result
     */
    LlmMultiSimulationResult Run();

    /// @return model m alone on the shared infrastructure, with the setting's delays
    const LlmScenario& GetModelScenario(std::size_t m) const;

  private:
    LlmMultiScenario m_scenario;       //!< The scenario
    LlmScenario m_infrastructure;      //!< Shared servers and links, setting's delays
    std::vector<LlmScenario> m_models; //!< ModelScenario(m), setting's delays
    std::vector<LlmPlan> m_plans;      //!< One plan per model
    std::vector<double> m_analytic;    //!< T_m per model
    LlmTransportSetting m_setting;     //!< Transport setting
    LlmSimulationOutputs m_outputs;    //!< Packet-level files to write
    LlmLinkTrace m_linkTrace;          //!< Ω_ij(t) (empty: static links)
    LlmFailureSchedule m_failures;     //!< Server failures (empty: none)
    double m_failureTimeout{0};        //!< FailureTimeout, s (0: default)
    std::string m_replanSolver{"ilp"}; //!< The re-plans' solver
    LlmComputeQueue::Discipline m_discipline{LlmComputeQueue::FIFO}; //!< Shared compute order
    double m_limit{0};       //!< Safety limit of simulated time, s
    bool m_hasRngRun{false}; //!< SetRngRun was called
    uint64_t m_rngRun{1};    //!< RngRun
    /// Installed callback
    std::function<void(const std::vector<LlmPlacementHelper*>&, const NodeContainer&)> m_installed;
};

} // namespace ns3

#endif // LLM_MULTI_SIMULATION_H

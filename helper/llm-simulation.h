// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SIMULATION_H
#define LLM_SIMULATION_H

#include "llm-placement-helper.h"
#include "llm-run-recorder.h"
#include "llm-simulation-outputs.h"
#include "llm-transport-setting.h"
#include "ns3/llm-failure-schedule.h"
#include "ns3/llm-link-trace.h"
#include "ns3/llm-replacement-policy.h"
#include "ns3/node-container.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The outcome of one simulated run.
 */
struct LlmSimulationResult
{
    /// One layer: the analytic cost beside the simulated one (summed over tokens and requests).
    struct Layer
    {
        std::string layer;              //!< Layer name
        std::string server;             //!< Server name
        uint32_t bits{0};               //!< b_l
        double computeModelSeconds{0};  //!< cp (eq. 3) × requests
        double computeSimSeconds{0};    //!< Simulated compute
        double transferModelSeconds{0}; //!< cm (eq. 4) × requests (0 for the last layer)
        double transferSimSeconds{0};   //!< Simulated transfer of its output
        /// Why the simulated transfer exceeds SLOW_TRANSFER_RATIO × the model (empty: it does
        /// not): the link's Ω, delay and the transport's limit that explains it
        std::string slowTransferCause;
    };

    /// A transfer simulated above this multiple of eq. 4 is flagged with its cause.
    static constexpr double SLOW_TRANSFER_RATIO = 1.5;

    double analyticSeconds{0};     //!< T of the plan (eq. 1), one request
    double computeBoundSeconds{0}; //!< Σ cp of the plan, one request: the transfer-free floor
    double accessSeconds{0};       //!< The user's access path in T (0 without a scenario user), s
    double simulatedSeconds{0};    //!< Completion of every request (0 if one is unfinished)
    double simulatedComputeSeconds{0};  //!< Σ of simulated layer compute
    double simulatedTransferSeconds{0}; //!< Σ of simulated layer transfers
    std::vector<Layer> layers;          //!< Per layer
    std::string setting;                //!< Transport setting name
    std::string transport;              //!< tcp or udp
    uint32_t requests{1};               //!< Requests
    uint32_t requestsCompleted{0};      //!< Requests whose every token completed
    /// Latency of the completed requests (first token sent to last token back), s: mean, p50,
    /// p95, p99 (nearest rank); 0 without a completed request
    double requestLatencyMean{0};
    double requestLatencyP50{0};         //!< Median request latency, s
    double requestLatencyP95{0};         //!< 95th percentile, s
    double requestLatencyP99{0};         //!< 99th percentile, s
    double throughputTokensPerSecond{0}; //!< Completed tokens per simulated second (each token
                                         //!< is β sequences' next token)
    uint64_t tokensRequested{0};         //!< requests × n
    uint64_t tokensStarted{0};           //!< Tokens whose input was sent
    uint64_t tokensCompleted{0};         //!< Tokens whose result arrived
    uint64_t tokensFailed{0};            //!< Tokens failed, cut off ones included
    uint64_t tokensUnfinished{0};        //!< Of those, tokens still running when the run was cut
                                         //!< off (reason "cut-off")
    std::map<std::string, uint64_t> failures; //!< Failed tokens by reason: timeout, lost,
                                              //!< unreachable, cut-off
    uint64_t bytesSent{0};                    //!< IP bytes sent (FlowMonitor)
    uint64_t packetsSent{0};                  //!< Packets sent (FlowMonitor)
    uint64_t packetsReceived{0};              //!< Packets received (FlowMonitor)
    uint64_t packetsLost{0};             //!< Packets FlowMonitor calls lost (10 s without news)
    uint64_t flows{0};                   //!< FlowMonitor flows
    double meanDelaySeconds{0};          //!< Mean one-way packet delay (FlowMonitor)
    uint64_t dropsCorrupted{0};          //!< Packets a device's error model corrupted
    uint64_t dropsQueue{0};              //!< Packets a full queue disc or device queue dropped
    uint64_t dropsWifi{0};               //!< Wi-Fi frames dropped at the retry limit
    uint64_t events{0};                  //!< Simulator events executed
    double wallSeconds{0};               //!< Wall time of Simulator::Run
    double endSeconds{0};                //!< Simulated time when the run ended, s
    bool stoppedBySafetyLimit{false};    //!< The run hit its simulated-time safety limit
    double safetyLimitSeconds{0};        //!< That limit, s of simulated time
    std::string linkTraceSource;         //!< The link trace's file or source (empty: no trace)
    uint64_t linkTraceRows{0};           //!< Rows of the link trace
    uint64_t linkTraceLinks{0};          //!< Links the trace names
    uint64_t linkTraceLinksSimulated{0}; //!< Of those, links the run built (the others carry
                                         //!< none of the plan's traffic)
    uint64_t linkRateChanges{0};         //!< Device DataRate changes the trace made during the run
                                         //!< (rows that repeat the current rate change nothing)
    std::string failureSchedule;         //!< The failure schedule as items (empty: none)
    double failureTimeoutSeconds{0};     //!< The client's FailureTimeout, s
    uint64_t serversFailed{0};           //!< Server failures applied before the run ended
    uint64_t serversRepaired{0};         //!< Repairs applied before the run ended
    uint32_t replans{0};                 //!< Re-plans that installed a new pipeline
    double replaySeconds{0};             //!< Simulated time spent replaying, summed over the
                                         //!< requests and re-plans, s
    uint64_t replays{0};                 //!< Replays completed
    uint64_t kvMisses{0};                //!< Token jobs that ran without their KV cache
    std::string replacementPolicy;       //!< never, periodic or threshold (empty: no policy set)
    uint64_t replacementChecks{0};       //!< Checks the policy made
    uint64_t migrations{0};              //!< Migrations switched to (each also a re-plan)
    uint64_t migrationBytes{0};          //!< Weight bytes the decided migrations sent
    double migrationSeconds{0};          //!< Simulated time from decisions to switches, summed, s
    /// The re-plans (with those that found no placement: no-path)
    std::vector<LlmPlacementHelper::ReplanRecord> replanEvents;

    /// @return dropsCorrupted + dropsQueue + dropsWifi
    uint64_t GetDrops() const;

    /**
     * @brief The result as a table for people: per layer the analytic compute (cp) and
     *        transfer (cm) time beside the simulated ones, then T, the simulated completion,
     *        tokens and FlowMonitor totals.
     * @return the text
     */
    std::string ToText() const;

    /**
     * @brief The result as JSON (keys analytic_s, simulated_s, tokens_*, bytes_sent, layers,
     *        flow_monitor, drops, ...).
     * @return pretty-printed JSON text (an object, without the plan)
     */
    std::string ToJson() const;
};

/**
 * @ingroup edge-llm
 * @brief One simulated run: a plan of a scenario, carried in one transport setting, from
 *        building the nodes to the result. Every edge-llm program, the sweep and the tests run
 *        plans through it.
 *
 * Run() builds what the user did not give (the scenario's two-tier topology with
 * EdgeTopologyHelper, shaped by the setting: MTU, queue, loss, delays, D2D medium, user node),
 * installs the applications with LlmPlacementHelper, sets the transport on the objects it
 * creates (messengers, sockets, each node's TcpL4Protocol: no Config::SetDefault, so nothing
 * carries over to the next run in the same process), runs, collects the result, writes the
 * requested output files and ends with Simulator::Destroy() and Names::Clear().
 *
 * @code
 *   LlmSimulation run(scenario, plan, setting);
 *   LlmSimulationOutputs outputs;
 *   outputs.flowMonitorXml = "flows.xml";
 *   run.SetOutputs(outputs);
 *   LlmSimulationResult r = run.Run();
 * @endcode
 */
class LlmSimulation
{
  public:
    /// Most simulated time a run may need, s (FlowMonitor and TCP timers tick through it).
    static constexpr double MAX_SIMULATED_SECONDS = 1e8;

    /**
     * @brief A run of a plan.
     * @param scenario the scenario
     * @param plan a plan with a placement for it
     * @param setting transport, links, request source
     * @throws LlmInputError if the plan has no placement, the setting is invalid, or the run
     *         would need more than MAX_SIMULATED_SECONDS of simulated time
     */
    LlmSimulation(const LlmScenario& scenario,
                  const LlmPlan& plan,
                  const LlmTransportSetting& setting = {});

    /**
     * @brief Use the user's own nodes instead of building the topology.
     *
     * The nodes must have the Internet stack, addresses and routes. Settings that shape links
     * (mtu, ideal, loss, queue, delays, d2d, all-links, user) are then the user's to build and
     * are refused here; transport, congestion control, socket buffer and requests apply.
     * @param servers one node per scenario server, in order
     * @param client the request source's node (null: the first layer's server)
     */
    void SetNodes(const NodeContainer& servers, Ptr<Node> client = nullptr);

    /**
     * @brief Files to write.
     * @param outputs the files
     */
    void SetOutputs(const LlmSimulationOutputs& outputs);

    /**
     * @brief Set ns-3's run number (RngRun) before building (default: leave it as it is).
     * @param run the run number
     */
    void SetRngRun(uint64_t run);

    /**
     * @brief A function called after installing, before the simulator runs (to connect your
     *        own traces or add applications).
     * @param f the function; it gets the placement helper
     */
    void SetInstalledCallback(std::function<void(LlmPlacementHelper&)> f);

    /**
     * @brief Make the links' capacities follow a trace during the run (default: the
     *        scenario's static Ω_ij throughout).
     *
     * At each row's time, the DataRate of the point-to-point device at server i on the link to
     * server j (the one that sends i → j) becomes the row's rate; rows at time 0 apply before
     * the first packet, and a row that repeats a device's current rate schedules nothing, so a
     * trace that never changes a rate gives the run without a trace, event for event. The plan
     * and the analytic T stay those of the static Ω_ij. Rows of links the run does not build
     * (SetPlanLinksOnly: not on the plan's path) change nothing. The safety limit of simulated
     * time grows by the trace's worst slowdown (LlmLinkTrace::GetMaxSlowdown). UDP keeps pacing
     * at the static Ω_ij (the sender does not learn the new rate).
     * @param trace the trace (its rows name servers and links of the scenario)
     * @throws LlmInputError if a row names a link the scenario lacks, or a D2D link while the
     *         setting carries D2D traffic over Wi-Fi (no point-to-point device to change)
     */
    void SetLinkTrace(const LlmLinkTrace& trace);

    /**
     * @brief Make servers fail during the run (default: none).
     *
     * At each failure the server's node goes down: every IPv4 interface but the loopback is
     * set down (the node neither sends nor receives, on any kind of device) and its
     * server application crashes (queue, job computing and KV cache lost); global routes are
     * recomputed (not with Wi-Fi D2D, whose routes are one-hop static ones). A repair brings the
     * interfaces back. The client detects a failure by its FailureTimeout and re-plans with the
     * solver of SetReplanSolver on the servers still up; see EdgeLlmClientApplication. A run
     * with failures builds every link of the scenario (as the all-links setting), since a
     * re-plan may use any of them.
     * @param schedule the failures (its servers are the scenario's)
     * @param failureTimeoutSeconds the client's FailureTimeout, s (0: 3 × (requests × T / n +
     *        the propagation delays a token crosses), at least 10 ms)
     * @throws LlmInputError on a server the scenario lacks, a negative timeout, or a scenario
     *         whose replay message would exceed 4 GiB
     */
    void SetFailureSchedule(const LlmFailureSchedule& schedule, double failureTimeoutSeconds = 0);

    /**
     * @brief Re-place while the links change (default: none; needs a link trace unless the
     *        kind is never).
     *
     * Every periodSeconds of simulated time the policy checks the running placement against
     * Ω_ij(now) of the trace (LlmReplacementPolicy::Check, re-solving with the plan's own
     * solver, which costs wall time) with the share of the tokens not yet finished. On a
     * migration, the weights of every layer that changes server (p_l · b_l / 8 bytes) are
     * sent from its old server's node to its new one over TCP (one bulk transfer per server
     * pair), sharing the links with the tokens; when all have arrived the servers and the
     * client switch to the new plan as after a failure re-plan (new epoch, KV replay). The run
     * builds every link of the scenario. The result then reports the checks, migrations,
     * weight bytes and migration time.
     * @param config the policy
     * @throws LlmInputError on a period that is not > 0 (Run refuses a kind other than never
     *         without a link trace)
     */
    void SetReplacementPolicy(const LlmReplacementPolicy::Config& config);

    /**
     * @brief The solver a re-plan uses (default: the ILP).
     * @param name a name of LlmSolverFactory::Names()
     * @param options its options
     */
    void SetReplanSolver(const std::string& name, const LlmSolverOptions& options = {});

    /**
     * @brief Build, install, run, collect, write the outputs, destroy the simulator.
     * @return the result
     * @throws LlmInputError if an output file cannot be written or the nodes do not fit
     */
    LlmSimulationResult Run();

    /// @return the scenario the run simulates (with the setting's delays)
    const LlmScenario& GetScenario() const;

  private:
    /// Write the output files that need the finished run.
    void WriteTokenCsv(const LlmRunRecorder& recorder) const;
    /// Write the placement table.
    void WritePlacementCsv(const LlmSimulationResult& r) const;
    /**
     * Why a transfer from server `from` to server `to` is slower than eq. 4: the link's Ω and
     * delay against the transport (window = socket buffer over the RTT, latency, headers).
     */
    std::string SlowTransferCause(std::size_t from, std::size_t to) const;
    LlmScenario m_scenario;         //!< Scenario, with the setting's delays applied
    double m_limit{0};              //!< Safety limit of simulated time, s
    double m_tokenDelaySeconds{0};  //!< Propagation delay a token's messages may cross, s
    LlmPlan m_plan;                 //!< The plan
    LlmTransportSetting m_setting;  //!< Transport setting
    LlmSimulationOutputs m_outputs; //!< Files to write
    NodeContainer m_servers;        //!< User's server nodes (empty: build the topology)
    Ptr<Node> m_client;             //!< User's client node
    bool m_hasRngRun{false};        //!< SetRngRun was called
    uint64_t m_rngRun{1};           //!< RngRun
    std::function<void(LlmPlacementHelper&)> m_installed; //!< Installed callback
    LlmLinkTrace m_linkTrace;                             //!< Ω_ij(t) (empty: static links)
    LlmFailureSchedule m_failures;                        //!< Server failures (empty: none)
    double m_failureTimeout{0};                           //!< FailureTimeout, s (0: default)
    std::string m_replanSolver{"ilp"};                    //!< Solver of the re-plans
    LlmSolverOptions m_replanOptions;                     //!< Its options
    std::optional<LlmReplacementPolicy::Config> m_policy; //!< Re-placement (empty: none)
};

} // namespace ns3

#endif // LLM_SIMULATION_H

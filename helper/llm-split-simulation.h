// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_SIMULATION_H
#define LLM_SPLIT_SIMULATION_H

#include "llm-transport-setting.h"
#include "ns3/application-container.h"
#include "ns3/llm-split-setting.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

class LlmSplitCloudApplication;

/**
 * @ingroup edge-llm
 * @brief The outcome of one LlmSplitSimulation run.
 */
struct LlmSplitSimulationResult
{
    /// Mean and nearest-rank percentiles of a sample, s (all 0 without samples).
    struct Stats
    {
        uint64_t samples{0}; //!< Sample size
        double mean{0};      //!< Mean, s
        double p50{0};       //!< Median, s
        double p95{0};       //!< 95th percentile, s
    };

    /// One device.
    struct Device
    {
        Stats ttft;                               //!< Time to first token, s
        Stats tpot;                               //!< Time per output token, s
        uint64_t tokensRequested{0};              //!< Requests × G
        uint64_t tokensCompleted{0};              //!< Token ids that arrived
        uint64_t tokensFailed{0};                 //!< Tokens failed (cut off included)
        std::map<std::string, uint64_t> failures; //!< Failed tokens by reason
        int64_t firstFailedToken{-1}; //!< First failed token of its first failing request
        std::string firstFailReason;  //!< Its reason (empty: no failure)
        double computeSeconds{0};     //!< Device compute, s
    };

    std::string mode;      //!< "split" or "cloud-only"
    std::string setting;   //!< Transport setting name
    std::string transport; //!< tcp or udp
    uint32_t devices{0};   //!< K

    double analyticTtftSeconds{0};          //!< LlmSplitSetting::AnalyticTtftSeconds, s
    double analyticTpotSeconds{0};          //!< LlmSplitSetting::AnalyticTpotSeconds, s
    uint32_t analyticMemoryFailureToken{0}; //!< First step memory refuses (G: none)

    Stats ttft; //!< Over every device's requests, s
    Stats tpot; //!< Over every device's decode tokens, s

    uint64_t tokensRequested{0};              //!< K × requests × G
    uint64_t tokensCompleted{0};              //!< Token ids that arrived
    uint64_t tokensFailed{0};                 //!< Failed, cut off included (sum = requested)
    uint64_t tokensCutOff{0};                 //!< Of those, still running at the run's end
    std::map<std::string, uint64_t> failures; //!< Failed tokens by reason (memory, lost,
                                              //!< timeout, unreachable, aborted, cut-off)

    double cloudBusySeconds{0};         //!< Time the cloud computed, s
    double cloudUtilization{0};         //!< Busy / (endSeconds − startSeconds), 0 ... 1
    double cloudMeanQueueingSeconds{0}; //!< Mean queueing delay of a cloud job, s
    double cloudP95QueueingSeconds{0};  //!< 95th percentile of it, s
    uint64_t cloudJobs{0};              //!< Jobs the cloud computed
    uint32_t cloudMaxQueue{0};          //!< Longest queue of waiting jobs

    uint64_t sharedBytesUp{0};     //!< Bytes router → cloud on the shared link (PPP included)
    uint64_t sharedBytesDown{0};   //!< Bytes cloud → router on the shared link
    uint64_t sharedPacketsUp{0};   //!< Packets router → cloud
    uint64_t sharedPacketsDown{0}; //!< Packets cloud → router
    uint64_t drops{0};             //!< Packets dropped (full queues, corruption)

    uint64_t events{0};               //!< Simulator events executed
    double wallSeconds{0};            //!< Wall time of Simulator::Run, s
    double startSeconds{0};           //!< First request's arrival (after the handshake), s
    double endSeconds{0};             //!< Simulated time at the end (last request's end), s
    bool stoppedBySafetyLimit{false}; //!< The run hit its simulated-time limit
    double safetyLimitSeconds{0};     //!< That limit, s

    std::vector<Device> perDevice; //!< One per device, in order

    /// @return sharedBytesUp + sharedBytesDown
    uint64_t GetSharedBytes() const;

    /**
     * @brief The result for people: analytic beside simulated TTFT and TPOT, tokens, the
     *        cloud's load, the shared link, wall time.
     * @return the text
     */
    std::string ToText() const;
};

/**
 * @ingroup edge-llm
 * @brief One packet-level run of adaptive split computing: K devices, one cloud.
 *
 * Topology: each device on its own point-to-point access link to a router (device → router at
 * uplinkBps, router → device at downlinkBps, accessDelaySeconds), the router to the cloud over
 * one shared point-to-point link (sharedBps both ways, sharedDelaySeconds); one /30 per link,
 * global routing. An LlmSplitDeviceApplication on each device, one LlmSplitCloudApplication
 * on the cloud, all talking through LlmMessenger.
 *
 * From the LlmTransportSetting: transport (tcp, udp), mtu, ideal (no propagation delay),
 * loss, congestion control, queue (FIFO queue disc in front of every device) and socket
 * buffer; set on this run's objects only (never Config::SetDefault). Keys about the edge
 * topology of LlmSimulation (d2d, d2d-delay, wan-delay, all-links, user, requests) are
 * refused: the LlmSplitSetting holds the delays and the requests.
 *
 * The analytic TTFT and TPOT are those of one device alone (LlmSplitSetting): compute plus
 * (bytes + header)·8 at the slowest hop's rate plus propagation; queueing at the cloud and
 * TCP/IP effects are not in them, so the simulated figures exceed them by the headers on
 * ideal links and by the contention with K devices.
 */
class LlmSplitSimulation
{
  public:
    /// Most simulated time a run may need, s.
    static constexpr double MAX_SIMULATED_SECONDS = 1e8;

    /**
     * @brief A run.
     * @param setting the split computing setting (K, compute, payloads, memory, links)
     * @param transport transport and link shaping
     * @throws LlmInputError on an invalid setting, a refused key, or a run that would need
     *         more than MAX_SIMULATED_SECONDS
     */
    LlmSplitSimulation(const LlmSplitSetting& setting, const LlmTransportSetting& transport = {});

    /**
     * @brief Set ns-3's run number (RngRun) before building (default: leave it).
     * @param run the run number
     */
    void SetRngRun(uint64_t run);

    /**
     * @brief A function called after installing, before the simulator runs (to connect traces).
     * @param f the function; it gets the device applications (in device order) and the cloud's
     */
    void SetInstalledCallback(
        std::function<void(const ApplicationContainer&, Ptr<LlmSplitCloudApplication>)> f);

    /**
     * @brief Build, run, collect, destroy the simulator.
     * @return the result
     */
    LlmSplitSimulationResult Run();

  private:
    LlmSplitSetting m_setting;       //!< The split setting
    LlmTransportSetting m_transport; //!< The transport setting
    double m_limit{0};               //!< Safety limit of simulated time, s
    double m_tokenTimeout{0};        //!< UDP token timeout, s (0: TCP, none)
    bool m_hasRngRun{false};         //!< SetRngRun was called
    uint64_t m_rngRun{1};            //!< RngRun
    std::function<void(const ApplicationContainer&, Ptr<LlmSplitCloudApplication>)>
        m_installed; //!< Installed callback
};

} // namespace ns3

#endif // LLM_SPLIT_SIMULATION_H

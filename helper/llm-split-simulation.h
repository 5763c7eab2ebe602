// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_SIMULATION_H
#define LLM_SPLIT_SIMULATION_H

#include "llm-simulation.h"
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
    std::string access;    //!< Access medium: p2p, wifi-ac or wifi-ax
    uint32_t devices{0};   //!< K
    double uplinkBps{0};   //!< Access rate up the analytic figures use (Wi-Fi: the PHY rate)
    double downlinkBps{0}; //!< Access rate down the analytic figures use, bit/s
    uint32_t stationsAssociated{0}; //!< Wi-Fi: stations associated at the warm-up
    uint32_t stationsReady{0};      //!< Wi-Fi: stations whose warm-up passed both ways
    uint32_t warmupRounds{0};       //!< Wi-Fi: warm-up rounds
    double associationSeconds{0};   //!< Wi-Fi: when the devices started (association and
                                    //!< warm-up done, or their deadlines), s

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
 * Wi-Fi access (SetAccess): the devices are the stations of one 802.11ac or 802.11ax network
 * whose access point is the router (EdgeTopologyHelper::InstallWifiDevices: IdealWifiManager,
 * 80 MHz at 5 GHz; RTS/CTS before every frame; the devices on a circle of ACCESS_RADIUS_METRES
 * around the access point, all in range of each other, one /16). They contend for one
 * medium; the PHY rate and the MAC
 * set the transfer times, so uplinkBps and downlinkBps play no part: the analytic figures use
 * the standard's nominal PHY rate (EdgeTopologyHelper::GetWifiPhyRate) both ways instead, and
 * accessDelaySeconds moves onto the shared link (the path device–cloud keeps its propagation
 * delay; the air adds nanoseconds). The devices start once every station has associated (at
 * ASSOCIATION_DEADLINE_SECONDS at the latest), its ARP entries are in place and a warm-up
 * exchange with the access point has passed both ways (WARMUP_DEADLINE_SECONDS at the latest;
 * it steps over a Block Ack set-up race of ns-3's Wi-Fi that would stall a flow for ever). The
 * shared link stays point-to-point.
 *
 * From the LlmTransportSetting: transport (tcp, udp), mtu (at most 2296 with Wi-Fi), ideal
 * (no propagation delay), loss (every point-to-point device's receive error model and every
 * Wi-Fi PHY's post-reception error model), congestion control, queue (FIFO queue disc in front
 * of every point-to-point device; Wi-Fi keeps ns-3's MAC queues and queue discs) and socket
 * buffer; set on this run's objects only (never Config::SetDefault). Keys about the edge
 * topology of LlmSimulation (d2d, d2d-delay, wan-delay, all-links, user, requests) are
 * refused: the LlmSplitSetting holds the delays and the requests, SetAccess the medium.
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
    /// Wi-Fi access: the devices start at the latest this long after the run's start, s,
    /// associated or not (a device that is not fails its tokens through the transport).
    static constexpr double ASSOCIATION_DEADLINE_SECONDS = 60;
    /// Wi-Fi access: the devices start at the latest this long after the warm-up began, s.
    static constexpr double WARMUP_DEADLINE_SECONDS = 2;
    /// Wi-Fi access: distance of every device from the access point, m.
    static constexpr double ACCESS_RADIUS_METRES = 2;

    /// The medium between the devices and the router.
    enum class Access
    {
        P2P,     //!< A point-to-point link per device (uplinkBps, downlinkBps)
        WIFI_AC, //!< One 802.11ac network: the devices its stations, the router its AP
        WIFI_AX  //!< One 802.11ax network: the devices its stations, the router its AP
    };

    /**
     * @brief Read an access medium.
     * @param text p2p, wifi-ac or wifi-ax
     * @param field what errors name (e.g. "--access")
     * @return the medium
     * @throws LlmInputError naming the field on another text
     */
    static Access ParseAccess(const std::string& text, const std::string& field);

    /**
     * @brief The name of an access medium.
     * @param access the medium
     * @return p2p, wifi-ac or wifi-ax
     */
    static std::string GetAccessName(Access access);

    /**
     * @brief The setting a run with this access medium simulates and analyses: with Wi-Fi,
     *        uplinkBps and downlinkBps are the standard's nominal PHY rate
     *        (EdgeTopologyHelper::GetWifiPhyRate) and accessDelaySeconds is added to
     *        sharedDelaySeconds (then 0); with p2p, the setting unchanged.
     * @param setting the split setting
     * @param access the medium
     * @return the setting
     */
    static LlmSplitSetting WithAccess(const LlmSplitSetting& setting, Access access);

    /**
     * @brief A run.
     * @param setting the split computing setting (K, compute, payloads, memory, links)
     * @param transport transport and link shaping
     * @throws LlmInputError on an invalid setting, a refused key, or a run that would need
     *         more than MAX_SIMULATED_SECONDS
     */
    LlmSplitSimulation(const LlmSplitSetting& setting, const LlmTransportSetting& transport = {});

    /**
     * @brief The medium between the devices and the router (default P2P).
     * @param access the medium
     * @throws LlmInputError if the transport's MTU exceeds Wi-Fi's 2296 bytes, or the run would
     *         need more than MAX_SIMULATED_SECONDS
     */
    void SetAccess(Access access);

    /**
     * @brief Files to write (each optional): pcap per device (point-to-point and Wi-Fi),
     *        an ASCII trace of every device, FlowMonitor XML, a NetAnim trace and a token CSV
     *        (device,request,token,status,time_s,latency_s,reason: one row per token that
     *        completed or failed; latency since its step started, the prefill's since its
     *        request's arrival). An ASCII trace needs packet metadata from the process's first
     *        packet: ask for it in the process's first run.
     * @param outputs the files; placementCsv has no meaning here
     * @throws LlmInputError if placementCsv is set
     */
    void SetOutputs(const LlmSimulationOutputs& outputs);

    /**
     * @brief Set ns-3's run number (RngRun) before building (default: leave it).
     * @param run the run number
     */
    void SetRngRun(uint64_t run);

    /**
     * @brief A function called after installing, before the simulator runs (to connect traces).
     *
     * With Wi-Fi access the device applications join their nodes only when the devices start
     * (after the association): set their attributes and connect their traces here, without
     * their nodes.
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
    /**
     * @brief The safety limit and UDP's token timeout of the current setting and access.
     * @throws LlmInputError if the run would need more than MAX_SIMULATED_SECONDS
     */
    void ComputeLimits();

    /**
     * @brief Write the token CSV.
     * @param rows its rows, without the header
     * @throws LlmInputError if it cannot be written
     */
    void WriteTokenCsv(const std::vector<std::string>& rows) const;

    LlmSplitSetting m_given;         //!< The split setting as given
    LlmSplitSetting m_setting;       //!< The setting simulated (WithAccess of m_given)
    LlmTransportSetting m_transport; //!< The transport setting
    Access m_access{Access::P2P};    //!< The access medium
    LlmSimulationOutputs m_outputs;  //!< Files to write
    double m_limit{0};               //!< Safety limit of simulated time, s
    double m_tokenTimeout{0};        //!< UDP token timeout, s (0: TCP, none)
    bool m_hasRngRun{false};         //!< SetRngRun was called
    uint64_t m_rngRun{1};            //!< RngRun
    std::function<void(const ApplicationContainer&, Ptr<LlmSplitCloudApplication>)>
        m_installed; //!< Installed callback
};

} // namespace ns3

#endif // LLM_SPLIT_SIMULATION_H

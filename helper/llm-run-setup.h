// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_RUN_SETUP_H
#define LLM_RUN_SETUP_H

#include "llm-simulation-outputs.h"
#include "llm-transport-setting.h"
#include "ns3/ipv4-routing-table-entry.h"
#include "ns3/llm-failure-schedule.h"
#include "ns3/llm-link-trace.h"
#include "ns3/llm-scenario.h"
#include "ns3/node-container.h"
#include "ns3/node.h"

#include <cstdint>
#include <map>
#include <vector>

namespace ns3
{

class EdgeTopologyHelper;
class LlmPlacementHelper;

/**
 * @ingroup edge-llm
 * @brief The steps every simulated run of this module takes to carry its traffic in one
 *        LlmTransportSetting, shared by the run builders (LlmMultiSimulation; they are the
 *        steps LlmSimulation::Run takes).
 *
 * Everything is set on the run's own objects (the topology helper, the placement helper's
 * factories, each node's TcpL4Protocol): no Config::SetDefault, so nothing carries over to the
 * next run of the same process.
 */
class LlmRunSetup
{
  public:
    /**
     * @brief Give the scenario's links the setting's propagation delays (d2d-delay on links
     *        between edge servers, wan-delay on links to the cloud; unset keeps delay_s). The
     *        delays shape the simulated links only (eq. 4 has none).
     * @param scenario the scenario to change
     * @param setting the setting
     */
    static void ApplyDelays(LlmScenario& scenario, const LlmTransportSetting& setting);

    /**
     * @brief The largest propagation delay of the scenario's links as the run builds them
     *        (0 with the ideal setting).
     * @param scenario the scenario (after ApplyDelays)
     * @param setting the setting
     * @return seconds
     */
    static double MaxDelay(const LlmScenario& scenario, const LlmTransportSetting& setting);

    /**
     * @brief Shape the links a topology helper will build: MTU, the FIFO queue disc, propagation
     *        delays (or none: ideal), the D2D medium (Wi-Fi) and the packet error rate.
     *        Plan links and user nodes are the caller's.
     * @param topology the helper, before Install
     * @param setting the setting
     */
    static void ShapeTopology(EdgeTopologyHelper& topology, const LlmTransportSetting& setting);

    /**
     * @brief Set the setting's TCP congestion control on every node that has TCP (after the
     *        nodes are built; nothing without a congestion-control key).
     * @param setting the setting
     */
    static void SetCongestionControl(const LlmTransportSetting& setting);

    /**
     * @brief Set the transport of every messenger a placement helper creates: TCP or UDP,
     *        segment and datagram sizes from the MTU, the TCP socket buffer.
     * @param placement the helper, before Install
     * @param setting the setting
     */
    static void SetTransport(LlmPlacementHelper& placement, const LlmTransportSetting& setting);

    /**
     * @brief The UDP client's TokenTimeout: ten times a token's share of the time its requests
     *        take back to back, plus the propagation delays its messages cross, plus 1 s.
     * @param requestSeconds the time one request's n tokens take alone (T), s
     * @param requests requests
     * @param tokens n
     * @param tokenDelaySeconds propagation delay a token's messages may cross, s
     * @return seconds
     */
    static double UdpTokenTimeout(double requestSeconds,
                                  uint32_t requests,
                                  uint32_t tokens,
                                  double tokenDelaySeconds);

    /// Drops counted where they happen.
    struct Drops
    {
        uint64_t corrupted{0}; //!< Packets a device's error model corrupted
        uint64_t queue{0};     //!< Packets a full queue disc or device queue dropped
        uint64_t wifi{0};      //!< Wi-Fi frames dropped at the retry limit
    };

    /**
     * @brief Before a run creates its first packet: refuse an output file that cannot be
     *        written (naming it; ns-3's own writers abort or stay silent), and switch ns-3's
     *        packet metadata on for an ASCII trace. Metadata can only be switched on before the
     *        process's first packet, so an ASCII trace asked for after a run without one is
     *        refused (the state is shared by every run builder of the process).
     * @param outputs the files of the run
     * @throws LlmInputError naming the file
     */
    static void PrepareOutputs(const LlmSimulationOutputs& outputs);

    /**
     * @brief Trace every point-to-point, CSMA and Wi-Fi device of the run to the pcap files and
     *        the ASCII trace of the outputs (after the devices exist, before the run).
     * @param outputs the files (empty ones: nothing)
     */
    static void EnablePacketTraces(const LlmSimulationOutputs& outputs);

    /**
     * @brief Refuse a link trace a run of this scenario and setting cannot follow: a link the
     *        scenario does not have, or a D2D link carried over Wi-Fi (whose rate the PHY sets).
     * @param trace the trace
     * @param scenario the simulated scenario (shared servers and links)
     * @param setting the transport setting (its D2D medium)
     * @throws LlmInputError naming the trace, the line and the link
     */
    static void CheckLinkTrace(const LlmLinkTrace& trace,
                               const LlmScenario& scenario,
                               const LlmTransportSetting& setting);

    /// What a link trace did in a run.
    struct LinkTraceCounts
    {
        uint64_t links{0};          //!< Links the trace names
        uint64_t linksSimulated{0}; //!< Of those, links the run built
        uint64_t rateChanges{0};    //!< DataRate changes made during the run (so far)
    };

    /**
     * @brief Set the trace's rows at 0 s and schedule its later ones: each changes the
     *        point-to-point device's DataRate from its next packet on and, at the same instant,
     *        the rate every placement's UDP senders pace at on that link
     *        (LlmPlacementHelper::SetPacingRate). Rows of links the run did not build change
     *        nothing (counted apart).
     * @param trace the trace (empty: nothing)
     * @param scenario the simulated scenario (server i is node i of servers)
     * @param servers the server nodes
     * @param placements the placements whose senders pace (they must outlive the run)
     * @param requireEveryLink refuse a traced link without a device (nodes the caller built)
     * @param counts filled now and during the run (it must outlive the run)
     * @throws LlmInputError if requireEveryLink and a traced link has no point-to-point device
     */
    static void ApplyLinkTrace(const LlmLinkTrace& trace,
                               const LlmScenario& scenario,
                               const NodeContainer& servers,
                               const std::vector<LlmPlacementHelper*>& placements,
                               bool requireEveryLink,
                               LinkTraceCounts& counts);

    /**
     * @brief Take a server's node down or back: every IPv4 interface but the loopback (a down
     *        interface drops what the node sends and receives, on any device), keeping its host
     *        and default static routes to restore; then the global routes are recomputed.
     * @param node the node
     * @param up true to bring it back
     * @param globalRoutes recompute the global routes (point-to-point D2D)
     * @param saved the node's saved static routes (filled going down, used coming back)
     */
    static void SetNodeUp(Ptr<Node> node,
                          bool up,
                          bool globalRoutes,
                          std::vector<Ipv4RoutingTableEntry>* saved);

    /// What the failures of a run did (it must outlive the run).
    struct FailureState
    {
        uint64_t failed{0};   //!< Failures applied
        uint64_t repaired{0}; //!< Repairs applied
        /// Per server: its static routes while down
        std::map<uint32_t, std::vector<Ipv4RoutingTableEntry>> savedRoutes;
    };

    /**
     * @brief Schedule a failure schedule: at each failure the server's node goes down
     *        (SetNodeUp) and every placement learns it (LlmPlacementHelper::NotifyServerDown:
     *        its server application there crashes, losing its queue and KV cache); at a repair
     *        the node comes back without that state (NotifyServerUp).
     * @param schedule the failures
     * @param scenario the scenario (server i is node i of servers)
     * @param servers the server nodes
     * @param placements every placement on those nodes (one per LLM; they must outlive the run)
     * @param globalRoutes recompute the global routes at each change
     * @param state the counts and saved routes (it must outlive the run)
     */
    static void ScheduleFailures(const LlmFailureSchedule& schedule,
                                 const LlmScenario& scenario,
                                 const NodeContainer& servers,
                                 const std::vector<LlmPlacementHelper*>& placements,
                                 bool globalRoutes,
                                 FailureState& state);

    /**
     * @brief Count drops on every device and queue disc of every node (after the nodes are
     *        built): corrupted on receive, at a full queue, at the Wi-Fi retry limit.
     * @param drops where to count (must outlive the run)
     */
    static void ConnectDrops(Drops& drops);
};

} // namespace ns3

#endif // LLM_RUN_SETUP_H

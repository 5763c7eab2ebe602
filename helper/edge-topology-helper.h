// SPDX-License-Identifier: GPL-2.0-only

#ifndef EDGE_TOPOLOGY_HELPER_H
#define EDGE_TOPOLOGY_HELPER_H

#include "ns3/llm-placement-solver.h"
#include "ns3/llm-scenario.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-helper.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class WifiMacHelper;

/**
 * @ingroup edge-llm
 * @brief Builds the DILEMMA paper's two-tier system from a scenario.
 *
 * One node per server (edge servers and the cloud, in the scenario's order). Every pair of
 * servers with a link in either direction gets a point-to-point link whose device on i sends
 * at Ω_ij and on j at Ω_ji (a direction absent from the scenario takes the other's rate; the
 * plans never use it), with the link's delay_s as propagation delay (the larger of the two
 * directions). The edge mesh (D2D) and the cloud's WAN links are both such links. Installs the
 * Internet stack, one /30 subnet per link and global routing.
 */
class EdgeTopologyHelper
{
  public:
    /**
     * @brief Build from a scenario.
     * @param scenario the scenario (copied)
     */
    explicit EdgeTopologyHelper(const LlmScenario& scenario);

    /**
     * @brief Transmit queue of every point-to-point device (default "1000p").
     *
     * The queue is a FIFO queue disc of this size in front of the device (whose own queue
     * holds one packet), so that the size is what a sender's burst really meets: otherwise
     * ns-3 puts a 1000-packet pfifo_fast queue disc in front of any device queue.
     * @param size a QueueSize string such as "1000p" or "10MB"
     * @throws LlmInputError if the string is not a queue size
     */
    void SetQueueSize(const std::string& size);
    /**
     * @brief Check a queue size string without setting it, as ns-3's QueueSize would read it
     *        (it aborts on a malformed one): digits, then p, B, kB, KB, MB, KiB or MiB, at
     *        most 2^32 − 1 packets or bytes (QueueSize holds 32 bits).
     * @param size a QueueSize string such as "1000p" or "10MB"
     * @param source what errors name as the source
     * @param field what errors name as the field
     * @throws LlmInputError if the string is not a positive queue size
     */
    static void CheckQueueSize(const std::string& size,
                               const std::string& source = "topology",
                               const std::string& field = "queue size");

    /**
     * @brief MTU of every device (default 1500 bytes).
     * @param mtu bytes
     */
    void SetMtu(uint16_t mtu);

    /**
     * @brief Whether links get the scenario's delay_s (default true).
     * @param use false for ideal links with no propagation delay
     */
    void SetUsePropagationDelay(bool use);

    /**
     * @brief Set an attribute of every point-to-point device (e.g. "ReceiveErrorModel").
     * @param name attribute name
     * @param value attribute value
     */
    void SetDeviceAttribute(const std::string& name, const AttributeValue& value);

    /**
     * @brief Add a user node (the request source) behind one server, on an access link.
     * @param server name of the server the user attaches to
     * @param bps access-link rate, bit/s, both directions
     * @param delay access-link propagation delay
     * @throws LlmInputError if the server is unknown or the rate is not positive
     */
    void SetUserNode(const std::string& server, double bps, Time delay);

    /**
     * @brief Carry the edge-to-edge (D2D) traffic over one ad hoc Wi-Fi network instead of
     *        point-to-point links (default: point-to-point).
     *
     * Every edge server gets a Wi-Fi device (AdhocWifiMac, YANS channel with log-distance
     * loss, IdealWifiManager rate control, 80 MHz at 5 GHz) on one shared subnet; the servers
     * stand on a grid with the given spacing, all in range of each other, so they contend for
     * one medium. The scenario's D2D Ω_ij then play no part in the simulation: the PHY rate and
     * the contention set the transfer times. Links to the cloud stay point-to-point (WAN).
     * @param standard "80211ac" or "80211ax"
     * @param spacing distance between neighbouring servers on the grid, m
     * @throws LlmInputError on another standard or a spacing outside (0, 100] m
     */
    void SetD2dWifi(const std::string& standard, double spacing = 5.0);
    /// @return the Wi-Fi devices of the edge servers (empty unless SetD2dWifi), after Install
    NetDeviceContainer GetWifiDevices() const;
    /**
     * @brief Wi-Fi devices on one shared channel, built as every Wi-Fi network of this module
     *        (the D2D network of SetD2dWifi, the access network of LlmSplitSimulation):
     *        802.11ac or 802.11ax, IdealWifiManager rate control, a YANS channel with
     *        log-distance loss, 80 MHz at 5 GHz, the MTU capped at 2296 bytes (the MSDU limit).
     *        Positions (mobility) and addresses are the caller's.
     * @param standard "80211ac" or "80211ax"
     * @param groups groups of nodes, each with its MAC (one AdhocWifiMac group; or an
     *        ApWifiMac group and a StaWifiMac group), all on the same channel
     * @param mtu device MTU, bytes
     * @return the devices, group after group, in each group's node order
     * @throws LlmInputError on another standard
     */
    static NetDeviceContainer InstallWifiDevices(
        const std::string& standard,
        const std::vector<std::pair<WifiMacHelper, NodeContainer>>& groups,
        uint16_t mtu);
    /**
     * @brief The nominal PHY rate of InstallWifiDevices' devices standing close together:
     *        the standard's top MCS at 80 MHz, one spatial stream, ns-3's default guard
     *        interval, i.e. data subcarriers × bits per subcarrier × code rate / OFDM symbol.
     *        802.11ac: VHT MCS 9 (256-QAM, 5/6), 234 subcarriers, 3.2 + 0.8 µs: 390 Mbit/s;
     *        802.11ax: HE MCS 11 (1024-QAM, 5/6), 980 subcarriers, 12.8 + 3.2 µs: 510.4 Mbit/s.
     *        Preambles, MAC headers, contention and acknowledgements come on top of it.
     * @param standard "80211ac" or "80211ax"
     * @return bit/s
     * @throws LlmInputError on another standard
     */
    static double GetWifiPhyRate(const std::string& standard);
    /**
     * @brief Build only the links a plan's traffic crosses (default: every link of the
     *        scenario).
     *
     * The kept links join the servers of consecutive layers and the last layer's server to the
     * request source's server (the user node's server, or else the first layer's). On
     * point-to-point links the others carry no packet and routes never cross them (a direct
     * link is always the shortest route), so the simulated times are the same; each node then
     * has a few interfaces instead of N, which makes every packet cheaper to simulate.
     * @param plan the plan (its placement gives the servers)
     */
    void SetPlanLinksOnly(const LlmPlan& plan);
    /**
     * @brief Create nodes, links, addresses and routes.
     * @return the server nodes, in the scenario's order
     * @throws LlmInputError if a link rate cannot be a device rate (below 1 bit/s)
     */
    NodeContainer Install();

    /// @return the user node (null unless SetUserNode was called), after Install
    Ptr<Node> GetUser() const;

    /**
     * @brief Add one more user node (several request sources, e.g. one per LLM): the first
     *        call without SetUserNode is SetUserNode (user 0, named "user"); later ones add
     *        user k, named "user<k>", on its own access link behind its server.
     * @param server name of the server the user attaches to
     * @param bps access-link rate, bit/s, both directions
     * @param delay access-link propagation delay
     * @return k, the user's index for GetUser(k)
     * @throws LlmInputError if the server is unknown or the rate is not positive
     */
    uint32_t AddUserNode(const std::string& server, double bps, Time delay);

    /**
     * @brief A user node by index, after Install.
     * @param k 0 for SetUserNode's, then AddUserNode's in order
     * @return the node (null if there is no such user)
     */
    Ptr<Node> GetUser(uint32_t k) const;

    /**
     * @brief Also build the links another plan's traffic crosses (several LLMs sharing the
     *        servers): between its consecutive layers' servers, and from its request source's
     *        server to its first layer's and from its last layer's back. Like
     *        SetPlanLinksOnly, it keeps every other link out; the plans' links add up.
     * @param plan the plan (its placement gives the servers)
     * @param source the server of its request source: its user node's server, or its first
     *        layer's server when the request source sits there
     * @throws LlmInputError on a plan without a placement, a server beyond the scenario's or
     *         an unknown source
     */
    void AddPlanLinks(const LlmPlan& plan, const std::string& source);

    /// @return the server nodes (after Install)
    NodeContainer GetServers() const;

    /// @return every point-to-point device (after Install)
    NetDeviceContainer GetDevices() const;

  private:
    /**
     * @brief Put the edge servers on one ad hoc Wi-Fi network.
     * @param used the plan's server pairs (all edge servers when no plan was set)
     */
    void InstallWifi(const std::set<std::pair<std::size_t, std::size_t>>& used);
    /// One-hop static routes between neighbours and to and from the user node (with Wi-Fi,
    /// instead of global routing).
    void InstallStaticRoutes();

    LlmScenario m_scenario;                  //!< The scenario
    PointToPointHelper m_p2p;                //!< Link factory
    std::string m_queueSize;                 //!< Device queue size
    uint16_t m_mtu;                          //!< Device MTU
    bool m_useDelay;                         //!< Apply delay_s
    std::optional<std::size_t> m_userServer; //!< Server the user node attaches to
    std::string m_wifiStandard;              //!< "80211ac"/"80211ax" (empty: D2D on p2p links)
    double m_wifiSpacing{5.0};               //!< Grid spacing of the Wi-Fi servers, m
    NetDeviceContainer m_wifiDevices;        //!< Wi-Fi devices
    std::vector<std::size_t> m_planServers;  //!< Servers of the plan's layers (empty: all links)
    /// AddPlanLinks: per plan, its layers' servers and its request source's server
    std::vector<std::pair<std::vector<std::size_t>, std::size_t>> m_morePlans;

    /// A user node of AddUserNode.
    struct User
    {
        std::size_t server{0}; //!< Server it attaches to
        double bps{0};         //!< Access-link rate
        Time delay;            //!< Access-link delay
        Ptr<Node> node;        //!< The node, after Install
    };

    std::vector<User> m_moreUsers; //!< Users 1, 2, ... (AddUserNode)
    double m_userBps{0};           //!< Access-link rate
    Time m_userDelay;              //!< Access-link delay
    Ptr<Node> m_user;              //!< User node
    NodeContainer m_servers;       //!< Server nodes
    NetDeviceContainer m_devices;  //!< All devices
};

} // namespace ns3

#endif // EDGE_TOPOLOGY_HELPER_H

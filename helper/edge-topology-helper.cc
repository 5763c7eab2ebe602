// SPDX-License-Identifier: GPL-2.0-only

#include "edge-topology-helper.h"

#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/llm-input-error.h"
#include "ns3/log.h"
#include "ns3/mobility-helper.h"
#include "ns3/names.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/queue-size.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-helper.h"
#include "ns3/wifi-mac-helper.h"
#include "ns3/yans-wifi-helper.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EdgeTopologyHelper");

EdgeTopologyHelper::EdgeTopologyHelper(const LlmScenario& scenario)
    : m_scenario(scenario)
    , m_queueSize("1000p")
    , m_mtu(1500)
    , m_useDelay(true)
{
}

void
EdgeTopologyHelper::CheckQueueSize(const std::string& size,
                                   const std::string& source,
                                   const std::string& field)
{
    const std::string refused =
        "expected a queue size such as 100p, 1500B, 64KB or 1MB (packets p or bytes B, with "
        "k/K/M/Ki/Mi; at most 4294967295), got \""
        + size + "\"";
    const std::size_t digits = size.find_first_not_of("0123456789");
    if (digits == 0 || digits == std::string::npos || digits > 10)
    {
        throw LlmInputError(source, field, refused);
    }
    const std::string unit = size.substr(digits);
    const unsigned long long n = std::stoull(size.substr(0, digits));
    unsigned long long multiplier = 0;
    for (const auto& [u, m] :
         std::vector<std::pair<std::string, unsigned long long>>{{"p", 1},
                                                                 {"B", 1},
                                                                 {"kB", 1000},
                                                                 {"KB", 1000},
                                                                 {"MB", 1000000},
                                                                 {"KiB", 1024},
                                                                 {"MiB", 1048576}})
    {
        if (unit == u)
        {
            multiplier = m;
        }
    }
    if (multiplier == 0 || n == 0 || n * multiplier > 4294967295ULL)
    {
        throw LlmInputError(source, field, refused);
    }
}

void
EdgeTopologyHelper::SetQueueSize(const std::string& size)
{
    CheckQueueSize(size);
    m_queueSize = size;
}

void
EdgeTopologyHelper::SetMtu(uint16_t mtu)
{
    m_mtu = mtu;
}

void
EdgeTopologyHelper::SetUsePropagationDelay(bool use)
{
    m_useDelay = use;
}

void
EdgeTopologyHelper::SetDeviceAttribute(const std::string& name, const AttributeValue& value)
{
    m_p2p.SetDeviceAttribute(name, value);
}

void
EdgeTopologyHelper::SetUserNode(const std::string& server, double bps, Time delay)
{
    m_userServer = m_scenario.FindServer(server);
    if (!m_userServer)
    {
        throw LlmInputError("topology", "user node", "unknown server \"" + server + "\"");
    }
    if (!(bps > 0))
    {
        throw LlmInputError("topology", "user node", "expected a positive access-link rate");
    }
    m_userBps = bps;
    m_userDelay = delay;
}

void
EdgeTopologyHelper::SetPlanLinksOnly(const LlmPlan& plan)
{
    if (!plan.HasPlacement())
    {
        throw LlmInputError("topology", "plan links", "the plan has no placement");
    }
    m_planServers.clear();
    for (const LlmLayerAssignment& p : plan.placement)
    {
        if (p.server >= m_scenario.GetServers().size())
        {
            throw LlmInputError("topology",
                                "plan links",
                                "the plan names server " + std::to_string(p.server)
                                    + ", beyond the scenario's servers");
        }
        m_planServers.push_back(p.server);
    }
}

namespace
{

/// Refuse a Wi-Fi standard other than the two this module builds.
void
CheckWifiStandard(const std::string& standard, const std::string& field)
{
    if (standard != "80211ac" && standard != "80211ax")
    {
        throw LlmInputError("topology",
                            field,
                            "expected 80211ac or 80211ax, got \"" + standard + "\"");
    }
}

} // namespace

void
EdgeTopologyHelper::SetD2dWifi(const std::string& standard, double spacing)
{
    CheckWifiStandard(standard, "D2D Wi-Fi standard");
    if (!(spacing > 0 && spacing <= 100))
    {
        throw LlmInputError("topology", "D2D Wi-Fi spacing", "expected 0 < spacing <= 100 m");
    }
    m_wifiStandard = standard;
    m_wifiSpacing = spacing;
}

NetDeviceContainer
EdgeTopologyHelper::GetWifiDevices() const
{
    return m_wifiDevices;
}

Ptr<Node>
EdgeTopologyHelper::GetUser() const
{
    return m_user;
}

uint32_t
EdgeTopologyHelper::AddUserNode(const std::string& server, double bps, Time delay)
{
    if (!m_userServer)
    {
        SetUserNode(server, bps, delay);
        return 0;
    }
    const auto index = m_scenario.FindServer(server);
    if (!index)
    {
        throw LlmInputError("topology", "user node", "unknown server \"" + server + "\"");
    }
    if (!(bps > 0))
    {
        throw LlmInputError("topology", "user node", "expected a positive access-link rate");
    }
    m_moreUsers.push_back({*index, bps, delay, nullptr});
    return static_cast<uint32_t>(m_moreUsers.size());
}

Ptr<Node>
EdgeTopologyHelper::GetUser(uint32_t k) const
{
    if (k == 0)
    {
        return m_user;
    }
    return k <= m_moreUsers.size() ? m_moreUsers[k - 1].node : nullptr;
}

void
EdgeTopologyHelper::AddPlanLinks(const LlmPlan& plan, const std::string& source)
{
    const auto src = m_scenario.FindServer(source);
    if (!plan.HasPlacement() || !src)
    {
        throw LlmInputError("topology",
                            "plan links",
                            !src ? "unknown source server \"" + source + "\""
                                 : std::string("the plan has no placement"));
    }
    std::vector<std::size_t> path;
    for (const LlmLayerAssignment& p : plan.placement)
    {
        if (p.server >= m_scenario.GetServers().size())
        {
            throw LlmInputError("topology",
                                "plan links",
                                "the plan names server " + std::to_string(p.server)
                                    + ", beyond the scenario's servers");
        }
        path.push_back(p.server);
    }
    m_morePlans.push_back({path, *src});
}

NodeContainer
EdgeTopologyHelper::Install()
{
    const auto& servers = m_scenario.GetServers();
    const std::size_t n = servers.size();
    m_servers.Create(n);
    // ns-3 names as the scenario's (LlmPlacementHelper::InstallByName), unless taken.
    auto nameNode = [](Ptr<Node> node, const std::string& name) {
        if (!name.empty() && name.find('/') == std::string::npos && !Names::Find<Object>(name))
        {
            Names::Add(name, node);
        }
    };
    for (std::size_t i = 0; i < n; ++i)
    {
        nameNode(m_servers.Get(i), servers[i].name);
    }
    InternetStackHelper stack;
    stack.Install(m_servers);

    // Directed links by (from, to).
    std::map<std::pair<std::size_t, std::size_t>, const LlmLink*> links;
    for (const LlmLink& l : m_scenario.GetLinks())
    {
        links[{*m_scenario.FindServer(l.from), *m_scenario.FindServer(l.to)}] = &l;
    }
    m_p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1p")));
    TrafficControlHelper tch;
    tch.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", QueueSizeValue(QueueSize(m_queueSize)));
    m_p2p.SetDeviceAttribute("Mtu", UintegerValue(m_mtu));
    for (const LlmLink& l : m_scenario.GetLinks())
    {
        if (!(l.bps >= 1) || !(l.bps < 9e18))
        {
            throw LlmInputError("topology",
                                "link " + l.from + " -> " + l.to,
                                "expected 1 ... 9e18 bit/s to simulate it as a point-to-point "
                                "device rate, got "
                                    + std::to_string(l.bps));
        }
    }
    // Unordered server pairs the plan's traffic crosses (empty: keep every link).
    std::set<std::pair<std::size_t, std::size_t>> used;
    auto use = [&used](std::size_t a, std::size_t b) {
        if (a != b)
        {
            used.insert({std::min(a, b), std::max(a, b)});
        }
    };
    for (std::size_t l = 0; l + 1 < m_planServers.size(); ++l)
    {
        use(m_planServers[l], m_planServers[l + 1]);
    }
    if (!m_planServers.empty())
    {
        const std::size_t source = m_userServer.value_or(m_planServers.front());
        use(source, m_planServers.front());
        use(m_planServers.back(), source);
    }
    for (const auto& [path, source] : m_morePlans)
    {
        for (std::size_t l = 0; l + 1 < path.size(); ++l)
        {
            use(path[l], path[l + 1]);
        }
        use(source, path.front());
        use(path.back(), source);
    }
    const bool planLinksOnly = !m_planServers.empty() || !m_morePlans.empty();
    Ipv4AddressHelper address("10.0.0.0", "255.255.255.252");
    for (std::size_t i = 0; i < n; ++i)
    {
        for (std::size_t j = i + 1; j < n; ++j)
        {
            auto ij = links.find({i, j});
            auto ji = links.find({j, i});
            const bool d2d = m_scenario.IsD2d(i, j);
            if ((ij == links.end() && ji == links.end())
                || (planLinksOnly && used.count({i, j}) == 0) || (d2d && !m_wifiStandard.empty()))
            {
                continue;
            }
            const LlmLink* fwd = ij != links.end() ? ij->second : ji->second;
            const LlmLink* rev = ji != links.end() ? ji->second : ij->second;
            const double delay = m_useDelay ? std::max(fwd->delaySeconds.value_or(0.0),
                                                       rev->delaySeconds.value_or(0.0))
                                            : 0.0;
            m_p2p.SetChannelAttribute("Delay", TimeValue(Seconds(delay)));
            NetDeviceContainer d = m_p2p.Install(m_servers.Get(i), m_servers.Get(j));
            d.Get(0)->SetAttribute(
                "DataRate",
                DataRateValue(DataRate(static_cast<uint64_t>(std::llround(fwd->bps)))));
            d.Get(1)->SetAttribute(
                "DataRate",
                DataRateValue(DataRate(static_cast<uint64_t>(std::llround(rev->bps)))));
            tch.Install(d);
            address.Assign(d);
            address.NewNetwork();
            m_devices.Add(d);
        }
    }
    if (!m_wifiStandard.empty())
    {
        InstallWifi(used);
    }
    // The user nodes: SetUserNode's ("user"), then AddUserNode's ("user1", ...).
    std::vector<User*> users;
    User first{m_userServer.value_or(0), m_userBps, m_userDelay, nullptr};
    if (m_userServer)
    {
        users.push_back(&first);
    }
    for (User& u : m_moreUsers)
    {
        users.push_back(&u);
    }
    for (std::size_t k = 0; k < users.size(); ++k)
    {
        User& u = *users[k];
        u.node = CreateObject<Node>();
        nameNode(u.node, k == 0 ? std::string("user") : "user" + std::to_string(k));
        stack.Install(u.node);
        m_p2p.SetChannelAttribute("Delay", TimeValue(u.delay));
        NetDeviceContainer d = m_p2p.Install(u.node, m_servers.Get(u.server));
        const DataRate rate(static_cast<uint64_t>(std::llround(u.bps)));
        d.Get(0)->SetAttribute("DataRate", DataRateValue(rate));
        d.Get(1)->SetAttribute("DataRate", DataRateValue(rate));
        tch.Install(d);
        address.Assign(d);
        address.NewNetwork();
        m_devices.Add(d);
    }
    m_user = first.node;
    if (m_wifiDevices.GetN() == 0)
    {
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    }
    else
    {
        // ns-3's global routing asserts on a broadcast network reached through several
        // equal-cost next hops (edges on Wi-Fi that also share a WAN link to the cloud). Every
        // pair that exchanges messages shares a link or the Wi-Fi subnet, so one-hop static
        // routes suffice; only the user node (if any) is reached through its server.
        InstallStaticRoutes();
    }
    return m_servers;
}

void
EdgeTopologyHelper::InstallStaticRoutes()
{
    // The address of `to` on a subnet that `from` is also on, and from's interface there.
    auto shared = [](Ptr<Node> from, Ptr<Node> to, Ipv4Address& gateway, uint32_t& interface) {
        Ptr<Ipv4> a = from->GetObject<Ipv4>();
        Ptr<Ipv4> b = to->GetObject<Ipv4>();
        for (uint32_t i = 1; i < a->GetNInterfaces(); ++i)
        {
            for (uint32_t j = 1; j < b->GetNInterfaces(); ++j)
            {
                const Ipv4InterfaceAddress x = a->GetAddress(i, 0);
                const Ipv4InterfaceAddress y = b->GetAddress(j, 0);
                if (x.GetMask() == y.GetMask()
                    && x.GetLocal().CombineMask(x.GetMask())
                           == y.GetLocal().CombineMask(y.GetMask()))
                {
                    gateway = y.GetLocal();
                    interface = i;
                    return true;
                }
            }
        }
        return false;
    };
    Ipv4StaticRoutingHelper helper;
    Ipv4Address gateway;
    uint32_t interface = 0;
    // Applications address a node by its first interface's address (LlmPlacementHelper): reach
    // it through the subnet the two nodes share, wherever that first address sits.
    for (uint32_t a = 0; a < m_servers.GetN(); ++a)
    {
        for (uint32_t b = 0; b < m_servers.GetN(); ++b)
        {
            Ptr<Node> from = m_servers.Get(a);
            Ptr<Node> to = m_servers.Get(b);
            if (a != b && from->GetObject<Ipv4>()->GetNInterfaces() > 1
                && to->GetObject<Ipv4>()->GetNInterfaces() > 1
                && shared(from, to, gateway, interface))
            {
                helper.GetStaticRouting(from->GetObject<Ipv4>())
                    ->AddHostRouteTo(to->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal(),
                                     gateway,
                                     interface);
            }
        }
    }
    std::vector<std::pair<Ptr<Node>, std::size_t>> users; // user node, its server
    if (m_user)
    {
        users.emplace_back(m_user, *m_userServer);
    }
    for (const User& u : m_moreUsers)
    {
        users.emplace_back(u.node, u.server);
    }
    for (const auto& [userNode, server] : users)
    {
        const Ptr<Node> gatewayNode = m_servers.Get(server);
        if (shared(userNode, gatewayNode, gateway, interface))
        {
            helper.GetStaticRouting(userNode->GetObject<Ipv4>())
                ->SetDefaultRoute(gateway, interface);
        }
        const Ipv4Address user = userNode->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
        for (uint32_t k = 0; k < m_servers.GetN(); ++k)
        {
            Ptr<Node> n = m_servers.Get(k);
            if (n != gatewayNode && n->GetObject<Ipv4>()->GetNInterfaces() > 1
                && shared(n, gatewayNode, gateway, interface))
            {
                helper.GetStaticRouting(n->GetObject<Ipv4>())
                    ->AddHostRouteTo(user, gateway, interface);
            }
        }
    }
}

void
EdgeTopologyHelper::InstallWifi(const std::set<std::pair<std::size_t, std::size_t>>& used)
{
    // The edge servers on the medium: all of them, or those of the plan's D2D pairs.
    const auto& servers = m_scenario.GetServers();
    NodeContainer nodes;
    for (std::size_t i = 0; i < servers.size(); ++i)
    {
        bool on = servers[i].role == LlmServer::Role::EDGE;
        if (on && (!m_planServers.empty() || !m_morePlans.empty()))
        {
            on = std::any_of(used.begin(), used.end(), [&](const auto& p) {
                const std::size_t other = p.first == i ? p.second : p.first;
                return (p.first == i || p.second == i)
                       && servers[other].role == LlmServer::Role::EDGE;
            });
        }
        if (on)
        {
            nodes.Add(m_servers.Get(i));
        }
    }
    if (nodes.GetN() < 2)
    {
        return;
    }
    WifiMacHelper mac;
    mac.SetType("ns3::AdhocWifiMac");
    m_wifiDevices = InstallWifiDevices(m_wifiStandard, {{mac, nodes}}, m_mtu);
    MobilityHelper mobility;
    const uint32_t width =
        static_cast<uint32_t>(std::ceil(std::sqrt(static_cast<double>(nodes.GetN()))));
    mobility.SetPositionAllocator("ns3::GridPositionAllocator",
                                  "DeltaX",
                                  DoubleValue(m_wifiSpacing),
                                  "DeltaY",
                                  DoubleValue(m_wifiSpacing),
                                  "GridWidth",
                                  UintegerValue(width),
                                  "LayoutType",
                                  StringValue("RowFirst"));
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(nodes);
    Ipv4AddressHelper address("10.128.0.0", "255.255.0.0");
    address.Assign(m_wifiDevices);
}

NetDeviceContainer
EdgeTopologyHelper::InstallWifiDevices(
    const std::string& standard,
    const std::vector<std::pair<WifiMacHelper, NodeContainer>>& groups,
    uint16_t mtu)
{
    CheckWifiStandard(standard, "Wi-Fi standard");
    WifiHelper wifi;
    wifi.SetStandard(standard == "80211ac" ? WIFI_STANDARD_80211ac : WIFI_STANDARD_80211ax);
    wifi.SetRemoteStationManager("ns3::IdealWifiManager");
    YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
    YansWifiPhyHelper phy;
    phy.SetChannel(channel.Create());
    phy.Set("ChannelSettings", StringValue("{0, 80, BAND_5GHZ, 0}"));
    NetDeviceContainer devices;
    for (const auto& [mac, nodes] : groups)
    {
        devices.Add(wifi.Install(phy, mac, nodes));
    }
    for (uint32_t k = 0; k < devices.GetN(); ++k)
    {
        devices.Get(k)->SetMtu(std::min<uint16_t>(mtu, 2296));
    }
    return devices;
}

double
EdgeTopologyHelper::GetWifiPhyRate(const std::string& standard)
{
    CheckWifiStandard(standard, "Wi-Fi standard");
    // 80 MHz, one spatial stream, the top MCS at code rate 5/6; ns-3's default guard
    // interval: 0.8 us for VHT (short GI off), 3.2 us for HE (HeConfiguration::GuardInterval).
    const bool vht = standard == "80211ac";
    const double subcarriers = vht ? 234 : 980;
    const double bitsPerSubcarrier = vht ? 8 : 10; // 256-QAM, 1024-QAM
    const double symbolSeconds = vht ? 3.2e-6 + 0.8e-6 : 12.8e-6 + 3.2e-6;
    return subcarriers * bitsPerSubcarrier * 5.0 / 6.0 / symbolSeconds;
}

NodeContainer
EdgeTopologyHelper::GetServers() const
{
    return m_servers;
}

NetDeviceContainer
EdgeTopologyHelper::GetDevices() const
{
    return m_devices;
}

} // namespace ns3

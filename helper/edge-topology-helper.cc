// SPDX-License-Identifier: GPL-2.0-only

#include "edge-topology-helper.h"

#include "ns3/data-rate.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/llm-input-error.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/queue-size.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <map>
#include <regex>
#include <set>

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
EdgeTopologyHelper::SetQueueSize(const std::string& size)
{
    // QueueSize aborts on a malformed string: check the form "<count>p" or "<count>[kMG]B".
    static const std::regex form("^[0-9]+(p|[kKMG]?i?B)$");
    if (!std::regex_match(size, form) || std::stoull(size) == 0)
    {
        throw LlmInputError("topology",
                            "queue size",
                            "expected a positive size such as 1000p or 10MB, got \"" + size + "\"");
    }
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

Ptr<Node>
EdgeTopologyHelper::GetUser() const
{
    return m_user;
}

NodeContainer
EdgeTopologyHelper::Install()
{
    const auto& servers = m_scenario.GetServers();
    const std::size_t n = servers.size();
    m_servers.Create(n);
    InternetStackHelper stack;
    stack.Install(m_servers);

    // Directed links by (from, to).
    std::map<std::pair<std::size_t, std::size_t>, const LlmLink*> links;
    for (const LlmLink& l : m_scenario.GetLinks())
    {
        links[{*m_scenario.FindServer(l.from), *m_scenario.FindServer(l.to)}] = &l;
    }
    m_p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(m_queueSize)));
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
    Ipv4AddressHelper address("10.0.0.0", "255.255.255.252");
    for (std::size_t i = 0; i < n; ++i)
    {
        for (std::size_t j = i + 1; j < n; ++j)
        {
            auto ij = links.find({i, j});
            auto ji = links.find({j, i});
            if ((ij == links.end() && ji == links.end())
                || (!m_planServers.empty() && used.count({i, j}) == 0))
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
            address.Assign(d);
            address.NewNetwork();
            m_devices.Add(d);
        }
    }
    if (m_userServer)
    {
        m_user = CreateObject<Node>();
        stack.Install(m_user);
        m_p2p.SetChannelAttribute("Delay", TimeValue(m_userDelay));
        NetDeviceContainer d = m_p2p.Install(m_user, m_servers.Get(*m_userServer));
        const DataRate rate(static_cast<uint64_t>(std::llround(m_userBps)));
        d.Get(0)->SetAttribute("DataRate", DataRateValue(rate));
        d.Get(1)->SetAttribute("DataRate", DataRateValue(rate));
        address.Assign(d);
        address.NewNetwork();
        m_devices.Add(d);
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    return m_servers;
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

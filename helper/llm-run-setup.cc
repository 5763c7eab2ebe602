// SPDX-License-Identifier: GPL-2.0-only

#include "llm-run-setup.h"

#include "edge-topology-helper.h"
#include "llm-placement-helper.h"
#include "ns3/config.h"
#include "ns3/csma-helper.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/llm-input-error.h"
#include "ns3/node-list.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-channel.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/queue-item.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/uinteger.h"
#include "ns3/yans-wifi-helper.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

namespace ns3
{

namespace
{

/// Count a dropped packet.
void
CountDrop(uint64_t* n, Ptr<const Packet>)
{
    ++*n;
}

/// Count a packet a queue disc dropped.
void
CountDiscDrop(uint64_t* n, Ptr<const QueueDiscItem>)
{
    ++*n;
}

/// Refuse an output file that cannot be written, before anything runs.
void
CheckWritable(const std::string& path, const std::string& what)
{
    if (path.empty())
    {
        return;
    }
    const bool existed = std::ifstream(path).good();
    {
        std::ofstream probe(path, std::ios::app);
        if (!probe)
        {
            throw LlmInputError(path, "", "cannot write the " + what + " (missing folder?)");
        }
    }
    if (!existed)
    {
        std::remove(path.c_str());
    }
}

/// The point-to-point device of node a on a link to node b (null: no such link).
Ptr<PointToPointNetDevice>
FindP2pDevice(Ptr<Node> a, Ptr<Node> b)
{
    for (uint32_t d = 0; d < a->GetNDevices(); ++d)
    {
        Ptr<PointToPointNetDevice> dev = DynamicCast<PointToPointNetDevice>(a->GetDevice(d));
        Ptr<PointToPointChannel> channel =
            dev ? DynamicCast<PointToPointChannel>(dev->GetChannel()) : nullptr;
        if (!channel)
        {
            continue;
        }
        for (std::size_t k = 0; k < channel->GetNDevices(); ++k)
        {
            Ptr<NetDevice> other = channel->GetDevice(k);
            if (other != dev && other->GetNode() == b)
            {
                return dev;
            }
        }
    }
    return nullptr;
}

/// A row of the link trace: the device sends at the new rate from its next packet on, and the
/// UDP senders on server i pace their messages to server j at it.
void
ChangeRate(Ptr<PointToPointNetDevice> device,
           DataRate rate,
           uint64_t* changes,
           std::vector<LlmPlacementHelper*> placements,
           uint32_t i,
           uint32_t j)
{
    device->SetDataRate(rate);
    for (LlmPlacementHelper* p : placements)
    {
        p->SetPacingRate(i, j, static_cast<double>(rate.GetBitRate()));
    }
    ++*changes;
}

/// A scheduled failure: the node goes down, the server applications on it crash.
void
FailServer(std::vector<LlmPlacementHelper*> placements,
           uint32_t i,
           Ptr<Node> node,
           bool routes,
           std::vector<Ipv4RoutingTableEntry>* saved,
           uint64_t* count)
{
    LlmRunSetup::SetNodeUp(node, false, routes, saved);
    for (LlmPlacementHelper* p : placements)
    {
        p->NotifyServerDown(i);
    }
    ++*count;
}

/// A scheduled repair: the node is back, without the state it held.
void
RepairServer(std::vector<LlmPlacementHelper*> placements,
             uint32_t i,
             Ptr<Node> node,
             bool routes,
             std::vector<Ipv4RoutingTableEntry>* saved,
             uint64_t* count)
{
    LlmRunSetup::SetNodeUp(node, true, routes, saved);
    for (LlmPlacementHelper* p : placements)
    {
        p->NotifyServerUp(i);
    }
    ++*count;
}

/// A run of this process switched packet metadata on (it then stays on).
bool g_metadataOn = false;
/// A run of this process sent packets before metadata was on.
bool g_packetsWithoutMetadata = false;

} // namespace

void
LlmRunSetup::PrepareOutputs(const LlmSimulationOutputs& outputs)
{
    CheckWritable(outputs.asciiFile, "ASCII trace");
    CheckWritable(outputs.flowMonitorXml, "FlowMonitor XML");
    CheckWritable(outputs.netAnimXml, "NetAnim XML");
    CheckWritable(outputs.tokenCsv, "token CSV");
    CheckWritable(outputs.placementCsv, "placement CSV");
    CheckWritable(outputs.pcapPrefix.empty() ? "" : outputs.pcapPrefix + "-probe.pcap",
                  "pcap files");
    // ASCII traces print packet metadata, which ns-3 can only switch on before the process
    // creates its first packet (a later Packet::EnablePrinting asserts).
    if (!outputs.asciiFile.empty())
    {
        if (g_packetsWithoutMetadata)
        {
            throw LlmInputError(outputs.asciiFile,
                                "",
                                "an ASCII trace needs ns-3's packet metadata from the first "
                                "packet of the process: ask for it in the process's first run");
        }
        Packet::EnablePrinting();
        g_metadataOn = true;
    }
    g_packetsWithoutMetadata = g_packetsWithoutMetadata || !g_metadataOn;
}

void
LlmRunSetup::EnablePacketTraces(const LlmSimulationOutputs& outputs)
{
    if (!outputs.pcapPrefix.empty())
    {
        PointToPointHelper().EnablePcapAll(outputs.pcapPrefix);
        CsmaHelper().EnablePcapAll(outputs.pcapPrefix);
        YansWifiPhyHelper().EnablePcapAll(outputs.pcapPrefix);
    }
    if (!outputs.asciiFile.empty())
    {
        AsciiTraceHelper ascii;
        Ptr<OutputStreamWrapper> stream = ascii.CreateFileStream(outputs.asciiFile);
        PointToPointHelper().EnableAsciiAll(stream);
        CsmaHelper().EnableAsciiAll(stream);
        YansWifiPhyHelper().EnableAsciiAll(stream);
    }
}

void
LlmRunSetup::CheckLinkTrace(const LlmLinkTrace& trace,
                            const LlmScenario& scenario,
                            const LlmTransportSetting& setting)
{
    const std::string source = trace.GetSource().empty() ? "link trace" : trace.GetSource();
    std::map<std::pair<std::string, std::string>, std::size_t> firstLine;
    for (const LlmLinkTrace::Row& row : trace.GetRows())
    {
        firstLine.insert({{row.from, row.to}, row.line});
    }
    for (const auto& [link, line] : firstLine)
    {
        const std::string field = line ? "line " + std::to_string(line) : std::string();
        const auto i = scenario.FindServer(link.first);
        const auto j = scenario.FindServer(link.second);
        const bool exists = i && j
                            && std::any_of(scenario.GetLinks().begin(),
                                           scenario.GetLinks().end(),
                                           [&link = link](const LlmLink& l) {
                                               return l.from == link.first && l.to == link.second;
                                           });
        if (!exists)
        {
            throw LlmInputError(source,
                                field,
                                "the simulated scenario has no link " + link.first + " -> "
                                    + link.second);
        }
        if (setting.d2d != "p2p" && scenario.IsD2d(*i, *j))
        {
            throw LlmInputError(source,
                                field,
                                link.first + " -> " + link.second
                                    + " is a D2D link, carried over Wi-Fi (d2d=" + setting.d2d
                                    + "), whose rate the PHY sets: a trace changes point-to-point "
                                      "links only (with Wi-Fi, the WAN links to the cloud); "
                                      "simulate it with d2d=p2p");
        }
    }
}

void
LlmRunSetup::ApplyLinkTrace(const LlmLinkTrace& trace,
                            const LlmScenario& scenario,
                            const NodeContainer& servers,
                            const std::vector<LlmPlacementHelper*>& placements,
                            bool requireEveryLink,
                            LinkTraceCounts& counts)
{
    if (trace.IsEmpty())
    {
        return;
    }
    // Per traced link: the device at i on the link to j and the rate it sends at (null: the run
    // did not build the link).
    std::map<std::pair<std::string, std::string>, std::pair<Ptr<PointToPointNetDevice>, uint64_t>>
        devices;
    for (const auto& [from, to] : trace.GetLinks())
    {
        ++counts.links;
        Ptr<PointToPointNetDevice> device = FindP2pDevice(servers.Get(*scenario.FindServer(from)),
                                                          servers.Get(*scenario.FindServer(to)));
        uint64_t rate = 0;
        if (device)
        {
            ++counts.linksSimulated;
            DataRateValue v;
            device->GetAttribute("DataRate", v);
            rate = v.Get().GetBitRate();
        }
        else if (requireEveryLink)
        {
            throw LlmInputError(trace.GetSource(),
                                "",
                                "no point-to-point link joins the nodes of " + from + " and " + to
                                    + " (a trace changes point-to-point devices' DataRate)");
        }
        devices[{from, to}] = {device, rate};
    }
    for (const LlmLinkTrace::Row& row : trace.GetRows())
    {
        auto& [device, current] = devices[{row.from, row.to}];
        const uint64_t rate = static_cast<uint64_t>(std::llround(row.bps));
        if (!device || rate == current)
        {
            continue;
        }
        current = rate;
        const auto i = static_cast<uint32_t>(*scenario.FindServer(row.from));
        const auto j = static_cast<uint32_t>(*scenario.FindServer(row.to));
        if (row.timeSeconds == 0)
        {
            ChangeRate(device, DataRate(rate), &counts.rateChanges, placements, i, j);
        }
        else
        {
            Simulator::Schedule(Seconds(row.timeSeconds),
                                &ChangeRate,
                                device,
                                DataRate(rate),
                                &counts.rateChanges,
                                placements,
                                i,
                                j);
        }
    }
}

void
LlmRunSetup::SetNodeUp(Ptr<Node> node,
                       bool up,
                       bool globalRoutes,
                       std::vector<Ipv4RoutingTableEntry>* saved)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    // A down interface loses the node's static routes through it, and coming up gives back
    // only its subnet's: keep the host and default routes (Wi-Fi D2D, user nodes) to restore.
    Ptr<Ipv4StaticRouting> table =
        ipv4 ? Ipv4StaticRoutingHelper().GetStaticRouting(ipv4) : nullptr;
    if (table && !up)
    {
        saved->clear();
        for (uint32_t k = 0; k < table->GetNRoutes(); ++k)
        {
            const Ipv4RoutingTableEntry route = table->GetRoute(k);
            if (route.GetInterface() != 0 && (route.IsHost() || route.IsDefault()))
            {
                saved->push_back(route);
            }
        }
    }
    for (uint32_t i = 1; ipv4 && i < ipv4->GetNInterfaces(); ++i)
    {
        if (up)
        {
            ipv4->SetUp(i);
        }
        else
        {
            ipv4->SetDown(i);
        }
    }
    if (table && up)
    {
        for (const Ipv4RoutingTableEntry& route : *saved)
        {
            if (route.IsDefault())
            {
                table->SetDefaultRoute(route.GetGateway(), route.GetInterface());
            }
            else
            {
                table->AddHostRouteTo(route.GetDest(), route.GetGateway(), route.GetInterface());
            }
        }
    }
    if (globalRoutes)
    {
        Ipv4GlobalRoutingHelper::RecomputeRoutingTables();
    }
}

void
LlmRunSetup::ScheduleFailures(const LlmFailureSchedule& schedule,
                              const LlmScenario& scenario,
                              const NodeContainer& servers,
                              const std::vector<LlmPlacementHelper*>& placements,
                              bool globalRoutes,
                              FailureState& state)
{
    for (const LlmFailureSchedule::Failure& f : schedule.GetFailures())
    {
        const uint32_t i = static_cast<uint32_t>(*scenario.FindServer(f.server));
        std::vector<Ipv4RoutingTableEntry>* saved = &state.savedRoutes[i];
        Simulator::Schedule(Seconds(f.timeSeconds),
                            &FailServer,
                            placements,
                            i,
                            servers.Get(i),
                            globalRoutes,
                            saved,
                            &state.failed);
        if (f.repairSeconds)
        {
            Simulator::Schedule(Seconds(f.timeSeconds + *f.repairSeconds),
                                &RepairServer,
                                placements,
                                i,
                                servers.Get(i),
                                globalRoutes,
                                saved,
                                &state.repaired);
        }
    }
}

void
LlmRunSetup::ApplyDelays(LlmScenario& scenario, const LlmTransportSetting& setting)
{
    for (LlmLink& l : scenario.GetLinks())
    {
        const auto& d = scenario.IsD2d(*scenario.FindServer(l.from), *scenario.FindServer(l.to))
                            ? setting.d2dDelaySeconds
                            : setting.wanDelaySeconds;
        if (d)
        {
            l.delaySeconds = *d;
        }
    }
}

double
LlmRunSetup::MaxDelay(const LlmScenario& scenario, const LlmTransportSetting& setting)
{
    double maxDelay = 0;
    for (const LlmLink& l : scenario.GetLinks())
    {
        maxDelay = std::max(maxDelay, setting.ideal ? 0.0 : l.delaySeconds.value_or(0.0));
    }
    return maxDelay;
}

void
LlmRunSetup::ShapeTopology(EdgeTopologyHelper& topology, const LlmTransportSetting& setting)
{
    topology.SetMtu(static_cast<uint16_t>(setting.mtu));
    topology.SetQueueSize(setting.queueSize);
    topology.SetUsePropagationDelay(!setting.ideal);
    if (setting.d2d != "p2p")
    {
        topology.SetD2dWifi(setting.d2d == "wifi-ac" ? "80211ac" : "80211ax");
    }
    if (setting.lossRate > 0)
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetAttribute("ErrorRate", DoubleValue(setting.lossRate));
        em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
        topology.SetDeviceAttribute("ReceiveErrorModel", PointerValue(em));
    }
}

void
LlmRunSetup::SetCongestionControl(const LlmTransportSetting& setting)
{
    if (setting.congestionControl.empty())
    {
        return;
    }
    const TypeIdValue cc(TypeId::LookupByName("ns3::" + setting.congestionControl));
    for (auto it = NodeList::Begin(); it != NodeList::End(); ++it)
    {
        if (Ptr<TcpL4Protocol> tcp = (*it)->GetObject<TcpL4Protocol>())
        {
            tcp->SetAttribute("SocketType", cc);
        }
    }
}

void
LlmRunSetup::SetTransport(LlmPlacementHelper& placement, const LlmTransportSetting& setting)
{
    placement.SetMessengerAttribute("Transport",
                                    StringValue(setting.transport == "udp" ? "Udp" : "Tcp"));
    placement.SetMessengerAttribute("TcpSegmentSize", UintegerValue(setting.mtu - 52));
    placement.SetMessengerAttribute("UdpPayloadSize", UintegerValue(setting.mtu - 54));
    placement.SetMessengerAttribute("TcpBufferSize", UintegerValue(setting.socketBuffer));
}

double
LlmRunSetup::UdpTokenTimeout(double requestSeconds,
                             uint32_t requests,
                             uint32_t tokens,
                             double tokenDelaySeconds)
{
    return 10 * (requests * requestSeconds / tokens + tokenDelaySeconds) + 1;
}

void
LlmRunSetup::ConnectDrops(Drops& drops)
{
    const auto count = [](uint64_t* n) { return MakeBoundCallback(&CountDrop, n); };
    for (const char* device : {"PointToPointNetDevice", "CsmaNetDevice"})
    {
        const std::string path = std::string("/NodeList/*/DeviceList/*/$ns3::") + device;
        Config::ConnectWithoutContextFailSafe(path + "/PhyRxDrop", count(&drops.corrupted));
        Config::ConnectWithoutContextFailSafe(path + "/MacTxDrop", count(&drops.queue));
    }
    Config::ConnectWithoutContextFailSafe("/NodeList/*/DeviceList/*/$ns3::WifiNetDevice/Mac/"
                                          "MacTxDrop",
                                          count(&drops.wifi));
    Config::ConnectWithoutContextFailSafe(
        "/NodeList/*/$ns3::TrafficControlLayer/RootQueueDiscList/*/Drop",
        MakeBoundCallback(&CountDiscDrop, &drops.queue));
}

} // namespace ns3

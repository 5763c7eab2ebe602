// SPDX-License-Identifier: GPL-2.0-only

#include "llm-run-setup.h"

#include "edge-topology-helper.h"
#include "llm-placement-helper.h"
#include "ns3/config.h"
#include "ns3/csma-helper.h"
#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/llm-input-error.h"
#include "ns3/node-list.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/queue-item.h"
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/uinteger.h"
#include "ns3/yans-wifi-helper.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

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

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-simulation.h"

#include "edge-topology-helper.h"
#include "llm-run-setup.h"
#include "ns3/animation-interface.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/flow-monitor.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-messenger.h"
#include "ns3/llm-split-cloud-application.h"
#include "ns3/llm-split-device-application.h"
#include "ns3/llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/mobility-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/queue-item.h"
#include "ns3/queue-size.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/ssid.h"
#include "ns3/sta-wifi-mac.h"
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-mac-helper.h"
#include "ns3/wifi-mac.h"
#include "ns3/wifi-net-device.h"
#include "ns3/wifi-phy.h"
#include "ns3/wifi-remote-station-manager.h"
#include "ns3/yans-wifi-helper.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <tuple>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmSplitSimulation");

namespace
{

const char* const kSource = "LlmSplitSimulation";

/// Counts of one direction of the shared link.
struct LinkCount
{
    uint64_t bytes{0};   //!< Bytes sent (PPP header included)
    uint64_t packets{0}; //!< Packets sent
};

/// A packet left a shared-link device.
void
CountTx(LinkCount* c, Ptr<const Packet> p)
{
    c->bytes += p->GetSize();
    ++c->packets;
}

/// Count a dropped packet.
void
CountDrop(uint64_t* n, Ptr<const Packet> p)
{
    NS_LOG_LOGIC("drop of " << p->GetSize() << " bytes");
    ++*n;
}

/// Count a packet a queue disc dropped.
void
CountDiscDrop(uint64_t* n, Ptr<const QueueDiscItem> item)
{
    NS_LOG_LOGIC("queue disc drop of " << item->GetSize() << " bytes");
    ++*n;
}

/// Devices still running; the simulator stops when none is.
struct Remaining
{
    uint32_t devices{0}; //!< Devices with requests left
};

/// A device ended its last request.
void
DeviceDone(Remaining* r)
{
    if (r->devices > 0 && --r->devices == 0)
    {
        Simulator::Stop();
    }
}

/// Mean and nearest-rank percentiles, in seconds.
LlmSplitSimulationResult::Stats
Summarize(std::vector<Time> samples)
{
    LlmSplitSimulationResult::Stats s;
    s.samples = samples.size();
    if (samples.empty())
    {
        return s;
    }
    std::sort(samples.begin(), samples.end());
    double sum = 0;
    for (const Time& t : samples)
    {
        sum += t.GetSeconds();
    }
    s.mean = sum / static_cast<double>(samples.size());
    const auto rank = [&samples](double q) {
        const std::size_t k =
            static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
        return samples[std::min(samples.size(), std::max<std::size_t>(k, 1)) - 1].GetSeconds();
    };
    s.p50 = rank(0.50);
    s.p95 = rank(0.95);
    return s;
}

/// Calls Simulator::Destroy when the run ends, however it ends.
struct SimulatorGuard
{
    ~SimulatorGuard() { Simulator::Destroy(); }
};

/// Wi-Fi access: the stations associate, exchange warm-up bursts with the access point, then
/// the devices start.
struct Association
{
    NodeContainer nodes;                   //!< The devices' nodes
    ApplicationContainer apps;             //!< Their applications, not yet on the nodes
    std::vector<Ptr<StaWifiMac>> stations; //!< Per station: its MAC
    std::vector<Mac48Address> macs;        //!< Per station: its MAC address
    Ptr<WifiRemoteStationManager> ap;      //!< The access point's view of the stations
    EventId poll;                          //!< Next look at the association
    Ipv4InterfaceContainer interfaces;     //!< The Wi-Fi subnet's interfaces (access point first)
    uint32_t burst{0};                     //!< Datagrams of a warm-up burst
    bool warming{false};                   //!< The warm-up began
    Time warmupStart;                      //!< When
    std::vector<Ptr<Socket>> sockets;      //!< Warm-up sockets (access point first)
    std::vector<bool> upReady;             //!< Per station: a burst's last datagram reached the AP
    std::vector<bool> downReady;           //!< Per station: one from the AP reached the station
    uint32_t rounds{0};                    //!< Warm-up rounds
    Time lastArrival;                      //!< Arrival of the last warm-up datagram
    EventId check;                         //!< End of the current round
    bool started{false};                   //!< The applications joined their nodes
    uint32_t associatedAtStart{0};         //!< Stations associated at the warm-up
    uint32_t readyAtStart{0};              //!< Stations ready both ways when the devices started
    Time startTime;                        //!< When the applications joined their nodes
};

uint32_t CountAssociated(const Association* a);

/// UDP port of the warm-up datagrams.
const uint16_t kWarmupPort = 9;
/// Bytes of a warm-up datagram; the last of a burst has one more.
const uint32_t kWarmupBytes = 16;

/// Put every device's application on its node (it starts at once): after the warm-up, or at
/// its deadline.
void
StartDevices(Association* a)
{
    if (a->started)
    {
        return;
    }
    a->started = true;
    a->check.Cancel();
    for (Ptr<Socket> socket : a->sockets)
    {
        socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        socket->Close();
    }
    a->sockets.clear();
    for (std::size_t k = 0; k < a->upReady.size(); ++k)
    {
        a->readyAtStart += a->upReady[k] && a->downReady[k] ? 1 : 0;
    }
    a->startTime = Simulator::Now();
    for (std::size_t k = 0; k < a->upReady.size(); ++k)
    {
        NS_LOG_LOGIC("station " << k << (a->upReady[k] ? " up" : " UP-STALLED")
                                << (a->downReady[k] ? " down" : " DOWN-STALLED"));
    }
    NS_LOG_INFO("devices start at " << a->startTime.As(Time::S) << " after " << a->rounds
                                    << " warm-up round(s): " << a->readyAtStart << " of "
                                    << a->upReady.size() << " stations ready, "
                                    << a->associatedAtStart << " associated");
    for (uint32_t k = 0; k < a->nodes.GetN(); ++k)
    {
        a->nodes.Get(k)->AddApplication(a->apps.Get(k));
    }
}

/// Warm-up datagrams arrived at the access point (from a station) or at station k (k < 0:
/// the access point).
void
WarmupReceived(Association* a, int32_t k, Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        a->lastArrival = Simulator::Now();
        if (p->GetSize() != kWarmupBytes + 1)
        {
            continue; // not the last of its burst
        }
        if (k >= 0)
        {
            a->downReady[k] = true;
            continue;
        }
        const Ipv4Address sender = InetSocketAddress::ConvertFrom(from).GetIpv4();
        for (uint32_t i = 1; i < a->interfaces.GetN(); ++i)
        {
            if (a->interfaces.GetAddress(i) == sender)
            {
                a->upReady[i - 1] = true;
            }
        }
    }
}

/// Send a warm-up burst: `datagrams` datagrams, the last one byte longer.
void
SendBurst(Ptr<Socket> socket, Ipv4Address to, uint32_t datagrams)
{
    for (uint32_t i = 0; i < datagrams; ++i)
    {
        socket->SendTo(Create<Packet>(kWarmupBytes + (i + 1 == datagrams ? 1 : 0)),
                       0,
                       InetSocketAddress(to, kWarmupPort));
    }
}

void WarmupRound(Association* a);

/// The end of a round: once no datagram has arrived for 5 ms (the bursts have drained), the
/// next round.
void
WarmupCheck(Association* a)
{
    if (Simulator::Now() - a->lastArrival < MilliSeconds(5)
        && Simulator::Now() - a->warmupStart < Seconds(LlmSplitSimulation::WARMUP_DEADLINE_SECONDS))
    {
        a->check = Simulator::Schedule(MilliSeconds(5), &WarmupCheck, a);
        return;
    }
    WarmupRound(a);
}

/// One warm-up round: start the devices if every pair is ready (or at the deadline), else a
/// burst each way on every pair not ready yet, then a check.
void
WarmupRound(Association* a)
{
    bool ready = true;
    for (std::size_t k = 0; k < a->upReady.size(); ++k)
    {
        ready = ready && a->upReady[k] && a->downReady[k];
    }
    const Time elapsed = Simulator::Now() - a->warmupStart;
    if (ready || elapsed >= Seconds(LlmSplitSimulation::WARMUP_DEADLINE_SECONDS))
    {
        StartDevices(a);
        return;
    }
    ++a->rounds;
    const Ipv4Address ap = a->interfaces.GetAddress(0);
    uint32_t downBursts = 0;
    for (uint32_t k = 0; k < a->upReady.size(); ++k)
    {
        if (!a->upReady[k])
        {
            SendBurst(a->sockets[k + 1], ap, a->burst);
        }
        if (!a->downReady[k])
        {
            // One station after the other, so that the access point's queue disc keeps them.
            Simulator::Schedule(MicroSeconds(500) * downBursts++,
                                &SendBurst,
                                a->sockets[0],
                                a->interfaces.GetAddress(k + 1),
                                a->burst);
        }
    }
    a->check =
        Simulator::Schedule(MilliSeconds(5) + MicroSeconds(500) * downBursts, &WarmupCheck, a);
}

/**
 * Every station associated (or the association deadline): fill the ARP caches and exchange
 * warm-up bursts between every station and the access point, then start the devices.
 *
 * ARP: the association's link-up flushes a station's ARP cache, so the entries go in now; as on
 * the point-to-point links, no ARP exchange then delays a first message or drops its datagrams
 * beyond ARP's pending queue of 3.
 *
 * Warm-up: a VHT or HE sender sets up a Block Ack agreement before its first QoS data frame to
 * a peer. In ns-3 3.37 that frame can go out before the recipient has set up its side, which
 * then waits for it for ever: every later frame of the flow stalls in the reordering buffer
 * (a TCP connection fails after its retransmissions, UDP messages are lost). A burst longer
 * than the reordering window moves the window on. So every station sends a burst to the access
 * point and the access point one to every station, as devices already connected to a network
 * would have exchanged, in rounds (the next once the bursts have drained: no datagram for
 * 5 ms) until the last datagram of a burst has arrived on every pair (in order: the flow
 * passes), for WARMUP_DEADLINE_SECONDS at most.
 */
void
BeginWarmup(Association* a)
{
    if (a->warming || a->started)
    {
        return;
    }
    a->warming = true;
    a->warmupStart = Simulator::Now();
    a->associatedAtStart = CountAssociated(a);
    NeighborCacheHelper().PopulateNeighborCache(a->interfaces);
    for (uint32_t i = 0; i < a->interfaces.GetN(); ++i)
    {
        Ptr<Node> node = a->interfaces.Get(i).first->GetObject<Node>();
        Ptr<Socket> socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), kWarmupPort));
        socket->SetRecvCallback(MakeBoundCallback(&WarmupReceived, a, static_cast<int32_t>(i) - 1));
        a->sockets.push_back(socket);
    }
    a->upReady.assign(a->interfaces.GetN() - 1, false);
    a->downReady.assign(a->interfaces.GetN() - 1, false);
    WarmupRound(a);
}

/// @return the stations associated on both sides (the station, and the access point, which
///         drops frames to a station until it has the ACK of its association response)
uint32_t
CountAssociated(const Association* a)
{
    uint32_t n = 0;
    for (std::size_t k = 0; k < a->stations.size(); ++k)
    {
        n += a->stations[k]->IsAssociated() && a->ap->IsAssociated(a->macs[k]) ? 1 : 0;
    }
    return n;
}

/// Begin the warm-up once every station is associated on both sides; until then look again
/// every millisecond (the two sides' traces do not always come after the state they report).
void
CheckAssociated(Association* a)
{
    if (a->warming)
    {
        return;
    }
    if (CountAssociated(a) == a->stations.size())
    {
        a->poll.Cancel();
        BeginWarmup(a);
    }
    else if (a->poll.IsExpired()) // (IsRunning before ns-3.42, IsPending after)
    {
        a->poll = Simulator::Schedule(MilliSeconds(1), &CheckAssociated, a);
    }
}

/// A station received its association response (StaWifiMac Assoc trace): check after the event,
/// whose link-up flushes the station's ARP cache.
void
StationAssociated(Association* a, Mac48Address)
{
    Simulator::ScheduleNow(&CheckAssociated, a);
}

/// The access point got the ACK of an association response (ApWifiMac AssociatedSta trace).
void
ApAssociated(Association* a, uint16_t, Mac48Address)
{
    Simulator::ScheduleNow(&CheckAssociated, a);
}

/// One row of the token CSV.
struct TokenRow
{
    uint32_t device{0};       //!< Device index
    uint32_t request{0};      //!< Request index on the device
    uint32_t token{0};        //!< Token index w
    bool completed{false};    //!< Completed (else failed)
    double timeSeconds{0};    //!< When it completed or failed, s
    double latencySeconds{0}; //!< Completed: since its step started, s
    std::string reason;       //!< Failed: why
};

/// Where one device's token rows go.
struct TokenSink
{
    std::vector<TokenRow>* rows{nullptr}; //!< The rows
    uint32_t device{0};                   //!< The device
};

/// A token id arrived (TokenDone trace).
void
TokenDoneRow(TokenSink* sink, uint32_t request, uint32_t token, Time latency)
{
    sink->rows->push_back(TokenRow{sink->device,
                                   request,
                                   token,
                                   true,
                                   Simulator::Now().GetSeconds(),
                                   latency.GetSeconds(),
                                   ""});
}

/// A token failed (TokenFailed trace).
void
TokenFailedRow(TokenSink* sink, uint32_t request, uint32_t token, const std::string& reason)
{
    sink->rows->push_back(
        TokenRow{sink->device, request, token, false, Simulator::Now().GetSeconds(), 0, reason});
}

} // namespace

uint64_t
LlmSplitSimulationResult::GetSharedBytes() const
{
    return sharedBytesUp + sharedBytesDown;
}

std::string
LlmSplitSimulationResult::ToText() const
{
    std::string out;
    char buf[512];
    std::snprintf(buf,
                  sizeof(buf),
                  "%s, %u device(s), %s (%s), access %s (%.6g Mbit/s up, %.6g down%s)\n",
                  mode.c_str(),
                  devices,
                  transport.c_str(),
                  setting.c_str(),
                  access.c_str(),
                  uplinkBps / 1e6,
                  downlinkBps / 1e6,
                  access == "p2p" ? "" : ": the standard's PHY rate, one medium for all");
    out += buf;
    if (access != "p2p")
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "Wi-Fi: %u of %u stations associated, %u passed the warm-up (%u "
                      "round(s)); the devices started at %.6g s\n",
                      stationsAssociated,
                      devices,
                      stationsReady,
                      warmupRounds,
                      associationSeconds);
        out += buf;
    }
    std::snprintf(buf,
                  sizeof(buf),
                  "%-6s %12s %12s %12s %12s %8s\n",
                  "",
                  "analytic s",
                  "mean s",
                  "p50 s",
                  "p95 s",
                  "samples");
    out += buf;
    const auto row = [&](const char* name, double analytic, const Stats& s) {
        std::snprintf(buf,
                      sizeof(buf),
                      "%-6s %12.6g %12.6g %12.6g %12.6g %8llu\n",
                      name,
                      analytic,
                      s.mean,
                      s.p50,
                      s.p95,
                      static_cast<unsigned long long>(s.samples));
        out += buf;
    };
    row("TTFT", analyticTtftSeconds, ttft);
    row("TPOT", analyticTpotSeconds, tpot);
    out += "(analytic: one device alone; queueing at the cloud and TCP/IP headers are not in it)\n";
    std::snprintf(buf,
                  sizeof(buf),
                  "Tokens: %llu requested, %llu completed, %llu failed",
                  static_cast<unsigned long long>(tokensRequested),
                  static_cast<unsigned long long>(tokensCompleted),
                  static_cast<unsigned long long>(tokensFailed));
    out += buf;
    std::string reasons;
    for (const auto& [reason, count] : failures)
    {
        reasons += (reasons.empty() ? " (" : ", ") + std::to_string(count) + " " + reason;
    }
    out += reasons.empty() ? "\n" : reasons + ")\n";
    std::snprintf(buf,
                  sizeof(buf),
                  "Cloud: busy %.6g s, utilization %.1f %%, %llu jobs, queueing mean %.6g s, "
                  "p95 %.6g s, longest queue %u\n",
                  cloudBusySeconds,
                  100 * cloudUtilization,
                  static_cast<unsigned long long>(cloudJobs),
                  cloudMeanQueueingSeconds,
                  cloudP95QueueingSeconds,
                  cloudMaxQueue);
    out += buf;
    std::snprintf(buf,
                  sizeof(buf),
                  "Shared link: %llu bytes up (%llu packets), %llu bytes down (%llu packets); "
                  "%llu drops\n",
                  static_cast<unsigned long long>(sharedBytesUp),
                  static_cast<unsigned long long>(sharedPacketsUp),
                  static_cast<unsigned long long>(sharedBytesDown),
                  static_cast<unsigned long long>(sharedPacketsDown),
                  static_cast<unsigned long long>(drops));
    out += buf;
    std::snprintf(buf,
                  sizeof(buf),
                  "Wall time %.3f s for %.6g simulated seconds, %llu events%s\n",
                  wallSeconds,
                  endSeconds,
                  static_cast<unsigned long long>(events),
                  stoppedBySafetyLimit ? " (stopped by the safety limit)" : "");
    out += buf;
    return out;
}

LlmSplitSimulation::Access
LlmSplitSimulation::ParseAccess(const std::string& text, const std::string& field)
{
    for (const Access a : {Access::P2P, Access::WIFI_AC, Access::WIFI_AX})
    {
        if (text == GetAccessName(a))
        {
            return a;
        }
    }
    throw LlmInputError("command line",
                        field,
                        "expected p2p, wifi-ac or wifi-ax (the medium between the devices and "
                        "the router), got \""
                            + text + "\"");
}

std::string
LlmSplitSimulation::GetAccessName(Access access)
{
    switch (access)
    {
        case Access::WIFI_AC:
            return "wifi-ac";
        case Access::WIFI_AX:
            return "wifi-ax";
        case Access::P2P:
            break;
    }
    return "p2p";
}

LlmSplitSetting
LlmSplitSimulation::WithAccess(const LlmSplitSetting& setting, Access access)
{
    LlmSplitSetting s = setting;
    if (access != Access::P2P)
    {
        const double rate =
            EdgeTopologyHelper::GetWifiPhyRate(access == Access::WIFI_AC ? "80211ac" : "80211ax");
        s.uplinkBps = rate;
        s.downlinkBps = rate;
        s.sharedDelaySeconds += s.accessDelaySeconds;
        s.accessDelaySeconds = 0;
    }
    return s;
}

LlmSplitSimulation::LlmSplitSimulation(const LlmSplitSetting& setting,
                                       const LlmTransportSetting& transport)
    : m_given(setting)
    , m_setting(setting)
    , m_transport(transport)
{
    m_setting.Validate();
    m_transport.Validate("");
    const LlmTransportSetting d;
    const auto refuse = [](const std::string& key, const std::string& instead) {
        throw LlmInputError(kSource,
                            key,
                            "has no meaning in the split simulation (device - router - cloud): "
                                + instead);
    };
    if (m_transport.d2d != d.d2d)
    {
        refuse("d2d",
               "it has no edge-edge links; for Wi-Fi between the devices and the router, set "
               "the access medium (--access=wifi-ac or wifi-ax)");
    }
    if (m_transport.d2dDelaySeconds || m_transport.wanDelaySeconds)
    {
        refuse(m_transport.d2dDelaySeconds ? "d2d-delay" : "wan-delay",
               "set LlmSplitSetting::accessDelaySeconds and sharedDelaySeconds");
    }
    if (m_transport.allLinks != d.allLinks)
    {
        refuse("all-links", "it builds every link it has");
    }
    if (!m_transport.user.empty())
    {
        refuse("user", "the devices are the request sources");
    }
    if (m_transport.requests != d.requests)
    {
        refuse("requests", "set LlmSplitSetting::requests (per device) and devices");
    }
    ComputeLimits();
}

void
LlmSplitSimulation::ComputeLimits()
{
    // The safety limit: 1000 × (what one device needs alone, plus the cloud and the shared
    // link serializing every device's work, plus 1 s).
    const LlmSplitSetting& s = m_setting;
    const bool cloudOnly = s.mode == LlmSplitSetting::Mode::CLOUD_ONLY;
    const double k = s.devices;
    const double alone =
        s.requests
        * (s.AnalyticTtftSeconds(true) + (s.tokensToGenerate - 1.0) * s.AnalyticTpotSeconds(true)
           + s.thinkSeconds);
    const double cloud = k * s.CloudSecondsPerDevice();
    const double bytes = cloudOnly ? static_cast<double>(s.promptBytes)
                                   : static_cast<double>(s.payloadPrefillBytes)
                                         + (s.tokensToGenerate - 1.0) * s.payloadDecodeBytes;
    // Every device's bytes through the shared link (with Wi-Fi also through one medium).
    const double bottleneck =
        m_access == Access::P2P ? s.sharedBps : std::min(s.sharedBps, s.uplinkBps);
    const double shared = k * s.requests * 8 * bytes / bottleneck;
    // UDP: a token with no id (its last datagram lost) fails after ten times the longest a
    // step can take with every device queued at the cloud before it.
    if (m_transport.transport == "udp")
    {
        const double prefill = cloudOnly ? s.cloudOnlyPrefillSeconds : s.cloudPrefillSeconds;
        const double decode = cloudOnly ? s.cloudOnlyDecodeSeconds : s.cloudDecodeSeconds;
        m_tokenTimeout = 10
                             * (s.AnalyticTtftSeconds(true) + s.AnalyticTpotSeconds(true)
                                + k * (prefill + decode) + shared / s.requests)
                         + 1;
    }
    const double need =
        alone + cloud + shared + s.requests * m_tokenTimeout
        + (m_access == Access::P2P ? 0.0 : ASSOCIATION_DEADLINE_SECONDS + WARMUP_DEADLINE_SECONDS);
    if (!(need <= MAX_SIMULATED_SECONDS))
    {
        throw LlmInputError(
            kSource,
            "",
            "expected a run of at most " + LlmTextParse::Format(MAX_SIMULATED_SECONDS)
                + " s of simulated time, but it needs about " + LlmTextParse::Format(need)
                + " s: check the compute times, rates, devices and requests");
    }
    m_limit = 1000 * (need + 1);
}

void
LlmSplitSimulation::SetAccess(Access access)
{
    if (access != Access::P2P && m_transport.mtu > 2296)
    {
        throw LlmInputError(kSource,
                            "mtu",
                            "expected 576 ... 2296 bytes with Wi-Fi access (its MSDU limit), got "
                                + std::to_string(m_transport.mtu));
    }
    m_access = access;
    m_setting = WithAccess(m_given, access);
    m_setting.Validate();
    ComputeLimits();
}

void
LlmSplitSimulation::SetOutputs(const LlmSimulationOutputs& outputs)
{
    if (!outputs.placementCsv.empty())
    {
        throw LlmInputError(kSource,
                            "placement CSV",
                            "a split run has no placement table (its setting is the split "
                            "layer, bits and payloads you gave): leave it empty");
    }
    m_outputs = outputs;
}

void
LlmSplitSimulation::SetRngRun(uint64_t run)
{
    m_hasRngRun = true;
    m_rngRun = run;
}

void
LlmSplitSimulation::SetInstalledCallback(
    std::function<void(const ApplicationContainer&, Ptr<LlmSplitCloudApplication>)> f)
{
    m_installed = std::move(f);
}

LlmSplitSimulationResult
LlmSplitSimulation::Run()
{
    LlmRunSetup::PrepareOutputs(m_outputs); // writable files, packet metadata for ASCII
    if (m_hasRngRun)
    {
        RngSeedManager::SetRun(m_rngRun);
    }
    // NetAnim's interface must outlive Simulator::Destroy (its traces fire while the nodes are
    // disposed), so it is declared before the guard.
    std::unique_ptr<AnimationInterface> anim;
    SimulatorGuard guard;
    const LlmSplitSetting& s = m_setting;
    const LlmTransportSetting& t = m_transport;
    const bool cloudOnly = s.mode == LlmSplitSetting::Mode::CLOUD_ONLY;
    const bool propagation = !t.ideal;
    const bool wifi = m_access != Access::P2P;

    // Nodes and links: device k -- router (access), router -- cloud (shared).
    NodeContainer devices;
    devices.Create(s.devices);
    Ptr<Node> router = CreateObject<Node>();
    Ptr<Node> cloud = CreateObject<Node>();
    InternetStackHelper stack;
    stack.Install(devices);
    stack.Install(router);
    stack.Install(cloud);
    PointToPointHelper p2p;
    // The device queue holds one packet; the FIFO queue disc in front of it is the queue (as in
    // EdgeTopologyHelper).
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1p")));
    p2p.SetDeviceAttribute("Mtu", UintegerValue(t.mtu));
    Ptr<RateErrorModel> em;
    if (t.lossRate > 0)
    {
        em = CreateObject<RateErrorModel>();
        em->SetAttribute("ErrorRate", DoubleValue(t.lossRate));
        em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
        p2p.SetDeviceAttribute("ReceiveErrorModel", PointerValue(em));
    }
    TrafficControlHelper tch;
    tch.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", QueueSizeValue(QueueSize(t.queueSize)));
    Ipv4AddressHelper address("10.0.0.0", "255.255.255.252");
    const auto rate = [](double bps) {
        return DataRateValue(DataRate(static_cast<uint64_t>(std::llround(bps))));
    };
    NetDeviceContainer wifiDevices; // the access point's, then the devices'
    Association association;        // Wi-Fi: the devices wait for it
    if (!wifi)
    {
        p2p.SetChannelAttribute("Delay",
                                TimeValue(Seconds(propagation ? s.accessDelaySeconds : 0.0)));
        for (uint32_t k = 0; k < s.devices; ++k)
        {
            NetDeviceContainer d = p2p.Install(devices.Get(k), router);
            d.Get(0)->SetAttribute("DataRate", rate(s.uplinkBps));
            d.Get(1)->SetAttribute("DataRate", rate(s.downlinkBps));
            tch.Install(d);
            address.Assign(d);
            address.NewNetwork();
        }
    }
    else
    {
        // One infrastructure network: the router its access point, the devices its stations,
        // built as the module's D2D Wi-Fi (EdgeTopologyHelper).
        const Ssid ssid("edge-llm-split");
        WifiMacHelper apMac;
        apMac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
        WifiMacHelper staMac;
        staMac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid));
        wifiDevices = EdgeTopologyHelper::InstallWifiDevices(
            m_access == Access::WIFI_AC ? "80211ac" : "80211ax",
            {{apMac, NodeContainer(router)}, {staMac, devices}},
            static_cast<uint16_t>(t.mtu));
        // The access point at the origin, the devices on a circle around it: the same SNR, so
        // the same rate, for every device, and all in range of each other (no hidden station).
        Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
        positions->Add(Vector(0, 0, 0));
        for (uint32_t k = 0; k < s.devices; ++k)
        {
            const double a = 2 * M_PI * k / s.devices;
            positions->Add(
                Vector(ACCESS_RADIUS_METRES * std::cos(a), ACCESS_RADIUS_METRES * std::sin(a), 0));
        }
        MobilityHelper mobility;
        mobility.SetPositionAllocator(positions);
        mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
        NodeContainer onAir(router);
        onAir.Add(devices);
        mobility.Install(onAir);
        // RTS/CTS before every frame: with up to 64 stations contending, a collision then costs
        // an RTS, not an A-MPDU; without it, ns-3 3.37's 802.11ax can stall a Block Ack
        // agreement for good once collided MPDUs reach their retry limit.
        for (uint32_t k = 0; k < wifiDevices.GetN(); ++k)
        {
            DynamicCast<WifiNetDevice>(wifiDevices.Get(k))
                ->GetRemoteStationManager()
                ->SetAttribute("RtsCtsThreshold", UintegerValue(0));
        }
        for (uint32_t k = 0; k < wifiDevices.GetN() && em; ++k)
        {
            DynamicCast<WifiNetDevice>(wifiDevices.Get(k))
                ->GetPhy()
                ->SetPostReceptionErrorModel(em);
        }
        Ipv4AddressHelper wifiAddress("10.128.0.0", "255.255.0.0");
        association.interfaces = wifiAddress.Assign(wifiDevices);
    }
    p2p.SetChannelAttribute("Delay", TimeValue(Seconds(propagation ? s.sharedDelaySeconds : 0.0)));
    NetDeviceContainer shared = p2p.Install(router, cloud);
    shared.Get(0)->SetAttribute("DataRate", rate(s.sharedBps));
    shared.Get(1)->SetAttribute("DataRate", rate(s.sharedBps));
    tch.Install(shared);
    const Ipv4Address cloudAddress = address.Assign(shared).GetAddress(1);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    // The transport, on this run's objects only.
    if (!t.congestionControl.empty())
    {
        const TypeIdValue cc(TypeId::LookupByName("ns3::" + t.congestionControl));
        NodeContainer all(devices);
        all.Add(router);
        all.Add(cloud);
        for (uint32_t i = 0; i < all.GetN(); ++i)
        {
            all.Get(i)->GetObject<TcpL4Protocol>()->SetAttribute("SocketType", cc);
        }
    }
    const auto messenger = [&t]() {
        Ptr<LlmMessenger> m = CreateObject<LlmMessenger>();
        m->SetAttribute("Transport", StringValue(t.transport == "udp" ? "Udp" : "Tcp"));
        m->SetAttribute("TcpSegmentSize", UintegerValue(t.mtu - 52));
        m->SetAttribute("UdpPayloadSize", UintegerValue(t.mtu - 54));
        m->SetAttribute("TcpBufferSize", UintegerValue(t.socketBuffer));
        return m;
    };
    const bool udp = t.transport == "udp";
    const uint16_t cloudPort = 9000;
    const uint16_t devicePort = 9001;

    Ptr<LlmSplitCloudApplication> cloudApp = CreateObject<LlmSplitCloudApplication>();
    cloudApp->SetAttribute("Mode", StringValue(cloudOnly ? "CloudOnly" : "Split"));
    cloudApp->SetAttribute("Port", UintegerValue(cloudPort));
    cloudApp->SetAttribute("ReplyPort", UintegerValue(devicePort));
    cloudApp->SetAttribute(
        "PrefillCompute",
        TimeValue(Seconds(cloudOnly ? s.cloudOnlyPrefillSeconds : s.cloudPrefillSeconds)));
    cloudApp->SetAttribute(
        "DecodeCompute",
        TimeValue(Seconds(cloudOnly ? s.cloudOnlyDecodeSeconds : s.cloudDecodeSeconds)));
    cloudApp->SetAttribute("Tokens", UintegerValue(s.tokensToGenerate));
    cloudApp->SetAttribute("TokenIdBytes", UintegerValue(s.tokenIdBytes));
    cloudApp->SetAttribute("PaceRate", DoubleValue(udp ? std::min(s.sharedBps, s.downlinkBps) : 0));
    cloudApp->SetAttribute("Messenger", PointerValue(messenger()));
    cloud->AddApplication(cloudApp);
    cloudApp->SetStartTime(Seconds(0));

    ApplicationContainer deviceApps;
    Remaining remaining{s.devices};
    std::vector<TokenRow> tokenRows;
    std::vector<TokenSink> tokenSinks(s.devices);
    for (uint32_t k = 0; k < s.devices; ++k)
    {
        Ptr<LlmSplitDeviceApplication> app = CreateObject<LlmSplitDeviceApplication>();
        app->SetAttribute("Mode", StringValue(cloudOnly ? "CloudOnly" : "Split"));
        app->SetAttribute("Remote", AddressValue(InetSocketAddress(cloudAddress, cloudPort)));
        app->SetAttribute("Port", UintegerValue(devicePort));
        app->SetAttribute("DeviceId", UintegerValue(k));
        app->SetAttribute("SplitLayer", UintegerValue(s.splitLayer));
        app->SetAttribute("PromptTokens", UintegerValue(s.promptTokens));
        app->SetAttribute("Tokens", UintegerValue(s.tokensToGenerate));
        app->SetAttribute("Requests", UintegerValue(s.requests));
        app->SetAttribute("InterArrival",
                          StringValue("ns3::ConstantRandomVariable[Constant="
                                      + LlmTextParse::Format(s.thinkSeconds) + "]"));
        app->SetAttribute("PrefillCompute", TimeValue(Seconds(s.devicePrefillSeconds)));
        app->SetAttribute("DecodeCompute", TimeValue(Seconds(s.deviceDecodeSeconds)));
        app->SetAttribute("PrefillPayload", UintegerValue(s.payloadPrefillBytes));
        app->SetAttribute("DecodePayload", UintegerValue(s.payloadDecodeBytes));
        app->SetAttribute("PromptBytes", UintegerValue(s.promptBytes));
        app->SetAttribute("MemoryBudget", UintegerValue(s.memoryBudgetBytes));
        app->SetAttribute("StaticMemory", UintegerValue(s.deviceStaticBytes));
        app->SetAttribute("KvBytesPerToken", UintegerValue(s.kvBytesPerToken));
        app->SetAttribute("PaceRate", DoubleValue(udp ? std::min(s.uplinkBps, s.sharedBps) : 0));
        app->SetAttribute("TokenTimeout", TimeValue(Seconds(m_tokenTimeout)));
        app->SetAttribute("Handshake", BooleanValue(s.warmConnections && !udp));
        app->SetAttribute("Messenger", PointerValue(messenger()));
        if (!wifi)
        {
            devices.Get(k)->AddApplication(app); // else once the stations have associated
        }
        app->SetStartTime(Seconds(0));
        app->AssignStreams(k);
        app->TraceConnectWithoutContext("AllDone", MakeBoundCallback(&DeviceDone, &remaining));
        if (!m_outputs.tokenCsv.empty())
        {
            tokenSinks[k] = TokenSink{&tokenRows, k};
            app->TraceConnectWithoutContext("TokenDone",
                                            MakeBoundCallback(&TokenDoneRow, &tokenSinks[k]));
            app->TraceConnectWithoutContext("TokenFailed",
                                            MakeBoundCallback(&TokenFailedRow, &tokenSinks[k]));
        }
        deviceApps.Add(app);
    }
    if (wifi)
    {
        association.nodes = devices;
        association.apps = deviceApps;
        association.ap = DynamicCast<WifiNetDevice>(wifiDevices.Get(0))->GetRemoteStationManager();
        for (uint32_t k = 0; k < s.devices; ++k)
        {
            Ptr<WifiNetDevice> station = DynamicCast<WifiNetDevice>(wifiDevices.Get(1 + k));
            association.stations.push_back(DynamicCast<StaWifiMac>(station->GetMac()));
            association.macs.push_back(Mac48Address::ConvertFrom(station->GetAddress()));
            station->GetMac()->TraceConnectWithoutContext(
                "Assoc",
                MakeBoundCallback(&StationAssociated, &association));
        }
        DynamicCast<WifiNetDevice>(wifiDevices.Get(0))
            ->GetMac()
            ->TraceConnectWithoutContext("AssociatedSta",
                                         MakeBoundCallback(&ApAssociated, &association));
        // More datagrams than ns-3 3.37's Block Ack reordering window (64 MPDUs, VHT and HE);
        // a larger window takes more rounds.
        association.burst = 80;
        Simulator::Schedule(Seconds(ASSOCIATION_DEADLINE_SECONDS), &BeginWarmup, &association);
    }

    LlmSplitSimulationResult r;
    LinkCount up;
    LinkCount down;
    shared.Get(0)->TraceConnectWithoutContext("PhyTxEnd", MakeBoundCallback(&CountTx, &up));
    shared.Get(1)->TraceConnectWithoutContext("PhyTxEnd", MakeBoundCallback(&CountTx, &down));
    const std::string path = "/NodeList/*/DeviceList/*/$ns3::PointToPointNetDevice";
    Config::ConnectWithoutContextFailSafe(path + "/PhyRxDrop",
                                          MakeBoundCallback(&CountDrop, &r.drops));
    Config::ConnectWithoutContextFailSafe(path + "/MacTxDrop",
                                          MakeBoundCallback(&CountDrop, &r.drops));
    Config::ConnectWithoutContextFailSafe(
        "/NodeList/*/$ns3::TrafficControlLayer/RootQueueDiscList/*/Drop",
        MakeBoundCallback(&CountDiscDrop, &r.drops));
    Config::ConnectWithoutContextFailSafe("/NodeList/*/DeviceList/*/$ns3::WifiNetDevice/Mac/"
                                          "MacTxDrop",
                                          MakeBoundCallback(&CountDrop, &r.drops));

    // Output files.
    LlmRunSetup::EnablePacketTraces(m_outputs);
    FlowMonitorHelper flowHelper;
    Ptr<FlowMonitor> monitor;
    if (!m_outputs.flowMonitorXml.empty())
    {
        monitor = flowHelper.InstallAll();
    }
    if (!m_outputs.netAnimXml.empty())
    {
        // The cloud on top, the router below it, the devices on an arc beneath (with Wi-Fi
        // they keep their places around the access point). Positions first: the interface
        // writes them when it starts.
        AnimationInterface::SetConstantPosition(cloud, 50, 0);
        if (!router->GetObject<MobilityModel>())
        {
            AnimationInterface::SetConstantPosition(router, 50, 30);
        }
        for (uint32_t k = 0; k < s.devices; ++k)
        {
            if (!devices.Get(k)->GetObject<MobilityModel>())
            {
                const double a = M_PI * (k + 1) / (s.devices + 1);
                AnimationInterface::SetConstantPosition(devices.Get(k),
                                                        50 - 45 * std::cos(a),
                                                        30 + 40 * std::sin(a));
            }
        }
        anim = std::make_unique<AnimationInterface>(m_outputs.netAnimXml);
        anim->UpdateNodeDescription(cloud, "cloud");
        anim->UpdateNodeDescription(router, wifi ? "access point" : "router");
        for (uint32_t k = 0; k < s.devices; ++k)
        {
            anim->UpdateNodeDescription(devices.Get(k), "device " + std::to_string(k));
        }
    }
    if (m_installed)
    {
        m_installed(deviceApps, cloudApp);
    }

    const auto wallStart = std::chrono::steady_clock::now();
    const Time limit = Seconds(m_limit);
    Simulator::Stop(limit); // safety net: the last device's AllDone stops the run
    Simulator::Run();
    r.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    r.events = Simulator::GetEventCount();
    r.endSeconds = Simulator::Now().GetSeconds();
    r.safetyLimitSeconds = m_limit;

    r.mode = s.GetModeName();
    r.setting = t.name;
    r.transport = t.transport;
    r.access = GetAccessName(m_access);
    r.devices = s.devices;
    r.uplinkBps = s.uplinkBps;
    r.downlinkBps = s.downlinkBps;
    if (wifi)
    {
        r.stationsAssociated = association.associatedAtStart;
        r.stationsReady = association.readyAtStart;
        r.warmupRounds = association.rounds;
        r.associationSeconds = association.startTime.GetSeconds();
    }
    r.analyticTtftSeconds = s.AnalyticTtftSeconds(propagation);
    r.analyticTpotSeconds = s.AnalyticTpotSeconds(propagation);
    r.analyticMemoryFailureToken = s.FirstMemoryFailure();
    std::vector<Time> ttfts;
    std::vector<Time> tpots;
    double firstArrival = r.endSeconds;
    for (uint32_t k = 0; k < s.devices; ++k)
    {
        Ptr<LlmSplitDeviceApplication> app =
            DynamicCast<LlmSplitDeviceApplication>(deviceApps.Get(k));
        LlmSplitSimulationResult::Device dev;
        dev.ttft = Summarize(app->GetTtfts());
        dev.tpot = Summarize(app->GetTpots());
        dev.tokensRequested = app->GetTokensRequested();
        dev.tokensCompleted = app->GetTokensCompleted();
        dev.tokensFailed = app->GetTokensFailed();
        dev.failures = app->GetFailureCounts();
        // Token conservation: a token neither completed nor failed at the end was cut off.
        const uint64_t cut =
            dev.tokensRequested
            - std::min(dev.tokensRequested, dev.tokensCompleted + dev.tokensFailed);
        if (cut > 0)
        {
            dev.tokensFailed += cut;
            dev.failures["cut-off"] += cut;
            r.tokensCutOff += cut;
        }
        for (const LlmSplitDeviceApplication::RequestRecord& rec : app->GetRequests())
        {
            if (rec.firstFailedToken >= 0)
            {
                dev.firstFailedToken = rec.firstFailedToken;
                dev.firstFailReason = rec.failReason;
                break;
            }
        }
        dev.computeSeconds = app->GetBusyTime().GetSeconds();
        if (!app->GetRequests().empty())
        {
            const double arrival = app->GetRequests().front().arrival.GetSeconds();
            firstArrival = std::min(firstArrival, arrival);
        }
        ttfts.insert(ttfts.end(), app->GetTtfts().begin(), app->GetTtfts().end());
        tpots.insert(tpots.end(), app->GetTpots().begin(), app->GetTpots().end());
        r.tokensRequested += dev.tokensRequested;
        r.tokensCompleted += dev.tokensCompleted;
        r.tokensFailed += dev.tokensFailed;
        for (const auto& [reason, count] : dev.failures)
        {
            r.failures[reason] += count;
        }
        r.perDevice.push_back(dev);
    }
    r.startSeconds = firstArrival;
    r.ttft = Summarize(ttfts);
    r.tpot = Summarize(tpots);
    r.stoppedBySafetyLimit = r.tokensCutOff > 0 && Simulator::Now() >= limit;

    r.cloudBusySeconds = cloudApp->GetBusyTime().GetSeconds();
    const double span = r.endSeconds - r.startSeconds;
    r.cloudUtilization = span > 0 ? r.cloudBusySeconds / span : 0.0;
    const LlmSplitSimulationResult::Stats queueing = Summarize(cloudApp->GetQueueingDelays());
    r.cloudMeanQueueingSeconds = queueing.mean;
    r.cloudP95QueueingSeconds = queueing.p95;
    r.cloudJobs = cloudApp->GetJobsCompleted();
    r.cloudMaxQueue = cloudApp->GetMaxQueueLength();
    r.sharedBytesUp = up.bytes;
    r.sharedPacketsUp = up.packets;
    r.sharedBytesDown = down.bytes;
    r.sharedPacketsDown = down.packets;

    if (monitor)
    {
        monitor->CheckForLostPackets();
        monitor->SerializeToXmlFile(m_outputs.flowMonitorXml, true, true);
    }
    if (!m_outputs.tokenCsv.empty())
    {
        std::sort(tokenRows.begin(), tokenRows.end(), [](const TokenRow& a, const TokenRow& b) {
            return std::tie(a.device, a.request, a.token) < std::tie(b.device, b.request, b.token);
        });
        std::vector<std::string> lines;
        lines.reserve(tokenRows.size());
        char buf[160];
        for (const TokenRow& row : tokenRows)
        {
            std::snprintf(buf,
                          sizeof(buf),
                          "%u,%u,%u,%s,%.9f,",
                          row.device,
                          row.request,
                          row.token,
                          row.completed ? "completed" : "failed",
                          row.timeSeconds);
            std::string line = buf;
            if (row.completed)
            {
                std::snprintf(buf, sizeof(buf), "%.9f", row.latencySeconds);
                line += buf;
            }
            lines.push_back(line + "," + row.reason);
        }
        WriteTokenCsv(lines);
    }
    return r;
}

void
LlmSplitSimulation::WriteTokenCsv(const std::vector<std::string>& rows) const
{
    std::ofstream out(m_outputs.tokenCsv);
    out << "device,request,token,status,time_s,latency_s,reason\n";
    for (const std::string& row : rows)
    {
        out << row << "\n";
    }
    if (!out)
    {
        throw LlmInputError(m_outputs.tokenCsv, "", "cannot write the token CSV");
    }
}

} // namespace ns3

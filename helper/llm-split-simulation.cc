// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-simulation.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-messenger.h"
#include "ns3/llm-split-cloud-application.h"
#include "ns3/llm-split-device-application.h"
#include "ns3/llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/queue-item.h"
#include "ns3/queue-size.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

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
                  "%s, %u device(s), %s (%s)\n",
                  mode.c_str(),
                  devices,
                  transport.c_str(),
                  setting.c_str());
    out += buf;
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

LlmSplitSimulation::LlmSplitSimulation(const LlmSplitSetting& setting,
                                       const LlmTransportSetting& transport)
    : m_setting(setting)
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
        refuse("d2d", "its links are point-to-point");
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
    const double shared = k * s.requests * 8 * bytes / s.sharedBps;
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
    const double need = alone + cloud + shared + s.requests * m_tokenTimeout;
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
    if (m_hasRngRun)
    {
        RngSeedManager::SetRun(m_rngRun);
    }
    SimulatorGuard guard;
    const LlmSplitSetting& s = m_setting;
    const LlmTransportSetting& t = m_transport;
    const bool cloudOnly = s.mode == LlmSplitSetting::Mode::CLOUD_ONLY;
    const bool propagation = !t.ideal;

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
    if (t.lossRate > 0)
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
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
    p2p.SetChannelAttribute("Delay", TimeValue(Seconds(propagation ? s.accessDelaySeconds : 0.0)));
    for (uint32_t k = 0; k < s.devices; ++k)
    {
        NetDeviceContainer d = p2p.Install(devices.Get(k), router);
        d.Get(0)->SetAttribute("DataRate", rate(s.uplinkBps));
        d.Get(1)->SetAttribute("DataRate", rate(s.downlinkBps));
        tch.Install(d);
        address.Assign(d);
        address.NewNetwork();
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
        devices.Get(k)->AddApplication(app);
        app->SetStartTime(Seconds(0));
        app->AssignStreams(k);
        app->TraceConnectWithoutContext("AllDone", MakeBoundCallback(&DeviceDone, &remaining));
        deviceApps.Add(app);
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
    r.devices = s.devices;
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
    return r;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-cloud-application.h"

#include "edge-llm-compat.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmSplitCloudApplication");

NS_OBJECT_ENSURE_REGISTERED(LlmSplitCloudApplication);

TypeId
LlmSplitCloudApplication::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmSplitCloudApplication")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmSplitCloudApplication>()
            .AddAttribute("Mode",
                          "Split (the back end per step, driven by the device) or CloudOnly "
                          "(every layer; the cloud generates the Tokens steps of a request).",
                          EdgeLlmEnumValue<Mode>(SPLIT),
                          EdgeLlmMakeEnumAccessor<Mode>(&LlmSplitCloudApplication::m_mode),
                          MakeEnumChecker(SPLIT, "Split", CLOUD_ONLY, "CloudOnly"))
            .AddAttribute("Port",
                          "Port the cloud listens on.",
                          UintegerValue(9000),
                          MakeUintegerAccessor(&LlmSplitCloudApplication::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("ReplyPort",
                          "Port of the devices' messengers, where token ids go.",
                          UintegerValue(9001),
                          MakeUintegerAccessor(&LlmSplitCloudApplication::m_replyPort),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("PrefillCompute",
                          "Compute of a prefill job (split: layers l+1 ... L and the head on P "
                          "tokens; cloud-only: every layer).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&LlmSplitCloudApplication::m_prefillCompute),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("DecodeCompute",
                          "Compute of a decode job (one token).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&LlmSplitCloudApplication::m_decodeCompute),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("Tokens",
                          "CloudOnly: tokens generated per request (G), the steps the cloud "
                          "runs on its own after the prompt.",
                          UintegerValue(32),
                          MakeUintegerAccessor(&LlmSplitCloudApplication::m_tokens),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("TokenIdBytes",
                          "Bytes of the token id returned per step.",
                          UintegerValue(4),
                          MakeUintegerAccessor(&LlmSplitCloudApplication::m_tokenIdBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("PaceRate",
                          "UDP: the sending rate of the replies' datagrams, bit/s (0: no "
                          "pacing).",
                          DoubleValue(0),
                          MakeDoubleAccessor(&LlmSplitCloudApplication::m_paceBps),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("Messenger",
                          "The transport (TCP or UDP and its settings).",
                          PointerValue(),
                          MakePointerAccessor(&LlmSplitCloudApplication::m_messenger),
                          MakePointerChecker<LlmMessenger>())
            .AddTraceSource("Received",
                            "A device's message arrived complete.",
                            MakeTraceSourceAccessor(&LlmSplitCloudApplication::m_receivedTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback")
            .AddTraceSource("Sent",
                            "A token id (or a failure report) was sent to a device.",
                            MakeTraceSourceAccessor(&LlmSplitCloudApplication::m_sentTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback")
            .AddTraceSource("JobStart",
                            "A job started computing (request id, token, queueing delay).",
                            MakeTraceSourceAccessor(&LlmSplitCloudApplication::m_jobStartTrace),
                            "ns3::LlmSplitCloudApplication::JobStartTracedCallback")
            .AddTraceSource("JobEnd",
                            "A job finished computing (request id, token).",
                            MakeTraceSourceAccessor(&LlmSplitCloudApplication::m_jobEndTrace),
                            "ns3::LlmSplitCloudApplication::JobTracedCallback");
    return tid;
}

LlmSplitCloudApplication::LlmSplitCloudApplication()
    : m_mode(SPLIT)
    , m_port(9000)
    , m_replyPort(9001)
    , m_tokens(32)
    , m_tokenIdBytes(4)
    , m_paceBps(0)
{
    NS_LOG_FUNCTION(this);
}

LlmSplitCloudApplication::~LlmSplitCloudApplication()
{
    NS_LOG_FUNCTION(this);
}

void
LlmSplitCloudApplication::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_computeEvent.Cancel();
    if (m_messenger)
    {
        m_messenger->Dispose();
    }
    m_messenger = nullptr;
    m_queue.clear();
    Application::DoDispose();
}

Ptr<LlmMessenger>
LlmSplitCloudApplication::GetMessenger() const
{
    return m_messenger;
}

uint64_t
LlmSplitCloudApplication::GetJobsCompleted() const
{
    return m_jobsCompleted;
}

Time
LlmSplitCloudApplication::GetBusyTime() const
{
    return m_busyTime;
}

const std::vector<Time>&
LlmSplitCloudApplication::GetQueueingDelays() const
{
    return m_queueing;
}

uint32_t
LlmSplitCloudApplication::GetMaxQueueLength() const
{
    return m_maxQueue;
}

void
LlmSplitCloudApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (!m_messenger)
    {
        m_messenger = CreateObject<LlmMessenger>();
    }
    m_messenger->SetReceiveCallback(MakeCallback(&LlmSplitCloudApplication::Receive, this));
    m_messenger->SetLostCallback(MakeCallback(&LlmSplitCloudApplication::Lost, this));
    m_messenger->Start(GetNode(), m_port);
}

void
LlmSplitCloudApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_computeEvent.Cancel();
    if (m_messenger)
    {
        m_messenger->Stop();
    }
}

void
LlmSplitCloudApplication::Receive(const LlmActivationHeader& h, const Address& from)
{
    NS_LOG_FUNCTION(this << h << from);
    if (h.kind != LlmActivationHeader::ACTIVATION || !InetSocketAddress::IsMatchingType(from))
    {
        return;
    }
    m_receivedTrace(h);
    const Address device =
        InetSocketAddress(InetSocketAddress::ConvertFrom(from).GetIpv4(), m_replyPort);
    if (h.requestId == HELLO_ID)
    {
        LlmActivationHeader hello = h;
        hello.kind = LlmActivationHeader::TOKEN_DONE;
        hello.payloadBytes = 0;
        m_sentTrace(hello);
        m_messenger->Send(device, hello, m_paceBps);
        return;
    }
    m_deviceByIdx[h.requestId >> 16] = device;
    if (m_mode == CLOUD_ONLY && h.token != 0)
    {
        NS_LOG_WARN("cloud-only: a decode message from a device, ignored: " << h);
        return;
    }
    Enqueue({h.requestId, h.token, device, Simulator::Now()});
}

void
LlmSplitCloudApplication::Lost(const LlmActivationHeader& h)
{
    NS_LOG_FUNCTION(this << h);
    if (h.kind != LlmActivationHeader::ACTIVATION || h.requestId == HELLO_ID)
    {
        return; // a reply was lost: the device's timeout (or the next id) accounts for it
    }
    const auto it = m_deviceByIdx.find(h.requestId >> 16);
    if (it == m_deviceByIdx.end())
    {
        return; // the device is unknown: its TokenTimeout fails the token
    }
    LlmActivationHeader fail = h;
    fail.kind = LlmActivationHeader::TOKEN_FAILED;
    fail.payloadBytes = 0;
    m_sentTrace(fail);
    m_messenger->Send(it->second, fail, m_paceBps);
}

void
LlmSplitCloudApplication::Enqueue(const Job& job)
{
    m_queue.push_back(job);
    if (!m_busy)
    {
        StartNext();
    }
    else
    {
        m_maxQueue = std::max(m_maxQueue, static_cast<uint32_t>(m_queue.size()));
    }
}

void
LlmSplitCloudApplication::StartNext()
{
    if (m_queue.empty())
    {
        m_busy = false;
        return;
    }
    m_busy = true;
    m_current = m_queue.front();
    m_queue.pop_front();
    const Time waited = Simulator::Now() - m_current.enqueued;
    m_queueing.push_back(waited);
    const Time compute = m_current.token == 0 ? m_prefillCompute : m_decodeCompute;
    m_busyTime += compute;
    m_jobStartTrace(m_current.request, m_current.token, waited);
    m_computeEvent = Simulator::Schedule(compute, &LlmSplitCloudApplication::FinishJob, this);
}

void
LlmSplitCloudApplication::FinishJob()
{
    const Job job = m_current;
    ++m_jobsCompleted;
    m_jobEndTrace(job.request, job.token);
    LlmActivationHeader h;
    h.kind = LlmActivationHeader::TOKEN_DONE;
    h.requestId = job.request;
    h.token = job.token;
    h.payloadBytes = m_tokenIdBytes;
    m_sentTrace(h);
    m_messenger->Send(job.device, h, m_paceBps);
    if (m_mode == CLOUD_ONLY && job.token + 1 < m_tokens)
    {
        m_queue.push_back({job.request, job.token + 1, job.device, Simulator::Now()});
    }
    StartNext();
}

} // namespace ns3

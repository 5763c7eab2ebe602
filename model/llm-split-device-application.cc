// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-device-application.h"

#include "edge-llm-compat.h"
#include "llm-split-cloud-application.h"
#include "ns3/address.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmSplitDeviceApplication");

NS_OBJECT_ENSURE_REGISTERED(LlmSplitDeviceApplication);

TypeId
LlmSplitDeviceApplication::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmSplitDeviceApplication")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmSplitDeviceApplication>()
            .AddAttribute("Mode",
                          "Split (front end on the device, activation to the cloud) or CloudOnly "
                          "(prompt ids to the cloud, which computes and streams the token ids).",
                          EdgeLlmEnumValue<Mode>(SPLIT),
                          EdgeLlmMakeEnumAccessor<Mode>(&LlmSplitDeviceApplication::m_mode),
                          MakeEnumChecker(SPLIT, "Split", CLOUD_ONLY, "CloudOnly"))
            .AddAttribute("Remote",
                          "The cloud's messenger (InetSocketAddress: address and port).",
                          AddressValue(),
                          MakeAddressAccessor(&LlmSplitDeviceApplication::m_remote),
                          MakeAddressChecker())
            .AddAttribute("Port",
                          "Port token ids are received on.",
                          UintegerValue(9001),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("DeviceId",
                          "Index of the device; the request ids on the wire carry it in their "
                          "upper 16 bits, so messages of different devices never mix.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_deviceId),
                          MakeUintegerChecker<uint32_t>(0, 65534))
            .AddAttribute("SplitLayer",
                          "l: decoder blocks on the device (the cloud's first layer is l + 1; "
                          "carried in the message header).",
                          UintegerValue(8),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_splitLayer),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("PromptTokens",
                          "P: prompt tokens of a request (the prefill's context).",
                          UintegerValue(128),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_promptTokens),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Tokens",
                          "G: tokens generated per request (the prefill yields the first).",
                          UintegerValue(32),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_tokens),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Requests",
                          "Requests this device makes, one at a time.",
                          UintegerValue(1),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_requests),
                          MakeUintegerChecker<uint32_t>(1, 65535))
            .AddAttribute("ClosedLoop",
                          "True: a request arrives InterArrival after the previous one ended "
                          "(think time). False: arrivals are InterArrival apart from the start "
                          "and wait while another request runs.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&LlmSplitDeviceApplication::m_closedLoop),
                          MakeBooleanChecker())
            .AddAttribute("InterArrival",
                          "Think time (closed loop) or time between arrivals (open loop), s.",
                          StringValue("ns3::ConstantRandomVariable[Constant=0]"),
                          MakePointerAccessor(&LlmSplitDeviceApplication::m_interArrival),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("PrefillCompute",
                          "Device compute of the prefill (embedding + l blocks on P tokens).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&LlmSplitDeviceApplication::m_prefillCompute),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("DecodeCompute",
                          "Device compute of one decode step (one token).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&LlmSplitDeviceApplication::m_decodeCompute),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("PrefillPayload",
                          "Activation message of the prefill (the codec's bytes), bytes.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_prefillPayload),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("DecodePayload",
                          "Activation message of one decode step, bytes.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_decodePayload),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("PromptBytes",
                          "CloudOnly: the prompt's token ids sent at prefill (4 P), bytes.",
                          UintegerValue(512),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_promptBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("MemoryBudget",
                          "M_max: the device memory the model may use, bytes.",
                          UintegerValue(std::numeric_limits<uint64_t>::max()),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_memoryBudget),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("StaticMemory",
                          "Memory held whatever the context: weights of the device's layers, "
                          "activation buffer, runtime reserve, bytes.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_staticMemory),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("KvBytesPerToken",
                          "KV cache of the device's blocks per context token, l 2 H_kv D "
                          "Q_kv / 8, bytes.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LlmSplitDeviceApplication::m_kvBytesPerToken),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("PaceRate",
                          "UDP: the sending rate of the activation's datagrams, bit/s (the "
                          "uplink rate; 0: no pacing).",
                          DoubleValue(0),
                          MakeDoubleAccessor(&LlmSplitDeviceApplication::m_paceBps),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("TokenTimeout",
                          "A token without its id after this long fails, and its request "
                          "ends (0: never).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&LlmSplitDeviceApplication::m_tokenTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("Handshake",
                          "Before the first request, exchange an empty message with the cloud so "
                          "that the connections in both directions are open; the requests start "
                          "when the cloud's answer arrives.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&LlmSplitDeviceApplication::m_handshake),
                          MakeBooleanChecker())
            .AddAttribute("Messenger",
                          "The transport (TCP or UDP and its settings).",
                          PointerValue(),
                          MakePointerAccessor(&LlmSplitDeviceApplication::m_messenger),
                          MakePointerChecker<LlmMessenger>())
            .AddTraceSource(
                "RequestStart",
                "A request started (request, time it waited for the previous one).",
                MakeTraceSourceAccessor(&LlmSplitDeviceApplication::m_requestStartTrace),
                "ns3::LlmSplitDeviceApplication::RequestStartTracedCallback")
            .AddTraceSource("StepStart",
                            "A step passed the memory check and its compute started (request, "
                            "token).",
                            MakeTraceSourceAccessor(&LlmSplitDeviceApplication::m_stepStartTrace),
                            "ns3::LlmSplitDeviceApplication::TokenTracedCallback")
            .AddTraceSource("Sent",
                            "A message (activation or prompt) was sent to the cloud.",
                            MakeTraceSourceAccessor(&LlmSplitDeviceApplication::m_sentTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback")
            .AddTraceSource("TokenDone",
                            "A token id arrived (request, token, time since its step started).",
                            MakeTraceSourceAccessor(&LlmSplitDeviceApplication::m_tokenDoneTrace),
                            "ns3::LlmSplitDeviceApplication::TokenDoneTracedCallback")
            .AddTraceSource("TokenFailed",
                            "A token failed (request, token, reason: memory, lost, timeout, "
                            "unreachable, aborted).",
                            MakeTraceSourceAccessor(&LlmSplitDeviceApplication::m_tokenFailedTrace),
                            "ns3::LlmSplitDeviceApplication::TokenFailedTracedCallback")
            .AddTraceSource("RequestDone",
                            "A request ended (request, duration since arrival, tokens "
                            "completed).",
                            MakeTraceSourceAccessor(&LlmSplitDeviceApplication::m_requestDoneTrace),
                            "ns3::LlmSplitDeviceApplication::RequestTracedCallback")
            .AddTraceSource("AllDone",
                            "Every request ended.",
                            MakeTraceSourceAccessor(&LlmSplitDeviceApplication::m_allDoneTrace),
                            "ns3::TracedCallback::Void");
    return tid;
}

LlmSplitDeviceApplication::LlmSplitDeviceApplication()
    : m_mode(SPLIT)
    , m_port(9001)
    , m_deviceId(0)
    , m_splitLayer(8)
    , m_promptTokens(128)
    , m_tokens(32)
    , m_requests(1)
    , m_closedLoop(true)
    , m_prefillPayload(0)
    , m_decodePayload(0)
    , m_promptBytes(512)
    , m_memoryBudget(std::numeric_limits<uint64_t>::max())
    , m_staticMemory(0)
    , m_kvBytesPerToken(0)
    , m_paceBps(0)
{
    NS_LOG_FUNCTION(this);
}

LlmSplitDeviceApplication::~LlmSplitDeviceApplication()
{
    NS_LOG_FUNCTION(this);
}

void
LlmSplitDeviceApplication::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_computeEvent.Cancel();
    m_timeoutEvent.Cancel();
    for (EventId& e : m_arrivalEvents)
    {
        e.Cancel();
    }
    if (m_messenger)
    {
        m_messenger->Dispose();
    }
    m_messenger = nullptr;
    m_interArrival = nullptr;
    Application::DoDispose();
}

int64_t
LlmSplitDeviceApplication::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    m_interArrival->SetStream(stream);
    return 1;
}

Ptr<LlmMessenger>
LlmSplitDeviceApplication::GetMessenger() const
{
    return m_messenger;
}

uint64_t
LlmSplitDeviceApplication::GetTokensRequested() const
{
    return static_cast<uint64_t>(m_requests) * m_tokens;
}

uint64_t
LlmSplitDeviceApplication::GetTokensCompleted() const
{
    return m_completed;
}

uint64_t
LlmSplitDeviceApplication::GetTokensFailed() const
{
    return m_failed;
}

const std::map<std::string, uint64_t>&
LlmSplitDeviceApplication::GetFailureCounts() const
{
    return m_failedBy;
}

uint32_t
LlmSplitDeviceApplication::GetRequestsFinished() const
{
    return m_finished;
}

const std::vector<Time>&
LlmSplitDeviceApplication::GetTtfts() const
{
    return m_ttfts;
}

const std::vector<Time>&
LlmSplitDeviceApplication::GetTpots() const
{
    return m_tpots;
}

const std::vector<LlmSplitDeviceApplication::RequestRecord>&
LlmSplitDeviceApplication::GetRequests() const
{
    return m_records;
}

Time
LlmSplitDeviceApplication::GetBusyTime() const
{
    return m_busy;
}

uint32_t
LlmSplitDeviceApplication::WireId(uint32_t r) const
{
    return (m_deviceId << 16) | (r & 0xffff);
}

void
LlmSplitDeviceApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(m_remote.IsInvalid(), "LlmSplitDeviceApplication started without Remote");
    if (!m_messenger)
    {
        m_messenger = CreateObject<LlmMessenger>();
    }
    m_messenger->SetReceiveCallback(MakeCallback(&LlmSplitDeviceApplication::Receive, this));
    m_messenger->SetLostCallback(MakeCallback(&LlmSplitDeviceApplication::InputLost, this));
    m_messenger->Start(GetNode(), m_port);
    m_records.clear();
    m_records.reserve(m_requests);
    if (m_handshake)
    {
        LlmActivationHeader hello;
        hello.kind = LlmActivationHeader::ACTIVATION;
        hello.requestId = LlmSplitCloudApplication::HELLO_ID;
        hello.payloadBytes = 0;
        m_waitingHello = true;
        m_sentTrace(hello);
        m_messenger->Send(m_remote, hello, m_paceBps);
        if (m_tokenTimeout > Seconds(0))
        {
            // An answer that never comes (a lost datagram) delays the requests, no more.
            m_timeoutEvent = Simulator::Schedule(m_tokenTimeout,
                                                 &LlmSplitDeviceApplication::StartArrivals,
                                                 this);
        }
        return;
    }
    StartArrivals();
}

void
LlmSplitDeviceApplication::StartArrivals()
{
    NS_LOG_FUNCTION(this);
    if (m_handshake && !m_waitingHello)
    {
        return; // already started (a late answer, or the timeout after the answer)
    }
    m_waitingHello = false;
    m_timeoutEvent.Cancel();
    if (m_closedLoop)
    {
        m_arrivalEvents.push_back(
            Simulator::ScheduleNow(&LlmSplitDeviceApplication::Arrive, this, 0U));
        return;
    }
    Time at = Seconds(0);
    for (uint32_t r = 0; r < m_requests; ++r)
    {
        m_arrivalEvents.push_back(
            Simulator::Schedule(at, &LlmSplitDeviceApplication::Arrive, this, r));
        at += Seconds(m_interArrival->GetValue());
    }
}

void
LlmSplitDeviceApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_computeEvent.Cancel();
    m_timeoutEvent.Cancel();
    for (EventId& e : m_arrivalEvents)
    {
        e.Cancel();
    }
    if (m_messenger)
    {
        m_messenger->Stop();
    }
}

void
LlmSplitDeviceApplication::Arrive(uint32_t request)
{
    NS_LOG_FUNCTION(this << request);
    ++m_arrived;
    RequestRecord rec;
    rec.arrival = Simulator::Now();
    m_records.push_back(rec);
    m_waiting.push_back(request);
    StartNextRequest();
}

void
LlmSplitDeviceApplication::StartNextRequest()
{
    if (m_active || m_waiting.empty())
    {
        return;
    }
    m_active = true;
    m_request = m_waiting.front();
    m_waiting.pop_front();
    m_token = 0;
    m_previousDone = false;
    m_requestStartTrace(m_request, Simulator::Now() - m_records[m_request].arrival);
    BeginStep();
}

void
LlmSplitDeviceApplication::BeginStep()
{
    NS_LOG_FUNCTION(this << m_request << m_token);
    m_stepStart = Simulator::Now();
    if (m_mode == CLOUD_ONLY)
    {
        SendStep(); // the prompt's ids; nothing to compute, no KV cache
        return;
    }
    // Memory rule: static + (P + w)·kv ≤ M_max, overflow-safe.
    bool fits = m_staticMemory <= m_memoryBudget;
    if (fits && m_kvBytesPerToken > 0)
    {
        const uint64_t maxContext = (m_memoryBudget - m_staticMemory) / m_kvBytesPerToken;
        fits = static_cast<uint64_t>(m_promptTokens) + m_token <= maxContext;
    }
    if (!fits)
    {
        NS_LOG_INFO("device " << m_deviceId << " request " << m_request << ": token " << m_token
                              << " needs a context of " << m_promptTokens + m_token
                              << " tokens, beyond the memory budget");
        FailRest("memory", "memory");
        return;
    }
    m_stepStartTrace(m_request, m_token);
    const Time compute = m_token == 0 ? m_prefillCompute : m_decodeCompute;
    m_busy += compute;
    m_computeEvent = Simulator::Schedule(compute, &LlmSplitDeviceApplication::SendStep, this);
}

void
LlmSplitDeviceApplication::SendStep()
{
    LlmActivationHeader h;
    h.kind = LlmActivationHeader::ACTIVATION;
    h.requestId = WireId(m_request);
    h.token = m_token;
    h.layer = m_mode == SPLIT ? m_splitLayer + 1 : 0;
    h.payloadBytes = m_mode == CLOUD_ONLY ? m_promptBytes
                     : m_token == 0       ? m_prefillPayload
                                          : m_decodePayload;
    m_sentTrace(h);
    m_messenger->Send(m_remote, h, m_paceBps);
    ArmTimeout();
}

void
LlmSplitDeviceApplication::ArmTimeout()
{
    m_timeoutEvent.Cancel();
    if (m_tokenTimeout > Seconds(0))
    {
        m_timeoutEvent = Simulator::Schedule(m_tokenTimeout,
                                             &LlmSplitDeviceApplication::TimedOut,
                                             this,
                                             m_request,
                                             m_token);
    }
}

void
LlmSplitDeviceApplication::Receive(const LlmActivationHeader& h, const Address& /* from */)
{
    NS_LOG_FUNCTION(this << h);
    if (h.requestId == LlmSplitCloudApplication::HELLO_ID)
    {
        if (m_waitingHello)
        {
            StartArrivals();
        }
        return;
    }
    if (!m_active || h.requestId != WireId(m_request) || h.token < m_token || h.token >= m_tokens)
    {
        return; // late news of a request or token already given up
    }
    if (h.kind == LlmActivationHeader::TOKEN_FAILED)
    {
        FailRest("lost", "aborted");
        return;
    }
    if (h.kind != LlmActivationHeader::TOKEN_DONE)
    {
        return;
    }
    m_timeoutEvent.Cancel();
    // Streamed ids (CLOUD_ONLY over UDP) may skip one whose datagram was lost.
    while (m_token < h.token)
    {
        FailToken(m_token, "lost");
        ++m_token;
        m_previousDone = false;
    }
    const Time now = Simulator::Now();
    RequestRecord& rec = m_records[m_request];
    ++m_completed;
    ++rec.completed;
    if (m_token == 0)
    {
        m_ttfts.push_back(now - rec.arrival);
    }
    else if (m_previousDone)
    {
        m_tpots.push_back(now - m_lastTokenTime);
    }
    m_tokenDoneTrace(m_request, m_token, now - m_stepStart);
    m_lastTokenTime = now;
    m_previousDone = true;
    if (++m_token == m_tokens)
    {
        FinishRequest();
        return;
    }
    if (m_mode == SPLIT)
    {
        BeginStep();
    }
    else
    {
        m_stepStart = now;
        ArmTimeout(); // the next streamed id
    }
}

void
LlmSplitDeviceApplication::InputLost(const LlmActivationHeader& h)
{
    NS_LOG_FUNCTION(this << h);
    if (m_waitingHello && h.requestId == LlmSplitCloudApplication::HELLO_ID)
    {
        StartArrivals(); // the requests will find the cloud unreachable and say so
        return;
    }
    if (m_active && h.kind == LlmActivationHeader::ACTIVATION && h.requestId == WireId(m_request)
        && h.token == m_token)
    {
        FailRest("unreachable", "aborted");
    }
}

void
LlmSplitDeviceApplication::TimedOut(uint32_t request, uint32_t token)
{
    if (m_active && request == m_request && token == m_token)
    {
        FailRest("timeout", "aborted");
    }
}

void
LlmSplitDeviceApplication::FailToken(uint32_t token, const std::string& reason)
{
    RequestRecord& rec = m_records[m_request];
    ++m_failed;
    ++m_failedBy[reason];
    ++rec.failed;
    if (rec.firstFailedToken < 0)
    {
        rec.firstFailedToken = token;
        rec.failReason = reason;
    }
    m_tokenFailedTrace(m_request, token, reason);
}

void
LlmSplitDeviceApplication::FailRest(const std::string& reason, const std::string& laterReason)
{
    m_computeEvent.Cancel();
    m_timeoutEvent.Cancel();
    FailToken(m_token, reason);
    for (uint32_t w = m_token + 1; w < m_tokens; ++w)
    {
        FailToken(w, laterReason);
    }
    m_token = m_tokens;
    FinishRequest();
}

void
LlmSplitDeviceApplication::FinishRequest()
{
    NS_LOG_FUNCTION(this << m_request);
    m_timeoutEvent.Cancel();
    RequestRecord& rec = m_records[m_request];
    rec.end = Simulator::Now();
    m_active = false;
    ++m_finished;
    m_requestDoneTrace(m_request, rec.end - rec.arrival, rec.completed);
    if (m_finished == m_requests)
    {
        m_allDoneTrace();
        return;
    }
    if (m_closedLoop)
    {
        m_arrivalEvents.push_back(Simulator::Schedule(Seconds(m_interArrival->GetValue()),
                                                      &LlmSplitDeviceApplication::Arrive,
                                                      this,
                                                      m_arrived));
        return;
    }
    StartNextRequest();
}

} // namespace ns3

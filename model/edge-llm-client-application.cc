// SPDX-License-Identifier: GPL-2.0-only

#include "edge-llm-client-application.h"

#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EdgeLlmClientApplication");

NS_OBJECT_ENSURE_REGISTERED(EdgeLlmClientApplication);

TypeId
EdgeLlmClientApplication::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::EdgeLlmClientApplication")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<EdgeLlmClientApplication>()
            .AddAttribute("Tokens",
                          "n: tokens generated per request.",
                          UintegerValue(128),
                          MakeUintegerAccessor(&EdgeLlmClientApplication::m_tokens),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Requests",
                          "Requests (each a batch of beta sequences) sharing the servers.",
                          UintegerValue(1),
                          MakeUintegerAccessor(&EdgeLlmClientApplication::m_requests),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("InterArrival",
                          "Time between request starts, s (default: all start together).",
                          StringValue("ns3::ConstantRandomVariable[Constant=0]"),
                          MakePointerAccessor(&EdgeLlmClientApplication::m_interArrival),
                          MakePointerChecker<RandomVariableStream>())
            .AddAttribute("TokenTimeout",
                          "A token without a result after this long is failed (0: never).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&EdgeLlmClientApplication::m_tokenTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("Port",
                          "Port results are received on.",
                          UintegerValue(9001),
                          MakeUintegerAccessor(&EdgeLlmClientApplication::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("Messenger",
                          "The transport (TCP or UDP and its settings).",
                          PointerValue(),
                          MakePointerAccessor(&EdgeLlmClientApplication::m_messenger),
                          MakePointerChecker<LlmMessenger>())
            .AddTraceSource("TokenStart",
                            "A token's input was sent to the first layer's server (request, "
                            "token).",
                            MakeTraceSourceAccessor(&EdgeLlmClientApplication::m_tokenStartTrace),
                            "ns3::EdgeLlmClientApplication::TokenFailedTracedCallback")
            .AddTraceSource("TokenDone",
                            "A token's result arrived (request, token, latency).",
                            MakeTraceSourceAccessor(&EdgeLlmClientApplication::m_tokenDoneTrace),
                            "ns3::EdgeLlmClientApplication::TokenTracedCallback")
            .AddTraceSource("TokenFailed",
                            "A token was lost (request, token).",
                            MakeTraceSourceAccessor(&EdgeLlmClientApplication::m_tokenFailedTrace),
                            "ns3::EdgeLlmClientApplication::TokenFailedTracedCallback")
            .AddTraceSource("RequestDone",
                            "A request finished its n tokens (request, duration).",
                            MakeTraceSourceAccessor(&EdgeLlmClientApplication::m_requestDoneTrace),
                            "ns3::EdgeLlmClientApplication::RequestTracedCallback")
            .AddTraceSource("AllDone",
                            "Every request finished.",
                            MakeTraceSourceAccessor(&EdgeLlmClientApplication::m_allDoneTrace),
                            "ns3::TracedCallback::Void");
    return tid;
}

EdgeLlmClientApplication::EdgeLlmClientApplication()
    : m_tokens(128)
    , m_requests(1)
    , m_port(9001)
{
    NS_LOG_FUNCTION(this);
}

EdgeLlmClientApplication::~EdgeLlmClientApplication()
{
    NS_LOG_FUNCTION(this);
}

void
EdgeLlmClientApplication::DoDispose()
{
    for (auto& r : m_state)
    {
        r.timeout.Cancel();
    }
    for (auto& e : m_startEvents)
    {
        e.Cancel();
    }
    if (m_messenger)
    {
        m_messenger->Dispose();
    }
    m_messenger = nullptr;
    m_pipeline = nullptr;
    m_interArrival = nullptr;
    Application::DoDispose();
}

void
EdgeLlmClientApplication::SetPipeline(Ptr<const LlmPipeline> pipeline)
{
    m_pipeline = pipeline;
}

int64_t
EdgeLlmClientApplication::AssignStreams(int64_t stream)
{
    m_interArrival->SetStream(stream);
    return 1;
}

Ptr<LlmMessenger>
EdgeLlmClientApplication::GetMessenger() const
{
    return m_messenger;
}

uint64_t
EdgeLlmClientApplication::GetTokensStarted() const
{
    return m_started;
}

uint64_t
EdgeLlmClientApplication::GetTokensCompleted() const
{
    return m_completed;
}

uint64_t
EdgeLlmClientApplication::GetTokensFailed() const
{
    return m_failed;
}

const std::map<std::string, uint64_t>&
EdgeLlmClientApplication::GetFailureCounts() const
{
    return m_failedBy;
}

uint32_t
EdgeLlmClientApplication::GetRequestsFinished() const
{
    return m_finished;
}

Time
EdgeLlmClientApplication::GetCompletionTime() const
{
    return m_finished == m_requests && m_requests > 0 ? m_lastEnd - m_firstStart : Seconds(0);
}

const std::vector<Time>&
EdgeLlmClientApplication::GetTokenLatencies() const
{
    return m_latencies;
}

void
EdgeLlmClientApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(!m_pipeline, "EdgeLlmClientApplication started without a pipeline");
    if (!m_messenger)
    {
        m_messenger = CreateObject<LlmMessenger>();
    }
    m_messenger->SetReceiveCallback(MakeCallback(&EdgeLlmClientApplication::Receive, this));
    m_messenger->SetLostCallback(MakeCallback(&EdgeLlmClientApplication::InputLost, this));
    m_messenger->Start(GetNode(), m_port);
    m_state.assign(m_requests, Request{});
    m_firstStart = Simulator::Now();
    Time at = Seconds(0);
    for (uint32_t id = 0; id < m_requests; ++id)
    {
        m_startEvents.push_back(
            Simulator::Schedule(at, &EdgeLlmClientApplication::StartRequest, this, id));
        at += Seconds(m_interArrival->GetValue());
    }
}

void
EdgeLlmClientApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    for (auto& r : m_state)
    {
        r.timeout.Cancel();
    }
    for (auto& e : m_startEvents)
    {
        e.Cancel();
    }
    if (m_messenger)
    {
        m_messenger->Stop();
    }
}

void
EdgeLlmClientApplication::StartRequest(uint32_t id)
{
    m_state[id].started = Simulator::Now();
    SendToken(id);
}

void
EdgeLlmClientApplication::SendToken(uint32_t id)
{
    Request& r = m_state[id];
    r.tokenStarted = Simulator::Now();
    ++m_started;
    m_tokenStartTrace(id, r.nextToken);
    LlmActivationHeader h;
    h.kind = LlmActivationHeader::ACTIVATION;
    h.requestId = id;
    h.token = r.nextToken;
    h.layer = 0;
    h.bits = 32;
    h.payloadBytes = m_pipeline->inputBytes;
    const uint32_t first = m_pipeline->stages.front().server;
    m_messenger->Send(m_pipeline->serverAddress[first], h, 0.0);
    if (m_tokenTimeout > Seconds(0))
    {
        r.timeout = Simulator::Schedule(m_tokenTimeout,
                                        &EdgeLlmClientApplication::TokenTimedOut,
                                        this,
                                        id,
                                        r.nextToken);
    }
}

void
EdgeLlmClientApplication::Receive(const LlmActivationHeader& h, const Address& /* from */)
{
    NS_LOG_FUNCTION(this << h);
    if (h.requestId >= m_state.size() || m_state[h.requestId].finished
        || h.token != m_state[h.requestId].nextToken)
    {
        return; // late news of a token already given up
    }
    if (h.kind == LlmActivationHeader::TOKEN_DONE)
    {
        TokenFinished(h.requestId, h.token, true);
    }
    else if (h.kind == LlmActivationHeader::TOKEN_FAILED)
    {
        TokenFinished(h.requestId, h.token, false, "lost");
    }
}

void
EdgeLlmClientApplication::TokenTimedOut(uint32_t id, uint32_t token)
{
    if (!m_state[id].finished && m_state[id].nextToken == token)
    {
        TokenFinished(id, token, false, "timeout");
    }
}

void
EdgeLlmClientApplication::InputLost(const LlmActivationHeader& h)
{
    if (h.kind == LlmActivationHeader::ACTIVATION && h.requestId < m_state.size()
        && !m_state[h.requestId].finished && m_state[h.requestId].nextToken == h.token)
    {
        TokenFinished(h.requestId, h.token, false, "unreachable");
    }
}

void
EdgeLlmClientApplication::TokenFinished(uint32_t id,
                                        uint32_t token,
                                        bool ok,
                                        const std::string& reason)
{
    Request& r = m_state[id];
    r.timeout.Cancel();
    if (ok)
    {
        ++m_completed;
        const Time latency = Simulator::Now() - r.tokenStarted;
        m_latencies.push_back(latency);
        m_tokenDoneTrace(id, token, latency);
    }
    else
    {
        ++m_failed;
        ++m_failedBy[reason];
        m_tokenFailedTrace(id, token);
    }
    if (++r.nextToken < m_tokens)
    {
        SendToken(id);
        return;
    }
    r.finished = true;
    ++m_finished;
    m_lastEnd = Simulator::Now();
    m_requestDoneTrace(id, Simulator::Now() - r.started);
    if (m_finished == m_requests)
    {
        m_allDoneTrace();
    }
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "edge-llm-client-application.h"

#include "ns3/inet-socket-address.h"
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
            .AddAttribute("FailureTimeout",
                          "A token (or replay) without a result after this long asks the failure "
                          "detector whether a server of the pipeline failed, and re-plans if "
                          "one did (0: no failure detection; needs SetFailureCallbacks).",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&EdgeLlmClientApplication::m_failureTimeout),
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
                            "ns3::TracedCallback::Void")
            .AddTraceSource("Replan",
                            "A server failure was detected and the client re-planned (the new "
                            "pipeline's epoch, the failed servers).",
                            MakeTraceSourceAccessor(&EdgeLlmClientApplication::m_replanTrace),
                            "ns3::EdgeLlmClientApplication::ReplanTracedCallback")
            .AddTraceSource("ReplayDone",
                            "A request's replay rebuilt its KV cache on the new pipeline "
                            "(request, tokens replayed, duration).",
                            MakeTraceSourceAccessor(&EdgeLlmClientApplication::m_replayDoneTrace),
                            "ns3::EdgeLlmClientApplication::ReplayTracedCallback");
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
        r.watchdog.Cancel();
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
    m_detect = FailureDetectorCallback();
    m_replan = ReplanCallback();
    Application::DoDispose();
}

void
EdgeLlmClientApplication::SetPipeline(Ptr<const LlmPipeline> pipeline)
{
    m_pipeline = pipeline;
}

void
EdgeLlmClientApplication::SetFailureCallbacks(FailureDetectorCallback detect, ReplanCallback replan)
{
    m_detect = detect;
    m_replan = replan;
}

Ptr<const LlmPipeline>
EdgeLlmClientApplication::GetPipeline() const
{
    return m_pipeline;
}

uint32_t
EdgeLlmClientApplication::GetReplans() const
{
    return m_replans;
}

Time
EdgeLlmClientApplication::GetReplayTime() const
{
    return m_replayTime;
}

uint64_t
EdgeLlmClientApplication::GetReplays() const
{
    return m_replays;
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
EdgeLlmClientApplication::GetTokensToReplay() const
{
    uint64_t tokens = 0;
    for (const Request& r : m_state)
    {
        tokens += r.begun && !r.finished ? r.nextToken : 0;
    }
    return tokens;
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
        r.watchdog.Cancel();
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
    m_state[id].begun = true;
    if (m_noPath)
    {
        FailRemaining(id, "no-path");
        return;
    }
    SendToken(id);
}

void
EdgeLlmClientApplication::SendToken(uint32_t id, bool retry)
{
    Request& r = m_state[id];
    if (!retry)
    {
        r.tokenStarted = Simulator::Now();
        ++m_started;
        m_tokenStartTrace(id, r.nextToken);
    }
    r.replaying = false;
    LlmActivationHeader h;
    h.kind = LlmActivationHeader::ACTIVATION;
    h.requestId = id;
    h.token = r.nextToken;
    h.layer = 0;
    h.bits = 32;
    h.payloadBytes = m_pipeline->inputBytes;
    const uint32_t first = m_pipeline->stages.front().server;
    m_messenger->Send(m_pipeline->serverAddress[first], h, 0.0);
    r.timeout.Cancel();
    if (m_tokenTimeout > Seconds(0))
    {
        r.timeout = Simulator::Schedule(m_tokenTimeout,
                                        &EdgeLlmClientApplication::TokenTimedOut,
                                        this,
                                        id,
                                        r.nextToken);
    }
    ArmWatchdog(id);
}

void
EdgeLlmClientApplication::StartReplay(uint32_t id)
{
    Request& r = m_state[id];
    r.replaying = true;
    r.replayStarted = Simulator::Now();
    LlmActivationHeader h;
    h.kind = LlmActivationHeader::REPLAY;
    h.requestId = id;
    h.token = r.nextToken; // the tokens 0 ... t − 1 generated so far
    h.layer = 0;
    h.bits = 32;
    const uint64_t bytes = static_cast<uint64_t>(m_pipeline->inputBytes) * r.nextToken;
    NS_ABORT_MSG_IF(bytes > UINT32_MAX,
                    "a replay message above 4 GiB (LlmPlacementHelper refuses such runs)");
    h.payloadBytes = static_cast<uint32_t>(bytes);
    const uint32_t first = m_pipeline->stages.front().server;
    m_messenger->Send(m_pipeline->serverAddress[first], h, 0.0);
    r.timeout.Cancel();
    if (m_tokenTimeout > Seconds(0))
    {
        // A replay of t tokens takes about t tokens' time.
        r.timeout = Simulator::Schedule(m_tokenTimeout * (1 + r.nextToken),
                                        &EdgeLlmClientApplication::TokenTimedOut,
                                        this,
                                        id,
                                        r.nextToken);
    }
    ArmWatchdog(id);
}

void
EdgeLlmClientApplication::ArmWatchdog(uint32_t id)
{
    Request& r = m_state[id];
    r.watchdog.Cancel();
    if (m_failureTimeout > Seconds(0) && !m_detect.IsNull() && !m_replan.IsNull())
    {
        r.watchdog =
            Simulator::Schedule(m_failureTimeout, &EdgeLlmClientApplication::Watchdog, this, id);
    }
}

void
EdgeLlmClientApplication::Watchdog(uint32_t id)
{
    if (m_state[id].finished)
    {
        return;
    }
    if (!CheckFailures())
    {
        ArmWatchdog(id); // slow, not failed: keep waiting
    }
}

bool
EdgeLlmClientApplication::CheckFailures()
{
    if (m_failureTimeout <= Seconds(0) || m_detect.IsNull() || m_replan.IsNull() || m_noPath)
    {
        return false;
    }
    if (m_replanPending)
    {
        return true;
    }
    const std::vector<uint32_t> failed = m_detect();
    if (failed.empty())
    {
        return false;
    }
    NS_LOG_INFO("edge-llm client: " << failed.size() << " server(s) of epoch " << m_pipeline->epoch
                                    << " failed; re-planning");
    // Out of the messenger's callback that may have called us: the re-plan restarts it.
    m_replanPending = true;
    Simulator::ScheduleNow(&EdgeLlmClientApplication::Replan, this, failed);
    return true;
}

void
EdgeLlmClientApplication::Replan(std::vector<uint32_t> failed)
{
    m_replanPending = false;
    Ptr<const LlmPipeline> next = m_replan(failed);
    if (!next)
    {
        m_noPath = true;
        for (uint32_t id = 0; id < m_state.size(); ++id)
        {
            if (m_state[id].begun && !m_state[id].finished)
            {
                FailRemaining(id, "no-path");
            }
        }
        return;
    }
    SwitchPipeline(next, failed);
}

bool
EdgeLlmClientApplication::Migrate(Ptr<const LlmPipeline> next)
{
    NS_LOG_FUNCTION(this << next);
    if (!next || m_noPath || m_replanPending || m_state.empty())
    {
        return false;
    }
    NS_LOG_INFO("edge-llm client: migration to epoch " << next->epoch);
    SwitchPipeline(next, {});
    return true;
}

void
EdgeLlmClientApplication::SwitchPipeline(Ptr<const LlmPipeline> next,
                                         const std::vector<uint32_t>& failed)
{
    ++m_replans;
    m_pipeline = next;
    m_replanTrace(next->epoch, failed);
    // A new session on the new plan's port: nothing of the old plan reaches this client.
    m_messenger->Stop();
    m_messenger->Start(GetNode(), InetSocketAddress::ConvertFrom(next->clientAddress).GetPort());
    for (uint32_t id = 0; id < m_state.size(); ++id)
    {
        Request& r = m_state[id];
        if (!r.begun || r.finished)
        {
            continue;
        }
        r.timeout.Cancel();
        r.watchdog.Cancel();
        if (r.nextToken > 0)
        {
            StartReplay(id); // the new servers lack the KV cache of tokens 0 ... t − 1
        }
        else
        {
            SendToken(id, true);
        }
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
    Request& r = m_state[h.requestId];
    if (h.kind == LlmActivationHeader::TOKEN_DONE && !r.replaying)
    {
        TokenFinished(h.requestId, h.token, true);
    }
    else if (h.kind == LlmActivationHeader::TOKEN_FAILED)
    {
        if (!CheckFailures())
        {
            TokenFinished(h.requestId, h.token, false, "lost");
        }
    }
    else if (h.kind == LlmActivationHeader::REPLAY_DONE && r.replaying)
    {
        const Time took = Simulator::Now() - r.replayStarted;
        m_replayTime += took;
        ++m_replays;
        m_replayDoneTrace(h.requestId, h.token, took);
        SendToken(h.requestId, true);
    }
}

void
EdgeLlmClientApplication::TokenTimedOut(uint32_t id, uint32_t token)
{
    if (!m_state[id].finished && m_state[id].nextToken == token && !CheckFailures())
    {
        TokenFinished(id, token, false, "timeout");
    }
}

void
EdgeLlmClientApplication::InputLost(const LlmActivationHeader& h)
{
    if ((h.kind == LlmActivationHeader::ACTIVATION || h.kind == LlmActivationHeader::REPLAY)
        && h.requestId < m_state.size() && !m_state[h.requestId].finished
        && m_state[h.requestId].nextToken == h.token && !CheckFailures())
    {
        TokenFinished(h.requestId, h.token, false, "unreachable");
    }
}

void
EdgeLlmClientApplication::RecordToken(uint32_t id,
                                      uint32_t token,
                                      bool ok,
                                      const std::string& reason)
{
    if (ok)
    {
        ++m_completed;
        const Time latency = Simulator::Now() - m_state[id].tokenStarted;
        m_latencies.push_back(latency);
        m_tokenDoneTrace(id, token, latency);
    }
    else
    {
        ++m_failed;
        ++m_failedBy[reason];
        m_tokenFailedTrace(id, token);
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
    r.watchdog.Cancel();
    r.replaying = false;
    RecordToken(id, token, ok, reason);
    if (++r.nextToken < m_tokens)
    {
        SendToken(id);
        return;
    }
    FinishRequest(id);
}

void
EdgeLlmClientApplication::FailRemaining(uint32_t id, const std::string& reason)
{
    Request& r = m_state[id];
    r.timeout.Cancel();
    r.watchdog.Cancel();
    r.replaying = false;
    for (; r.nextToken < m_tokens; ++r.nextToken)
    {
        RecordToken(id, r.nextToken, false, reason);
    }
    FinishRequest(id);
}

void
EdgeLlmClientApplication::FinishRequest(uint32_t id)
{
    Request& r = m_state[id];
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

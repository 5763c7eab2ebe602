// SPDX-License-Identifier: GPL-2.0-only

#include "edge-llm-server-application.h"

#include "llm-compute-queue.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EdgeLlmServerApplication");

NS_OBJECT_ENSURE_REGISTERED(EdgeLlmServerApplication);

TypeId
EdgeLlmServerApplication::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::EdgeLlmServerApplication")
            .SetParent<Application>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<EdgeLlmServerApplication>()
            .AddAttribute("CcsHz",
                          "CCS_i: the server's compute speed (the paper's CPU clock, used as "
                          "operations per second), Hz.",
                          DoubleValue(2e9),
                          MakeDoubleAccessor(&EdgeLlmServerApplication::m_ccsHz),
                          MakeDoubleChecker<double>(std::numeric_limits<double>::min()))
            .AddAttribute("Port",
                          "Port the server listens on.",
                          UintegerValue(9000),
                          MakeUintegerAccessor(&EdgeLlmServerApplication::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("Messenger",
                          "The transport (TCP or UDP and its settings).",
                          PointerValue(),
                          MakePointerAccessor(&EdgeLlmServerApplication::m_messenger),
                          MakePointerChecker<LlmMessenger>())
            .AddTraceSource("LayerStart",
                            "A layer job started computing (request, token, layer).",
                            MakeTraceSourceAccessor(&EdgeLlmServerApplication::m_layerStartTrace),
                            "ns3::EdgeLlmServerApplication::LayerTracedCallback")
            .AddTraceSource("LayerEnd",
                            "A layer job finished computing (request, token, layer).",
                            MakeTraceSourceAccessor(&EdgeLlmServerApplication::m_layerEndTrace),
                            "ns3::EdgeLlmServerApplication::LayerTracedCallback")
            .AddTraceSource("ActivationSent",
                            "A message (activation or result) was sent.",
                            MakeTraceSourceAccessor(&EdgeLlmServerApplication::m_sentTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback")
            .AddTraceSource("ActivationReceived",
                            "An activation arrived complete.",
                            MakeTraceSourceAccessor(&EdgeLlmServerApplication::m_receivedTrace),
                            "ns3::LlmMessenger::HeaderTracedCallback")
            .AddTraceSource("Replay",
                            "A replay job ended: the layer's KV cache holds the request's first "
                            "tokens again (request, tokens, layer, compute seconds).",
                            MakeTraceSourceAccessor(&EdgeLlmServerApplication::m_replayTrace),
                            "ns3::EdgeLlmServerApplication::ReplayTracedCallback");
    return tid;
}

EdgeLlmServerApplication::EdgeLlmServerApplication()
    : m_ccsHz(2e9)
    , m_port(9000)
{
    NS_LOG_FUNCTION(this);
}

EdgeLlmServerApplication::~EdgeLlmServerApplication()
{
    NS_LOG_FUNCTION(this);
}

void
EdgeLlmServerApplication::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_computeEvent.Cancel();
    if (m_compute)
    {
        m_compute->RemoveOwner(m_port);
        m_compute = nullptr;
    }
    if (m_messenger)
    {
        m_messenger->Dispose();
    }
    m_messenger = nullptr;
    m_pipeline = nullptr;
    Application::DoDispose();
}

void
EdgeLlmServerApplication::SetPipeline(Ptr<const LlmPipeline> pipeline, uint32_t index)
{
    NS_LOG_FUNCTION(this << index);
    Ptr<const LlmPipeline> old = m_pipeline;
    m_pipeline = pipeline;
    m_index = index;
    if (!m_started || !old)
    {
        return;
    }
    // A re-plan: the jobs of the old plan are void; the KV cache of a layer stays only if this
    // server keeps the layer with the same bits (and did not crash, which cleared it).
    DropJobs();
    for (auto it = m_kv.begin(); it != m_kv.end();)
    {
        const uint32_t l = it->first.second;
        const bool kept = l < pipeline->stages.size() && l < old->stages.size()
                          && pipeline->stages[l].server == index && old->stages[l].server == index
                          && pipeline->stages[l].bits == old->stages[l].bits;
        it = kept ? std::next(it) : m_kv.erase(it);
    }
    if (!m_down)
    {
        m_messenger->Stop();
    }
    m_down = false;
    Listen();
}

Ptr<const LlmPipeline>
EdgeLlmServerApplication::GetPipeline() const
{
    return m_pipeline;
}

void
EdgeLlmServerApplication::Crash()
{
    NS_LOG_FUNCTION(this);
    if (!m_started || m_down)
    {
        return;
    }
    m_down = true;
    DropJobs();
    m_kv.clear();
    m_messenger->Stop();
}

bool
EdgeLlmServerApplication::IsServing() const
{
    return m_started && !m_down;
}

void
EdgeLlmServerApplication::DropJobs()
{
    if (!m_computeEvent.IsExpired()) // (IsRunning before ns-3.42, IsPending after)
    {
        m_busySeconds -= (m_jobEnd - Simulator::Now()).GetSeconds();
        if (m_current.replay)
        {
            m_replaySeconds -= (m_jobEnd - Simulator::Now()).GetSeconds();
        }
    }
    m_computeEvent.Cancel();
    m_queue.clear();
    m_busy = false;
    if (m_compute)
    {
        m_handedOver = 0;
        m_compute->Drop(m_port); // its waiting jobs, and the node if this server held it
    }
}

void
EdgeLlmServerApplication::Listen()
{
    // The first plan listens on the Port attribute; each re-plan on its own port.
    const Address& own = m_pipeline->serverAddress[m_index];
    const uint16_t port = m_pipeline->epoch > 0 && InetSocketAddress::IsMatchingType(own)
                              ? InetSocketAddress::ConvertFrom(own).GetPort()
                              : m_port;
    m_messenger->Start(GetNode(), port);
}

uint64_t
EdgeLlmServerApplication::GetReplayJobs() const
{
    return m_replayJobs;
}

double
EdgeLlmServerApplication::GetReplaySeconds() const
{
    return m_replaySeconds;
}

uint64_t
EdgeLlmServerApplication::GetKvMisses() const
{
    return m_kvMisses;
}

Ptr<LlmMessenger>
EdgeLlmServerApplication::GetMessenger() const
{
    return m_messenger;
}

uint64_t
EdgeLlmServerApplication::GetJobsCompleted() const
{
    return m_jobsCompleted;
}

double
EdgeLlmServerApplication::GetBusySeconds() const
{
    return m_busySeconds;
}

void
EdgeLlmServerApplication::StartNow()
{
    StartApplication();
}

void
EdgeLlmServerApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_started)
    {
        return; // started early (StartNow)
    }
    NS_ABORT_MSG_IF(!m_pipeline, "EdgeLlmServerApplication started without a pipeline");
    if (!m_messenger)
    {
        m_messenger = CreateObject<LlmMessenger>();
    }
    m_messenger->SetReceiveCallback(MakeCallback(&EdgeLlmServerApplication::Receive, this));
    m_messenger->SetLostCallback(MakeCallback(&EdgeLlmServerApplication::Lost, this));
    // A compute queue on the node: its server applications (one per LLM) share its CPU.
    m_compute = GetNode()->GetObject<LlmComputeQueue>();
    if (m_compute)
    {
        m_compute->AddOwner(m_port, MakeCallback(&EdgeLlmServerApplication::ComputeGranted, this));
    }
    Listen();
    m_started = true;
    m_down = false;
}

void
EdgeLlmServerApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_computeEvent.Cancel();
    if (m_compute)
    {
        m_handedOver = 0;
        m_busy = false; // the node is given back (its job cut short)
        m_compute->RemoveOwner(m_port);
    }
    if (m_messenger)
    {
        m_messenger->Stop();
    }
    m_started = false;
}

void
EdgeLlmServerApplication::Receive(const LlmActivationHeader& h, const Address& /* from */)
{
    NS_LOG_FUNCTION(this << h);
    const bool replay = h.kind == LlmActivationHeader::REPLAY;
    if ((h.kind != LlmActivationHeader::ACTIVATION && !replay)
        || h.layer >= m_pipeline->stages.size() || m_pipeline->stages[h.layer].server != m_index)
    {
        NS_LOG_WARN("server " << m_index << " got a message it does not host: " << h);
        return;
    }
    if (!replay)
    {
        m_receivedTrace(h);
    }
    Enqueue({h.requestId, h.token, h.layer, replay});
}

void
EdgeLlmServerApplication::Lost(const LlmActivationHeader& h)
{
    NS_LOG_FUNCTION(this << h);
    if (h.kind != LlmActivationHeader::ACTIVATION && h.kind != LlmActivationHeader::REPLAY)
    {
        return; // a report to the client was lost: the run's end accounts for its token
    }
    // The token cannot finish: tell the request source.
    LlmActivationHeader fail = h;
    fail.kind = LlmActivationHeader::TOKEN_FAILED;
    fail.layer = static_cast<uint32_t>(m_pipeline->stages.size() - 1);
    fail.payloadBytes = 0;
    m_sentTrace(fail);
    m_messenger->Send(m_pipeline->clientAddress, fail, 0.0);
}

void
EdgeLlmServerApplication::Enqueue(const Job& job)
{
    m_queue.push_back(job);
    if (!m_busy || m_compute) // a shared node queues every job at once (StartNext)
    {
        StartNext();
    }
}

void
EdgeLlmServerApplication::ComputeGranted()
{
    // The node's compute queue grants this server's oldest job handed over: the queue's front.
    --m_handedOver;
    m_granted = true;
    StartNext();
}

void
EdgeLlmServerApplication::ShareCompute()
{
    // Called where the server would start its next job: a job that just ended (FinishJob) gives
    // the node back, after the jobs queued since are handed over (so they queue behind those
    // already waiting, as in the server's own FIFO).
    const bool ended = m_busy && m_computeEvent.IsExpired();
    while (m_handedOver < m_queue.size())
    {
        const Job& job = m_queue[m_handedOver++];
        m_compute->Submit(m_port, job.request, job.token, job.layer); // may grant at once
    }
    if (ended)
    {
        m_busy = false;
        m_compute->Release(m_port); // may grant the next job, of any server on the node
    }
}

void
EdgeLlmServerApplication::StartNext()
{
    if (m_compute && !m_granted)
    {
        ShareCompute();
        return;
    }
    m_granted = false;
    if (m_queue.empty())
    {
        m_busy = false;
        return;
    }
    m_busy = true;
    m_current = m_queue.front();
    m_queue.pop_front();
    const double perToken = m_pipeline->stages[m_current.layer].operations / m_ccsHz;
    if (m_current.replay)
    {
        // The prefill of the request's first t tokens: t times one token's compute (eq. 3 has
        // no term in the context length).
        const double seconds = perToken * m_current.token;
        m_busySeconds += seconds;
        m_replaySeconds += seconds;
        m_jobEnd = Simulator::Now() + Seconds(seconds);
        m_computeEvent =
            Simulator::Schedule(Seconds(seconds), &EdgeLlmServerApplication::FinishJob, this);
        return;
    }
    const auto kv = m_kv.find({m_current.request, m_current.layer});
    if ((kv == m_kv.end() ? 0 : kv->second) < m_current.token)
    {
        ++m_kvMisses; // the layer lacks the KV cache of an earlier token of this request
    }
    m_busySeconds += perToken;
    m_layerStartTrace(m_current.request, m_current.token, m_current.layer);
    m_jobEnd = Simulator::Now() + Seconds(perToken);
    m_computeEvent =
        Simulator::Schedule(Seconds(perToken), &EdgeLlmServerApplication::FinishJob, this);
}

void
EdgeLlmServerApplication::FinishJob()
{
    const Job job = m_current;
    const auto& stages = m_pipeline->stages;
    const LlmPipeline::Stage& stage = stages[job.layer];
    LlmActivationHeader h;
    h.requestId = job.request;
    h.token = job.token;
    h.bits = stage.bits;
    if (job.replay)
    {
        ++m_replayJobs;
        m_kv[{job.request, job.layer}] = job.token;
        m_replayTrace(job.request, job.token, job.layer, stage.operations / m_ccsHz * job.token);
        if (job.layer + 1 == stages.size())
        {
            h.kind = LlmActivationHeader::REPLAY_DONE;
            h.layer = job.layer;
            h.payloadBytes = 0;
            m_sentTrace(h);
            m_messenger->Send(m_pipeline->clientAddress, h, 0.0);
        }
        else if (stages[job.layer + 1].server == m_index)
        {
            m_queue.push_back({job.request, job.token, job.layer + 1, true});
        }
        else
        {
            // The layer's output for the t tokens replayed.
            const uint64_t bytes = static_cast<uint64_t>(stage.outputBytes) * job.token;
            NS_ABORT_MSG_IF(bytes > UINT32_MAX,
                            "a replay message above 4 GiB (LlmPlacementHelper refuses such runs)");
            const uint32_t next = stages[job.layer + 1].server;
            h.kind = LlmActivationHeader::REPLAY;
            h.layer = job.layer + 1;
            h.payloadBytes = static_cast<uint32_t>(bytes);
            m_sentTrace(h);
            m_messenger->Send(m_pipeline->serverAddress[next],
                              h,
                              m_pipeline->LinkBps(m_index, next));
        }
        StartNext();
        return;
    }
    ++m_jobsCompleted;
    m_kv[{job.request, job.layer}] = job.token + 1;
    m_layerEndTrace(job.request, job.token, job.layer);
    if (job.layer + 1 == stages.size())
    {
        h.kind = LlmActivationHeader::TOKEN_DONE;
        h.layer = job.layer;
        h.payloadBytes = m_pipeline->resultBytes;
        m_sentTrace(h);
        m_messenger->Send(m_pipeline->clientAddress, h, 0.0);
    }
    else if (stages[job.layer + 1].server == m_index)
    {
        m_queue.push_back({job.request, job.token, job.layer + 1, false}); // stays here
    }
    else
    {
        const uint32_t next = stages[job.layer + 1].server;
        h.kind = LlmActivationHeader::ACTIVATION;
        h.layer = job.layer + 1;
        h.payloadBytes = stage.outputBytes;
        m_sentTrace(h);
        m_messenger->Send(m_pipeline->serverAddress[next], h, m_pipeline->LinkBps(m_index, next));
    }
    StartNext();
}

} // namespace ns3

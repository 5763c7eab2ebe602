// SPDX-License-Identifier: GPL-2.0-only

#include "edge-llm-server-application.h"

#include "ns3/double.h"
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
                            "ns3::LlmMessenger::HeaderTracedCallback");
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
    m_pipeline = pipeline;
    m_index = index;
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
EdgeLlmServerApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(!m_pipeline, "EdgeLlmServerApplication started without a pipeline");
    if (!m_messenger)
    {
        m_messenger = CreateObject<LlmMessenger>();
    }
    m_messenger->SetReceiveCallback(MakeCallback(&EdgeLlmServerApplication::Receive, this));
    m_messenger->SetLostCallback(MakeCallback(&EdgeLlmServerApplication::Lost, this));
    m_messenger->Start(GetNode(), m_port);
}

void
EdgeLlmServerApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_computeEvent.Cancel();
    if (m_messenger)
    {
        m_messenger->Stop();
    }
}

void
EdgeLlmServerApplication::Receive(const LlmActivationHeader& h, const Address& /* from */)
{
    NS_LOG_FUNCTION(this << h);
    if (h.kind != LlmActivationHeader::ACTIVATION || h.layer >= m_pipeline->stages.size()
        || m_pipeline->stages[h.layer].server != m_index)
    {
        NS_LOG_WARN("server " << m_index << " got a message it does not host: " << h);
        return;
    }
    m_receivedTrace(h);
    Enqueue({h.requestId, h.token, h.layer});
}

void
EdgeLlmServerApplication::Lost(const LlmActivationHeader& h)
{
    NS_LOG_FUNCTION(this << h);
    if (h.kind != LlmActivationHeader::ACTIVATION)
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
    if (!m_busy)
    {
        StartNext();
    }
}

void
EdgeLlmServerApplication::StartNext()
{
    if (m_queue.empty())
    {
        m_busy = false;
        return;
    }
    m_busy = true;
    m_current = m_queue.front();
    m_queue.pop_front();
    const double seconds = m_pipeline->stages[m_current.layer].operations / m_ccsHz;
    m_busySeconds += seconds;
    m_layerStartTrace(m_current.request, m_current.token, m_current.layer);
    m_computeEvent =
        Simulator::Schedule(Seconds(seconds), &EdgeLlmServerApplication::FinishJob, this);
}

void
EdgeLlmServerApplication::FinishJob()
{
    const Job job = m_current;
    ++m_jobsCompleted;
    m_layerEndTrace(job.request, job.token, job.layer);
    const auto& stages = m_pipeline->stages;
    const LlmPipeline::Stage& stage = stages[job.layer];
    LlmActivationHeader h;
    h.requestId = job.request;
    h.token = job.token;
    h.bits = stage.bits;
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
        m_queue.push_back({job.request, job.token, job.layer + 1}); // stays here, no transfer
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

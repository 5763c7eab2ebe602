// SPDX-License-Identifier: GPL-2.0-only

#include "llm-run-recorder.h"

#include "ns3/callback.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmRunRecorder");

void
LlmRunRecorder::Connect(LlmPlacementHelper& helper, bool stopWhenDone)
{
    m_layers.assign(helper.GetScenario().GetModel().GetNLayers(), Layer{});
    for (uint32_t i = 0; i < helper.GetScenario().GetServers().size(); ++i)
    {
        Ptr<EdgeLlmServerApplication> app = helper.GetServer(i);
        if (!app)
        {
            continue;
        }
        app->TraceConnectWithoutContext("LayerStart",
                                        MakeCallback(&LlmRunRecorder::LayerStart, this));
        app->TraceConnectWithoutContext("LayerEnd", MakeCallback(&LlmRunRecorder::LayerEnd, this));
        app->TraceConnectWithoutContext("ActivationSent",
                                        MakeCallback(&LlmRunRecorder::Sent, this));
        app->TraceConnectWithoutContext("ActivationReceived",
                                        MakeCallback(&LlmRunRecorder::Received, this));
    }
    if (stopWhenDone)
    {
        helper.GetClient()->TraceConnectWithoutContext("AllDone",
                                                       MakeCallback(&LlmRunRecorder::StopNow));
    }
}

void
LlmRunRecorder::StopNow()
{
    Simulator::Stop();
}

const std::vector<LlmRunRecorder::Layer>&
LlmRunRecorder::GetLayers() const
{
    return m_layers;
}

double
LlmRunRecorder::GetComputeSeconds() const
{
    double s = 0;
    for (const Layer& l : m_layers)
    {
        s += l.computeSeconds;
    }
    return s;
}

double
LlmRunRecorder::GetTransferSeconds() const
{
    double s = 0;
    for (const Layer& l : m_layers)
    {
        s += l.transferSeconds;
    }
    return s;
}

void
LlmRunRecorder::LayerStart(uint32_t request, uint32_t token, uint32_t layer)
{
    m_started[{request, token, layer}] = Simulator::Now();
}

void
LlmRunRecorder::LayerEnd(uint32_t request, uint32_t token, uint32_t layer)
{
    auto it = m_started.find({request, token, layer});
    if (it != m_started.end() && layer < m_layers.size())
    {
        m_layers[layer].computeSeconds += (Simulator::Now() - it->second).GetSeconds();
        ++m_layers[layer].jobs;
        m_started.erase(it);
    }
}

void
LlmRunRecorder::Sent(const LlmActivationHeader& h)
{
    if (h.kind == LlmActivationHeader::ACTIVATION)
    {
        m_inFlight[{h.requestId, h.token, h.layer}] = Simulator::Now();
    }
}

void
LlmRunRecorder::Received(const LlmActivationHeader& h)
{
    auto it = m_inFlight.find({h.requestId, h.token, h.layer});
    if (it != m_inFlight.end() && h.layer >= 1 && h.layer <= m_layers.size())
    {
        Layer& producer = m_layers[h.layer - 1];
        producer.transferSeconds += (Simulator::Now() - it->second).GetSeconds();
        ++producer.transfers;
        m_inFlight.erase(it);
    }
}

} // namespace ns3

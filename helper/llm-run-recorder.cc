// SPDX-License-Identifier: GPL-2.0-only

#include "llm-run-recorder.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

namespace ns3
{

void
LlmRunRecorder::Connect(LlmPlacementHelper& helper, bool stopWhenDone)
{
    m_layers.assign(helper.GetScenario().GetModel().GetNLayers(), Layer{});
    for (uint32_t i = 0; i < helper.GetScenario().GetServers().size(); ++i)
    {
        Ptr<EdgeLlmServerApplication> app = helper.GetServer(i);
        if (app)
        {
            ConnectServer(app);
        }
    }
    Ptr<EdgeLlmClientApplication> client = helper.GetClient();
    client->TraceConnectWithoutContext("TokenStart",
                                       MakeCallback(&LlmRunRecorder::TokenStart, this));
    client->TraceConnectWithoutContext("TokenDone", MakeCallback(&LlmRunRecorder::TokenDone, this));
    client->TraceConnectWithoutContext("TokenFailed",
                                       MakeCallback(&LlmRunRecorder::TokenFailed, this));
    if (stopWhenDone)
    {
        helper.GetClient()->TraceConnectWithoutContext("AllDone",
                                                       MakeCallback(&LlmRunRecorder::StopNow));
    }
}

void
LlmRunRecorder::ConnectServer(Ptr<EdgeLlmServerApplication> app)
{
    app->TraceConnectWithoutContext("LayerStart", MakeCallback(&LlmRunRecorder::LayerStart, this));
    app->TraceConnectWithoutContext("LayerEnd", MakeCallback(&LlmRunRecorder::LayerEnd, this));
    app->TraceConnectWithoutContext("ActivationSent", MakeCallback(&LlmRunRecorder::Sent, this));
    app->TraceConnectWithoutContext("ActivationReceived",
                                    MakeCallback(&LlmRunRecorder::Received, this));
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
        const double seconds = (Simulator::Now() - it->second).GetSeconds();
        m_layers[layer].computeSeconds += seconds;
        At(request, token).computeSeconds[layer] += seconds;
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
        const double seconds = (Simulator::Now() - it->second).GetSeconds();
        producer.transferSeconds += seconds;
        At(h.requestId, h.token).transferSeconds[h.layer - 1] += seconds;
        ++producer.transfers;
        m_inFlight.erase(it);
    }
}

LlmRunRecorder::Token&
LlmRunRecorder::At(uint32_t request, uint32_t token)
{
    auto it = m_tokens.find({request, token});
    if (it == m_tokens.end())
    {
        Token t;
        t.request = request;
        t.token = token;
        t.computeSeconds.assign(m_layers.size(), 0.0);
        t.transferSeconds.assign(m_layers.size(), 0.0);
        it = m_tokens.emplace(std::make_pair(request, token), t).first;
    }
    return it->second;
}

void
LlmRunRecorder::TokenStart(uint32_t request, uint32_t token)
{
    At(request, token).startSeconds = Simulator::Now().GetSeconds();
}

void
LlmRunRecorder::TokenDone(uint32_t request, uint32_t token, Time /* latency */)
{
    Token& t = At(request, token);
    t.completed = true;
    t.endSeconds = Simulator::Now().GetSeconds();
}

void
LlmRunRecorder::TokenFailed(uint32_t request, uint32_t token)
{
    Token& t = At(request, token);
    t.failed = true;
    t.endSeconds = Simulator::Now().GetSeconds();
}

std::vector<LlmRunRecorder::Token>
LlmRunRecorder::GetTokens() const
{
    std::vector<Token> out;
    out.reserve(m_tokens.size());
    for (const auto& [key, t] : m_tokens)
    {
        out.push_back(t);
    }
    return out;
}

} // namespace ns3

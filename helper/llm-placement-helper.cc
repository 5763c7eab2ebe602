// SPDX-License-Identifier: GPL-2.0-only

#include "llm-placement-helper.h"

#include "ns3/channel.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-pipeline.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/log.h"
#include "ns3/names.h"
#include "ns3/net-device.h"
#include "ns3/pointer.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmPlacementHelper");

LlmPlacementHelper::LlmPlacementHelper(const LlmScenario& scenario)
    : m_scenario(std::make_shared<LlmScenario>(scenario))
    , m_model(std::make_shared<LlmCostModel>(*m_scenario))
    , m_solverName("ilp")
{
    m_serverFactory.SetTypeId(EdgeLlmServerApplication::GetTypeId());
    m_clientFactory.SetTypeId(EdgeLlmClientApplication::GetTypeId());
    m_clientFactory.Set("Tokens", UintegerValue(scenario.GetWorkload().tokens));
    m_messengerFactory.SetTypeId(LlmMessenger::GetTypeId());
}

void
LlmPlacementHelper::SetSolver(const std::string& name, const LlmSolverOptions& options)
{
    LlmSolverFactory::Create(name, options); // refuses unknown names now
    m_solverName = name;
    m_solverOptions = options;
    m_plan.reset();
}

void
LlmPlacementHelper::SetPlan(const LlmPlan& plan)
{
    m_plan = plan;
}

void
LlmPlacementHelper::SetServerAttribute(const std::string& name, const AttributeValue& value)
{
    m_serverFactory.Set(name, value);
}

void
LlmPlacementHelper::SetClientAttribute(const std::string& name, const AttributeValue& value)
{
    m_clientFactory.Set(name, value);
}

void
LlmPlacementHelper::SetMessengerAttribute(const std::string& name, const AttributeValue& value)
{
    m_messengerFactory.Set(name, value);
}

const LlmPlan&
LlmPlacementHelper::Solve()
{
    if (!m_plan)
    {
        m_plan = LlmSolverFactory::Create(m_solverName, m_solverOptions)->Solve(*m_model);
    }
    if (!m_plan->HasPlacement())
    {
        throw LlmInputError("placement",
                            "",
                            m_solverName + " found no plan (" + ToString(m_plan->status)
                                + "): " + m_plan->message);
    }
    return *m_plan;
}

namespace
{

Ipv4Address
FirstAddress(Ptr<Node> node)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    if (ipv4 && ipv4->GetNInterfaces() == 1)
    {
        return Ipv4Address::GetLoopback(); // a lone server: every message stays on the node
    }
    if (!ipv4 || ipv4->GetNAddresses(1) == 0)
    {
        throw LlmInputError("topology",
                            "node " + std::to_string(node->GetId()),
                            "expected an Internet stack with an IPv4 address on a device");
    }
    return ipv4->GetAddress(1, 0).GetLocal();
}

} // namespace

ApplicationContainer
LlmPlacementHelper::Install(const NodeContainer& servers, Ptr<Node> client)
{
    const LlmScenario& s = *m_scenario;
    if (servers.GetN() != s.GetServers().size())
    {
        throw LlmInputError("topology",
                            "servers",
                            "expected one node per scenario server ("
                                + std::to_string(s.GetServers().size()) + "), got "
                                + std::to_string(servers.GetN()));
    }
    const LlmPlan& plan = Solve();
    const uint32_t n = servers.GetN();
    const uint32_t original = s.GetModel().GetOriginalBits();
    const double beta = s.GetWorkload().batch;
    uint16_t serverPort = 9000;
    UintegerValue portValue;
    Ptr<EdgeLlmServerApplication> probe = m_serverFactory.Create<EdgeLlmServerApplication>();
    probe->GetAttribute("Port", portValue);
    serverPort = static_cast<uint16_t>(portValue.Get());
    Ptr<EdgeLlmClientApplication> clientProbe = m_clientFactory.Create<EdgeLlmClientApplication>();
    clientProbe->GetAttribute("Port", portValue);
    const uint16_t clientPort = static_cast<uint16_t>(portValue.Get());

    Ptr<LlmPipeline> pipeline = Create<LlmPipeline>();
    for (std::size_t l = 0; l < plan.placement.size(); ++l)
    {
        const LlmLayerAssignment& a = plan.placement[l];
        LlmPipeline::Stage st;
        st.server = static_cast<uint32_t>(a.server);
        st.bits = static_cast<uint8_t>(a.bits);
        st.operations = s.GetModel().GetLayer(l).flopsPerToken * beta * a.bits / original;
        const double bytes =
            std::ceil(beta * s.GetModel().GetLayer(l).outputElementsPerToken * a.bits / 8.0);
        if (bytes > UINT32_MAX)
        {
            throw LlmInputError("placement",
                                "layer " + s.GetModel().GetLayer(l).name,
                                "its output message of " + std::to_string(bytes)
                                    + " bytes exceeds the 4 GiB a simulated message carries");
        }
        st.outputBytes = static_cast<uint32_t>(bytes);
        pipeline->stages.push_back(st);
    }
    pipeline->linkBps.assign(n * n, 0.0);
    for (uint32_t i = 0; i < n; ++i)
    {
        pipeline->serverAddress.push_back(
            InetSocketAddress(FirstAddress(servers.Get(i)), serverPort));
        for (uint32_t j = 0; j < n; ++j)
        {
            pipeline->linkBps[i * n + j] = m_model->LinkBps(i, j);
        }
    }
    Ptr<Node> clientNode = client ? client : servers.Get(pipeline->stages.front().server);
    pipeline->clientAddress = InetSocketAddress(FirstAddress(clientNode), clientPort);
    pipeline->inputBytes = static_cast<uint32_t>(4 * beta);
    pipeline->resultBytes = static_cast<uint32_t>(4 * beta);

    ApplicationContainer apps;
    m_servers.assign(n, nullptr);
    for (uint32_t i = 0; i < n; ++i)
    {
        bool hosts = false;
        for (const auto& st : pipeline->stages)
        {
            hosts = hosts || st.server == i;
        }
        if (!hosts)
        {
            continue;
        }
        Ptr<EdgeLlmServerApplication> app = m_serverFactory.Create<EdgeLlmServerApplication>();
        app->SetAttribute("CcsHz", DoubleValue(s.GetServers()[i].ccsHz));
        app->SetAttribute("Messenger", PointerValue(m_messengerFactory.Create<LlmMessenger>()));
        app->SetPipeline(pipeline, i);
        servers.Get(i)->AddApplication(app);
        m_servers[i] = app;
        apps.Add(app);
    }
    m_client = m_clientFactory.Create<EdgeLlmClientApplication>();
    m_client->SetAttribute("Messenger", PointerValue(m_messengerFactory.Create<LlmMessenger>()));
    m_client->SetPipeline(pipeline);
    // Servers listen from t = 0; the first request goes out 1 ms later.
    m_client->SetStartTime(MilliSeconds(1));
    clientNode->AddApplication(m_client);
    apps.Add(m_client);
    return apps;
}

ApplicationContainer
LlmPlacementHelper::InstallByName(Ptr<Node> client)
{
    const auto& servers = m_scenario->GetServers();
    NodeContainer nodes;
    for (std::size_t i = 0; i < servers.size(); ++i)
    {
        Ptr<Node> node = Names::Find<Node>(servers[i].name);
        if (!node)
        {
            throw LlmInputError("topology",
                                "servers[" + std::to_string(i) + "]",
                                "expected a node named \"" + servers[i].name
                                    + "\" (ns3::Names::Add)");
        }
        nodes.Add(node);
    }
    return Install(nodes, client);
}

int64_t
LlmPlacementHelper::AssignStreams(int64_t stream)
{
    return m_client ? m_client->AssignStreams(stream) : 0;
}

Ptr<EdgeLlmClientApplication>
LlmPlacementHelper::GetClient() const
{
    return m_client;
}

Ptr<EdgeLlmServerApplication>
LlmPlacementHelper::GetServer(uint32_t i) const
{
    return i < m_servers.size() ? m_servers[i] : nullptr;
}

const LlmScenario&
LlmPlacementHelper::GetScenario() const
{
    return *m_scenario;
}

const LlmCostModel&
LlmPlacementHelper::GetCostModel() const
{
    return *m_model;
}

const LlmPlan&
LlmPlacementHelper::GetPlan() const
{
    NS_ABORT_MSG_IF(!m_plan, "LlmPlacementHelper::GetPlan before Solve or Install");
    return *m_plan;
}

LlmScenario
LlmPlacementHelper::ScenarioFromTopology(
    const LlmProfile& model,
    const LlmWorkload& workload,
    const LlmQuantization& quantization,
    const NodeContainer& servers,
    const std::vector<double>& ccsHz,
    const std::vector<std::optional<double>>& storageBytes,
    std::optional<uint32_t> maxLayersPerServer,
    const std::map<std::pair<uint32_t, uint32_t>, double>& explicitBps)
{
    const uint32_t n = servers.GetN();
    if (ccsHz.size() != n || (!storageBytes.empty() && storageBytes.size() != n))
    {
        throw LlmInputError("topology",
                            "ccsHz/storageBytes",
                            "expected one value per server node (" + std::to_string(n) + ")");
    }
    LlmScenario s;
    s.SetModel(model);
    s.GetWorkload() = workload;
    s.GetQuantization() = quantization;
    s.SetMaxLayersPerServer(maxLayersPerServer);
    std::map<uint32_t, uint32_t> indexOfNode;
    for (uint32_t i = 0; i < n; ++i)
    {
        indexOfNode[servers.Get(i)->GetId()] = i;
        LlmServer srv;
        // The node's ns-3 name if it has one InstallByName finds, else "node<id>".
        const std::string name = Names::FindName(servers.Get(i));
        srv.name = !name.empty() && Names::Find<Node>(name) == servers.Get(i)
                       ? name
                       : "node" + std::to_string(servers.Get(i)->GetId());
        srv.ccsHz = ccsHz[i];
        if (!storageBytes.empty())
        {
            srv.storageBytes = storageBytes[i];
        }
        s.GetServers().push_back(srv);
    }
    std::map<std::pair<uint32_t, uint32_t>, double> bps;
    for (uint32_t i = 0; i < n; ++i)
    {
        Ptr<Node> node = servers.Get(i);
        for (uint32_t d = 0; d < node->GetNDevices(); ++d)
        {
            Ptr<NetDevice> dev = node->GetDevice(d);
            Ptr<Channel> channel = dev->GetChannel();
            if (!channel)
            {
                continue;
            }
            // Point-to-point: the device's DataRate; CSMA: the channel's.
            DataRateValue rate;
            if (!dev->GetAttributeFailSafe("DataRate", rate)
                && !channel->GetAttributeFailSafe("DataRate", rate))
            {
                continue;
            }
            for (std::size_t k = 0; k < channel->GetNDevices(); ++k)
            {
                Ptr<Node> other = channel->GetDevice(k)->GetNode();
                auto it = indexOfNode.find(other->GetId());
                if (it != indexOfNode.end() && it->second != i)
                {
                    double& b = bps[{i, it->second}];
                    b = std::max(b, static_cast<double>(rate.Get().GetBitRate()));
                }
            }
        }
    }
    for (const auto& [key, value] : explicitBps)
    {
        if (key.first >= n || key.second >= n)
        {
            throw LlmInputError("topology",
                                "explicitBps",
                                "expected server indices below " + std::to_string(n));
        }
        bps[key] = value;
    }
    for (const auto& [key, value] : bps)
    {
        s.GetLinks().push_back(
            {s.GetServers()[key.first].name, s.GetServers()[key.second].name, value, std::nullopt});
    }
    s.Validate("topology");
    return s;
}

} // namespace ns3

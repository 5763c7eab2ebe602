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
#include "ns3/llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/names.h"
#include "ns3/net-device.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <chrono>
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

std::vector<double>&
LlmPlacementHelper::PacingTable() const
{
    const std::size_t n = m_scenario->GetServers().size();
    if (!m_paceBps || m_paceBps->size() != n * n)
    {
        m_paceBps = std::make_shared<std::vector<double>>(n * n, 0.0);
        for (uint32_t i = 0; i < n; ++i)
        {
            for (uint32_t j = 0; j < n; ++j)
            {
                (*m_paceBps)[i * n + j] = m_model->LinkBps(i, j);
            }
        }
    }
    return *m_paceBps;
}

void
LlmPlacementHelper::SetPacingRate(uint32_t i, uint32_t j, double bps)
{
    NS_LOG_FUNCTION(this << i << j << bps);
    const std::size_t n = m_scenario->GetServers().size();
    if (i < n && j < n && bps >= 0)
    {
        PacingTable()[i * n + j] = bps;
    }
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

Ptr<LlmPipeline>
LlmPlacementHelper::BuildPipeline(const LlmPlan& plan,
                                  uint32_t epoch,
                                  uint16_t serverPort,
                                  uint16_t clientPort) const
{
    const LlmScenario& s = *m_scenario;
    const uint32_t n = m_nodes.GetN();
    const uint32_t original = s.GetModel().GetOriginalBits();
    const double beta = s.GetWorkload().batch;
    Ptr<LlmPipeline> pipeline = Create<LlmPipeline>();
    pipeline->epoch = epoch;
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
    PacingTable(); // shared by every pipeline of this helper
    pipeline->linkBps = m_paceBps;
    for (uint32_t i = 0; i < n; ++i)
    {
        pipeline->serverAddress.push_back(
            InetSocketAddress(FirstAddress(m_nodes.Get(i)), serverPort));
    }
    pipeline->clientAddress = InetSocketAddress(FirstAddress(m_clientNode), clientPort);
    pipeline->inputBytes = static_cast<uint32_t>(4 * beta);
    pipeline->resultBytes = static_cast<uint32_t>(4 * beta);
    return pipeline;
}

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
    uint16_t serverPort = 9000;
    UintegerValue portValue;
    Ptr<EdgeLlmServerApplication> probe = m_serverFactory.Create<EdgeLlmServerApplication>();
    probe->GetAttribute("Port", portValue);
    serverPort = static_cast<uint16_t>(portValue.Get());
    Ptr<EdgeLlmClientApplication> clientProbe = m_clientFactory.Create<EdgeLlmClientApplication>();
    clientProbe->GetAttribute("Port", portValue);
    const uint16_t clientPort = static_cast<uint16_t>(portValue.Get());

    m_nodes = servers;
    m_clientNode = client ? client : servers.Get(plan.placement.front().server);
    m_down.assign(n, false);
    m_nextPort = std::max(serverPort, clientPort) + 1u;
    Ptr<LlmPipeline> pipeline = BuildPipeline(plan, 0, serverPort, clientPort);
    m_pipeline = pipeline;

    ApplicationContainer apps;
    m_servers.assign(n, nullptr);
    for (uint32_t i = 0; i < n; ++i)
    {
        if (!pipeline->Hosts(i))
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
    m_clientNode->AddApplication(m_client);
    apps.Add(m_client);
    return apps;
}

void
LlmPlacementHelper::EnableFailureRecovery(Time failureTimeout)
{
    NS_ABORT_MSG_IF(!m_client, "LlmPlacementHelper::EnableFailureRecovery before Install");
    NS_ABORT_MSG_IF(failureTimeout <= Seconds(0), "a failure timeout must be positive");
    // A replay carries the outputs of up to n tokens of a layer (at the widest bits a re-plan
    // may choose) in one message.
    const LlmScenario& s = *m_scenario;
    const double n = s.GetWorkload().tokens;
    const double beta = s.GetWorkload().batch;
    const double bits = std::max<double>(s.GetQuantization().bMax, s.GetModel().GetOriginalBits());
    for (std::size_t l = 0; l < s.GetModel().GetNLayers(); ++l)
    {
        const double bytes =
            n * std::ceil(beta * s.GetModel().GetLayer(l).outputElementsPerToken * bits / 8.0);
        if (bytes > UINT32_MAX || n * 4 * beta > UINT32_MAX)
        {
            throw LlmInputError("placement",
                                "layer " + s.GetModel().GetLayer(l).name,
                                "a replay after a server failure carries its output for up to "
                                "n tokens in one message, "
                                    + LlmTextParse::Format(bytes)
                                    + " bytes, above the 4 GiB a simulated message carries: "
                                      "simulate failures with fewer --tokens or a smaller --batch");
        }
    }
    m_client->SetAttribute("FailureTimeout", TimeValue(failureTimeout));
    m_client->SetFailureCallbacks(MakeCallback(&LlmPlacementHelper::DetectFailures, this),
                                  MakeCallback(&LlmPlacementHelper::Replan, this));
}

void
LlmPlacementHelper::SetStorageInUse(std::function<std::vector<double>()> f)
{
    m_storageInUse = std::move(f);
}

std::vector<double>
LlmPlacementHelper::GetStorageUsed() const
{
    std::vector<double> used;
    if (!m_pipeline)
    {
        return used;
    }
    used.assign(m_scenario->GetServers().size(), 0.0);
    for (std::size_t l = 0; l < m_pipeline->stages.size(); ++l)
    {
        const LlmPipeline::Stage& st = m_pipeline->stages[l];
        if (st.server < used.size())
        {
            used[st.server] += m_model->StorageBytes(l, st.bits);
        }
    }
    return used;
}

void
LlmPlacementHelper::NotifyServerDown(uint32_t i)
{
    NS_LOG_FUNCTION(i);
    if (i >= m_down.size() || m_down[i])
    {
        return;
    }
    m_down[i] = true;
    if (m_servers[i])
    {
        m_servers[i]->Crash();
    }
}

void
LlmPlacementHelper::NotifyServerUp(uint32_t i)
{
    NS_LOG_FUNCTION(i);
    if (i < m_down.size())
    {
        m_down[i] = false;
    }
}

bool
LlmPlacementHelper::IsServerDown(uint32_t i) const
{
    return i < m_down.size() && m_down[i];
}

std::optional<uint32_t>
LlmPlacementHelper::GetClientAccessServer() const
{
    if (!m_clientNode)
    {
        return std::nullopt;
    }
    std::optional<uint32_t> found;
    for (uint32_t i = 0; i < m_nodes.GetN(); ++i)
    {
        if (m_nodes.Get(i) == m_clientNode)
        {
            return i;
        }
    }
    // A user node: the one server node it shares a channel with.
    for (uint32_t d = 0; d < m_clientNode->GetNDevices(); ++d)
    {
        Ptr<Channel> channel = m_clientNode->GetDevice(d)->GetChannel();
        for (std::size_t k = 0; channel && k < channel->GetNDevices(); ++k)
        {
            Ptr<Node> other = channel->GetDevice(k)->GetNode();
            for (uint32_t i = 0; i < m_nodes.GetN(); ++i)
            {
                if (m_nodes.Get(i) == other)
                {
                    if (found && *found != i)
                    {
                        return std::nullopt;
                    }
                    found = i;
                }
            }
        }
    }
    return found;
}

const std::vector<LlmPlacementHelper::ReplanRecord>&
LlmPlacementHelper::GetReplans() const
{
    return m_replans;
}

void
LlmPlacementHelper::AddServerStartedCallback(
    std::function<void(uint32_t, Ptr<EdgeLlmServerApplication>)> f)
{
    m_started.push_back(std::move(f));
}

std::vector<uint32_t>
LlmPlacementHelper::DetectFailures() const
{
    // The membership service's view once the client's timeout expired: the servers of the
    // pipeline that are down or lost their state (back, but crashed), and the client's access
    // server if it is down.
    std::vector<uint32_t> failed;
    for (uint32_t i = 0; i < m_nodes.GetN(); ++i)
    {
        const bool hosts = m_pipeline->Hosts(i);
        const bool lost = hosts && (m_down[i] || !m_servers[i] || !m_servers[i]->IsServing());
        if (lost || (m_down[i] && GetClientAccessServer() == i))
        {
            failed.push_back(i);
        }
    }
    return failed;
}

Ptr<const LlmPipeline>
LlmPlacementHelper::Replan(const std::vector<uint32_t>& failed)
{
    const LlmScenario& s = *m_scenario;
    ReplanRecord record;
    record.timeSeconds = Simulator::Now().GetSeconds();
    for (uint32_t i : failed)
    {
        record.failed.push_back(s.GetServers()[i].name);
    }
    // The scenario without the servers that are down, and its server indices in ours; with
    // other LLMs on the servers, each keeps only what they leave of its storage.
    LlmScenario rest = s;
    rest.GetServers().clear();
    rest.GetLinks().clear();
    std::vector<uint32_t> index;
    const std::vector<double> others = m_storageInUse ? m_storageInUse() : std::vector<double>();
    for (uint32_t i = 0; i < s.GetServers().size(); ++i)
    {
        if (m_down[i])
        {
            record.down.push_back(s.GetServers()[i].name);
        }
        else
        {
            LlmServer server = s.GetServers()[i];
            if (server.storageBytes && i < others.size())
            {
                server.storageBytes = std::max(0.0, *server.storageBytes - others[i]);
            }
            rest.GetServers().push_back(server);
            index.push_back(i);
        }
    }
    for (const LlmLink& l : s.GetLinks())
    {
        if (!m_down[*s.FindServer(l.from)] && !m_down[*s.FindServer(l.to)])
        {
            rest.GetLinks().push_back(l);
        }
    }
    const std::optional<uint32_t> access = GetClientAccessServer();
    std::optional<LlmPlan> plan;
    if (access && m_down[*access])
    {
        record.reason = "the client's access server " + s.GetServers()[*access].name + " is down";
    }
    else if (rest.GetServers().empty())
    {
        record.reason = "every server is down";
    }
    else if (m_nextPort + 1u > 65535u)
    {
        record.reason = "no free ports left for another plan";
    }
    else
    {
        try
        {
            const LlmCostModel model(rest);
            const auto wall = std::chrono::steady_clock::now();
            plan = LlmSolverFactory::Create(m_solverName, m_solverOptions)->Solve(model);
            record.solveWallSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
            if (!plan->HasPlacement())
            {
                record.reason = m_solverName + " found no placement on the remaining servers ("
                                + ToString(plan->status) + "): " + plan->message;
                plan.reset();
            }
        }
        catch (const LlmInputError& e)
        {
            record.reason = std::string("no placement on the remaining servers: ") + e.what();
        }
    }
    if (!plan)
    {
        NS_LOG_INFO("edge-llm re-plan: no path: " << record.reason);
        m_replans.push_back(record);
        return nullptr;
    }
    for (LlmLayerAssignment& a : plan->placement)
    {
        a.server = index[a.server];
    }
    return SwitchPlan(*plan, record);
}

Ptr<const LlmPipeline>
LlmPlacementHelper::Migrate(const LlmPlan& plan)
{
    NS_ABORT_MSG_IF(!m_pipeline, "LlmPlacementHelper::Migrate before Install");
    NS_ABORT_MSG_IF(plan.placement.size() != m_pipeline->stages.size(),
                    "LlmPlacementHelper::Migrate: a plan of another model");
    ReplanRecord record;
    record.timeSeconds = Simulator::Now().GetSeconds();
    record.reason = "migration";
    for (const LlmLayerAssignment& a : plan.placement)
    {
        if (a.server >= m_nodes.GetN() || m_down[a.server] || m_nextPort + 1u > 65535u)
        {
            record.reason = "migration refused: a target server is down or no ports are left";
            m_replans.push_back(record);
            return nullptr;
        }
    }
    return SwitchPlan(plan, record);
}

Ptr<const LlmPipeline>
LlmPlacementHelper::SwitchPlan(const LlmPlan& planIn, ReplanRecord record)
{
    const LlmScenario& s = *m_scenario;
    const LlmPlan* plan = &planIn;
    const uint16_t serverPort = static_cast<uint16_t>(m_nextPort);
    const uint16_t clientPort = static_cast<uint16_t>(m_nextPort + 1);
    m_nextPort += 2;
    Ptr<LlmPipeline> pipeline = BuildPipeline(*plan, m_pipeline->epoch + 1, serverPort, clientPort);
    for (std::size_t l = 0; l < pipeline->stages.size(); ++l)
    {
        const LlmPipeline::Stage& now = pipeline->stages[l];
        const LlmPipeline::Stage& before = m_pipeline->stages[l];
        record.layersMoved += now.server != before.server || now.bits != before.bits ? 1 : 0;
    }
    m_pipeline = pipeline;
    // Every running server gets the new plan (the old plan's jobs are dropped, its port
    // closed); a server that hosts a layer for the first time, or again after a crash, starts.
    for (uint32_t i = 0; i < m_nodes.GetN(); ++i)
    {
        if (m_down[i])
        {
            continue;
        }
        Ptr<EdgeLlmServerApplication>& app = m_servers[i];
        if (app && (app->IsServing() || pipeline->Hosts(i)))
        {
            app->SetPipeline(pipeline, i);
        }
        else if (!app && pipeline->Hosts(i))
        {
            app = m_serverFactory.Create<EdgeLlmServerApplication>();
            app->SetAttribute("CcsHz", DoubleValue(s.GetServers()[i].ccsHz));
            app->SetAttribute("Messenger", PointerValue(m_messengerFactory.Create<LlmMessenger>()));
            app->SetPipeline(pipeline, i);
            m_nodes.Get(i)->AddApplication(app);
            app->StartNow();
            for (const auto& f : m_started)
            {
                f(i, app);
            }
        }
    }
    record.epoch = pipeline->epoch;
    record.planned = true;
    record.objectiveSeconds = plan->objective;
    m_replans.push_back(record);
    NS_LOG_INFO("edge-llm re-plan: epoch " << pipeline->epoch << ", " << record.layersMoved
                                           << " layers moved, T = " << plan->objective << " s");
    return pipeline;
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

Ptr<const LlmPipeline>
LlmPlacementHelper::GetPipeline() const
{
    return m_pipeline;
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

// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/edge-llm-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/test.h"

using namespace ns3;

namespace
{

/**
 * Three nodes on one 100 Mbit/s CSMA segment, addressed and routed.
 */
NodeContainer
WireThreeNodes()
{
    NodeContainer nodes;
    nodes.Create(3);
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", TimeValue(MicroSeconds(50)));
    NetDeviceContainer devices = csma.Install(nodes);
    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper address("10.1.1.0", "255.255.255.0");
    address.Assign(devices);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    return nodes;
}

/// OPT-125m, `tokens` tokens of one sequence, on `servers` (2, 2 and 20 GHz; 150 MB edges).
LlmScenario
FirstScenario(const NodeContainer& servers, uint32_t tokens)
{
    return LlmPlacementHelper::ScenarioFromTopology(LlmProfile::BuiltIn("opt-125m"),
                                                    LlmWorkload{tokens, 1},
                                                    LlmQuantization{},
                                                    servers,
                                                    {2e9, 2e9, 2e10},
                                                    {1.5e8, 1.5e8, std::nullopt},
                                                    std::nullopt);
}

/// TokenDone sink: counts the tokens.
void
CountToken(uint32_t* count, uint32_t /* request */, uint32_t /* token */, Time /* latency */)
{
    ++*count;
}

/**
 * @ingroup edge-llm-tests
 * InstallByName puts each scenario server's application on the node of its name, whatever
 * the nodes' order, and the run completes every token.
 */
class LlmInstallByNameTestCase : public TestCase
{
  public:
    LlmInstallByNameTestCase()
        : TestCase("InstallByName maps servers to named nodes; all tokens complete")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes = WireThreeNodes();
        // The scenario lists the servers as (edge1, edge0, cloud), not in the nodes' order.
        Names::Add("edge0", nodes.Get(0));
        Names::Add("edge1", nodes.Get(1));
        Names::Add("cloud", nodes.Get(2));
        NodeContainer order(nodes.Get(1), nodes.Get(0), nodes.Get(2));
        const LlmScenario s = FirstScenario(order, 8);
        NS_TEST_ASSERT_MSG_EQ(s.GetServers()[0].name, "edge1", "named after the node's name");
        NS_TEST_ASSERT_MSG_EQ(s.GetServers()[2].name, "cloud", "named after the node's name");

        LlmPlacementHelper placement(s);
        ApplicationContainer apps = placement.InstallByName();
        NS_TEST_ASSERT_MSG_GT(apps.GetN(), 1, "at least a server and the client");
        uint32_t hosting = 0;
        for (uint32_t i = 0; i < s.GetServers().size(); ++i)
        {
            if (Ptr<EdgeLlmServerApplication> app = placement.GetServer(i))
            {
                ++hosting;
                NS_TEST_ASSERT_MSG_EQ(app->GetNode(),
                                      Names::Find<Node>(s.GetServers()[i].name),
                                      "server " << i << " on the node of its name");
            }
        }
        NS_TEST_ASSERT_MSG_EQ(apps.GetN(), hosting + 1, "the hosting servers, then the client");
        const uint32_t first = placement.GetPlan().placement.front().server;
        NS_TEST_ASSERT_MSG_EQ(placement.GetClient()->GetNode(),
                              Names::Find<Node>(s.GetServers()[first].name),
                              "the client on the first layer's node");

        uint32_t traced = 0;
        placement.GetClient()->TraceConnectWithoutContext("TokenDone",
                                                          MakeBoundCallback(&CountToken, &traced));
        Simulator::Stop(Seconds(100));
        Simulator::Run();
        Ptr<EdgeLlmClientApplication> c = placement.GetClient();
        NS_TEST_ASSERT_MSG_EQ(c->GetTokensCompleted(), 8, "every token completes");
        NS_TEST_ASSERT_MSG_EQ(c->GetTokensFailed(), 0, "no token fails");
        NS_TEST_ASSERT_MSG_EQ(traced, 8, "TokenDone fired per token");
        NS_TEST_ASSERT_MSG_GT(c->GetCompletionTime().GetSeconds(), 0, "a completion time");
        Simulator::Destroy();
        Names::Clear();
    }
};

/**
 * @ingroup edge-llm-tests
 * A scenario server without a node of its name is refused with LlmInputError naming it.
 */
class LlmInstallByNameMissingTestCase : public TestCase
{
  public:
    LlmInstallByNameMissingTestCase()
        : TestCase("InstallByName refuses a server without a named node")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes = WireThreeNodes();
        Names::Add("edge0", nodes.Get(0));
        Names::Add("edge1", nodes.Get(1));
        const LlmScenario s = FirstScenario(nodes, 2);
        const std::string unnamed = "node" + std::to_string(nodes.Get(2)->GetId());
        NS_TEST_ASSERT_MSG_EQ(s.GetServers()[2].name, unnamed, "an unnamed node: node<id>");

        std::string message;
        try
        {
            LlmPlacementHelper(s).InstallByName();
        }
        catch (const LlmInputError& e)
        {
            message = e.what();
        }
        NS_TEST_ASSERT_MSG_EQ(message,
                              "topology: servers[2]: expected a node named \"" + unnamed
                                  + "\" (ns3::Names::Add)",
                              "the missing name reported");
        Simulator::Destroy();
        Names::Clear();
    }
};

/**
 * @ingroup edge-llm-tests
 * EdgeTopologyHelper names its nodes after the scenario's servers (the user node "user"),
 * skipping names already taken, so InstallByName finds them.
 */
class LlmTopologyNamesTestCase : public TestCase
{
  public:
    LlmTopologyNamesTestCase()
        : TestCase("EdgeTopologyHelper names its nodes; taken names are skipped")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer wired = WireThreeNodes();
        const LlmScenario s = FirstScenario(wired, 2); // servers node0, node1, node2
        Simulator::Destroy();
        Ptr<Node> squatter = CreateObject<Node>();
        Names::Add(s.GetServers()[1].name, squatter);

        EdgeTopologyHelper topology(s);
        topology.SetUserNode(s.GetServers()[0].name, 1e9, MilliSeconds(1));
        NodeContainer nodes = topology.Install();
        NS_TEST_ASSERT_MSG_EQ(Names::Find<Node>(s.GetServers()[0].name),
                              nodes.Get(0),
                              "named as its server");
        NS_TEST_ASSERT_MSG_EQ(Names::Find<Node>(s.GetServers()[1].name),
                              squatter,
                              "a taken name left alone");
        NS_TEST_ASSERT_MSG_EQ(Names::Find<Node>(s.GetServers()[2].name),
                              nodes.Get(2),
                              "named as its server");
        NS_TEST_ASSERT_MSG_EQ(Names::Find<Node>("user"), topology.GetUser(), "the user node");
        Simulator::Destroy();
        Names::Clear();
    }
};

/**
 * @ingroup edge-llm-tests
 * LlmPlacementHelper suite: installing by ns-3 name.
 */
class LlmPlacementHelperTestSuite : public TestSuite
{
  public:
    LlmPlacementHelperTestSuite()
        : TestSuite("edge-llm-placement-helper", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmInstallByNameTestCase());
        AddTestCase(new LlmInstallByNameMissingTestCase());
        AddTestCase(new LlmTopologyNamesTestCase());
    }
};

/// Static instance.
LlmPlacementHelperTestSuite g_llmPlacementHelperTestSuite;

} // namespace

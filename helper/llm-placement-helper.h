// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PLACEMENT_HELPER_H
#define LLM_PLACEMENT_HELPER_H

#include "ns3/application-container.h"
#include "ns3/edge-llm-client-application.h"
#include "ns3/edge-llm-server-application.h"
#include "ns3/llm-cost-model.h"
#include "ns3/llm-placement-solver.h"
#include "ns3/llm-scenario.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Solves a placement and installs the applications that run it, like ns-3's
 *        BulkSendHelper.
 *
 * The scenario's servers map, in order, to the nodes given to Install(), or by name to the
 * nodes registered with ns3::Names (InstallByName()); the helper solves the placement (GLPK ILP
 * by default, any solver by name), installs an EdgeLlmServerApplication on every node hosting a
 * layer (with the server's CCS) and the request source (EdgeLlmClientApplication) on the first
 * layer's node or a node of the user's choice. The
 * scenario can come from a file, or from the user's own topology (ScenarioFromTopology: link
 * capacities read from point-to-point/CSMA DataRate attributes, or given explicitly).
 */
class LlmPlacementHelper
{
  public:
    /**
     * @brief Build for a scenario.
     * @param scenario the scenario (copied)
     */
    explicit LlmPlacementHelper(const LlmScenario& scenario);

    /**
     * @brief Choose the solver (default "ilp").
     * @param name a name of LlmSolverFactory::Names()
     * @param options solver options
     */
    void SetSolver(const std::string& name, const LlmSolverOptions& options = {});

    /**
     * @brief Use a given plan instead of solving.
     * @param plan a plan for this helper's scenario
     */
    void SetPlan(const LlmPlan& plan);

    /**
     * @brief Set an attribute of the server applications.
     * @param name attribute name
     * @param value attribute value
     */
    void SetServerAttribute(const std::string& name, const AttributeValue& value);

    /**
     * @brief Set an attribute of the client application.
     * @param name attribute name
     * @param value attribute value
     */
    void SetClientAttribute(const std::string& name, const AttributeValue& value);

    /**
     * @brief Set an attribute of every application's LlmMessenger (e.g. "Transport").
     * @param name attribute name
     * @param value attribute value
     */
    void SetMessengerAttribute(const std::string& name, const AttributeValue& value);

    /**
     * @brief Solve the placement if not done yet.
     * @return the plan
     * @throws LlmInputError (source "placement") if the solver finds no plan, with its reason
     */
    const LlmPlan& Solve();

    /**
     * @brief Solve and install.
     * @param servers one node per scenario server, in order
     * @param client the node of the request source (null: the first layer's server node)
     * @return the server applications, then the client application
     * @throws LlmInputError if the node count does not match or there is no plan
     */
    ApplicationContainer Install(const NodeContainer& servers, Ptr<Node> client = nullptr);

    /**
     * @brief Solve and install on the nodes named after the scenario's servers.
     *
     * Scenario server i runs on the node `Names::Find<Node>(servers[i].name)` (ns3::Names);
     * otherwise exactly as Install(). EdgeTopologyHelper::Install() names its nodes so; nodes
     * wired by hand are named with `Names::Add("edge0", node)`.
     * @param client the node of the request source (null: the first layer's server node)
     * @return the server applications, then the client application
     * @throws LlmInputError (source "topology") naming the first server without a node of its
     *         name, or as Install()
     */
    ApplicationContainer InstallByName(Ptr<Node> client = nullptr);

    /**
     * @brief Assign fixed random streams to the applications' random variables.
     * @param stream first stream index
     * @return the number of streams assigned
     */
    int64_t AssignStreams(int64_t stream);

    /// @return the client installed by Install()
    Ptr<EdgeLlmClientApplication> GetClient() const;
    /**
     * @brief The server application of a scenario server.
     * @param i server index
     * @return the application, or null if the server hosts no layer
     */
    Ptr<EdgeLlmServerApplication> GetServer(uint32_t i) const;
    /// @return the scenario
    const LlmScenario& GetScenario() const;
    /// @return the cost model of the scenario
    const LlmCostModel& GetCostModel() const;
    /// @return the plan (after Solve or Install)
    const LlmPlan& GetPlan() const;

    /**
     * @brief Build a scenario from a topology the user built.
     *
     * Server i is node i of `servers`. Ω_ij is the DataRate of the point-to-point device of i
     * facing j, or of the CSMA channel i and j share; `explicitBps` entries (e.g. for Wi-Fi,
     * keyed by (i, j)) are added or override. A server is named after its node's ns3::Names
     * name (so InstallByName() finds it), or "node<id>" if the node has none.
     * @param model the LLM
     * @param workload n and β
     * @param quantization 𝓑 and δ
     * @param servers the server nodes
     * @param ccsHz CCS_i per node
     * @param storageBytes κ_i per node (empty optional: unlimited; empty vector: all unlimited)
     * @param maxLayersPerServer (2d) (empty: unlimited)
     * @param explicitBps Ω_ij given by hand
     * @return the validated scenario
     * @throws LlmInputError on inconsistent sizes or values
     */
    static LlmScenario ScenarioFromTopology(
        const LlmProfile& model,
        const LlmWorkload& workload,
        const LlmQuantization& quantization,
        const NodeContainer& servers,
        const std::vector<double>& ccsHz,
        const std::vector<std::optional<double>>& storageBytes,
        std::optional<uint32_t> maxLayersPerServer,
        const std::map<std::pair<uint32_t, uint32_t>, double>& explicitBps = {});

  private:
    std::shared_ptr<LlmScenario> m_scenario;              //!< The scenario
    std::shared_ptr<LlmCostModel> m_model;                //!< Its cost model
    std::string m_solverName;                             //!< Solver
    LlmSolverOptions m_solverOptions;                     //!< Solver options
    std::optional<LlmPlan> m_plan;                        //!< The plan, once solved
    ObjectFactory m_serverFactory;                        //!< Server applications
    ObjectFactory m_clientFactory;                        //!< Client application
    ObjectFactory m_messengerFactory;                     //!< Messengers
    Ptr<EdgeLlmClientApplication> m_client;               //!< Installed client
    std::vector<Ptr<EdgeLlmServerApplication>> m_servers; //!< Installed servers (by index)
};

} // namespace ns3

#endif // LLM_PLACEMENT_HELPER_H

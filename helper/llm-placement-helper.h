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

#include <functional>
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
     * @brief One re-plan after a server failure, as the helper made it.
     */
    struct ReplanRecord
    {
        double timeSeconds{0};           //!< Simulated time of the re-plan, s
        uint32_t epoch{0};               //!< Epoch of the new pipeline (0: none was found)
        std::vector<std::string> failed; //!< Servers the client's detector reported
        std::vector<std::string> down;   //!< Servers left out of the new plan (down then)
        bool planned{false};             //!< A new placement was found and installed
        std::string reason;              //!< Why not (no-path), else empty
        double objectiveSeconds{0};      //!< T of the new plan (eq. 1), s
        uint32_t layersMoved{0};         //!< Layers on another server or with other bits
        double solveWallSeconds{0};      //!< Wall time of the solver, s
    };

    /**
     * @brief Let the client recover from server failures: it gets this helper's failure
     *        detector and re-planner (EdgeLlmClientApplication::SetFailureCallbacks) and the
     *        FailureTimeout. Call after Install().
     *
     * The re-planner solves the scenario without the servers that are down (with the solver of
     * SetSolver, default the ILP), gives every running server application the new pipeline
     * (epoch + 1, its own ports), starts one on each newly hosting server, and returns the
     * pipeline to the client; it returns none when the client's access server is down or no
     * placement exists on the remaining servers.
     * @param failureTimeout the client's FailureTimeout (> 0)
     * @throws LlmInputError if a replay message of the scenario's n tokens would exceed the
     *         4 GiB a simulated message carries
     */
    void EnableFailureRecovery(Time failureTimeout);

    /**
     * @brief Storage other LLMs keep on the servers when this placement re-plans: the re-plan
     *        solves on what is left of each server's κ_i (several LLMs on shared servers).
     * @param f returns, per server index of the scenario, the bytes in use by others at the
     *        time of the call (empty function: none)
     */
    void SetStorageInUse(std::function<std::vector<double>()> f);

    /**
     * @brief Bytes of weights the pipeline in use keeps on each server (p_l · b_l / 8 per
     *        layer, LlmCostModel::StorageBytes).
     * @return per server index of the scenario (empty before Install)
     */
    std::vector<double> GetStorageUsed() const;

    /**
     * @brief A server's node failed now: its server application crashes (queue, job and KV
     *        cache lost). The node's links are the caller's (LlmSimulation takes the node's
     *        interfaces down).
     * @param i server index
     */
    void NotifyServerDown(uint32_t i);

    /**
     * @brief A failed server's node is back (without its state; a re-plan may use it again).
     * @param i server index
     */
    void NotifyServerUp(uint32_t i);

    /**
     * @brief Whether a server is down.
     * @param i server index
     * @return true between NotifyServerDown and NotifyServerUp
     */
    bool IsServerDown(uint32_t i) const;

    /**
     * @brief The server the client reaches the network through: its own node's server, or the
     *        one server its node shares a link with.
     * @return the index, or empty if there is none (a user node on several servers)
     */
    std::optional<uint32_t> GetClientAccessServer() const;

    /// @return the re-plans made, in order (failure re-plans and migrations, whose reason is
    ///         "migration")
    const std::vector<ReplanRecord>& GetReplans() const;

    /**
     * @brief Install a new plan now, as a failure re-plan does (epoch + 1, its own ports,
     *        every running server gets it, newly hosting servers start), for a migration
     *        decided while the servers are up. Give the pipeline to the client
     *        (EdgeLlmClientApplication::Migrate), which replays the KV caches on it.
     * @param plan the new plan (server indices of this scenario)
     * @return the new pipeline, or null if a target server is down or no ports are left
     */
    Ptr<const LlmPipeline> Migrate(const LlmPlan& plan);

    /// @return the pipeline in use (the latest plan's)
    Ptr<const LlmPipeline> GetPipeline() const;

    /**
     * @brief The rate UDP senders pace at from server i to server j, from now on, in every
     *        pipeline of this helper (the plan in use and later re-plans): a link trace's change
     *        of Ω_ij. TCP ignores it (the link's DataRate paces it).
     * @param i from (scenario index)
     * @param j to (scenario index)
     * @param bps the new rate, bit/s (an index out of range or a negative rate: ignored)
     */
    void SetPacingRate(uint32_t i, uint32_t j, double bps);

    /**
     * @brief Add a function called for each server application a re-plan starts during the
     *        run (to connect its traces).
     * @param f the function (server index, application)
     */
    void AddServerStartedCallback(std::function<void(uint32_t, Ptr<EdgeLlmServerApplication>)> f);

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
    /**
     * @brief The pipeline of a plan.
     * @param plan the plan (its server indices are this scenario's)
     * @param epoch the plan version
     * @param serverPort the port the servers listen on
     * @param clientPort the port the client listens on
     * @return the pipeline
     */
    Ptr<LlmPipeline> BuildPipeline(const LlmPlan& plan,
                                   uint32_t epoch,
                                   uint16_t serverPort,
                                   uint16_t clientPort) const;
    /// The failure detector given to the client.
    std::vector<uint32_t> DetectFailures() const;
    /// The re-planner given to the client.
    Ptr<const LlmPipeline> Replan(const std::vector<uint32_t>& failed);

    /**
     * The Ω_ij table the UDP senders pace at (scenario servers × servers), made from the cost
     * model's Ω_ij on first use.
     * @return the table (m_paceBps)
     */
    std::vector<double>& PacingTable() const;
    /**
     * @brief Build and install the pipeline of a new plan on the servers.
     * @param plan the plan (server indices of this scenario)
     * @param record the re-plan record to complete and keep
     * @return the new pipeline
     */
    Ptr<const LlmPipeline> SwitchPlan(const LlmPlan& plan, ReplanRecord record);

    std::shared_ptr<LlmScenario> m_scenario;              //!< The scenario
    std::shared_ptr<LlmCostModel> m_model;                //!< Its cost model
    std::string m_solverName;                             //!< Solver
    LlmSolverOptions m_solverOptions;                     //!< Solver options
    std::function<std::vector<double>()> m_storageInUse;  //!< Others' bytes per server
    std::optional<LlmPlan> m_plan;                        //!< The plan, once solved
    ObjectFactory m_serverFactory;                        //!< Server applications
    ObjectFactory m_clientFactory;                        //!< Client application
    ObjectFactory m_messengerFactory;                     //!< Messengers
    Ptr<EdgeLlmClientApplication> m_client;               //!< Installed client
    std::vector<Ptr<EdgeLlmServerApplication>> m_servers; //!< Installed servers (by index)
    NodeContainer m_nodes;                                //!< Server nodes (by index)
    Ptr<Node> m_clientNode;                               //!< The client's node
    Ptr<const LlmPipeline> m_pipeline;                    //!< The pipeline in use
    /// Ω_ij the UDP senders pace at, shared by every pipeline this helper builds
    mutable std::shared_ptr<std::vector<double>> m_paceBps;
    std::vector<bool> m_down;            //!< Servers down now
    uint32_t m_nextPort{0};              //!< First free port for a re-plan
    std::vector<ReplanRecord> m_replans; //!< Re-plans made
    /// Called for each server application a re-plan starts
    std::vector<std::function<void(uint32_t, Ptr<EdgeLlmServerApplication>)>> m_started;
};

} // namespace ns3

#endif // LLM_PLACEMENT_HELPER_H

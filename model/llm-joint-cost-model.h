// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_JOINT_COST_MODEL_H
#define LLM_JOINT_COST_MODEL_H

#include "llm-cost-model.h"
#include "llm-multi-scenario.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief What the joint placement of several models minimizes (doc/edge-llm.rst, "Several
 *        LLMs on shared servers").
 */
enum class LlmJointObjective
{
    MAX, //!< The makespan bound max(max_m T_m, max_r B_r)
    SUM  //!< The completion-time-sum bound max(Σ_m T_m, max_r B_r)
};

/**
 * @brief Text of a joint objective.
 * @param o the objective
 * @return "max" or "sum"
 */
std::string ToString(LlmJointObjective o);

/**
 * @brief A joint objective from its text.
 * @param text "max" or "sum"
 * @param source the source errors name (e.g. "command line")
 * @param option the option or field errors name (e.g. "--objective")
 * @return the objective
 * @throws LlmInputError on any other text
 */
LlmJointObjective LlmJointObjectiveFromString(const std::string& text,
                                              const std::string& source,
                                              const std::string& option);

/// A joint placement: one placement per model, in the scenario's model order.
using LlmJointPlacement = std::vector<LlmPlacement>;

/**
 * @ingroup edge-llm
 * @brief The busy time of one shared resource: a server's compute or a directed link.
 */
struct LlmResourceLoad
{
    bool isLink{false};  //!< A link from → to (else the server `from`)
    std::size_t from{0}; //!< The server, or the link's source
    std::size_t to{0};   //!< The link's destination (links only)
    double seconds{0};   //!< B_i or B_ij, s
    std::string name;    //!< "edge3" or "edge3->edge7"
};

/**
 * @ingroup edge-llm
 * @brief The cost model of several models on shared servers: each model's own LlmCostModel
 *        (on LlmMultiScenario::ModelScenario, its T_m as in version 1), the shared storage and
 *        the resources' busy times.
 *
 * - T_m: the version-1 objective of model m's placement (eq. 1, with its access path).
 * - B_i = Σ_m Σ_l cp_m(l, i, b) over the layers placed on server i (compute, eq. 3).
 * - B_ij = Σ_m Σ_l cm_m(l, i, j, b) over the consecutive layers on i and j (transfer, eq. 4;
 *   the users' access legs are not counted, which only lowers B_ij).
 * - Storage: Σ_m Σ_{l on i} p_l·b/8 ≤ κ_i (2e, shared); (2d) and (2f) hold per model.
 * - J: MAX: max(max_m T_m, max_i B_i, max_ij B_ij), a lower bound on the makespan of any
 *   schedule of the models' requests (one request each, released at 0); SUM:
 *   max(Σ_m T_m, max_r B_r), a lower bound on the sum of their completion times.
 *
 * Keeps a reference to the scenario (it must outlive the model) and one LlmScenario copy
 * and cost model per model. Pure computation, no simulator.
 */
class LlmJointCostModel
{
  public:
    /**
     * @brief Build the per-model cost models.
     * @param scenario a validated scenario
     * @param objective the objective J
     */
    LlmJointCostModel(const LlmMultiScenario& scenario, LlmJointObjective objective);

    /// The model keeps a reference to its scenario: a temporary would dangle.
    LlmJointCostModel(LlmMultiScenario&&, LlmJointObjective) = delete;

    /// @return the scenario
    const LlmMultiScenario& GetScenario() const { return m_scenario; }

    /// @return the objective
    LlmJointObjective GetObjective() const { return m_objective; }

    /// @return the number of models M
    std::size_t GetNModels() const { return m_models.size(); }

    /// @return the number of servers N
    std::size_t GetNServers() const;

    /**
     * @brief Model m's own cost model (the version-1 one, on the full κ_i).
     * @param m model index
     * @return the cost model
     */
    const LlmCostModel& GetModel(std::size_t m) const { return *m_models.at(m); }

    /**
     * @brief Model m's name.
     * @param m model index
     * @return the name
     */
    const std::string& GetModelName(std::size_t m) const;

    /**
     * @brief Storage capacity κ_i shared by the models.
     * @param i server
     * @return bytes, +∞ if unlimited
     */
    double StorageCapacity(std::size_t i) const { return m_models.front()->StorageCapacity(i); }

    /**
     * @brief T_m of every model.
     * @param p the joint placement
     * @return seconds per model (+∞ where a placement crosses a missing link)
     */
    std::vector<double> ModelTimes(const LlmJointPlacement& p) const;

    /**
     * @brief Compute busy time B_i of every server.
     * @param p the joint placement
     * @return seconds per server
     */
    std::vector<double> ServerBusy(const LlmJointPlacement& p) const;

    /**
     * @brief Busy time B_ij of every link that carries a message.
     * @param p the joint placement
     * @return the loaded links, in (from, to) order
     */
    std::vector<LlmResourceLoad> LinkBusy(const LlmJointPlacement& p) const;

    /**
     * @brief The resources with the largest busy times.
     * @param p the joint placement
     * @param count how many
     * @return servers and links, busiest first
     */
    std::vector<LlmResourceLoad> Busiest(const LlmJointPlacement& p, std::size_t count) const;

    /**
     * @brief The objective J of a joint placement.
     * @param p the joint placement
     * @return seconds
     */
    double Objective(const LlmJointPlacement& p) const;

    /**
     * @brief J from its parts.
     * @param times T_m per model
     * @param busiest the largest B_r (0 if none)
     * @return max(max T_m, busiest) or max(Σ T_m, busiest)
     */
    double Combine(const std::vector<double>& times, double busiest) const;

    /**
     * @brief Check a joint placement: each model's constraints (CheckPlacement of its own
     *        cost model) and the shared storage.
     * @param p the joint placement
     * @return empty if feasible, else the first violated constraint, naming model and server
     */
    std::string CheckPlacement(const LlmJointPlacement& p) const;

    /**
     * @brief Storage of a model's placement on each server.
     * @param m model index
     * @param placement its placement
     * @param used receives the bytes, added per server (size N)
     */
    void AddStorage(std::size_t m, const LlmPlacement& placement, std::vector<double>& used) const;

  private:
    const LlmMultiScenario& m_scenario;                    //!< The instance
    LlmJointObjective m_objective;                         //!< J
    std::vector<std::unique_ptr<LlmScenario>> m_scenarios; //!< ModelScenario(m), kept alive
    std::vector<std::unique_ptr<LlmCostModel>> m_models;   //!< Cost model of each model
};

} // namespace ns3

#endif // LLM_JOINT_COST_MODEL_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_MULTI_SCENARIO_H
#define LLM_MULTI_SCENARIO_H

#include "llm-scenario.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief How one model's requests arrive (JSON models[].arrival, optional).
 *
 * Request k starts at start + Σ_{j<k} A_j, where A_j is the inter-arrival time: the constant
 * mean (process "constant") or an exponential draw of that mean (process "poisson"). The joint
 * placement plans one request of each model (its T_m); the arrivals are for the simulation.
 */
struct LlmArrival
{
    /// The inter-arrival process.
    enum class Process
    {
        CONSTANT, //!< Every gap equals the mean (0: all requests start together)
        POISSON   //!< Exponential gaps of that mean
    };

    static constexpr uint32_t MAX_REQUESTS = 1000000; //!< Most requests of one model

    uint32_t requests{1};               //!< Requests (batches of β sequences) of this model
    Process process{Process::CONSTANT}; //!< Inter-arrival process (JSON "process")
    double meanInterArrivalSeconds{0};  //!< Mean gap between request starts, s (JSON "mean_s")
    double startSeconds{0};             //!< Start of the first request, s (JSON "start_s")

    /**
     * @brief Equality of every field.
     * @param o the other arrival
     * @return true if equal
     */
    bool operator==(const LlmArrival& o) const
    {
        return requests == o.requests && process == o.process
               && meanInterArrivalSeconds == o.meanInterArrivalSeconds
               && startSeconds == o.startSeconds;
    }
};

/**
 * @brief Text of an arrival process, as in the JSON.
 * @param p the process
 * @return "constant" or "poisson"
 */
std::string ToString(LlmArrival::Process p);

/**
 * @ingroup edge-llm
 * @brief One LLM of a several-model scenario: its profile, workload, δ and request source.
 */
struct LlmTenant
{
    std::string name;             //!< Unique name of this model in the scenario (JSON "name")
    LlmProfile model;             //!< The LLM's layers
    std::string modelReference;   //!< Built-in profile name, if it was given as one
    LlmWorkload workload;         //!< n and β of its requests
    LlmQuantization quantization; //!< 𝓑 and its own δ
    std::optional<LlmUser> user;  //!< Its client's access path (empty: none counted)
    LlmArrival arrival;           //!< Its request source

    /**
     * @brief Equality of every field.
     * @param o the other model
     * @return true if equal
     */
    bool operator==(const LlmTenant& o) const;
};

/**
 * @ingroup edge-llm
 * @brief Several LLMs sharing one set of edge servers and links (scenario contract version 2).
 *
 * The servers' storage κ_i is shared exactly by every model's weights; their compute and links
 * are shared in time. Constraint (2d) (max_layers_per_server) holds for each model separately.
 * A version-1 file loads as a one-model scenario whose model is named after its profile (or
 * "model0" when the profile's name is not a valid model name), with one request at 0 s.
 * Read and written by LlmMultiScenarioJson (doc/edge-llm.rst, "The scenario contract
 * (version 2)"); saving and loading again gives an equal scenario.
 */
class LlmMultiScenario
{
  public:
    static constexpr std::size_t MAX_MODELS = 256; //!< Largest number of models accepted

    LlmMultiScenario() = default;

    /**
     * @brief A one-model scenario from a version-1 scenario (the model is named after its
     *        profile, one request starting at 0).
     * @param single the scenario
     */
    explicit LlmMultiScenario(const LlmScenario& single);

    /**
     * @brief Read and validate a scenario file of contract version 1 or 2.
     * @param path the file
     * @param acceptImplausibleUnits as LlmScenario::Load
     * @return the scenario
     * @throws LlmInputError naming the file, JSON path and expectation
     */
    static LlmMultiScenario Load(const std::string& path, bool acceptImplausibleUnits = false);

    /**
     * @brief Parse scenario JSON text of contract version 1 or 2.
     * @param text the JSON text
     * @param source the name used in error messages
     * @param acceptImplausibleUnits as LlmScenario::Load
     * @return the scenario
     * @throws LlmInputError on any bad input
     */
    static LlmMultiScenario Parse(const std::string& text,
                                  const std::string& source,
                                  bool acceptImplausibleUnits = false);

    /**
     * @brief Whether text is a version-2 scenario: a JSON object with "models", or with
     *        "version": 2 (text that is not JSON: false, the loaders say why).
     * @param text JSON text
     * @return true for version 2
     */
    static bool IsVersion2(const std::string& text);

    /**
     * @brief Serialize in contract version 2 (also a scenario loaded from a version-1 file).
     * @param expandModels write every model's layers even if it names a built-in profile
     * @return pretty-printed JSON
     */
    std::string ToJson(bool expandModels = false) const;

    /**
     * @brief Write ToJson(expandModels) to a file.
     * @param path the file
     * @param expandModels write every model's layers even if it names a built-in profile
     * @throws LlmInputError if the file cannot be written
     */
    void Save(const std::string& path, bool expandModels = false) const;

    /**
     * @brief Check every rule of the contract: each model with the shared servers and links
     *        as LlmScenario::Validate checks a version-1 scenario (its errors' paths under
     *        models[m]), model names printable and unique, arrivals.
     * @param source the name used in error messages
     * @throws LlmInputError naming the first offending JSON path
     */
    void Validate(const std::string& source) const;

    /// @return the number of models
    std::size_t GetModelCount() const { return m_tenants.size(); }

    /// @return the models
    const std::vector<LlmTenant>& GetTenants() const { return m_tenants; }

    /// @return the models (mutable)
    std::vector<LlmTenant>& GetTenants() { return m_tenants; }

    /**
     * @brief Index of a model by name.
     * @param name the model's name
     * @return its index, or empty
     */
    std::optional<std::size_t> FindTenant(const std::string& name) const;

    /**
     * @brief The shared infrastructure: servers, links, (2d), description, the unit flag. Its
     *        model, workload, quantization and user are not used (ModelScenario sets them).
     * @return the infrastructure as a scenario
     */
    const LlmScenario& GetInfrastructure() const { return m_infrastructure; }

    /// @return the shared infrastructure (mutable)
    LlmScenario& GetInfrastructure() { return m_infrastructure; }

    /**
     * @brief Model m alone on the shared infrastructure: the version-1 scenario the existing
     *        cost model and solvers take (the full storage κ_i, its own δ, n, β and user).
     * @param m model index
     * @return the scenario
     */
    LlmScenario ModelScenario(std::size_t m) const;

    /**
     * @brief Equality of the models and of the shared servers, links, (2d), description and
     *        unit flag.
     * @param o the other scenario
     * @return true if equal
     */
    bool operator==(const LlmMultiScenario& o) const;

  private:
    LlmScenario m_infrastructure;     //!< Servers, links, (2d), description
    std::vector<LlmTenant> m_tenants; //!< The models
};

} // namespace ns3

#endif // LLM_MULTI_SCENARIO_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SCENARIO_H
#define LLM_SCENARIO_H

#include "llm-profile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief One server i of the paper's set 𝓜 (an edge server, or the cloud server).
 */
struct LlmServer
{
    /// Tier of the two-tier system (Fig. 1 of the DILEMMA paper).
    enum class Role
    {
        EDGE, //!< An edge server in the D2D mesh
        CLOUD //!< The cloud server behind a WAN link
    };

    std::string name;                   //!< Unique server name
    double ccsHz{0};                    //!< CCS_i: CPU clock (FLOP/s proxy of eq. 3), Hz
    std::optional<double> storageBytes; //!< κ_i: storage in bytes; empty = unlimited
    Role role{Role::EDGE};              //!< Tier (JSON "role", optional, default "edge")

    /**
     * @brief Equality of all fields.
     * @param o the other server
     * @return true if equal
     */
    bool operator==(const LlmServer& o) const
    {
        return name == o.name && ccsHz == o.ccsHz && storageBytes == o.storageBytes
               && role == o.role;
    }
};

/**
 * @ingroup edge-llm
 * @brief A directed link i → j with capacity Ω_ij.
 */
struct LlmLink
{
    std::string from;                   //!< Name of server i
    std::string to;                     //!< Name of server j
    double bps{0};                      //!< Ω_ij: capacity in bit/s
    std::optional<double> delaySeconds; //!< Propagation delay, s (JSON "delay_s", optional;
                                        //!< used by the simulation, not by the objective)

    /**
     * @brief Equality of all fields.
     * @param o the other link
     * @return true if equal
     */
    bool operator==(const LlmLink& o) const
    {
        return from == o.from && to == o.to && bps == o.bps && delaySeconds == o.delaySeconds;
    }
};

/**
 * @ingroup edge-llm
 * @brief The user whose requests the servers answer, behind one server (JSON "user",
 *        optional). When a scenario has one, the objective counts the user's access path
 *        (ours, not the DILEMMA paper's): each token's input (β token ids, 32 bits each) goes
 *        user → access link → the user's server → the first layer's server, and its result
 *        (β token ids) the last layer's server → the user's server → user, each leg
 *        costing its bits over the link's Ω plus the link's propagation delay (delay_s,
 *        0 when absent). The simulation puts its request source on a user node there.
 */
struct LlmUser
{
    std::string server;        //!< Name of the server the user's access link attaches to
    double bps{1e9};           //!< Access-link capacity, bit/s (JSON "bps", default 1 Gbit/s)
    double delaySeconds{1e-3}; //!< Access-link propagation delay, s (JSON "delay_s", 1 ms)

    /**
     * @brief Equality.
     * @param o the user to compare with
     * @return true if every field is equal
     */
    bool operator==(const LlmUser& o) const
    {
        return server == o.server && bps == o.bps && delaySeconds == o.delaySeconds;
    }
};

/**
 * @ingroup edge-llm
 * @brief The inference workload: n tokens generated for a batch of β sequences.
 */
struct LlmWorkload
{
    uint32_t tokens{128}; //!< n: tokens generated (autoregressive rounds)
    uint32_t batch{128};  //!< β: sequences processed together
};

/**
 * @ingroup edge-llm
 * @brief The quantization choices: bit set 𝓑 and the weight-error budget δ.
 */
struct LlmQuantization
{
    uint32_t bMin{4};   //!< b_min: smallest bit width
    uint32_t bMax{32};  //!< b_max: largest bit width (at most the model's original bits)
    uint32_t bStep{2};  //!< Step between bit widths
    double delta{1e-5}; //!< δ: per-layer weight-error budget (eq. 5-7)
};

/**
 * @ingroup edge-llm
 * @brief A complete DILEMMA problem instance: model, workload, quantization, servers, links.
 *
 * Read and written in the scenario contract, version 1 (JSON; see doc/edge-llm.rst) by
 * LlmScenarioJson, to which Load, Parse, ToJson and Save delegate. Loading checks every field
 * and throws LlmInputError naming the file, the JSON path and what was expected; saving and
 * loading again gives an equal scenario. Validate() checks the value rules on the in-memory
 * scenario, however it was built (parsed, built-in, random or programmatic).
 */
class LlmScenario
{
  public:
    /// Most layers a model may have (a scenario with more is refused before solving).
    static constexpr std::size_t MAX_LAYERS = 100000;
    /// Most servers a scenario may have (the cost model keeps an N x N link matrix).
    static constexpr std::size_t MAX_SERVERS = 4096;

    LlmScenario() = default;

    /**
     * @brief Read and validate a scenario file.
     * @param path the file to read
     * @param acceptImplausibleUnits accept values implausible for their unit
     *        (SetAcceptImplausibleUnits)
     * @return the scenario
     * @throws LlmInputError on any bad input (unreadable file, not JSON, bad field)
     */
    static LlmScenario Load(const std::string& path, bool acceptImplausibleUnits = false);

    /**
     * @brief Parse and validate scenario JSON text.
     * @param text the JSON text
     * @param source the name used in error messages (usually the file name)
     * @return the scenario
     * @throws LlmInputError on any bad input
     */
    static LlmScenario Parse(const std::string& text, const std::string& source);

    /**
     * @brief The built-in default scenario.
     *
     * OPT-350m, n = β = 128, b_min 4, step 2, b_max 32, δ = 1e-5, one layer per server, on 30
     * heterogeneous edge servers in a full D2D mesh plus one cloud server. Values are drawn from
     * ns-3's MRG32k3a generator with a fixed seed (independent of --RngRun), uniformly:
     * CCS_i ∈ [1, 4] GHz, κ_i ∈ [64, 256] MB, Ω_ij ∈ [100 Mbit/s, 1 Gbit/s] (each direction
     * drawn separately, the paper's [min Ω, 10 min Ω] with min Ω = 100 Mbit/s), D2D delay 0.1 ms.
     * The cloud: CCS 20 GHz, unlimited storage, 50 Mbit/s WAN links each way with 20 ms delay.
     * @return the scenario
     */
    static LlmScenario BuiltInDefault();

    /**
     * @brief Check every value rule of the contract.
     * @param source the name used in error messages
     * @throws LlmInputError naming the first offending JSON path
     */
    void Validate(const std::string& source) const;

    /**
     * @brief Serialize in the scenario contract.
     * @param expandModel write the model's layers even if it names a built-in profile
     * @return pretty-printed JSON text
     */
    std::string ToJson(bool expandModel = false) const;

    /**
     * @brief Write ToJson(expandModel) to a file.
     * @param path the file to write
     * @param expandModel write the model's layers even if it names a built-in profile
     * @throws LlmInputError if the file cannot be written
     */
    void Save(const std::string& path, bool expandModel = false) const;

    /**
     * @brief Index of a server by name.
     * @param name the server name
     * @return its index in GetServers(), or empty if unknown
     */
    std::optional<std::size_t> FindServer(const std::string& name) const;
    /**
     * @brief Whether two servers are both edge servers (a D2D pair, not a WAN link).
     * @param i index of one server
     * @param j index of the other
     * @return true for two edge servers
     */
    bool IsD2d(std::size_t i, std::size_t j) const
    {
        return m_servers.at(i).role == LlmServer::Role::EDGE
               && m_servers.at(j).role == LlmServer::Role::EDGE;
    }

    /**
     * @brief Equality of every field.
     * @param o the other scenario
     * @return true if equal
     */
    bool operator==(const LlmScenario& o) const;

    /// @return the LLM profile
    const LlmProfile& GetModel() const;
    /**
     * @brief Set the LLM profile.
     * @param model the profile
     * @param builtInName if not empty, the model is saved as this built-in name
     */
    void SetModel(const LlmProfile& model, const std::string& builtInName = "");
    /// @return the built-in profile name the model refers to ("" if given explicitly)
    const std::string& GetModelReference() const;

    /// @return the workload (n, β)
    const LlmWorkload& GetWorkload() const;
    /// @return the workload, to modify
    LlmWorkload& GetWorkload();
    /// @return the quantization settings (𝓑, δ)
    const LlmQuantization& GetQuantization() const;
    /// @return the quantization settings, to modify
    LlmQuantization& GetQuantization();
    /// @return the servers 𝓜
    const std::vector<LlmServer>& GetServers() const;
    /// @return the servers, to modify
    std::vector<LlmServer>& GetServers();
    /// @return the directed links
    const std::vector<LlmLink>& GetLinks() const;
    /// @return the links, to modify
    std::vector<LlmLink>& GetLinks();
    /// @return the maximum layers per server (constraint 2d); empty = unlimited
    std::optional<uint32_t> GetMaxLayersPerServer() const;
    /**
     * @brief Set constraint (2d).
     * @param m the maximum layers per server; empty = unlimited
     */
    void SetMaxLayersPerServer(std::optional<uint32_t> m);

    /// @return the user whose access path the objective counts; empty = none (the paper's T)
    const std::optional<LlmUser>& GetUser() const;

    /**
     * @brief Set (or clear) the user whose access path the objective counts.
     * @param user the user; std::nullopt: none
     */
    void SetUser(const std::optional<LlmUser>& user);
    /// @return the free-text description (JSON "description"); empty if none
    const std::optional<std::string>& GetDescription() const;
    /**
     * @brief Accept values that are positive but implausible for their unit (ccs_hz < 1e6,
     *        a link's bps < 1e3, storage_bytes < 1e3), which Validate() otherwise refuses
     *        with a hint (JSON "accept_implausible_units": true, --accept-implausible-units).
     * @param accept true to accept them
     */
    void SetAcceptImplausibleUnits(bool accept) { m_acceptImplausibleUnits = accept; }

    /// @return true if implausible units are accepted
    bool GetAcceptImplausibleUnits() const { return m_acceptImplausibleUnits; }

    /// Smallest plausible clock, Hz: CCS counts operations per second (a 2 GHz CPU is 2e9).
    static constexpr double MIN_PLAUSIBLE_CCS_HZ = 1e6;
    /// Smallest plausible link speed, bit/s.
    static constexpr double MIN_PLAUSIBLE_BPS = 1e3;
    /// Smallest plausible storage, bytes.
    static constexpr double MIN_PLAUSIBLE_STORAGE_BYTES = 1e3;

    /**
     * @brief Set the free-text description.
     * @param description the text; empty = none (not written)
     */
    void SetDescription(const std::optional<std::string>& description);

  private:
    LlmProfile m_model;                              //!< The LLM
    std::string m_modelReference;                    //!< Built-in name, if the model was one
    LlmWorkload m_workload;                          //!< n and β
    LlmQuantization m_quantization;                  //!< 𝓑 and δ
    std::vector<LlmServer> m_servers;                //!< 𝓜
    std::vector<LlmLink> m_links;                    //!< Directed links Ω_ij
    std::optional<uint32_t> m_maxLayersPerServer{1}; //!< Constraint (2d); empty = unlimited
    std::optional<LlmUser> m_user;                   //!< The user (JSON "user"); empty = none
    std::optional<std::string> m_description;        //!< Free text (JSON "description")
    bool m_acceptImplausibleUnits{false};            //!< Skip the unit plausibility checks
};

} // namespace ns3

#endif // LLM_SCENARIO_H

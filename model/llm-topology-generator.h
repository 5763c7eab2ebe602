// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_TOPOLOGY_GENERATOR_H
#define LLM_TOPOLOGY_GENERATOR_H

#include "llm-scenario.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief What LlmTopologyGenerator draws: the server graph, the servers' and links' ranges,
 *        the cloud, the model and the seed (edge-llm-topology's options, one key each).
 *
 * Units as in the scenario contract: CCS_i in operations/s (Hz), κ_i in bytes, Ω_ij in bit/s,
 * delays in seconds. Set() reads a key's text strictly (LlmTextParse) and Validate() checks
 * the values together; both throw LlmInputError naming the option (e.g. `--density`).
 */
struct LlmTopologyConfig
{
    /// The D2D graph among the edge servers.
    enum class Graph
    {
        FULL_MESH,       //!< Every pair of edge servers, each kept with probability density
        RANDOM_GEOMETRIC //!< Servers uniform in the unit square, linked within radius
    };

    uint32_t edges{30};                       //!< N: edge servers (generated graphs only)
    double ccsMinHz{1e9};                     //!< Smallest CCS_i, Hz
    double ccsMaxHz{4e9};                     //!< Largest CCS_i, Hz
    bool limitedStorage{true};                //!< Draw κ_i (false: unlimited storage)
    double storageMinBytes{64e6};             //!< Smallest κ_i, bytes
    double storageMaxBytes{256e6};            //!< Largest κ_i, bytes
    double d2dMinBps{100e6};                  //!< Smallest D2D Ω_ij, bit/s
    double d2dMaxBps{1e9};                    //!< Largest D2D Ω_ij, bit/s
    double d2dDelaySeconds{1e-4};             //!< Propagation delay of every D2D link, s
    Graph graph{Graph::FULL_MESH};            //!< Graph kind
    double density{1.0};                      //!< FULL_MESH: probability p of keeping a pair
    double radius{0.3};                       //!< RANDOM_GEOMETRIC: link range r (unit square)
    bool rateByDistance{false};               //!< RANDOM_GEOMETRIC: Ω falls linearly with distance
    bool requireConnected{false};             //!< Refuse a disconnected D2D graph
    bool cloud{true};                         //!< Add the cloud server
    double cloudCcsHz{20e9};                  //!< CCS of the cloud, Hz
    double wanUpBps{50e6};                    //!< Ω of every edge → cloud link, bit/s
    double wanDownBps{50e6};                  //!< Ω of every cloud → edge link, bit/s
    double wanDelaySeconds{0.02};             //!< Propagation delay of every cloud link, s
    std::string model{"opt-350m"};            //!< Built-in profile name (LlmProfile::BuiltIn)
    std::optional<uint32_t> maxLayers{1};     //!< Constraint (2d); empty = unlimited
    std::optional<double> weightDelay;        //!< Inet import: delay_s = Inet weight × this, s
    uint64_t seed{1};                         //!< Seed of the std::mt19937_64 draws
    std::map<std::string, std::string> given; //!< Keys Set() was called with, and their text

    /// A key: option name (without --), its help text, and whether it is a 0/1 flag.
    struct Key
    {
        std::string name; //!< Option name, e.g. "density"
        std::string help; //!< Help text, with the unit and the default
        bool isFlag;      //!< A 0/1 key: the bare option (--cloud) means 1
    };

    /// @return every key, in the order of the help text
    static const std::vector<Key>& Keys();

    /**
     * @brief Set one key from text, strictly.
     * @param key a key of Keys()
     * @param value the text ("" means 1 for a flag key)
     * @throws LlmInputError naming --key on an unknown key or a bad value
     */
    void Set(const std::string& key, const std::string& value);

    /**
     * @brief Check the values together (min <= max, the server count, the model name).
     * @throws LlmInputError naming the option
     */
    void Validate() const;

    /**
     * @brief The given keys as options, in the order of Keys().
     * @return e.g. " --edges=50 --graph=geometric" (empty if none was given)
     */
    std::string GivenOptions() const;
};

/**
 * @ingroup edge-llm
 * @brief Numbers that describe a scenario's server graph (edge-llm-topology's summary).
 */
struct LlmTopologySummary
{
    std::size_t edgeServers{0};      //!< Servers with role edge
    std::size_t cloudServers{0};     //!< Servers with role cloud
    std::size_t d2dLinks{0};         //!< Directed edge-edge links
    std::size_t wanLinks{0};         //!< Directed links to or from a cloud server
    std::size_t components{0};       //!< Connected components of the D2D graph (links undirected)
    std::size_t largestComponent{0}; //!< Edge servers in the largest component
    std::size_t minDegree{0};        //!< Fewest D2D neighbours of an edge server
    std::size_t maxDegree{0};        //!< Most D2D neighbours of an edge server
    double meanDegree{0};            //!< Mean D2D neighbours of an edge server
};

/**
 * @ingroup edge-llm
 * @brief Draws a scenario's server graph: N edge servers in a full mesh thinned by a density,
 *        or a random geometric graph, plus an optional cloud; or, for a graph read from a
 *        file (LlmTopologyImport), the servers' and links' values.
 *
 * Simulator-free and portable: the draws come from std::mt19937_64 seeded with the config's
 * seed (its output sequence is fixed by the C++ standard), and every uniform value is formed
 * here from the 64-bit output (the top 53 bits as a fraction in [0, 1)), not by
 * std::uniform_real_distribution (whose algorithm differs between standard libraries). Only
 * correctly rounded IEEE-754 double operations follow (+, −, ×, ÷, sqrt, rounding; every
 * product rounded on its own, never fused into a multiply-add), so the same config gives
 * byte-identical scenario JSON on every platform with IEEE-754 doubles (x86-64 with SSE2,
 * aarch64, ...).
 *
 * Draw order: for RANDOM_GEOMETRIC the positions (x, y) of edge servers 0 … N−1; then for
 * each edge server its CCS_i and (if limited) κ_i; then for each pair i < j (i outer) the
 * FULL_MESH keep test (one draw, kept if below density) and the pair's Ω (one draw, unless
 * rateByDistance). Values: CCS_i, κ_i and Ω uniform in their ranges, rounded to a step of
 * the largest power of ten at most 1/1000 of the range (at least 1: whole Hz, bytes, bit/s)
 * and kept within the range; with min = max every value is min.
 *
 * Links are symmetric: a kept pair gives i → j and j → i with the same Ω and the D2D delay.
 * RANDOM_GEOMETRIC links a pair whose Euclidean distance d ≤ r; with rateByDistance its Ω
 * falls linearly from the range's max at d = 0 to its min at d = r (a path-loss proxy; no
 * draw), else it is drawn. The cloud (CCS cloudCcsHz, unlimited storage) is linked to every
 * edge server both ways: wanUpBps towards the cloud, wanDownBps back, wanDelaySeconds each.
 *
 * The scenario's description records the options given (GivenOptions), so that the file
 * says how to make it again. Servers are named edge0 … edge{N−1} and cloud; the model is the
 * built-in profile `model`; the workload and quantization are the built-in scenario's
 * (n = β = 128, bits 4 … 32 step 2, δ = 1e-5), which edge-llm-plan's --tokens, --delta, ...
 * override.
 */
class LlmTopologyGenerator
{
  public:
    /**
     * @brief Check the config and keep it.
     * @param config the config
     * @throws LlmInputError naming the first bad option
     */
    explicit LlmTopologyGenerator(const LlmTopologyConfig& config);

    /**
     * @brief Draw the scenario.
     * @return a validated scenario
     * @throws LlmInputError if requireConnected and the D2D graph is disconnected, or if
     *         weightDelay is set (it applies to an Inet import only)
     */
    LlmScenario Generate() const;

    /**
     * @brief The unit-square positions Generate() draws (replayed from the seed).
     * @return (x, y) of edge server i at index i; empty for FULL_MESH
     */
    std::vector<std::pair<double, double>> GetPositions() const;

    /// An undirected link of a given graph, between node indices.
    struct Edge
    {
        std::size_t a;                      //!< One end (index into the names)
        std::size_t b;                      //!< The other end
        std::optional<double> delaySeconds; //!< Its delay (empty: the config's D2D delay)
    };

    /**
     * @brief Give a graph read elsewhere its servers' and links' values.
     *
     * Draw order: CCS_i and κ_i for each node, then each edge's Ω, in the order given.
     * The edge count and graph options of the config are not used.
     * @param names the edge servers' names, in order
     * @param edges the undirected links (a ≠ b, each pair once)
     * @param file the file the graph was read from (named in errors and the description)
     * @param option the option that read it (e.g. "--inet"), for the description
     * @return a validated scenario
     * @throws LlmInputError on too many servers, or if requireConnected and the graph is
     *         disconnected
     */
    LlmScenario FromGraph(const std::vector<std::string>& names,
                          const std::vector<Edge>& edges,
                          const std::string& file,
                          const std::string& option) const;

    /**
     * @brief Describe a scenario's server graph.
     * @param scenario the scenario
     * @return server and link counts, D2D components and degrees
     */
    static LlmTopologySummary Summarize(const LlmScenario& scenario);

  private:
    /**
     * @brief The scenario with the model, workload, quantization and 2d set, no servers.
     * @param description its description
     * @return the scenario
     */
    LlmScenario Empty(const std::string& description) const;

    /**
     * @brief Add the cloud server and its links, then validate; refuse a disconnected graph
     *        if required.
     * @param s the scenario with its edge servers and D2D links
     * @param option the option named if the graph is disconnected
     */
    void Finish(LlmScenario& s, const std::string& option) const;

    LlmTopologyConfig m_config; //!< The config
};

} // namespace ns3

#endif // LLM_TOPOLOGY_GENERATOR_H

// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SCENARIO_JSON_SECTIONS_H
#define LLM_SCENARIO_JSON_SECTIONS_H

#include "llm-json-reader.h"
#include "llm-scenario.h"

#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The sections of the scenario contract, read and written alone: a model, a workload,
 *        a quantization, the servers, the links, (2d) and a user. Version 1
 *        (LlmScenarioJson) holds each once at the top level; version 2 (LlmMultiScenarioJson)
 *        holds the servers, links and (2d) at the top level and a model, workload,
 *        quantization and user per entry of "models". Each reader takes the section's JSON
 *        path, so that its errors name it ("models[1].quantization.delta").
 *
 * Internal to the module (not installed).
 */
class LlmScenarioJsonSections
{
  public:
    LlmScenarioJsonSections() = delete;

    /// The JSON document type.
    using Json = LlmJsonReader::Json;

    /**
     * @brief A model: a built-in profile name or a model object.
     * @param r the reader
     * @param j the value
     * @param path its JSON path ("model")
     * @param reference receives the built-in name, or "" for a model object
     * @return the profile
     */
    static LlmProfile ReadModel(const LlmJsonReader& r,
                                const Json& j,
                                const std::string& path,
                                std::string& reference);

    /**
     * @brief A workload object {tokens, batch}.
     * @param r the reader
     * @param j the value
     * @param path its JSON path
     * @return the workload
     */
    static LlmWorkload ReadWorkload(const LlmJsonReader& r, const Json& j, const std::string& path);

    /**
     * @brief A quantization object {b_min, b_max, b_step, delta}.
     * @param r the reader
     * @param j the value
     * @param path its JSON path
     * @return the quantization settings
     */
    static LlmQuantization ReadQuantization(const LlmJsonReader& r,
                                            const Json& j,
                                            const std::string& path);

    /**
     * @brief The servers array (at most LlmScenario::MAX_SERVERS).
     * @param r the reader
     * @param j the value
     * @param path its JSON path
     * @return the servers
     */
    static std::vector<LlmServer> ReadServers(const LlmJsonReader& r,
                                              const Json& j,
                                              const std::string& path);

    /**
     * @brief The links array.
     * @param r the reader
     * @param j the value
     * @param path its JSON path
     * @return the links
     */
    static std::vector<LlmLink> ReadLinks(const LlmJsonReader& r,
                                          const Json& j,
                                          const std::string& path);

    /**
     * @brief max_layers_per_server: a positive integer or null.
     * @param r the reader
     * @param j the value
     * @param path its JSON path
     * @return K, or empty for null (unlimited)
     */
    static std::optional<uint32_t> ReadMaxLayers(const LlmJsonReader& r,
                                                 const Json& j,
                                                 const std::string& path);

    /**
     * @brief A user object {server, bps, delay_s}.
     * @param r the reader
     * @param j the value
     * @param path its JSON path
     * @return the user
     */
    static LlmUser ReadUser(const LlmJsonReader& r, const Json& j, const std::string& path);

    /**
     * @brief A model as JSON.
     * @param model the profile
     * @param reference its built-in name ("" if none)
     * @param expand write the layers even for a built-in name
     * @return the name or the model object
     */
    static Json WriteModel(const LlmProfile& model, const std::string& reference, bool expand);

    /**
     * @brief A workload as JSON.
     * @param w the workload
     * @return {tokens, batch}
     */
    static Json WriteWorkload(const LlmWorkload& w);

    /**
     * @brief Quantization settings as JSON.
     * @param q the settings
     * @return {b_min, b_max, b_step, delta}
     */
    static Json WriteQuantization(const LlmQuantization& q);

    /**
     * @brief Servers as JSON.
     * @param servers the servers
     * @return the array
     */
    static Json WriteServers(const std::vector<LlmServer>& servers);

    /**
     * @brief Links as JSON.
     * @param links the links
     * @return the array
     */
    static Json WriteLinks(const std::vector<LlmLink>& links);

    /**
     * @brief A user as JSON.
     * @param u the user
     * @return {server, bps, delay_s}
     */
    static Json WriteUser(const LlmUser& u);
};

} // namespace ns3

#endif // LLM_SCENARIO_JSON_SECTIONS_H

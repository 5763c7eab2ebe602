// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_MULTI_SCENARIO_JSON_H
#define LLM_MULTI_SCENARIO_JSON_H

#include "llm-multi-scenario.h"

#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The JSON codec of the scenario contract, version 2: several models on shared servers
 *        (see doc/edge-llm.rst, "The scenario contract (version 2)").
 *
 * A version-2 file has "version": 2, the shared "servers", "links", "max_layers_per_server",
 * "description", "accept_implausible_units", and "models": entries with "name", "model",
 * "workload", "quantization" and the optional "user" and "arrival". A version-1 file is read
 * by LlmScenarioJson and becomes one model. Reading checks the type of every field and refuses
 * unknown ones, throwing LlmInputError naming the source, the JSON path and what was expected;
 * the parsed scenario is then checked by LlmMultiScenario::Validate(). Writing then reading
 * gives an equal scenario. LlmMultiScenario::Load, Parse, ToJson and Save delegate here.
 */
class LlmMultiScenarioJson
{
  public:
    LlmMultiScenarioJson() = delete;

    /**
     * @brief Read and validate a scenario file of version 1 or 2.
     * @param path the file to read
     * @param acceptImplausibleUnits accept values implausible for their unit
     * @return the scenario
     * @throws LlmInputError on any bad input
     */
    static LlmMultiScenario Load(const std::string& path, bool acceptImplausibleUnits = false);

    /**
     * @brief Parse and validate scenario JSON text of version 1 or 2.
     * @param text the JSON text
     * @param source the name used in error messages (usually the file name)
     * @param acceptImplausibleUnits accept values implausible for their unit
     * @return the scenario
     * @throws LlmInputError on any bad input
     */
    static LlmMultiScenario Parse(const std::string& text,
                                  const std::string& source,
                                  bool acceptImplausibleUnits = false);

    /**
     * @brief Whether text is a version-2 scenario (an object with "models" or "version": 2).
     * @param text JSON text
     * @return true for version 2; false for anything else, including text that is not JSON
     */
    static bool IsVersion2(const std::string& text);

    /**
     * @brief Serialize in contract version 2.
     * @param scenario the scenario
     * @param expandModels write every model's layers even if it names a built-in profile
     * @return pretty-printed JSON text
     */
    static std::string ToJson(const LlmMultiScenario& scenario, bool expandModels = false);

    /**
     * @brief Write ToJson(scenario, expandModels) to a file.
     * @param scenario the scenario
     * @param path the file to write
     * @param expandModels write every model's layers even if it names a built-in profile
     * @throws LlmInputError if the file cannot be written
     */
    static void Save(const LlmMultiScenario& scenario,
                     const std::string& path,
                     bool expandModels = false);
};

} // namespace ns3

#endif // LLM_MULTI_SCENARIO_JSON_H

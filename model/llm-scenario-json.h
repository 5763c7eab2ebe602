// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SCENARIO_JSON_H
#define LLM_SCENARIO_JSON_H

#include "llm-scenario.h"

#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The JSON codec of the scenario contract, version 1 (see doc/edge-llm.rst).
 *
 * Reading checks the type of every field and refuses unknown ones, throwing LlmInputError
 * naming the source, the JSON path and what was expected; the parsed scenario is then checked
 * by LlmScenario::Validate(). Writing then reading gives an equal scenario. LlmScenario::Load,
 * Parse, ToJson and Save delegate here.
 */
class LlmScenarioJson
{
  public:
    LlmScenarioJson() = delete;

    /**
     * @brief Read and validate a scenario file.
     * @param path the file to read
     * @param acceptImplausibleUnits accept values implausible for their unit (see
     *        LlmScenario::SetAcceptImplausibleUnits; the file can also say so)
     * @return the scenario
     * @throws LlmInputError on any bad input (unreadable file, not JSON, bad field)
     */
    static LlmScenario Load(const std::string& path, bool acceptImplausibleUnits = false);

    /**
     * @brief Parse and validate scenario JSON text.
     * @param text the JSON text
     * @param source the name used in error messages (usually the file name)
     * @param acceptImplausibleUnits accept values implausible for their unit
     * @return the scenario
     * @throws LlmInputError on any bad input
     */
    static LlmScenario Parse(const std::string& text,
                             const std::string& source,
                             bool acceptImplausibleUnits = false);

    /**
     * @brief Serialize a scenario in the scenario contract.
     * @param scenario the scenario
     * @param expandModel write the model's layers even if it names a built-in profile
     * @return pretty-printed JSON text
     */
    static std::string ToJson(const LlmScenario& scenario, bool expandModel = false);

    /**
     * @brief Write ToJson(scenario, expandModel) to a file.
     * @param scenario the scenario
     * @param path the file to write
     * @param expandModel write the model's layers even if it names a built-in profile
     * @throws LlmInputError if the file cannot be written
     */
    static void Save(const LlmScenario& scenario,
                     const std::string& path,
                     bool expandModel = false);
};

} // namespace ns3

#endif // LLM_SCENARIO_JSON_H

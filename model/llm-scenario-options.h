// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SCENARIO_OPTIONS_H
#define LLM_SCENARIO_OPTIONS_H

#include "llm-scenario.h"

#include <string>

namespace ns3
{

class CommandLine;

/**
 * @ingroup edge-llm
 * @brief The scenario options every edge-llm program shares: --scenario= and its overrides.
 *
 * Register them on a CommandLine with AddToCommandLine(), parse, then call Build(). Overrides
 * are read strictly: a value that is not a number, or out of range, throws LlmInputError naming
 * the option (e.g. `command line: --delta: expected a positive number, got "-1"`).
 */
class LlmScenarioOptions
{
  public:
    /**
     * @brief Register --scenario, --model, --model-config, --delta, --tokens, --batch, --b-min,
     *        --b-max, --b-step, --max-layers-per-server and --access-path.
     * @param cmd the command line
     */
    void AddToCommandLine(CommandLine& cmd);

    /**
     * @brief Load the scenario (built-in default if --scenario is empty) and apply overrides.
     *
     * --model replaces the model by a built-in profile, --model-config by the profile of a
     * Hugging Face config.json (LlmModelConfig); the two together are refused.
     * @return the validated scenario
     * @throws LlmInputError on a bad file or option
     */
    LlmScenario Build() const;

    /// @return a short description of the scenario source ("built-in" or the file name)
    std::string GetSource() const;

  private:
    std::string m_scenario;               //!< --scenario: file name, empty for the built-in one
    std::string m_model;                  //!< --model: built-in profile replacing the model
    std::string m_modelConfig;            //!< --model-config: config.json replacing the model
    std::string m_delta;                  //!< --delta: δ
    std::string m_tokens;                 //!< --tokens: n
    std::string m_batch;                  //!< --batch: β
    std::string m_bMin;                   //!< --b-min
    std::string m_bMax;                   //!< --b-max
    std::string m_bStep;                  //!< --b-step
    std::string m_maxLayers;              //!< --max-layers-per-server ("unlimited" allowed)
    std::string m_accessPath;             //!< --access-path: the user's server, or "none"
    bool m_acceptImplausibleUnits{false}; //!< --accept-implausible-units
};

} // namespace ns3

#endif // LLM_SCENARIO_OPTIONS_H

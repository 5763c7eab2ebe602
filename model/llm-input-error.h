// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_INPUT_ERROR_H
#define LLM_INPUT_ERROR_H

#include <stdexcept>
#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief A user-input error: a bad file, field or option.
 *
 * The message names the source (file or option), the JSON path (or field) and what was
 * expected, e.g. `scenario.json: servers[3].ccs_hz: expected a positive number, got "fast"`.
 * Examples catch it at their edge, print the message and exit with a non-zero code; models
 * never call NS_FATAL_ERROR for user input.
 */
class LlmInputError : public std::runtime_error
{
  public:
    /**
     * @brief Build the error from its parts.
     * @param source the file name (or "command line", "built-in")
     * @param path the JSON path or field name (may be empty)
     * @param what what was expected, and what was found
     */
    LlmInputError(const std::string& source, const std::string& path, const std::string& what)
        : std::runtime_error(source + ": " + (path.empty() ? std::string() : path + ": ") + what)
    {
    }
};

} // namespace ns3

#endif // LLM_INPUT_ERROR_H

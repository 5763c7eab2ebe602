// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_STRICT_JSON_H
#define LLM_STRICT_JSON_H

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Reads JSON input files (scenarios, plans) strictly, before any field is looked at.
 *
 * Refused, each with the file, the JSON path where it happened and what was expected:
 * a file larger than the limit, text that is not JSON, a number a double cannot hold
 * (`1e400`), nesting deeper than 64 levels, and a key given twice in one object (JSON
 * leaves the meaning open; nlohmann/json would keep the last one silently).
 */
class LlmStrictJson
{
  public:
    LlmStrictJson() = delete;

    /// Largest input file, bytes.
    static constexpr std::size_t MAX_BYTES = 256 * 1024 * 1024;
    /// Deepest nesting of objects and arrays.
    static constexpr int MAX_DEPTH = 64;

    /**
     * @brief Read a whole file, refusing a missing, unreadable or too large one.
     * @param path the file
     * @param what what the file should be, for errors (e.g. "scenario file")
     * @return the text
     * @throws LlmInputError naming the file
     */
    static std::string ReadFile(const std::string& path, const std::string& what);

    /**
     * @brief Parse JSON text strictly.
     * @param text the text
     * @param source the name errors give it (the file name)
     * @return the document
     * @throws LlmInputError naming the source, the JSON path and what was expected
     */
    static nlohmann::json Parse(const std::string& text, const std::string& source);
};

} // namespace ns3

#endif // LLM_STRICT_JSON_H

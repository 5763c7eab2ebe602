// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_JSON_READER_H
#define LLM_JSON_READER_H

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Reads typed fields out of JSON objects, naming the source (file), the JSON path and
 *        what was expected in every error (LlmInputError). Shared by the scenario readers of
 *        contract version 1 (LlmScenarioJson) and 2 (LlmMultiScenarioJson).
 *
 * Internal to the module (not installed).
 */
class LlmJsonReader
{
  public:
    /// The JSON document type the readers work on (keys kept in file order).
    using Json = nlohmann::ordered_json;

    /**
     * @brief A reader for one source.
     * @param source the file name (or other source) errors name
     */
    explicit LlmJsonReader(std::string source);

    /// @return the source errors name
    const std::string& GetSource() const { return m_source; }

    /**
     * @brief Throw LlmInputError(source, path, what).
     * @param path the JSON path
     * @param what what was expected (and found)
     */
    [[noreturn]] void Fail(const std::string& path, const std::string& what) const;

    /**
     * @brief Require an object at path and refuse keys not in allowed.
     * @param j the value
     * @param path its JSON path ("" for the top level)
     * @param expected what it should be, for the message
     * @param allowed the keys it may have
     */
    void Object(const Json& j,
                const std::string& path,
                const std::string& expected,
                const std::set<std::string>& allowed) const;

    /**
     * @brief The member key of object j; missing is an error.
     * @param j the object
     * @param path its JSON path
     * @param key the key
     * @param expected what the member should be, for the message
     * @return the member
     */
    const Json& Member(const Json& j,
                       const std::string& path,
                       const std::string& key,
                       const std::string& expected) const;

    /**
     * @brief A number.
     * @param v the value
     * @param path its JSON path
     * @param expected what it should be
     * @return the number
     */
    double Number(const Json& v, const std::string& path, const std::string& expected) const;

    /**
     * @brief A non-negative integer (128 or 128.0, not 1.5 or "128").
     * @param v the value
     * @param path its JSON path
     * @param expected what it should be
     * @return the integer
     */
    uint64_t Integer(const Json& v, const std::string& path, const std::string& expected) const;

    /**
     * @brief A non-negative integer below 2^32.
     * @param v the value
     * @param path its JSON path
     * @param expected what it should be
     * @return the integer
     */
    uint32_t Integer32(const Json& v, const std::string& path, const std::string& expected) const;

    /**
     * @brief A non-empty string.
     * @param v the value
     * @param path its JSON path
     * @param expected what it should be
     * @return the string
     */
    std::string String(const Json& v, const std::string& path, const std::string& expected) const;

    /**
     * @brief An array.
     * @param v the value
     * @param path its JSON path
     * @param expected what it should be
     * @return v
     */
    const Json& Array(const Json& v, const std::string& path, const std::string& expected) const;

    /**
     * @brief A boolean.
     * @param v the value
     * @param path its JSON path
     * @return the boolean
     */
    bool Boolean(const Json& v, const std::string& path) const;

    /**
     * @brief The path of a member.
     * @param path the object's path ("" at the top level)
     * @param key the member's key
     * @return "path.key", or "key" at the top level
     */
    static std::string Join(const std::string& path, const std::string& key);

    /**
     * @brief The path of an array element.
     * @param path the array's path
     * @param i the index
     * @return "path[i]"
     */
    static std::string Index(const std::string& path, std::size_t i);

    /**
     * @brief Short text of a JSON value for "got ..." in messages.
     * @param v the value
     * @return its JSON text (cut at 60 characters), or "an array of 3 elements"
     */
    static std::string Got(const Json& v);

  private:
    std::string m_source; //!< File name for messages
};

} // namespace ns3

#endif // LLM_JSON_READER_H

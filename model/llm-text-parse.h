// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_TEXT_PARSE_H
#define LLM_TEXT_PARSE_H

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Strict conversion of user text (command-line values, variant keys) to numbers.
 *
 * The whole text must be the value: no trailing characters ("21.55abc"), no truncation
 * ("1500.7" is not an integer), no wrap-around ("-1" is not unsigned), finite and within the
 * given range. Anything else throws LlmInputError naming the source, the field and what was
 * expected, e.g. `command line: --mtu: expected an integer 576 ... 65535, got "1500.7"`.
 */
class LlmTextParse
{
  public:
    /**
     * @brief A finite real number in [min, max].
     * @param source the source named in errors (e.g. "command line")
     * @param field the field named in errors (e.g. "--loss")
     * @param text the text
     * @param min smallest accepted value
     * @param max largest accepted value
     * @param expected what to say was expected (empty: "a number <min> ... <max>")
     * @return the value
     * @throws LlmInputError if the text is not such a number
     */
    static double Number(const std::string& source,
                         const std::string& field,
                         const std::string& text,
                         double min,
                         double max,
                         const std::string& expected = "");

    /**
     * @brief An integer in [min, max] written in decimal digits only.
     * @param source the source named in errors
     * @param field the field named in errors
     * @param text the text
     * @param min smallest accepted value
     * @param max largest accepted value
     * @param expected what to say was expected (empty: "an integer <min> ... <max>")
     * @return the value
     * @throws LlmInputError if the text is not such an integer
     */
    static uint64_t Integer(const std::string& source,
                            const std::string& field,
                            const std::string& text,
                            uint64_t min,
                            uint64_t max,
                            const std::string& expected = "");

    /**
     * @brief A boolean: 1, 0, true or false.
     * @param source the source named in errors
     * @param field the field named in errors
     * @param text the text
     * @return the value
     * @throws LlmInputError otherwise
     */
    static bool Bool(const std::string& source, const std::string& field, const std::string& text);

    /**
     * @brief Shortest text of a number that reads back to the same double ("1e+06", "0.5").
     * @param v the number
     * @return the text
     */
    static std::string Format(double v);
};

} // namespace ns3

#endif // LLM_TEXT_PARSE_H

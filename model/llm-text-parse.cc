// SPDX-License-Identifier: GPL-2.0-only

#include "llm-text-parse.h"

#include "llm-input-error.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ns3
{

std::string
LlmTextParse::Format(double v)
{
    char buf[64];
    for (int precision = 6; precision <= 17; ++precision)
    {
        std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v)
        {
            break;
        }
    }
    return buf;
}

double
LlmTextParse::Number(const std::string& source,
                     const std::string& field,
                     const std::string& text,
                     double min,
                     double max,
                     const std::string& expected)
{
    const std::string what =
        expected.empty() ? "a number " + Format(min) + " ... " + Format(max) : expected;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    // Digits, sign, point and exponent only: strtod would also take "inf", "nan" and hex.
    if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string::npos
        || *end != '\0' || errno == ERANGE || !std::isfinite(v) || !(v >= min && v <= max))
    {
        throw LlmInputError(source, field, "expected " + what + ", got \"" + text + "\"");
    }
    return v;
}

uint64_t
LlmTextParse::Integer(const std::string& source,
                      const std::string& field,
                      const std::string& text,
                      uint64_t min,
                      uint64_t max,
                      const std::string& expected)
{
    const std::string what =
        expected.empty() ? "an integer " + std::to_string(min) + " ... " + std::to_string(max)
                         : expected;
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || *end != '\0'
        || errno == ERANGE || v < min || v > max)
    {
        throw LlmInputError(source, field, "expected " + what + ", got \"" + text + "\"");
    }
    return v;
}

bool
LlmTextParse::Bool(const std::string& source, const std::string& field, const std::string& text)
{
    if (text == "1" || text == "true")
    {
        return true;
    }
    if (text == "0" || text == "false")
    {
        return false;
    }
    throw LlmInputError(source, field, "expected 0, 1, true or false, got \"" + text + "\"");
}

} // namespace ns3

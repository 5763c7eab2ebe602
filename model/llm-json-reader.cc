// SPDX-License-Identifier: GPL-2.0-only

#include "llm-json-reader.h"

#include "llm-input-error.h"

#include <cmath>

namespace ns3
{

LlmJsonReader::LlmJsonReader(std::string source)
    : m_source(std::move(source))
{
}

void
LlmJsonReader::Fail(const std::string& path, const std::string& what) const
{
    throw LlmInputError(m_source, path, what);
}

void
LlmJsonReader::Object(const Json& j,
                      const std::string& path,
                      const std::string& expected,
                      const std::set<std::string>& allowed) const
{
    if (!j.is_object())
    {
        Fail(path.empty() ? "(top level)" : path, "expected " + expected + ", got " + Got(j));
    }
    for (const auto& item : j.items())
    {
        if (allowed.count(item.key()) == 0)
        {
            std::string list;
            for (const auto& a : allowed)
            {
                list += (list.empty() ? "" : ", ") + a;
            }
            Fail(Join(path, item.key()), "unknown field (expected one of: " + list + ")");
        }
    }
}

const LlmJsonReader::Json&
LlmJsonReader::Member(const Json& j,
                      const std::string& path,
                      const std::string& key,
                      const std::string& expected) const
{
    auto it = j.find(key);
    if (it == j.end())
    {
        Fail(Join(path, key), "missing field (expected " + expected + ")");
    }
    return *it;
}

double
LlmJsonReader::Number(const Json& v, const std::string& path, const std::string& expected) const
{
    if (!v.is_number())
    {
        Fail(path, "expected " + expected + ", got " + Got(v));
    }
    return v.get<double>();
}

uint64_t
LlmJsonReader::Integer(const Json& v, const std::string& path, const std::string& expected) const
{
    if (v.is_number_unsigned())
    {
        return v.get<uint64_t>();
    }
    if (v.is_number_float())
    {
        double d = v.get<double>();
        if (d >= 0 && d < 1.8e19 && std::floor(d) == d)
        {
            return static_cast<uint64_t>(d);
        }
    }
    Fail(path, "expected " + expected + ", got " + Got(v));
}

uint32_t
LlmJsonReader::Integer32(const Json& v, const std::string& path, const std::string& expected) const
{
    uint64_t x = Integer(v, path, expected);
    if (x > UINT32_MAX)
    {
        Fail(path, "expected " + expected + " below 2^32, got " + Got(v));
    }
    return static_cast<uint32_t>(x);
}

std::string
LlmJsonReader::String(const Json& v, const std::string& path, const std::string& expected) const
{
    if (!v.is_string() || v.get<std::string>().empty())
    {
        Fail(path, "expected " + expected + ", got " + Got(v));
    }
    return v.get<std::string>();
}

const LlmJsonReader::Json&
LlmJsonReader::Array(const Json& v, const std::string& path, const std::string& expected) const
{
    if (!v.is_array())
    {
        Fail(path, "expected " + expected + ", got " + Got(v));
    }
    return v;
}

bool
LlmJsonReader::Boolean(const Json& v, const std::string& path) const
{
    if (!v.is_boolean())
    {
        Fail(path, "expected true or false, got " + Got(v));
    }
    return v.get<bool>();
}

std::string
LlmJsonReader::Join(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::string
LlmJsonReader::Index(const std::string& path, std::size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

std::string
LlmJsonReader::Got(const Json& v)
{
    if (v.is_array() || v.is_object())
    {
        return std::string(v.is_array() ? "an array" : "an object") + " of "
               + std::to_string(v.size()) + (v.size() == 1 ? " element" : " elements");
    }
    std::string s = v.dump();
    if (s.size() > 60)
    {
        s = s.substr(0, 57) + "...";
    }
    return s;
}

} // namespace ns3

// SPDX-License-Identifier: GPL-2.0-only

#include "llm-strict-json.h"

#include "llm-input-error.h"

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace ns3
{

namespace
{

/// Where the parser is: one frame per open object or array.
struct Frame
{
    bool array{false};          //!< An array (else an object)
    std::size_t index{0};       //!< Elements seen so far (arrays)
    std::string key;            //!< Last key read (objects)
    std::set<std::string> keys; //!< Keys read so far (objects)
};

/// The JSON path of the value being read: "servers[3].ccs_hz".
std::string
PathOf(const std::vector<Frame>& frames)
{
    std::string path;
    for (const Frame& f : frames)
    {
        if (f.array)
        {
            path += "[" + std::to_string(f.index == 0 ? 0 : f.index - 1) + "]";
        }
        else if (!f.key.empty())
        {
            path += (path.empty() ? "" : ".") + f.key;
        }
    }
    return path;
}

/// The part of an nlohmann/json message after its "[json.exception...] " tag.
std::string
Untagged(const std::string& what)
{
    const auto pos = what.find("] ");
    return pos == std::string::npos ? what : what.substr(pos + 2);
}

} // namespace

std::string
LlmStrictJson::ReadFile(const std::string& path, const std::string& what)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
    {
        throw LlmInputError(path, "", "cannot open the " + what + " for reading");
    }
    const std::streamoff size = in.tellg();
    if (size < 0)
    {
        throw LlmInputError(path, "", "cannot read the " + what + " (not a regular file?)");
    }
    if (static_cast<std::size_t>(size) > MAX_BYTES)
    {
        throw LlmInputError(path,
                            "",
                            "expected a " + what + " of at most "
                                + std::to_string(MAX_BYTES / (1024 * 1024)) + " MiB, got "
                                + std::to_string(size / (1024 * 1024)) + " MiB");
    }
    in.seekg(0);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
    {
        throw LlmInputError(path, "", "cannot read the " + what);
    }
    return text.str();
}

nlohmann::json
LlmStrictJson::Parse(const std::string& text, const std::string& source)
{
    using Json = nlohmann::json;
    if (text.size() > MAX_BYTES)
    {
        throw LlmInputError(source,
                            "",
                            "expected at most " + std::to_string(MAX_BYTES / (1024 * 1024))
                                + " MiB of JSON");
    }
    std::vector<Frame> frames;
    // Counts the element an array is about to receive.
    const auto element = [&frames]() {
        if (!frames.empty() && frames.back().array)
        {
            ++frames.back().index;
        }
    };
    Json::parser_callback_t check =
        [&](int depth, Json::parse_event_t event, Json& parsed) -> bool {
        switch (event)
        {
            case Json::parse_event_t::object_start:
            case Json::parse_event_t::array_start:
                element();
                if (depth >= MAX_DEPTH)
                {
                    throw LlmInputError(source,
                                        PathOf(frames),
                                        "expected at most " + std::to_string(MAX_DEPTH)
                                            + " levels of nested objects and arrays");
                }
                frames.emplace_back();
                frames.back().array = event == Json::parse_event_t::array_start;
                break;
            case Json::parse_event_t::object_end:
            case Json::parse_event_t::array_end:
                frames.pop_back();
                break;
            case Json::parse_event_t::key: {
                Frame& f = frames.back();
                f.key = parsed.get<std::string>();
                if (!f.keys.insert(f.key).second)
                {
                    throw LlmInputError(source,
                                        PathOf(frames),
                                        "expected each key once in an object, got \"" + f.key
                                            + "\" twice");
                }
                break;
            }
            case Json::parse_event_t::value:
                element();
                break;
        }
        return true;
    };
    try
    {
        return Json::parse(text, check);
    }
    catch (const Json::out_of_range& e)
    {
        // Thrown while reading a number (1e400): the frames say where.
        element();
        throw LlmInputError(source,
                            PathOf(frames),
                            "expected a number a double can hold (" + Untagged(e.what()) + ")");
    }
    catch (const Json::exception& e)
    {
        throw LlmInputError(source, "", "not valid JSON (" + Untagged(e.what()) + ")");
    }
}

} // namespace ns3

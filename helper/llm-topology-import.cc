// SPDX-License-Identifier: GPL-2.0-only

#include "llm-topology-import.h"

#include "ns3/llm-input-error.h"
#include "ns3/llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/names.h"
#include "ns3/node-container.h"
#include "ns3/topology-reader-helper.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmTopologyImport");

namespace
{

const char* kSource = "command line";

/// Clears ns3::Names when it goes out of scope (the readers of newer ns-3 fill it).
struct NamesGuard
{
    NamesGuard() = default;
    NamesGuard(const NamesGuard&) = delete;
    NamesGuard& operator=(const NamesGuard&) = delete;

    ~NamesGuard() { Names::Clear(); }
};

/// The words of a line.
std::vector<std::string>
Words(const std::string& line)
{
    std::istringstream in(line);
    std::vector<std::string> words;
    std::string w;
    while (in >> w)
    {
        words.push_back(w);
    }
    return words;
}

/**
 * Check the structure ns-3's Inet reader assumes: "<nodes> <links>", that many node lines,
 * then that many link lines of at least two words (three with weights).
 */
void
CheckInet(const std::string& file, bool needWeights)
{
    std::ifstream in(file);
    std::string line;
    const std::string hint =
        "expected an Inet topology: a first line \"<nodes> <links>\", then one line per node "
        "\"<id> <x> <y>\", then one line per link \"<from> <to> <weight>\"";
    if (!std::getline(in, line))
    {
        throw LlmInputError(file, "", hint + "; the file is empty");
    }
    const std::vector<std::string> head = Words(line);
    uint64_t nodes = 0;
    uint64_t links = 0;
    try
    {
        if (head.size() < 2)
        {
            throw LlmInputError(file, "line 1", hint);
        }
        nodes = LlmTextParse::Integer(file, "line 1", head[0], 0, INT32_MAX);
        links = LlmTextParse::Integer(file, "line 1", head[1], 0, INT32_MAX);
    }
    catch (const LlmInputError&)
    {
        throw LlmInputError(file, "line 1", hint + "; got \"" + line.substr(0, 80) + "\"");
    }
    uint64_t lineNumber = 1;
    std::set<std::string> ids;
    for (uint64_t i = 0; i < nodes; ++i)
    {
        ++lineNumber;
        const std::string where = "line " + std::to_string(lineNumber);
        if (!std::getline(in, line))
        {
            throw LlmInputError(file,
                                where,
                                "expected " + std::to_string(nodes)
                                    + " node lines (the first line's count), found "
                                    + std::to_string(i));
        }
        const std::vector<std::string> w = Words(line);
        if (w.empty())
        {
            throw LlmInputError(file, where, "expected a node \"<id> <x> <y>\", got an empty line");
        }
        ids.insert(w[0]);
    }
    for (uint64_t i = 0; i < links; ++i)
    {
        ++lineNumber;
        const std::string where = "line " + std::to_string(lineNumber);
        if (!std::getline(in, line))
        {
            throw LlmInputError(file,
                                where,
                                "expected " + std::to_string(links)
                                    + " link lines after the node lines (the first line's "
                                      "count), found "
                                    + std::to_string(i));
        }
        const std::vector<std::string> w = Words(line);
        if (w.size() < (needWeights ? 3U : 2U))
        {
            throw LlmInputError(file,
                                where,
                                std::string("expected a link \"<from> <to> <weight>\"")
                                    + (needWeights ? " (--weight-delay uses the weight)" : "")
                                    + ", got \"" + line + "\"");
        }
        for (const std::string& end : {w[0], w[1]})
        {
            if (!ids.count(end))
            {
                throw LlmInputError(file,
                                    where,
                                    "expected a link between nodes of the node lines, got node \""
                                        + end + "\", which is none");
            }
        }
    }
    while (std::getline(in, line))
    {
        ++lineNumber;
        if (!Words(line).empty())
        {
            throw LlmInputError(file,
                                "line " + std::to_string(lineNumber),
                                "expected the end of the file after " + std::to_string(nodes)
                                    + " node lines and " + std::to_string(links)
                                    + " link lines (the first line's counts), got \""
                                    + line.substr(0, 80) + "\"");
        }
    }
}

/// Whether every id is a decimal number of at most 18 digits.
bool
AllNumeric(const std::vector<std::string>& ids)
{
    return std::all_of(ids.begin(), ids.end(), [](const std::string& id) {
        return !id.empty() && id.size() <= 18
               && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
    });
}

} // namespace

LlmTopologyImport::Result
LlmTopologyImport::Import(const std::string& format,
                          const std::string& file,
                          const LlmTopologyConfig& config)
{
    NS_LOG_FUNCTION(format << file);
    const std::string option = format == "Inet"         ? "--inet"
                               : format == "Orbis"      ? "--orbis"
                               : format == "Rocketfuel" ? "--rocketfuel"
                                                        : "";
    if (option.empty())
    {
        throw LlmInputError("topology import",
                            "format",
                            "expected Inet, Orbis or Rocketfuel (ns-3's topology readers), got \""
                                + format + "\"");
    }
    for (const char* key : {"edges", "graph", "density", "radius", "rate-by-distance"})
    {
        if (config.given.count(key))
        {
            throw LlmInputError(kSource,
                                std::string("--") + key,
                                "not used with " + option + " (the file gives the graph)");
        }
    }
    const bool weights = config.weightDelay.has_value();
    if (weights && format != "Inet")
    {
        throw LlmInputError(kSource,
                            "--weight-delay",
                            "applies to --inet only (ns-3's " + format
                                + " reader gives no link weights)");
    }
    LlmTopologyConfig c = config;
    c.edges = 1; // not used: the file gives the servers
    const LlmTopologyGenerator generator(c);

    if (file.empty())
    {
        throw LlmInputError(kSource, option, "expected a file name");
    }
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
    {
        throw LlmInputError(file, "", "expected a topology file, got a directory");
    }
    if (!std::ifstream(file))
    {
        throw LlmInputError(file, "", "cannot open the file for reading");
    }
    if (format == "Inet")
    {
        CheckInet(file, weights);
    }

    Result result;
    std::vector<std::pair<std::string, std::string>> linkIds;
    std::vector<std::optional<double>> linkDelays;
    {
        const NamesGuard clearNames; // also when the reader throws
        TopologyReaderHelper helper;
        helper.SetFileName(file);
        helper.SetFileType(format);
        const Ptr<TopologyReader> reader = helper.GetTopologyReader();
        NodeContainer nodes;
        try
        {
            nodes = reader->Read();
        }
        catch (const std::exception& e)
        {
            throw LlmInputError(file, "", "ns-3's " + format + " reader failed: " + e.what());
        }
        std::set<Ptr<Node>> linked;
        for (auto l = reader->LinksBegin(); l != reader->LinksEnd(); ++l)
        {
            linkIds.emplace_back(l->GetFromNodeName(), l->GetToNodeName());
            linked.insert(l->GetFromNode());
            linked.insert(l->GetToNode());
            std::optional<double> delay;
            std::string w;
            if (weights && l->GetAttributeFailSafe("Weight", w))
            {
                const std::string where = "link " + l->GetFromNodeName() + " " + l->GetToNodeName();
                const double weight =
                    LlmTextParse::Number(file, where, w, 0, 1e300, "a non-negative link weight");
                delay = weight * *config.weightDelay;
                if (*delay > 10)
                {
                    throw LlmInputError(file,
                                        where,
                                        "weight " + w + " times --weight-delay gives "
                                            + LlmTextParse::Format(*delay)
                                            + " s, expected a delay of at most 10 s");
                }
            }
            linkDelays.push_back(delay);
        }
        for (uint32_t i = 0; i < nodes.GetN(); ++i)
        {
            result.nodesLeftOut += linked.count(nodes.Get(i)) ? 0 : 1;
        }
    }
    result.linksRead = linkIds.size();

    // Node ids in order of first appearance, then (all numeric) in increasing id.
    std::vector<std::string> ids;
    std::map<std::string, std::size_t> seen;
    for (const auto& [from, to] : linkIds)
    {
        for (const std::string& id : {from, to})
        {
            if (seen.emplace(id, ids.size()).second)
            {
                ids.push_back(id);
            }
        }
    }
    std::vector<std::string> names;
    if (AllNumeric(ids))
    {
        std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
            return std::stoull(a) != std::stoull(b) ? std::stoull(a) < std::stoull(b) : a < b;
        });
        for (std::size_t i = 0; i < ids.size(); ++i)
        {
            seen[ids[i]] = i;
            names.push_back("edge" + ids[i]);
        }
    }
    else
    {
        for (std::size_t i = 0; i < ids.size(); ++i)
        {
            names.push_back("edge" + std::to_string(i));
        }
    }

    std::vector<LlmTopologyGenerator::Edge> edges;
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    for (std::size_t k = 0; k < linkIds.size(); ++k)
    {
        const std::size_t a = seen.at(linkIds[k].first);
        const std::size_t b = seen.at(linkIds[k].second);
        if (a == b)
        {
            ++result.selfLoops;
            continue;
        }
        if (pairs.emplace(std::min(a, b), std::max(a, b)).second)
        {
            edges.push_back({a, b, linkDelays[k]});
        }
    }
    if (edges.empty())
    {
        const std::string expected =
            format == "Inet"    ? "a first line \"<nodes> <links>\", node lines \"<id> <x> <y>\", "
                                  "link lines \"<from> <to> <weight>\""
            : format == "Orbis" ? "one link per line: \"<from> <to>\""
                                : "a Rocketfuel maps file (\"<uid> @<loc> ... -> <nuid> ... "
                                  "=<name> r<n>\") or weights file (\"<from> <to> <weight>\")";
        throw LlmInputError(
            file,
            "",
            std::string(format == "Rocketfuel" ? "expected a " : "expected an ") + format
                + " topology with at least one link between "
                  "two nodes ("
                + expected + "); ns-3's reader found " + std::to_string(result.linksRead) + " links"
                + (result.selfLoops ? ", all self-loops" : ""));
    }
    result.pairs = edges.size();
    result.scenario = generator.FromGraph(names, edges, file, option);
    return result;
}

} // namespace ns3

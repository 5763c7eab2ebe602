// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-topology: write a scenario whose server graph is yours, generated or read from an
// ns-3 topology file, for edge-llm-plan, edge-llm-simulate and edge-llm-sweep --scenario=.
//
//   edge-llm-topology --edges=50 --graph=geometric --radius=0.3 --cloud-bps=1e9 --seed=7
//                     --output=my-scenario.json
//   edge-llm-topology --edges=20 --density=0.5 --unlimited-storage --output=mesh.json
//   edge-llm-topology --inet=Inet_small_toposample.txt --weight-delay=1e-6 --output=inet.json
//   edge-llm-plan --scenario=my-scenario.json
//
// Generated graphs: a full mesh thinned by --density, or a random geometric graph (--radius
// in the unit square); --orbis, --inet and --rocketfuel read the graph with ns-3's
// topology-read module instead. CCS, storage and link rates are drawn uniformly from their
// ranges with --seed (the same seed gives the same file on every platform). Prints a summary;
// warns when the D2D graph is in pieces or has too few servers for the model. Without
// --output the scenario goes to stdout and the summary to stderr. Exit code 0; 1 on bad input.

#include "ns3/command-line.h"
#include "ns3/edge-llm-module.h"

#include <cstdio>
#include <iostream>
#include <map>

using namespace ns3;

namespace
{

/// A text option and whether it was given.
struct Option
{
    std::string text;  //!< The value, whole
    bool given{false}; //!< Whether it was on the command line
};

/// CommandLine callback: keep the value and note that it was given.
bool
Store(Option* option, EdgeLlmCommandLineText value)
{
    option->text = value;
    option->given = true;
    return true;
}

/// A number as short text: "1e+09" -> "1e9", "1e-05" -> "1e-5".
std::string
Num(double v)
{
    const std::string s = LlmTextParse::Format(v);
    const auto e = s.find('e');
    return e == std::string::npos ? s
                                  : s.substr(0, e + 1) + std::to_string(std::stoi(s.substr(e + 1)));
}

} // namespace

int
main(int argc, char* argv[])
{
    CommandLine cmd(__FILE__);
    cmd.Usage("Write a scenario whose server graph is a generated mesh or geometric graph, or "
              "an ns-3 topology file (Inet, Orbis, Rocketfuel).");
    LlmProgramOptions checks(cmd, 0); // ns-3's own options and positional arguments
    std::map<std::string, Option> options;
    for (const LlmTopologyConfig::Key& k : LlmTopologyConfig::Keys())
    {
        cmd.AddValue(k.name, k.help, MakeBoundCallback(&Store, &options[k.name]), "");
    }
    const std::vector<std::pair<std::string, std::string>> formats{{"inet", "Inet"},
                                                                   {"orbis", "Orbis"},
                                                                   {"rocketfuel", "Rocketfuel"}};
    for (const auto& [name, format] : formats)
    {
        cmd.AddValue(name,
                     "Read the graph from this " + format
                         + " file (ns-3 topology-read) instead of generating it",
                     MakeBoundCallback(&Store, &options[name]),
                     "");
    }
    std::string output;
    EdgeLlmAddTextValue(cmd,
                        "output",
                        "Write the scenario JSON to this file (default: stdout)",
                        output);

    try
    {
        for (int i = 1; i < argc; ++i)
        {
            if (argv[i][0] != '-')
            {
                throw LlmInputError("command line",
                                    "\"" + std::string(argv[i]) + "\"",
                                    "expected options only (--name=value), got an argument "
                                    "without -- (a topology file is read with --inet=, --orbis= "
                                    "or --rocketfuel=)");
            }
        }
        checks.Parse(argc, argv);
        LlmTopologyConfig config;
        for (const LlmTopologyConfig::Key& k : LlmTopologyConfig::Keys())
        {
            if (options[k.name].given)
            {
                config.Set(k.name, options[k.name].text);
            }
        }
        std::string format;
        std::string file;
        for (const auto& [name, type] : formats)
        {
            if (!options[name].given)
            {
                continue;
            }
            if (!format.empty())
            {
                throw LlmInputError("command line",
                                    "--" + name,
                                    "expected one of --inet, --orbis and --rocketfuel, got two");
            }
            format = type;
            file = options[name].text;
        }
        LlmScenario scenario;
        std::string origin;
        if (format.empty())
        {
            scenario = LlmTopologyGenerator(config).Generate();
            origin = config.graph == LlmTopologyConfig::Graph::FULL_MESH
                         ? "full mesh (density " + Num(config.density) + ")"
                         : "random geometric graph (radius " + Num(config.radius) + ")";
        }
        else
        {
            const LlmTopologyImport::Result r = LlmTopologyImport::Import(format, file, config);
            scenario = r.scenario;
            origin = format + " file " + file + " (" + std::to_string(r.linksRead) + " links read, "
                     + std::to_string(r.pairs) + " pairs kept"
                     + (r.selfLoops ? ", " + std::to_string(r.selfLoops) + " self-loop"
                                          + (r.selfLoops == 1 ? "" : "s") + " dropped"
                                    : "")
                     + (r.nodesLeftOut ? ", " + std::to_string(r.nodesLeftOut)
                                             + (r.nodesLeftOut == 1 ? " node" : " nodes")
                                             + " without links left out"
                                       : "")
                     + ")";
        }
        if (output.empty())
        {
            std::cout << scenario.ToJson();
        }
        else
        {
            scenario.Save(output);
        }

        const LlmTopologySummary s = LlmTopologyGenerator::Summarize(scenario);
        const std::size_t layers = scenario.GetModel().GetNLayers();
        const auto most = scenario.GetMaxLayersPerServer();
        std::FILE* out = output.empty() ? stderr : stdout;
        std::fprintf(out,
                     "%zu edge servers%s, %s, seed %llu. D2D: %zu directed links, "
                     "%zu ... %zu neighbours per server (mean %.1f), %zu component%s.",
                     s.edgeServers,
                     s.cloudServers ? " and a cloud server" : "",
                     origin.c_str(),
                     static_cast<unsigned long long>(config.seed),
                     s.d2dLinks,
                     s.minDegree,
                     s.maxDegree,
                     s.meanDegree,
                     s.components,
                     s.components == 1 ? "" : "s");
        if (s.cloudServers)
        {
            std::fprintf(out,
                         " Cloud: %zu links, %s bit/s up, %s bit/s down, %s s delay.",
                         s.wanLinks,
                         Num(config.wanUpBps).c_str(),
                         Num(config.wanDownBps).c_str(),
                         Num(config.wanDelaySeconds).c_str());
        }
        const std::string limit =
            most ? "at most " + std::to_string(*most) + (*most == 1 ? " layer" : " layers")
                 : "any number of layers";
        std::fprintf(out,
                     " Model %s (%zu layers), %s per server.",
                     config.model.c_str(),
                     layers,
                     limit.c_str());
        if (!output.empty())
        {
            std::fprintf(out,
                         " Written to %s: edge-llm-plan --scenario=%s\n",
                         output.c_str(),
                         output.c_str());
        }
        else
        {
            std::fprintf(out, "\n");
        }
        std::fflush(stdout);
        if (s.components > 1)
        {
            std::cerr << "edge-llm-topology: warning: the D2D graph is in " << s.components
                      << " pieces (the largest holds " << s.largestComponent << " of "
                      << s.edgeServers << " edge servers): layers pass between pieces "
                      << (s.cloudServers ? "only through the cloud" : "not at all")
                      << "; raise --radius or --density, or give --require-connected to refuse "
                         "such a graph"
                      << std::endl;
        }
        if (most && static_cast<double>(*most) * scenario.GetServers().size() < layers)
        {
            std::cerr << "edge-llm-topology: warning: " << config.model << " has " << layers
                      << " layers, but " << scenario.GetServers().size() << " servers hold at most "
                      << *most * scenario.GetServers().size()
                      << " (--max-layers-per-server=" << *most
                      << "): edge-llm-plan will find no plan; raise "
                      << (format.empty() ? "--edges or " : "") << "--max-layers-per-server"
                      << std::endl;
        }
    }
    catch (const LlmInputError& e)
    {
        std::cerr << "edge-llm-topology: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}

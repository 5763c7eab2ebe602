// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/llm-cost-model.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-scenario.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/llm-topology-generator.h"
#include "ns3/llm-topology-import.h"
#include "ns3/test.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/**
 * The test topologies: test/data next to this file. __FILE__ is absolute in CMake builds
 * (standalone and in-tree); waf builds give a relative one, and NS_TEST_SOURCEDIR instead.
 * @param file the file name
 * @return its path
 */
std::string
DataFile(const std::string& file)
{
    std::filesystem::path dir = std::filesystem::path(__FILE__).parent_path() / "data";
#ifdef NS_TEST_SOURCEDIR
    if (!std::filesystem::is_directory(dir))
    {
        dir = std::filesystem::path(NS_TEST_SOURCEDIR) / "data";
    }
#endif
    return (dir / file).string();
}

/**
 * A config from key=value pairs, set as the program sets them.
 * @param keys the keys and their text
 * @return the config
 */
LlmTopologyConfig
Config(const std::map<std::string, std::string>& keys)
{
    LlmTopologyConfig c;
    for (const auto& [key, value] : keys)
    {
        c.Set(key, value);
    }
    return c;
}

/**
 * Generate a scenario from key=value pairs.
 * @param keys the keys and their text
 * @return the scenario
 */
LlmScenario
Generate(const std::map<std::string, std::string>& keys)
{
    return LlmTopologyGenerator(Config(keys)).Generate();
}

/**
 * The error of generating from key=value pairs.
 * @param keys the keys and their text
 * @return the message, or "" if accepted
 */
std::string
GenerateError(const std::map<std::string, std::string>& keys)
{
    try
    {
        Generate(keys);
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/**
 * The error of importing a file.
 * @param format the ns-3 file type
 * @param file the file
 * @param keys config keys
 * @return the message, or "" if accepted
 */
std::string
ImportError(const std::string& format,
            const std::string& file,
            const std::map<std::string, std::string>& keys = {})
{
    try
    {
        LlmTopologyImport::Import(format, file, Config(keys));
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/**
 * Find a directed link.
 * @param s the scenario
 * @param from its source
 * @param to its destination
 * @return the link, or nullptr
 */
const LlmLink*
FindLink(const LlmScenario& s, const std::string& from, const std::string& to)
{
    for (const LlmLink& l : s.GetLinks())
    {
        if (l.from == from && l.to == to)
        {
            return &l;
        }
    }
    return nullptr;
}

/// Whether a text contains a fragment.
bool
Contains(const std::string& text, const std::string& fragment)
{
    return text.find(fragment) != std::string::npos;
}

/**
 * @ingroup edge-llm-tests
 * The same seed gives the same JSON, another seed another; the JSON round-trips.
 */
class LlmTopologyDeterminismTestCase : public TestCase
{
  public:
    LlmTopologyDeterminismTestCase()
        : TestCase("Generated topologies depend on the seed only and round-trip")
    {
    }

  private:
    void DoRun() override
    {
        for (const char* graph : {"mesh", "geometric"})
        {
            const std::map<std::string, std::string> keys{{"edges", "12"},
                                                          {"graph", graph},
                                                          {"seed", "7"}};
            const LlmScenario a = Generate(keys);
            const LlmScenario b = Generate(keys);
            NS_TEST_ASSERT_MSG_EQ(a.ToJson(), b.ToJson(), graph << ": same seed, same JSON");
            auto other = keys;
            other["seed"] = "8";
            NS_TEST_ASSERT_MSG_NE(a.ToJson(),
                                  Generate(other).ToJson(),
                                  graph << ": another seed, another JSON");
            NS_TEST_ASSERT_MSG_EQ((LlmScenario::Parse(a.ToJson(), "generated") == a),
                                  true,
                                  graph << ": round trip");
        }
        // The draws are std::mt19937_64's (fixed by the standard; these values also come out
        // of an independent Python implementation of it): pin the first server, so that a
        // change of the engine, the draw order or the rounding is noticed.
        const LlmScenario s = Generate({{"edges", "3"}, {"seed", "1"}});
        NS_TEST_ASSERT_MSG_EQ(s.GetServers()[0].ccsHz, 1.402e9, "first CCS of seed 1");
        NS_TEST_ASSERT_MSG_EQ(s.GetServers()[0].storageBytes.value_or(0),
                              90.2e6,
                              "first storage of seed 1");
    }
};

/**
 * @ingroup edge-llm-tests
 * A full mesh of density 1: every ordered pair and both cloud links per edge server, values
 * in their ranges.
 */
class LlmTopologyMeshTestCase : public TestCase
{
  public:
    LlmTopologyMeshTestCase()
        : TestCase("A full mesh has N(N-1) D2D links and 2N cloud links, values in range")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 17;
        const LlmScenario s = Generate({{"edges", std::to_string(n)},
                                        {"ccs-min", "2e9"},
                                        {"ccs-max", "3e9"},
                                        {"storage-min", "1e8"},
                                        {"storage-max", "2e8"},
                                        {"d2d-min-bps", "2e8"},
                                        {"d2d-max-bps", "5e8"},
                                        {"cloud-ccs", "3e10"},
                                        {"cloud-up-bps", "1e8"},
                                        {"cloud-down-bps", "4e8"},
                                        {"wan-delay", "0.03"},
                                        {"seed", "3"}});
        const LlmTopologySummary sum = LlmTopologyGenerator::Summarize(s);
        NS_TEST_ASSERT_MSG_EQ(s.GetServers().size(), n + 1, "N edge servers and the cloud");
        NS_TEST_ASSERT_MSG_EQ(sum.d2dLinks, n * (n - 1), "N(N-1) D2D links");
        NS_TEST_ASSERT_MSG_EQ(sum.wanLinks, 2 * n, "2N cloud links");
        NS_TEST_ASSERT_MSG_EQ(s.GetLinks().size(), n * (n - 1) + 2 * n, "no other link");
        NS_TEST_ASSERT_MSG_EQ(sum.components, 1, "connected");
        NS_TEST_ASSERT_MSG_EQ(sum.minDegree, n - 1, "degree");
        NS_TEST_ASSERT_MSG_EQ(sum.maxDegree, n - 1, "degree");
        for (const LlmServer& srv : s.GetServers())
        {
            if (srv.role == LlmServer::Role::CLOUD)
            {
                NS_TEST_ASSERT_MSG_EQ(srv.name, "cloud", "cloud name");
                NS_TEST_ASSERT_MSG_EQ(srv.ccsHz, 3e10, "cloud CCS");
                NS_TEST_ASSERT_MSG_EQ(srv.storageBytes.has_value(), false, "cloud unlimited");
                continue;
            }
            NS_TEST_EXPECT_MSG_GT_OR_EQ(srv.ccsHz, 2e9, "CCS range");
            NS_TEST_EXPECT_MSG_LT_OR_EQ(srv.ccsHz, 3e9, "CCS range");
            NS_TEST_EXPECT_MSG_GT_OR_EQ(srv.storageBytes.value_or(0), 1e8, "storage range");
            NS_TEST_EXPECT_MSG_LT_OR_EQ(srv.storageBytes.value_or(0), 2e8, "storage range");
        }
        for (const LlmLink& l : s.GetLinks())
        {
            if (l.to == "cloud")
            {
                NS_TEST_EXPECT_MSG_EQ(l.bps, 1e8, "up rate");
                NS_TEST_EXPECT_MSG_EQ(l.delaySeconds.value_or(0), 0.03, "WAN delay");
            }
            else if (l.from == "cloud")
            {
                NS_TEST_EXPECT_MSG_EQ(l.bps, 4e8, "down rate");
            }
            else
            {
                NS_TEST_EXPECT_MSG_GT_OR_EQ(l.bps, 2e8, "D2D range");
                NS_TEST_EXPECT_MSG_LT_OR_EQ(l.bps, 5e8, "D2D range");
                NS_TEST_EXPECT_MSG_EQ(l.delaySeconds.value_or(-1), 1e-4, "D2D delay");
                const LlmLink* back = FindLink(s, l.to, l.from);
                NS_TEST_EXPECT_MSG_EQ((back && back->bps == l.bps), true, "symmetric");
            }
        }

        // A thinned mesh: symmetric, fewer links, the kept pairs with the same rates.
        const LlmScenario thin = Generate({{"edges", std::to_string(n)},
                                           {"ccs-min", "2e9"},
                                           {"ccs-max", "3e9"},
                                           {"storage-min", "1e8"},
                                           {"storage-max", "2e8"},
                                           {"d2d-min-bps", "2e8"},
                                           {"d2d-max-bps", "5e8"},
                                           {"density", "0.3"},
                                           {"cloud", "0"},
                                           {"seed", "3"}});
        const LlmTopologySummary ts = LlmTopologyGenerator::Summarize(thin);
        NS_TEST_ASSERT_MSG_EQ(ts.cloudServers, 0, "--cloud=0");
        NS_TEST_ASSERT_MSG_EQ(ts.wanLinks, 0, "--cloud=0");
        NS_TEST_EXPECT_MSG_GT(ts.d2dLinks, n * (n - 1) / 10, "density 0.3 keeps some");
        NS_TEST_EXPECT_MSG_LT(ts.d2dLinks, n * (n - 1) / 2, "density 0.3 drops most");
        for (const LlmLink& l : thin.GetLinks())
        {
            const LlmLink* back = FindLink(thin, l.to, l.from);
            NS_TEST_EXPECT_MSG_EQ((back && back->bps == l.bps), true, "symmetric");
            const LlmLink* full = FindLink(s, l.from, l.to);
            NS_TEST_EXPECT_MSG_EQ((full && full->bps == l.bps), true, "same rate as density 1");
        }

        // Unlimited storage, fixed values with min = max.
        const LlmScenario fixed = Generate(
            {{"edges", "4"}, {"unlimited-storage", ""}, {"ccs-min", "2e9"}, {"ccs-max", "2e9"}});
        for (const LlmServer& srv : fixed.GetServers())
        {
            NS_TEST_EXPECT_MSG_EQ(srv.storageBytes.has_value(), false, "unlimited storage");
            NS_TEST_EXPECT_MSG_EQ((srv.role == LlmServer::Role::CLOUD || srv.ccsHz == 2e9),
                                  true,
                                  "min = max");
        }
    }
};

/**
 * @ingroup edge-llm-tests
 * A random geometric graph links exactly the pairs within the radius.
 */
class LlmTopologyGeometricTestCase : public TestCase
{
  public:
    LlmTopologyGeometricTestCase()
        : TestCase("A random geometric graph links exactly the pairs within the radius")
    {
    }

  private:
    void DoRun() override
    {
        for (const bool byDistance : {false, true})
        {
            LlmTopologyConfig c = Config(
                {{"edges", "40"}, {"graph", "geometric"}, {"radius", "0.25"}, {"seed", "11"}});
            if (byDistance)
            {
                c.Set("rate-by-distance", "");
            }
            const LlmTopologyGenerator g(c);
            const LlmScenario s = g.Generate();
            const auto pos = g.GetPositions();
            NS_TEST_ASSERT_MSG_EQ(pos.size(), 40, "a position per edge server");
            std::size_t within = 0;
            for (std::size_t i = 0; i < pos.size(); ++i)
            {
                NS_TEST_EXPECT_MSG_EQ((pos[i].first >= 0 && pos[i].first < 1 && pos[i].second >= 0
                                       && pos[i].second < 1),
                                      true,
                                      "unit square");
                for (std::size_t j = 0; j < pos.size(); ++j)
                {
                    if (i == j)
                    {
                        continue;
                    }
                    const double d =
                        std::hypot(pos[i].first - pos[j].first, pos[i].second - pos[j].second);
                    const LlmLink* l =
                        FindLink(s, "edge" + std::to_string(i), "edge" + std::to_string(j));
                    NS_TEST_EXPECT_MSG_EQ((l != nullptr),
                                          (d <= 0.25),
                                          "edge" << i << " - edge" << j << " at " << d);
                    within += d <= 0.25 ? 1 : 0;
                    if (l && byDistance)
                    {
                        // Linear from 1e9 at 0 to 1e8 at r, rounded to 1e5 bit/s.
                        NS_TEST_EXPECT_MSG_EQ_TOL(l->bps, 1e9 - 9e8 * d / 0.25, 1e5, "Omega(d)");
                    }
                }
            }
            NS_TEST_EXPECT_MSG_GT(within, 0, "some pairs within the radius");
            NS_TEST_EXPECT_MSG_EQ(LlmTopologyGenerator::Summarize(s).d2dLinks,
                                  within,
                                  "no other D2D link");
        }

        // A tiny radius: in pieces; --require-connected refuses it, naming the option.
        const LlmScenario apart =
            Generate({{"edges", "20"}, {"graph", "geometric"}, {"radius", "0.01"}});
        NS_TEST_EXPECT_MSG_GT(LlmTopologyGenerator::Summarize(apart).components, 1, "disconnected");
        const std::string e = GenerateError({{"edges", "20"},
                                             {"graph", "geometric"},
                                             {"radius", "0.01"},
                                             {"require-connected", "1"}});
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "command line: --require-connected: the D2D graph has"),
                              true,
                              e);
    }
};

/**
 * @ingroup edge-llm-tests
 * Bad option values are refused, naming the option.
 */
class LlmTopologyRefusalTestCase : public TestCase
{
  public:
    LlmTopologyRefusalTestCase()
        : TestCase("Bad topology options are refused, naming the option")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases{
            {{{"edges", "0"}}, "command line: --edges: expected an integer 1 ... 4096"},
            {{{"edges", "12.5"}}, "--edges"},
            {{{"edges", "4096"}}, "command line: --edges: expected 1 ... 4095 edge servers"},
            {{{"density", "2"}}, "command line: --density: expected a probability 0 < p <= 1"},
            {{{"density", "0"}}, "--density: expected a probability"},
            {{{"graph", "geometric"}, {"radius", "0"}}, "--radius: expected a range 0 < r"},
            {{{"graph", "ring"}}, "--graph: expected mesh or geometric, got \"ring\""},
            {{{"ccs-min", "3e9"}, {"ccs-max", "2e9"}}, "--ccs-max: expected at least --ccs-min"},
            {{{"ccs-min", "2"}}, "--ccs-min: expected a clock in Hz"},
            {{{"storage-max", "1e2"}}, "--storage-max: expected a size in bytes"},
            {{{"d2d-min-bps", "2e9"}}, "--d2d-max-bps: expected at least --d2d-min-bps"},
            {{{"d2d-delay", "-1"}}, "--d2d-delay: expected a delay of 0 ... 10 s"},
            {{{"model", "gpt-5"}}, "--model: expected a built-in profile"},
            {{{"seed", "-1"}}, "--seed"},
            {{{"cloud", "maybe"}}, "--cloud"},
            {{{"max-layers-per-server", "0"}}, "--max-layers-per-server"},
            {{{"graph", "geometric"}, {"density", "0.5"}}, "--density: applies to --graph=mesh"},
            {{{"radius", "0.5"}}, "--radius: applies to --graph=geometric"},
            {{{"unlimited-storage", "1"}, {"storage-min", "1e6"}}, "--storage-min: not used"},
            {{{"cloud", "0"}, {"cloud-bps", "1e9"}}, "--cloud-bps: not used with --cloud=0"},
            {{{"weight-delay", "1e-6"}}, "--weight-delay: applies to an Inet import"},
        };
        for (const auto& [keys, fragment] : cases)
        {
            const std::string e = GenerateError(keys);
            NS_TEST_EXPECT_MSG_EQ(Contains(e, fragment), true, "got \"" << e << "\"");
        }
        bool refused = false;
        try
        {
            LlmTopologyConfig().Set("diameter", "3");
        }
        catch (const LlmInputError& e)
        {
            refused = Contains(e.what(), "--diameter");
        }
        NS_TEST_EXPECT_MSG_EQ(refused, true, "an unknown key");
        // Without the cloud, 4096 edge servers fit.
        NS_TEST_EXPECT_MSG_EQ(
            GenerateError({{"edges", "4096"}, {"cloud", "0"}, {"density", "1e-9"}}),
            "",
            "4096 without the cloud");
    }
};

/**
 * @ingroup edge-llm-tests
 * ns-3 topology files (Inet, Orbis, Rocketfuel weights) become servers and links.
 */
class LlmTopologyImportTestCase : public TestCase
{
  public:
    LlmTopologyImportTestCase()
        : TestCase("Inet, Orbis and Rocketfuel files import as servers and links")
    {
    }

  private:
    void DoRun() override
    {
        // Inet: 5 nodes, 6 links, weights as delays.
        LlmTopologyConfig c = Config({{"weight-delay", "1e-6"}, {"seed", "5"}});
        const auto inet = LlmTopologyImport::Import("Inet", DataFile("topology-small.inet"), c);
        const LlmScenario& s = inet.scenario;
        const LlmTopologySummary sum = LlmTopologyGenerator::Summarize(s);
        NS_TEST_ASSERT_MSG_EQ(sum.edgeServers, 5, "five nodes");
        NS_TEST_ASSERT_MSG_EQ(sum.cloudServers, 1, "and the cloud");
        NS_TEST_ASSERT_MSG_EQ(inet.linksRead, 6, "six links");
        NS_TEST_ASSERT_MSG_EQ(inet.pairs, 6, "six pairs");
        NS_TEST_ASSERT_MSG_EQ(sum.d2dLinks, 12, "each both ways");
        NS_TEST_ASSERT_MSG_EQ(sum.wanLinks, 10, "cloud links");
        for (std::size_t i = 0; i < 5; ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(s.GetServers()[i].name, "edge" + std::to_string(i), "names");
        }
        const LlmLink* l = FindLink(s, "edge0", "edge1");
        NS_TEST_ASSERT_MSG_NE(l, nullptr, "link 0 1");
        NS_TEST_EXPECT_MSG_EQ_TOL(l->delaySeconds.value_or(0), 283e-6, 1e-15, "weight delay");
        NS_TEST_EXPECT_MSG_EQ_TOL(FindLink(s, "edge0", "edge4")->delaySeconds.value_or(0),
                                  811e-6,
                                  1e-15,
                                  "weight delay, reversed");
        NS_TEST_EXPECT_MSG_EQ(FindLink(s, "edge0", "edge2"), nullptr, "no link 0 2");
        NS_TEST_EXPECT_MSG_EQ((LlmScenario::Parse(s.ToJson(), "imported") == s),
                              true,
                              "round trip");
        // Again (ns-3 >= 3.4x names the nodes it reads: a second read must not collide), and
        // without weights: the D2D delay.
        const auto again =
            LlmTopologyImport::Import("Inet", DataFile("topology-small.inet"), Config({}));
        NS_TEST_EXPECT_MSG_EQ(FindLink(again.scenario, "edge0", "edge1")->delaySeconds.value_or(0),
                              1e-4,
                              "weights ignored");

        // Orbis: ids 0 1 2 3 10 (sorted), a self-loop and a repeated pair dropped.
        const auto orbis = LlmTopologyImport::Import("Orbis",
                                                     DataFile("topology-small.orbis"),
                                                     Config({{"cloud", "0"}}));
        const std::vector<std::string> names{"edge0", "edge1", "edge2", "edge3", "edge10"};
        NS_TEST_ASSERT_MSG_EQ(orbis.scenario.GetServers().size(), 5, "five servers, no cloud");
        for (std::size_t i = 0; i < names.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(orbis.scenario.GetServers()[i].name, names[i], "sorted ids");
        }
        NS_TEST_EXPECT_MSG_EQ(orbis.linksRead, 7, "seven lines");
        NS_TEST_EXPECT_MSG_EQ(orbis.selfLoops, 1, "one self-loop");
        NS_TEST_EXPECT_MSG_EQ(orbis.pairs, 5, "five pairs");
        NS_TEST_EXPECT_MSG_EQ(orbis.scenario.GetLinks().size(), 10, "ten directed links");
        NS_TEST_EXPECT_MSG_NE(FindLink(orbis.scenario, "edge10", "edge3"), nullptr, "10 - 3");

        // Rocketfuel weights: router names are not numbers: edge0, edge1, ... in order.
        const auto rf = LlmTopologyImport::Import("Rocketfuel",
                                                  DataFile("topology-small.rocketfuel"),
                                                  Config({}));
        NS_TEST_EXPECT_MSG_EQ(rf.scenario.GetServers().size(), 4, "three routers and the cloud");
        NS_TEST_EXPECT_MSG_EQ(rf.pairs, 3, "three pairs");
        NS_TEST_EXPECT_MSG_EQ(rf.scenario.GetServers()[2].name, "edge2", "numbered names");
    }
};

/**
 * @ingroup edge-llm-tests
 * Bad files and options of an import are refused, naming the file or the option.
 */
class LlmTopologyImportRefusalTestCase : public TestCase
{
  public:
    LlmTopologyImportRefusalTestCase()
        : TestCase("Missing, empty and malformed topology files are refused by name")
    {
    }

  private:
    void DoRun() override
    {
        const std::string missing = DataFile("no-such-topology.txt");
        std::string e = ImportError("Inet", missing);
        NS_TEST_EXPECT_MSG_EQ(Contains(e, missing + ": cannot open the file for reading"), true, e);
        e = ImportError("Orbis", missing);
        NS_TEST_EXPECT_MSG_EQ(Contains(e, missing + ": cannot open"), true, e);
        e = ImportError("Brite", DataFile("topology-small.orbis"));
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "format: expected Inet, Orbis or Rocketfuel"), true, e);
        e = ImportError("Orbis", DataFile("topology-small.orbis"), {{"edges", "5"}});
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "--edges: not used with --orbis"), true, e);
        e = ImportError("Orbis", DataFile("topology-small.orbis"), {{"weight-delay", "1"}});
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "--weight-delay: applies to --inet only"), true, e);
        e = ImportError("Inet", DataFile(""));
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "expected a topology file, got a directory"), true, e);

        const std::string dir = std::filesystem::temp_directory_path().string();
        const std::string empty = dir + "/edge-llm-topology-empty.txt";
        std::ofstream(empty) << "\n";
        e = ImportError("Orbis", empty);
        NS_TEST_EXPECT_MSG_EQ(Contains(e,
                                       empty
                                           + ": expected an Orbis topology with at least one "
                                             "link"),
                              true,
                              e);
        e = ImportError("Rocketfuel", empty);
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "expected a Rocketfuel topology"), true, e);
        std::ofstream(empty) << "{\"servers\": []}\n";
        e = ImportError("Inet", empty);
        NS_TEST_EXPECT_MSG_EQ(Contains(e, empty + ": line 1: expected an Inet topology"), true, e);
        std::ofstream(empty) << "2 2\n0 1 1\n1 2 2\n0 1 5\n1\n";
        e = ImportError("Inet", empty);
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "line 5: expected a link \"<from> <to> <weight>\""),
                              true,
                              e);
        std::ofstream(empty) << "2 3\n0 1 1\n1 2 2\n0 1 5\n";
        e = ImportError("Inet", empty);
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "expected 3 link lines"), true, e);
        std::ofstream(empty) << "2 1\n0 1 1\n1 2 2\n0 1\n";
        e = ImportError("Inet", empty, {{"weight-delay", "1e-3"}});
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "(--weight-delay uses the weight)"), true, e);
        std::ofstream(empty) << "2 1\n0 1 1\n1 2 2\n0 1 20000\n";
        e = ImportError("Inet", empty, {{"weight-delay", "1e-3"}});
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "link 0 1: weight 20000 times --weight-delay gives 20 s"),
                              true,
                              e);
        e = ImportError("Inet", DataFile("topology-small.orbis"));
        NS_TEST_EXPECT_MSG_EQ(Contains(e,
                                       "topology-small.orbis: line 2: expected a link between "
                                       "nodes of the node lines, got node \"1\""),
                              true,
                              e);
        std::ofstream(empty) << "2 1\n0 1 1\n1 2 2\n0 1 5\n\n1 0 5\n";
        e = ImportError("Inet", empty);
        NS_TEST_EXPECT_MSG_EQ(Contains(e,
                                       "line 6: expected the end of the file after 2 node lines "
                                       "and 1 link lines"),
                              true,
                              e);
        std::ofstream(empty) << "3 3\n3 3\n";
        e = ImportError("Orbis", empty);
        NS_TEST_EXPECT_MSG_EQ(Contains(e, "found 2 links, all self-loops"), true, e);
        std::filesystem::remove(empty);
    }
};

/**
 * @ingroup edge-llm-tests
 * The ILP places the built-in model on a generated 30-server scenario.
 */
class LlmTopologySolverTestCase : public TestCase
{
  public:
    LlmTopologySolverTestCase()
        : TestCase("The ILP finds a plan on a generated 30-server scenario")
    {
    }

  private:
    void DoRun() override
    {
        const LlmScenario s = Generate({{"edges", "30"},
                                        {"graph", "geometric"},
                                        {"radius", "0.4"},
                                        {"cloud-bps", "1e9"},
                                        {"seed", "7"}});
        const LlmCostModel model(s);
        LlmSolverOptions o;
        o.timeLimitSeconds = 60;
        const LlmPlan plan = LlmSolverFactory::Create("ilp", o)->Solve(model);
        NS_TEST_ASSERT_MSG_EQ(plan.HasPlacement(), true, "a plan: " << plan.message);
        NS_TEST_EXPECT_MSG_EQ(plan.placement.size(), s.GetModel().GetNLayers(), "every layer");
        NS_TEST_EXPECT_MSG_GT(plan.objective, 0, "a completion time");
    }
};

/**
 * @ingroup edge-llm-tests
 * The topology suite.
 */
class LlmTopologyTestSuite : public TestSuite
{
  public:
    LlmTopologyTestSuite()
        : TestSuite("edge-llm-topology", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmTopologyDeterminismTestCase());
        AddTestCase(new LlmTopologyMeshTestCase());
        AddTestCase(new LlmTopologyGeometricTestCase());
        AddTestCase(new LlmTopologyRefusalTestCase());
        AddTestCase(new LlmTopologyImportTestCase());
        AddTestCase(new LlmTopologyImportRefusalTestCase());
        AddTestCase(new LlmTopologySolverTestCase());
    }
};

/// Static instance.
LlmTopologyTestSuite g_llmTopologyTestSuite;

} // namespace

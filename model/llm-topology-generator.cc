// SPDX-License-Identifier: GPL-2.0-only

#include "llm-topology-generator.h"

#include "llm-input-error.h"
#include "llm-profile.h"
#include "llm-text-parse.h"
#include "ns3/assert.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <unordered_map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmTopologyGenerator");

namespace
{

const char* kSource = "command line";

/**
 * @brief a × b + c with the product rounded to a double on its own.
 *
 * A compiler may fuse a * b + c into one fused multiply-add (GCC does by default where the
 * CPU has one, e.g. aarch64: -ffp-contract=fast), which rounds once and so can differ in the
 * last bit from x86-64: the volatile product forbids the fusion.
 * @param a a factor
 * @param b the other factor
 * @param c the addend
 * @return the sum
 */
double
MulAdd(double a, double b, double c)
{
    const volatile double product = a * b;
    return product + c;
}

/// Portable uniform draws from std::mt19937_64 (whose output the C++ standard fixes).
class PortableRng
{
  public:
    /**
     * @brief Seed the engine.
     * @param seed the seed
     */
    explicit PortableRng(uint64_t seed)
        : m_engine(seed)
    {
    }

    /// @return a double in [0, 1): the top 53 bits of the next output, times 2^-53
    double U01() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }

    /**
     * @brief A uniform value in [lo, hi).
     * @param lo smallest value
     * @param hi largest value
     * @return the value
     */
    double Uniform(double lo, double hi) { return MulAdd(hi - lo, U01(), lo); }

  private:
    std::mt19937_64 m_engine; //!< The engine
};

/**
 * @brief Round a drawn value to a readable step within [lo, hi]: the largest power of ten at
 *        most (hi − lo) / 1000, at least 1.
 * @param v the value
 * @param lo smallest value
 * @param hi largest value
 * @return the rounded value, clamped into [lo, hi]
 */
double
Tidy(double v, double lo, double hi)
{
    if (hi <= lo)
    {
        return lo;
    }
    double step = 1;
    while (step * 10 <= (hi - lo) / 1000)
    {
        step *= 10; // exact: powers of ten up to 1e22 are doubles
    }
    return std::clamp(std::round(v / step) * step, lo, hi);
}

/// Parse a positive value in [min, max] of a unit.
double
Positive(const std::string& field,
         const std::string& text,
         double min,
         double max,
         const std::string& expected)
{
    return LlmTextParse::Number(kSource, field, text, min, max, expected);
}

/// A clock in Hz.
double
Hz(const std::string& field, const std::string& text)
{
    return Positive(field,
                    text,
                    LlmScenario::MIN_PLAUSIBLE_CCS_HZ,
                    1e15,
                    "a clock in Hz (operations per second) 1e6 ... 1e15, e.g. 2e9 for 2 GHz");
}

/// A link rate in bit/s.
double
Bps(const std::string& field, const std::string& text)
{
    return Positive(field,
                    text,
                    LlmScenario::MIN_PLAUSIBLE_BPS,
                    1e15,
                    "a rate in bit/s 1e3 ... 1e15, e.g. 1e9 for 1 Gbit/s");
}

/// A storage size in bytes.
double
Bytes(const std::string& field, const std::string& text)
{
    return Positive(field,
                    text,
                    LlmScenario::MIN_PLAUSIBLE_STORAGE_BYTES,
                    1e18,
                    "a size in bytes 1e3 ... 1e18, e.g. 256e6 for 256 MB");
}

/// A delay in seconds.
double
Seconds(const std::string& field, const std::string& text)
{
    return LlmTextParse::Number(kSource, field, text, 0, 10, "a delay of 0 ... 10 s");
}

/// Union-find root of i.
std::size_t
Root(std::vector<std::size_t>& parent, std::size_t i)
{
    while (parent[i] != i)
    {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/// Shortest text of a number, for messages.
std::string
Text(double v)
{
    return LlmTextParse::Format(v);
}

} // namespace

const std::vector<LlmTopologyConfig::Key>&
LlmTopologyConfig::Keys()
{
    static const std::vector<Key> keys{
        {"edges", "Edge servers N, 1 ... 4095 (4096 with --cloud=0) (default 30)", false},
        {"graph",
         "D2D graph: mesh (every pair of edge servers, each kept with probability --density) "
         "or geometric (servers uniform in the unit square, a pair linked within --radius) "
         "(default mesh)",
         false},
        {"density", "mesh: probability of keeping each pair, 0 < p <= 1 (default 1)", false},
        {"radius", "geometric: link range in the unit square, 0 < r <= 2 (default 0.3)", false},
        {"rate-by-distance",
         "geometric: Omega falls linearly from --d2d-max-bps at distance 0 to --d2d-min-bps "
         "at --radius, instead of a uniform draw (0/1, default 0)",
         true},
        {"require-connected", "Refuse a D2D graph in more than one piece (default 0: warn)", true},
        {"ccs-min", "Smallest edge CCS_i, Hz (operations/s) (default 1e9)", false},
        {"ccs-max", "Largest edge CCS_i, Hz (default 4e9)", false},
        {"storage-min", "Smallest edge storage kappa_i, bytes (default 64e6)", false},
        {"storage-max", "Largest edge storage kappa_i, bytes (default 256e6)", false},
        {"unlimited-storage", "Edge servers without a storage limit (0/1, default 0)", true},
        {"d2d-min-bps", "Smallest D2D link rate Omega_ij, bit/s (default 1e8)", false},
        {"d2d-max-bps", "Largest D2D link rate Omega_ij, bit/s (default 1e9)", false},
        {"d2d-delay", "Propagation delay of every D2D link, 0 ... 10 s (default 1e-4)", false},
        {"cloud",
         "Add a cloud server linked to every edge server both ways (0/1, default 1)",
         true},
        {"cloud-ccs", "CCS of the cloud server, Hz (default 20e9)", false},
        {"cloud-bps",
         "Rate of every cloud link both ways, bit/s (default 50e6; --cloud-up-bps and "
         "--cloud-down-bps set one direction)",
         false},
        {"cloud-up-bps", "Rate of every edge -> cloud link, bit/s (default 50e6)", false},
        {"cloud-down-bps", "Rate of every cloud -> edge link, bit/s (default 50e6)", false},
        {"wan-delay", "Propagation delay of every cloud link, 0 ... 10 s (default 0.02)", false},
        {"model", "The model: a built-in profile name (default opt-350m)", false},
        {"max-layers-per-server",
         "Constraint (2d): a positive integer or \"unlimited\" (default 1)",
         false},
        {"weight-delay",
         "--inet: a link's delay_s = its Inet weight times this, 0 ... 1 s (default: the "
         "weight is ignored, every link gets --d2d-delay)",
         false},
        {"seed", "Seed of the draws, 0 ... 18446744073709551615 (default 1)", false},
    };
    return keys;
}

std::string
LlmTopologyConfig::GivenOptions() const
{
    std::string text;
    for (const Key& k : Keys())
    {
        const auto it = given.find(k.name);
        if (it != given.end())
        {
            text += " --" + k.name + "=" + it->second;
        }
    }
    return text;
}

void
LlmTopologyConfig::Set(const std::string& key, const std::string& v)
{
    const std::string field = "--" + key;
    const auto k =
        std::find_if(Keys().begin(), Keys().end(), [&key](const Key& x) { return x.name == key; });
    if (k == Keys().end())
    {
        throw LlmInputError(kSource, field, "is not a topology option");
    }
    if (k->isFlag && v.empty())
    {
        Set(key, "1");
        return;
    }
    given[key] = v;
    if (key == "edges")
    {
        edges = static_cast<uint32_t>(
            LlmTextParse::Integer(kSource, field, v, 1, LlmScenario::MAX_SERVERS));
    }
    else if (key == "graph")
    {
        if (v == "mesh" || v == "full-mesh")
        {
            graph = Graph::FULL_MESH;
        }
        else if (v == "geometric" || v == "random-geometric")
        {
            graph = Graph::RANDOM_GEOMETRIC;
        }
        else
        {
            throw LlmInputError(kSource, field, "expected mesh or geometric, got \"" + v + "\"");
        }
    }
    else if (key == "density")
    {
        const std::string expected = "a probability 0 < p <= 1";
        density = LlmTextParse::Number(kSource, field, v, 0, 1, expected);
        if (density <= 0)
        {
            throw LlmInputError(kSource, field, "expected " + expected + ", got \"" + v + "\"");
        }
    }
    else if (key == "radius")
    {
        const std::string expected = "a range 0 < r <= 2 in the unit square";
        radius = LlmTextParse::Number(kSource, field, v, 0, 2, expected);
        if (radius <= 0)
        {
            throw LlmInputError(kSource, field, "expected " + expected + ", got \"" + v + "\"");
        }
    }
    else if (key == "rate-by-distance")
    {
        rateByDistance = LlmTextParse::Bool(kSource, field, v);
    }
    else if (key == "require-connected")
    {
        requireConnected = LlmTextParse::Bool(kSource, field, v);
    }
    else if (key == "ccs-min")
    {
        ccsMinHz = Hz(field, v);
    }
    else if (key == "ccs-max")
    {
        ccsMaxHz = Hz(field, v);
    }
    else if (key == "storage-min")
    {
        storageMinBytes = Bytes(field, v);
    }
    else if (key == "storage-max")
    {
        storageMaxBytes = Bytes(field, v);
    }
    else if (key == "unlimited-storage")
    {
        limitedStorage = !LlmTextParse::Bool(kSource, field, v);
    }
    else if (key == "d2d-min-bps")
    {
        d2dMinBps = Bps(field, v);
    }
    else if (key == "d2d-max-bps")
    {
        d2dMaxBps = Bps(field, v);
    }
    else if (key == "d2d-delay")
    {
        d2dDelaySeconds = Seconds(field, v);
    }
    else if (key == "cloud")
    {
        cloud = LlmTextParse::Bool(kSource, field, v);
    }
    else if (key == "cloud-ccs")
    {
        cloudCcsHz = Hz(field, v);
    }
    else if (key == "cloud-bps")
    {
        wanUpBps = wanDownBps = Bps(field, v);
    }
    else if (key == "cloud-up-bps")
    {
        wanUpBps = Bps(field, v);
    }
    else if (key == "cloud-down-bps")
    {
        wanDownBps = Bps(field, v);
    }
    else if (key == "wan-delay")
    {
        wanDelaySeconds = Seconds(field, v);
    }
    else if (key == "model")
    {
        if (!LlmProfile::IsBuiltIn(v))
        {
            std::string known;
            for (const auto& n : LlmProfile::BuiltInNames())
            {
                known += (known.empty() ? "" : ", ") + n;
            }
            throw LlmInputError(kSource,
                                field,
                                "expected a built-in profile (" + known + "), got \"" + v + "\"");
        }
        model = v;
    }
    else if (key == "max-layers-per-server")
    {
        if (v == "unlimited")
        {
            maxLayers.reset();
        }
        else
        {
            maxLayers =
                static_cast<uint32_t>(LlmTextParse::Integer(kSource,
                                                            field,
                                                            v,
                                                            1,
                                                            UINT32_MAX,
                                                            "a positive integer or \"unlimited\""));
        }
    }
    else if (key == "weight-delay")
    {
        weightDelay =
            LlmTextParse::Number(kSource, field, v, 0, 1, "a delay per unit of weight, 0 ... 1 s");
    }
    else if (key == "seed")
    {
        seed = LlmTextParse::Integer(kSource, field, v, 0, UINT64_MAX);
    }
}

void
LlmTopologyConfig::Validate() const
{
    const std::size_t most = LlmScenario::MAX_SERVERS - (cloud ? 1 : 0);
    if (edges < 1 || edges > most)
    {
        throw LlmInputError(kSource,
                            "--edges",
                            "expected 1 ... " + std::to_string(most) + " edge servers"
                                + (cloud ? " (a scenario holds at most 4096 servers, the cloud "
                                           "included)"
                                         : "")
                                + ", got " + std::to_string(edges));
    }
    auto ordered = [](double lo, double hi, const std::string& loKey, const std::string& hiKey) {
        if (!(lo <= hi))
        {
            throw LlmInputError(kSource,
                                "--" + hiKey,
                                "expected at least --" + loKey + " (" + Text(lo) + "), got "
                                    + Text(hi));
        }
    };
    ordered(ccsMinHz, ccsMaxHz, "ccs-min", "ccs-max");
    ordered(storageMinBytes, storageMaxBytes, "storage-min", "storage-max");
    ordered(d2dMinBps, d2dMaxBps, "d2d-min-bps", "d2d-max-bps");
    if (!(density > 0 && density <= 1))
    {
        throw LlmInputError(kSource,
                            "--density",
                            "expected a probability 0 < p <= 1, got " + Text(density));
    }
    if (!(radius > 0 && radius <= 2))
    {
        throw LlmInputError(kSource,
                            "--radius",
                            "expected a range 0 < r <= 2 in the unit square, got " + Text(radius));
    }
    if (!LlmProfile::IsBuiltIn(model))
    {
        throw LlmInputError(kSource,
                            "--model",
                            "expected a built-in profile, got \"" + model + "\"");
    }
    if (maxLayers && *maxLayers == 0)
    {
        throw LlmInputError(kSource,
                            "--max-layers-per-server",
                            "expected a positive integer or \"unlimited\", got 0");
    }
    // Options that the chosen graph or cloud setting would silently ignore.
    auto unused = [this](const std::string& key, const std::string& why) {
        if (given.count(key))
        {
            throw LlmInputError(kSource, "--" + key, why);
        }
    };
    if (graph == Graph::FULL_MESH)
    {
        unused("radius", "applies to --graph=geometric only");
        unused("rate-by-distance", "applies to --graph=geometric only");
    }
    else
    {
        unused("density", "applies to --graph=mesh only (geometric links follow --radius)");
    }
    if (!limitedStorage)
    {
        unused("storage-min", "not used with --unlimited-storage");
        unused("storage-max", "not used with --unlimited-storage");
    }
    if (!cloud)
    {
        for (const char* key :
             {"cloud-ccs", "cloud-bps", "cloud-up-bps", "cloud-down-bps", "wan-delay"})
        {
            unused(key, "not used with --cloud=0");
        }
    }
}

LlmTopologyGenerator::LlmTopologyGenerator(const LlmTopologyConfig& config)
    : m_config(config)
{
    NS_LOG_FUNCTION(this);
    m_config.Validate();
}

LlmScenario
LlmTopologyGenerator::Empty(const std::string& description) const
{
    LlmScenario s;
    s.SetModel(LlmProfile::BuiltIn(m_config.model), m_config.model);
    s.GetWorkload() = LlmWorkload{128, 128};
    s.GetQuantization() = LlmQuantization{4, 32, 2, 1e-5};
    s.SetMaxLayersPerServer(m_config.maxLayers);
    s.SetDescription(description);
    return s;
}

std::vector<std::pair<double, double>>
LlmTopologyGenerator::GetPositions() const
{
    std::vector<std::pair<double, double>> positions;
    if (m_config.graph != LlmTopologyConfig::Graph::RANDOM_GEOMETRIC)
    {
        return positions;
    }
    PortableRng rng(m_config.seed);
    for (uint32_t i = 0; i < m_config.edges; ++i)
    {
        const double x = rng.U01();
        const double y = rng.U01();
        positions.emplace_back(x, y);
    }
    return positions;
}

LlmScenario
LlmTopologyGenerator::Generate() const
{
    NS_LOG_FUNCTION(this);
    const LlmTopologyConfig& c = m_config;
    if (c.weightDelay || c.given.count("weight-delay"))
    {
        throw LlmInputError(kSource, "--weight-delay", "applies to an Inet import (--inet) only");
    }
    const bool geometric = c.graph == LlmTopologyConfig::Graph::RANDOM_GEOMETRIC;
    std::string description =
        "edge-llm-topology" + c.GivenOptions() + ": " + std::to_string(c.edges) + " edge servers, ";
    description += geometric ? "random geometric graph (radius " + Text(c.radius)
                                   + (c.rateByDistance ? ", rate by distance)" : ")")
                             : "full mesh (density " + Text(c.density) + ")";
    description +=
        std::string(c.cloud ? " and a cloud" : ", no cloud") + ", seed " + std::to_string(c.seed);
    LlmScenario s = Empty(description);

    PortableRng rng(c.seed);
    std::vector<std::pair<double, double>> pos;
    if (geometric)
    {
        for (uint32_t i = 0; i < c.edges; ++i)
        {
            const double x = rng.U01();
            const double y = rng.U01();
            pos.emplace_back(x, y);
        }
    }
    for (uint32_t i = 0; i < c.edges; ++i)
    {
        LlmServer e;
        e.name = "edge" + std::to_string(i);
        e.ccsHz = Tidy(rng.Uniform(c.ccsMinHz, c.ccsMaxHz), c.ccsMinHz, c.ccsMaxHz);
        if (c.limitedStorage)
        {
            e.storageBytes = Tidy(rng.Uniform(c.storageMinBytes, c.storageMaxBytes),
                                  c.storageMinBytes,
                                  c.storageMaxBytes);
        }
        s.GetServers().push_back(e);
    }
    for (uint32_t i = 0; i < c.edges; ++i)
    {
        for (uint32_t j = i + 1; j < c.edges; ++j)
        {
            double bps = 0;
            if (geometric)
            {
                const double dx = pos[i].first - pos[j].first;
                const double dy = pos[i].second - pos[j].second;
                const double d = std::sqrt(MulAdd(dx, dx, MulAdd(dy, dy, 0)));
                if (d > c.radius)
                {
                    continue;
                }
                bps = c.rateByDistance
                          ? MulAdd(c.d2dMinBps - c.d2dMaxBps, d / c.radius, c.d2dMaxBps)
                          : rng.Uniform(c.d2dMinBps, c.d2dMaxBps);
            }
            else
            {
                // Ω is drawn for a dropped pair too: the density changes which pairs are
                // kept, not the rates of those kept.
                const bool keep = rng.U01() < c.density;
                bps = rng.Uniform(c.d2dMinBps, c.d2dMaxBps);
                if (!keep)
                {
                    continue;
                }
            }
            bps = Tidy(bps, c.d2dMinBps, c.d2dMaxBps);
            const std::string a = "edge" + std::to_string(i);
            const std::string b = "edge" + std::to_string(j);
            s.GetLinks().push_back({a, b, bps, c.d2dDelaySeconds});
            s.GetLinks().push_back({b, a, bps, c.d2dDelaySeconds});
        }
    }
    Finish(s, "--require-connected");
    return s;
}

LlmScenario
LlmTopologyGenerator::FromGraph(const std::vector<std::string>& names,
                                const std::vector<Edge>& edges,
                                const std::string& file,
                                const std::string& option) const
{
    NS_LOG_FUNCTION(this << file << option);
    const LlmTopologyConfig& c = m_config;
    const std::size_t most = LlmScenario::MAX_SERVERS - (c.cloud ? 1 : 0);
    if (names.size() > most)
    {
        throw LlmInputError(file,
                            "",
                            "expected at most " + std::to_string(most) + " nodes"
                                + (c.cloud ? " (4096 servers, the cloud included)" : "") + ", got "
                                + std::to_string(names.size()));
    }
    LlmScenario s =
        Empty("edge-llm-topology " + option + "=" + file + c.GivenOptions() + ": "
              + std::to_string(names.size()) + " edge servers read from " + file
              + (c.cloud ? " and a cloud" : ", no cloud") + ", seed " + std::to_string(c.seed));
    PortableRng rng(c.seed);
    for (const std::string& name : names)
    {
        LlmServer e;
        e.name = name;
        e.ccsHz = Tidy(rng.Uniform(c.ccsMinHz, c.ccsMaxHz), c.ccsMinHz, c.ccsMaxHz);
        if (c.limitedStorage)
        {
            e.storageBytes = Tidy(rng.Uniform(c.storageMinBytes, c.storageMaxBytes),
                                  c.storageMinBytes,
                                  c.storageMaxBytes);
        }
        s.GetServers().push_back(e);
    }
    for (const Edge& edge : edges)
    {
        NS_ASSERT_MSG(edge.a != edge.b && edge.a < names.size() && edge.b < names.size(),
                      "FromGraph: a link between " << edge.a << " and " << edge.b);
        const double bps = Tidy(rng.Uniform(c.d2dMinBps, c.d2dMaxBps), c.d2dMinBps, c.d2dMaxBps);
        const double delay = edge.delaySeconds.value_or(c.d2dDelaySeconds);
        s.GetLinks().push_back({names[edge.a], names[edge.b], bps, delay});
        s.GetLinks().push_back({names[edge.b], names[edge.a], bps, delay});
    }
    Finish(s, "--require-connected");
    return s;
}

void
LlmTopologyGenerator::Finish(LlmScenario& s, const std::string& option) const
{
    const LlmTopologyConfig& c = m_config;
    if (c.requireConnected)
    {
        const LlmTopologySummary sum = Summarize(s);
        if (sum.components > 1)
        {
            throw LlmInputError(kSource,
                                option,
                                "the D2D graph has " + std::to_string(sum.components)
                                    + " components (largest: "
                                    + std::to_string(sum.largestComponent) + " of "
                                    + std::to_string(sum.edgeServers)
                                    + " edge servers); raise --radius or --density, or try "
                                      "another --seed");
        }
    }
    if (c.cloud)
    {
        const std::size_t nEdge = s.GetServers().size();
        LlmServer cloud;
        cloud.name = "cloud";
        cloud.ccsHz = c.cloudCcsHz;
        cloud.role = LlmServer::Role::CLOUD;
        s.GetServers().push_back(cloud);
        for (std::size_t i = 0; i < nEdge; ++i)
        {
            const std::string& e = s.GetServers()[i].name;
            s.GetLinks().push_back({e, "cloud", c.wanUpBps, c.wanDelaySeconds});
            s.GetLinks().push_back({"cloud", e, c.wanDownBps, c.wanDelaySeconds});
        }
    }
    s.Validate("generated scenario");
}

LlmTopologySummary
LlmTopologyGenerator::Summarize(const LlmScenario& scenario)
{
    LlmTopologySummary sum;
    const auto& servers = scenario.GetServers();
    const std::size_t n = servers.size();
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < n; ++i)
    {
        index.emplace(servers[i].name, i);
    }
    std::vector<std::set<std::size_t>> neighbours(n);
    for (const LlmLink& l : scenario.GetLinks())
    {
        const auto from = index.find(l.from);
        const auto to = index.find(l.to);
        if (from == index.end() || to == index.end())
        {
            continue;
        }
        const std::size_t i = from->second;
        const std::size_t j = to->second;
        if (scenario.IsD2d(i, j))
        {
            ++sum.d2dLinks;
            neighbours[i].insert(j);
            neighbours[j].insert(i);
            parent[Root(parent, i)] = Root(parent, j);
        }
        else
        {
            ++sum.wanLinks;
        }
    }
    std::vector<std::size_t> size(n, 0);
    bool first = true;
    double degrees = 0;
    for (std::size_t i = 0; i < n; ++i)
    {
        if (servers[i].role != LlmServer::Role::EDGE)
        {
            ++sum.cloudServers;
            continue;
        }
        ++sum.edgeServers;
        const std::size_t r = Root(parent, i);
        sum.components += size[r] == 0 ? 1 : 0;
        sum.largestComponent = std::max(sum.largestComponent, ++size[r]);
        const std::size_t d = neighbours[i].size();
        sum.minDegree = first ? d : std::min(sum.minDegree, d);
        sum.maxDegree = std::max(sum.maxDegree, d);
        degrees += static_cast<double>(d);
        first = false;
    }
    sum.meanDegree = sum.edgeServers > 0 ? degrees / static_cast<double>(sum.edgeServers) : 0;
    return sum;
}

} // namespace ns3

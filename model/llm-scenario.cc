// SPDX-License-Identifier: GPL-2.0-only

#include "llm-scenario.h"

#include "llm-input-error.h"
#include "llm-scenario-json.h"
#include "llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/rng-stream.h"

#include <charconv>
#include <cmath>
#include <set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmScenario");

namespace
{

/// What a server or layer name must be.
const char* kNameRule =
    "expected a non-empty name of printable characters without , \" or / (names go into CSV "
    "files and ns-3 Names)";

/// Whether a name is non-empty and free of control characters, commas, quotes and slashes.
bool
IsPrintableName(const std::string& name)
{
    if (name.empty())
    {
        return false;
    }
    for (unsigned char c : name)
    {
        if (c < 0x20 || c == 0x7f || c == ',' || c == '"' || c == '/')
        {
            return false;
        }
    }
    return true;
}

/// Text of a number for "got ..." in messages.
std::string
Got(double v)
{
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), v); // shortest text that reads back as v
    return std::string(buf, res.ptr);
}

/// The JSON path of element i of the array at `path`.
std::string
Index(const std::string& path, std::size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

} // namespace

LlmScenario
LlmScenario::Load(const std::string& path, bool acceptImplausibleUnits)
{
    NS_LOG_FUNCTION(path);
    return LlmScenarioJson::Load(path, acceptImplausibleUnits);
}

LlmScenario
LlmScenario::Parse(const std::string& text, const std::string& source)
{
    return LlmScenarioJson::Parse(text, source);
}

void
LlmScenario::Validate(const std::string& source) const
{
    auto fail = [&source](const std::string& path, const std::string& what) {
        throw LlmInputError(source, path, what);
    };
    auto positive = [&fail](double v, const std::string& path) {
        if (!(v > 0) || !std::isfinite(v))
        {
            fail(path, "expected a positive number, got " + Got(v));
        }
    };
    // A positive value far below any real one is a unit typed wrong (2.0 for 2 GHz): refused
    // with the likely meaning, unless accepted explicitly.
    auto plausible = [&fail, this](double v,
                                   const std::string& path,
                                   double least,
                                   const std::string& what,
                                   double scale,
                                   const std::string& typo) {
        if (m_acceptImplausibleUnits || v >= least)
        {
            return;
        }
        std::string text =
            "expected " + what + " of at least " + LlmTextParse::Format(least) + ", got " + Got(v);
        if (v * scale >= least && v * scale <= least * 1e9)
        {
            text += "; did you mean " + LlmTextParse::Format(v * scale) + " (" + typo + ")?";
        }
        fail(path,
             text
                 + " (to use such a value, set \"accept_implausible_units\": true in the "
                   "scenario or pass --accept-implausible-units)");
    };

    // Model.
    const bool explicitModel = m_modelReference.empty();
    const std::string mp = explicitModel ? "model" : "model (built-in " + m_modelReference + ")";
    if (m_model.GetName().empty())
    {
        fail(mp + ".name", "expected a non-empty string");
    }
    if (m_model.GetOriginalBits() == 0 || m_model.GetOriginalBits() > 64)
    {
        fail(mp + ".original_bits",
             "expected an integer in [1, 64], got " + std::to_string(m_model.GetOriginalBits()));
    }
    if (m_model.GetNLayers() == 0)
    {
        fail(mp + ".layers", "expected a non-empty array of layers, got []");
    }
    if (m_model.GetNLayers() > MAX_LAYERS)
    {
        fail(mp + ".layers",
             "expected at most " + std::to_string(MAX_LAYERS) + " layers, got "
                 + std::to_string(m_model.GetNLayers()));
    }
    std::set<std::string> layerNames;
    for (std::size_t l = 0; l < m_model.GetNLayers(); ++l)
    {
        const LlmLayer& layer = m_model.GetLayer(l);
        const std::string p = Index(mp + ".layers", l);
        if (!IsPrintableName(layer.name))
        {
            fail(p + ".name", kNameRule);
        }
        if (!layerNames.insert(layer.name).second)
        {
            fail(p + ".name", "expected a unique layer name, got \"" + layer.name + "\" twice");
        }
        if (!(layer.flopsPerToken >= 0) || !std::isfinite(layer.flopsPerToken))
        {
            fail(p + ".flops_per_token",
                 "expected a non-negative number, got " + Got(layer.flopsPerToken));
        }
        if (layer.outputElementsPerToken == 0)
        {
            fail(p + ".output_elements_per_token", "expected a positive integer, got 0");
        }
        if (!layer.HasWeightMaxAbs() && layer.weightError.empty())
        {
            fail(p, "expected weight_max_abs (a positive number) or weight_error, got neither");
        }
        for (const auto& [bits, err] : layer.weightError)
        {
            if (bits == 0 || bits > m_model.GetOriginalBits())
            {
                fail(p + ".weight_error." + std::to_string(bits),
                     "expected a bit width in [1, original_bits = "
                         + std::to_string(m_model.GetOriginalBits()) + "]");
            }
            if (!(err >= 0))
            {
                fail(p + ".weight_error." + std::to_string(bits),
                     "expected a non-negative number, got " + Got(err));
            }
        }
    }

    // Workload.
    if (m_workload.tokens == 0)
    {
        fail("workload.tokens", "expected a positive integer, got 0");
    }
    if (m_workload.batch == 0)
    {
        fail("workload.batch", "expected a positive integer, got 0");
    }

    // Quantization.
    const LlmQuantization& q = m_quantization;
    if (q.bMin == 0)
    {
        fail("quantization.b_min", "expected a positive integer, got 0");
    }
    if (q.bStep == 0)
    {
        fail("quantization.b_step", "expected a positive integer, got 0");
    }
    if (q.bMin > q.bMax)
    {
        fail("quantization.b_max",
             "expected b_max >= b_min = " + std::to_string(q.bMin) + ", got "
                 + std::to_string(q.bMax));
    }
    if (q.bMax > m_model.GetOriginalBits())
    {
        fail("quantization.b_max",
             "expected at most model.original_bits = " + std::to_string(m_model.GetOriginalBits())
                 + ", got " + std::to_string(q.bMax));
    }
    positive(q.delta, "quantization.delta");

    // Servers.
    if (m_servers.empty())
    {
        fail("servers", "expected a non-empty array of servers, got []");
    }
    if (m_servers.size() > MAX_SERVERS)
    {
        fail("servers",
             "expected at most " + std::to_string(MAX_SERVERS)
                 + " servers (the cost model keeps an N x N link matrix), got "
                 + std::to_string(m_servers.size()));
    }
    std::set<std::string> serverNames;
    for (std::size_t i = 0; i < m_servers.size(); ++i)
    {
        const LlmServer& s = m_servers[i];
        const std::string p = Index("servers", i);
        if (!IsPrintableName(s.name))
        {
            fail(p + ".name", kNameRule);
        }
        if (!serverNames.insert(s.name).second)
        {
            fail(p + ".name", "expected a unique server name, got \"" + s.name + "\" twice");
        }
        positive(s.ccsHz, p + ".ccs_hz");
        plausible(s.ccsHz,
                  p + ".ccs_hz",
                  MIN_PLAUSIBLE_CCS_HZ,
                  "a clock in Hz (operations per second)",
                  1e9,
                  "GHz typed as Hz");
        if (s.storageBytes)
        {
            positive(*s.storageBytes, p + ".storage_bytes");
            plausible(*s.storageBytes,
                      p + ".storage_bytes",
                      MIN_PLAUSIBLE_STORAGE_BYTES,
                      "a storage in bytes",
                      1e9,
                      "GB typed as bytes");
        }
    }

    // Links.
    std::set<std::pair<std::string, std::string>> pairs;
    for (std::size_t k = 0; k < m_links.size(); ++k)
    {
        const LlmLink& link = m_links[k];
        const std::string p = Index("links", k);
        if (serverNames.count(link.from) == 0)
        {
            fail(p + ".from",
                 "expected the name of a server in servers, got \"" + link.from + "\"");
        }
        if (serverNames.count(link.to) == 0)
        {
            fail(p + ".to", "expected the name of a server in servers, got \"" + link.to + "\"");
        }
        if (link.from == link.to)
        {
            fail(p + ".to", "expected a server other than from (\"" + link.from + "\")");
        }
        if (!pairs.insert({link.from, link.to}).second)
        {
            fail(p,
                 "expected one link per direction, got " + link.from + " -> " + link.to + " twice");
        }
        positive(link.bps, p + ".bps");
        plausible(link.bps,
                  p + ".bps",
                  MIN_PLAUSIBLE_BPS,
                  "a link speed in bit/s",
                  1e6,
                  "Mbit/s typed as bit/s");
        if (link.delaySeconds && (!(*link.delaySeconds >= 0) || !std::isfinite(*link.delaySeconds)))
        {
            fail(p + ".delay_s", "expected a non-negative number, got " + Got(*link.delaySeconds));
        }
    }

    // Every cost must be a finite number of seconds (eq. 3 and 4 with the extreme values). The
    // costs grow with FLOPs and output size, so the largest layers decide: linear in L + N.
    const double work = static_cast<double>(m_workload.tokens) * m_workload.batch;
    std::size_t heaviest = 0;
    std::size_t widest = 0;
    for (std::size_t l = 1; l < m_model.GetNLayers(); ++l)
    {
        if (m_model.GetLayer(l).flopsPerToken > m_model.GetLayer(heaviest).flopsPerToken)
        {
            heaviest = l;
        }
        if (m_model.GetLayer(l).outputElementsPerToken
            > m_model.GetLayer(widest).outputElementsPerToken)
        {
            widest = l;
        }
    }
    const LlmLayer& hl = m_model.GetLayer(heaviest);
    const LlmLayer& wl = m_model.GetLayer(widest);
    for (std::size_t i = 0; i < m_servers.size(); ++i)
    {
        if (!std::isfinite(work * hl.flopsPerToken / m_servers[i].ccsHz))
        {
            fail(Index("servers", i) + ".ccs_hz",
                 "expected a speed at which layer " + hl.name + " computes in a finite time, got "
                     + Got(m_servers[i].ccsHz));
        }
    }
    for (std::size_t k = 0; k < m_links.size(); ++k)
    {
        if (!std::isfinite(work * wl.outputElementsPerToken * q.bMax / m_links[k].bps))
        {
            fail(Index("links", k) + ".bps",
                 "expected a capacity that carries layer " + wl.name
                     + "'s output in a finite time, got " + Got(m_links[k].bps));
        }
    }

    if (m_maxLayersPerServer && *m_maxLayersPerServer == 0)
    {
        fail("max_layers_per_server", "expected a positive integer or null (unlimited), got 0");
    }
    if (m_user)
    {
        if (!FindServer(m_user->server))
        {
            fail("user.server", "expected the name of a server, got \"" + m_user->server + "\"");
        }
        positive(m_user->bps, "user.bps");
        plausible(m_user->bps,
                  "user.bps",
                  MIN_PLAUSIBLE_BPS,
                  "a link speed in bit/s",
                  1e6,
                  "Mbit/s typed as bit/s");
        if (!(m_user->delaySeconds >= 0) || !std::isfinite(m_user->delaySeconds))
        {
            fail("user.delay_s",
                 "expected a non-negative delay in seconds, got " + Got(m_user->delaySeconds));
        }
    }
}

const std::optional<LlmUser>&
LlmScenario::GetUser() const
{
    return m_user;
}

void
LlmScenario::SetUser(const std::optional<LlmUser>& user)
{
    m_user = user;
}

std::string
LlmScenario::ToJson(bool expandModel) const
{
    return LlmScenarioJson::ToJson(*this, expandModel);
}

void
LlmScenario::Save(const std::string& path, bool expandModel) const
{
    LlmScenarioJson::Save(*this, path, expandModel);
}

LlmScenario
LlmScenario::BuiltInDefault()
{
    LlmScenario s;
    s.SetModel(LlmProfile::BuiltIn("opt-350m"), "opt-350m");
    s.m_workload = LlmWorkload{128, 128};
    s.m_quantization = LlmQuantization{4, 32, 2, 1e-5};
    s.m_maxLayersPerServer = 1;

    // A fixed MRG32k3a stream: the built-in scenario is the same for every --RngRun.
    RngStream rng(12345, 0, 0);
    auto uniform = [&rng](double lo, double hi) { return lo + (hi - lo) * rng.RandU01(); };
    const int nEdge = 30;
    for (int i = 0; i < nEdge; ++i)
    {
        LlmServer e;
        e.name = "edge" + std::to_string(i);
        e.ccsHz = std::round(uniform(1e9, 4e9) / 1e6) * 1e6;           // whole MHz
        e.storageBytes = std::round(uniform(64e6, 256e6) / 1e6) * 1e6; // whole MB
        s.m_servers.push_back(e);
    }
    LlmServer cloud;
    cloud.name = "cloud";
    cloud.ccsHz = 20e9;
    cloud.role = LlmServer::Role::CLOUD;
    s.m_servers.push_back(cloud);

    for (int i = 0; i < nEdge; ++i)
    {
        for (int k = 0; k < nEdge; ++k)
        {
            if (i != k)
            {
                double bps = std::round(uniform(100e6, 1e9) / 1e5) * 1e5; // whole 0.1 Mbit/s
                s.m_links.push_back(
                    {"edge" + std::to_string(i), "edge" + std::to_string(k), bps, 1e-4});
            }
        }
    }
    for (int i = 0; i < nEdge; ++i)
    {
        s.m_links.push_back({"edge" + std::to_string(i), "cloud", 50e6, 0.02});
        s.m_links.push_back({"cloud", "edge" + std::to_string(i), 50e6, 0.02});
    }
    s.Validate("built-in scenario");
    return s;
}

std::optional<std::size_t>
LlmScenario::FindServer(const std::string& name) const
{
    for (std::size_t i = 0; i < m_servers.size(); ++i)
    {
        if (m_servers[i].name == name)
        {
            return i;
        }
    }
    return std::nullopt;
}

bool
LlmScenario::operator==(const LlmScenario& o) const
{
    return m_model == o.m_model && m_modelReference == o.m_modelReference
           && m_workload.tokens == o.m_workload.tokens && m_workload.batch == o.m_workload.batch
           && m_quantization.bMin == o.m_quantization.bMin
           && m_quantization.bMax == o.m_quantization.bMax
           && m_quantization.bStep == o.m_quantization.bStep
           && m_quantization.delta == o.m_quantization.delta && m_servers == o.m_servers
           && m_links == o.m_links && m_maxLayersPerServer == o.m_maxLayersPerServer
           && m_description == o.m_description && m_user == o.m_user;
}

const LlmProfile&
LlmScenario::GetModel() const
{
    return m_model;
}

void
LlmScenario::SetModel(const LlmProfile& model, const std::string& builtInName)
{
    m_model = model;
    m_modelReference = builtInName;
}

const std::string&
LlmScenario::GetModelReference() const
{
    return m_modelReference;
}

const LlmWorkload&
LlmScenario::GetWorkload() const
{
    return m_workload;
}

LlmWorkload&
LlmScenario::GetWorkload()
{
    return m_workload;
}

const LlmQuantization&
LlmScenario::GetQuantization() const
{
    return m_quantization;
}

LlmQuantization&
LlmScenario::GetQuantization()
{
    return m_quantization;
}

const std::vector<LlmServer>&
LlmScenario::GetServers() const
{
    return m_servers;
}

std::vector<LlmServer>&
LlmScenario::GetServers()
{
    return m_servers;
}

const std::vector<LlmLink>&
LlmScenario::GetLinks() const
{
    return m_links;
}

std::vector<LlmLink>&
LlmScenario::GetLinks()
{
    return m_links;
}

std::optional<uint32_t>
LlmScenario::GetMaxLayersPerServer() const
{
    return m_maxLayersPerServer;
}

void
LlmScenario::SetMaxLayersPerServer(std::optional<uint32_t> m)
{
    m_maxLayersPerServer = m;
}

const std::optional<std::string>&
LlmScenario::GetDescription() const
{
    return m_description;
}

void
LlmScenario::SetDescription(const std::optional<std::string>& description)
{
    m_description = description;
}

} // namespace ns3
